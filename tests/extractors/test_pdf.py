"""PDF extraction against ground truth: the real 洪泽 2024 report, a generated corpus converted by
LibreOffice from Word documents, and hostile files that must end as clear error rows."""

from __future__ import annotations

import hashlib
import io
import itertools

import pdfplumber
import pytest

from extractors import Member, SourceRef, Table
from extractors.pages import Glyph, Rule, rect_to_rules, segment_to_rule
from extractors.pdf import _BOLD, PdfExtractor, PdfLimits, _drawn, _flush, _is_white, glyph_estimate
from pipeline.normalise.report import Report
from pipeline.runs.process import process_item
from tests.conftest import fixture_bytes, report_of, values
from tests.generator import GeneratedReport, hostile
from tests.generator.pdf import cached_pdf_corpus, style_of
from tests.truth import assert_no_wrong, assert_report_right, np_only, t3_rows, t4_rows

HONGZE = "jiangsu_huaian_hongze_district_2024.pdf"


def extract(data: bytes, uri: str = "mem://doc.pdf") -> tuple[object, Report]:
    src = SourceRef(uri=uri, sha256=hashlib.sha256(data).hexdigest(), media_type="application/pdf")
    return PdfExtractor().extract(data, source=src), report_of(data, uri=uri)


@pytest.fixture(scope="module")
def hongze() -> Report:
    return report_of(fixture_bytes("pdf", HONGZE), uri=HONGZE)


# --- the real report ------------------------------------------------------------------------------

def test_hongze_table3_every_cell_as_transcribed(hongze: Report) -> None:
    assert hongze.template == "hybrid" and hongze.status == "ok"
    expected = t3_rows({"t3.r1": np_only(95), "t3.r3.1": np_only(50), "t3.r3.2": np_only(9),
                        "t3.r3.3.3": np_only(1), "t3.r3.3.6": np_only(1), "t3.r3.3.7": np_only(1),
                        "t3.r3.4.1": np_only(31), "t3.r3.4.2": np_only(1), "t3.r3.5.1": np_only(1),
                        "t3.r3.7": np_only(95)}, "2019")
    assert assert_no_wrong(hongze, "t3", expected) == len(expected) == 23 * 7


def test_hongze_tables_2_and_4(hongze: Report) -> None:
    t4 = t4_rows((1, 1, 0, 0, 2), (1, 0, 0, 0, 1), (2, 0, 1, 0, 3))
    assert assert_no_wrong(hongze, "t4", t4) == 15
    t2 = values(hongze, "t2")
    assert t2[("t2.i1.reg", "issued")] == t2[("t2.i1.reg", "repealed")] == t2[("t2.i1.reg", "in_force")] == 0
    assert (t2[("t2.i1.nds", "issued")], t2[("t2.i1.nds", "repealed")], t2[("t2.i1.nds", "in_force")]) == (3, 0, 8)
    assert (t2[("t2.i5.lic", "decisions")], t2[("t2.i6.pen", "decisions")], t2[("t2.i6.coe", "decisions")],
            t2[("t2.i8.fee", "amount_wan")]) == (9487, 2776, 84, 7545)
    assert not [c for c in hongze.checks if c.status != "pass" and c.severity == "hard"]


def test_hongze_metadata_and_sections(hongze: Report) -> None:
    assert hongze.title == "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"
    assert (hongze.agency, hongze.report_year, hongze.region_code) == ("淮安市洪泽区人民政府", 2024, "320813")
    assert [s.code for s in hongze.sections] == ["overview", "proactive", "requests", "appeals", "problems", "other"]
    other = next(s for s in hongze.sections if s.code == "other")
    assert "全年收取政府信息公开信息处理费0元" in other.text.replace(" ", "")


