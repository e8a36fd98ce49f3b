"""Plain text as crawlers leave it: one cell per line, tab/space-separated rows, run-together cells.

Lines become `TextBlock`s in order, with their character offsets, so the pipeline can align
the token stream to the template. Archivers' key/value headers ("标题: …", "发布时间: …")
above a "=====" rule become metadata hints, and the header is not part of the body.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from .encoding import decode
from .errors import NoContent
from .model import Document, SourceRef, TextBlock

NAME = "text"
VERSION = "1.0.0"

_HEADER_KEYS = {
    "标题": "title", "发布时间": "published", "发布日期": "published", "发文日期": "published",
    "发布机构": "agency", "来源": "agency", "栏目": "column", "原文链接": "url", "文号": "doc_number",
    "索引号": "index_number",
}
MIN_TEXT_CHARS = 8
"""A text with fewer printable characters than this is no document (a few stray bytes sniffed as text)."""
_RULE = re.compile(r"^={5,}.*$", re.M)
_KV = re.compile(r"^\s*([\u4e00-\u9fff]{2,4})\s*[:：]\s*(.*)$")


def text_to_document(text: str, *, source: SourceRef, hints: tuple[tuple[str, str], ...] = ()) -> Document:
    """Split decoded text into line blocks; peel an archiver header off into hints."""
    body_start = 0
    header_hints: list[tuple[str, str]] = []
    rule = _RULE.search(text[:4000])
    if rule:
        header = text[: rule.start()]
        parsed = [_KV.match(line) for line in header.splitlines() if line.strip()]
        if parsed and sum(m is not None for m in parsed) >= max(2, len(parsed) // 2):
            for m in parsed:
                if m and m.group(1) in _HEADER_KEYS and m.group(2).strip():
                    header_hints.append((_HEADER_KEYS[m.group(1)], m.group(2).strip()))
            body_start = rule.end() + 1
    blocks: list[TextBlock] = []
    pos = body_start
    for line in text[body_start:].splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if stripped.strip():
            blocks.append(TextBlock(text=stripped, offset=pos, kind="line"))
        pos += len(line)
    if not blocks:
        raise NoContent(source.uri, "empty document: no text in the body")
    printable = sum(1 for b in blocks for ch in b.text if ch.isprintable() and not ch.isspace())
    if printable < MIN_TEXT_CHARS:
        raise NoContent(source.uri, f"empty document: {printable} printable character(s), too few for a document "
                                    f"(fewer than {MIN_TEXT_CHARS}; stray bytes are sniffed as text)")
    return Document(source=source, blocks=tuple(blocks), hints=tuple(header_hints) + hints,
                    extractor=NAME, extractor_version=VERSION, text=text)


class TextExtractor:
    name = NAME
    version = VERSION

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        declared = None
        if headers:
            m = re.search(r"charset=([\w-]+)", headers.get("content-type", ""), re.I)
            declared = m.group(1) if m else None
        text, _ = decode(data, declared=declared, source=source.uri)
        # Records exported with bare carriage returns as separators: treat \r as a line end.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text_to_document(text, source=source)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
