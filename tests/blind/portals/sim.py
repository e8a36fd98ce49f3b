"""A second, independent simulator of Chinese government portals, served over real HTTP on 127.0.0.1.

    with Simulator(workdir, seed=0, fault_rate=0.0) as sim:
        transport = LoopbackTransport(sim)     # give it to the crawler's httpx client
        ...crawl sources sim.sources() ...
        sim.advance()                          # the edit after publication happens
        ...crawl again...
        sim.log                                # every request: host, method, path, headers, t0, t1, status

`sim.write_truth(path)` writes the full truth (sources, reports, forbidden URLs, traps) as JSON.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from .content import MINIMAL_PDF, docx_to_pdf, report_docx
from .families import Build, SourceTruth, build_all
from .site import Req, Resp, Site

_ORIG_SYNC = httpx.HTTPTransport.handle_request
_ORIG_ASYNC = httpx.AsyncHTTPTransport.handle_async_request
SERVER_LATENCY = 0.004  # seconds each answer takes: makes overlapping requests visible in the log


@dataclass
class LogEntry:
    """One request as the portal saw it (or as the transport refused it)."""

    host: str
    method: str
    target: str  # path + '?' + query
    headers: dict[str, str]
    t_start: float
    t_end: float
    status: int  # 0: refused by LoopbackTransport (host not simulated)
    phase: str
    fault: bool = False
    body_sha1: str = ""


class Simulator:
    """All portal families on one port per host; deterministic for a given seed."""

    def __init__(self, workdir: Path, seed: int = 0, fault_rate: float = 0.0, fault_window: int = 12) -> None:
        self.workdir = Path(workdir)
        self.seed = seed
        self.fault_rate = fault_rate
        self.fault_window = fault_window  # faults only among the first N answers of each host
        self.epoch = 1
        self.phase = "crawl1"
        self.log: list[LogEntry] = []
        self._lock = threading.Lock()
        self._answers: dict[str, int] = {}
        self._url_faults: dict[tuple[str, str], int] = {}
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self.build: Build = build_all()
        self._resolve_pdfs()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Simulator:
        for host, site in self.build.sites.items():
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self, site))
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, name=f"sim-{host}", daemon=True)
            thread.start()
            self._servers[host] = server
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def advance(self, phase: str = "crawl2") -> None:
        """Move to the next epoch: edited pages change (new body, new ETag, later Last-Modified)."""
        self.epoch += 1
        self.phase = phase

    def port(self, host: str) -> int | None:
        server = self._servers.get(host.lower())
        return server.server_address[1] if server else None

    # ------------------------------------------------------------------ truth
    def sources(self) -> list[dict[str, str]]:
        """What a crawler is given: id and home URL only."""
        return [{"id": s.id, "url": s.home} for s in self.build.sources]

    def truth(self) -> dict[str, Any]:
        srcs = [asdict(s) for s in self.build.sources]
        validated = sorted(f"http://{h}{t}" for h, site in self.build.sites.items() if not site.challenge
                           for t, page in site.pages.items() if page.validators != "none")
        edited = {u: [self.body_sha1(u, 1), self.body_sha1(u, 2)] for s in self.build.sources for u in s.edited}
        return {"validated_urls": validated, "edited_sha1": edited, "seed": self.seed, "fault_rate": self.fault_rate, "fault_window": self.fault_window,
                "hosts": sorted(self.build.sites), "sources": srcs,
                "counts": {"sources": len(srcs), "reports": sum(len(s["reports"]) for s in srcs),
                           "attachments": sum(r["kind"] == "attachment" for s in srcs for r in s["reports"]),
                           "lookalikes": sum(len(s["lookalikes"]) for s in srcs),
                           "edited": sum(len(s["edited"]) for s in srcs)}}

    def source_truth(self, source_id: str) -> SourceTruth:
        return next(s for s in self.build.sources if s.id == source_id)

    def write_truth(self, path: Path) -> Path:
        path.write_text(json.dumps(self.truth(), ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    def write_log(self, path: Path) -> Path:
        rows = [asdict(e) for e in self.log]
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
        return path

    def body_sha1(self, url: str, epoch: int) -> str:
        """Digest of what a static URL serves in an epoch (to tell an edited version apart)."""
        parts = urlsplit(url)
        page = self.build.sites[parts.hostname or ""].pages[parts.path + (f"?{parts.query}" if parts.query else "")]
        return hashlib.sha1(page.body(epoch)).hexdigest()

    # ------------------------------------------------------------------ serving
    def answer(self, site: Site, req: Req) -> tuple[Resp, bool]:
        """The site's answer, or a deterministic 503 flap (Retry-After: 1) with probability fault_rate."""
        with self._lock:
            n = self._answers.get(site.host, 0)
            self._answers[site.host] = n + 1
            key = (site.host, req.target)
            streak = self._url_faults.get(key, 0)
            fault = (self.fault_rate > 0 and n < self.fault_window and streak < 2 and not site.challenge
                     and _unit(f"{self.seed}|{site.host}|{n}") < self.fault_rate)
            self._url_faults[key] = streak + 1 if fault else 0
        if fault:
            body = b"<html><body>503 Service Temporarily Unavailable</body></html>"
            return Resp(503, {"Content-Type": "text/html", "Retry-After": "1"}, body), True
        return site.answer(req, self.epoch), False

    def record(self, entry: LogEntry) -> None:
        with self._lock:
            self.log.append(entry)

    def _resolve_pdfs(self) -> None:
        """Convert every pending PDF attachment in one LibreOffice call (a fallback PDF without soffice)."""
        blobs = {hashlib.sha1(s.title.encode()).hexdigest()[:16]: report_docx(s) for _, _, s in self.build.pending_pdf}
        pdfs = docx_to_pdf(blobs, self.workdir / "pdf-cache") if blobs else {}
        for site, target, spec in self.build.pending_pdf:
            key = hashlib.sha1(spec.title.encode()).hexdigest()[:16]
            site.pages[target].bodies = [pdfs.get(key, MINIMAL_PDF)]


