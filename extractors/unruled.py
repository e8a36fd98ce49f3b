"""Unruled tables: rows rebuilt from positioned words when no rule draws the grid.

Shared by every fixed-layout source that reaches `reading.page_layout` (PDF text layers, OCR
words, OFD). Without rules, columns exist only as text alignment: each line is cut into pieces
at wide gaps; a line with two or more trailing numeric pieces is a table row, and the x-ranges of
its numbers, merged over the rows of one close run of lines, are the numeric column bands
(left-, right- or centre-aligned numbers all overlap their column's band, neighbours never do).

A cell's label that wraps leaves a line with label text and nothing in the bands between two
rows: it belongs to the row above (Word sets cell text from the top), and is joined column by
column, so "禁" + "止公开" reads "禁止公开" rather than the next row's start. A number that wraps
in a narrow cell leaves a piece in the same band with no label of its own: it is joined to the
number above only when that number fills its band (a number is never a prefix of a wrapped one
otherwise); a piece under an empty band is left alone and the row records why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .layout_tables import is_numeric
from .pages import Glyph, Line

GAP = 0.8
"""A gap wider than this many glyph sizes separates two pieces (cells) of a line."""
CLOSE = 1.2
"""Lines of one table are closer than this many glyph sizes (baseline to baseline gap)."""


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of glyphs without a wide gap: one cell's text on one line."""

    glyphs: tuple[Glyph, ...]

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    @property
    def numeric(self) -> bool:
        return is_numeric(self.text)


@dataclass(frozen=True, slots=True)
class UnruledRow:
    """One rebuilt row: its label (columns joined), one value per band, the lines it took."""

    label: str
    cells: tuple[str | None, ...]
    lines: tuple[Line, ...]
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UnruledTable:
    """A run of rows sharing numeric column bands."""

    bands: tuple[tuple[float, float], ...]
    rows: tuple[UnruledRow, ...]


def pieces(line: Line) -> list[Piece]:
    """The line cut at spaces and at gaps wider than `GAP` glyph sizes."""
    out: list[list[Glyph]] = []
    prev: Glyph | None = None
    for g in line.glyphs:
        if g.text.isspace():
            prev = None
            continue
        if prev is None or g.x0 - prev.x1 > GAP * min(g.size, prev.size):
            out.append([])
        out[-1].append(g)
        prev = g
    return [Piece(tuple(p)) for p in out]


def _numbers(ps: list[Piece]) -> list[Piece]:
    """The trailing numeric pieces of a line."""
    k = len(ps)
    while k and ps[k - 1].numeric:
        k -= 1
    return ps[k:]


def _is_row(line: Line) -> bool:
    return len(_numbers(pieces(line))) >= 2


def _runs(lines: Sequence[Line]) -> list[list[Line]]:
    """Maximal runs of lines set close together (one table, or one paragraph)."""
    runs: list[list[Line]] = []
    for ln in lines:
        prev = runs[-1][-1] if runs else None
        if prev is not None and 0 <= ln.top - prev.bottom <= CLOSE * max(ln.size, prev.size):
            runs[-1].append(ln)
        else:
            runs.append([ln])
    return runs


def _bands(rows: Sequence[Line]) -> list[tuple[float, float]]:
    spans = sorted((p.x0, p.x1) for ln in rows for p in _numbers(pieces(ln)))
    bands: list[list[float]] = []
    for x0, x1 in spans:
        if bands and x0 <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    return [(a, b) for a, b in bands]


def _band_of(p: Piece, bands: Sequence[tuple[float, float]]) -> int | None:
    for i, (a, b) in enumerate(bands):
        if p.x0 <= b and p.x1 >= a:
            return i
    return None


