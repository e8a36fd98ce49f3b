"""OFD (GB/T 33190) packages: the generated corpus re-issued as OFD, the real 洪泽 report converted
to OFD, and packages that must be refused safely (XML entities, zip bombs, broken parts)."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from extractors import Member, SourceRef, sniff
from extractors.ofd import OfdExtractor
from pipeline.normalise.report import Report
from pipeline.runs.process import process_item
from tests.conftest import fixture_bytes, report_of, values
from tests.generator import GeneratedReport
from tests.generator.ofd import pdf_to_ofd
from tests.generator.pdf import cached_pdf_corpus
from tests.truth import assert_no_wrong, assert_report_right, t4_rows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[GeneratedReport], dict[str, bytes]]:
    reports, pdfs = cached_pdf_corpus(tmp_path_factory)
    return reports, {g.key: pdf_to_ofd(pdfs[g.key], title=g.title) for g in reports}


def test_generated_ofd_every_cell_exact(corpus: tuple[list[GeneratedReport], dict[str, bytes]]) -> None:
    reports, files = corpus
    total = exact = 0
    for g in reports:
        assert sniff(files[g.key]) == "application/ofd"
        r = report_of(files[g.key], uri=f"gen://{g.key}.ofd")
        exact += assert_report_right(g, r, headings=False)
        total += len(g.cells)
    assert exact == total


def test_hongze_as_ofd_gives_the_transcribed_figures() -> None:
    r = report_of(pdf_to_ofd(fixture_bytes("pdf", "jiangsu_huaian_hongze_district_2024.pdf")), uri="hz.ofd")
    assert r.template == "hybrid" and r.agency == "淮安市洪泽区人民政府"
    assert assert_no_wrong(r, "t4", t4_rows((1, 1, 0, 0, 2), (1, 0, 0, 0, 1), (2, 0, 1, 0, 3))) == 15
    assert values(r, "t3")[("t3.r1", "np")] == 95 and values(r, "t3")[("t3.r3.4.1", "tot")] == 31


def _package(parts: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


_OFD = ('<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody>'
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
_DOC = ('<?xml version="1.0"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages>'
        '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>')


def _row(data: bytes, name: str) -> Report:
    return process_item(Member(data=data, source=SourceRef(uri=f"mem://{name}", sha256=hashlib.sha256(data).hexdigest())))


def test_text_codes_with_g_shorthand_and_entities_not_expanded() -> None:
    page = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "EXPANDED">]>'
            '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2">'
            '<ofd:TextObject ID="3" Boundary="20 20 100 10" Size="5"><ofd:TextCode X="0" Y="5" DeltaX="g 3 5">'
            "一二三&amp;</ofd:TextCode></ofd:TextObject>"
            '<ofd:TextObject ID="4" Boundary="20 40 100 10" Size="5"><ofd:TextCode X="0" Y="5">&e;</ofd:TextCode>'
            "</ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>")
    data = _package({"OFD.xml": _OFD, "Doc_0/Document.xml": _DOC, "Doc_0/Pages/Page_0/Content.xml": page})
    doc = OfdExtractor().extract(data, source=SourceRef(uri="mem://t.ofd", sha256="0"))
    text = "\n".join(doc.iter_text())
    assert "一二三&" in text
    assert "EXPANDED" not in text


@pytest.mark.parametrize(("name", "parts", "reason"), [
    ("no-root.ofd", {"OFD.xml": "<OFD/>"}, "names no DocRoot"),
    ("missing-part.ofd", {"OFD.xml": _OFD}, "has no 'Doc_0/Document.xml'"),
    ("bad-xml.ofd", {"OFD.xml": _OFD, "Doc_0/Document.xml": "<Document><Pages>"}, "not well-formed XML"),
    ("bomb.ofd", {"OFD.xml": _OFD, "Doc_0/Document.xml": _DOC, "Doc_0/Pages/Page_0/Content.xml": " " * 60_000_000},
     "zip bomb"),
])
def test_broken_packages_end_as_clear_error_rows(name: str, parts: dict[str, str], reason: str) -> None:
    data = _package(parts)  # type: ignore[arg-type]
    r = _row(data, name)
    assert r.status == "failed" and reason in r.error and r.error.startswith(f"mem://{name}: "), r.error


def test_truncated_package_is_an_error_row() -> None:
    data = _package({"OFD.xml": _OFD, "Doc_0/Document.xml": _DOC})
    r = _row(data[: len(data) // 2], "cut.ofd")
    assert r.status == "failed" and "cut.ofd" in r.error
