"""DOC, WPS (Kingsoft) and RTF → DOCX through LibreOffice headless, then the DOCX extractor.

Binary Word files (OLE2 with a `WordDocument` stream; Kingsoft .wps files are the same format)
and RTF are converted by `soffice --convert-to docx`, so merged cells, numbering and text boxes
are read by one extractor. Each conversion runs in its own temporary folder with its own
LibreOffice profile (`-env:UserInstallation`), so parallel workers never share a profile lock;
it is killed (with its child processes) after a timeout, and the folder is removed afterwards.
The input filter is named explicitly: LibreOffice would otherwise import bytes it cannot read as
plain text and "succeed".
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from .docx import VERSION as DOCX_VERSION
from .docx import docx_to_document
from .errors import DocumentTooLarge, MalformedDocument, UnsupportedMediaType
from .model import Document, SourceRef
from .ooxml import MiB, check_size
from .pages import undecodable

NAME = "office"
VERSION = "1.0.0"

MAX_BYTES = 100 * MiB
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_INSTALL_HINT = ("install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; "
                 "`make sysdeps` does it)")
_FILTERS = {"doc": "MS Word 97", "rtf": "Rich Text Format"}
_WHAT = {"doc": "Word 97–2003/WPS (.doc/.wps)", "rtf": "RTF"}


def find_soffice() -> str | None:
    """The LibreOffice binary: $XXGK_SOFFICE, then `soffice`/`libreoffice` on PATH."""
    explicit = os.environ.get("XXGK_SOFFICE")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def legacy_kind(data: bytes, *, source: str) -> str:
    """'doc' or 'rtf' for bytes this extractor can convert; a clear error for anything else.

    OLE2 files are inspected by their streams (olefile): an encrypted OOXML package
    (`EncryptedPackage`) and a Word file with its encryption flag set are refused by name.
    """
    head = data[:8]
    if data[:5] == b"{\\rtf":
        return "rtf"
    if head != _OLE2_MAGIC:
        raise UnsupportedMediaType(source, "not a Word 97–2003, WPS or RTF file (no OLE2 or {\\rtf signature)")
    import olefile  # type: ignore[import-untyped]  # olefile ships no type stubs

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, IndexError) as exc:  # olefile raises these on broken directories
        raise MalformedDocument(source, f"not a readable OLE2 compound file (truncated or corrupt: {exc})") from exc
    try:
        streams = {"/".join(s).lower() for s in ole.listdir(streams=True, storages=False)}
        if "encryptedpackage" in streams or "encryptioninfo" in streams:
            raise MalformedDocument(source, "password-protected (encrypted) Office document: it cannot be read "
                                    "without the password")
        if "worddocument" not in streams:
            names = ", ".join(sorted(streams)[:6]) or "none"
            raise UnsupportedMediaType(source, f"OLE2 file without a WordDocument stream (streams: {names}); "
                                       "not a Word or WPS document")
        fib = ole.openstream("WordDocument").read(12)
    finally:
        ole.close()
    if len(fib) >= 12 and int.from_bytes(fib[10:12], "little") & 0x0100:  # FIB fEncrypted
        raise MalformedDocument(source, "password-protected (encrypted) Word document: it cannot be read "
                                "without the password")
    return "doc"


def convert_to_docx(data: bytes, kind: str, *, source: str, timeout: float, soffice: str | None = None) -> bytes:
    """DOCX bytes from `data` ('doc' or 'rtf') by one headless LibreOffice run in a private folder."""
    binary = soffice or find_soffice()
    if binary is None:
        raise UnsupportedMediaType(source, f"{_WHAT[kind]} files are converted with LibreOffice, which is not "
                                   f"installed: {_INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="xxgk-soffice-") as tmp:
        work = Path(tmp)
        src = work / f"input.{kind}"
        src.write_bytes(data)
        out = work / "out"
        cmd = [binary, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
               f"-env:UserInstallation={(work / 'profile').as_uri()}",
               f"--infilter={_FILTERS[kind]}", "--convert-to", "docx:MS Word 2007 XML",
               "--outdir", str(out), str(src)]
        env = {**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    cwd=work, env=env, start_new_session=True)
        except OSError as exc:
            raise UnsupportedMediaType(source, f"LibreOffice ({binary}) could not be started: {exc}; "
                                       f"{_INSTALL_HINT}") from exc
        _LIVE[proc.pid] = work
        with proc:  # closes the pipe and reaps the process on every way out
            try:
                log, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(proc)
                raise DocumentTooLarge(source, f"LibreOffice did not convert this {_WHAT[kind]} file within "
                                       f"{timeout:g} s (killed)") from None
            finally:
                _LIVE.pop(proc.pid, None)
        result = out / "input.docx"
        if not result.is_file() or result.stat().st_size == 0:
            lines = log.decode("utf-8", "replace").splitlines()
            said = " ".join(x.strip() for x in lines if x.strip() and not x.startswith("Warning:"))[-300:]
            raise MalformedDocument(source, f"LibreOffice could not open this {_WHAT[kind]} file "
                                    f"(exit {proc.returncode}: {said or 'no output'})")
        return result.read_bytes()


_LIVE: dict[int, Path] = {}
"""Conversions running in this process: process-group id → its private folder."""


def conversions() -> list[int]:
    """Process-group ids of the conversions running now (their memory counts as this process's)."""
    return list(_LIVE)


def stop_conversions() -> None:
    """Kill every running conversion's process group and remove its folder: for a worker that is
    being stopped (timeout, memory cap, interrupt), so no LibreOffice outlives it."""
    for pgid, folder in list(_LIVE.items()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
        _LIVE.pop(pgid, None)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the conversion's own process group (soffice starts soffice.bin in it), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


class LegacyWordExtractor:
    """DOC/WPS/RTF bytes → `Document` via a LibreOffice conversion to DOCX."""

    name = NAME
    version = VERSION

    def __init__(self, *, timeout: float = 120.0, soffice: str | None = None) -> None:
        if timeout <= 0:
            raise ValueError("LegacyWordExtractor setting 'timeout' must be positive")
        self.timeout = timeout
        self.soffice = soffice

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        check_size(data, source=source.uri, limit=MAX_BYTES, what="Word/RTF file")
        kind = legacy_kind(data, source=source.uri)
        docx = convert_to_docx(data, kind, source=source.uri, timeout=self.timeout, soffice=self.soffice)
        doc = docx_to_document(docx, source=source)
        noise = undecodable("".join(b.text for b in doc.text_blocks) +
                            "".join(c.text for t in doc.tables for c in t.cells))
        if noise:
            raise MalformedDocument(source.uri, f"LibreOffice read this {_WHAT[kind]} file as noise, not "
                                    f"text ({noise}): not a readable {_WHAT[kind]} document")
        return replace(doc, extractor=NAME, extractor_version=f"{VERSION}+docx{DOCX_VERSION}",
                       hints=(*doc.hints, ("converted_from", kind)))
