"""The format-neutral document every extractor returns.

Extractors know the shapes of documents (pages, lines, grids with spans), never the
template: no codebook code appears here. The pipeline maps a `Document` onto the template.
Records are frozen so a document can be shared between stages and processes safely.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

BBox = tuple[float, float, float, float]
"""(x0, top, x1, bottom) in the page's own units (points for PDF)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRef:
    """Where the bytes came from: a path or URL, their digest and (for crawls) the capture."""

    uri: str
    sha256: str
    media_type: str = ""
    captured_at: str | None = None
    capture_id: str | None = None
    """WARC-Record-ID (or row locator for a record inside a container file)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TextBlock:
    """A run of text in reading order: a line, a paragraph or a heading."""

    text: str
    page: int | None = None
    bbox: BBox | None = None
    kind: Literal["line", "paragraph", "heading"] = "line"
    offset: int | None = None
    """Character offset of the block in the decoded source text, where the format has one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One printed cell of a grid, anchored at its top-left slot, with its real spans."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    bbox: BBox | None = None
    confidence: float = 1.0
    """How sure the extractor is of `text`: 1.0 when read from a text layer, the OCR score for scans."""


_new_object = object.__new__
CELL_FIELDS = ("row", "col", "text", "rowspan", "colspan", "page", "bbox", "confidence")
"""The fields `new_cell` sets, in order; a test holds them equal to `Cell`'s own."""
_SET_ROW, _SET_COL, _SET_TEXT, _SET_ROWSPAN, _SET_COLSPAN, _SET_PAGE, _SET_BBOX, _SET_CONFIDENCE = (
    getattr(Cell, name).__set__ for name in CELL_FIELDS)  # the slots' own descriptors


def new_cell(row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1, page: int | None = None,
             bbox: BBox | None = None, confidence: float = 1.0) -> Cell:
    """The same frozen `Cell` as ``Cell(row=…, …)``, built at under half the cost.

    Extractors build a few hundred cells per page. The generated ``__init__`` of a frozen
    dataclass sets each field through ``object.__setattr__`` and parses keywords; setting the
    slots through their descriptors skips both (measured 1.4 → 0.6 µs per cell, the largest
    single cost of an HTML table after parsing).
    """
    cell = _new_object(Cell)
    _SET_ROW(cell, row)
    _SET_COL(cell, col)
    _SET_TEXT(cell, text)
    _SET_ROWSPAN(cell, rowspan)
    _SET_COLSPAN(cell, colspan)
    _SET_PAGE(cell, page)
    _SET_BBOX(cell, bbox)
    _SET_CONFIDENCE(cell, confidence)
    return cell


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A grid as printed: anchored cells with spans; `grid()` expands the spans."""

    cells: tuple[Cell, ...]
    n_rows: int
    n_cols: int
    index: int = 0
    """Position of this table among the document's tables (provenance: table[index])."""
    page: int | None = None
    method: str = "grid"

    def grid(self) -> list[list[Cell | None]]:
        """Slot matrix where each spanned slot points at its anchor cell."""
        out: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        n_rows, n_cols = self.n_rows, self.n_cols
        for cell in self.cells:
            row, col = cell.row, cell.col
            if cell.rowspan == 1 and cell.colspan == 1:  # most cells: one slot, no span to walk
                if row < n_rows and col < n_cols and out[row][col] is None:
                    out[row][col] = cell
                continue
            cols = range(col, min(col + cell.colspan, n_cols))
            for r in range(row, min(row + cell.rowspan, n_rows)):
                slots = out[r]
                for c in cols:
                    if slots[c] is None:
                        slots[c] = cell
        return out

    def text_rows(self) -> list[list[str]]:
        """Anchored cell texts per row (spanned slots left out), in column order."""
        rows: list[list[str]] = [[] for _ in range(self.n_rows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            rows[cell.row].append(cell.text)
        return rows


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A hyperlink or embedded object: attachments and images the pipeline may follow."""

    href: str
    text: str = ""
    kind: Literal["link", "attachment", "image"] = "link"


Block = TextBlock | Table


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """What every extractor returns: blocks in reading order plus links and metadata hints.

    `hints` carries what the container said about the document (a page's `<meta>` tags, an
    archiver's header, a crawled record's columns): keys such as ``title``, ``published``,
    ``agency``, ``url``, ``column``. They are hints: the pipeline decides.
    """

    source: SourceRef
    blocks: tuple[Block, ...]
    links: tuple[Link, ...] = ()
    hints: tuple[tuple[str, str], ...] = ()
    extractor: str = ""
    extractor_version: str = ""
    text: str = field(default="", repr=False)
    """The decoded text of the whole document, when the format is text-like (offsets point here)."""
    bbox_unit: Literal["pt", "px", "mm"] = "pt"
    """Unit of every `bbox` in the blocks: PDF points (scans of PDF pages too), pixels of an image
    file, millimetres of an OFD page; each from the page's top-left."""

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))

    @property
    def text_blocks(self) -> tuple[TextBlock, ...]:
        return tuple(b for b in self.blocks if isinstance(b, TextBlock))

    def hint(self, key: str) -> str | None:
        for k, v in self.hints:
            if k == key and v:
                return v
        return None

    def iter_text(self) -> Iterator[str]:
        for block in self.blocks:
            if isinstance(block, TextBlock):
                yield block.text
