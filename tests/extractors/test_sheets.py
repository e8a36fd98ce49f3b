"""XLSX/XLS workbooks → Document → Report against the generator's truth, and hostile workbooks.

The generated reports are saved as XLSX (whole report on one sheet, or the text on one sheet and
each statistical table on its own), and a few are converted to XLS (BIFF8, the format of Kingsoft
.et files too) by one LibreOffice run.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path
from typing import Literal

import pytest

from extractors import MalformedDocument, Member, SourceRef, sniff
from extractors.errors import DocumentTooLarge
from extractors.office import find_soffice
from extractors.sheets import SheetExtractor, sheet_to_blocks, value_to_text
from pipeline.normalise.document import normalise
from pipeline.runs.process import process_item
from tests.conftest import report_of
from tests.generator import GeneratedReport, generate
from tests.generator.word import BILLION_LAUGHS, libreoffice_convert, render_xlsx, with_part, zip_bomb
from tests.truth import assert_matches_truth

N = 24
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS = "application/vnd.ms-excel"


def mode(i: int) -> Literal["one", "per_table"]:
    return "one" if i % 2 == 0 else "per_table"


@cache
def corpus() -> list[tuple[GeneratedReport, bytes]]:
    return [(g, render_xlsx(g, sheets=mode(i))) for i, g in enumerate(generate(seed=47, n=N))]


def source(data: bytes, uri: str) -> SourceRef:
    return SourceRef(uri=uri, sha256=hashlib.sha256(data).hexdigest(), media_type=sniff(data))


def test_generated_xlsx_corpus_every_cell_exact() -> None:
    total = 0
    for g, data in corpus():
        assert sniff(data) == XLSX
        r = report_of(data, uri=f"gen://{g.key}.xlsx")
        assert r.extractor == "sheets"
        total += assert_matches_truth(g, r)
    assert total == sum(len(g.cells) for g, _ in corpus())
    assert {g.era for g, _ in corpus()} == {"2021", "2019", "hybrid"}


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed; `make sysdeps`")
def test_xls_converted_by_libreoffice_every_cell_exact(tmp_path: Path) -> None:
    picked = corpus()[:6]
    paths = []
    for g, data in picked:
        path = tmp_path / f"{g.key}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    outs = libreoffice_convert(paths, "xls", tmp_path / "xls")
    for (g, _), out in zip(picked, outs, strict=True):
        data = out.read_bytes()
        assert sniff(data) == XLS  # an OLE2 Workbook stream: how Kingsoft .et files sniff too
        doc = SheetExtractor().extract(data, source=source(data, f"gen://{g.key}.xls"))
        assert_matches_truth(g, normalise(doc, media_type=XLS))


def test_merged_ranges_are_spans_and_text_rows_are_blocks() -> None:
    g, data = corpus()[0]  # the whole report on one sheet
    doc = SheetExtractor().extract(data, source=source(data, "one.xlsx"))
    assert doc.text_blocks[0].text == g.title
    assert [b.text for b in doc.text_blocks if b.text in g.sections.values()] == list(g.sections.values())
    t2, t3, t4 = doc.tables
    assert (t2.n_cols, t3.n_cols, t4.n_cols) == (4, 10, 15)
    spans = {c.text: (c.row, c.col, c.rowspan, c.colspan) for c in t3.cells if not c.text.isdigit()}
    assert spans["申请人情况"] == (0, 3, 1, 7) and spans["自\n然\n人"] == (1, 3, 2, 1)
    assert spans["三、本年度办理结果"][2] == sum(1 for code in g.labels if code.startswith("t3.r3."))
    assert t4.cells[0].text == "行政复议" and t4.cells[0].colspan == 5


def test_a_blank_table_row_stays_in_the_table() -> None:
    # A label with empty value cells is a table row, not a paragraph; a lone long text is a paragraph.
    rows = [["报告标题", "", ""], ["", "", ""], ["信息内容", "本年制发件数", "本年废止件数"], ["规章", "", ""],
            ["这是一段很长的说明文字，写在第一列里面，没有合并单元格。", "", ""]]
    blocks = sheet_to_blocks(rows, [((0, 0), (0, 2))])
    assert [type(b).__name__ for b in blocks] == ["TextBlock", "Table", "TextBlock"]
    table = blocks[1]
    assert table.n_rows == 2 and [c.text for c in table.cells] == ["信息内容", "本年制发件数", "本年废止件数", "规章", "", ""]


@pytest.mark.parametrize(("value", "text"), [(15.0, "15"), (397.619, "397.619"), (24252.311082, "24252.311082"),
                                             ("75394432.52元", "75394432.52元"), (True, "TRUE"), (0.0, "0")])
def test_values_print_as_written(value: object, text: str) -> None:
    assert value_to_text(value) == text  # type: ignore[arg-type]


# --- hostile workbooks ------------------------------------------------------------------------------


def failed_row(data: bytes, uri: str) -> str:
    r = process_item(Member(data=data, source=source(data, uri)))
    assert r.status == "failed" and r.error.startswith(f"{uri}: "), r.error
    return r.error


def test_zip_bomb_workbook_is_refused() -> None:
    error = failed_row(zip_bomb(corpus()[0][1], name="xl/media/image1.png"), "bomb.xlsx")
    assert "zip bomb suspected" in error


def test_billion_laughs_workbook_is_refused() -> None:
    data = with_part(corpus()[0][1], "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    assert "xl/worksheets/sheet1.xml" in failed_row(data, "laughs.xlsx")


def test_truncated_workbook_is_a_clear_error() -> None:
    data = corpus()[0][1]
    with pytest.raises(MalformedDocument, match=r"cut\.xlsx: not a readable XLSX package \(truncated or corrupt"):
        SheetExtractor().extract(data[: len(data) // 2], source=source(data, "cut.xlsx"))


def test_truncated_workbook_is_a_clear_error_row() -> None:
    data = corpus()[0][1]
    assert "truncated or corrupt" in failed_row(data[: len(data) // 2], "cut.xlsx")


def test_encrypted_workbook_is_named() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(corpus()[0][1])).encrypt("secret", out)
    data = out.getvalue()
    with pytest.raises(MalformedDocument, match=r"locked\.xlsx: .*(password-protected|not a readable)"):
        SheetExtractor().extract(data, source=source(data, "locked.xlsx"))


def test_huge_workbook_is_refused_by_size() -> None:
    data = corpus()[0][1] + bytes(200 * 1024 * 1024)
    with pytest.raises(DocumentTooLarge, match=r"huge\.xlsx: spreadsheet of 209,"):
        SheetExtractor().extract(data, source=source(data, "huge.xlsx"))


def test_same_bytes_same_document() -> None:
    data = corpus()[1][1]
    assert SheetExtractor().extract(data, source=source(data, "a")) == SheetExtractor().extract(
        data, source=source(data, "a"))
