"""Grids → template cells, by row labels and column headers (never by the n-th number).

Rows of all the document's tables are walked in order, so a statistical table cut into several
grids (page breaks pasted into a CMS, PDF pages) continues with the header it already has. Header
rows set the column map; a data row's code comes from its most specific label cell, with the
labels of the spanning group cells as context.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from extractors.model import Cell, Table, new_cell
from pipeline.normalise.report import CellValue, new_cell_value
from pipeline.template.codebook import T3_COLS, T4_COLS, aliases, cells_for, unit_of
from pipeline.template.labels import norm
from pipeline.template.values import parse_cell

_CAPTION = re.compile(r"第二十条第[(\[]?([一二三四五六七八九十])[)\]]?项")
_T4_ROW_PAT = (("t4.lit.rev", "复议后起诉"), ("t4.lit.dir", "直接起诉"), ("t4.rev", "行政复议"))


_VALUE_FLAGS = frozenset({"number", "blank", "slash", "dash", "none"})


@lru_cache(maxsize=1 << 16)
def _is_value(text: str) -> bool:
    return parse_cell(text).flag in _VALUE_FLAGS


@lru_cache(maxsize=1 << 16)
def _is_number(text: str) -> bool:
    return parse_cell(text).flag == "number"


@lru_cache(maxsize=1 << 14)
def _match(table: str, axis: str, label: str) -> str | None:
    """The code whose longest alias occurs in `label` (aliases are sorted longest first)."""
    for code, alias in aliases(table, axis):
        if alias and alias in label:
            return code
    return None


@lru_cache(maxsize=8)
def _cell_rows(table: str) -> frozenset[str]:
    """Row codes that carry cells in some era (a group heading such as 三、本年度办理结果 does not)."""
    return frozenset(row for era in ("2019", "2021") for row, _ in cells_for(table, era))


_OTHER_LEAF = re.compile(r"3\.?其他")
_NUMBERING = re.compile(r"^(?:\d+\.?|[(（]?[一二三四五六七八九十]+[)）、.]?)")
FUZZY_MIN = 0.85
"""How alike a row label must be to one template label (and by how much more than to any other)
to take its code when no alias occurs in it whole: an OCR'd label that lost or misread a character."""


@lru_cache(maxsize=1 << 14)
def _fuzzy_match(table: str, label: str) -> str | None:
    """The code of the one long template label `label` is a misreading of (difflib's ratio)."""
    text = _NUMBERING.sub("", label)
    if table != "t3" or len(text) < 6:
        return None
    scores: dict[str, float] = {}
    for code, alias in aliases(table, "row"):
        if len(alias) >= 6:
            ratio = difflib.SequenceMatcher(None, text, alias, autojunk=False).ratio()
            scores[code] = max(scores.get(code, 0.0), ratio)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < FUZZY_MIN:
        return None
    if len(ranked) > 1 and ranked[1][1] > ranked[0][1] - 0.1:
        return None
    return ranked[0][0]


@lru_cache(maxsize=1 << 14)
def _leaf_match(table: str, label: str) -> str | None:
    """The row code of a label cell; a group heading joined to its first leaf in one cell (converters
    flatten a row-spanning cell into the row's first label: 三、本年度办理结果（一）予以公开) is the leaf."""
    code = _match(table, "row", label) or _fuzzy_match(table, label)
    if code is None or code in _cell_rows(table):
        return code
    alias = max((a for c, a in aliases(table, "row") if c == code and a in label), key=len)
    rest = label[label.index(alias) + len(alias):]
    return (_match(table, "row", rest) if rest else None) or code


def _row_code(table: str, labels: list[str], after: str | None = None) -> str | None:
    """The row code of a printed row's labels; `after` is the row read just before it in the same
    table, the parent of a numbered leaf printed without its group cell (a table cut into pieces)."""
    if not labels:
        return None
    last, joined = labels[-1], "".join(labels)
    if table == "t3":
        under_other = "其他处理" in joined or (after or "").startswith("t3.r3.6")
        if _OTHER_LEAF.fullmatch(last) and under_other:
            return "t3.r3.6.3"
        if last in {"其他", "3.其他"}:
            return "t3.r3.6.3" if under_other else None
    code = _leaf_match(table, last)
    if code is None and table != "t3":
        code = _match(table, "row", joined)
    return code


