"""The three statistical tables of a generated report as printed grids, with the template's spans.

One neutral layout (rows of cells with rowspan/colspan, value cells tagged with their codebook
key) that every grid renderer shares: `to_tables` builds `extractors.model.Table`s directly for the
grid mapper; the HTML, Word and PDF renderers draw the same layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.model import Cell, Document, Table

from .truth import (
    T3_COLS,
    T3_CORNER_NOTE,
    T3_GROUP_LABELS,
    T3_HEADER_ORG,
    T3_RESULT_LABEL,
    T4_COLS,
    T4_ROWS,
    CellKey,
    GeneratedReport,
    t2_blocks,
    t3_rows,
)


@dataclass(frozen=True, slots=True)
class PCell:
    """One printed cell: text, spans, and the codebook key when it holds a value."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    key: CellKey | None = None
    header: bool = False


@dataclass(frozen=True, slots=True)
class PTable:
    name: str
    n_cols: int
    rows: tuple[tuple[PCell, ...], ...]


def t2_layout(report: GeneratedReport) -> PTable:
    rows: list[tuple[PCell, ...]] = []
    for block in t2_blocks(report.era):
        rows.append((PCell(block.caption, colspan=4, header=True),))
        head = [PCell(block.header[0], header=True)]
        width = 3 // len(block.cols)
        for i, h in enumerate(block.header[1:]):
            span = 3 - width * (len(block.cols) - 1) if i == len(block.cols) - 1 else width
            head.append(PCell(h, colspan=span, header=True))
        rows.append(tuple(head))
        for row, _ in block.rows:
            cells = [PCell(report.labels[row])]
            for i, col in enumerate(block.cols):
                span = 3 - width * (len(block.cols) - 1) if i == len(block.cols) - 1 else width
                cells.append(PCell(report.raw[("t2", row, col)], colspan=span, key=("t2", row, col)))
            rows.append(tuple(cells))
    return PTable("t2", 4, tuple(rows))


def t3_layout(report: GeneratedReport) -> PTable:
    data_rows = t3_rows(report.era)
    n_result = sum(1 for code, _ in data_rows if code.startswith("t3.r3."))
    group_sizes = {first: sum(1 for code, _ in data_rows if code.startswith(first.rsplit(".", 1)[0] + "."))
                   for first in T3_GROUP_LABELS}
    rows: list[tuple[PCell, ...]] = [
        (PCell(T3_CORNER_NOTE, rowspan=3, colspan=3, header=True), PCell("申请人情况", colspan=7, header=True)),
        (PCell("自\n然\n人", rowspan=2, header=True), PCell("法人或其他组织", colspan=5, header=True),
         PCell("总计", rowspan=2, header=True)),
        tuple(PCell(h, header=True) for h in T3_HEADER_ORG),
    ]
    for code, _ in data_rows:
        label = report.labels[code]
        values = tuple(PCell(report.raw[("t3", code, c)], key=("t3", code, c)) for c in T3_COLS)
        lead: list[PCell] = []
        if code in {"t3.r1", "t3.r2", "t3.r4"}:
            lead = [PCell(label, colspan=3)]
        else:
            if code == "t3.r3.1":
                lead.append(PCell(T3_RESULT_LABEL, rowspan=n_result))
            if code in T3_GROUP_LABELS and code in group_sizes and group_sizes[code] > 0:
                lead.append(PCell(T3_GROUP_LABELS[code], rowspan=group_sizes[code]))
                lead.append(PCell(label))
            elif code.count(".") == 3:
                lead.append(PCell(label))
            else:
                lead.append(PCell(label, colspan=2))
        rows.append((*lead, *values))
    return PTable("t3", 10, tuple(rows))


def t4_layout(report: GeneratedReport) -> PTable:
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    rows: list[tuple[PCell, ...]] = [
        (PCell("行政复议", colspan=5, header=True), PCell("行政诉讼", colspan=10, header=True)),
        (*(PCell(h, rowspan=2, header=True) for h in results),
         PCell("未经复议直接起诉", colspan=5, header=True), PCell("复议后起诉", colspan=5, header=True)),
        tuple(PCell(h, header=True) for h in results * 2),
        tuple(PCell(report.raw[("t4", r, c)], key=("t4", r, c)) for r in T4_ROWS for c in T4_COLS),
    ]
    return PTable("t4", 15, tuple(rows))


def layouts(report: GeneratedReport) -> tuple[PTable, PTable, PTable]:
    return t2_layout(report), t3_layout(report), t4_layout(report)


def place(table: PTable) -> list[tuple[int, int, PCell]]:
    """(row, col, cell) anchors, resolving rowspans the way a browser lays out an HTML table."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


def to_tables(report: GeneratedReport, *, split_t3_at: int | None = None) -> tuple[Table, ...]:
    """The layouts as `Table` grids; `split_t3_at` cuts Table 3 in two at that body row (a page break)."""
    out: list[Table] = []
    for layout in layouts(report):
        anchors = place(layout)
        parts = [anchors]
        if layout.name == "t3" and split_t3_at is not None:
            cut = 3 + split_t3_at
            parts = [[a for a in anchors if a[0] < cut], [a for a in anchors if a[0] >= cut]]
        for part in parts:
            base = part[0][0]
            n_rows = max(r + cell.rowspan for r, _, cell in part) - base
            cells = tuple(Cell(row=r - base, col=c, text=cell.text, rowspan=min(cell.rowspan, n_rows - (r - base)),
                               colspan=cell.colspan) for r, c, cell in part)
            out.append(Table(cells=cells, n_rows=n_rows, n_cols=layout.n_cols, index=len(out)))
    return tuple(out)


def to_document(report: GeneratedReport, *, split_t3_at: int | None = None) -> Document:
    """A `Document` as a grid-producing extractor would return it: text blocks and the three grids."""
    import hashlib

    from extractors.model import Document, SourceRef, TextBlock

    from .truth import format_date

    tables = to_tables(report, split_t3_at=split_t3_at)
    t2, t3, t4 = tables[0], tables[1:-1], tables[-1]
    blocks: list[TextBlock | Table] = [TextBlock(text=report.title, kind="heading"), TextBlock(text=report.intro)]
    for code in ("overview", "proactive", "requests", "appeals", "problems", "other"):
        blocks.append(TextBlock(text=report.sections[code], kind="heading"))
        if code == "proactive":
            blocks.append(t2)
        elif code == "requests":
            blocks.extend(t3)
        elif code == "appeals":
            blocks.append(t4)
        elif report.section_bodies.get(code):
            blocks.append(TextBlock(text=report.section_bodies[code], kind="paragraph"))
    blocks += [TextBlock(text=report.agency), TextBlock(text=format_date(report.published, report.published_style))]
    digest = hashlib.sha256(report.key.encode()).hexdigest()
    return Document(source=SourceRef(uri=f"gen://{report.key}", sha256=digest, media_type="test/grid"),
                    blocks=tuple(blocks), extractor="test-grid", extractor_version="0")
