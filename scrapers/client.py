"""HTTP policy: the one place that builds an `httpx.Client`, and the polite fetcher around it.

The fetcher checks robots.txt (protego), keeps one request in flight per host with a delay
between requests that grows when a host is slow or failing and relaxes when it recovers,
retries transient failures only (timeouts, 408/425/429/5xx) with jittered exponential back-off,
follows redirects only within the caller's scope, sends conditional requests (ETag /
Last-Modified) and stops reading a body over the size limit. Every exchange comes back as an
`Exchange` with its access state; the fetcher never raises for a network problem.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

import httpx
from protego import Protego

from .access import TRANSIENT_STATUS, AccessState, state_of_status
from .settings import CrawlSettings
from .urls import canonical, host_of, join, origin

Headers = tuple[tuple[str, str], ...]
Transport = httpx.BaseTransport
"""What `make_client` (and `pipeline.runs.jobs.crawl`) accept to answer requests instead of the network."""


def make_client(settings: CrawlSettings | None = None, *,
                transport: httpx.BaseTransport | None = None, connections: int = 32) -> httpx.Client:
    """The only `httpx.Client` factory: no automatic redirects (the fetcher checks scope), no
    proxies from the environment, a User-Agent with a contact, and a bounded connection pool
    (`connections`: one per crawl worker, so workers never queue for a socket and sockets stay bounded)."""
    settings = settings or CrawlSettings()
    connections = max(1, connections)
    return httpx.Client(
        transport=transport,
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(settings.timeout),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=max(1, connections // 2)),
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate",
                 "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                 "Accept-Language": "zh-CN,zh;q=0.9"},
    )


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """One request and what came back (or why nothing did)."""

    url: str
    method: str = "GET"
    request_headers: Headers = ()
    request_body: bytes = b""
    """The form a POST sent (Hanweb's dataproxy.jsp pager); empty for a GET."""
    status: int | None = None
    reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: Headers = ()
    raw: bytes = b""
    """The body as transferred (content-encoded, de-chunked): what the WARC stores."""
    body: bytes = b""
    """The body with its content-encoding removed: the document's bytes."""
    started_at: str = field(default_factory=_now)
    elapsed: float = 0.0
    state: AccessState = "ok"
    detail: str = ""
    attempts: int = 1

    def header(self, name: str) -> str | None:
        low = name.lower()
        for k, v in self.headers:
            if k.lower() == low:
                return v
        return None

    @property
    def location(self) -> str | None:
        loc = self.header("location")
        return join(self.url, loc) if loc else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Fetch:
    """The outcome for one asked URL: redirect hops, the final exchange, the asked URL's state."""

    url: str
    final: Exchange
    hops: tuple[Exchange, ...] = ()
    state: AccessState = "ok"

    @property
    def final_url(self) -> str:
        return self.final.url


class Memory(Protocol):
    """What the fetcher needs from the archive: validators and bodies of earlier captures,
    and a place to put the robots.txt exchanges it makes on its own."""

    def validators(self, url: str) -> tuple[str | None, str | None]: ...

    def archived_body(self, url: str) -> bytes | None: ...

    def record_robots(self, fetch: Fetch) -> None: ...


@dataclass(slots=True)
class _Gate:
    """Politeness for one host: one request at a time, and the adaptive delay between them."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    base: float = 0.0
    delay: float = 0.0
    next_at: float = 0.0
    failures: int = 0
    """Failed answers in a row: the back-off grows with the streak, not with the failure rate."""


@dataclass(frozen=True, slots=True)
class _Robots:
    parser: Protego | None
    """None when robots.txt could not be read: everything on the host counts as disallowed."""
    detail: str = ""
    state: AccessState = "robots_denied"
    """What a refusal is recorded as: robots_denied, or the challenge/block that hid robots.txt."""


class Fetcher:
    """Polite GETs over an injected `httpx.Client`. Thread-safe; one gate per host."""

    def __init__(self, client: httpx.Client, *, memory: Memory | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None, log: Callable[..., None] | None = None) -> None:
        self.client = client
        self.memory = memory
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.log = log or (lambda event, **kw: None)
        self._gates: dict[str, _Gate] = {}
        self._robots: dict[str, _Robots] = {}
        self._guard = threading.Lock()
        self._robots_locks: dict[str, threading.Lock] = {}

    # -- politeness -------------------------------------------------------------------------------
    def _gate(self, host: str, settings: CrawlSettings) -> _Gate:
        with self._guard:
            gate = self._gates.setdefault(host, _Gate())
            if settings.delay > gate.base:
                gate.base = settings.delay
                gate.delay = max(gate.delay, settings.delay)
            return gate

    def due(self, url: str) -> float:
        """When `url`'s host may be asked next (on `clock`): a scheduler picks what is due first."""
        gate = self._gates.get(host_of(url))
        return gate.next_at if gate else 0.0

    def robots_pending(self, url: str, settings: CrawlSettings) -> bool:
        """Would fetching `url` first read its host's robots.txt? (A scheduler makes that a step of its
        own, so no worker sleeps out the delay between robots.txt and the page.)"""
        return settings.respect_robots and host_of(url) not in self._robots

    def host_delay(self, host: str) -> float:
        gate = self._gates.get(host)
        return gate.delay if gate else 0.0

    def _adapt(self, gate: _Gate, ex: Exchange, settings: CrawlSettings, extra_wait: float = 0.0) -> None:
        """Bounded back-off that recovers. The k-th failure in a row (timeout, 429, 5xx) sets the delay
        to base·2^k (at least 0.5 s, at most `max_delay`); a slow answer to at least twice its
        response time (scrapy's AutoThrottle idea); every good answer halves the excess over the
        base, so after a failure the delay is back to base (within 1 %) after log2(100·max_delay/base) good answers,
        whatever share of answers fails. A `Retry-After` only lengthens the wait before the next
        request (`extra_wait`), never the delay after it. Gates are per host: one slow host never
        slows another."""
        failing = ex.state in ("timeout", "server_error") or ex.status in (429, 503)
        if failing:
            gate.failures += 1
            gate.delay = min(settings.max_delay, max(gate.delay, max(gate.base, 0.25) * 2 ** gate.failures))
        elif ex.elapsed > settings.slow_after:
            gate.failures = 0
            gate.delay = min(settings.max_delay, max(gate.delay, 2 * ex.elapsed))
        else:
            gate.failures = 0
            excess = (gate.delay - gate.base) / 2
            gate.delay = gate.base if excess < 0.01 * max(gate.base, 0.01) else gate.base + excess
        if failing or ex.elapsed > settings.slow_after:
            self.log("host_backoff", host=host_of(ex.url), delay=round(gate.delay, 3), state=ex.state,
                     elapsed=round(ex.elapsed, 3))
        # After a timeout the server may still be busy with the abandoned request: wait it out too.
        floor = settings.timeout if ex.state == "timeout" else 0.0
        gate.next_at = self.clock() + max(gate.delay, extra_wait, floor)

    # -- one exchange -----------------------------------------------------------------------------
    def _once(self, url: str, settings: CrawlSettings, headers: dict[str, str], form: bytes | None) -> Exchange:
        start = self.clock()
        started_at = _now()
        method = "GET" if form is None else "POST"
        try:
            with self.client.stream(method, url, headers=headers, content=form, timeout=settings.timeout) as r:
                req_headers = tuple((k, v) for k, v in r.request.headers.multi_items())
                base = Exchange(url=url, method=method, request_headers=req_headers, request_body=form or b"",
                                status=r.status_code,
                                reason=r.reason_phrase, http_version=r.http_version,
                                headers=tuple(r.headers.multi_items()), started_at=started_at)
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > settings.max_bytes:
                    return replace(base, state="too_large", elapsed=self.clock() - start,
                                   detail=f"Content-Length {declared} over the {settings.max_bytes} byte limit")
                chunks: list[bytes] = []
                size = 0
                try:
                    raw_chunks = iter(r.iter_raw())
                    first = next(raw_chunks, b"")
                except httpx.StreamConsumed:
                    # A transport that built its response from bytes (httpx.MockTransport): the body is
                    # already decoded, so it is stored as sent without a Content-Encoding.
                    raw_chunks, first = iter(()), r.content
                    base = replace(base, headers=tuple((k, v) for k, v in base.headers
                                                       if k.lower() != "content-encoding"))
                for chunk in itertools.chain((first,), raw_chunks):
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > settings.max_bytes:
                        return replace(base, state="too_large", elapsed=self.clock() - start,
                                       detail=f"body over the {settings.max_bytes} byte limit")
                    if self.clock() - start > settings.timeout * 4:
                        return replace(base, state="timeout", elapsed=self.clock() - start,
                                       detail=f"body still arriving after {settings.timeout * 4:g} s")
                raw = b"".join(chunks)
        except httpx.TimeoutException as exc:
            return Exchange(url=url, method=method, status=None, state="timeout", elapsed=self.clock() - start,
                            started_at=started_at, detail=f"{type(exc).__name__} after {settings.timeout:g} s")
        except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            return Exchange(url=url, method=method, status=None, state="unreachable", elapsed=self.clock() - start,
                            started_at=started_at, detail=f"{type(exc).__name__}: {exc}")
        body = _decode_content(raw, base.header("content-encoding"))
        state = state_of_status(base.status or 0, body)
        detail = "anti-bot challenge page (not bypassed)" if state == "js_challenge" else ""
        return replace(base, raw=raw, body=body, state=state, elapsed=self.clock() - start, detail=detail)

    def _request(self, url: str, settings: CrawlSettings, headers: dict[str, str],
                 form: bytes | None = None) -> Exchange:
        """One URL with politeness and retries for transient failures only."""
        host = host_of(url)
        gate = self._gate(host, settings)
        attempt = 0
        while True:
            with gate.lock:
                wait = gate.next_at - self.clock()
                if wait > 0:
                    self.sleep(wait)
                ex = self._once(url, settings, headers, form)
                transient = ex.state == "timeout" or (ex.status in TRANSIENT_STATUS and ex.state != "js_challenge")
                retry = transient and attempt < settings.retries
                retry_wait = 0.0
                if retry:
                    retry_wait = settings.backoff * (2 ** attempt) * self.rng.uniform(0.5, 1.5)
                    after = _retry_after(ex.header("retry-after")) if ex.status in (429, 503) else None
                    if after is not None:
                        retry_wait = max(retry_wait, min(after, settings.max_retry_after))
                self._adapt(gate, ex, settings, retry_wait)
            ex = replace(ex, attempts=attempt + 1)
            if not retry:
                return ex
            self.log("retry", url=url, attempt=attempt + 1, state=ex.state, status=ex.status,
                     wait=round(retry_wait, 3))
            attempt += 1

    # -- robots.txt -------------------------------------------------------------------------------
    def _robots_for(self, url: str, settings: CrawlSettings) -> _Robots:
        host = host_of(url)
        with self._guard:
            lock = self._robots_locks.setdefault(host, threading.Lock())
        with lock:
            if host in self._robots:
                return self._robots[host]
            robots_url = origin(url) + "/robots.txt"
            fetch = self._follow(robots_url, settings, lambda u: host_of(u) == host, check_robots=False)
            if self.memory is not None:
                self.memory.record_robots(fetch)
            ex = fetch.final
            body: bytes | None = ex.body if ex.state == "ok" else None
            if ex.state == "not_modified" and self.memory is not None:
                body = self.memory.archived_body(robots_url)
            if body is not None:
                text = body.decode("utf-8", errors="replace")
                result = _Robots(Protego.parse(text))
            elif ex.status is not None and 400 <= ex.status < 500 and ex.state != "js_challenge":
                result = _Robots(Protego.parse(""))  # no robots.txt: everything allowed
            else:
                why = f"robots.txt unavailable ({ex.state}{f' {ex.status}' if ex.status else ''})"
                hidden = ex.state in ("js_challenge", "blocked", "timeout", "unreachable")
                result = _Robots(None, why, ex.state if hidden else "robots_denied")
            if result.parser is not None:
                crawl_delay = result.parser.crawl_delay(settings.user_agent)
                if crawl_delay:
                    gate = self._gate(host, settings)
                    gate.base = max(gate.base, min(float(crawl_delay), settings.max_delay))
                    gate.delay = max(gate.delay, gate.base)
                    # robots.txt was the host's last request: the first page waits the Crawl-delay too.
                    gate.next_at = max(gate.next_at, self.clock() + gate.delay)
            self._robots[host] = result
            return result

    def allowed(self, url: str, settings: CrawlSettings) -> tuple[AccessState | None, str]:
        """None when robots.txt lets us fetch `url`, else the state to record and why."""
        if not settings.respect_robots:
            return None, ""
        robots = self._robots_for(url, settings)
        if robots.parser is None:
            return robots.state, robots.detail
        if robots.parser.can_fetch(url, settings.user_agent):
            return None, ""
        return "robots_denied", "disallowed by robots.txt"

    # -- the public call --------------------------------------------------------------------------
    def fetch(self, url: str, settings: CrawlSettings, *, follow: Callable[[str], bool] = lambda u: True,
              conditional: bool = True, form: bytes | None = None) -> Fetch:
        """GET `url` politely (POST `form`, urlencoded, when given); redirects are followed while
        `follow(target)` says so. A POST is never conditional, and a redirect after it is a GET."""
        return self._follow(canonical(url), settings, follow, check_robots=True,
                            conditional=conditional and form is None, form=form)

    def _follow(self, url: str, settings: CrawlSettings, follow: Callable[[str], bool], *,
                check_robots: bool, conditional: bool = True, form: bytes | None = None) -> Fetch:
        hops: list[Exchange] = []
        current = url
        for _ in range(settings.max_redirects + 1):
            if check_robots:
                refused, why = self.allowed(current, settings)
                if refused is not None:
                    ex = Exchange(url=current, state=refused, detail=why)
                    return Fetch(url=url, final=ex, hops=tuple(hops), state="redirected" if hops else ex.state)
            headers: dict[str, str] = {"User-Agent": settings.user_agent}
            if form is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
            if conditional and self.memory is not None:
                etag, modified = self.memory.validators(current)
                if etag:
                    headers["If-None-Match"] = etag
                if modified:
                    headers["If-Modified-Since"] = modified
            ex = self._request(current, settings, headers, form)
            target = ex.location if ex.state == "redirected" else None
            if target is None:
                return Fetch(url=url, final=ex, hops=tuple(hops), state="redirected" if hops else ex.state)
            if target == current or target in {h.url for h in hops} or not follow(target) or \
                    len(target) > settings.max_url_length:
                why = "redirect loop" if target == current or target in {h.url for h in hops} else \
                    "redirect target out of scope"
                return Fetch(url=url, final=replace(ex, detail=f"{why}: {target}"), hops=tuple(hops),
                             state="redirected")
            hops.append(ex)
            current, form = target, None
        last = hops.pop()
        return Fetch(url=url, final=replace(last, detail=f"more than {settings.max_redirects} redirects"),
                     hops=tuple(hops), state="redirected")


def _decode_content(raw: bytes, encoding: str | None) -> bytes:
    """Undo gzip/deflate content-encoding; anything else (or a broken stream) is kept as sent."""
    enc = (encoding or "").strip().lower()
    if enc in ("gzip", "x-gzip", "deflate"):
        for wbits in (zlib.MAX_WBITS | 32, -zlib.MAX_WBITS):
            try:
                return zlib.decompress(raw, wbits)
            except zlib.error:
                continue
    return raw


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
