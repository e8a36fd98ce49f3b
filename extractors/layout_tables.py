"""Page model → table grids with real spans, stitched across pages.

One reconstructor for every fixed-layout source. Ruling segments are merged per coordinate, split
into connected components (one per drawn table), and each component becomes a lattice of slots
between its distinct x and y lines; two neighbouring slots belong to the same cell unless a rule
separates them, so merged cells come back as row/col spans without guessing. Glyphs fall into the
slot under their centre. A grid with a single column is body text laid out in a box (WPS does this
with whole pages), so it is returned as text, not as a table.

A table cut by a page break is stitched back when one page ends with a grid and the next begins
with one of the same width: a repeated header is dropped, a row cut in two is joined, and a label
cell spanning rows down to the break continues over the empty cell under it on the next page.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from .pages import Glyph, Page, glyphs_to_lines

_NUMERIC = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?\s*(?:万元|元|件|项|条|个|次|人次|%)?$")


@dataclass(frozen=True, slots=True, kw_only=True)
class GridCell:
    """One cell of a reconstructed grid: its slot anchor, spans, box, text and confidence."""

    row: int
    col: int
    rowspan: int
    colspan: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    page: int
    conf: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PageGrid:
    """A table drawn on one page (or stitched over several): its lattice and cells."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[GridCell, ...]
    n_rows: int
    n_cols: int
    pages: tuple[int, ...] = ()

    @property
    def is_text_box(self) -> bool:
        """A single column of boxes: laid-out body text, not a statistical table."""
        return self.n_cols < 2


@dataclass(frozen=True, slots=True)
class TableSettings:
    """Tolerances as multiples of the page's median glyph size (so points, mm and pixels all work)."""

    snap: float = 0.3
    """Rules closer than this are the same line (Word draws adjacent cell borders twice)."""
    cover: float = 0.5
    """Share of a slot side a rule must cover to separate two slots."""
    join: float = 0.35
    """Gap bridged when merging collinear rule pieces and when connecting rules into a table."""

    def __post_init__(self) -> None:
        for name in ("snap", "cover", "join"):
            if getattr(self, name) < 0:
                raise ValueError(f"Table setting {name!r} cannot be negative")


def median_size(glyphs: Sequence[Glyph], default: float = 10.0) -> float:
    sizes = sorted(g.size for g in glyphs if not g.text.isspace())
    return sizes[len(sizes) // 2] if sizes else default


def is_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(unicodedata.normalize("NFKC", text).replace(" ", "")))


# ---------------------------------------------------------------------------------------------
# Rules → merged segments → components.


@dataclass(slots=True)
class _Seg:
    pos: float
    lo: float
    hi: float


