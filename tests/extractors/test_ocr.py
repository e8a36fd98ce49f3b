"""Offline OCR of scans: generated reports printed to image-only PDFs (150–200 dpi, skewed, speckled,
JPEG'd) and a table page as a PNG attachment, read back against the generator's truth."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from extractors import Member, SourceRef, Table
from extractors.model import Cell, Document, TextBlock
from extractors.ocr import ImageExtractor, OcrBox, _ink_crop, find_rules, skew_angle, split_at_rules
from extractors.pdf import PdfExtractor
from pipeline.normalise.document import normalise
from pipeline.normalise.report import Report
from pipeline.runs.process import process_item
from tests.generator import GeneratedReport, hostile
from tests.generator.pdf import cached_pdf_corpus
from tests.generator.scan import scan_pdf, scan_png, scan_style
from tests.truth import compare, hard_failures

SCANNED = ("g0005", "g0010")
"""A hybrid report at 150 dpi skewed ~1°, and a 2021 report whose Table 3 rows break across pages."""


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[GeneratedReport, bytes, Report, Document]]:
    reports, pdfs = cached_pdf_corpus(tmp_path_factory)
    out = []
    for g in reports:
        if g.key in SCANNED:
            data = scan_pdf(g, pdfs[g.key])
            src = SourceRef(uri=f"gen://{g.key}.scan.pdf", sha256=hashlib.sha256(data).hexdigest())
            doc = PdfExtractor().extract(data, source=src)
            out.append((g, data, normalise(doc, media_type="application/pdf"), doc))
    return out


def _exact(scans: list[tuple[GeneratedReport, bytes, Report, Document]]) -> tuple[int, int, list[str]]:
    total = exact = 0
    wrong: list[str] = []
    for g, _, r, _ in scans:
        n, problems = compare(g, r, set())
        total += len(g.cells)
        exact += n
        if not {c.rule for c in r.checks if c.severity == "hard" and c.status == "fail"}:
            wrong += [f"{g.key} {p}" for p in problems if p.startswith("WRONG")]
    return exact, total, wrong


@pytest.mark.slow
def test_scans_never_wrong_when_checks_pass_and_metadata_right(
        scans: list[tuple[GeneratedReport, bytes, Report, Document]]) -> None:
    _, _, wrong = _exact(scans)
    assert not wrong, wrong
    for g, _, r, _ in scans:
        assert hard_failures(r) == set(g.violations), g.key
        assert (r.agency, r.report_year, r.published) == (g.agency, g.report_year, g.published), g.key
        assert [s.code for s in r.sections] == ["overview", "proactive", "requests", "appeals", "problems", "other"]
        assert all(c.reason for c in r.cells if c.value is None and c.flag not in {"slash", "blank"})


@pytest.mark.slow
def test_scans_cells_exact_target(scans: list[tuple[GeneratedReport, bytes, Report, Document]]) -> None:
    exact, total, _ = _exact(scans)
    assert exact >= 0.995 * total, f"{exact}/{total} cells exact"


@pytest.mark.slow
def test_scans_are_image_only_and_read_by_ocr(scans: list[tuple[GeneratedReport, bytes, Report, Document]]) -> None:
    import io

    import pdfplumber

    for g, data, _, doc in scans:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            assert not any(p.chars for p in pdf.pages), "a scan has no text layer"
        tables = [b for b in doc.blocks if isinstance(b, Table)]
        assert tables and all(t.method == "ocr" for t in tables)
        confidences = [c.confidence for t in tables for c in t.cells if c.text]
        assert all(0.0 <= c <= 1.0 for c in confidences) and min(confidences) < 1.0
        assert "+ocr" in doc.extractor_version
        assert abs(scan_style(g).skew) <= 1.2


@pytest.mark.slow
def test_table_pasted_as_png(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A Table 3 page as an image attachment: every value read is right."""
    reports, pdfs = cached_pdf_corpus(tmp_path_factory)
    g = next(x for x in reports if x.key == "g0003")
    png = scan_png(g, pdfs[g.key], page=3)
    doc = ImageExtractor().extract(png, source=SourceRef(uri="gen://t3.png", sha256="0"))
    assert doc.tables and doc.tables[0].method == "ocr"
    # An attachment holds the table only: the report around it gives the title.
    r = normalise(replace(doc, blocks=(TextBlock(text=g.title, kind="heading"), *doc.blocks)))
    got = {(c.row, c.col): c.value for c in r.cells if c.table == "t3" and c.value is not None}
    assert len(got) >= 100
    for (row, col), value in got.items():
        assert value == g.cells[("t3", row, col)], (row, col)


def test_skew_is_measured() -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    img = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(img)
    for y in range(100, 800, 40):
        draw.line((100, y, 1100, y), fill=0, width=2)
    ink = 255 - np.asarray(img.rotate(1.5, fillcolor=255, resample=Image.Resampling.BILINEAR), dtype=np.uint8)
    assert abs(skew_angle((ink > 128).astype(np.uint8) * 255) + 1.5) <= 0.1