@dataclass
class GridRead:
    """Cells found per table code, plus which printed rows were seen."""

    cells: dict[str, dict[tuple[str, str], CellValue]] = field(default_factory=dict)
    rows_seen: dict[str, set[str]] = field(default_factory=dict)
    headers: dict[str, set[str]] = field(default_factory=dict)


_ORDER: dict[str | None, tuple[str, ...]] = {
    None: ("t3", "t2", "t4"), "t2": ("t2", "t3", "t4"), "t3": ("t3", "t2", "t4"), "t4": ("t4", "t3", "t2")}
"""The tables a row label is tried in: the one being read first."""


def _table_of_row(labels: list[str], current: str | None, after: str | None = None) -> tuple[str, str | None] | None:
    """The table a labelled row belongs to (the one being read first) and its row code there."""
    if _CAPTION.search("".join(labels)):
        return "t2", None
    for t in _ORDER.get(current) or _ORDER[None]:
        code = _row_code(t, labels, after if t == current else None)
        if code:
            return t, code
    return None


# --- the steps: tables → rows → roles (with the header context carried down) → cells ------------


# The walk's own records are NamedTuples: immutable like the frozen dataclasses of the public records,
# at a third of their cost to build (a few per printed row, on every normalisation).


class GridRow(NamedTuple):
    """One printed row of one grid: its slots, their normalised texts, its distinct cells."""

    table: Table
    slots: tuple[Cell | None, ...]
    texts: tuple[str, ...]
    anchors: tuple[Cell, ...]


_EMPTY: Mapping[int, Any] = MappingProxyType({})


class Context(NamedTuple):
    """What the rows above say about the next one: the table being read and its column headers."""

    current: str | None = None
    colmap: Mapping[int, str] = _EMPTY
    t4map: Mapping[int, tuple[str, str]] = _EMPTY
    header_rows: tuple[tuple[str, ...], ...] = ()
    colmap_of: str | None = None
    """The table whose header set `colmap`: another table's rows never read through it."""
    last_row: str | None = None
    """The row code read last in `current` (a leaf's parent when its group cell is not printed)."""

    def read(self, row: str) -> Context:
        """The same context after reading row `row` of `current`."""
        return Context(self.current, self.colmap, self.t4map, self.header_rows, self.colmap_of, row)

    def moved_to(self, table: str | None) -> Context:
        """The same header context, now reading rows of `table` (the stacked header rows end)."""
        if table == self.current and not self.header_rows:
            return self  # frozen: the same context as a copy of it, without building one per row
        return Context(table, self.colmap, self.t4map, (), self.colmap_of,
                       self.last_row if table == self.current else None)


class HeaderRow(NamedTuple):
    table: str
    cols: frozenset[str]


class DataRow(NamedTuple):
    """A labelled row: its code, and which slot holds which column (empty for Table 4 labels)."""

    row: GridRow
    table: str
    code: str
    cols: Mapping[int, str]
    label_cols: frozenset[int]
    method: str


class T4Values(NamedTuple):
    """A row of Table 4 numbers under the two-level header (its labels are in the header)."""

    row: GridRow
    t4map: Mapping[int, tuple[str, str]]


Role = HeaderRow | DataRow | T4Values


def tables_to_rows(tables: tuple[Table, ...]) -> Iterator[GridRow]:
    """Every row of every grid in document order, so a table cut by page breaks reads on."""
    for table in tables:
        for slots in table.grid():
            texts = tuple([norm(c.text) if c is not None else "" for c in slots])
            yield GridRow(table, tuple(slots), texts, _distinct(slots))


_ITEM_PREFIX = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}、|\d{1,2}\s*[.．、])")


def _pages(cells: Iterable[Cell]) -> set[int]:
    return {c.page for c in cells if c.page is not None}