def _cluster(values: Iterable[float], tol: float) -> list[float]:
    """Sorted centres of runs of values no more than `tol` apart."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(run) / len(run) for run in out]


def _merge(rules: Iterable[tuple[float, float, float]], snap: float, join: float) -> list[_Seg]:
    """(pos, lo, hi) pieces → segments: same line within `snap`, pieces bridged over `join`."""
    by_pos: dict[float, list[tuple[float, float]]] = {}
    pieces = sorted(rules)
    centres = _cluster((p for p, _, _ in pieces), snap)
    for pos, lo, hi in pieces:
        i = bisect_right(centres, pos) - 1
        if i < 0 or (i + 1 < len(centres) and abs(centres[i + 1] - pos) < abs(centres[i] - pos)):
            i += 1
        by_pos.setdefault(centres[i], []).append((lo, hi))
    out: list[_Seg] = []
    for pos, spans in by_pos.items():
        spans.sort()
        cur_lo, cur_hi = spans[0]
        for lo, hi in spans[1:]:
            if lo <= cur_hi + join:
                cur_hi = max(cur_hi, hi)
            else:
                out.append(_Seg(pos, cur_lo, cur_hi))
                cur_lo, cur_hi = lo, hi
        out.append(_Seg(pos, cur_lo, cur_hi))
    return out


def _components(hs: list[_Seg], vs: list[_Seg], join: float) -> list[tuple[list[_Seg], list[_Seg]]]:
    """Groups of horizontal and vertical segments that touch: one group per drawn table."""
    n = len(hs)
    parent = list(range(n + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.lo - join <= v.pos <= h.hi + join and v.lo - join <= h.pos <= v.hi + join:
                a, b = find(i), find(n + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[_Seg], list[_Seg]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(n + j), ([], []))[1].append(v)
    return [g for g in groups.values() if g[0] and g[1]]


def _covered(segs: list[_Seg], lo: float, hi: float, share: float) -> bool:
    need = share * (hi - lo)
    got = 0.0
    for s in segs:
        got += max(0.0, min(hi, s.hi) - max(lo, s.lo))
        if got >= need:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# One component → lattice → cells.


def _by_line(segs: list[_Seg], lines: list[float], tol: float) -> list[list[_Seg]]:
    out: list[list[_Seg]] = [[] for _ in lines]
    for s in segs:
        i = min(range(len(lines)), key=lambda k: abs(lines[k] - s.pos))
        if abs(lines[i] - s.pos) <= tol:
            out[i].append(s)
    return out


def _lattice_cells(xs: list[float], ys: list[float], v_at: list[list[_Seg]], h_at: list[list[_Seg]],
                   cover: float) -> list[tuple[int, int, int, int]]:
    """Merged regions of the slot lattice as (row, col, rowspan, colspan)."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _covered(v_at[c + 1], ys[r], ys[r + 1], cover):
                union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows and not _covered(h_at[r + 1], xs[c], xs[c + 1], cover):
                union(r * n_cols + c, (r + 1) * n_cols + c)
    regions: dict[int, list[int]] = {}
    for i in range(n_rows * n_cols):
        regions.setdefault(find(i), []).append(i)
    out = []
    taken: set[int] = set()
    for root in sorted(regions):
        slots = regions[root]
        rows = [i // n_cols for i in slots]
        cols = [i % n_cols for i in slots]
        r0, r1, c0, c1 = min(rows), max(rows), min(cols), max(cols)
        box = {r * n_cols + c for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if box & taken:  # a non-rectangular region: keep only its own slots' rows/cols
            box = set(slots)
        taken |= box
        out.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1))
    return out


def cell_text(glyphs: Sequence[Glyph]) -> str:
    """Lines of a cell top to bottom, joined by newlines (vertical labels: one glyph per line)."""
    return "\n".join(t for t in (ln.text for ln in glyphs_to_lines(glyphs)) if t)


def page_to_grids(page: Page, settings: TableSettings | None = None) -> list[PageGrid]:
    """Every ruled table on `page`, top to bottom, with glyphs assigned to its cells."""
    s = settings or TableSettings()
    size = median_size(page.glyphs)
    snap, join = s.snap * size, s.join * size
    hs = _merge((((r.top + r.bottom) / 2, r.x0, r.x1) for r in page.rules if r.horizontal), snap, join)
    vs = _merge((((r.x0 + r.x1) / 2, r.top, r.bottom) for r in page.rules if not r.horizontal), snap, join)
    out: list[PageGrid] = []
    for comp_h, comp_v in _components(hs, vs, join):
        ys = _cluster((h.pos for h in comp_h), snap)
        xs = _cluster((v.pos for v in comp_v), snap)
        if len(xs) < 2 or len(ys) < 2:
            continue
        v_at, h_at = _by_line(comp_v, xs, snap), _by_line(comp_h, ys, snap)
        out.append(_fill(page, xs, ys, _lattice_cells(xs, ys, v_at, h_at, s.cover)))
    out.sort(key=lambda g: (g.top, g.x0))
    return out


