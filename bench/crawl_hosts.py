"""Crawl across many hosts: `.venv/bin/python -m bench.crawl_hosts [--hosts 1000] [--delay 5]`.

N simulated portals, each its own host name (p0001.xxgk-bench.gov.cn …), all answered by one
threaded HTTP server on 127.0.0.1: the bench's transport sends every request there and the server
routes by the Host header, so the crawler sees N hosts and keeps its politeness per host. Each
portal has robots.txt, a 年报 column page and three report pages. The server runs in a process of
its own: real portals do not share the crawler's interpreter, and in-process its request parsing
took the crawler's GIL. The figures: aggregate requests per second against the politeness bound
(hosts / delay), peak RSS of the crawler's process, the most file descriptors (sockets, WARC and
SQLite files) it holds at once, and whether every report was archived.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

import httpx

from pipeline.runs.jobs import DataDir, crawl
from scrapers import auto_workers, load_sources

DOMAIN = "xxgk-bench.gov.cn"
YEARS = (2021, 2022, 2023)
RESULTS = Path(__file__).resolve().parent / "results"


def _list_page(host: str) -> bytes:
    items = "".join(f'<li><a href="/xxgk/ndbg/{y}/t{y}0115_{i}.html">{host.split(".")[0]}局{y}年政府信息公开工作年度报告'
                    f'</a><span>{y + 1}-01-15</span></li>' for i, y in enumerate(YEARS))
    return (f'<html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>'
            f'<div class="nav"><a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; 年报</div>'
            f'<ul class="list">{items}</ul></body></html>').encode()


def _report_page(host: str, year: int) -> bytes:
    agency = f"{host.split('.')[0]}局"
    return (f'<html><head><meta charset="utf-8"><title>{agency}{year}年政府信息公开工作年度报告</title></head><body>'
            f'<h1>{agency}{year}年政府信息公开工作年度报告</h1><p>发布日期：{year + 1}-01-15</p>'
            f'<p>一、总体情况</p><p>{year}年，{agency}全年共收到政府信息公开申请12件。</p></body></html>').encode()


class _Portals(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: Synchronized[int] | None = None
    """Requests answered, shared with the bench's process."""

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        if _Portals.requests is not None:
            with _Portals.requests.get_lock():
                _Portals.requests.value += 1
        host = (self.headers.get("Host") or "").split(":")[0]
        path = self.path.split("?")[0]
        body, ctype, status = b"not found", "text/plain", 404
        if path == "/robots.txt":
            body, ctype, status = b"User-agent: *\nAllow: /\n", "text/plain", 200
        elif path in ("/xxgk/ndbg/", "/xxgk/ndbg/index.html"):
            body, ctype, status = _list_page(host), "text/html; charset=utf-8", 200
        elif path.startswith("/xxgk/ndbg/") and path.endswith(".html"):
            year = int(path.split("/")[3])
            body, ctype, status = _report_page(host, year), "text/html; charset=utf-8", 200
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def _serve(port: Connection, requests: Synchronized[int]) -> None:
    """The server process: answer until killed, counting requests into `requests`."""
    _Portals.requests = requests
    server = _Server(("127.0.0.1", 0), _Portals)
    port.send(server.server_address[1])
    server.serve_forever()


@contextmanager
def _server() -> Iterator[tuple[int, Synchronized[int]]]:
    """The portals' server in a process of its own: its port and its request counter."""
    ctx = multiprocessing.get_context("spawn")
    requests = ctx.Value("q", 0)
    mine, theirs = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(theirs, requests), daemon=True)
    proc.start()
    try:
        yield int(mine.recv()), requests
    finally:
        proc.terminate()
        proc.join()


class Loopback(httpx.HTTPTransport):
    """Every request to a bench host goes to the one local server; the Host header names the portal."""

    def __init__(self, port: int) -> None:
        super().__init__(limits=httpx.Limits(max_connections=256, max_keepalive_connections=256))
        self.port = port

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.host.endswith(DOMAIN):
            raise httpx.ConnectError(f"bench: refusing {request.url} (not a bench host)", request=request)
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        return super().handle_request(request)


def _sources(path: Path, hosts: int, delay: float) -> Path:
    lines = ["[defaults]", f"delay = {delay}", "timeout = 10.0", "retries = 1", "max_pages = 5"]
    for i in range(hosts):
        lines += ["", "[[source]]", f'id = "p{i:04d}"', f'start = "http://p{i:04d}.{DOMAIN}/xxgk/ndbg/"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class _SocketSampler(threading.Thread):
    """The most file descriptors (sockets, WARC and SQLite files) the process holds at once."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, sum(1 for _ in Path("/proc/self/fd").iterdir()))
            except OSError:
                return
            self.stop.wait(0.2)


def bench(hosts: int, delay: float, workers: int) -> dict[str, object]:
    sampler = _SocketSampler()
    with _server() as (port, requests), tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        sources = load_sources(_sources(tmp / "sources.toml", hosts, delay))
        sampler.start()
        try:
            t0 = time.perf_counter()
            result = crawl(DataDir(tmp / "data"), sources, workers=workers, transport=Loopback(port))
            dt = time.perf_counter() - t0
        finally:
            sampler.stop.set()
        captures = sum(r.new_captures for r in result.sources)
        states: Counter[str] = Counter()  # how every URL ended: a shortfall in requests shows why
        for r in result.sources:
            for by_state in r.states.values():
                states.update(by_state)
        n = int(requests.value)
    bound = hosts / delay
    return {"format": "crawl", "hosts": hosts, "delay_s": delay, "workers": workers, "requests": n,
            "seconds": round(dt, 1), "requests_per_s": round(n / dt, 1),
            "politeness_bound_per_s": round(bound, 1), "share_of_bound": round(n / dt / bound, 3),
            "captures": captures, "reports_expected": hosts * len(YEARS), "url_states": dict(sorted(states.items())),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_open_fds": sampler.peak}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--delay", type=float, default=5.0, help="politeness: seconds between requests to one host")
    ap.add_argument("--workers", type=int, default=0, help="crawler workers (default: the crawler's own, scaled with the hosts)")
    args = ap.parse_args(argv)
    row = bench(args.hosts, args.delay, args.workers or auto_workers(args.hosts))
    print(json.dumps(row, ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "crawl_hosts.json").write_text(json.dumps(row, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
