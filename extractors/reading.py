"""Page model → text blocks in reading order, and a whole fixed-layout document → `Document`.

Lines outside the tables are read top to bottom; page folios ("- 3 -") are dropped; wrapped lines
of one paragraph are joined (Chinese is set without spaces, so they are joined with nothing) when
a line runs to the right margin and the next one is not indented; a paragraph continues over a
page break the same way. Headings are recognised by their numbering (一、 / （一）) on a short
line, or by a larger or bold font. The title is the large-font lines at the top of page one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .layout_tables import PageGrid, continues, inside, median_size, page_to_grids, stitch
from .model import Block, Cell, Table, TextBlock
from .pages import Line, Page, glyphs_to_lines, is_page_number
from .unruled import join_wrapped

_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)])")
_SENTENCE_END = re.compile(r"[。！？!?]$")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Para:
    text: str
    page: int
    bbox: tuple[float, float, float, float]
    kind: str
    open_end: bool
    """Whether the paragraph's last line runs to the right margin (it may go on)."""


@dataclass(frozen=True, slots=True)
class PageLayout:
    """What one page holds, in reading order: text paragraphs and table grids."""

    number: int
    items: tuple[_Para | PageGrid, ...]
    size: float


def _furniture(line: Line, page: Page) -> bool:
    """A running folio at the top or bottom margin of the page."""
    near_edge = line.top > 0.88 * page.height or line.bottom < 0.08 * page.height
    text = line.text
    # OCR reads "— 3 —" as "—31" or "-3一": a short run of dashes and digits is still a folio.
    ocr_folio = bool(re.fullmatch(r"[\s\-—–－_·•一|Il\d]{1,8}", text)) and any(ch.isdigit() for ch in text)
    return near_edge and (is_page_number(text) or ocr_folio)


def _paragraphs(lines: Sequence[Line], page: Page, body: float, first_page: bool) -> list[_Para]:
    if not lines:
        return []
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    out: list[_Para] = []
    cur: list[Line] = []

    def flush(kind: str) -> None:
        if not cur:
            return
        text = _join(ln.text for ln in cur)
        box = (min(ln.x0 for ln in cur), cur[0].top, max(ln.x1 for ln in cur), cur[-1].bottom)
        open_end = kind == "paragraph" and cur[-1].x1 >= right - 1.5 * cur[-1].size
        out.append(_Para(text=text, page=page.number, bbox=box, kind=kind, open_end=open_end))
        cur.clear()

    in_title = first_page
    for ln in lines:
        text = ln.text
        big = ln.size >= 1.25 * body
        if in_title and big and (not cur or abs(cur[-1].size - ln.size) < 0.25 * ln.size):
            cur.append(ln)
            continue
        if in_title:
            flush("heading")
            in_title = False
        if _is_heading(ln, text, body, right):
            flush("paragraph")
            cur.append(ln)
            flush("heading")
            continue
        if cur:
            prev = cur[-1]
            runs_on = prev.x1 >= right - 1.5 * prev.size and not _SENTENCE_END.search(prev.text)
            flush_left = ln.x0 <= left + 0.8 * ln.size
            close = ln.top - prev.bottom <= 1.2 * max(prev.size, ln.size)
            if not (runs_on and flush_left and close):
                flush("paragraph")
        cur.append(ln)
    flush("heading" if in_title else "paragraph")
    return out


def _is_heading(ln: Line, text: str, body: float, right: float) -> bool:
    short = len(text) <= 40 and ln.x1 < right - 2 * ln.size
    if _HEADING.match(text) and (short or ln.bold):
        # "（一）主动公开情况。主要通过…" starts a paragraph; a heading stands on its own line.
        return not re.search(r"[。；;]", text[:-1])
    return (short and (ln.bold or ln.size >= 1.15 * body) and not is_page_number(text)
            and not _SENTENCE_END.search(text))


def _join(parts: Iterable[str]) -> str:
    out = ""
    for part in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and part[:1].isascii() and part[:1].isalnum():
            out += " "
        out += part
    return out


def page_layout(page: Page, *, body: float | None = None) -> PageLayout:
    """Tables and paragraphs of one page, ordered top to bottom."""
    size = median_size(page.glyphs)
    grids = page_to_grids(page)
    tables = [g for g in grids if not g.is_text_box]
    free = [g for g in page.glyphs if not any(inside(g, t) for t in tables)]
    size = median_size(free, size)
    lines = join_wrapped([ln for ln in glyphs_to_lines(free) if ln.text and not _furniture(ln, page)])
    paras = _paragraphs(lines, page, body or size, page.number == 1)
    items: list[_Para | PageGrid] = [*paras, *tables]
    items.sort(key=lambda it: it.bbox[1] if isinstance(it, _Para) else it.top)
    return PageLayout(page.number, tuple(items), size)


def layouts_to_blocks(layouts: Iterable[PageLayout], *, method: str = "grid",
                      methods: dict[int, str] | None = None) -> list[Block]:
    """Page layouts → document blocks: paragraphs continued over breaks, tables stitched."""
    methods = methods or {}
    items: list[_Para | PageGrid] = []
    size = 10.0
    for lay in layouts:
        size = lay.size
        for k, it in enumerate(lay.items):
            prev = items[-1] if items else None
            first = k == 0
            if first and isinstance(it, PageGrid) and isinstance(prev, PageGrid) and prev.pages[-1] == it.page - 1 \
                    and continues(prev, it, size):
                items[-1] = stitch(prev, it, size)
                continue
            if first and isinstance(it, _Para) and isinstance(prev, _Para) and prev.page == it.page - 1 \
                    and prev.kind == "paragraph" and it.kind == "paragraph" and prev.open_end \
                    and it.bbox[0] <= prev.bbox[0] + 0.8 * size:
                items[-1] = _Para(text=_join((prev.text, it.text)), page=prev.page, bbox=prev.bbox,
                                  kind="paragraph", open_end=it.open_end)
                continue
            items.append(it)
    blocks: list[Block] = []
    n_tables = 0
    for it in items:
        if isinstance(it, _Para):
            kind: Literal["heading", "paragraph"] = "heading" if it.kind == "heading" else "paragraph"
            blocks.append(TextBlock(text=it.text, page=it.page, bbox=it.bbox, kind=kind))
        else:
            blocks.append(grid_to_table(it, index=n_tables, method=methods.get(it.page, method)))
            n_tables += 1
    return blocks


def grid_to_table(grid: PageGrid, *, index: int, method: str = "grid") -> Table:
    cells = tuple(Cell(row=c.row, col=c.col, text=c.text, rowspan=c.rowspan, colspan=c.colspan, page=c.page,
                       bbox=(c.x0, c.top, c.x1, c.bottom), confidence=c.conf) for c in grid.cells)
    return Table(cells=cells, n_rows=grid.n_rows, n_cols=grid.n_cols, index=index, page=grid.page, method=method)
