"""Document → canonical Report: metadata, sections, template cells (grids first, text second), checks.

The steps are separate functions: what the document says about itself (metadata, kind), the
tables read from its grids and from its text, the era of each table decided once (`Eras`), the
codebook cells of that era (a cell not printed is there, null with a reason), the sections and the
identity checks. Content problems never raise: they become nulls, reasons and failing checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import cache

from extractors.model import Document, Table
from pipeline import __version__
from pipeline.normalise.checks import (
    Cells,
    Identity,
    t2_checks,
    t3_checks,
    t3_identities,
    t4_checks,
    t4_identities,
    text_checks,
)
from pipeline.normalise.classify import classify
from pipeline.normalise.confirm import confirm_by_identities, has_unsure_readings
from pipeline.normalise.grid_tables import GridRead, read_grids
from pipeline.normalise.metadata import Metadata, extract_metadata
from pipeline.normalise.pre2019 import pre2019_read
from pipeline.normalise.report import CellValue, Check, Report, SectionText, Status
from pipeline.normalise.sections import find_headings, pre2019_sections, split_sections
from pipeline.normalise.text_tables import (
    Flat,
    TableRead,
    find_label,
    first_of,
    missing,
    read_t2,
    read_t3,
    read_t4,
)
from pipeline.template.codebook import cells_for, variables
from pipeline.template.eras import Eras, table_era

Reads = dict[str, TableRead]
_MARKS = frozenset({"blank", "slash", "dash", "none", "zero_or_blank"})
_T3_GROUPS = frozenset({"t3.r3.3", "t3.r3.4", "t3.r3.5", "t3.r3.6"})


def document_text(doc: Document) -> str:
    """The text the token aligner and the section finder read."""
    if doc.text:
        return doc.text
    return "\n".join(doc.iter_text())


def text_to_reads(flat: Flat, year: int | None) -> Reads:
    """Tables found in flattened text, each in its own region."""
    out: Reads = {}
    s_len = len(flat.s)
    t2_start = first_of(flat, ("第二十条第",), 0)
    t3_anchor = first_of(flat, ("勾稽关系", "申请人情况", "本年新收政府信息公开申请数量"), t2_start or 0)
    if t3_anchor is None and year is not None and year < 2019:
        return out
    if t2_start is not None:
        out["t2"] = read_t2(flat, t2_start, t3_anchor if t3_anchor is not None else s_len)
    if t3_anchor is None:
        return out
    r4 = find_label(flat, "t3", "t3.r4", t3_anchor, s_len)
    t4_start = first_of(flat, ("行政复议",), r4.end if r4 else t3_anchor)
    end_t4 = first_of(flat, ("存在的主要问题", "存在问题", "五、"), t4_start) if t4_start is not None else None
    out["t3"] = read_t3(flat, t3_anchor, t4_start if t4_start is not None else s_len)
    if t4_start is not None:
        out["t4"] = read_t4(flat, t4_start, end_t4 if end_t4 is not None else s_len)
    return out


def grid_to_read(table: str, cells: Mapping[tuple[str, str], CellValue], rows_seen: set[str],
                 printed_elsewhere: frozenset[str] = frozenset()) -> TableRead:
    """One table's grid cells as the codebook cells of its era (rows whose labels the text prints
    count as evidence of the era too: a converter may keep a row's label and lose its grid)."""
    era = table_era(table, rows=rows_seen | printed_elsewhere, cols={c for (_, c) in cells})
    read = TableRead(table, era, method="grid")
    for row, col in cells_for(table, era or "2021"):
        read.cells[(row, col)] = cells.get((row, col)) or missing(table, row, col, "cell not found in the printed grid")
    if table == "t3":  # printed group subtotals (non-standard) are kept for T3-GRP
        for (row, col), cell in cells.items():
            if (row, col) not in read.cells and row in _T3_GROUPS:
                read.cells[(row, col)] = cell
    return read


