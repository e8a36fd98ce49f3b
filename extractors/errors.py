"""The small exception tree of xxgk. Messages name the source and the bad value.

    XxgkError
    └── ExtractionError            this document cannot be read
        ├── UnsupportedMediaType   no extractor for the sniffed type
        ├── MalformedDocument      bytes that do not parse as their format (truncated, bad charset …)
        ├── DocumentTooLarge       over a size/complexity limit (bombs, 10^5-cell tables …)
        └── NoContent              parsed, but nothing to extract (empty body)

Extractors raise; the pipeline catches per document and records a `failed` row, so one bad
document never stops a run.
"""

from __future__ import annotations


class XxgkError(Exception):
    """Base of every error xxgk raises on purpose."""


class ExtractionError(XxgkError):
    """The document cannot be turned into a `Document`."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class UnsupportedMediaType(ExtractionError):
    """No extractor handles the sniffed media type."""


class MalformedDocument(ExtractionError):
    """The bytes do not parse as the format they claim to be."""


class DocumentTooLarge(ExtractionError):
    """The input is over a size or complexity limit."""


class NoContent(ExtractionError):
    """The document parsed but holds no text."""