def is_continuation(prev: GridRow, row: GridRow) -> bool:
    """A row cut by a page break: the piece at the top of the next page prints only part of the
    row (its wrapped digits, the rest of its label) and no item number of its own."""
    if prev.table is not row.table:
        return False
    before = _pages(prev.anchors)
    if not before:  # no page numbers (HTML, Word): nothing is cut by a page break
        return False
    spanned = {id(c) for c in prev.anchors}  # identity: a rowspan cell is the same object in both rows
    own = [c for c in row.anchors if id(c) not in spanned]
    after = _pages(own)
    if not before or not after or min(after) <= max(before):
        return False
    filled = sum(1 for t in row.texts if t)
    if not filled or filled * 2 > sum(1 for t in prev.texts if t):
        return False
    return not any(_ITEM_PREFIX.match(c.text) for c in own if c.text.strip())


def join_rows(prev: GridRow, row: GridRow) -> GridRow:
    """One printed row from its two pieces, slot by slot: the piece below continues the text above
    (a wrapped number "1,3" + "47" is one cell, as a number wrapped inside its cell is)."""
    slots: list[Cell | None] = []
    joined: dict[tuple[int, int], Cell] = {}
    spanned = {id(c) for c in prev.anchors}
    for above, below in zip(prev.slots, row.slots, strict=False):
        if above is None or below is None or below is above or not below.text.strip() or id(below) in spanned:
            slots.append(above if above is not None else below)
            continue
        key = (id(above), id(below))
        if key not in joined:
            joined[key] = new_cell(above.row, above.col, f"{above.text}\n{below.text}", above.rowspan, above.colspan,
                                   above.page, above.bbox, min(above.confidence, below.confidence))
        slots.append(joined[key])
    texts = tuple([norm(c.text) if c is not None else "" for c in slots])
    return GridRow(prev.table, tuple(slots), texts, _distinct(slots))


def join_continuations(rows: Iterable[GridRow]) -> Iterator[GridRow]:
    """Rows with their page-break continuation pieces joined back on (see `is_continuation`)."""
    held: GridRow | None = None
    for row in rows:
        if held is not None and is_continuation(held, row):
            held = join_rows(held, row)
            continue
        if held is not None:
            yield held
        held = row
    if held is not None:
        yield held


def header_to_context(row: GridRow, ctx: Context, table_code: str) -> Context:
    """A header row of `table_code`: stacked with the header rows right above it of the same table."""
    above = ctx.header_rows if ctx.current == table_code else ()
    rows = (*above, row.texts)
    colmap, t4map = _colmap(table_code, [list(r) for r in rows])
    return Context(table_code, colmap, t4map, rows, table_code, ctx.last_row if table_code == ctx.current else None)


def labels_of(row: GridRow, value_cols: frozenset[int] = frozenset()) -> tuple[list[str], frozenset[int]]:
    """The row's label texts and the slots they sit in: cells that are not values, left of the
    first value and outside the columns the header gave values (a cell among the numbers that
    reads as no number, OCR's "S" for a 5, is an unreadable value, not a label hiding the row)."""
    first: int | None = None
    candidates: list[Cell] = []
    for c in row.anchors:  # one pass: the first value's column, and the printed non-values
        text = c.text
        if not text.strip():
            continue
        if _is_value(text):
            if first is None or c.col < first:
                first = c.col
        elif c.col not in value_cols:
            candidates.append(c)
    labelled = candidates if first is None else [c for c in candidates if c.col < first]
    return [norm(c.text) for c in labelled], frozenset(c.col for c in labelled)


def data_row(row: GridRow, ctx: Context, table_code: str, labels: list[str], label_cols: frozenset[int],
             code: str | None = None) -> DataRow | None:
    """The row's code (given when `_table_of_row` has read it) and which slot holds which column."""
    code = code or _row_code(table_code, labels, ctx.last_row)
    if code is None:
        return None
    cols: Mapping[int, str] = ctx.colmap if table_code != "t4" and ctx.colmap_of == table_code else {}
    method = "grid" if cols else "grid-position"
    if not cols and table_code == "t3":  # no header seen: seven value cells are the seven applicant columns
        values = [c for c in row.anchors if c.col not in label_cols]
        if len(values) != len(T3_COLS):  # a grid wider than its rows (a converter pads them): printed cells
            values = [c for c in values if c.text.strip()]
        if len(values) == len(T3_COLS):
            cols = {v.col: col for v, col in zip(values, T3_COLS, strict=True)}
    return DataRow(row, table_code, code, cols, label_cols, method)