def grids_to_reads(tables: tuple[Table, ...], text_reads: Reads | None = None) -> Reads:
    if not tables:
        return {}
    g: GridRead = read_grids(tables)
    return {table: grid_to_read(table, cells, g.rows_seen.get(table, set()), _rows_printed((text_reads or {}).get(table)))
            for table, cells in g.cells.items() if cells}


def _rows_printed(read: TableRead | None) -> frozenset[str]:
    if read is None or not read.found:
        return frozenset()
    return frozenset(row for (row, _), cell in read.cells.items() if cell.flag != "missing")


def document_reads(doc: Document, flat: Flat, year: int | None) -> Reads:
    """Grids first; a table no grid holds is taken from the text when the text has it."""
    text_reads = text_to_reads(flat, year)
    reads = grids_to_reads(doc.tables, text_reads)
    for table, read in text_reads.items():
        if table not in reads and read.found:
            reads[table] = read
    return reads


def reads_to_eras(reads: Reads, year: int | None) -> Eras:
    return Eras.of_tables(reads["t2"].era if "t2" in reads else None,
                          reads["t3"].era if "t3" in reads else None, year)


def reads_to_cells(reads: Reads, eras: Eras) -> Cells:
    """Every codebook cell of the report's era; a table not found has its cells null with a reason."""
    cells: Cells = {}
    if eras.template == "pre2019":
        return cells
    if eras.template == "unknown":
        # No Table 2 or 3 to tell the era by; Table 4 is the same in every era, so a document that
        # prints only it (a 行政复议/诉讼 attachment) keeps its cells.
        t4 = reads.get("t4")
        if t4 is not None and t4.found:
            cells = {("t4", row, col): cell for (row, col), cell in t4.cells.items()}
        return cells
    for table in ("t2", "t3", "t4"):
        if table in reads:
            for (row, col), cell in reads[table].cells.items():
                cells[(table, row, col)] = cell
        else:
            for row, col in cells_for(table, eras.of(table)):
                cells[(table, row, col)] = missing(table, row, col, f"Table {table[1]} not found in the document")
    return cells


def cells_to_identities(cells: Cells, eras: Eras) -> list[Identity]:
    """The sum identities the cells take part in (only Table 4's where the template is unknown)."""
    if not cells:
        return []
    if eras.template == "unknown":
        return t4_identities()
    return [*t3_identities(cells, eras.of("t3")), *t4_identities()]


def cells_to_checks(cells: Cells, sections: list[SectionText], eras: Eras) -> list[Check]:
    if not cells:
        return []
    printed = {table for table, _, _ in cells}
    if eras.template == "unknown":  # only Table 4 is kept: check only what is there
        return t4_checks(cells) if "t4" in printed else []
    return [*t3_checks(cells, eras.of("t3")), *t4_checks(cells), *t2_checks(cells, eras.of("t2")),
            *text_checks(cells, sections, eras.of("t3"))]


def flat_to_sections(flat: Flat, eras: Eras) -> list[SectionText]:
    headings = find_headings(flat)
    if eras.template == "pre2019" or (eras.template == "unknown" and len(headings) < 3):
        return pre2019_sections(flat)
    return split_sections(flat, headings)


def report_status(cells: Cells, eras: Eras) -> Status:
    """partial when a cell could not be read or no template table was found at all."""
    if eras.template == "unknown" or any(c.value is None and c.flag not in _MARKS for c in cells.values()):
        return "partial"
    return "ok"


