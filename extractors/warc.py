"""WARC files (ours, Heritrix, Common Crawl, wget --warc-file): the documents in them as members.

A member is a `response` (or `resource`) record with a 2xx status whose payload is a document:
HTML, PDF, Word/WPS, spreadsheets, OFD, plain text, and images only when the crawler that wrote
the file marked them as attachments. Scripts, styles, fonts, JSON/XML feeds, robots.txt, DNS
records and error pages are skipped, as are `revisit` records (the payload is the one of the
record they refer to, already a member). Pages our crawler recorded as listing or navigation
pages (its `metadata` record says `xxgk-role: list|nav|robots|redirect`) are skipped too: they
are how reports were found, not reports. Each member keeps the record's URL, capture time and
WARC-Record-ID, the HTTP headers (for the charset), the crawler's anchor text and hints, and its
referrer (hint `referrer`): our crawler's `via`, else the `Referer` header of the `request` record
concurrent to the response (wget points the response at its request, Heritrix the request at its
response), else of the last request for the same URL before it. Assembly groups pages and their
attachments by it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

from .base import MAX_DOCUMENT_BYTES, Flaw, Locator, Member, members
from .errors import DocumentTooLarge, MalformedDocument
from .model import SourceRef

NAME = "warc"
VERSION = "1"

_SKIP_TYPES = ("text/css", "javascript", "ecmascript", "application/json", "font/", "application/font",
               "image/x-icon", "image/svg", "video/", "audio/", "text/xml", "application/xml",
               "application/rss", "application/atom", "text/dns", "application/x-shockwave-flash")
_SKIP_ROLES = {"list", "nav", "robots", "redirect"}


def _fields(data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in data.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _is_document(content_type: str, url: str, role: str) -> bool:
    ct = content_type.split(";", 1)[0].strip().lower()
    if url.lower().rstrip("/").endswith("/robots.txt"):
        return False
    if role == "attachment":
        return True
    if ct.startswith("image/"):
        return False
    return not any(s in ct for s in _SKIP_TYPES)


_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."


class WarcContainer:
    """`scan()` a WARC file (plain or gzip per record) for its documents; `read()` one of them.

    The scan reads record headers only (a payload is skipped, never held). A damaged stretch (a
    corrupt gzip member, a record cut inside its header) is a `Flaw` naming the byte offset, and
    the scan goes on at the next record boundary it can find, so the records after it are kept.
    """

    name = NAME
    version = VERSION

    def members(self, data: bytes, *, source: SourceRef) -> Iterator[Member]:
        """In-memory members; a file with no readable record at all is a `MalformedDocument`."""
        found = list(members(self, data, source=source))
        docs = [m for m in found if isinstance(m, Member)]
        flaws = [f for f in found if isinstance(f, Flaw)]
        if not docs and flaws and flaws[0].reason.startswith("not a readable WARC"):
            raise MalformedDocument(source.uri, flaws[0].reason)
        yield from docs

    def scan(self, fh: BinaryIO, *, source: SourceRef) -> Iterator[Locator | Flaw]:
        fh.seek(0)
        head = fh.read(len(_GZIP_MAGIC))
        magic = _GZIP_MAGIC if head.startswith(_GZIP_MAGIC) else _WARC_MAGIC
        found: list[_Found] = []
        meta: dict[str, dict[str, str]] = {}
        refs: dict[str, str] = {}
        flaws: list[Flaw] = []
        pos: int | None = 0
        while pos is not None:
            pos = _scan_from(fh, pos, magic, source, found, meta, flaws, refs)
        if not found and not meta:  # not one record: this is no WARC file at all
            why = f" ({flaws[0].reason})" if flaws else " (no record)"
            flaws = [Flaw(uri=source.uri, reason=f"not a readable WARC file{why}")]
        yield from flaws
        for f in found:
            fields = meta.get(f.record_id, {})
            role = fields.get("xxgk-role", "")
            if role in _SKIP_ROLES or not _is_document(f.content_type, f.url, role):
                continue
            if f.length > MAX_DOCUMENT_BYTES:
                yield Flaw(uri=f.url, reason=f"WARC record of {f.length} bytes at offset {f.offset} is over the "
                           f"{MAX_DOCUMENT_BYTES} byte limit (not read)")
                continue
            yield Locator(uri=f.url, offset=f.offset, index=len(found), hints=_hints(f, fields, _referrer(f, refs)),
                          context=(("record_id", f.record_id), ("date", f.date)))

    def read(self, fh: BinaryIO, locator: Locator, *, source: SourceRef) -> Member:
        fh.seek(locator.offset)
        try:
            record = next(iter(ArchiveIterator(fh, check_digests=False)))
            headers: tuple[tuple[str, str], ...]
            if record.rec_type == "response" and record.http_headers is not None:
                headers = tuple((k, v) for k, v in record.http_headers.headers)
            else:
                ct = record.rec_headers.get_header("Content-Type") or ""
                headers = (("Content-Type", ct),) if ct else ()
            payload = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
        except Exception as exc:  # warcio raises many kinds on damaged bytes
            raise MalformedDocument(locator.uri, f"WARC record at offset {locator.offset} of {source.uri} "
                                    f"cannot be read ({type(exc).__name__}: {exc})") from exc
        if len(payload) > MAX_DOCUMENT_BYTES:
            raise DocumentTooLarge(locator.uri, f"payload over the {MAX_DOCUMENT_BYTES} byte limit "
                                   "(decompression bomb?)")
        ctx = dict(locator.context)
        return Member(
            data=payload,
            source=SourceRef(uri=locator.uri, sha256=hashlib.sha256(payload).hexdigest(),
                             captured_at=ctx.get("date", ""), capture_id=ctx.get("record_id", "")),
            hints=locator.hints,
            headers=headers,
        )


@dataclass(frozen=True, slots=True)
class _Found:
    record_id: str
    url: str
    date: str
    content_type: str
    offset: int
    length: int
    truncated: str
    concurrent_to: str = ""
    referer: str = ""
    """The Referer of the last request for this URL recorded before the response (wget, Heritrix)."""


def _referrer(f: _Found, refs: dict[str, str]) -> str:
    """The Referer of the request record paired with response `f` (either direction), else the last before it."""
    return refs.get(f"to:{f.record_id}") or refs.get(f"id:{f.concurrent_to}") or f.referer


def _note_request(record: object, refs: dict[str, str]) -> None:
    """Remember a `request` record's Referer by its id, the record it is concurrent to, and its URL."""
    http = record.http_headers  # type: ignore[attr-defined]
    referer = (http.get_header("Referer") or "").strip() if http is not None else ""
    if not referer:
        return
    wh = record.rec_headers  # type: ignore[attr-defined]
    refs[f"id:{wh.get_header('WARC-Record-ID') or ''}"] = referer
    if wh.get_header("WARC-Concurrent-To"):
        refs[f"to:{wh.get_header('WARC-Concurrent-To')}"] = referer
    refs[f"uri:{wh.get_header('WARC-Target-URI') or ''}"] = referer