def _t4_value_row(row: GridRow, ctx: Context, labels: list[str]) -> bool:
    """Numbers under the Table 4 header, or nothing but printed blanks (a blank template)."""
    return ctx.current == "t4" and bool(ctx.t4map) and (
        any(_is_value(t) and t for t in row.texts) or (not labels and all(not t or _is_value(t) for t in row.texts)))


def row_to_role(row: GridRow, ctx: Context) -> tuple[Context, Role | None]:
    """One step of the walk: the row's role, and the context the next row sees."""
    # every caption has a 条, and a 条 is in the distinct texts' join only if it is in the row's texts
    if "条" in "".join(row.texts) and _CAPTION.search("".join(dict.fromkeys(t for t in row.texts if t))):
        # a 第二十条 caption starts Table 2 afresh
        ctx = Context("t2", {}, ctx.t4map, (), "t2")
        if all(_is_value(t) or _CAPTION.search(t) for t in row.texts if t):
            return ctx, None
    header_table = _header_table(row.texts, ctx.current)
    if header_table:
        ctx = header_to_context(row, ctx, header_table)
        return ctx, HeaderRow(header_table, frozenset(ctx.colmap.values()))
    ctx = ctx.moved_to(ctx.current)
    labels, label_cols = labels_of(row, frozenset(ctx.colmap) if ctx.colmap_of == ctx.current else frozenset())
    found = _table_of_row(labels, ctx.current, ctx.last_row)
    if found is None:
        return ctx, (T4Values(row, ctx.t4map) if _t4_value_row(row, ctx, labels) else None)
    table_code, code = found  # read with the last row of `current` only when it stays `current`: as data_row would
    ctx = ctx.moved_to(table_code)
    role = data_row(row, ctx, table_code, labels, label_cols, code)
    return (ctx.read(role.code) if role else ctx), role


def rows_to_roles(rows: Iterable[GridRow]) -> Iterator[Role]:
    ctx = Context()
    for row in rows:
        ctx, role = row_to_role(row, ctx)
        if role is not None:
            yield role


def roles_to_read(roles: Iterable[Role]) -> GridRead:
    """Cells from the roles: the first printing of a cell wins (a repeated header row adds nothing)."""
    out = GridRead()
    for role in roles:
        if isinstance(role, HeaderRow):
            out.headers.setdefault(role.table, set()).update(role.cols)
        elif isinstance(role, T4Values):
            _take_t4(out, role.row.table, list(role.row.slots), dict(role.t4map))
        else:
            out.rows_seen.setdefault(role.table, set()).add(role.code)
            _take_row(out, role)
    return out


def _take_row(out: GridRead, role: DataRow) -> None:
    slots, label_cols, code, table = role.row.slots, role.label_cols, role.code, role.table
    bucket: dict[tuple[str, str], CellValue] | None = None
    n = len(slots)
    for slot_col, col in role.cols.items():  # built in slot order (`_colmap`, `data_row`)
        if slot_col in label_cols or slot_col >= n:
            continue
        cell = slots[slot_col]
        if cell is None or cell.col in label_cols:
            continue
        if bucket is None:
            bucket = out.cells.setdefault(table, {})
        if (code, col) not in bucket:
            bucket[(code, col)] = _cell_value(table, code, col, cell, role.row.table, method=role.method)


def read_grids(tables: tuple[Table, ...]) -> GridRead:
    """Template cells of all of a document's grids, by labels and headers."""
    return roles_to_read(rows_to_roles(join_continuations(tables_to_rows(tables))))


def _distinct(slots: list[Cell | None]) -> tuple[Cell, ...]:
    """The slots' cells, each once (by identity: a spanning cell fills several slots), in slot order."""
    return tuple({id(c): c for c in slots if c is not None}.values())


@lru_cache(maxsize=1 << 14)
def _header_hits(text: str) -> tuple[bool, bool, bool]:
    """Whether `text` reads as a column header (and not a row label) of t3, t4, t2: asked of every cell."""
    return _header_hit("t3", text), _header_hit("t4", text), _header_hit("t2", text)


def _header_hit(table: str, text: str) -> bool:
    return bool(_match(table, "col", text)) and not _match(table, "row", text)


