"""HTML ``<table>`` → `Table` with the real row/column spans, laid out as a browser does.

Span attributes are read with the HTML rules for non-negative integers, so Word/CMS junk such
as ``colspan="2;"`` or ``rowspan=" 10"`` means 2 and 10; a missing, zero or unreadable colspan is
1; ``rowspan="0"`` runs to the end of its row group; spans never reach past the table. Rows of
``<thead>`` come first and ``<tfoot>`` last, whatever their place in the source. Nested tables
inside a cell are read as text of that cell. Cell text is read in one C-side pass over the
table (`cell_texts`), lines cut at ``<p>``/``<br>`` as in `html_text`.
"""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

from .errors import DocumentTooLarge
from .html_text import (
    BLOCK_TAGS,
    MARK,
    MARK_OR_SPACE,
    TABLE_STRUCTURE,
    element_lines,
    mark_lines,
    split_lines,
)
from .model import Table, new_cell

MAX_COLSPAN = 1000
"""The HTML limit; browsers clamp larger values."""
MAX_ROWSPAN = 65534
MAX_TABLE_CELLS = 20_000
"""Cells of one table. The statistical tables of a report have a few hundred; a table past this
limit is a bomb or a data dump, and the page is refused rather than half-read."""
MAX_TABLE_SLOTS = 200_000
"""Rows × columns of one table's grid, bounding the memory spans can claim."""

_LEADING_INT = re.compile(r"\s*\+?(\d+)")


def span_value(raw: str | None, *, default: int, limit: int, allow_zero: bool) -> int:
    """An HTML span attribute: leading digits only ("2;" → 2); unreadable → `default`."""
    if raw is None:
        return default
    m = _LEADING_INT.match(raw)
    if m is None:
        return default
    value = int(m.group(1)[:7])
    if value == 0:
        return 0 if allow_zero else default
    return min(value, limit)


def table_rows(table: etree._Element) -> list[list[etree._Element]]:
    """Row groups of this table (not of nested ones), thead first and tfoot last."""
    head: list[list[etree._Element]] = []
    body: list[list[etree._Element]] = []
    foot: list[list[etree._Element]] = []
    loose: list[etree._Element] | None = None  # consecutive <tr> children form one implied <tbody>
    for child in table:
        tag = child.tag
        if tag == "tr":
            if loose is None:
                loose = []
                body.append(loose)
            loose.append(child)
            continue
        loose = None
        if tag in ("tbody", "thead", "tfoot"):
            rows = [tr for tr in child if tr.tag == "tr"]
            (head if tag == "thead" else foot if tag == "tfoot" else body).append(rows)
    return [g for g in (*head, *body, *foot) if g]


def _owner(tr: etree._Element) -> etree._Element | None:
    """The table a row belongs to (through an optional thead/tbody/tfoot)."""
    parent = tr.getparent()
    if parent is not None and parent.tag in ("tbody", "thead", "tfoot"):
        parent = parent.getparent()
    return parent


def _cells(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if c.tag in ("td", "th")]


CELL_MARK = "\ue001"
"""Put before each cell's text so one C-side serialisation yields every cell's text."""

_INNER = "|".join(sorted(BLOCK_TAGS - TABLE_STRUCTURE))
_ALL_BLOCKS = "|".join(sorted(BLOCK_TAGS))
_CELL_TEXTS = etree.XSLT(etree.fromstring(f"""\
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:template match="td|th"><xsl:text>{CELL_MARK}</xsl:text><xsl:apply-templates/></xsl:template>
  <xsl:template match="{_INNER}"><xsl:text>{MARK}</xsl:text><xsl:apply-templates/><xsl:text>{MARK}</xsl:text></xsl:template>
  <xsl:template match="br"><xsl:text>{MARK}</xsl:text></xsl:template>
  <xsl:template match="td//table|th//table"><xsl:text>{MARK}</xsl:text><xsl:apply-templates mode="nested"/>\
<xsl:text>{MARK}</xsl:text></xsl:template>
  <xsl:template match="{_ALL_BLOCKS}" mode="nested"><xsl:text>{MARK}</xsl:text><xsl:apply-templates mode="nested"/>\
<xsl:text>{MARK}</xsl:text></xsl:template>
  <xsl:template match="br" mode="nested"><xsl:text>{MARK}</xsl:text></xsl:template>
</xsl:stylesheet>"""))
"""The table's text with a `CELL_MARK` before each of its own cells and a `MARK` at each line break
(block boundaries and ``<br>``, as `html_text.mark_lines` puts them), in one libxslt pass: marking
the tree from Python cost more than the rest of the table. A nested table's cells are lines of the
cell that holds it."""


