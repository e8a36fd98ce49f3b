"""Simulated portals on real HTTP servers on 127.0.0.1: one server per host name, pages per epoch.

A route's body may change with the epoch (a revised page) or be absent in an epoch (a 404 at the first
crawl, served at the second). The crawler reaches the servers through `LoopbackTransport`, which sends
each simulated host name to its loopback port and refuses every other host.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import httpx

_ORIG_SYNC = httpx.HTTPTransport.handle_request
ROBOTS = b"User-agent: *\nAllow: /\n"


@dataclass(frozen=True, slots=True)
class Route:
    """What one path serves: its body in each epoch (None: 404 in that epoch) and its content type."""

    bodies: tuple[bytes | None, ...]
    content_type: str

    def body(self, epoch: int) -> bytes | None:
        return self.bodies[min(epoch, len(self.bodies)) - 1]


@dataclass
class Portal:
    """One host: its routes, and every request it answered (path, status, epoch)."""

    host: str
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[tuple[str, int, int]] = field(default_factory=list)


class Portals:
    """All simulated hosts; `advance()` moves every one of them to the next epoch."""

    def __init__(self, portals: list[Portal]) -> None:
        self.portals = {p.host: p for p in portals}
        self.epoch = 1
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Portals:
        for host, portal in self.portals.items():
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, portal))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, name=f"portal-{host}", daemon=True).start()
            self._servers[host] = server
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def advance(self) -> None:
        self.epoch += 1

    def port(self, host: str) -> int | None:
        server = self._servers.get(host.lower())
        return server.server_address[1] if server else None

    def answer(self, portal: Portal, target: str) -> tuple[int, bytes, str]:
        if target == "/robots.txt":
            return 200, ROBOTS, "text/plain"
        route = portal.routes.get(target)
        body = route.body(self.epoch) if route else None
        with self._lock:
            portal.log.append((target, 404 if body is None else 200, self.epoch))
        if route is None or body is None:
            return 404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html"
        return 200, body, route.content_type


def _handler(portals: Portals, portal: Portal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            status, body, ctype = portals.answer(portal, self.path)
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if status == 200:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(1705000000 + portals.epoch * 86400, usegmt=True))
            self.end_headers()
            self.wfile.write(body)

        def do_HEAD(self) -> None:
            status, body, ctype = portals.answer(portal, self.path)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()

    return Handler


class LoopbackTransport(httpx.BaseTransport):
    """Sends simulated host names to their 127.0.0.1 port (Host header kept); refuses every other host."""

    def __init__(self, portals: Portals) -> None:
        self.portals = portals
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        port = self.portals.port(request.url.host or "")
        if port is None:
            raise httpx.ConnectError(f"host {request.url.host!r} is not simulated", request=request)
        headers = httpx.Headers(request.headers)
        headers["Host"] = request.url.netloc.decode("ascii")
        routed = httpx.Request(request.method, request.url.copy_with(scheme="http", host="127.0.0.1", port=port),
                               headers=headers, stream=request.stream, extensions=request.extensions)
        return _ORIG_SYNC(self._inner, routed)

    def close(self) -> None:
        self._inner.close()