def test_hongze_document_shape() -> None:
    """Body text in WPS's invisible one-column boxes is text; Table 3 is one table over two pages
    with the page folio between them dropped, the spaced vertical label kept as one cell."""
    doc, _ = extract(fixture_bytes("pdf", HONGZE))
    tables = [b for b in doc.blocks if isinstance(b, Table)]  # type: ignore[attr-defined]
    assert [t.n_cols for t in tables] == [4, 10, 15]
    t3 = tables[1]
    assert {c.page for c in t3.cells} == {3, 4}
    texts = [c.text for c in t3.cells]
    assert "三、本年度办理结果" in [t.replace("\n", "") for t in texts]
    assert "2.其他法律行政止公开" in texts
    vertical = next(c for c in t3.cells if c.text.replace("\n", "") == "三、本年度办理结果")
    assert vertical.rowspan >= 20  # spans the result rows on both pages
    text = "\n".join(b.text for b in doc.blocks if not isinstance(b, Table))  # type: ignore[attr-defined]
    assert "- 3 -" not in text and "（三）政府信息管理情况" in text
    assert all(c.confidence == 1.0 for t in tables for c in t.cells)


def test_same_bytes_same_document() -> None:
    data = fixture_bytes("pdf", HONGZE)
    a, _ = extract(data)
    b, _ = extract(data)
    assert a == b


# --- the generated corpus (Word → LibreOffice → PDF) ----------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[GeneratedReport], dict[str, bytes]]:
    return cached_pdf_corpus(tmp_path_factory)


def test_generated_pdfs_every_cell_exact(corpus: tuple[list[GeneratedReport], dict[str, bytes]]) -> None:
    reports, files = corpus
    total = exact = 0
    for g in reports:
        r = report_of(files[g.key], uri=f"gen://{g.key}.pdf")
        exact += assert_report_right(g, r)
        total += len(g.cells)
    assert exact == total


