"""WARC files (ours, Heritrix, Common Crawl, wget --warc-file): the documents in them as members.

A member is a `response` (or `resource`) record with a 2xx status whose payload is a document:
HTML, PDF, Word/WPS, spreadsheets, OFD, plain text, and images only when the crawler that wrote
the file marked them as attachments. Scripts, styles, fonts, JSON/XML feeds, robots.txt, DNS
records and error pages are skipped, as are `revisit` records (the payload is the one of the
record they refer to, already a member). Pages our crawler recorded as listing or navigation
pages (its `metadata` record says `xxgk-role: list|nav|robots|redirect`) are skipped too: they
are how reports were found, not reports. Each member keeps the record's URL, capture time and
WARC-Record-ID, the HTTP headers (for the charset), and the crawler's anchor text and hints.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

from .base import Member
from .errors import MalformedDocument
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


@dataclass(frozen=True, slots=True)
class _Doc:
    record_id: str
    url: str
    date: str
    content_type: str
    payload: bytes
    headers: tuple[tuple[str, str], ...]
    truncated: str


class WarcContainer:
    """`members()` of a WARC file (plain or gzip per record)."""

    name = NAME
    version = VERSION

    def members(self, data: bytes, *, source: SourceRef) -> Iterator[Member]:
        docs, meta = self._records(data, source)
        for doc in docs:
            fields = meta.get(doc.record_id, {})
            role = fields.get("xxgk-role", "")
            if role in _SKIP_ROLES or not _is_document(doc.content_type, doc.url, role):
                continue
            hints: list[tuple[str, str]] = [("url", doc.url)]
            extra = json.loads(fields.get("xxgk-hints") or "{}")
            for key in ("title", "published", "rendition", "parent"):
                if isinstance(extra.get(key), str) and extra[key]:
                    hints.append((key, extra[key]))
            if fields.get("via"):
                hints.append(("via", fields["via"]))
            if fields.get("xxgk-source"):
                hints.append(("crawl_source", fields["xxgk-source"]))
            if doc.truncated:
                hints.append(("warc_truncated", doc.truncated))
            yield Member(
                data=doc.payload,
                source=SourceRef(uri=doc.url, sha256=hashlib.sha256(doc.payload).hexdigest(), captured_at=doc.date,
                                 capture_id=doc.record_id),
                hints=tuple(hints),
                headers=doc.headers,
            )

    @staticmethod
    def _records(data: bytes, source: SourceRef) -> tuple[list[_Doc], dict[str, dict[str, str]]]:
        """Document records, and the crawler's metadata fields keyed by the record they describe."""
        docs: list[_Doc] = []
        meta: dict[str, dict[str, str]] = {}
        seen = 0
        try:
            for record in ArchiveIterator(io.BytesIO(data), check_digests=False):
                wh = record.rec_headers
                rtype = record.rec_type
                if not rtype or not wh.get_header("WARC-Record-ID"):
                    raise ArchiveLoadFailed("a record without WARC-Type or WARC-Record-ID")
                seen += 1
                if rtype == "metadata":
                    meta[wh.get_header("WARC-Concurrent-To") or ""] = _fields(record.content_stream().read())
                    continue
                if rtype not in ("response", "resource"):
                    continue
                url = wh.get_header("WARC-Target-URI") or ""
                if not url.startswith(("http://", "https://")):
                    continue
                http = record.http_headers
                if rtype == "response":
                    if http is None or not (http.get_statuscode() or "").startswith("2"):
                        continue
                    content_type = http.get_header("Content-Type") or ""
                    headers = tuple((k, v) for k, v in http.headers)
                else:
                    content_type = wh.get_header("Content-Type") or ""
                    headers = (("Content-Type", content_type),) if content_type else ()
                payload = record.content_stream().read()
                if getattr(record.raw_stream, "limit", 0):  # fewer bytes than its Content-Length: torn
                    break
                if payload:
                    docs.append(_Doc(wh.get_header("WARC-Record-ID") or "", url, wh.get_header("WARC-Date") or "",
                                     wh.get_header("WARC-Identified-Payload-Type") or content_type, payload, headers,
                                     wh.get_header("WARC-Truncated") or ""))
        except (ArchiveLoadFailed, ValueError, EOFError, OSError) as exc:
            if not seen:
                raise MalformedDocument(source.uri, f"not a readable WARC file ({exc})") from exc
            # A torn tail (an interrupted crawl): keep the records read before it.
        if not seen:
            raise MalformedDocument(source.uri, "not a readable WARC file (no record)")
        return docs, meta