def _box(x0: float, y0: float, x1: float, y1: float, text: str = "字") -> OcrBox:
    return OcrBox(((x0, y0), (x1, y0), (x1, y1), (x0, y1)), text, 1.0)


def test_short_column_rules_under_a_box_across_cells_are_found() -> None:
    """A header row cut by a page break: one line of text between its borders, and the detector's
    box runs over two column rules. They are rules; a character's stroke from border to border
    (with the character's other strokes beside it) is not."""
    import numpy as np

    gray = np.full((120, 420), 255, dtype=np.uint8)
    gray[30:32, 20:400] = gray[62:64, 20:400] = 0  # the row's borders
    for x in (20, 120, 220, 398):
        gray[30:64, x:x + 2] = 0
    gray[30:64, 300:302] = 0  # a stroke touching both borders, crossed by three strokes
    for y in (38, 46, 54):
        gray[y:y + 2, 288:314] = 0
    boxes = [_box(90, 28, 250, 66), _box(280, 28, 330, 66)]
    verticals = sorted(round(r.x0) for r in find_rules(gray, boxes, 25.0) if not r.horizontal)
    assert verticals == [21, 121, 221, 399]


def test_text_strokes_run_together_are_not_a_horizontal_rule() -> None:
    """Bold or blurred type joins the strokes of neighbouring characters into a long line; within
    one text box it is text. The table's border runs on beyond the box."""
    import numpy as np

    gray = np.full((120, 420), 255, dtype=np.uint8)
    gray[20:22, 20:400] = gray[90:92, 20:400] = 0
    gray[20:92, 20:22] = gray[20:92, 398:400] = 0
    gray[60:62, 100:190] = 0  # the bottom strokes of 二项 run together
    lines = find_rules(gray, [_box(90, 40, 260, 70)], 25.0)
    assert sorted(round(r.top) for r in lines if r.horizontal) == [21, 91]


