"""Many hosts, few workers: the schedule hands a worker whichever host is due, so the crawl takes
about one host's chain of delays, not one chain per worker-load of sources, and politeness holds."""

from __future__ import annotations

import itertools
from pathlib import Path

from pipeline.runs.jobs import DataDir, crawl
from scrapers import load_sources

from .portals import report_html
from .server import Host, Resp, Servers

HOSTS = 24
DELAY = 0.5
WORKERS = 2


def _portal(host: Host) -> None:
    items = "".join(f'<li><a href="/xxgk/ndbg/t{y}.html">{host.name}局{y}年政府信息公开工作年度报告</a>'
                    f'<span>{y + 1}-01-15</span></li>' for y in (2022, 2023))
    host.routes["/robots.txt"] = Resp(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
    host.routes["/xxgk/ndbg/"] = Resp(body=(f'<html><head><meta charset="utf-8"><title>政府信息公开年报</title>'
                                            f'</head><body><ul class="list">{items}</ul></body></html>').encode())
    for y in (2022, 2023):
        title = f"{host.name}局{y}年政府信息公开工作年度报告"
        host.routes[f"/xxgk/ndbg/t{y}.html"] = Resp(body=report_html(title, f"{host.name}局", f"{y + 1}-01-15"))


def test_few_workers_keep_many_hosts_busy_and_politeness_holds(tmp_path: Path) -> None:
    names = [f"h{i:02d}" for i in range(HOSTS)]
    servers = Servers(names)
    try:
        lines = ["[defaults]", f"delay = {DELAY}", "timeout = 5.0", "retries = 0"]
        for name in names:
            _portal(servers[name])
            lines += ["", "[[source]]", f'id = "{name}"', f'start = "{servers[name].url("/xxgk/ndbg/")}"']
        (tmp_path / "sources.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = crawl(DataDir(tmp_path / "data"), load_sources(tmp_path / "sources.toml"), workers=WORKERS)
    finally:
        servers.close()
    assert sum(r.new_captures for r in result.sources) == HOSTS * 3  # the list page and two reports
    for name in names:
        host = servers[name]
        assert [e.path for e in host.log] == ["/robots.txt", "/xxgk/ndbg/", "/xxgk/ndbg/t2022.html",
                                              "/xxgk/ndbg/t2023.html"]
        assert host.max_inflight <= 1
        for a, b in itertools.pairwise(host.log):
            assert b.start - a.end >= DELAY * 0.99, (name, a.path, b.path)
    # Every host is under way before any host is at its third page: a worker takes whichever host
    # is due. Workers held by their sources (two at a time) would finish h00 and h01 (1.5 s each)
    # before h02's robots.txt.
    robots = [servers[n].log[0].start for n in names]
    thirds = [servers[n].log[2].start for n in names]
    assert max(robots) < min(thirds), (max(robots), min(thirds))
