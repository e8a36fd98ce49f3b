"""WARC files as wget and Heritrix write them: warcinfo, then request/response pairs per capture.

wget (`--warc-file`) writes the request record, then the response, the two joined by
WARC-Concurrent-To; it sends `Referer` only for what it found by following a link. Heritrix writes
the response first, then the request (its `Referer` is the `via` of the URI) and a `metadata` record
with `via:` and `outlink:` lines. Record ids and dates are fixed, so the same corpus gives the same
bytes.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

Style = Literal["wget", "heritrix"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    """One fetched URL: what the server sent, and the Referer the crawler sent (None: none)."""

    url: str
    body: bytes
    content_type: str
    referer: str | None = None
    date: str = "2024-02-01T08:00:00Z"
    outlinks: tuple[str, ...] = ()


def _rid(*parts: str) -> str:
    return f"<urn:uuid:{uuid.UUID(bytes=hashlib.sha256('|'.join(parts).encode()).digest()[:16])}>"


def _request(writer: WARCWriter, c: Capture, style: Style, concurrent: str):  # -> ArcWarcRecord
    split = urlsplit(c.url)
    target = split.path + (f"?{split.query}" if split.query else "")
    agent = "Wget/1.21.3" if style == "wget" else "Mozilla/5.0 (compatible; heritrix/3.4.0 +http://archive.org)"
    headers = [("User-Agent", agent), ("Accept", "*/*"), ("Host", split.netloc), ("Connection", "Keep-Alive")]
    if c.referer:
        headers.insert(2, ("Referer", c.referer))
    http = StatusAndHeaders(f"GET {target} HTTP/1.1", headers, is_http_request=True)
    return writer.create_warc_record(c.url, "request", payload=io.BytesIO(b""), http_headers=http,
                                     warc_headers_dict={"WARC-Record-ID": _rid("req", c.url),
                                                        "WARC-Date": c.date, "WARC-Concurrent-To": concurrent})


def _response(writer: WARCWriter, c: Capture):  # -> ArcWarcRecord
    headers = [("Date", "Thu, 01 Feb 2024 08:00:00 GMT"), ("Server", "nginx"), ("Content-Type", c.content_type),
               ("Content-Length", str(len(c.body))), ("Last-Modified", "Sat, 20 Jan 2024 01:30:00 GMT"),
               ("Accept-Ranges", "bytes")]
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    return writer.create_warc_record(c.url, "response", payload=io.BytesIO(c.body), http_headers=http,
                                     warc_headers_dict={"WARC-Record-ID": _rid("resp", c.url), "WARC-Date": c.date})


def _metadata(writer: WARCWriter, c: Capture, concurrent: str):  # -> ArcWarcRecord
    lines = ([f"via: {c.referer}", "hopsFromSeed: L"] if c.referer else ["hopsFromSeed: "])
    lines += [f"outlink: {o} L a/@href" for o in c.outlinks]
    body = ("\r\n".join(lines) + "\r\n").encode()
    return writer.create_warc_record(c.url, "metadata", payload=io.BytesIO(body),
                                     warc_content_type="application/warc-fields",
                                     warc_headers_dict={"WARC-Record-ID": _rid("meta", c.url), "WARC-Date": c.date,
                                                        "WARC-Concurrent-To": concurrent})


def write_warc(path: Path, captures: Sequence[Capture], *, style: Style) -> None:
    """One gzipped WARC 1.0 file holding `captures` in order, in the record layout of `style`."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = {"software": "Wget/1.21.3 (linux-gnu)" if style == "wget" else "heritrix/3.4.0",
                "format": "WARC File Format 1.0", "robots": "classic"}
        warcinfo = writer.create_warcinfo_record(path.name, info)
        warcinfo.rec_headers.replace_header("WARC-Record-ID", _rid("info", path.name))
        warcinfo.rec_headers.replace_header("WARC-Date", "2024-02-01T07:59:59Z")
        _write(writer, [warcinfo])
        for c in captures:
            response = _response(writer, c)
            resp_id = response.rec_headers.get_header("WARC-Record-ID")
            request = _request(writer, c, style, resp_id)
            if style == "wget":
                _write(writer, [request, response])
            else:
                _write(writer, [response, request, _metadata(writer, c, resp_id)])


def _write(writer: WARCWriter, records: list) -> None:  # list[ArcWarcRecord]
    """Write, then close the spooled buffer warcio copied each payload into (it leaves them open)."""
    for record in records:
        writer.write_record(record)
        record.raw_stream.close()
