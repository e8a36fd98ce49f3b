"""gzip and zip wrappers: expanded like WARC, each document inside them a member.

A gzip file holds one document (a page saved compressed, a ``Content-Encoding: gzip`` body kept
as fetched): its member keeps the file's own URI. A zip holds many (an agency's 附件.zip): each
file is a member ``archive.zip#member=path``; folders and the Mac resource forks are skipped.
Decompression is bounded (`MAX_MEMBER_BYTES`, `MAX_MEMBERS`) so a bomb fails with that reason
instead of filling memory.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from .base import Flaw, Locator, Member
from .errors import DocumentTooLarge, MalformedDocument
from .model import SourceRef

MiB = 1024 * 1024
MAX_MEMBER_BYTES = 200 * MiB
"""One decompressed member; a report with its scans is well under this."""
MAX_MEMBERS = 2000
"""Files of one zip; an attachment bundle has a handful."""


def _member(data: bytes, source: SourceRef, uri: str) -> Member:
    return Member(data=data, source=SourceRef(uri=uri, sha256=hashlib.sha256(data).hexdigest(),
                                              captured_at=source.captured_at, capture_id=source.capture_id))


def gunzip(data: bytes, *, source: str) -> bytes:
    """Every gzip member concatenated, at most `MAX_MEMBER_BYTES`."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += d.decompress(rest, MAX_MEMBER_BYTES + 1 - len(out))
        except zlib.error as exc:
            raise MalformedDocument(source, f"not a readable gzip file: {exc}") from exc
        if len(out) > MAX_MEMBER_BYTES or d.unconsumed_tail:
            raise DocumentTooLarge(source, f"gzip content over {MAX_MEMBER_BYTES // MiB} MiB (MAX_MEMBER_BYTES)")
        if not d.eof:
            raise MalformedDocument(source, "truncated gzip file: the compressed stream ends early")
        rest = d.unused_data.lstrip(b"\x00")
    return bytes(out)


class GzipContainer:
    """One member: the file's content, under the file's own URI."""

    name = "gzip"

    def scan(self, fh: BinaryIO, *, source: SourceRef) -> Iterator[Locator | Flaw]:
        yield Locator(uri=source.uri, offset=0)

    def read(self, fh: BinaryIO, locator: Locator, *, source: SourceRef) -> Member:
        fh.seek(0)
        compressed = fh.read(MAX_MEMBER_BYTES + 1)
        return _member(gunzip(compressed, source=source.uri), source, source.uri)


class ZipContainer:
    """One member per file of the archive (folders and Mac resource forks skipped)."""

    name = "zip"

    def scan(self, fh: BinaryIO, *, source: SourceRef) -> Iterator[Locator | Flaw]:
        with _open_zip(fh, source) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
            if len(infos) > MAX_MEMBERS:
                raise DocumentTooLarge(source.uri, f"{len(infos)} files in the zip, over {MAX_MEMBERS} (MAX_MEMBERS)")
            for n, info in enumerate(infos):
                uri = f"{source.uri}#member={_name(info)}"
                if info.file_size > MAX_MEMBER_BYTES:
                    yield Flaw(uri=uri, reason=f"{info.file_size} bytes decompressed, over "
                                               f"{MAX_MEMBER_BYTES // MiB} MiB (MAX_MEMBER_BYTES)")
                    continue
                yield Locator(uri=uri, offset=info.header_offset, length=info.compress_size, index=n,
                              context=(("name", info.filename),))

    def read(self, fh: BinaryIO, locator: Locator, *, source: SourceRef) -> Member:
        with _open_zip(fh, source) as zf:
            name = dict(locator.context)["name"]
            try:
                with zf.open(name) as member:
                    body = member.read(MAX_MEMBER_BYTES + 1)
            except (KeyError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
                raise MalformedDocument(locator.uri, f"cannot be decompressed: {exc}") from exc
        if len(body) > MAX_MEMBER_BYTES:
            raise DocumentTooLarge(locator.uri, f"over {MAX_MEMBER_BYTES // MiB} MiB decompressed (MAX_MEMBER_BYTES)")
        return _member(body, source, locator.uri)


def _open_zip(fh: BinaryIO, source: SourceRef) -> zipfile.ZipFile:
    fh.seek(0)
    try:
        return zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, ValueError) as exc:
        raise MalformedDocument(source.uri, f"not a readable zip file: {exc}") from exc


def _name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: zips made on Chinese Windows store GBK without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename
