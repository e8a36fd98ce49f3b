"""XLSX, XLS and Kingsoft ET spreadsheets → `Document`, with python-calamine.

Each visible sheet is read as a grid with its merged ranges as real spans. A sheet that holds a
whole report interleaves text and tables, so rows are split: a row whose only content is one
text cell across the sheet (a title, a heading, a paragraph) becomes a text block, a blank row
ends a table, and every other run of rows becomes one `Table`. Kingsoft .et files are BIFF
workbooks like .xls and take the same path. XLSX packages pass the zip/XML checks first.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .errors import DocumentTooLarge, MalformedDocument, NoContent
from .model import Block, Cell, Document, SourceRef, Table, TextBlock
from .ooxml import MiB, check_size, check_xml_parts, open_package

NAME = "sheets"
VERSION = "1.0.0"

MAX_BYTES = 100 * MiB
MAX_CELLS = 500_000
"""Cells of all sheets together; a report's tables have a few hundred."""
LONG_TEXT = 20
"""A lone text cell at least this long in the first column is a paragraph, not a table label."""

Value = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta


def value_to_text(value: Value) -> str:
    """A cell value as printed: 15.0 → "15", 397.619 → "397.619", dates in ISO form."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip() if isinstance(value, str) else str(value)


@dataclass(frozen=True, slots=True)
class _Anchor:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def sheet_to_blocks(rows: Sequence[Sequence[Value]], merges: Sequence[tuple[tuple[int, int], tuple[int, int]]],
                    *, first_index: int = 0) -> list[Block]:
    """One sheet's values (from A1) and merged ranges → text blocks and tables in row order."""
    n_rows = len(rows)
    n_cols = max((len(r) for r in rows), default=0)
    text = [[value_to_text(r[c]) if c < len(r) else "" for c in range(n_cols)] for r in rows]
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    anchors: dict[tuple[int, int], _Anchor] = {}
    for (r0, c0), (r1, c1) in merges:
        if r0 >= n_rows or c0 >= n_cols:
            continue
        r1, c1 = min(r1, n_rows - 1), min(c1, n_cols - 1)
        anchors[(r0, c0)] = _Anchor(r0, c0, text[r0][c0], r1 - r0 + 1, c1 - c0 + 1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered[(r, c)] = (r0, c0)
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) not in covered and (r, c) not in anchors:
                anchors[(r, c)] = _Anchor(r, c, text[r][c])
    used = [c for (_, c), a in anchors.items() if a.text] or [0]
    left = min(used)
    right = max((a.col + a.colspan - 1 for a in anchors.values() if a.text or a.colspan > 1), default=left)
    width = right - left + 1

    blocks: list[Block] = []
    region: list[int] = []
    n_tables = first_index

    def flush() -> None:
        nonlocal region, n_tables
        if region:
            blocks.append(_table(region, anchors, n_tables))
            n_tables += 1
            region = []

    for r in range(n_rows):
        starts = [anchors[(r, c)] for c in range(n_cols) if (r, c) in anchors]
        filled = [a for a in starts if a.text]
        from_above = any((r, c) in covered and covered[(r, c)][0] < r for c in range(n_cols))
        if not filled and not from_above:
            flush()
            continue
        if not from_above and len(filled) == 1 and _is_text_row(filled[0], left, width):
            flush()
            blocks.append(TextBlock(text=filled[0].text, kind="paragraph"))
            continue
        region.append(r)
    flush()
    return blocks


def _is_text_row(a: _Anchor, left: int, width: int) -> bool:
    if a.rowspan > 1 or _numeric(a.text):
        return False
    if a.col == left and a.colspan >= width:
        return True
    return a.col == left and a.colspan == 1 and len(a.text) >= LONG_TEXT


def _numeric(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _table(region: list[int], anchors: dict[tuple[int, int], _Anchor], index: int) -> Table:
    top, bottom = region[0], region[-1]
    rows = set(region)
    inside = [a for (r, _), a in anchors.items() if r in rows]
    printed = [a for a in inside if a.text or a.colspan > 1 or a.rowspan > 1] or inside
    left = min(a.col for a in printed)
    right = max(a.col + a.colspan for a in printed)
    inside = [a for a in inside if left <= a.col < right]  # empty columns beside the table are not part of it
    cells = tuple(Cell(row=a.row - top, col=a.col - left, text=a.text, rowspan=min(a.rowspan, bottom - a.row + 1),
                       colspan=a.colspan) for a in sorted(inside, key=lambda a: (a.row, a.col)))
    return Table(cells=cells, n_rows=bottom - top + 1, n_cols=right - left, index=index)


class SheetExtractor:
    name = NAME
    version = VERSION

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        check_size(data, source=source.uri, limit=MAX_BYTES, what="spreadsheet")
        if data[:4] == b"PK\x03\x04":
            with open_package(data, source=source.uri, what="XLSX") as zf:
                check_xml_parts(zf, source=source.uri)
        blocks = workbook_to_blocks(data, source=source.uri)
        if not blocks:
            raise NoContent(source.uri, "every sheet of the workbook is empty")
        return Document(source=source, blocks=tuple(blocks), extractor=NAME, extractor_version=VERSION)


def workbook_to_blocks(data: bytes, *, source: str) -> list[Block]:
    """Blocks of every visible sheet in workbook order."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise MalformedDocument(source, "password-protected (encrypted) workbook: it cannot be read without "
                                "the password") from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise MalformedDocument(source, f"not a readable XLSX/XLS/ET workbook ({type(exc).__name__}: {exc})") from exc
    blocks: list[Block] = []
    total = 0
    with wb:
        for meta in wb.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible:
                continue
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                end = sheet.end
                if end is None:
                    continue
                total += (end[0] + 1) * (end[1] + 1)
                if total > MAX_CELLS:
                    raise DocumentTooLarge(source, f"workbook holds over {MAX_CELLS:,} cells")
                rows = sheet.to_python(skip_empty_area=False)
                merges = sheet.merged_cell_ranges or []
            except CalamineError as exc:
                raise MalformedDocument(source, f"sheet {meta.name!r} does not read ({exc})") from exc
            n_tables = sum(isinstance(b, Table) for b in blocks)
            blocks += sheet_to_blocks(rows, merges, first_index=n_tables)
    return blocks