def _fill(page: Page, xs: list[float], ys: list[float], regions: list[tuple[int, int, int, int]]) -> PageGrid:
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    owner: dict[tuple[int, int], int] = {}
    for k, (r, c, rs, cs) in enumerate(regions):
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                owner.setdefault((rr, cc), k)
    buckets: list[list[Glyph]] = [[] for _ in regions]
    for g in page.glyphs:
        if not (xs[0] <= g.cx <= xs[-1] and ys[0] <= g.cy <= ys[-1]):
            continue
        c = min(bisect_right(xs, g.cx) - 1, n_cols - 1)
        r = min(bisect_right(ys, g.cy) - 1, n_rows - 1)
        owned = owner.get((r, c))
        if owned is not None:
            buckets[owned].append(g)
    cells = []
    for (r, c, rs, cs), glyphs in zip(regions, buckets, strict=True):
        conf = min((g.conf for g in glyphs if not g.text.isspace()), default=1.0)
        cells.append(GridCell(row=r, col=c, rowspan=rs, colspan=cs, x0=xs[c], top=ys[r], x1=xs[c + cs],
                              bottom=ys[r + rs], text=cell_text(glyphs), page=page.number, conf=conf))
    cells.sort(key=lambda x: (x.row, x.col))
    return PageGrid(page=page.number, x0=xs[0], top=ys[0], x1=xs[-1], bottom=ys[-1], xs=tuple(xs), ys=tuple(ys),
                    cells=tuple(cells), n_rows=n_rows, n_cols=n_cols, pages=(page.number,))


def inside(g: Glyph, grid: PageGrid) -> bool:
    return grid.x0 <= g.cx <= grid.x1 and grid.top <= g.cy <= grid.bottom


# ---------------------------------------------------------------------------------------------
# Stitching a table cut by page breaks.


@dataclass(slots=True)
class _Cell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    page: int
    box: tuple[float, float, float, float]
    conf: float
    pages: list[int] = field(default_factory=list)


def continues(a: PageGrid, b: PageGrid, size: float) -> bool:
    """Whether `b` (top of the next page) is the continuation of `a` (bottom of this page)."""
    tol = 1.5 * size
    if abs(a.x0 - b.x0) > tol or abs(a.x1 - b.x1) > tol:
        return False
    shared = sum(1 for x in b.xs if any(abs(x - y) <= tol / 3 for y in a.xs))
    return shared >= 0.6 * min(len(a.xs), len(b.xs))


def _rows_text(cells: list[_Cell], n_rows: int) -> list[tuple[str, ...]]:
    rows: list[list[str]] = [[] for _ in range(n_rows)]
    for c in sorted(cells, key=lambda c: (c.row, c.col)):
        rows[c.row].append(re.sub(r"\s+", "", c.text))
    return [tuple(r) for r in rows]


def _same_rows(a: list[tuple[str, ...]], b: list[tuple[str, ...]]) -> bool:
    """Whether two runs of header rows are the same header: cell for cell, and the text alike.

    A header repeated on the next page reads the same from a text layer; OCR reads it again and
    may differ in a character or a bracket's width, so the text need only be nearly the same.
    """
    if [len(r) for r in a] != [len(r) for r in b]:
        return False
    x, y = (unicodedata.normalize("NFKC", "|".join("|".join(r) for r in rows)) for rows in (a, b))
    return x == y or difflib.SequenceMatcher(None, x, y, autojunk=False).ratio() >= 0.9


def _has_number(row: Iterable[_Cell]) -> bool:
    return any(c.text and is_numeric(c.text) for c in row)


def _header_rows(cells: list[_Cell], n_rows: int) -> int:
    """Leading rows without a single number: the column header."""
    for r in range(n_rows):
        if _has_number(c for c in cells if c.row == r):
            return r
    return n_rows


def _same_columns(last: list[_Cell], first: list[_Cell]) -> bool:
    return sorted((c.col, c.colspan) for c in last) == sorted((c.col, c.colspan) for c in first)


