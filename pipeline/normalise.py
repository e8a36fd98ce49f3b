"""Document → canonical Report: metadata, sections, template cells (grids first, text second), checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from extractors.model import Document, Table

from . import __version__
from .checks import Cells, t2_checks, t3_checks, t4_checks, text_checks
from .classify import classify
from .codebook import cells_for
from .grids import read_grids
from .metadata import extract_metadata
from .records import CellValue, Check, Report, SectionText, Status, Template
from .sections import find_headings, pre2019_sections, split_sections
from .tokens import Flat, TableRead, find_label, first_of, missing, read_t2, read_t3, read_t4


def document_text(doc: Document) -> str:
    """The text the token aligner and the section finder read."""
    if doc.text:
        return doc.text
    return "\n".join(doc.iter_text())


def _text_tables(flat: Flat, year: int | None) -> dict[str, TableRead]:
    """Tables found in flattened text, each in its own region."""
    out: dict[str, TableRead] = {}
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


def _grid_tables(tables: tuple[Table, ...]) -> dict[str, TableRead]:
    if not tables:
        return {}
    g = read_grids(tables)
    out: dict[str, TableRead] = {}
    for table, cells in g.cells.items():
        if not cells:
            continue
        if table == "t3":
            rows = g.rows_seen.get("t3", set())
            era = "2021" if rows & {"t3.r3.6.1", "t3.r3.6.2", "t3.r3.6.3"} else "2019"
        elif table == "t2":
            cols = {c for (_, c) in cells}
            era = "2019" if cols & {"made_new", "pub_new", "pub_total", "items_prev", "items_delta",
                                    "proc_items", "proc_amount"} else "2021"
        else:
            era = None
        read = TableRead(table, era, method="grid")
        for row, col in cells_for(table, era or "2021"):
            read.cells[(row, col)] = cells.get((row, col)) or missing(
                table, row, col, "cell not found in the printed grid")
        if table == "t3":  # printed group subtotals (non-standard) are kept for T3-GRP
            for (row, col), cell in cells.items():
                if (row, col) not in read.cells and row in {"t3.r3.3", "t3.r3.4", "t3.r3.5", "t3.r3.6"}:
                    read.cells[(row, col)] = cell
        out[table] = read
    return out


def _template(reads: dict[str, TableRead], year: int | None) -> Template:
    t2 = reads["t2"].era if "t2" in reads else None
    t3 = reads["t3"].era if "t3" in reads else None
    eras = {e for e in (t2, t3) if e}
    if not eras:
        return "pre2019" if year is not None and year < 2019 else "unknown"
    if len(eras) == 2:
        return "hybrid"
    return "2021" if "2021" in eras else "2019"


def normalise(doc: Document, *, media_type: str = "") -> Report:
    """Map one extracted document onto the template; never raises for content problems."""
    text = document_text(doc)
    flat = Flat.of(text)
    lines = [b.text for b in doc.text_blocks]
    hints = dict(doc.hints)
    meta = extract_metadata(lines, text, hints)
    kind = classify(meta.title, text, page_kind=hints.get("page_kind"))
    base = {
        "report_id": doc.source.sha256, "source": doc.source.uri, "media_type": media_type or doc.source.media_type,
        "title": meta.title, "agency": meta.agency, "region_code": meta.region.code if meta.region else None,
        "region_name": meta.region.name if meta.region else None, "admin_level": meta.admin_level,
        "report_year": meta.report_year, "published": meta.published, "doc_kind": kind,
        "extractor": doc.extractor, "extractor_version": doc.extractor_version,
        "pipeline_version": __version__, "captured_at": doc.source.captured_at,
        "url": hints.get("url") or (doc.source.uri if doc.source.uri.startswith(("http://", "https://")) else None),
        "index_number": hints.get("index_number"),
    }
    if kind != "annual_report":
        return Report(status="ok", template="unknown", **base)  # type: ignore[arg-type]

    reads = _grid_tables(doc.tables)
    text_reads = _text_tables(flat, meta.report_year)
    for table, read in text_reads.items():
        if table not in reads and read.found:
            reads[table] = read
    template = _template(reads, meta.report_year)

    headings = find_headings(flat)
    sections: list[SectionText]
    if template == "pre2019" or (template == "unknown" and len(headings) < 3):
        sections = pre2019_sections(flat)
    else:
        sections = split_sections(flat, headings)

    cells: Cells = {}
    if template not in {"pre2019", "unknown"}:
        eras = {"t2": reads["t2"].era if "t2" in reads else None, "t3": reads["t3"].era if "t3" in reads else None}
        default = "2021" if template in {"2021", "hybrid"} else "2019"
        for table in ("t2", "t3", "t4"):
            era = eras.get(table) or (default if table != "t3" or template != "hybrid" else "2019")
            if table in reads:
                for (row, col), cell in reads[table].cells.items():
                    cells[(table, row, col)] = cell
            else:
                for row, col in cells_for(table, era):
                    cells[(table, row, col)] = missing(table, row, col, f"Table {table[1]} not found in the document")
    checks: list[Check] = []
    if cells:
        t2_era = reads["t2"].era if "t2" in reads else ("2021" if template != "2019" else "2019")
        t3_era = reads["t3"].era if "t3" in reads else ("2019" if template == "2019" else "2021")
        checks += t3_checks(cells, t3_era or "2021")
        checks += t4_checks(cells)
        checks += t2_checks(cells, t2_era or "2021")
        checks += text_checks(cells, sections, t3_era)
    status: Status = "ok"
    if cells and any(c.value is None and c.flag not in {"blank", "slash", "dash", "none", "zero_or_blank"} for c in cells.values()):
        status = "partial"
    if template == "unknown":
        status = "partial"
    ordered = tuple(sorted(cells.values(), key=_cell_order()))
    return Report(status=status, template=template, sections=tuple(sections), cells=ordered,
                  checks=tuple(checks), **base)  # type: ignore[arg-type]


@cache
def _cell_order() -> Callable[[CellValue], tuple[str, int, int]]:
    from .codebook import variables

    rank: dict[tuple[str, str, str], int] = {}
    for i, v in enumerate(variables()):
        rank[(v.table, v.axis, v.code)] = i

    def key(c: CellValue) -> tuple[str, int, int]:
        return (c.table, rank.get((c.table, "row", c.row), 999), rank.get((c.table, "col", c.col), 999))

    return key
