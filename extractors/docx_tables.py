"""DOCX table geometry: rows and cells with their merges, column edges, parts of one table cut apart.

Pure functions over ``w:tbl`` elements: horizontal (`gridSpan`, legacy `hMerge`) and vertical
(`vMerge`) merges become anchors with real spans; tables cut in parts are laid on one common column
grid (`edges`, `compatible`, `union`, `remap`), and a part that continues a vertical merge joins
the grid before it. The cell texts are read by the body walk (`docx.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

from .docx_package import MATH, MC, VAL, W

_TCPR, _TRPR, PPR = W + "tcPr", W + "trPr", W + "pPr"
_GRIDSPAN, _VMERGE, _HMERGE, _CELLDEL = W + "gridSpan", W + "vMerge", W + "hMerge", W + "cellDel"


@dataclass
class Anchor:
    row: int
    col: int
    colspan: int
    text: str
    rowspan: int = 1
    nested: list[etree._Element] = field(default_factory=list)
    body: etree._Element | None = None


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    for el in tbl:
        if el.tag == W + "tr":
            trpr = el.find(W + "trPr")
            if trpr is not None and trpr.find(W + "del") is not None:
                continue  # a tracked row deletion: gone once accepted
            yield el
        elif el.tag in (W + "sdt", W + "customXml", W + "ins"):
            inner = el.find(W + "sdtContent") if el.tag == W + "sdt" else el
            if inner is not None:
                yield from _rows(inner)


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    for el in tr:
        if el.tag == W + "tc":
            yield el
        elif el.tag in (W + "sdt", W + "customXml"):
            inner = el.find(W + "sdtContent") if el.tag == W + "sdt" else el
            if inner is not None:
                yield from _cells(inner)


def int_val(parent: etree._Element | None, tag: str, default: int) -> int:
    if parent is None:
        return default
    el = parent.find(W + tag)
    if el is None:
        return default
    v = str(el.get(W + "val", ""))
    return int(v) if v.isdigit() else default


def _n_grid_cols(tbl: etree._Element) -> int:
    grid = tbl.find(W + "tblGrid")
    return 0 if grid is None else sum(1 for c in grid if c.tag == W + "gridCol")


def _merge_state(tc: etree._Element) -> tuple[int, str | None, str | None, bool]:
    """(gridSpan, vMerge 'restart'|'continue'|None, legacy hMerge, tracked cell deletion)."""
    tcpr = first_child(tc, _TCPR)
    span, vmerge, hmerge, deleted = 1, None, None, False
    if tcpr is None:
        return span, vmerge, hmerge, deleted
    for el in tcpr:
        tag = el.tag
        if tag == _GRIDSPAN:
            v = str(el.get(VAL, ""))
            span = max(1, int(v)) if v.isdigit() else 1
        elif tag == _VMERGE:
            vmerge = str(el.get(VAL, "continue"))
        elif tag == _HMERGE:
            hmerge = str(el.get(VAL, "continue"))
        elif tag == _CELLDEL:
            deleted = True
    return span, vmerge, hmerge, deleted


def first_child(el: etree._Element, tag: str) -> etree._Element | None:
    """The properties child (`w:pPr`, `w:tcPr`, `w:trPr`), which the schema puts first."""
    if len(el) and el[0].tag == tag:
        return el[0]
    return el.find(tag) if tag == _TRPR else None


def edges(tbl: etree._Element) -> list[int] | None:
    """Column edges (cumulative `gridCol` widths, twips) of a table, or None when widths are missing."""
    grid = tbl.find(W + "tblGrid")
    if grid is None:
        return None
    edges = [0]
    for col in grid.iterchildren(W + "gridCol"):
        w = str(col.get(W + "w", ""))
        if not w.isdigit() or int(w) == 0:
            return None
        edges.append(edges[-1] + int(w))
    return edges if len(edges) > 1 else None


def _tolerance(edges: list[int]) -> int:
    return max(20, edges[-1] // 100)


def compatible(cluster: list[list[int] | None], edges: list[int] | None) -> bool:
    """Same total width, and at least 80 % of the smaller table's column edges shared."""
    first = cluster[0]
    if first is None or edges is None:
        return False
    tol = _tolerance(first)
    if abs(first[-1] - edges[-1]) > tol:
        return False
    for other in cluster:
        if other is None:
            return False
        small, big = sorted((other, edges), key=len)
        shared = sum(1 for e in small if any(abs(e - b) <= tol for b in big))
        if shared < 0.8 * len(small):
            return False
    return True


