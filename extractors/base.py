"""The one small protocol every format implements, and the registry keyed on media type."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from .errors import UnsupportedMediaType
from .model import Document, SourceRef


class Extractor(Protocol):
    """Bytes of one document → `Document`. Pure: no paths, no network, no clock."""

    name: str
    version: str

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        """Parse `data`; raise an `ExtractionError` subclass naming `source.uri` when it cannot."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """One document inside a container file (a crawled-records CSV, a WARC, a zip)."""

    data: bytes
    source: SourceRef
    hints: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()


class Container(Protocol):
    """A file that holds many documents; yields each with its own source reference."""

    name: str

    def members(self, data: bytes, *, source: SourceRef) -> Iterator[Member]: ...


_EXTRACTORS: dict[str, Extractor] = {}
_CONTAINERS: dict[str, Container] = {}


def register(media_type: str, extractor: Extractor) -> None:
    _EXTRACTORS[media_type] = extractor


def register_container(media_type: str, container: Container) -> None:
    _CONTAINERS[media_type] = container


def _bare(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def for_media_type(media_type: str) -> Extractor:
    """The extractor for `media_type` (parameters stripped); `text/*` falls back to text/plain."""
    key = _bare(media_type)
    if key in _EXTRACTORS:
        return _EXTRACTORS[key]
    if key.startswith("text/") and "text/plain" in _EXTRACTORS:
        return _EXTRACTORS["text/plain"]
    raise UnsupportedMediaType("<registry>", f"no extractor for media type {key!r}")


def container_for(media_type: str) -> Container | None:
    return _CONTAINERS.get(_bare(media_type))


def media_types() -> list[str]:
    return sorted(_EXTRACTORS)
