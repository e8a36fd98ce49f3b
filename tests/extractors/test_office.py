"""DOC/WPS and RTF through LibreOffice → DOCX → Document, against the generator's truth.

The generated Word corpus is converted to DOC and to RTF by LibreOffice once per session (one
soffice run per format), then every file goes through `LegacyWordExtractor`, which converts it
back with its own private profile. Hostile inputs (a .doc LibreOffice cannot open, encrypted files,
a hung converter, no LibreOffice at all) must end as clear errors.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest

from extractors import DocumentTooLarge, MalformedDocument, Member, SourceRef, UnsupportedMediaType, sniff
from extractors.office import LegacyWordExtractor, find_soffice, legacy_kind
from pipeline.normalise.document import normalise
from pipeline.runs.process import process_item
from tests.generator import GeneratedReport, generate
from tests.generator.word import libreoffice_convert, render_docx, word_style
from tests.truth import assert_matches_truth

N = 8
needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed; "
                                   "`make sysdeps` installs it")


def source(data: bytes, uri: str) -> SourceRef:
    return SourceRef(uri=uri, sha256=hashlib.sha256(data).hexdigest(), media_type=sniff(data))


def converted(tmp: Path, target: str) -> list[tuple[GeneratedReport, bytes]]:
    """The generated corpus as DOCX, converted to `target` by one LibreOffice run."""
    gs = generate(seed=43, n=N)
    paths = []
    for g in gs:
        style = word_style(g)
        if target == "rtf" and style.title_box == "vml":
            # LibreOffice 7.4 drops VML text boxes when it writes RTF (DrawingML ones survive).
            style = replace(style, title_box="alternate")
        path = tmp / f"{g.key}.docx"
        path.write_bytes(render_docx(g, style))
        paths.append(path)
    outs = libreoffice_convert(paths, target, tmp / target)
    return [(g, out.read_bytes()) for g, out in zip(gs, outs, strict=True)]


@pytest.fixture(scope="session")
def doc_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[GeneratedReport, bytes]]:
    return converted(tmp_path_factory.mktemp("doc"), "doc")


@pytest.fixture(scope="session")
def rtf_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[GeneratedReport, bytes]]:
    return converted(tmp_path_factory.mktemp("rtf"), "rtf")


def run_corpus(corpus: list[tuple[GeneratedReport, bytes]], media_type: str, ext: str) -> None:
    total = 0
    extractor = LegacyWordExtractor(timeout=120)
    for g, data in corpus:
        assert sniff(data) == media_type
        doc = extractor.extract(data, source=source(data, f"gen://{g.key}.{ext}"))
        assert doc.extractor == "office" and doc.hint("converted_from") == ext
        total += assert_matches_truth(g, normalise(doc, media_type=media_type))
    assert total == sum(len(g.cells) for g, _ in corpus)  # 100 % exact, 0 wrong


@needs_soffice
def test_doc_corpus_every_cell_exact(doc_corpus: list[tuple[GeneratedReport, bytes]]) -> None:
    assert {word_style(g).split_t3_at is not None for g, _ in doc_corpus} == {True, False}
    assert any(word_style(g).numbered_headings for g, _ in doc_corpus)
    run_corpus(doc_corpus, "application/msword", "doc")


@needs_soffice
def test_rtf_corpus_every_cell_exact(rtf_corpus: list[tuple[GeneratedReport, bytes]]) -> None:
    assert any(word_style(g).numbered_headings for g, _ in rtf_corpus)
    run_corpus(rtf_corpus, "application/rtf", "rtf")


@needs_soffice
def test_wps_is_read_by_content_and_conversion_is_deterministic(
        doc_corpus: list[tuple[GeneratedReport, bytes]]) -> None:
    # A Kingsoft .wps file is an OLE2 Word binary: same bytes, any name, same result.
    g, data = doc_corpus[0]
    assert legacy_kind(data, source="report.wps") == "doc"
    first = LegacyWordExtractor().extract(data, source=source(data, "report.wps"))
    again = LegacyWordExtractor().extract(data, source=source(data, "report.wps"))
    assert first == again
    assert first.text_blocks[0].text == g.title


# --- hostile inputs ---------------------------------------------------------------------------------


def _with_stream(ole_bytes: bytes, name: str, transform: object) -> bytes:
    """An OLE2 file with stream `name` rewritten in place (same size) by `transform`."""
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(ole_bytes), write_mode=True)
    old = ole.openstream(name).read()
    ole.write_stream(name, transform(old))  # type: ignore[operator]
    out: bytes = ole.fp.getvalue()
    ole.close()
    return out


@needs_soffice
def test_a_doc_libreoffice_cannot_open_is_a_clear_error_row(doc_corpus: list[tuple[GeneratedReport, bytes]]) -> None:
    garbage = _with_stream(doc_corpus[0][1], "WordDocument", lambda old: bytes(len(old)))
    assert sniff(garbage) == "application/msword"
    r = process_item(Member(data=garbage, source=source(garbage, "broken.doc")))
    assert r.status == "failed"
    assert r.error.startswith("broken.doc: LibreOffice could not open this Word 97–2003/WPS (.doc/.wps) file")


@needs_soffice
def test_encrypted_doc_is_named_without_running_libreoffice(doc_corpus: list[tuple[GeneratedReport, bytes]]) -> None:
    def set_encrypted(old: bytes) -> bytes:
        flags = int.from_bytes(old[10:12], "little") | 0x0100
        return old[:10] + flags.to_bytes(2, "little") + old[12:]

    locked = _with_stream(doc_corpus[0][1], "WordDocument", set_encrypted)
    r = process_item(Member(data=locked, source=source(locked, "locked.doc")))
    assert r.status == "failed" and r.error == ("locked.doc: password-protected (encrypted) Word document: it "
                                                "cannot be read without the password")


def test_an_ole2_file_that_is_not_word_is_refused_by_name() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    from tests.generator import generate
    from tests.generator.word import render_docx

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(render_docx(generate(seed=41, n=1)[0]))).encrypt("secret", out)
    with pytest.raises(MalformedDocument, match="password-protected"):
        legacy_kind(out.getvalue(), source="locked.docx")
    with pytest.raises(MalformedDocument, match="not a readable OLE2"):
        legacy_kind(out.getvalue()[:600], source="cut.doc")
    with pytest.raises(UnsupportedMediaType, match="not a Word 97–2003, WPS or RTF file"):
        legacy_kind(b"%PDF-1.7", source="x.pdf")


def test_missing_libreoffice_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_SOFFICE", "/nonexistent/soffice")
    rtf = rb"{\rtf1\ansi 2023" + b"\\par}"
    r = process_item(Member(data=rtf, source=source(rtf, "old.rtf")))
    assert r.status == "failed"
    assert "old.rtf: RTF files are converted with LibreOffice, which is not installed" in r.error
    assert "apt-get install libreoffice-writer-nogui" in r.error


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return False
    return stat.read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_a_hung_converter_is_killed_after_the_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    child = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {child}\nsleep 60\n")
    fake.chmod(0o755)
    rtf = rb"{\rtf1\ansi x\par}"
    started = time.monotonic()
    with pytest.raises(DocumentTooLarge, match=r"slow\.rtf: LibreOffice did not convert this RTF file within 1 s"):
        LegacyWordExtractor(timeout=1, soffice=str(fake)).extract(rtf, source=source(rtf, "slow.rtf"))
    assert time.monotonic() - started < 10
    pid = int(child.read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:  # SIGKILL is delivered asynchronously
        time.sleep(0.05)
    assert not _alive(pid)  # the whole process group is gone, children included
    assert list(scratch.iterdir()) == []  # the private folder and its profile are removed


def test_oversized_legacy_file_is_refused_by_size() -> None:
    data = b"{\\rtf1 " + bytes(101 * 1024 * 1024)
    with pytest.raises(DocumentTooLarge, match=r"big\.rtf: Word/RTF file of 105,906,183 bytes is over"):
        LegacyWordExtractor().extract(data, source=SourceRef(uri="big.rtf", sha256="0" * 64))
