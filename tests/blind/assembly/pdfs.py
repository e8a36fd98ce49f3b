"""PDF renderings with a text layer (reportlab): a tables-only 统计表 attachment, a 全真版, a blank shell.

The font is reportlab's Adobe-GB1 CID font `STSong-Light` (not embedded; any PDF reader maps it
through the standard UniGB cmap): the Noto CJK faces on this machine are CFF-outlined collections,
which reportlab cannot embed. Tables are ruled grids with the template's spans; long row labels wrap
inside their cell, as in the PDFs agencies print from Word/WPS.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tests.blind.assembly.model import (
    T2_BLOCKS,
    T2_HEADERS,
    T3_CARRY_OUT,
    T3_COLS,
    T3_NOTE,
    T3_ORG_LABELS,
    T3_RESULT_LABEL,
    T3_RESULT_ROWS,
    T3_TOP,
    T4_COL_LABELS,
    T4_COLS,
    T4_ROWS,
    ModelReport,
)

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5, alignment=1)
LABEL = ParagraphStyle("label", fontName=FONT, fontSize=7.5, leading=9.5)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, firstLineIndent=21)
HEAD = ParagraphStyle("head", fontName=FONT, fontSize=11, leading=18)
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=24, alignment=1)
GRID = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("ALIGN", (0, 0), (-1, -1), "CENTER")]


def _p(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(text, style)


def table2_flowable(report: ModelReport) -> Table:
    """Table 2 as a ruled 4-column grid of four blocks."""
    data: list[list[object]] = []
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    for caption, cols, rows in T2_BLOCKS:
        spans.append(("SPAN", (0, len(data)), (3, len(data))))
        data.append([_p(caption), "", "", ""])
        if len(cols) == 3:
            data.append([_p("信息内容"), *(_p(T2_HEADERS[c]) for c in cols)])
        else:
            spans.append(("SPAN", (1, len(data)), (3, len(data))))
            data.append([_p("信息内容"), _p(T2_HEADERS[cols[0]]), "", ""])
        for code, label in rows:
            if len(cols) == 3:
                data.append([_p(label), *(report.raw[("t2", code, c)] for c in cols)])
            else:
                spans.append(("SPAN", (1, len(data)), (3, len(data))))
                data.append([_p(label), report.raw[("t2", code, cols[0])], "", ""])
    return Table(data, colWidths=[40 * mm, 45 * mm, 45 * mm, 45 * mm], style=TableStyle(GRID + spans))


def table3_flowable(report: ModelReport) -> Table:
    """Table 3: three label columns (三 down the result rows, the groups down their items), seven numbers."""
    data: list[list[object]] = [
        [_p(T3_NOTE), "", "", _p("申请人情况"), "", "", "", "", "", ""],
        ["", "", "", _p("自然人"), _p("法人或其他组织"), "", "", "", "", _p("总计")],
        ["", "", "", "", *(_p(x) for x in T3_ORG_LABELS), ""],
    ]
    spans = [("SPAN", (0, 0), (2, 2)), ("SPAN", (3, 0), (9, 0)), ("SPAN", (3, 1), (3, 2)),
             ("SPAN", (4, 1), (8, 1)), ("SPAN", (9, 1), (9, 2))]

    def numbers(code: str) -> list[object]:
        return [report.raw[("t3", code, c)] for c in T3_COLS]

    for code, label in T3_TOP:
        spans.append(("SPAN", (0, len(data)), (2, len(data))))
        data.append([_p(label, LABEL), "", "", *numbers(code)])
    first = len(data)
    spans.append(("SPAN", (0, first), (0, first + len(T3_RESULT_ROWS) - 1)))
    starts: dict[str, int] = {}
    for code, label, group in T3_RESULT_ROWS:
        head: object = _p(T3_RESULT_LABEL) if len(data) == first else ""
        if not group:
            spans.append(("SPAN", (1, len(data)), (2, len(data))))
            data.append([head, _p(label, LABEL), "", *numbers(code)])
            continue
        shown = group not in starts
        starts.setdefault(group, len(data))
        data.append([head, _p(group) if shown else "", _p(label, LABEL), *numbers(code)])
    for group, start in starts.items():
        size = sum(1 for _, _, g in T3_RESULT_ROWS if g == group)
        spans.append(("SPAN", (1, start), (1, start + size - 1)))
    code, label = T3_CARRY_OUT
    spans.append(("SPAN", (0, len(data)), (2, len(data))))
    data.append([_p(label, LABEL), "", "", *numbers(code)])
    widths = [10 * mm, 18 * mm, 62 * mm, *([12.5 * mm] * 7)]
    return Table(data, colWidths=widths, style=TableStyle(GRID + spans))


def table4_flowable(report: ModelReport) -> Table:
    """Table 4: the 15-number row under its three header rows."""
    data: list[list[object]] = [
        [_p("行政复议"), "", "", "", "", _p("行政诉讼"), *([""] * 9)],
        [*(_p(x) for x in T4_COL_LABELS), _p("未经复议直接起诉"), "", "", "", "", _p("复议后起诉"), "", "", "", ""],
        ["", "", "", "", "", *(_p(x) for x in T4_COL_LABELS * 2)],
        [report.raw[("t4", row, col)] for row in T4_ROWS for col in T4_COLS],
    ]
    spans = [("SPAN", (0, 0), (4, 0)), ("SPAN", (5, 0), (14, 0)), ("SPAN", (5, 1), (9, 1)),
             ("SPAN", (10, 1), (14, 1)), *(("SPAN", (j, 1), (j, 2)) for j in range(5))]
    return Table(data, colWidths=[11.6 * mm] * 15, style=TableStyle(GRID + spans))


TABLES = {"t2": ("（一）主动公开政府信息情况", table2_flowable),
          "t3": ("（二）收到和处理政府信息公开申请情况", table3_flowable),
          "t4": ("（三）政府信息公开行政复议、行政诉讼情况", table4_flowable)}


def _build(flowables: Sequence[Flowable], *, title: str, author: str) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=title, author=author, creator="WPS 文字",
                            invariant=True)
    doc.build(list(flowables))
    return buf.getvalue()


def tables_pdf(report: ModelReport, tables: Sequence[str]) -> bytes:
    """A 统计表 attachment: each table under its caption, one per page, nothing else."""
    flow: list[Flowable] = []
    for i, name in enumerate(tables):
        caption, make = TABLES[name]
        if i:
            flow.append(PageBreak())
        flow += [_p(caption, HEAD), Spacer(1, 4 * mm), make(report)]
    return _build(flow, title="", author="")


def full_pdf(report: ModelReport) -> bytes:
    """The 全真版: title, the six parts with Tables 2–4 under 二–四, signature and date."""
    flow: list[Flowable] = [_p(report.title, TITLE), Spacer(1, 6 * mm)]
    under = {"proactive": "t2", "requests": "t3", "appeals": "t4"}
    for s in report.sections:
        flow.append(_p(s.heading, HEAD))
        flow += [_p(p, BODY) for p in s.paragraphs]
        if s.code in under:
            flow += [Spacer(1, 3 * mm), TABLES[under[s.code]][1](report), Spacer(1, 4 * mm)]
    year, month, day = (int(x) for x in report.published.split("-"))
    right = ParagraphStyle("right", parent=BODY, alignment=2, firstLineIndent=0)
    flow += [Spacer(1, 8 * mm), _p(report.agency, right), _p(f"{year}年{month}月{day}日", right)]
    return _build(flow, title=report.title, author=report.agency)


def blank_pdf() -> bytes:
    """An attachment shell: one empty page (what a failed upload or a placeholder leaves)."""
    return _build([Spacer(1, 10 * mm)], title="", author="")