def _cut_row(last: list[_Cell], first: list[_Cell]) -> bool:
    """Whether the rows either side of the break are halves of one row.

    Word and LibreOffice let a row break across pages: each cell's lines flow on separately, so
    one half holds the numbers and the other has only the rest of the label, with its value
    cells empty. Two whole rows never look like that (a header row has text in every column).
    """
    if not _same_columns(last, first):
        return False
    above = {c.col: c for c in last}
    below = {c.col: c for c in first}
    for numbers, words in ((above, below), (below, above)):
        if not any(is_numeric(c.text) for c in numbers.values() if c.text):
            continue
        if any(is_numeric(c.text) for c in words.values() if c.text) or not any(c.text for c in words.values()):
            continue
        if all(not words[k].text for k, c in numbers.items() if c.text and is_numeric(c.text)):
            return True
    return False


def _drop_covered_rows(cells: list[_Cell], n_rows: int) -> tuple[list[_Cell], int]:
    """Remove rows in which no cell starts (every slot is the continuation of a cell above)."""
    starts = {c.row for c in cells}
    empty = sorted(r for r in range(n_rows) if r not in starts)
    for r in reversed(empty):
        for c in cells:
            if c.row > r:
                c.row -= 1
            elif c.row + c.rowspan > r:
                c.rowspan -= 1
    return cells, n_rows - len(empty)


def stitch(a: PageGrid, b: PageGrid, size: float) -> PageGrid:
    """One grid from `a` and its continuation `b` on the next page (see the module docstring)."""
    tol = size / 2
    xs = _cluster([*a.xs, *b.xs], tol)

    def col(x: float) -> int:
        return min(range(len(xs)), key=lambda i: abs(xs[i] - x))

    def cells_of(grid: PageGrid) -> list[_Cell]:
        out = []
        for c in grid.cells:
            c0, c1 = col(grid.xs[c.col]), col(grid.xs[c.col + c.colspan])
            out.append(_Cell(c.row, c0, c.rowspan, max(1, c1 - c0), c.text, c.page, (c.x0, c.top, c.x1, c.bottom),
                             c.conf, [c.page]))
        return out

    top, bottom = cells_of(a), cells_of(b)
    n_a, n_b = a.n_rows, b.n_rows
    # 1. A header repeated at the top of the next page.
    head = _header_rows(top, n_a)
    if head and n_b > head and _same_rows(_rows_text(bottom, n_b)[:head], _rows_text(top, n_a)[:head]):
        bottom = [replace(c, row=c.row - head) for c in bottom if c.row >= head]
        n_b -= head
    # 2. Cells cut by the break continue on the next page: a row broken in two (one half has the
    # numbers, the other the rest of the label), a header cell split mid-text, and label cells
    # spanning down to the break over the empty cells under them. Each joins the cell above it.
    last = [c for c in top if c.row + c.rowspan == n_a]
    first = [c for c in bottom if c.row == 0]
    cut = _cut_row(last, first)
    in_header = head == n_a and not _has_number(first)
    for c in first:
        above = next((t for t in last if t.col == c.col and t.colspan == c.colspan), None)
        if above is None:
            continue
        label = bool(above.text) and not is_numeric(above.text)
        if cut or (not c.text and label) or (in_header and label and c.text and not is_numeric(c.text)):
            if c.text:
                above.text = (above.text + "\n" + c.text).strip()
                above.conf = min(above.conf, c.conf)
            above.rowspan += c.rowspan
            bottom.remove(c)
    for c in bottom:
        c.row += n_a
    cells, n_rows = _drop_covered_rows(top + bottom, n_a + n_b)
    return PageGrid(page=a.page, x0=min(a.x0, b.x0), top=a.top, x1=max(a.x1, b.x1), bottom=b.bottom,
                    xs=tuple(xs), ys=a.ys, n_rows=n_rows, n_cols=len(xs) - 1, pages=(*a.pages, *b.pages),
                    cells=tuple(GridCell(row=c.row, col=c.col, rowspan=c.rowspan, colspan=c.colspan,
                                         x0=c.box[0], top=c.box[1], x1=c.box[2], bottom=c.box[3], text=c.text,
                                         page=c.page, conf=c.conf) for c in sorted(cells, key=lambda c: (c.row, c.col))))
