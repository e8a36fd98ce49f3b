"""End to end against simulated portals: find every report, stay in scope, be polite, recrawl
incrementally, keep versions, and report coverage (found / missing / blocked) correctly."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.products.coverage import coverage
from pipeline.runs.jobs import DataDir, crawl, extract_new
from pipeline.runs.settings import RunLimits
from pipeline.store.dataset import read_table
from scrapers import Archive, Store, load_sources

from .conftest import TEST_SETTINGS, Sim
from .portals import report_html


@pytest.fixture(scope="module")
def first(sim: Sim, tmp_path_factory: pytest.TempPathFactory):
    data = DataDir(tmp_path_factory.mktemp("data"))
    sources = load_sources(sim.sources_file)
    result = crawl(data, sources, workers=4)
    extract_new(data, data.root / "dataset", limits=RunLimits(jobs=0))
    logs = {name: list(h.log) for name, h in sim.servers.hosts.items()}
    maxes = {name: h.max_inflight for name, h in sim.servers.hosts.items()}
    return data, sources, result, logs, maxes


def captures(data: DataDir):
    store = Store(data.db)
    try:
        return Archive(store, data.warc).captures()
    finally:
        store.close()


def test_every_report_and_attachment_is_found(sim: Sim, first) -> None:
    data, *_ = first
    caps = captures(data)
    for t in sim.truths:
        sid = t.source["id"]
        got = {c.url for c in caps if c.source_id == sid and c.role == "report" and c.http_status == 200}
        assert got == set(t.reports), sid
        files = {c.url for c in caps if c.source_id == sid and c.role == "attachment"}
        assert files == t.attachments, sid
    assert sum(len(t.reports) for t in sim.truths) == 34  # report pages (plus 3 files) on 9 sources


def test_the_crawl_stays_within_scope(sim: Sim, first) -> None:
    _, _, _, logs, _ = first
    assert logs["other"] == []  # mirrors and external links are never fetched
    for t in sim.truths:
        host = sim.servers[_host_of(sim, t)]
        paths = {e.path for e in logs[host.name]}
        outside = {p for p in paths if p not in t.allowed and not p.startswith("/module/web/jpage/dataproxy.jsp")
                   and not _shared(sim, host.name, p)}
        assert not outside, (t.source["id"], outside)
        assert t.required <= paths | {p for p in t.required if _shared(sim, host.name, p)}, t.source["id"]
    # The pagination trap was left after the first page that brought nothing new.
    assert {e.path for e in logs["hunan"]} == sim.truth("sim-hunan").allowed
    # The disallowed folder was never requested.
    assert not [e for e in logs["trs"] if "/nbk/" in e.path]


def _host_of(sim: Sim, t) -> str:
    base = "/".join(str(t.source["start"]).split("/")[:3])
    return next(name for name, h in sim.servers.hosts.items() if h.base == base)


def _shared(sim: Sim, host: str, path: str) -> bool:
    """Paths allowed for another source on the same host (generic + gone share one)."""
    return any(path in t.allowed for t in sim.truths if _host_of(sim, t) == host)


def test_politeness_held_on_every_host(sim: Sim, first) -> None:
    _, _, _, logs, maxes = first
    delay = float(TEST_SETTINGS["delay"])  # type: ignore[arg-type]
    for name, entries in logs.items():
        assert maxes[name] <= 1, name  # never two requests in flight to one host
        entries = sorted(entries, key=lambda e: e.start)
        for a, b in itertools.pairwise(entries):
            assert b.start >= a.end, (name, a.path, b.path)
            assert b.start - a.end >= delay * 0.9, (name, a.path, b.path, b.start - a.end)
        assert all("example.invalid" in e.user_agent and "xxgk" in e.user_agent for e in entries)
    # The slow host was slowed down further: gaps grew beyond the configured delay.
    slow = sorted(logs["slow"], key=lambda e: e.start)
    gaps = [b.start - a.end for a, b in itertools.pairwise(slow)]
    assert max(gaps) >= 0.25


def test_access_states_are_recorded(sim: Sim, first) -> None:
    data, _, result, *_ = first
    by = {r.source_id: r.states for r in result.sources}
    assert by["sim-trs"]["report"] == {"ok": 10, "robots_denied": 1}  # 9 reports, 1 look-alike
    assert by["sim-js"] == {"list": {"js_challenge": 1}}
    assert by["sim-gone"] == {"list": {"not_found": 1}}
    assert by["sim-gd"]["list"].get("redirected") == 1
    assert by["sim-slow"]["report"] == {"ok": 1, "timeout": 1}
    assert by["sim-flap"]["report"] == {"ok": 2}  # 503 twice, then retried into a 200
    store = Store(data.db)
    try:
        rows = store.query("SELECT state, detail FROM access WHERE source_id = 'sim-js'")
    finally:
        store.close()
    assert rows[0]["state"] == "js_challenge" and "robots.txt" in rows[0]["detail"]


def test_coverage_shows_found_missing_and_blocked(sim: Sim, first) -> None:
    data, sources, *_ = first
    reports = read_table(data.root / "dataset", "reports")
    store = Store(data.db)
    try:
        rows = coverage(store, sources, reports, until=2023)
    finally:
        store.close()
    for t in sim.truths:
        got = {r.year: r.status for r in rows if r.source_id == t.source["id"]}
        captured = {y for y, s in got.items() if s in ("found", "unparsed")}
        assert captured == t.found, t.source["id"]
        # Not seen = blocked (refused: robots, a challenge, 403) or failed (no answer: 5xx, timeout).
        assert {y for y, s in got.items() if s in ("blocked", "failed")} == t.blocked, t.source["id"]
        assert {y for y, s in got.items() if s == "missing"} == t.missing, t.source["id"]
    slow = {r.year: r for r in rows if r.source_id == "sim-slow" and r.status == "failed"}
    assert set(slow) == {2022} and slow[2022].detail.startswith("timeout: http://")  # names the URL
    assert {r.status for r in rows if r.source_id == "sim-js"} == {"blocked"}
    assert all("js_challenge" in r.detail for r in rows if r.source_id == "sim-js")
    # Reports served as HTML are extracted by the registered HTML extractor: found, not just captured.
    trs = {r.year: r.status for r in rows if r.source_id == "sim-trs"}
    assert trs[2019] == "found" and trs[2021] == "found"


def test_identical_payloads_are_stored_once_and_the_warc_reads_cleanly(sim: Sim, first) -> None:
    data, *_ = first
    caps = captures(data)
    pair = sorted((c for c in caps if c.url.endswith(("post_8800003.html", "post_7700001.html"))),
                  key=lambda c: c.id)
    orig, dup = pair  # whichever was fetched first holds the payload; the other refers to it
    assert (orig.record_type, dup.record_type) == ("response", "revisit")
    assert dup.refers_to == orig.record_id and dup.sha256 == orig.sha256
    reports = read_table(data.root / "dataset", "reports")
    assert (reports["report_id"] == orig.sha256).sum() == 1  # one report with two sources
    n = 0
    for path in sorted(data.warc.glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh, check_digests=True):
                record.content_stream().read()
                n += record.rec_type in ("response", "revisit")
    assert n == len(caps)


def test_second_run_is_conditional_and_writes_nothing(sim: Sim, first) -> None:
    data, sources, *_ = first
    before = len(captures(data))
    sim.servers.reset_logs()
    crawl(data, sources, workers=4)
    assert len(captures(data)) == before
    known = {c.url for c in captures(data) if c.http_status == 200}
    checked = 0
    for name, host in sim.servers.hosts.items():
        last: dict[str, int] = {}
        for e in host.log:
            if host.base + e.path in known:
                assert e.conditional, (name, e.path)
                last[e.path] = e.status
        assert all(s == 304 for s in last.values()), (name, last)  # after the flapping host's 503s
        checked += len(last)
    assert checked >= 40


def test_an_edited_report_becomes_a_new_version(sim: Sim, first) -> None:
    data, sources, *_ = first
    t = sim.truth("sim-flap")
    url = sorted(t.reports)[0]
    path = url[len(sim.servers["flap"].base):]
    old = captures(data)
    sim.servers["flap"].routes[path] = type(sim.servers["flap"].routes[path])(  # a silent edit
        body=report_html("吉林市龙潭区人民政府2022年政府信息公开工作年度报告（修订）", "吉林市龙潭区人民政府", "2023-02-05"))
    crawl(data, [s for s in sources if s.id == "sim-flap"], workers=1)
    new = [c for c in captures(data) if c.id not in {o.id for o in old}]
    assert [(c.url, c.version, c.record_type) for c in new] == [(url, 2, "response")]
    stats = extract_new(data, data.root / "dataset", limits=RunLimits(jobs=0))
    assert stats.documents == 1


def test_auto_detection_finds_what_the_family_adapters_find(tmp_path: Path) -> None:
    """The same portals with no adapter named (`auto`, the default): every report and attachment
    found, nothing requested outside what the family adapters may request."""
    from dataclasses import replace as with_

    from .conftest import build

    (tmp_path / "auto").mkdir()
    s = build(tmp_path / "auto")
    try:
        sources = [with_(src, adapter="auto") for src in load_sources(s.sources_file)]
        data = DataDir(tmp_path / "data")
        crawl(data, sources, workers=8)
        store = Store(data.db)
        try:
            got = {r["url"] for r in store.query("SELECT url FROM captures WHERE http_status = 200")}
        finally:
            store.close()
        for t in s.truths:
            assert set(t.reports) | set(t.attachments) <= got, t.source["id"]
        for name in ("trs", "hanweb", "gd", "hunan", "generic"):
            host = s.servers[name]
            allowed = set().union(*(t.allowed for t in s.truths if str(t.source["start"]).startswith(host.base)))
            assert {e.path for e in host.log} - allowed <= {e.path for e in host.log if "dataproxy" in e.path}, name
    finally:
        s.servers.close()
