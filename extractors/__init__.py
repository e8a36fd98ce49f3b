"""Extractors: bytes (+ media type, headers) → `Document`. One module per format.

Knows the shapes of documents, not the template: no codebook code appears in this package.
"""

from __future__ import annotations

from .base import (
    Container,
    Extractor,
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
    FetchError,
    MalformedDocument,
    NoContent,
    UnsupportedMediaType,
    XxgkError,
)
from .model import BBox, Block, Cell, Document, Link, SourceRef, Table, TextBlock
from .records import RecordsCsv
from .sniff import CSV_RECORDS, TEXT, sniff
from .text import TextExtractor, text_to_document

register(TEXT, TextExtractor())
register_container(CSV_RECORDS, RecordsCsv())

__all__ = [
    "BBox",
    "Block",
    "Cell",
    "Container",
    "Document",
    "DocumentTooLarge",
    "ExtractionError",
    "Extractor",
    "FetchError",
    "Link",
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
