"""Grids → template cells, by row labels and column headers (never by the n-th number).

Rows of all the document's tables are walked in order, so a statistical table cut into several
grids (page breaks pasted into a CMS, PDF pages) continues with the header it already has. Header
rows set the column map; a data row's code comes from its most specific label cell, with the
labels of the spanning group cells as context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractors.model import Cell, Table

from .codebook import T3_COLS, aliases, unit_of
from .labels import norm
from .records import CellValue
from .template import T2_BLOCKS
from .values import parse_cell

_CAPTION = re.compile(r"第二十条第[(\[]?([一二三四五六七八九十])[)\]]?项")
_T4_ROW_PAT = (("t4.lit.rev", "复议后起诉"), ("t4.lit.dir", "直接起诉"), ("t4.rev", "行政复议"))


def _is_value(text: str) -> bool:
    return parse_cell(text).flag in {"number", "blank", "slash", "dash", "none"}


@lru_cache(maxsize=1 << 14)
def _match(table: str, axis: str, label: str) -> str | None:
    """The code whose longest alias occurs in `label` (aliases are sorted longest first)."""
    for code, alias in aliases(table, axis):
        if alias and alias in label:
            return code
    return None


def _row_code(table: str, labels: list[str]) -> str | None:
    if not labels:
        return None
    last, joined = labels[-1], "".join(labels)
    if table == "t3":
        if re.fullmatch(r"3\.?其他", last) and "其他处理" in joined:
            return "t3.r3.6.3"
        if last in {"其他", "3.其他"}:
            return "t3.r3.6.3" if "其他处理" in joined else None
    code = _match(table, "row", last)
    if code is None and table != "t3":
        code = _match(table, "row", joined)
    return code


@dataclass
class GridRead:
    """Cells found per table code, plus which printed rows were seen."""

    cells: dict[str, dict[tuple[str, str], CellValue]] = field(default_factory=dict)
    rows_seen: dict[str, set[str]] = field(default_factory=dict)
    headers: dict[str, set[str]] = field(default_factory=dict)


def _table_of_row(labels: list[str], current: str | None) -> str | None:
    joined = "".join(labels)
    if _CAPTION.search(joined):
        return "t2"
    order = [current] if current else []
    order += [t for t in ("t3", "t2", "t4") if t != current]
    for t in order:
        if t and _row_code(t, labels):
            return t
    return None


def read_grids(tables: tuple[Table, ...]) -> GridRead:
    out = GridRead()
    current: str | None = None
    colmap: dict[int, str] = {}
    t4map: dict[int, tuple[str, str]] = {}
    header_rows: list[list[str]] = []
    for table in tables:
        grid = table.grid()
        for _r, slots in enumerate(grid):
            texts = [norm(c.text) if c else "" for c in slots]
            anchors = _distinct(slots)
            joined = "".join(dict.fromkeys(t for t in texts if t))
            cap = _CAPTION.search(joined)
            if cap:
                current, colmap, header_rows = "t2", {}, []
                if all(_is_value(t) or _CAPTION.search(t) for t in texts if t):
                    continue
            header_kind = _header_kind(texts, current)
            if header_kind:
                if current != header_kind or not header_rows:
                    header_rows = []
                current = header_kind
                header_rows.append(texts)
                colmap, t4map = _colmap(header_kind, header_rows)
                out.headers.setdefault(header_kind, set()).update(colmap.values())
                continue
            header_rows = []
            labels = [norm(c.text) for c in anchors if c.text.strip() and not _is_value(c.text)]
            label_cols = {c.col for c in anchors if c.text.strip() and not _is_value(c.text)}
            kind = _table_of_row(labels, current)
            if kind is None:
                # A Table 4 value row: numbers, or nothing but printed blanks (a blank template).
                if current == "t4" and t4map and (any(_is_value(t) and t for t in texts) or (
                        not labels and all(not t or _is_value(t) for t in texts))):
                    _take_t4(out, table, slots, t4map)
                continue
            current = kind
            code = _row_code(kind, labels)
            if code is None:
                continue
            out.rows_seen.setdefault(kind, set()).add(code)
            cols = colmap if kind != "t4" else {}
            if kind == "t4":
                continue
            if not cols and kind == "t3":
                values = [c for c in anchors if c.col not in label_cols]
                if len(values) == len(T3_COLS):
                    cols = {v.col: col for v, col in zip(values, T3_COLS, strict=True)}
            for slot_col, col in sorted(cols.items()):
                if slot_col in label_cols:
                    continue
                cell = slots[slot_col] if slot_col < len(slots) else None
                if cell is None or cell.col in label_cols:
                    continue
                key = (code, col)
                bucket = out.cells.setdefault(kind, {})
                if key not in bucket:
                    bucket[key] = _cell_value(kind, code, col, cell, table, method="grid" if colmap else "grid-position")
    return out


def _distinct(slots: list[Cell | None]) -> list[Cell]:
    seen: set[int] = set()
    out = []
    for c in slots:
        if c is not None and id(c) not in seen:
            seen.add(id(c))
            out.append(c)
    return out


def _header_kind(texts: list[str], current: str | None) -> str | None:
    """t2/t3/t4 when the row is a column header row of that table."""
    if any(t and _is_value(t) and parse_cell(t).flag == "number" for t in texts):
        return None
    cells = list(dict.fromkeys(t for t in texts if t))
    scores = {}
    for table in ("t3", "t4", "t2"):
        hits = sum(1 for t in cells if _match(table, "col", t) and not _match(table, "row", t))
        scores[table] = hits
    flat = "".join(cells)
    if ("行政复议" in flat and "行政诉讼" in flat) or "复议后起诉" in flat or (
            scores["t4"] >= 2 and ("结果维持" in flat or "尚未审结" in flat)):
        return "t4"
    if scores["t3"] >= 2 or (current == "t3" and scores["t3"] >= 1 and "自然人" in "".join(cells)):
        return "t3"
    if scores["t2"] >= 1 and any("信息内容" in t or "件数" in t or "数量" in t or "金额" in t for t in cells):
        return "t2"
    return None


def _colmap(kind: str, rows: list[list[str]]) -> tuple[dict[int, str], dict[int, tuple[str, str]]]:
    width = max(len(r) for r in rows)
    colmap: dict[int, str] = {}
    t4map: dict[int, tuple[str, str]] = {}
    for c in range(width):
        path = [r[c] for r in rows if c < len(r) and r[c]]
        if not path:
            continue
        if kind == "t4":
            joined = "".join(dict.fromkeys(path))
            row = next((code for code, kw in _T4_ROW_PAT if kw in joined), None)
            col = _match("t4", "col", path[-1])
            if row and col:
                t4map[c] = (row, col)
            continue
        col = _match(kind, "col", path[-1])
        if col and col != "org":
            colmap[c] = col
    return colmap, t4map


def _take_t4(out: GridRead, table: Table, slots: list[Cell | None], t4map: dict[int, tuple[str, str]]) -> None:
    bucket = out.cells.setdefault("t4", {})
    for c, (row, col) in sorted(t4map.items()):
        cell = slots[c] if c < len(slots) else None
        if cell is None or ((row, col) in bucket and bucket[(row, col)].flag != "blank"):
            continue
        bucket[(row, col)] = _cell_value("t4", row, col, cell, table, method="grid")
        out.rows_seen.setdefault("t4", set()).add(row)


OCR_MIN_CONFIDENCE = 0.9
"""A number or mark the OCR engine read with less confidence than this is left null with a reason.

A mark counts too: "/" counts as 0 in the identities, and the engine mistakes "1" for "/".
"""


def _cell_value(table_code: str, row: str, col: str, cell: Cell, table: Table, *, method: str) -> CellValue:
    parsed = parse_cell(cell.text)
    value, flag = parsed.value, parsed.flag
    reason = "" if flag != "text" else f"unreadable cell text {cell.text.strip()[:40]!r}"
    if table.method == "ocr" and flag in {"number", "slash", "dash"} and cell.confidence < OCR_MIN_CONFIDENCE:
        value, flag = None, "ambiguous"
        reason = f"OCR unsure of {cell.text.strip()!r} (confidence {cell.confidence:.2f})"
    return CellValue(table=table_code, row=row, col=col, value=value, raw=cell.text.strip(),
                     flag=flag, reason=reason, page=cell.page,
                     method="ocr" if table.method == "ocr" else method,
                     locator=f"table[{table.index}]/r{cell.row}/c{cell.col}",
                     unit=parsed.unit or unit_of(table_code, col), confidence=cell.confidence)


def t2_rows() -> set[str]:
    return {r for rows in T2_BLOCKS.values() for r in rows}
