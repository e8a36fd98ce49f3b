"""Tables-only 统计表 workbooks, as agencies attach them: one sheet per table, no title row.

Merged ranges follow the printed template (the corner note over 3×3, 申请人情况 over seven columns,
三、本年度办理结果 down the result rows). Numbers are written as numbers (the cell type a clerk's
Excel keeps), so what openpyxl reads back is the truth itself.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

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

SHEET_NAMES = {"t2": "主动公开政府信息情况", "t3": "收到和处理政府信息公开申请情况", "t4": "行政复议、行政诉讼情况"}


def _number(raw: str) -> int | float:
    return float(raw) if "." in raw else int(raw)


def _t2_sheet(ws: Worksheet, report: ModelReport) -> None:
    r = 1
    for caption, cols, data in T2_BLOCKS:
        ws.cell(r, 1, caption)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        ws.cell(r + 1, 1, "信息内容")
        for j, c in enumerate(cols if len(cols) == 3 else cols[:1]):
            ws.cell(r + 1, 2 + j, T2_HEADERS[c])
        if len(cols) == 1:
            ws.merge_cells(start_row=r + 1, start_column=2, end_row=r + 1, end_column=4)
        r += 2
        for code, label in data:
            ws.cell(r, 1, label)
            for j, c in enumerate(cols):
                ws.cell(r, 2 + j, _number(report.raw[("t2", code, c)]))
            if len(cols) == 1:
                ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
            r += 1


def _t3_sheet(ws: Worksheet, report: ModelReport) -> None:
    ws.cell(1, 1, T3_NOTE)
    ws.merge_cells("A1:C3")
    ws.cell(1, 4, "申请人情况")
    ws.merge_cells("D1:J1")
    ws.cell(2, 4, "自然人")
    ws.merge_cells("D2:D3")
    ws.cell(2, 5, "法人或其他组织")
    ws.merge_cells("E2:I2")
    ws.cell(2, 10, "总计")
    ws.merge_cells("J2:J3")
    for j, label in enumerate(T3_ORG_LABELS):
        ws.cell(3, 5 + j, label)
    r = 4
    for code, label in T3_TOP:
        _t3_row(ws, r, report, code, label, whole=True)
        r += 1
    ws.cell(r, 1, T3_RESULT_LABEL)
    ws.merge_cells(start_row=r, start_column=1, end_row=r + len(T3_RESULT_ROWS) - 1, end_column=1)
    group_start: dict[str, int] = {}
    for code, label, group in T3_RESULT_ROWS:
        if group:
            if group not in group_start:
                group_start[group] = r
                ws.cell(r, 2, group)
            ws.cell(r, 3, label)
        else:
            ws.cell(r, 2, label)
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        _t3_row(ws, r, report, code, "", whole=False)
        r += 1
    for group, start in group_start.items():
        size = sum(1 for _, _, g in T3_RESULT_ROWS if g == group)
        ws.merge_cells(start_row=start, start_column=2, end_row=start + size - 1, end_column=2)
    code, label = T3_CARRY_OUT
    _t3_row(ws, r, report, code, label, whole=True)


def _t3_row(ws: Worksheet, r: int, report: ModelReport, code: str, label: str, *, whole: bool) -> None:
    if whole:
        ws.cell(r, 1, label)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
    for j, col in enumerate(T3_COLS):
        ws.cell(r, 4 + j, _number(report.raw[("t3", code, col)]))


def _t4_sheet(ws: Worksheet, report: ModelReport) -> None:
    ws.cell(1, 1, "行政复议")
    ws.merge_cells("A1:E1")
    ws.cell(1, 6, "行政诉讼")
    ws.merge_cells("F1:O1")
    for j, label in enumerate(T4_COL_LABELS):
        ws.cell(2, 1 + j, label)
        ws.merge_cells(start_row=2, start_column=1 + j, end_row=3, end_column=1 + j)
    ws.cell(2, 6, "未经复议直接起诉")
    ws.merge_cells("F2:J2")
    ws.cell(2, 11, "复议后起诉")
    ws.merge_cells("K2:O2")
    for j, label in enumerate(T4_COL_LABELS * 2):
        ws.cell(3, 6 + j, label)
    for i, row in enumerate(T4_ROWS):
        for j, col in enumerate(T4_COLS):
            ws.cell(4, 1 + 5 * i + j, _number(report.raw[("t4", row, col)]))


WRITERS = {"t2": _t2_sheet, "t3": _t3_sheet, "t4": _t4_sheet}


def tables_workbook(report: ModelReport, tables: Sequence[str]) -> bytes:
    """An XLSX holding only `tables` (one sheet each, in that order): no title, no narrative."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in tables:
        WRITERS[name](wb.create_sheet(SHEET_NAMES[name]), report)
    wb.properties.creator = "Administrator"
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 1, 20, 8, 0, 0)
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same OOXML package with fixed member times and `modified` stamp (openpyxl and python-docx
    stamp the wall clock), so the bytes, and the report id, repeat."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 20, 8, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl writes `modified` as the time of saving
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-20T08:00:00Z", body)
            dst.writestr(fixed, body)
    return out.getvalue()