def test_a_numbers_reading_does_not_depend_on_the_other_cells() -> None:
    """The score moves with the white a crop is padded with: a cell padded to the width of the
    widest cell read with it would score differently on another page."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from extractors.ocr import RapidEngine

    def crop(text: str) -> np.ndarray:
        img = Image.new("L", (20 + 22 * len(text), 52), 255)
        ImageDraw.Draw(img).text((10, 6), text, fill=0, font=ImageFont.load_default(34))
        return np.asarray(img, dtype=np.uint8)

    engine = RapidEngine()
    alone = engine.read_numbers([crop("27")])
    assert alone[0][0] == "27"
    assert engine.read_numbers([crop("27"), crop("1234567890" * 3)])[0] == alone[0]


def test_number_with_a_speck_read_as_a_mark_is_read_again() -> None:
    from extractors.ocr import _digit_like

    assert _digit_like("0°") and _digit_like("9、") and _digit_like("0\n..") and _digit_like("12")
    assert not _digit_like("（一）") and not _digit_like("总计") and not _digit_like("..")


def test_split_box_drops_the_piece_over_a_neighbour() -> None:
    """The detector's box over a rule also takes in the edge of the next cell's text, which a box
    of its own reads already: that piece is not read again."""
    import numpy as np

    from extractors.pages import Rule

    class Lines:
        def read(self, image: object) -> list[OcrBox]:
            return []

        def read_numbers(self, crops: object) -> list[tuple[str, float]]:
            return []

        def read_lines(self, crops: list[object]) -> list[tuple[str, float]]:
            return [("其他", 0.99) for _ in crops]

    gray = np.full((60, 400), 255, dtype=np.uint8)
    whole, across = _box(10, 10, 100, 40, "结果"), _box(80, 10, 300, 40, "其他尚")
    out = split_at_rules(gray, [whole, across], [Rule(x0=105, top=5, x1=105, bottom=45)], Lines())
    assert out[0] == whole and len(out) == 2
    assert out[1].text == "其他" and min(p[0] for p in out[1].quad) > 105


def test_speck_in_a_zero_is_painted_out_and_a_decimal_point_kept() -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    def cell(*marks: tuple[int, int, int, int], zero: bool = True) -> np.ndarray:
        img = Image.new("L", (80, 60), 255)
        draw = ImageDraw.Draw(img)
        if zero:
            draw.ellipse((30, 10, 50, 50), outline=0, width=3)
        else:
            draw.rectangle((20, 15, 23, 45), fill=0)
            draw.rectangle((50, 15, 53, 45), fill=0)
        for m in marks:
            draw.rectangle(m, fill=0)
        return np.asarray(img, dtype=np.uint8)

    box = (0, 0, 80, 60)
    clean = _ink_crop(cell(), box, 25.0)
    specked = _ink_crop(cell((49, 49, 50, 50)), box, 25.0)
    assert clean is not None and specked is not None and np.array_equal(clean, specked)
    no_point = _ink_crop(cell(zero=False), box, 25.0)
    point = _ink_crop(cell((36, 43, 38, 45), zero=False), box, 25.0)
    assert no_point is not None and point is not None and int(point.min()) == 0
    assert (point < 128).sum() > (no_point < 128).sum()


def _row(data: bytes, name: str) -> Report:
    return process_item(Member(data=data, source=SourceRef(uri=f"mem://{name}", sha256=hashlib.sha256(data).hexdigest())))


def test_hostile_images_end_as_clear_error_rows() -> None:
    huge = _row(hostile.huge_png(), "huge.png")
    assert (huge.status == "failed" and "20000×20000" in huge.error) or "too large" in huge.error, huge.error
    broken = _row(hostile.huge_png(40)[:30], "cut.png")
    assert broken.status == "failed" and broken.error.startswith("mem://cut.png: "), broken.error


def test_pipeline_keeps_ocr_method_and_confidence() -> None:
    labels = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"]
    cells = [Cell(row=0, col=0, text="申请人情况", colspan=8)]
    cells += [Cell(row=1, col=c + 1, text=t) for c, t in enumerate(
        ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"])]
    for r, label in enumerate(labels, start=2):
        cells.append(Cell(row=r, col=0, text=label))
        cells += [Cell(row=r, col=c, text="3", confidence=0.99 if c != 1 else 0.41) for c in range(1, 8)]
    table = Table(cells=tuple(cells), n_rows=4, n_cols=8, method="ocr")
    doc = Document(source=SourceRef(uri="mem://t", sha256="1"), blocks=(
        TextBlock(text="某局2023年政府信息公开工作年度报告", kind="heading"),
        TextBlock(text="三、收到和处理政府信息公开申请情况", kind="heading"), table))
    r = normalise(doc)
    sure = next(c for c in r.cells if (c.row, c.col) == ("t3.r1", "biz"))
    unsure = next(c for c in r.cells if (c.row, c.col) == ("t3.r1", "np"))
    assert sure.method == "ocr" and sure.confidence == 0.99 and sure.value == 3
    assert unsure.value is None and unsure.confidence == 0.41 and "OCR" in unsure.reason


def test_unsure_mark_is_not_taken_for_a_printed_slash() -> None:
    """The engine mistakes "1" for "/" (which counts as 0 in the identities): an unsure "/" is
    null with a reason, a sure one is a slash."""
    cells = [Cell(row=0, col=0, text="信息内容"), Cell(row=0, col=1, text="本年制发件数"),
             Cell(row=0, col=2, text="本年废止件数"), Cell(row=0, col=3, text="现行有效件数"),
             Cell(row=1, col=0, text="规章"), Cell(row=1, col=1, text="/", confidence=0.7),
             Cell(row=1, col=2, text="/", confidence=0.97), Cell(row=1, col=3, text="2", confidence=0.99)]
    doc = Document(source=SourceRef(uri="mem://t", sha256="1"), blocks=(
        TextBlock(text="某局2023年政府信息公开工作年度报告", kind="heading"),
        TextBlock(text="二、主动公开政府信息情况", kind="heading"), TextBlock(text="第二十条第（一）项"),
        Table(cells=tuple(cells), n_rows=2, n_cols=4, method="ocr")))
    got = {c.col: c for c in normalise(doc).cells if c.row == "t2.i1.reg"}
    assert (got["issued"].value, got["issued"].flag) == (None, "ambiguous") and "OCR" in got["issued"].reason
    assert (got["repealed"].value, got["repealed"].flag) == (None, "slash")
    assert got["in_force"].value == 2


def test_number_reread_keeps_a_lone_mark() -> None:
    """A cell re-read with digits only that holds just "/" keeps it, not a "?"."""
    import numpy as np

    from extractors.ocr import reread_numbers
    from extractors.pages import Glyph, Page, Rule

    class Marks:
        def read(self, image: object) -> list[OcrBox]:
            return []

        def read_numbers(self, crops: list[object]) -> list[tuple[str, float]]:
            return [("/", 0.7), ("5.", 0.99)][:len(crops)]

        def read_lines(self, crops: object) -> list[tuple[str, float]]:
            return []

    gray = np.full((100, 300), 255, dtype=np.uint8)
    gray[20:22, 10:290] = gray[78:80, 10:290] = 0
    for x in (10, 150, 288):
        gray[20:80, x:x + 2] = 0
    gray[35:65, 70:72] = gray[35:65, 210:214] = 0  # the ink in each cell
    rules = (Rule(x0=10, top=21, x1=290, bottom=21), Rule(x0=10, top=79, x1=290, bottom=79),
             *(Rule(x0=x + 1, top=20, x1=x + 1, bottom=80) for x in (10, 150, 288)))
    glyphs = (Glyph(text="1", x0=65, top=35, x1=77, bottom=65, size=30, conf=0.5),
              Glyph(text="5", x0=205, top=35, x1=219, bottom=65, size=30, conf=0.9))
    page = reread_numbers(Page(number=1, width=300, height=100, glyphs=glyphs, rules=rules, method="ocr"),
                          gray, 1.0, Marks())
    assert sorted((g.text, round(g.conf, 2)) for g in page.glyphs) == [("/", 0.7), ("5", 0.89)]
