"""The one small protocol every format implements, and the registry keyed on media type."""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from .errors import ExtractionError, UnsupportedMediaType
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


MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
"""A file, container member or record larger than this is refused by name, never loaded."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Locator:
    """Where one member sits in a container file: found by `scan`, read back by `read`.

    Small and picklable, so the process that scans a container and the processes that read its
    members can differ: nobody holds a whole container's documents in memory.
    """

    uri: str
    offset: int
    length: int = 0
    index: int = 0
    hints: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    context: tuple[tuple[str, str], ...] = ()
    """Container-specific facts the reader needs (a CSV's encoding and header length)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Flaw:
    """A part of a container that cannot be a member (a corrupt record, a record over a limit)."""

    uri: str
    reason: str


class Container(Protocol):
    """A file that holds many documents: `scan` finds them, `read` loads one.

    `scan` streams a binary file object and never loads members' bytes; every part it cannot
    read becomes a `Flaw`, so nothing in the file is lost silently.
    """

    name: str

    def scan(self, fh: BinaryIO, *, source: SourceRef) -> Iterator[Locator | Flaw]: ...

    def read(self, fh: BinaryIO, locator: Locator, *, source: SourceRef) -> Member: ...


def members(container: Container, data: bytes, *, source: SourceRef) -> Iterator[Member | Flaw]:
    """The members (and flaws) of a container held in memory (a container inside a container)."""
    fh = io.BytesIO(data)
    for found in list(container.scan(fh, source=source)):
        if isinstance(found, Flaw):
            yield found
            continue
        try:
            yield container.read(fh, found, source=source)
        except ExtractionError as exc:
            yield Flaw(uri=found.uri, reason=exc.reason)


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