def describe(doc: Document, meta: Metadata, kind: str, media_type: str) -> Report:
    """The report row of a document before its content: identity, metadata, provenance."""
    hints = dict(doc.hints)
    uri = doc.source.uri
    return Report(
        report_id=doc.source.sha256, source=uri, media_type=media_type or doc.source.media_type, status="ok",
        title=meta.title, agency=meta.agency, region_code=meta.region.code if meta.region else None,
        region_name=meta.region.name if meta.region else None, admin_level=meta.admin_level,
        report_year=meta.report_year, published=meta.published, doc_kind=kind,
        extractor=doc.extractor, extractor_version=doc.extractor_version, pipeline_version=__version__,
        captured_at=doc.source.captured_at,
        url=hints.get("url") or (uri if uri.startswith(("http://", "https://")) else None),
        index_number=hints.get("index_number"), referrer=hints.get("referrer") or hints.get("via") or None,
        links=tuple(dict.fromkeys(ln.href for ln in doc.links if ln.kind != "image")))


TEMPLATE_MIN_PRINTED = 10
"""A table read holds the template when at least this many of its cells were printed (a number or a
mark): a look-alike's stray label match never reaches it, a tables-only 统计表 always does."""

_UNTITLED = frozenset({"other", "empty"})


def holds_template(reads: Reads) -> bool:
    """Content decides: the document prints at least one of the template's tables."""
    return any(sum(c.flag != "missing" and c.flag != "text" for c in read.cells.values()) >= TEMPLATE_MIN_PRINTED
               for read in reads.values() if read.found)


def normalise(doc: Document, *, media_type: str = "") -> Report:
    """Map one extracted document onto the template; never raises for content problems.

    The cells of a document that prints the template's tables are kept whatever its title says:
    `doc_kind` still names what the document is (a 统计表 published alone, an untitled workbook).
    """
    text = document_text(doc)
    flat = Flat.of(text)
    hints = dict(doc.hints)
    meta = extract_metadata([b.text for b in doc.text_blocks], text, hints)
    kind = classify(meta.title, text, page_kind=hints.get("page_kind"))
    reads = document_reads(doc, flat, meta.report_year)
    if kind != "annual_report" and not holds_template(reads) and not _pre2019_annex(kind, meta.report_year):
        return describe(doc, meta, kind, media_type)
    if kind in _UNTITLED:
        kind = "statistics_table"
    base = describe(doc, meta, kind, media_type)
    eras = reads_to_eras(reads, meta.report_year)
    sections = flat_to_sections(flat, eras)
    cells = reads_to_cells(reads, eras)
    if has_unsure_readings(cells):  # scans only: the other formats never build the identities twice
        cells = confirm_by_identities(cells, cells_to_identities(cells, eras))
    checks = cells_to_checks(cells, sections, eras)
    if eras.template == "pre2019":  # issue #16: the old era's own table `p`
        cells, checks = pre2019_read(doc, flat)
    ordered = tuple(sorted(cells.values(), key=_cell_order()))
    spanned = any(c.locator.startswith("text[") for c in ordered)
    return replace(base, status=report_status(cells, eras), template=eras.template, sections=tuple(sections),
                   cells=ordered, checks=tuple(checks), bbox_unit=doc.bbox_unit, text=text if spanned else None)


def _pre2019_annex(kind: str, year: int | None) -> bool:
    """A 统计表 published on its own before 2019 carries the year's figures (table `p`)."""
    return kind == "statistics_table" and year is not None and year < 2019


_ORDER_KEYS = 1 << 14
"""At most this many cells' order keys are kept (the codebook has some 400 cells; codes it does not know are not)."""


@cache
def _cell_order() -> Callable[[CellValue], tuple[str, int, int]]:
    rank = {(v.table, v.axis, v.code): i for i, v in enumerate(variables())}
    known: dict[tuple[str, str, str], tuple[str, int, int]] = {}

    def key(c: CellValue) -> tuple[str, int, int]:
        """The codebook's order; the key of a (table, row, col) is built once per process."""
        k = (c.table, c.row, c.col)
        out = known.get(k)
        if out is None:
            out = (c.table, rank.get((c.table, "row", c.row), 999), rank.get((c.table, "col", c.col), 999))
            if len(known) < _ORDER_KEYS:
                known[k] = out
        return out

    return key
