"""The sources registry (`sources.toml`): one entry per portal, validated on load.

    [defaults]                 # CrawlSettings fields applied to every source
    delay = 3.0

    [[source]]                 # id and start are required; everything else is optional
    id = "fj-pingtan"          # unique, [a-z0-9-]
    start = "https://…/"       # the portal home or any page of the site (or a list of URLs)
    agency = "平潭综合实验区管理委员会"   # default: discovered from the site
    region = "350128"          # 6-digit 行政区划代码; "000000" for a national (国务院) department
    adapter = "trs"            # default auto (detected); trs | hanweb | gd | hunan | generic | pages
    start = "https://…/zfxxgknb/"   # or a list of URLs
    since = 2019               # first report year expected (coverage)
    note = "…"
    [source.settings]          # per-source CrawlSettings overrides
    delay = 5.0

Errors name the file, the entry and the bad key, e.g.
``sources.toml: source #3 ('fj-pingtan'): unknown key 'dely' (did you mean 'delay'?)``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .settings import CrawlSettings, SettingsError
from .urls import canonical

ADAPTERS = ("auto", "trs", "hanweb", "gd", "hunan", "generic", "pages")
"""`auto` (the default) detects the CMS family from the pages (`scrapers.adapters.detect`)."""
DEFAULT_PATH = Path(__file__).with_name("sources.toml")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_KEYS = ("id", "agency", "region", "adapter", "start", "since", "note", "settings")


class SourceError(ValueError):
    """A bad sources file; the message names the file, the entry and the key."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """A portal to crawl: an id and a start URL (a home page or any page of the site) are enough.

    `agency` and `region` are discovered from the site when empty (see `scrapers.identity`);
    `adapter` forces a CMS family instead of detecting it."""

    id: str
    start: tuple[str, ...]
    agency: str = ""
    region: str = ""
    adapter: str = "auto"
    since: int = 2019
    note: str = ""
    settings: CrawlSettings = field(default_factory=CrawlSettings)


def _where(path: str, n: int, entry: Mapping[str, Any]) -> str:
    sid = entry.get("id")
    return f"{path}: source #{n}" + (f" ({sid!r})" if isinstance(sid, str) else "")


def _check_keys(entry: Mapping[str, Any], where: str) -> None:
    for key in entry:
        if key not in _KEYS:
            near = difflib.get_close_matches(key, _KEYS, n=1)
            raise SourceError(f"{where}: unknown key {key!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
    for key in ("id", "start"):
        if key not in entry:
            raise SourceError(f"{where}: missing key {key!r}")


def _starts(entry: Mapping[str, Any], where: str) -> list[str]:
    start = entry["start"]
    starts = [start] if isinstance(start, str) else start
    if not isinstance(starts, list) or not starts or not all(isinstance(s, str) for s in starts):
        raise SourceError(f"{where}: 'start' must be a URL or a non-empty list of URLs")
    for s in starts:
        if not re.match(r"^https?://[^/\s]+", s):
            raise SourceError(f"{where}: 'start' URL {s!r} is not an http(s) URL")
    return starts


def source_of(entry: Mapping[str, Any], *, defaults: CrawlSettings, where: str) -> Source:
    _check_keys(entry, where)
    sid, agency, region = entry["id"], entry.get("agency", ""), entry.get("region", "")
    adapter = entry.get("adapter", "auto")
    if not isinstance(sid, str) or not _ID.match(sid):
        raise SourceError(f"{where}: 'id' must be 2-64 characters of a-z, 0-9 and '-', not {sid!r}")
    if not isinstance(agency, str):
        raise SourceError(f"{where}: 'agency' must be a string")
    if not isinstance(region, str) or (region and not re.fullmatch(r"\d{6}", region)):
        raise SourceError(f"{where}: 'region' must be a 6-digit 行政区划代码 string, not {region!r}")
    if adapter not in ADAPTERS:
        near = difflib.get_close_matches(str(adapter), ADAPTERS, n=1)
        raise SourceError(f"{where}: 'adapter' must be one of {', '.join(ADAPTERS)}, not {adapter!r}"
                          + (f" (did you mean {near[0]!r}?)" if near else ""))
    starts = _starts(entry, where)
    since = entry.get("since", 2019)
    if not isinstance(since, int) or not 2008 <= since <= 2100:
        raise SourceError(f"{where}: 'since' must be a year from 2008 on, not {since!r}")
    note = entry.get("note", "")
    if not isinstance(note, str):
        raise SourceError(f"{where}: 'note' must be a string")
    raw = entry.get("settings")
    if raw is not None and not isinstance(raw, Mapping):
        raise SourceError(f"{where}: 'settings' must be a table")
    try:
        settings = CrawlSettings.resolve(raw, base=defaults, where=f"{where}: settings")
    except SettingsError as exc:
        raise SourceError(str(exc)) from None
    return Source(id=sid, agency=agency.strip(), region=region, adapter=adapter,
                  start=tuple(canonical(s) for s in starts), since=since, note=note, settings=settings)


def parse_sources(data: Mapping[str, Any], *, path: str = "sources.toml",
                  base: CrawlSettings | None = None) -> list[Source]:
    """A parsed TOML document → sources; raise `SourceError` naming the first bad key."""
    for key in data:
        if key not in ("defaults", "source"):
            raise SourceError(f"{path}: unknown top-level key {key!r} (expected [defaults] and [[source]])")
    try:
        defaults = CrawlSettings.resolve(data.get("defaults"), base=base, where=f"{path}: [defaults]")
    except SettingsError as exc:
        raise SourceError(str(exc)) from None
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourceError(f"{path}: 'source' must be an array of tables ([[source]])")
    out: list[Source] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            raise SourceError(f"{path}: source #{n} is not a table")
        src = source_of(entry, defaults=defaults, where=_where(path, n, entry))
        if src.id in seen:
            raise SourceError(f"{_where(path, n, entry)}: duplicate id {src.id!r}")
        seen.add(src.id)
        out.append(src)
    return out


def load_sources(path: Path = DEFAULT_PATH, *, base: CrawlSettings | None = None) -> list[Source]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{path}: no such sources file") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: not valid TOML ({exc})") from None
    return parse_sources(data, path=str(path), base=base)


def select(sources: list[Source], ids: list[str]) -> list[Source]:
    """The sources named by `ids` (all when empty); an unknown id is an error naming it."""
    if not ids:
        return sources
    by_id = {s.id: s for s in sources}
    missing = [i for i in ids if i not in by_id]
    if missing:
        near = difflib.get_close_matches(missing[0], list(by_id), n=1)
        raise SourceError(f"unknown source id {missing[0]!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
    return [by_id[i] for i in ids]
