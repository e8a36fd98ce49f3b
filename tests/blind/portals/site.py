"""The in-memory model of one simulated host: static pages per epoch, redirects, dynamic handlers.

Kept apart from the HTTP server so families only describe *what* a portal serves, never how it is served.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from urllib.parse import parse_qs

UTF8_HTML = "text/html; charset=utf-8"


@dataclass
class Req:
    """A request as a portal sees it."""

    method: str
    path: str  # path only
    query: str  # raw query string ('' when absent)
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def target(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    def params(self) -> dict[str, str]:
        """Query and (for POST) urlencoded form fields, last value wins."""
        out = {k: v[-1] for k, v in parse_qs(self.query, keep_blank_values=True).items()}
        if self.method == "POST" and self.body:
            form = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
            out.update({k: v[-1] for k, v in form.items()})
        return out


@dataclass
class Resp:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Page:
    """A static resource; bodies[i] is served in epoch i+1 (the last one repeats)."""

    bodies: list[bytes]
    ctype: str = UTF8_HTML
    validators: str = "both"  # both | lm | none  (ETag and/or Last-Modified)
    extra: dict[str, str] = field(default_factory=dict)

    def body(self, epoch: int) -> bytes:
        return self.bodies[min(epoch, len(self.bodies)) - 1]

    def version(self, epoch: int) -> int:
        return min(epoch, len(self.bodies))


Handler = Callable[[Req, int], "Resp | None"]


@dataclass
class Site:
    """One host of the simulator."""

    host: str
    robots: str | None = "User-agent: *\nDisallow:\n"
    pages: dict[str, Page] = field(default_factory=dict)
    redirects: dict[str, tuple[int, str]] = field(default_factory=dict)
    handlers: list[Handler] = field(default_factory=list)
    challenge: bool = False  # every answer is a 521 JS cookie challenge

    def add(self, target: str, body: bytes | list[bytes], **kw: object) -> Page:
        page = Page(bodies=body if isinstance(body, list) else [body], **kw)  # type: ignore[arg-type]
        self.pages[target] = page
        return page

    def answer(self, req: Req, epoch: int) -> Resp:
        """Route one request: challenge, robots, redirects, handlers, static pages, else 404."""
        if self.challenge:
            return challenge_521(req)
        if req.path == "/robots.txt" and self.robots is not None:
            return Resp(200, {"Content-Type": "text/plain"}, self.robots.encode())
        target = req.target
        if target in self.redirects:
            code, location = self.redirects[target]
            return Resp(code, {"Location": location, "Content-Type": UTF8_HTML}, b"<html>Moved</html>")
        for handler in self.handlers:
            resp = handler(req, epoch)
            if resp is not None:
                return resp
        page = self.pages.get(target)
        if page is None:
            return not_found()
        if req.method not in ("GET", "HEAD"):
            return Resp(405, {"Content-Type": UTF8_HTML, "Allow": "GET"}, b"<html>405</html>")
        return conditional(req, page, epoch)


def last_modified(page: Page, epoch: int) -> datetime:
    """A fixed date per page version: deterministic across runs, later for an edited version."""
    digest = int(hashlib.sha1(page.bodies[0][:200]).hexdigest()[:6], 16)
    base = datetime(2024, 2, 1, 8, 0, tzinfo=UTC) + timedelta(minutes=digest % 50000)
    return base + timedelta(days=120 * (page.version(epoch) - 1))


def etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def conditional(req: Req, page: Page, epoch: int) -> Resp:
    """200 or 304 following RFC 9110: If-None-Match first, If-Modified-Since only without it."""
    body = page.body(epoch)
    headers = {"Content-Type": page.ctype, **page.extra}
    tag = etag(body)
    lm = last_modified(page, epoch)
    if page.validators == "both":
        headers["ETag"] = tag
    if page.validators in ("both", "lm"):
        headers["Last-Modified"] = format_datetime(lm, usegmt=True)
    inm = req.headers.get("if-none-match")
    ims = req.headers.get("if-modified-since")
    if page.validators == "both" and inm is not None:
        if tag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
            return Resp(304, _strip_body_headers(headers), b"")
    elif page.validators in ("both", "lm") and ims is not None and _not_modified_since(ims, lm):
        return Resp(304, _strip_body_headers(headers), b"")
    return Resp(200, headers, body)


def _not_modified_since(ims: str, lm: datetime) -> bool:
    from email.utils import parsedate_to_datetime

    try:
        since = parsedate_to_datetime(ims)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and lm <= since


def _strip_body_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k not in ("Content-Type",)}


def not_found() -> Resp:
    return Resp(404, {"Content-Type": UTF8_HTML}, "<html><body>404 页面不存在</body></html>".encode())


def challenge_521(req: Req) -> Resp:
    """The 加速乐-style answer: a script computes a cookie and reloads; nothing else is served."""
    script = (
        "<html><script>document.cookie=('_')+('_j')+('sl_clearance=1706500000.123|0|'"
        "+(function(){return 'a3f'+'9c1'})()+';max-age=3600;path=/');"
        "location.href=location.pathname+location.search</script></html>"
    )
    headers = {"Content-Type": "text/html", "Set-Cookie": "__jsluid_h=6c1f0a9e2b; max-age=31536000; path=/"}
    return Resp(521, headers, script.encode())


def html_doc(title: str, body: str, charset: str | None = "utf-8", meta: dict[str, str] | None = None) -> str:
    """A page skeleton; charset None leaves the page without any charset declaration (old CMSs)."""
    metas = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    metas += "".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in (meta or {}).items())
    return (f"<!DOCTYPE html><html><head>{metas}<title>{escape(title)}</title></head>"
            f"<body>{body}</body></html>")