def _t3_pages(pdf: bytes) -> list[int]:
    """Pages holding Table 3, found by pdfplumber alone (independent of our reconstructor)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = []
        for page in doc.pages:
            text = page.extract_text() or ""
            if "予以公开" in text or "结转下年度" in text or "本年新收" in text or "不予处理" in text:
                pages.append(page.page_number)
        return pages


def _cut_rows(pdf: bytes) -> int:
    """Data rows broken across a page: a continuation page whose first table row has the rest of a
    label and empty number cells (found with pdfplumber's own table finder, not ours)."""
    cuts = 0
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages[1:]:
            tables = page.find_tables()
            if not tables or tables[0].bbox[1] > 150:
                continue
            first = tables[0].extract()[0]
            empty = sum(1 for c in first if c == "")
            if empty >= 5 and any(c for c in first) and not any((c or "").strip().isdigit() for c in first):
                cuts += 1
    return cuts


def test_generated_corpus_has_the_promised_shapes(corpus: tuple[list[GeneratedReport], dict[str, bytes]]) -> None:
    reports, files = corpus
    crossing = [g.key for g in reports if len(_t3_pages(files[g.key])) >= 2]
    assert len(crossing) > len(reports) / 2, "Table 3 should cross a page break in most reports"
    assert any(style_of(g).repeat_header for g in reports if g.key in crossing)
    assert any(not style_of(g).repeat_header for g in reports if g.key in crossing)
    assert sum(_cut_rows(files[g.key]) for g in reports) >= 1, "some rows should break across pages"
    assert {g.era for g in reports} == {"2021", "2019", "hybrid"}


# --- hostile files ------------------------------------------------------------------------------

def _row(data: bytes, name: str) -> Report:
    src = SourceRef(uri=f"mem://{name}", sha256=hashlib.sha256(data).hexdigest())
    return process_item(Member(data=data, source=src))


@pytest.mark.parametrize(("name", "make", "reason"), [
    ("truncated.pdf", lambda: fixture_bytes("pdf", HONGZE)[:60_000], "truncated PDF"),
    ("encrypted.pdf", hostile.encrypted_pdf, "encrypted and needs a password"),
    ("xref-loop.pdf", hostile.xref_loop, "cross-reference structure loops"),
    ("10000-pages.pdf", hostile.many_pages, "10,000 pages (limit 2,000)"),
    ("huge-image.pdf", hostile.huge_image_pdf, "20000×20000 image"),
    ("glyph-bomb.pdf", hostile.glyph_bomb, "glyphs (limit 60,000)"),
])
def test_hostile_pdfs_end_as_clear_error_rows(name: str, make: object, reason: str) -> None:
    data = make()  # type: ignore[operator]
    r = _row(data, name)
    assert r.status == "failed"
    assert r.error.startswith(f"mem://{name}: ") and reason in r.error, r.error


def test_glyph_estimate_bounds_string_operands() -> None:
    assert glyph_estimate(b"BT (abc) Tj <414243> Tj [(a) 120 (bc)] TJ ET") == 3 + 3 + 3
    assert glyph_estimate(b"q BI /W 4 /H 1 ID (((((( EI Q BT (x) Tj ET") == 1


def _plumber_reading(page: object) -> tuple[list[Glyph], list[Rule]]:
    """The page model read from pdfplumber's public object dicts (``page.chars``, ``page.rects``…)."""
    p = page  # a pdfplumber Page
    glyphs = [Glyph(text=c["text"], x0=c["x0"], top=c["top"], x1=c["x1"], bottom=c["bottom"],
                    size=c["size"] or c["bottom"] - c["top"], bold=bool(_BOLD.search(c["fontname"])))
              for c in p.chars]  # type: ignore[attr-defined]
    rules = [r for ln in p.lines for a, b in itertools.pairwise(ln["pts"])  # type: ignore[attr-defined]
             if (r := segment_to_rule(a[0], a[1], b[0], b[1]))]
    for rc in p.rects:  # type: ignore[attr-defined]
        if rc["stroke"] or (rc["fill"] and not _is_white(rc["non_stroking_color"])):
            rules += rect_to_rules(rc["x0"], rc["top"], rc["x1"], rc["bottom"])
    rules += [r for cv in p.curves for a, b in itertools.pairwise(cv["pts"])  # type: ignore[attr-defined]
              if (r := segment_to_rule(a[0], a[1], b[0], b[1]))]
    return glyphs, rules


@pytest.mark.parametrize("mediabox", [None, (15, 25, 600, 850), (-30, -40, 580, 800)])
def test_page_model_reads_pdfminer_layout_as_pdfplumber_does(mediabox: tuple[int, ...] | None) -> None:
    """The page model reads pdfminer's layout objects directly; it must equal pdfplumber's object
    dicts to the last bit, also on pages whose MediaBox does not start at the origin."""
    import pypdfium2  # type: ignore[import-untyped]

    src = pypdfium2.PdfDocument(fixture_bytes("pdf", HONGZE))
    for i in range(len(src)):
        if mediabox:
            src[i].set_mediabox(*mediabox)
    buf = io.BytesIO()
    src.save(buf)
    n_glyphs = n_rules = 0
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            drawn = _drawn(page, "mem://doc.pdf", number, PdfLimits())
            glyphs, rules = _plumber_reading(page)
            assert (list(drawn.glyphs), list(drawn.rules)) == (glyphs, rules)
            assert len(drawn.images) == len(page.images)
            n_glyphs, n_rules = n_glyphs + len(glyphs), n_rules + len(rules)
    assert n_glyphs > 2000 and n_rules > 100


def test_flush_drops_streams_after_every_page_and_everything_past_the_bound() -> None:
    from pdfminer.pdftypes import PDFStream

    with pdfplumber.open(io.BytesIO(fixture_bytes("pdf", HONGZE))) as pdf:
        assert pdf.pages[0].layout._objs
        cached = pdf.doc._cached_objs
        assert any(isinstance(o, PDFStream) for o, _ in cached.values())
        _flush(pdf)
        assert cached and not any(isinstance(o, PDFStream) for o, _ in cached.values())
        _flush(pdf, max_objs=len(cached) - 1)
        assert not cached
