"""Real HTTP servers on 127.0.0.1 that play one host each, with a request log.

Every request is logged with its start and end time, so tests can check politeness from the
server's side: never two requests in flight at once, and the gap between them.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Resp:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "text/html; charset=utf-8"
    validators: bool = True
    """Send ETag and Last-Modified (and honour conditional requests) for a 200."""


Handler = Callable[[str, dict[str, str]], Resp | None]


@dataclass
class Entry:
    path: str
    start: float
    end: float = 0.0
    status: int = 0
    conditional: bool = False
    user_agent: str = ""
    wall: float = 0.0
    """time.time() at the start, to compare with capture times."""


@dataclass
class Host:
    """One simulated host: static routes, dynamic handlers, behaviour (delay, flapping)."""

    name: str
    routes: dict[str, Resp | Callable[[], Resp]] = field(default_factory=dict)
    handlers: list[Handler] = field(default_factory=list)
    delay: float = 0.0
    slow: dict[str, float] = field(default_factory=dict)
    flap: int = 0
    """Answer 503 to the first `flap` requests of every path."""
    log: list[Entry] = field(default_factory=list)
    inflight: int = 0
    max_inflight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    seen: dict[str, int] = field(default_factory=dict)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def answer(self, path: str, headers: dict[str, str]) -> Resp:
        for handler in self.handlers:
            r = handler(path, headers)
            if r is not None:
                return r
        route = self.routes.get(path)
        if route is None:
            return Resp(404, b"<html><body><h1>404 Not Found</h1></body></html>", validators=False)
        return route() if callable(route) else route

    def requests(self, path: str | None = None) -> list[Entry]:
        return [e for e in self.log if path is None or e.path == path]


def _make_handler(host: Host) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            """A form POST (Hanweb's dataproxy.jsp) answers like a GET with the form in the query,
            as a servlet's getParameter() reads both."""
            length = int(self.headers.get("Content-Length") or 0)
            form = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            if form:
                self.path += ("&" if "?" in self.path else "?") + form
            self.do_GET()

        def do_GET(self) -> None:
            entry = Entry(path=self.path, start=time.monotonic(), user_agent=self.headers.get("User-Agent", ""),
                          wall=time.time())
            with host.lock:
                host.inflight += 1
                host.max_inflight = max(host.max_inflight, host.inflight)
                host.log.append(entry)
                n = host.seen[self.path] = host.seen.get(self.path, 0) + 1
            try:
                time.sleep(host.delay + host.slow.get(self.path, 0.0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                entry.conditional = "if-none-match" in headers or "if-modified-since" in headers
                if host.flap and n <= host.flap:
                    r = Resp(503, b"<html><body>503 Service Temporarily Unavailable</body></html>", validators=False)
                else:
                    r = host.answer(self.path, headers)
                out_headers = [("Content-Type", r.content_type), *r.headers]
                status, body = r.status, r.body
                if r.status == 200 and r.validators:
                    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    out_headers += [("ETag", etag), ("Last-Modified", formatdate(1700000000, usegmt=True))]
                    if headers.get("if-none-match") == etag:
                        status, body = 304, b""
                        out_headers = [("ETag", etag)]
                entry.status = status
                self.send_response(status)
                for k, v in out_headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self.close_connection = True
            finally:
                with host.lock:
                    host.inflight -= 1
                    entry.end = time.monotonic()

    return H


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client killed mid-request (the crash tests) is expected: no traceback."""


class Servers:
    """Start one ThreadingHTTPServer per host on 127.0.0.1; stop them all."""

    def __init__(self, names: list[str]) -> None:
        self.hosts: dict[str, Host] = {}
        self._servers: list[_Server] = []
        for name in names:
            host = Host(name)
            server = _Server(("127.0.0.1", 0), _make_handler(host))
            host.base = f"http://127.0.0.1:{server.server_address[1]}"
            threading.Thread(target=server.serve_forever, daemon=True, name=f"srv-{name}").start()
            self._servers.append(server)
            self.hosts[name] = host

    def __getitem__(self, name: str) -> Host:
        return self.hosts[name]

    def reset_logs(self) -> None:
        for h in self.hosts.values():
            with h.lock:
                h.log.clear()
                h.max_inflight = 0
                h.seen.clear()

    def close(self) -> None:
        """Shut the servers down together (each `shutdown` waits out a poll interval of its own)."""
        stoppers = [threading.Thread(target=s.shutdown) for s in self._servers]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        for s in self._servers:
            s.server_close()
