"""The one small protocol every format implements, and the registry keyed on media type."""

from __future__ import annotations

import importlib
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


_EXTRACTORS: dict[str, Extractor | str] = {}
_CONTAINERS: dict[str, Container | str] = {}
"""Media type → instance, or "module:Class" to import on first use (heavy parsers load lazily)."""


def register(media_type: str, extractor: Extractor | str) -> None:
    _EXTRACTORS[media_type] = extractor


def register_container(media_type: str, container: Container | str) -> None:
    _CONTAINERS[media_type] = container


def _bare(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def _load(spec: str) -> object:
    module, _, cls = spec.partition(":")
    return getattr(importlib.import_module(module), cls)()


def for_media_type(media_type: str) -> Extractor:
    """The extractor for `media_type` (parameters stripped); `text/*` falls back to text/plain."""
    key = _bare(media_type)
    if key not in _EXTRACTORS and key.startswith("text/"):
        key = "text/plain"
    entry = _EXTRACTORS.get(key)
    if entry is None:
        raise UnsupportedMediaType("<registry>", f"no extractor for media type {_bare(media_type)!r}")
    if isinstance(entry, str):
        try:
            entry = _EXTRACTORS[key] = _load(entry)  # type: ignore[assignment]
        except (ImportError, AttributeError) as exc:
            raise UnsupportedMediaType("<registry>", f"the extractor for {key!r} is not available: {exc}") from exc
    return entry  # type: ignore[return-value]


def container_for(media_type: str) -> Container | None:
    key = _bare(media_type)
    entry = _CONTAINERS.get(key)
    if isinstance(entry, str):
        try:
            entry = _CONTAINERS[key] = _load(entry)  # type: ignore[assignment]
        except (ImportError, AttributeError):
            return None
    return entry  # type: ignore[return-value]


def media_types() -> list[str]:
    return sorted(_EXTRACTORS)