class _Group:
    """The lines of one row being gathered, with their pieces by label column and band."""

    def __init__(self, line: Line, bands: Sequence[tuple[float, float]], size: float) -> None:
        self.lines = [line]
        self.bands = bands
        self.size = size
        ps = pieces(line)
        nums = _numbers(ps)
        self.labels: list[list[Piece]] = [[p] for p in ps[: len(ps) - len(nums)]]
        self.cells: dict[int, list[Piece]] = {}
        self.reasons: list[str] = []
        for p in nums:
            b = _band_of(p, bands)
            if b is not None:
                self.cells.setdefault(b, []).append(p)

    def _fills(self, b: int) -> bool:
        """Whether the band's number runs to the band's right edge (so it may go on below)."""
        return b in self.cells and self.cells[b][-1].x1 >= self.bands[b][1] - 0.5 * self.size

    def take(self, line: Line, sandwiched: bool) -> bool:
        """Join `line` when it continues this row: a wrapped label, or wrapped numbers."""
        ps = pieces(line)
        marks = [_band_of(p, self.bands) for p in ps]
        if any(p.numeric != (b is not None) for p, b in zip(ps, marks, strict=True)):
            return False  # text in a band or a number outside them: not a continuation
        bands = [b for b in marks if b is not None]
        if not bands:
            return sandwiched and self._join(ps, marks, line)
        if all(self._fills(b) for b in bands):
            return self._join(ps, marks, line)
        if len(bands) == len(ps):
            self.reasons.append(f"a number piece below the row has no number above it to continue: {line.text!r}")
        return False

    def _join(self, ps: list[Piece], marks: list[int | None], line: Line) -> bool:
        for p, b in zip(ps, marks, strict=True):
            if b is None:
                self._label(p)
            else:
                self.cells[b].append(p)
        self.lines.append(line)
        return True

    def _label(self, p: Piece) -> None:
        for col in self.labels:
            if abs(col[0].x0 - p.x0) <= self.size:
                col.append(p)
                return
        self.labels.append([p])
        self.labels.sort(key=lambda col: col[0].x0)

    def glyphs(self) -> tuple[Glyph, ...]:
        cols = [*self.labels, *(self.cells[b] for b in sorted(self.cells))]
        return tuple(g for col in cols for p in col for g in p.glyphs)

    def row(self) -> UnruledRow:
        label = "".join(p.text for col in self.labels for p in col)
        cells = tuple("".join(p.text for p in self.cells[b]) if b in self.cells else None
                      for b in range(len(self.bands)))
        return UnruledRow(label=label, cells=cells, lines=tuple(self.lines), reasons=tuple(self.reasons))

    def line(self) -> Line:
        if len(self.lines) == 1:
            return self.lines[0]
        ls = self.lines
        return Line(glyphs=self.glyphs(), x0=min(ln.x0 for ln in ls), top=ls[0].top,
                    x1=max(ln.x1 for ln in ls), bottom=ls[-1].bottom, size=ls[0].size)


def _group_run(run: Sequence[Line]) -> tuple[list[tuple[float, float]], list[_Group | Line]]:
    """One close run of lines → its bands and, in order, row groups and untouched lines."""
    flags = [_is_row(ln) for ln in run]
    if sum(flags) < 2:
        return [], list(run)
    bands = _bands([ln for ln, f in zip(run, flags, strict=True) if f])
    out: list[_Group | Line] = []
    cur: _Group | None = None
    for i, ln in enumerate(run):
        if flags[i]:
            cur = _Group(ln, bands, ln.size)
            out.append(cur)
            continue
        if cur is not None and cur.take(ln, sandwiched=any(flags[i + 1:])):
            continue
        cur = None
        out.append(ln)
    return bands, out


def rebuild(lines: Sequence[Line]) -> list[UnruledTable]:
    """The unruled tables among `lines` (top to bottom), their rows rebuilt."""
    tables = []
    for run in _runs(lines):
        bands, items = _group_run(run)
        rows = tuple(it.row() for it in items if isinstance(it, _Group))
        if rows:
            tables.append(UnruledTable(bands=tuple(bands), rows=rows))
    return tables


def join_wrapped(lines: Sequence[Line]) -> list[Line]:
    """`lines` with each unruled table row's wrapped label and number lines joined into one line."""
    out: list[Line] = []
    for run in _runs(lines):
        _, items = _group_run(run)
        out.extend(it.line() if isinstance(it, _Group) else it for it in items)
    return out
