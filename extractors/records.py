"""Crawled-record CSV files: one row per fetched page (title, date, body text, URL).

Each row becomes a member document whose body is the `内容` column and whose other columns
are metadata hints. The member's digest is over the row's body bytes, so the same report
crawled twice is the same report.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from typing import BinaryIO

from .base import Flaw, Locator, Member, members
from .encoding import decode
from .errors import MalformedDocument
from .model import SourceRef
from .sniff import TEXT

NAME = "records-csv"

_COLUMNS = {
    "标题": "title", "title": "title",
    "时间": "published", "发布时间": "published", "date": "published",
    "内容": "body", "content": "body", "正文": "body",
    "访问地址": "url", "url": "url", "链接": "url",
    "来源网站": "column_url", "一级类别": "column", "附件链接": "attachments",
}

MAX_RECORD_BYTES = 64 * 1024 * 1024
"""A record (one row) larger than this is a failed row naming it; the records after it are kept."""
csv.field_size_limit(MAX_RECORD_BYTES)
_HEAD = 1 << 16


class RecordsCsv:
    """`scan()` finds each record's byte range without decoding the file; `read()` parses one.

    A record ends at a line break outside quotes. In UTF-8 and the GB family the bytes `"` and
    `\\n` never occur inside a multi-byte character, so the split works on bytes; a UTF-16 file
    is read in memory instead.
    """

    name = NAME

    def members(self, data: bytes, *, source: SourceRef) -> Iterator[Member]:
        yield from (m for m in members(self, data, source=source) if isinstance(m, Member))

    def scan(self, fh: BinaryIO, *, source: SourceRef) -> Iterator[Locator | Flaw]:
        fh.seek(0)
        head = fh.read(_HEAD)
        cut = head.rfind(b"\n") + 1 if len(head) == _HEAD else len(head)  # whole lines: no split character
        _, codec = decode(head[:cut or len(head)], source=source.uri)
        if "16" in codec or "32" in codec:
            raise MalformedDocument(source.uri, f"a records CSV in {codec} is not supported; save it as UTF-8")
        fh.seek(0)
        spans = _record_spans(fh)
        header = next(spans, None)
        if header is None:
            return
        context = (("codec", codec), ("header", str(header[1])))
        for n, (offset, length) in enumerate(spans, start=1):
            uri = f"{source.uri}#row={n}"
            if length > MAX_RECORD_BYTES:
                yield Flaw(uri=uri, reason=f"record of {length} bytes is over the {MAX_RECORD_BYTES} byte limit "
                           "of a CSV record (not read)")
                continue
            yield Locator(uri=uri, offset=offset, length=length, index=n, context=context)

    def read(self, fh: BinaryIO, locator: Locator, *, source: SourceRef) -> Member:
        ctx = dict(locator.context)
        codec = ctx["codec"]
        fh.seek(0)
        head = fh.read(int(ctx["header"])).decode(codec, "replace").lstrip("\ufeff")
        fh.seek(locator.offset)
        text = fh.read(locator.length).decode(codec, "replace")
        try:
            rows = list(csv.reader(io.StringIO(head + text, newline="")))
        except csv.Error as exc:
            raise MalformedDocument(locator.uri, f"unreadable CSV record ({exc})") from exc
        if len(rows) < 2:
            raise MalformedDocument(locator.uri, "empty CSV record")
        return _member(rows[0], rows[1], locator.index, source)


def _record_spans(fh: BinaryIO) -> Iterator[tuple[int, int]]:
    """(offset, length) of each record, the header first; blank lines between records are skipped."""
    start = fh.tell()
    quotes = 0
    pos = start
    for line in iter(fh.readline, b""):
        pos += len(line)
        quotes += line.count(b'"')
        if quotes % 2 == 0:
            if line.strip():
                yield start, pos - start
            start, quotes = pos, 0
    if pos > start and quotes % 2:
        yield start, pos - start  # an unclosed quote: the reader says what is wrong with it


def _member(header: list[str], row: list[str], n: int, source: SourceRef) -> Member:
    keys = [_COLUMNS.get(h.strip().lower(), h.strip()) for h in header]
    values = dict(zip(keys, row, strict=False))
    body = values.pop("body", "")
    hints = tuple((k, v.strip()) for k, v in values.items() if v and v.strip())
    # The body text is framed with the title so an empty body still names its report.
    payload = body.encode("utf-8")
    digest = hashlib.sha256(payload if body.strip() else (values.get("title", "") + f"#{n}").encode()).hexdigest()
    return Member(
        data=payload,
        source=SourceRef(uri=f"{source.uri}#row={n}", sha256=digest, media_type=TEXT, capture_id=f"row={n}"),
        hints=hints,
    )
