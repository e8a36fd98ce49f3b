"""Page geometry in points from the page's top-left: text lines, ruled cells, and where each value sits.

The painters (reportlab for the text PDF, Pillow for the scan) only draw what this module placed, so the
truth of a value's position is computed here once: the cell rectangle around it and the baseline and
left edge of its digits. Each painter turns that into the box its own reader reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .tables import Grid, Spec, place

Measure = Callable[[str, float], float]
Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True, slots=True)
class Text:
    """A line of text; `cell` and `rect` are set for a value (its codebook key and its table cell)."""

    x: float
    baseline: float
    size: float
    text: str
    cell: str | None = None
    rect: Box | None = None


@dataclass
class Page:
    texts: list[Text] = field(default_factory=list)
    rules: list[Box] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Style:
    """Sizes of one rendering; `compact` fits everything on one page (the scan)."""

    width: float = 595.0
    height: float = 842.0
    margin: float = 56.0
    body: float = 11.0
    title: float = 16.0
    cell: float = 8.0
    pad: float = 2.5
    line: float = 1.3  # line height as a multiple of the size


def wrap(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """Break Chinese text anywhere a line would overflow (no spaces to break at)."""
    lines, cur = [], ""
    for ch in text:
        if cur and measure(cur + ch, size) > width:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    return [*lines, cur] if cur else lines


class Flow:
    """Places blocks down the pages; a table is never split (it starts a new page when it does not fit)."""

    def __init__(self, style: Style, measure: Measure) -> None:
        self.s, self.measure = style, measure
        self.pages = [Page()]
        self.y = style.margin

    def _room(self, height: float) -> None:
        if self.y + height > self.s.height - self.s.margin and self.pages[-1].texts:
            self.pages.append(Page())
            self.y = self.s.margin

    def lines(self, text: str, size: float, *, indent: float = 0.0, centre: bool = False) -> None:
        inner = self.s.width - 2 * self.s.margin
        for i, line in enumerate(wrap(text, inner - indent, size, self.measure)):
            step = size * self.s.line
            self._room(step)
            w = self.measure(line, size)
            x = self.s.margin + ((inner - w) / 2 if centre else indent if i == 0 else 0.0)
            self.pages[-1].texts.append(Text(x, self.y + size, size, line))
            self.y += step

    def gap(self, height: float) -> None:
        self.y += height

    def table(self, grid: Grid) -> None:
        inner = self.s.width - 2 * self.s.margin
        xs = [self.s.margin]
        for f in grid.fracs:
            xs.append(xs[-1] + f * inner)
        placed = place(grid)
        heights = self._row_heights(placed, xs, len(grid.rows))
        self._room(sum(heights))
        ys = [self.y]
        for h in heights:
            ys.append(ys[-1] + h)
        for r, c, spec in placed:
            rect = (xs[c], ys[r], xs[c + spec.cs], ys[r + spec.rs])
            self.pages[-1].rules.append(rect)
            self._cell_text(spec, rect)
        self.y = ys[-1]

    def _needed(self, spec: Spec, width: float) -> float:
        size = self.s.cell
        n = len(wrap(spec.text, width - 2 * self.s.pad, size, self.measure)) or 1
        return n * size * self.s.line + 2 * self.s.pad

    def _row_heights(self, placed: list[tuple[int, int, Spec]], xs: list[float], n: int) -> list[float]:
        base = self.s.cell * self.s.line + 2 * self.s.pad
        heights = [base] * n
        for r, c, spec in placed:
            if spec.rs == 1:
                heights[r] = max(heights[r], self._needed(spec, xs[c + spec.cs] - xs[c]))
        for r, c, spec in placed:
            if spec.rs > 1:
                deficit = self._needed(spec, xs[c + spec.cs] - xs[c]) - sum(heights[r:r + spec.rs])
                if deficit > 0:
                    heights[r + spec.rs - 1] += deficit
        return heights

    def _cell_text(self, spec: Spec, rect: Box) -> None:
        size, pad = self.s.cell, self.s.pad
        lines = wrap(spec.text, rect[2] - rect[0] - 2 * pad, size, self.measure)
        step = size * self.s.line
        top = rect[1] + (rect[3] - rect[1] - len(lines) * step) / 2
        for i, line in enumerate(lines):
            w = self.measure(line, size)
            x = rect[0] + (rect[2] - rect[0] - w) / 2
            baseline = top + i * step + (step + size * 0.7) / 2
            self.pages[-1].texts.append(Text(x, baseline, size, line, spec.cell, rect if spec.cell else None))
