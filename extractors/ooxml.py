"""Zip and XML safety for Office Open XML packages (DOCX, XLSX) before any parser sees them.

A package is checked from its central directory alone: entry count, declared uncompressed sizes
(each part and in total) and the compression ratio of large parts, so a decompression bomb is
refused before a byte is inflated. `zipfile` never inflates more than an entry declares (it stops
there and fails the CRC), so the declared sizes bound the real work. XML parts must not declare a
DTD: OOXML never uses one, and a DTD is what billion-laughs and external-entity attacks need.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO

from .errors import DocumentTooLarge, MalformedDocument

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class ZipLimits:
    """Limits for one package; the defaults fit every real report with room to spare."""

    max_file_bytes: int = 100 * MiB
    """The package itself (a report with scanned pages embedded stays well below)."""
    max_entries: int = 10_000
    max_part_bytes: int = 64 * MiB
    """Uncompressed size of any one part."""
    max_total_bytes: int = 256 * MiB
    """Uncompressed size of all parts together."""
    max_ratio: float = 200.0
    """Uncompressed/compressed size of any part over `ratio_floor` bytes (XML deflates ~10:1)."""
    ratio_floor: int = 1 * MiB

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_entries", "max_part_bytes", "max_total_bytes", "ratio_floor"):
            if getattr(self, name) <= 0:
                raise ValueError(f"ZipLimits setting {name!r} must be positive")
        if self.max_ratio <= 1:
            raise ValueError("ZipLimits setting 'max_ratio' must be greater than 1")


DEFAULT_LIMITS = ZipLimits()


def check_size(data: bytes, *, source: str, limit: int, what: str) -> None:
    """Refuse an input over `limit` bytes before parsing it."""
    if len(data) > limit:
        raise DocumentTooLarge(source, f"{what} of {len(data):,} bytes is over the {limit:,}-byte limit")


def open_package(data: bytes, *, source: str, what: str, limits: ZipLimits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """A zip whose directory passed the limits; raise `DocumentTooLarge`/`MalformedDocument` otherwise."""
    check_size(data, source=source, limit=limits.max_file_bytes, what=f"{what} file")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise MalformedDocument(source, f"not a readable {what} package (truncated or corrupt zip: {exc})") from exc
    except (ValueError, OSError, EOFError) as exc:
        raise MalformedDocument(source, f"not a readable {what} package ({type(exc).__name__}: {exc})") from exc
    try:
        check_entries(zf.infolist(), source=source, limits=limits)
    except Exception:
        zf.close()
        raise
    return zf


def check_entries(infos: list[zipfile.ZipInfo], *, source: str, limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """Decompression-bomb checks on the central directory (declared sizes)."""
    if len(infos) > limits.max_entries:
        raise DocumentTooLarge(source, f"zip bomb suspected: {len(infos):,} entries (limit {limits.max_entries:,})")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise MalformedDocument(source, f"part {info.filename!r} is encrypted; password-protected packages "
                                    "cannot be read")
        size = info.file_size
        if size > limits.max_part_bytes:
            raise DocumentTooLarge(source, f"zip bomb suspected: part {info.filename!r} inflates to {size:,} bytes "
                                   f"(limit {limits.max_part_bytes:,})")
        if size > limits.ratio_floor and size > limits.max_ratio * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            raise DocumentTooLarge(source, f"zip bomb suspected: part {info.filename!r} compresses {ratio:,.0f}:1 "
                                   f"(limit {limits.max_ratio:,.0f}:1)")
        total += size
        if total > limits.max_total_bytes:
            raise DocumentTooLarge(source, f"zip bomb suspected: parts inflate to over {limits.max_total_bytes:,} "
                                   "bytes in total")


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_PROLOG_LIMIT = 1 * MiB


def check_xml_parts(zf: zipfile.ZipFile, *, source: str) -> None:
    """Refuse any XML part whose prolog declares a DTD (entity expansion, external entities)."""
    for info in zf.infolist():
        name = info.filename.lower()
        if info.is_dir() or not name.endswith((".xml", ".rels")):
            continue
        with zf.open(info) as fh:
            _check_prolog(_read_prolog(fh), part=info.filename, source=source)


def check_xml_part(blob: bytes, *, part: str, source: str) -> None:
    """`check_xml_parts` for one part already read into memory."""
    _check_prolog(_read_prolog(io.BytesIO(blob)), part=part, source=source)


def _check_prolog(prolog: bytes | None, *, part: str, source: str) -> None:
    if prolog is None:
        raise MalformedDocument(source, f"XML part {part!r} has no root element in its first "
                                f"{_PROLOG_LIMIT:,} bytes")
    if _DOCTYPE.match(prolog):
        raise MalformedDocument(source, f"XML part {part!r} declares a DTD (<!DOCTYPE>); Office files "
                                "never do, so it is refused (entity-expansion or external-entity attack)")


def _read_prolog(fh: IO[bytes]) -> bytes | None:
    """What follows the XML declaration, comments and processing instructions, up to the root.

    Returns the bytes from there on (the root element or a DOCTYPE), or None when the first
    `_PROLOG_LIMIT` bytes hold no markup after the prolog.
    """
    buf = b""
    codec = ""
    while len(buf) < _PROLOG_LIMIT:
        chunk = fh.read(4096)
        eof = not chunk
        buf += chunk
        codec = codec or _utf16_codec(buf)
        view = buf.decode(codec, errors="ignore").encode("utf-8") if codec else buf
        pos = 0
        if view.startswith(b"\xef\xbb\xbf"):
            pos = 3
        while (m := _PROLOG_ITEM.match(view, pos)) is not None:
            pos = m.end()
        rest = view[pos:]
        if (len(rest) >= len(b"<!DOCTYPE") or eof) and rest.startswith(b"<") and not rest.startswith(
                (b"<?", b"<!--")):
            return rest[:16]
        if eof:
            break
    return None


def _utf16_codec(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return "utf-16-le"
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return "utf-16-be"
    return ""