def _header_table(texts: Sequence[str], current: str | None) -> str | None:
    """t2/t3/t4 when the row is a column header row of that table (never one that prints a number)."""
    for t in texts:
        if t and _is_number(t):
            return None
    cells = list(dict.fromkeys(t for t in texts if t))
    hits = [_header_hits(t) for t in cells]
    scores = {table: sum(h[i] for h in hits) for i, table in enumerate(("t3", "t4", "t2"))}
    flat = "".join(cells)
    if ("行政复议" in flat and "行政诉讼" in flat) or "复议后起诉" in flat or (
            scores["t4"] >= 2 and ("结果维持" in flat or "尚未审结" in flat)):
        return "t4"
    if scores["t3"] >= 2 or (current == "t3" and scores["t3"] >= 1 and "自然人" in "".join(cells)):
        return "t3"
    if scores["t2"] >= 1 and any("信息内容" in t or "件数" in t or "数量" in t or "金额" in t for t in cells):
        return "t2"
    return None


def _colmap(table_code: str, rows: list[list[str]]) -> tuple[dict[int, str], dict[int, tuple[str, str]]]:
    width = max(len(r) for r in rows)
    colmap: dict[int, str] = {}
    t4map: dict[int, tuple[str, str]] = {}
    t4_unmatched: dict[int, str] = {}
    for c in range(width):
        path = [r[c] for r in rows if c < len(r) and r[c]]
        if not path:
            continue
        if table_code == "t4":
            joined = "".join(dict.fromkeys(path))
            row = next((code for code, kw in _T4_ROW_PAT if kw in joined), None)
            col = _match("t4", "col", path[-1])
            if row and col:
                t4map[c] = (row, col)
            elif row:
                t4_unmatched[c] = row
            continue
        col = _match(table_code, "col", path[-1])
        if col and col != "org":
            colmap[c] = col
    return colmap, t4map | t4_pinned(t4map, t4_unmatched)


def t4_pinned(t4map: Mapping[int, tuple[str, str]], unmatched: Mapping[int, str]) -> dict[int, tuple[str, str]]:
    """Table 4 columns whose header did not read (an OCR'd 结果维特, 商未审结) placed by their neighbours.

    Each block prints its five columns in the template's order, so a column of a known block that
    sits between the columns of two template positions with exactly one position between them — or
    before the block's second, or after its second to last — can only be that position.
    """
    out: dict[int, tuple[str, str]] = {}
    last = len(T4_COLS) - 1
    for c, row in sorted(unmatched.items()):
        before, after = t4map.get(c - 1), t4map.get(c + 1)
        at_before = T4_COLS.index(before[1]) if before and before[0] == row else None
        at_after = T4_COLS.index(after[1]) if after and after[0] == row else None
        if at_before is not None and at_after is not None:
            slot = at_before + 1 if at_after == at_before + 2 else None
        elif at_before is not None:
            slot = last if at_before == last - 1 else None
        elif at_after is not None:
            slot = 0 if at_after == 1 else None
        else:
            slot = None
        if slot is not None and (row, T4_COLS[slot]) not in t4map.values():
            out[c] = (row, T4_COLS[slot])
    return out


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


_OCR_SURE_FLAGS = frozenset({"number", "slash", "dash"})


def _cell_value(table_code: str, row: str, col: str, cell: Cell, table: Table, *, method: str) -> CellValue:
    text = cell.text
    parsed = parse_cell(text)
    value, flag, reason = parsed.value, parsed.flag, ""
    if flag == "text":
        reason = f"unreadable cell text {text.strip()[:40]!r}"
    ocr = table.method == "ocr"
    if ocr and flag in _OCR_SURE_FLAGS and cell.confidence < OCR_MIN_CONFIDENCE:
        value, flag = None, "ambiguous"
        reason = f"OCR unsure of {text.strip()!r} (confidence {cell.confidence:.2f})"
    return new_cell_value(table=table_code, row=row, col=col, value=value, raw=text.strip(),
                          flag=flag, reason=reason, page=cell.page, bbox=cell.bbox,
                          method="ocr" if ocr else method,
                          locator=f"table[{table.index}]/r{cell.row}/c{cell.col}",
                          unit=parsed.unit or unit_of(table_code, col), confidence=cell.confidence)
