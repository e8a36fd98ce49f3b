"""Extractors: bytes (+ media type, headers) → `Document`. One module per format.

Knows the shapes of documents, not the template: no codebook code appears in this package.
"""

from __future__ import annotations

from .base import (
    MAX_DOCUMENT_BYTES,
    Container,
    Extractor,
    Flaw,
    Locator,
    Member,
    container_for,
    for_media_type,
    media_types,
    register,
    register_container,
)
from .errors import (
    DocumentTooLarge,
    ExtractionError,
    MalformedDocument,
    NoContent,
    UnsupportedMediaType,
    XxgkError,
)
from .model import BBox, Block, Cell, Document, Link, SourceRef, Table, TextBlock
from .records import RecordsCsv
from .sniff import (
    CSV_RECORDS,
    DOC,
    DOCX,
    GIF,
    GZIP,
    HTML,
    JPEG,
    MARKDOWN,
    OFD,
    OLE2,
    PDF,
    PNG,
    RTF,
    TEXT,
    TIFF,
    WARC,
    XLS,
    XLSX,
    ZIP,
    sniff,
)
from .text import TextExtractor, text_to_document

# One extractor per format, keyed on the sniffed media type. Heavy ones are imported on first use.
register(TEXT, TextExtractor())
register(HTML, "extractors.html:HtmlExtractor")
register(MARKDOWN, "extractors.markdown:MarkdownExtractor")
register(DOCX, "extractors.docx:DocxExtractor")
register(DOC, "extractors.office:LegacyWordExtractor")
register(RTF, "extractors.office:LegacyWordExtractor")
register(OLE2, "extractors.office:LegacyWordExtractor")  # names encrypted Office files and other OLE2
register(XLSX, "extractors.sheets:SheetExtractor")
register(XLS, "extractors.sheets:SheetExtractor")
register(PDF, "extractors.pdf:PdfExtractor")
register(OFD, "extractors.ofd:OfdExtractor")
for _image in (PNG, JPEG, GIF, TIFF):
    register(_image, "extractors.ocr:ImageExtractor")
register_container(CSV_RECORDS, RecordsCsv())
register_container(WARC, "extractors.warc:WarcContainer")
register_container(GZIP, "extractors.archives:GzipContainer")
register_container(ZIP, "extractors.archives:ZipContainer")

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "BBox",
    "Block",
    "Cell",
    "Container",
    "Document",
    "DocumentTooLarge",
    "ExtractionError",
    "Extractor",
    "Flaw",
    "Link",
    "Locator",
    "MalformedDocument",
    "Member",
    "NoContent",
    "SourceRef",
    "Table",
    "TextBlock",
    "TextExtractor",
    "UnsupportedMediaType",
    "XxgkError",
    "container_for",
    "for_media_type",
    "media_types",
    "register",
    "register_container",
    "sniff",
    "text_to_document",
]
