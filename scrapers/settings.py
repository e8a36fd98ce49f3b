"""Crawl settings as validated data: defaults, per-source overrides, errors that name the key."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

USER_AGENT = "xxgk/0.1 (+https://example.invalid/xxgk; research crawler; contact xxgk@example.invalid)"


class SettingsError(ValueError):
    """A bad setting; the message names the key and the value."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlSettings:
    """HTTP politeness and crawl limits. Every field can be set per source in sources.toml."""

    user_agent: str = USER_AGENT
    delay: float = 3.0
    """Seconds between the end of one request and the start of the next to the same host."""
    max_delay: float = 120.0
    """Ceiling of the adaptive delay a slow or failing host is pushed to."""
    slow_after: float = 5.0
    """A response slower than this doubles the host's delay."""
    timeout: float = 30.0
    retries: int = 3
    """Extra attempts for transient failures (timeouts, 408/425/429/5xx), with jittered back-off."""
    backoff: float = 2.0
    """Base of the exponential back-off between retries, in seconds."""
    max_retry_after: float = 300.0
    max_bytes: int = 64 * 1024 * 1024
    max_redirects: int = 5
    max_pages: int = 60
    """List pages per source (pagination, year sub-columns) before the crawl stops paginating."""
    max_nav: int = 12
    """Navigation pages a generic adapter may open while looking for the annual-report column."""
    max_url_length: int = 512
    respect_robots: bool = True
    hosts: tuple[str, ...] = ()
    """Extra hosts (host[:port]) this source may fetch from, e.g. a separate attachment server."""
    prefixes: tuple[str, ...] = ()
    """Path prefixes of list and report pages; empty = the adapter's default for the start URL."""

    def __post_init__(self) -> None:
        for name in ("delay", "max_delay", "slow_after", "timeout", "backoff", "max_retry_after"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise SettingsError(f"setting {name!r} must be a non-negative number, not {value!r}")
        for name in ("retries", "max_bytes", "max_redirects", "max_pages", "max_nav", "max_url_length"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SettingsError(f"setting {name!r} must be a non-negative integer, not {value!r}")
        if self.timeout == 0:
            raise SettingsError("setting 'timeout' must be positive")
        if not self.user_agent or ("+" not in self.user_agent and "@" not in self.user_agent):
            raise SettingsError(f"setting 'user_agent' must name a contact (URL or e-mail): {self.user_agent!r}")

    @classmethod
    def resolve(cls, value: CrawlSettings | Mapping[str, Any] | None, *, base: CrawlSettings | None = None,
                where: str = "settings") -> CrawlSettings:
        """None, a mapping (from TOML) or an instance → settings; unknown keys are named."""
        base = base or cls()
        if value is None:
            return base
        if isinstance(value, CrawlSettings):
            return value
        known = {f.name for f in fields(cls)}
        changes: dict[str, Any] = {}
        for key, v in value.items():
            if key not in known:
                near = difflib.get_close_matches(key, sorted(known), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise SettingsError(f"{where}: unknown key {key!r}{hint}")
            if key in ("hosts", "prefixes"):
                if isinstance(v, str) or not all(isinstance(x, str) for x in v):
                    raise SettingsError(f"{where}: {key!r} must be a list of strings, not {v!r}")
                v = tuple(v)
            if isinstance(getattr(base, key), float) and isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            changes[key] = v
        try:
            return replace(base, **changes)
        except SettingsError as exc:
            raise SettingsError(f"{where}: {exc}") from None