def union(cluster: list[list[int] | None]) -> list[int] | None:
    """The column edges of all parts together (edges closer than the tolerance are one edge)."""
    if len(cluster) < 2 or any(e is None for e in cluster):
        return None
    every = sorted(e for edges in cluster if edges is not None for e in edges)
    tol = _tolerance(every)
    out = [every[0]]
    for e in every[1:]:
        if e - out[-1] > tol:
            out.append(e)
    return out


def remap(own: list[int] | None, ref: list[int] | None) -> list[int] | None:
    """Own column edge index → index of the same edge in `ref` (None: same grid, or not mappable).

    A table cut in parts and saved again (LibreOffice, WPS) gets a grid per part, each with only
    the column edges its own rows use; mapping edges puts the parts on one grid.
    """
    if own is None or ref is None or own == ref:
        return None
    tol = _tolerance(ref)
    out: list[int] = []
    j = 0
    for edge in own:
        while j < len(ref) and ref[j] < edge - tol:
            j += 1
        if j == len(ref) or abs(ref[j] - edge) > tol:
            return None
        out.append(j)
    return out if all(b > a for a, b in pairwise(out)) else None


def continues(second: etree._Element) -> bool:
    """The table's first row continues a vertical merge from the part above it."""
    top = next(_rows(second), None)
    if top is None:
        return False
    return any(_merge_state(tc)[1] == "continue" for tc in _cells(top))


def grid(tables: list[etree._Element], maps: list[list[int] | None]) -> tuple[list[Anchor], int, int]:
    """Anchors with real spans for the rows of `tables` (one table, or one cut in several).

    `maps[i]` re-expresses table i's grid columns on a reference grid (see `remap`).
    """
    anchors: list[Anchor] = []
    open_v: dict[int, Anchor] = {}  # grid column → anchor of a vertical merge still open
    n_rows = 0
    width = 0
    for tbl, edge_map in zip(tables, maps, strict=True):

        def at(c: int, m: list[int] | None = edge_map) -> int:
            if m is None:
                return c
            return m[c] if c < len(m) else m[-1] + c - (len(m) - 1)

        width = max(width, at(_n_grid_cols(tbl)))
        for tr in _rows(tbl):
            r = n_rows
            n_rows += 1
            trpr = first_child(tr, _TRPR)
            col = int_val(trpr, "gridBefore", 0)
            still_open: dict[int, Anchor] = {}
            last: Anchor | None = None
            for tc in _cells(tr):
                span, vmerge, hmerge, deleted = _merge_state(tc)
                if deleted:
                    continue
                start, end = at(col), at(col + span)
                col += span
                if hmerge == "continue" and last is not None and last.row == r:
                    last.colspan = end - last.col
                    continue
                above = open_v.get(start)
                if vmerge == "continue" and above is not None and above.colspan == end - start:
                    above.rowspan = r - above.row + 1
                    still_open[start] = above
                    last = above
                    continue
                anchor = Anchor(r, start, end - start, "", body=tc)
                anchors.append(anchor)
                if vmerge in ("restart", "continue"):
                    still_open[start] = anchor
                last = anchor
            width = max(width, at(col + int_val(trpr, "gridAfter", 0)))
            open_v = still_open
    return anchors, n_rows, width



_NOT_PLAIN = (W + "del", W + "moveFrom", W + "moveTo", W + "ins", W + "numPr", W + "tab", W + "ptab", W + "br",
              W + "cr", W + "noBreakHyphen", W + "drawing", W + "pict", W + "object", MC + "AlternateContent",
              W + "hyperlink", W + "sdt", W + "ruby", W + "tbl", W + "txbxContent", W + "customXml", W + "smartTag",
              W + "fldSimple", W + "dir", W + "bdo", MATH + "oMath", MATH + "oMathPara")
"""Elements under which a cell's text is more than its paragraphs' ``w:t`` texts: revisions, list
labels, tabs and breaks, text boxes, links, content controls, nested tables, ruby, math."""


def plain(tbl: etree._Element, numbered_styles: bool) -> bool:
    """Whether every cell of `tbl` reads as its paragraphs' ``w:t`` texts (one C-side scan).

    Most statistical tables are; their cells then skip the general walk (`_cell_text`), which
    gives the same text at several times the cost.
    """
    if next(tbl.iterdescendants(*_NOT_PLAIN), None) is not None:
        return False
    return not numbered_styles or next(tbl.iterdescendants(W + "pStyle"), None) is None


def plain_cell_text(tc: etree._Element) -> str:
    return "\n".join("".join(p.itertext(W + "t", with_tail=False)) for p in tc.iterchildren(W + "p")).strip()


