"""A transport that answers from WARC files instead of the network (replay mode).

The crawl runs unchanged on top of it — robots, politeness, adapters, archive — so a bundled
archive (`data/samples/`) or last year's crawl can be replayed offline. A URL is answered with
its latest archived response (a revisit with the payload it refers to; a `resource` record —
content stored without an HTTP exchange — as a 200 with its content type); a conditional request
whose validator matches gets 304; a URL not in the archive gets 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx
from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]

from .urls import canonical


@dataclass(frozen=True, slots=True)
class _Stored:
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    date: str


def load_responses(paths: Iterable[Path]) -> dict[str, _Stored]:
    """URL → latest stored response across `paths` (revisits resolved by payload digest)."""
    by_digest: dict[str, bytes] = {}
    out: dict[str, _Stored] = {}
    revisits: list[tuple[str, str, int, str, tuple[tuple[str, str], ...], str]] = []
    for path in sorted(paths):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if not uri.startswith(("http://", "https://")):
                    continue
                url = canonical(uri)
                date = record.rec_headers.get_header("WARC-Date") or ""
                if record.rec_type == "resource":  # content captured outside HTTP: served as a 200
                    ctype = record.rec_headers.get_header("Content-Type") or "application/octet-stream"
                    body = record.content_stream().read()
                    if url not in out or out[url].date <= date:
                        out[url] = _Stored(200, "OK", (("Content-Type", ctype),), body, date)
                    continue
                if record.rec_type not in ("response", "revisit") or record.http_headers is None:
                    continue
                http = record.http_headers
                status = int(http.get_statuscode() or 0)
                reason = http.statusline.partition(" ")[2]
                headers = tuple((k, v) for k, v in http.headers
                                if k.lower() not in ("content-encoding", "transfer-encoding", "content-length"))
                digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
                if record.rec_type == "revisit":
                    revisits.append((url, digest, status, reason, headers, date))
                    continue
                body = record.content_stream().read()
                if digest:
                    by_digest.setdefault(digest, body)
                if url not in out or out[url].date <= date:
                    out[url] = _Stored(status, reason, headers, body, date)
    for url, digest, status, reason, headers, date in revisits:
        if digest in by_digest and (url not in out or out[url].date <= date):
            out[url] = _Stored(status, reason, headers, by_digest[digest], date)
    return out


class WarcReplayTransport(httpx.BaseTransport):
    """Serve GET requests from WARC files; everything else is 405."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.responses = load_responses(paths)
        self.requests: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = canonical(str(request.url))
        self.requests.append(url)
        if request.method != "GET":
            return httpx.Response(405, stream=httpx.ByteStream(b""), request=request)
        stored = self.responses.get(url)
        if stored is None:
            return httpx.Response(404, headers={"Content-Type": "text/plain"},
                                  stream=httpx.ByteStream(b"not in the archive"), request=request)
        etag = next((v for k, v in stored.headers if k.lower() == "etag"), None)
        if etag and request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers=[(k, v) for k, v in stored.headers if k.lower() == "etag"],
                                  stream=httpx.ByteStream(b""), request=request)
        # A stream, not `content=`: the fetcher reads the raw body like a network response.
        return httpx.Response(stored.status, headers=[*stored.headers, ("Content-Length", str(len(stored.body)))],
                              stream=httpx.ByteStream(stored.body), request=request)
