"""The generator's own truth, checked against independent readers (pdfplumber, the pixels, lxml, str)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from lxml import html as lxml_html
from PIL import Image

from .corpus import Corpus, build
from .model import T3_COLS, T3_LEAVES, T3_ROWS, T4_COLS, T4_ROWS, Report
from .scan import SCALE


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build(tmp_path_factory.mktemp("workbench-corpus"))


def failing(report: Report) -> set[str]:
    """Cells of every failing hard identity (T3-FLOW, T3-LEAF, T3-COL, T4-SUM) — computed here, not by model.py."""
    v = {c.key: c.value for c in report.cells}
    out: set[str] = set()
    for col in T3_COLS:
        flow = [f"t3/{r}/{col}" for r in ("t3.r1", "t3.r2", "t3.r3.7", "t3.r4")]
        if v[flow[0]] + v[flow[1]] != v[flow[2]] + v[flow[3]]:
            out.update(flow)
        leaf = [f"t3/{r}/{col}" for r in T3_LEAVES]
        if v[f"t3/t3.r3.7/{col}"] != sum(v[k] for k in leaf):
            out.update([*leaf, f"t3/t3.r3.7/{col}"])
    for row, _, _ in T3_ROWS:
        keys = [f"t3/{row}/{c}" for c in T3_COLS]
        if v[keys[-1]] != sum(v[k] for k in keys[:-1]):
            out.update(keys)
    for row in T4_ROWS:
        keys = [f"t4/{row}/{c}" for c in T4_COLS]
        if v[keys[-1]] != sum(v[k] for k in keys[:-1]):
            out.update(keys)
    return out


def test_every_report_has_all_cells_once_and_no_repeated_value(corpus: Corpus) -> None:
    for doc in corpus.reports():
        assert doc.report is not None
        keys = [c.key for c in doc.report.cells]
        raws = [c.raw for c in doc.report.cells]
        assert len(keys) == len(set(keys)) == 10 + 25 * 7 + 15, doc.file
        assert len(raws) == len(set(raws)), doc.file


def test_identities_hold_except_the_injected_error(corpus: Corpus) -> None:
    for doc in corpus.reports():
        assert doc.report is not None
        expected = corpus.involved if doc.file == corpus.error_doc else set()
        assert failing(doc.report) == expected, doc.file
    assert len(corpus.involved) == 7 + 22 - 1


def test_next_year_carries_over_and_copies_exactly_the_listed_sentences(corpus: Corpus) -> None:
    first, second = (corpus.docs[n].report for n in corpus.pair)
    assert first is not None and second is not None
    for col in T3_COLS:
        assert second.cell("t3", "t3.r2", col).value == first.cell("t3", "t3.r4", col).value
    s1 = {s for sec in first.sections for s in sec.sentences}
    s2 = {s for sec in second.sections for s in sec.sentences}
    assert s1 & s2 == set(corpus.copied) and len(corpus.copied) == 4
    assert set(corpus.not_copied) == (s1 | s2) - set(corpus.copied)


def test_pdf_truth_is_what_pdfplumber_reports(corpus: Corpus) -> None:
    for doc in (d for d in corpus.docs.values() if d.kind == "pdf"):
        assert doc.report is not None
        raw = {c.key: c.raw for c in doc.report.cells}
        with pdfplumber.open(corpus.folder / doc.file) as pdf:
            words = {p.page_number: p.extract_words() for p in pdf.pages}
        assert len(words) >= 2 and len(doc.pdf) == 200
        assert {p.page for p in doc.pdf} == {1, 2}  # Table 3 starts page 2
        for p in doc.pdf:
            hits = [w for w in words[p.page] if w["text"] == raw[p.cell]]
            assert len(hits) == 1, (doc.file, p)
            got = (hits[0]["x0"], hits[0]["top"], hits[0]["x1"], hits[0]["bottom"])
            assert got == pytest.approx(p.bbox, abs=0.01), (doc.file, p.cell)
            x0, top, x1, bottom = p.rect
            assert x0 < p.bbox[0] < p.bbox[2] < x1 and top < p.bbox[1] < p.bbox[3] < bottom


def _ink(img: Image.Image, rect: tuple[float, float, float, float]) -> tuple[int, int, int, int] | None:
    """Bounding box of dark pixels inside a cell, its ruled border (2 px) left out."""
    x0, top, x1, bottom = (round(rect[0]) + 4, round(rect[1]) + 4, round(rect[2]) - 4, round(rect[3]) - 4)
    box = img.crop((x0, top, x1, bottom)).point(lambda v: 255 if v < 128 else 0).getbbox()
    return None if box is None else (box[0] + x0, box[1] + top, box[2] + x0, box[3] + top)


def test_scan_truth_is_the_ink_of_the_digits(corpus: Corpus) -> None:
    doc = corpus.docs["liangxi_2022_scan.png"]
    with Image.open(corpus.folder / doc.file) as im:
        img = im.convert("L")
        assert im.info["dpi"] == pytest.approx((200, 200), abs=0.5)
    for t in doc.scan:
        ink = _ink(img, t.rect)
        assert ink is not None, t.cell
        assert ink == pytest.approx(t.bbox, abs=1), t.cell


def test_scan_pdf_is_the_same_image_in_points(corpus: Corpus) -> None:
    png = corpus.docs["liangxi_2022_scan.png"]
    with Image.open(corpus.folder / png.file) as im:
        w, h = im.size
    with pdfplumber.open(corpus.folder / "liangxi_2022_scan.pdf") as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert not page.extract_words()  # no text layer: a scan
        assert (page.width, page.height) == pytest.approx((w / SCALE, h / SCALE), abs=0.01)
        (image,) = page.images
        assert (image["x0"], image["top"], image["x1"], image["bottom"]) == pytest.approx(
            (0, 0, page.width, page.height), abs=0.01)
    first = png.scan[0].in_points()[0]
    assert first == pytest.approx(tuple(v * 72 / 200 for v in png.scan[0].bbox))


def _grid(table: lxml_html.HtmlElement) -> dict[tuple[int, int], tuple[int, int]]:
    """(tr, td) -> grid (row, col), spans expanded from the parsed markup."""
    taken: set[tuple[int, int]] = set()
    out = {}
    for r, tr in enumerate(table.findall("tr")):
        c = 0
        for d, td in enumerate(tr.findall("td")):
            while (r, c) in taken:
                c += 1
            out[r, d] = (r, c)
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            c += cs
    return out


@pytest.mark.parametrize("name", ["wujin_2022.html", "guangling_2022.html"])
def test_html_truth_names_the_td_that_holds_the_value(corpus: Corpus, name: str) -> None:
    doc = corpus.docs[name]
    assert doc.report is not None
    data = (corpus.folder / name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GBK
    tree = lxml_html.fromstring(data.decode("gbk"))
    tables = tree.xpath("//table")
    assert len(tables) == 3
    raw = {c.key: c.raw for c in doc.report.cells}
    grids = [_grid(t) for t in tables]
    for w in doc.html:
        td = tables[w.table].findall("tr")[w.tr].findall("td")[w.td]
        assert td.text_content().strip() == raw[w.cell]
        assert grids[w.table][w.tr, w.td] == (w.grid_row, w.grid_col)
        assert not any("t3" in v or "t2" in v or "t4" in v for v in td.attrib.values())  # nothing gives it away
    assert len(doc.html) == 200


def test_text_truth_slices_the_number(corpus: Corpus) -> None:
    doc = corpus.docs["chongchuan_2022.txt"]
    assert doc.report is not None
    text = (corpus.folder / doc.file).read_bytes().decode("utf-8")
    assert text == doc.text
    raw = {c.key: c.raw for c in doc.report.cells}
    for s in doc.spans:
        assert text[s.start:s.end] == raw[s.cell]
        line_start = text.rfind("\n", 0, s.start) + 1
        assert text[line_start:s.start] == s.before
        assert not text[s.end].isdigit() and not text[s.start - 1].isdigit()
    assert len(doc.spans) == 200


def test_broken_pdf_is_cut(corpus: Corpus) -> None:
    data = (corpus.folder / "broken.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" not in data


def test_build_is_deterministic(tmp_path: Path, corpus: Corpus) -> None:
    build(tmp_path)
    for name in corpus.docs:
        assert (tmp_path / name).read_bytes() == (corpus.folder / name).read_bytes(), name
