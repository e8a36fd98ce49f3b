"""The fetcher's HTTP policy with httpx.MockTransport: robots, retries, redirects, limits, validators."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from scrapers import CrawlSettings, Fetcher, make_client
from scrapers.access import has_challenge, state_of_status
from scrapers.client import Fetch

from .portals import CHALLENGE

FAST = CrawlSettings(delay=0.0, retries=2, backoff=0.0, timeout=1.0)


class Log:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []


def fetcher_for(handler, memory=None, *, sleeps: list[float] | None = None) -> tuple[Fetcher, Log]:
    log = Log()

    def wrapped(request: httpx.Request) -> httpx.Response:
        log.requests.append(request)
        return handler(request)

    clock = [0.0]

    def sleep(s: float) -> None:
        if sleeps is not None:
            sleeps.append(s)
        clock[0] += s

    f = Fetcher(make_client(FAST, transport=httpx.MockTransport(wrapped)), memory=memory, sleep=sleep,
                clock=lambda: clock[0])
    return f, log


def robots_ok(request: httpx.Request) -> httpx.Response | None:
    if request.url.path == "/robots.txt":
        return httpx.Response(200, text="User-agent: *\nDisallow: /private/\n")
    return None


def test_status_and_challenge_states() -> None:
    assert state_of_status(200) == "ok" and state_of_status(304) == "not_modified"
    assert state_of_status(404) == "not_found" and state_of_status(410) == "gone"
    assert state_of_status(403) == "blocked" and state_of_status(429) == "blocked"
    assert state_of_status(503) == "server_error" and state_of_status(301) == "redirected"
    assert state_of_status(521, CHALLENGE) == "js_challenge"
    assert state_of_status(412, b"<script>var $_ts=window['$_ts'];</script>") == "js_challenge"
    assert state_of_status(412, b"precondition failed") == "blocked"
    assert state_of_status(200, b"<html><body>2023\xe5\xb9\xb4</body></html>") == "ok"
    assert has_challenge(CHALLENGE) and not has_challenge(b"<html>document.cookie</html>")


def test_transient_errors_are_retried_and_others_are_not() -> None:
    calls: dict[str, int] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        if (r := robots_ok(request)) is not None:
            return r
        n = calls[request.url.path] = calls.get(request.url.path, 0) + 1
        if request.url.path == "/flaky" and n <= 2:
            return httpx.Response(503)
        if request.url.path == "/challenge":
            return httpx.Response(521, content=CHALLENGE)
        if request.url.path == "/missing":
            return httpx.Response(404)
        return httpx.Response(200, text="ok")

    f, _ = fetcher_for(handler)
    flaky = f.fetch("http://h.gov.cn/flaky", FAST)
    assert (flaky.state, flaky.final.attempts, calls["/flaky"]) == ("ok", 3, 3)
    assert f.fetch("http://h.gov.cn/challenge", FAST).state == "js_challenge"
    assert f.fetch("http://h.gov.cn/missing", FAST).state == "not_found"
    assert calls["/challenge"] == 1 and calls["/missing"] == 1  # never retried


def test_persistent_5xx_ends_as_server_error_after_the_retries() -> None:
    f, _ = fetcher_for(lambda r: robots_ok(r) or httpx.Response(502))
    fetch = f.fetch("http://h.gov.cn/down", FAST)
    assert (fetch.state, fetch.final.attempts) == ("server_error", 3)
    assert f.host_delay("h.gov.cn") > 0  # the host was slowed down


def test_retry_after_is_honoured_with_jittered_backoff() -> None:
    sleeps: list[float] = []
    n = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        if (r := robots_ok(request)) is not None:
            return r
        n[0] += 1
        return httpx.Response(429, headers={"Retry-After": "7"}) if n[0] == 1 else httpx.Response(200, text="x")

    f, _ = fetcher_for(handler, sleeps=sleeps)
    assert f.fetch("http://h.gov.cn/a", FAST).state == "ok"
    assert max(sleeps) >= 7.0


def test_robots_disallow_and_robots_behind_a_challenge() -> None:
    f, log = fetcher_for(lambda r: robots_ok(r) or httpx.Response(200, text="x"))
    denied = f.fetch("http://h.gov.cn/private/report.html", FAST)
    assert denied.state == "robots_denied" and "robots.txt" in denied.final.detail
    assert [r.url.path for r in log.requests] == ["/robots.txt"]
    g, _ = fetcher_for(lambda r: httpx.Response(521, content=CHALLENGE))
    assert g.fetch("http://js.gov.cn/xxgk/", FAST).state == "js_challenge"


def test_redirects_are_followed_only_within_scope() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if (r := robots_ok(request)) is not None:
            return r
        if request.url.path == "/old/":
            return httpx.Response(301, headers={"Location": "/new/"})
        if request.url.path == "/away/":
            return httpx.Response(302, headers={"Location": "http://mirror.example.com/copy/"})
        return httpx.Response(200, text="new column")

    f, log = fetcher_for(handler)
    moved = f.fetch("http://h.gov.cn/old/", FAST, follow=lambda u: u.startswith("http://h.gov.cn/"))
    assert (moved.state, moved.final_url, len(moved.hops)) == ("redirected", "http://h.gov.cn/new/", 1)
    assert moved.final.state == "ok"
    away = f.fetch("http://h.gov.cn/away/", FAST, follow=lambda u: u.startswith("http://h.gov.cn/"))
    assert away.state == "redirected" and "out of scope" in away.final.detail
    assert all(r.url.host == "h.gov.cn" for r in log.requests)


def test_conditional_get_and_size_limit() -> None:
    class Mem:
        def validators(self, url: str) -> tuple[str | None, str | None]:
            return '"abc"', "Wed, 01 Jan 2025 00:00:00 GMT"

        def archived_body(self, url: str) -> bytes | None:
            return b"User-agent: *\n"

        def record_robots(self, fetch: Fetch) -> None:
            pass

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"abc"':
            return httpx.Response(304)
        return httpx.Response(200, content=b"x" * 100)

    f, log = fetcher_for(handler, memory=Mem())
    fetch = f.fetch("http://h.gov.cn/page.html", FAST)
    assert fetch.state == "not_modified"
    assert log.requests[-1].headers["if-modified-since"] == "Wed, 01 Jan 2025 00:00:00 GMT"
    g, _ = fetcher_for(lambda r: httpx.Response(200, content=b"x" * 5000))
    big = g.fetch("http://h.gov.cn/big.pdf", CrawlSettings(delay=0.0, max_bytes=1000, respect_robots=False))
    assert big.state == "too_large" and "1000 byte limit" in big.final.detail


def test_network_failures_become_states_not_exceptions() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/slow":
            raise httpx.ReadTimeout("timed out", request=request)
        raise httpx.ConnectError("refused", request=request)

    f, _ = fetcher_for(handler)
    s = CrawlSettings(delay=0.0, retries=1, backoff=0.0, respect_robots=False)
    assert f.fetch("http://h.gov.cn/slow", s).state == "timeout"
    assert f.fetch("http://h.gov.cn/x", s).state == "unreachable"


def test_gzip_bodies_are_decoded_but_kept_raw_for_the_archive() -> None:
    import gzip

    page = "平潭综合实验区2023年度政府信息公开工作年度报告".encode()
    f, _ = fetcher_for(lambda r: httpx.Response(200, stream=httpx.ByteStream(gzip.compress(page)),
                                                headers={"Content-Encoding": "gzip"}))
    ex = f.fetch("http://h.gov.cn/a.html", CrawlSettings(delay=0.0, respect_robots=False)).final
    assert ex.body == page and gzip.decompress(ex.raw) == page


@pytest.mark.parametrize("ua", ["", "xxgk/0.1"])
def test_a_user_agent_must_name_a_contact(ua: str) -> None:
    with pytest.raises(ValueError, match="user_agent"):
        CrawlSettings(user_agent=ua)


def test_backoff_is_bounded_and_recovers_whatever_the_failure_rate() -> None:
    """Half the answers a 503 with Retry-After: the delay never runs away to the ceiling, and after
    the last failure it is back to base within 20 good answers (issue 15 §4)."""
    settings = CrawlSettings(delay=3.0, max_delay=120.0, retries=0, respect_robots=False)
    n = [0]

    def flaky(request: httpx.Request) -> httpx.Response:
        if request.url.host != "h.gov.cn":
            return httpx.Response(200, text="ok")
        n[0] += 1
        if n[0] > 80 or (n[0] <= 60 and n[0] % 2 == 0):  # alternating, good, then down
            return httpx.Response(503, headers={"Retry-After": "7"}, text="busy")
        return httpx.Response(200, text="ok")

    f, _ = fetcher_for(flaky)
    delays = []
    for i in range(60):
        f.fetch(f"http://h.gov.cn/{i}.html", settings)
        delays.append(f.host_delay("h.gov.cn"))
    assert max(delays) <= 12.0  # isolated failures: 2×base at most, not the 120 s ceiling
    recovered = []
    for i in range(20):
        f.fetch(f"http://h.gov.cn/good{i}.html", settings)
        recovered.append(f.host_delay("h.gov.cn"))
    assert recovered[-1] == 3.0 and recovered.index(3.0) < 20
    # a run of failures climbs, bounded by max_delay; other hosts keep their own delay
    for i in range(12):
        f.fetch(f"http://h.gov.cn/x{i}.html", replace(settings, max_delay=40.0))
    assert f.host_delay("h.gov.cn") == 40.0
    f.fetch("http://other.gov.cn/a.html", settings)
    assert f.host_delay("other.gov.cn") == 3.0


def test_crawl_delay_applies_to_the_first_page_after_robots() -> None:
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nCrawl-delay: 5\n")
        return httpx.Response(200, text="ok")

    f, log = fetcher_for(handler, sleeps=sleeps)
    f.fetch("http://h.gov.cn/a.html", FAST)
    assert [r.url.path for r in log.requests] == ["/robots.txt", "/a.html"]
    assert sleeps and sleeps[0] == pytest.approx(5.0)


def test_a_form_is_posted_never_conditional() -> None:
    class Memory:
        def validators(self, url: str) -> tuple[str | None, str | None]:
            return '"e1"', None

        def archived_body(self, url: str) -> bytes | None:
            return None

        def record_robots(self, fetch: Fetch) -> None:
            pass

    f, log = fetcher_for(lambda r: robots_ok(r) or httpx.Response(200, text="<datastore/>"), memory=Memory())
    ex = f.fetch("http://h.gov.cn/zfxxgk/module/web/jpage/dataproxy.jsp?startrecord=4", FAST,
                 form=b"columnid=1&unitid=2").final
    req = log.requests[-1]
    assert req.method == "POST" and req.content == b"columnid=1&unitid=2" and "if-none-match" not in req.headers
    assert ex.method == "POST" and ex.request_body == b"columnid=1&unitid=2"