def _unit(text: str) -> float:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) / float(16**12)


def _handler_class(sim: Simulator, site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            return

        def _serve(self) -> None:
            t0 = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            req = Req(self.command, parts.path or "/", parts.query, headers, body)
            resp, fault = sim.answer(site, req)
            time.sleep(SERVER_LATENCY)
            payload = b"" if self.command == "HEAD" or resp.status == 304 else resp.body
            self.send_response(resp.status)
            for k, v in resp.headers.items():
                self.send_header(k, v)
            if resp.status != 304:
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
            sim.record(LogEntry(site.host, self.command, req.target, headers, t0, time.monotonic(), resp.status,
                                sim.phase, fault, hashlib.sha1(resp.body).hexdigest() if resp.body else ""))

        do_GET = do_POST = do_HEAD = _serve  # noqa: N815 - http.server's naming

    return Handler


def _route(sim: Simulator, request: httpx.Request) -> httpx.Request:
    """The same request aimed at the host's loopback port; Host header and URL host stay as the crawler sees."""
    host = (request.url.host or "").lower()
    port = sim.port(host)
    if port is None:
        now = time.monotonic()
        sim.record(LogEntry(host, request.method, request.url.raw_path.decode("ascii", "replace"),
                            dict(request.headers), now, now, 0, sim.phase))
        raise httpx.ConnectError(f"host {host!r} is not simulated (blocked by LoopbackTransport)", request=request)
    url = request.url.copy_with(scheme="http", host="127.0.0.1", port=port)
    headers = httpx.Headers(request.headers)
    headers["Host"] = request.url.netloc.decode("ascii")
    return httpx.Request(request.method, url, headers=headers, stream=request.stream,
                         extensions=request.extensions)


class LoopbackTransport(httpx.BaseTransport):
    """Sends simulated host names to their 127.0.0.1 port; refuses every other host (ConnectError)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _ORIG_SYNC(self._inner, _route(self.sim, request))

    def close(self) -> None:
        self._inner.close()


class AsyncLoopbackTransport(httpx.AsyncBaseTransport):
    """The same for an httpx.AsyncClient."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await _ORIG_ASYNC(self._inner, _route(self.sim, request))

    async def aclose(self) -> None:
        await self._inner.aclose()
