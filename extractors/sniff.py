"""Media type from content (magic bytes), never from the file extension."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFD = "application/ofd"
ZIP = "application/zip"
OLE2 = "application/x-ole-storage"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
RTF = "application/rtf"
WARC = "application/warc"
GZIP = "application/gzip"
HTML = "text/html"
CSV_RECORDS = "text/csv"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
TIFF = "image/tiff"
OCTET = "application/octet-stream"

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKERS = re.compile(rb"<(!doctype\s+html|html|head|body|meta|div|table|p|title|span|br)\b", re.I)


def sniff(data: bytes) -> str:
    """The media type of `data`, decided by its leading bytes and structure."""
    head = data[:4096]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if head.startswith(_OLE2_MAGIC):
        return _sniff_ole2(data)
    if head.startswith(b"{\\rtf"):
        return RTF
    if head.startswith(b"WARC/"):
        return WARC
    if head.startswith(b"\x1f\x8b"):
        return WARC if _gunzip_head(data).startswith(b"WARC/") else GZIP
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if b"\x00" in head.lstrip(b"\xff\xfe\xef\xbb\xbf")[:1024] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return OCTET
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] == b"<" and _HTML_MARKERS.search(head):
        return HTML
    if _looks_like_record_csv(head):
        return CSV_RECORDS
    if looks_like_markdown(data[:_MARKDOWN_WINDOW]):
        return MARKDOWN
    return TEXT


_MARKDOWN_WINDOW = 65536
"""Converters put a long text before the first table; their marks are looked for this far in."""
_PIPE_DELIMITER = re.compile(rb"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$", re.M)
_ATX_HEADING = re.compile(rb"^#{1,6}[ \t]+\S", re.M)


def looks_like_markdown(head: bytes) -> bool:
    """Converters' Markdown: a pipe-table delimiter row, or two ATX headings (``# …``)."""
    return bool(_PIPE_DELIMITER.search(head)) or len(_ATX_HEADING.findall(head, 0, len(head))[:2]) >= 2


def _gunzip_head(data: bytes) -> bytes:
    """The first bytes of a gzip member (a .warc.gz starts with a gzipped WARC record)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], 64)
    except zlib.error:
        return b""


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, ValueError):
        # A truncated OOXML file still starts with PK; name it by its first entry.
        if b"word/" in data[:2048]:
            return DOCX
        if b"xl/" in data[:2048]:
            return XLSX
        return ZIP
    if "word/document.xml" in names:
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return OFD
    return ZIP


def _sniff_ole2(data: bytes) -> str:
    # Stream names are UTF-16LE in the directory sectors; look for the well-known ones.
    if "WordDocument".encode("utf-16-le") in data:
        return DOC
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return XLS
    return OLE2


def _looks_like_record_csv(head: bytes) -> bool:
    """A crawler's CSV export of records: a header naming title and content columns."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    try:
        line = first.decode("utf-8")
    except UnicodeDecodeError:
        try:
            line = first.decode("gb18030")
        except UnicodeDecodeError:
            return False
    cols = [c.strip().strip('"').lower() for c in line.split(",")]
    return len(cols) >= 2 and bool({"标题", "title"} & set(cols)) and bool({"内容", "content", "正文"} & set(cols))
