"""Unruled tables from generated PDFs (reportlab, no rules drawn): columns only by text alignment.

Labels that wrap onto a second line, a number that wraps in its narrow cell, a column left blank
in some rows, and a number piece with no number above it to continue (left alone, with a reason).
"""

from __future__ import annotations

import io

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from extractors.pages import Line, glyphs_to_lines
from extractors.pdf import pdf_to_pages
from extractors.unruled import UnruledTable, join_wrapped, rebuild

FONT = "STSong-Light"
SIZE = 9.0
PITCH = 14.8
BANDS = (260.0, 320.0, 380.0)
"""Right edges of the numeric columns (numbers are set flush right, as many agencies do)."""

Row = tuple[str, tuple[str, ...]]


def _pdf(lines: list[Row], *, left: tuple[float, ...] = (70.0,), top: float = 100.0) -> bytes:
    """One page; each line is label pieces (split on '|' over the `left` columns) and numbers per band."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842), invariant=1)
    c.setFont(FONT, SIZE)
    for i, (label, nums) in enumerate(lines):
        y = 842 - top - i * PITCH
        for x, piece in zip(left, label.split("|"), strict=False):
            if piece:
                c.drawString(x, y, piece)
        for x, num in zip(BANDS, nums, strict=False):
            if num:
                c.drawRightString(x, y, num)
    c.showPage()
    c.save()
    return buf.getvalue()


def _lines(data: bytes) -> list[Line]:
    ((page, _),) = list(pdf_to_pages(data, uri="mem:unruled.pdf"))
    return glyphs_to_lines(page.glyphs)


def _table(data: bytes) -> UnruledTable:
    (table,) = rebuild(_lines(data))
    return table


def test_wrapped_labels_join_their_row() -> None:
    data = _pdf([
        ("1.属于国家秘密", ("0", "1", "1")),
        ("2.其他法律行政法规禁", ("4", "0", "4")),
        ("止公开", ()),
        ("3.危及“三安全一稳", ("2", "0", "2")),
        ("定”", ()),
        ("4.保护第三方合法权益", ("7", "3", "10")),
    ])
    t = _table(data)
    assert len(t.bands) == 3
    assert [(r.label, r.cells) for r in t.rows] == [
        ("1.属于国家秘密", ("0", "1", "1")),
        ("2.其他法律行政法规禁止公开", ("4", "0", "4")),
        ("3.危及“三安全一稳定”", ("2", "0", "2")),
        ("4.保护第三方合法权益", ("7", "3", "10")),
    ]
    texts = [ln.text for ln in join_wrapped(_lines(data))]
    assert texts[1] == "2.其他法律行政法规禁止公开4 0 4"
    assert len(texts) == 4


def test_wrapped_labels_join_column_by_column() -> None:
    """A group cell and a leaf cell wrap on the same line: each piece goes on its own column."""
    data = _pdf([
        ("|（三）|1.属于国家秘密", ("0", "0", "0")),
        ("果|不予公|2.其他法律行政法规禁", ("5", "0", "5")),
        ("|开|止公开", ()),
        ("||3.危及安全稳定", ("1", "1", "2")),
    ], left=(70.0, 100.0, 150.0))
    rows = _table(data).rows
    assert rows[1].label == "果不予公开2.其他法律行政法规禁止公开"
    assert rows[1].cells == ("5", "0", "5")


def test_label_line_after_the_last_row_is_not_taken() -> None:
    """Only a label line between two rows is a wrap: one after the table is the next paragraph."""
    data = _pdf([
        ("规章", ("0", "0", "69")),
        ("行政规范性文件", ("5", "0", "9")),
        ("第二十条第（五）项", ()),
    ])
    assert [r.label for r in _table(data).rows] == ["规章", "行政规范性文件"]
    assert [ln.text for ln in join_wrapped(_lines(data))][-1] == "第二十条第（五）项"


def test_a_wrapped_number_is_joined_not_read_as_its_prefix() -> None:
    data = _pdf([
        ("行政许可", ("12", "3", "15")),
        ("行政处罚", ("", "1,3", "5")),
        ("", ("", "47", "")),
        ("行政强制", ("1", "0", "1")),
    ])
    rows = _table(data).rows
    assert [(r.label, r.cells) for r in rows] == [
        ("行政许可", ("12", "3", "15")),
        ("行政处罚", (None, "1,347", "5")),
        ("行政强制", ("1", "0", "1")),
    ]
    assert "行政处罚1,347 5" in [ln.text for ln in join_wrapped(_lines(data))]


def test_a_piece_under_an_empty_band_is_not_joined_and_says_why() -> None:
    data = _pdf([
        ("行政许可", ("12", "3", "15")),
        ("行政处罚", ("4", "", "5")),
        ("", ("", "8", "")),
        ("行政强制", ("1", "0", "1")),
    ])
    rows = _table(data).rows
    assert rows[1].cells == ("4", None, "5")
    assert rows[1].reasons and "no number above it" in rows[1].reasons[0]
    assert all("8" not in (c or "") for r in rows for c in r.cells)


def test_a_column_with_blanks_keeps_every_value_in_its_band() -> None:
    data = _pdf([
        ("自然人", ("89", "", "89")),
        ("法人或其他组织", ("", "6", "6")),
        ("其他", ("3", "", "3")),
        ("总计", ("92", "6", "98")),
    ])
    t = _table(data)
    assert len(t.bands) == 3
    assert [r.cells for r in t.rows] == [
        ("89", None, "89"),
        (None, "6", "6"),
        ("3", None, "3"),
        ("92", "6", "98"),
    ]


def test_prose_with_numbers_is_left_alone() -> None:
    data = _pdf([("全年共收到申请89件，办结86件。", ()), ("结转下年度继续办理3件。", ())])
    assert rebuild(_lines(data)) == []
    assert [ln.text for ln in join_wrapped(_lines(data))] == ["全年共收到申请89件，办结86件。", "结转下年度继续办理3件。"]
