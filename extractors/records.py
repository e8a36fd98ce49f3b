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

from .base import Member
from .encoding import decode
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

csv.field_size_limit(64 * 1024 * 1024)


class RecordsCsv:
    name = NAME

    def members(self, data: bytes, *, source: SourceRef) -> Iterator[Member]:
        text, _ = decode(data, source=source.uri)
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        keys = [_COLUMNS.get(h.strip().lower(), h.strip()) for h in header]
        for n, row in enumerate(reader, start=1):
            values = dict(zip(keys, row, strict=False))
            body = values.pop("body", "")
            hints = tuple((k, v.strip()) for k, v in values.items() if v and v.strip())
            # The body text is framed with the title so an empty body still names its report.
            payload = body.encode("utf-8")
            digest = hashlib.sha256(payload if body.strip() else (values.get("title", "") + f"#{n}").encode()).hexdigest()
            yield Member(
                data=payload,
                source=SourceRef(uri=f"{source.uri}#row={n}", sha256=digest, media_type=TEXT,
                                 capture_id=f"row={n}"),
                hints=hints,
            )