def cell_texts(table: etree._Element, cells: list[etree._Element]) -> list[str]:
    """The visible text of each of `cells` (the table's own cells, in source order), in one pass.

    Text of a nested table stays inside its cell, one line per nested cell.
    """
    parts = str(_CELL_TEXTS(table)).split(CELL_MARK)[1:]
    if len(parts) != len(cells):  # a mark in the text itself (the extractor strips them from input)
        mark_lines(table)
        return ["\n".join(element_lines(td)).replace(CELL_MARK, "") for td in cells]
    out = []
    for part in parts:
        bare = part.strip(MARK_OR_SPACE)
        if MARK not in bare and bare.isprintable() and " " not in bare:  # one clean line: most cells
            out.append(bare)
        else:
            out.append("\n".join(split_lines(part)))
    return out


def html_table_to_table(table: etree._Element, *, index: int, source: str) -> Table | None:
    """The grid of one ``<table>``; None when it has no row. Raise `DocumentTooLarge` past the limits."""
    groups = table_rows(table)
    row_cells = [[_cells(tr) for tr in group] for group in groups]
    n_cells = sum(len(tds) for group in row_cells for tds in group)
    if n_cells > MAX_TABLE_CELLS:
        raise DocumentTooLarge(source, f"table {index} has {n_cells} cells, over the limit of "
                                       f"{MAX_TABLE_CELLS} (MAX_TABLE_CELLS)")
    if any(child.tag in ("thead", "tfoot") for child in table):  # layout order differs from source order
        in_source = [td for tr in table.iter("tr") if _owner(tr) is table for td in _cells(tr)]
        by_cell = dict(zip(in_source, cell_texts(table, in_source), strict=True))
        texts = iter([by_cell[td] for group in row_cells for tds in group for td in tds])
    else:
        texts = iter(cell_texts(table, [td for group in row_cells for tds in group for td in tds]))
    cells = [new_cell(row, col, next(texts), rowspan, colspan)
             for _, row, col, rowspan, colspan in _layout(row_cells, index=index, source=source)]
    base = sum(len(group) for group in row_cells)
    n_cols = max((c.col + c.colspan for c in cells), default=0)
    if base == 0 or not cells:
        return None
    if base * n_cols > MAX_TABLE_SLOTS:
        raise DocumentTooLarge(source, f"table {index} is {base} rows by {n_cols} columns, over the limit of "
                                       f"{MAX_TABLE_SLOTS} grid slots (MAX_TABLE_SLOTS)")
    return Table(cells=tuple(cells), n_rows=base, n_cols=n_cols, index=index, method="html")


Placed = tuple[etree._Element, int, int, int, int]
"""A cell element with its anchor slot and spans: (td, row, col, rowspan, colspan)."""


def _layout(row_cells: list[list[list[etree._Element]]], *, index: int, source: str) -> list[Placed]:
    """Every cell element at the slot a browser gives it (spans from above and the left skipped)."""
    out: list[Placed] = []
    taken: dict[int, set[int]] = {}  # row → columns covered by spans from cells above or to the left
    base = 0
    for group in row_cells:
        group_rows = len(group)
        for r, tds in enumerate(group):
            row = base + r
            col = 0
            covered = taken.get(row)
            for td in tds:
                if covered:
                    while col in covered:
                        col += 1
                raw_col, raw_row = td.get("colspan"), td.get("rowspan")
                colspan = 1 if raw_col is None else span_value(raw_col, default=1, limit=MAX_COLSPAN,
                                                               allow_zero=False)
                rowspan = 1 if raw_row is None else span_value(raw_row, default=1, limit=MAX_ROWSPAN,
                                                               allow_zero=True)
                if rowspan == 0 or rowspan > group_rows - r:  # 0: to the end of the row group
                    rowspan = group_rows - r
                out.append((td, row, col, rowspan, colspan))
                if rowspan > 1 or colspan > 1:
                    if (row + rowspan) * (col + colspan) > MAX_TABLE_SLOTS:
                        raise DocumentTooLarge(source, f"table {index} spans more than {MAX_TABLE_SLOTS} grid "
                                                       "slots (MAX_TABLE_SLOTS)")
                    for dr in range(rowspan):
                        taken.setdefault(row + dr, set()).update(range(col, col + colspan))
                    covered = taken.get(row)
                col += colspan
        base += group_rows
    return out


def cell_element(table: etree._Element, row: int, col: int) -> etree._Element | None:
    """The ``<td>``/``<th>`` anchored at slot (row, col) of `table`, as `html_table_to_table` lays it out
    (a locator ``table[i]/r<row>/c<col>`` names this element)."""
    row_cells = [[_cells(tr) for tr in group] for group in table_rows(table)]
    for td, r, c, _, _ in _layout(row_cells, index=0, source=""):
        if (r, c) == (row, col):
            return td
    return None
