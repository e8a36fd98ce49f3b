"""Crawl and archive speed: `.venv/bin/python -m bench.crawl`.

1. The simulated portals of tests/scrapers (9 hosts, 5 CMS families) crawled with no politeness
   delay: pages per second through fetch → archive → adapter → commit (the crawl's own cost).
2. Archive writes alone: captures per second and MB/s (WARC + fsync + SQLite commit).
3. The bundled demo: `xxgk run` replaying data/samples/ (crawl + extraction), wall time.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.runs.jobs import DataDir, crawl
from scrapers import Archive, CaptureMeta, Exchange, Store, load_sources
from tests.scrapers.conftest import build
from tests.scrapers.portals import write_sources

ROOT = Path(__file__).resolve().parents[1]


def bench_crawl(tmp: Path) -> None:
    tmp.mkdir(parents=True, exist_ok=True)
    sim = build(tmp)
    try:
        keep = [t for t in sim.truths if t.source["id"] not in ("sim-slow", "sim-flap", "sim-js")]
        src = write_sources(tmp / "b.toml", keep, {"delay": 0.0, "timeout": 5.0, "max_pages": 50})
        data = DataDir(tmp / "data")
        t0 = time.perf_counter()
        result = crawl(data, load_sources(src), workers=4)
        dt = time.perf_counter() - t0
        n = sum(len(h.log) for h in sim.servers.hosts.values())
        print(f"crawl: {n} requests, {sum(r.new_captures for r in result.sources)} captures in {dt:.2f} s "
              f"= {n / dt:.0f} requests/s (6 sources, 4 workers, no delay)")
        sim.servers.reset_logs()
        t0 = time.perf_counter()
        crawl(data, load_sources(src), workers=4)
        dt = time.perf_counter() - t0
        n = sum(len(h.log) for h in sim.servers.hosts.values())
        print(f"recrawl: {n} requests (conditional for every known page) in {dt:.2f} s = {n / dt:.0f} requests/s, 0 new captures")
    finally:
        sim.servers.close()


def bench_archive(tmp: Path, n: int = 300, size: int = 200_000) -> None:
    archive = Archive(Store(tmp / "a.sqlite"), tmp / "warc")
    meta = CaptureMeta(run_id=1, source_id="bench", role="report")
    t0 = time.perf_counter()
    for i in range(n):
        body = (f"{i:08d}".encode() * (size // 8))[:size]
        archive.store_exchange(Exchange(url=f"http://h.gov.cn/{i}.html", status=200, reason="OK",
                                        headers=(("Content-Type", "text/html"),), raw=body, body=body), meta)
    dt = time.perf_counter() - t0
    print(f"archive: {n} captures of {size // 1000} kB in {dt:.2f} s = {n / dt:.0f} captures/s, "
          f"{n * size / dt / 1e6:.1f} MB/s (gzip + fsync + commit each)")


def bench_demo(tmp: Path) -> None:
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "pipeline.commands.cli", "run", "--data", str(tmp / "demo"), "--jobs", "2",
                          "--quiet"], cwd=ROOT, capture_output=True, text=True, check=False)
    print(f"demo: `xxgk run` on data/samples (7 documents → 23 reports, crawl + extract, 2 jobs) "
          f"{time.perf_counter() - t0:.1f} s, exit {res.returncode}")


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_crawl(tmp / "c")
        bench_archive(tmp / "a")
        bench_demo(tmp)


if __name__ == "__main__":
    main()