def _hints(f: _Found, fields: dict[str, str], referer: str = "") -> tuple[tuple[str, str], ...]:
    hints: list[tuple[str, str]] = [("url", f.url)]
    extra = json.loads(fields.get("xxgk-hints") or "{}")
    for key in ("title", "published", "rendition", "parent"):
        if isinstance(extra.get(key), str) and extra[key]:
            hints.append((key, extra[key]))
    if fields.get("via"):
        hints.append(("via", fields["via"]))
    if fields.get("via") or referer:
        hints.append(("referrer", fields.get("via") or referer))
    if fields.get("xxgk-source"):
        hints.append(("crawl_source", fields["xxgk-source"]))
    if f.truncated:
        hints.append(("warc_truncated", f.truncated))
    return tuple(hints)


def _scan_from(fh: BinaryIO, pos: int, magic: bytes, source: SourceRef, found: list[_Found],
               meta: dict[str, dict[str, str]], flaws: list[Flaw], refs: dict[str, str]) -> int | None:
    """Scan records from byte `pos`; on damage record a flaw and return where to resume (None: done)."""
    fh.seek(pos)
    it = ArchiveIterator(fh, check_digests=False)
    at = pos
    try:
        for record in it:
            wh = record.rec_headers
            rtype = record.rec_type
            if not rtype or not wh.get_header("WARC-Record-ID"):
                raise ArchiveLoadFailed("a record without WARC-Type or WARC-Record-ID")
            if rtype == "metadata":
                meta[wh.get_header("WARC-Concurrent-To") or ""] = _fields(record.content_stream().read(1 << 20))
            if rtype == "request":
                _note_request(record, refs)
            doc = _document_record(record)
            if doc is not None:
                doc = replace(doc, referer=refs.get(f"uri:{doc.url}", ""))
            offset = it.get_record_offset()  # absolute; reads the rest of the record (the payload is skipped)
            if getattr(record.raw_stream, "limit", 0):  # fewer bytes than its Content-Length: torn
                raise EOFError(f"record at offset {offset} is cut short")
            at = offset + it.get_record_length()
            if doc is not None:
                found.append(replace(doc, offset=offset))
        return None
    except Exception as exc:  # warcio raises ArchiveLoadFailed, zlib.error, AttributeError… on damaged bytes
        resume = _next_boundary(fh, at + 1, magic)
        lost = "the rest of the file is lost" if resume is None else f"scanning resumed at byte {resume}"
        flaws.append(Flaw(uri=f"{source.uri}#offset={at}", reason=f"WARC file damaged at byte {at} (corrupt or truncated record: "
                          f"{type(exc).__name__}: {str(exc)[:200]}); {lost}"))
        return resume


def _document_record(record: object) -> _Found | None:
    """The fields of a `response`/`resource` record with a 2xx status and an http(s) URL, else None."""
    wh = record.rec_headers  # type: ignore[attr-defined]
    rtype = record.rec_type  # type: ignore[attr-defined]
    if rtype not in ("response", "resource"):
        return None
    url = wh.get_header("WARC-Target-URI") or ""
    if not url.startswith(("http://", "https://")):
        return None
    if rtype == "response":
        http = record.http_headers  # type: ignore[attr-defined]
        if http is None or not (http.get_statuscode() or "").startswith("2"):
            return None
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = wh.get_header("Content-Type") or ""
    length = int(wh.get_header("Content-Length") or 0)
    return _Found(record_id=wh.get_header("WARC-Record-ID") or "", url=url, date=wh.get_header("WARC-Date") or "",
                  content_type=wh.get_header("WARC-Identified-Payload-Type") or content_type, offset=0,
                  length=length, truncated=wh.get_header("WARC-Truncated") or "",
                  concurrent_to=wh.get_header("WARC-Concurrent-To") or "")


def _next_boundary(fh: BinaryIO, start: int, magic: bytes) -> int | None:
    """The offset of the next `magic` (a gzip member or a WARC record) at or after `start`."""
    fh.seek(start)
    tail = b""
    base = start
    while chunk := fh.read(1 << 20):
        buf = tail + chunk
        hit = buf.find(magic)
        if hit >= 0:
            return base - len(tail) + hit
        tail = buf[-(len(magic) - 1):]
        base += len(chunk)
    return None
