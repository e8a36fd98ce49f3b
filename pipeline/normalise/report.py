"""The canonical records the pipeline produces: a report, its sections, cells and checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pipeline.template.eras import Template

__all__ = ["Assembly", "CellValue", "Check", "CheckStatus", "Part", "Report", "SectionText", "Severity", "Status",
           "Template"]

Status = Literal["ok", "partial", "failed"]
CheckStatus = Literal["pass", "fail", "uncertain"]
Severity = Literal["hard", "soft"]
Assembly = Literal["member", "assembled"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CellValue:
    """One codebook cell of one report: the printed text and the value read from it.

    `flag` says what was printed: number, blank, zero-like marks ("/", "—", "无"), unreadable
    text, or that the cell could not be located (`missing`) or recovered (`ambiguous`);
    `value` is null for everything but a number. `reason` explains every null that is not a
    printed blank/mark. `locator` points at the source: ``table[i]/r<row>/c<col>`` for grids,
    ``text[<start>:<end>]`` (character offsets) for flattened text.
    """

    table: str
    row: str
    col: str
    value: float | None
    raw: str
    flag: str
    reason: str = ""
    page: int | None = None
    method: str = ""
    locator: str = ""
    unit: str = ""
    confidence: float = 1.0
    label: str = ""
    """The row label as printed, where it varies by form (pre-2019 统计表 and prose)."""
    member: str | None = None
    """On a cell of an assembled report: the `report_id` of the member it was taken from."""
    bbox_unit: str = ""
    """Unit of `bbox` when it differs from its report's (a cell an assembled report took from a member)."""
    bbox: tuple[float, float, float, float] | None = None
    """(x0, top, x1, bottom) of the printed cell on `page`, in the report's `bbox_unit`; None where the
    format has no coordinates (HTML, Word, text)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    rule: str
    scope: str
    lhs: float | None
    rhs: float | None
    status: CheckStatus
    severity: Severity
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionText:
    ordinal: int
    code: str
    heading: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """Which unit of which container a report came from, so the run knows when a container is done.

    `of` units were found in `container`; this report is one of the `reports` reports that unit
    `index` gave (a nested container gives several). Internal: not a dataset column.
    """

    container: str
    of: int
    index: int
    reports: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    report_id: str
    source: str
    media_type: str
    status: Status
    error: str = ""
    title: str | None = None
    agency: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    admin_level: str | None = None
    report_year: int | None = None
    published: str | None = None
    template: Template = "unknown"
    doc_kind: str = "annual_report"
    extractor: str = ""
    extractor_version: str = ""
    pipeline_version: str = ""
    captured_at: str | None = None
    url: str | None = None
    """Where the document was published (from the capture or the archiver's header), if known."""
    index_number: str | None = None
    """The portal's 索引号 (its prefix is the organisation / unified social credit code)."""
    sections: tuple[SectionText, ...] = field(default=())
    cells: tuple[CellValue, ...] = field(default=())
    checks: tuple[Check, ...] = field(default=())
    referrer: str | None = None
    """The page the capture was reached from (HTTP Referer of its request record, or the crawler's via)."""
    links: tuple[str, ...] = ()
    """Outgoing links of an HTML page, resolved against its URL: the evidence for assembly (not a column)."""
    assembly: Assembly | None = None
    """`member` of an assembled report, or the `assembled` report itself; None when stand-alone."""
    assembled_into: str | None = None
    """On a member: the `report_id` of the assembled report."""
    also_sources: tuple[str, ...] = ()
    """More sources of this row besides `source` (an assembled report lists every member's)."""
    part: Part | None = field(default=None, compare=False)
    """Where the run found it (internal routing for assembly; never written)."""
    bbox_unit: str = "pt"
    """Unit of the cells' boxes (the extractor's): pt for PDF pages and their scans, px for image files."""
    text: str | None = None
    """The document's extracted text, kept when a cell's `text[a:b]` locator points into it (a viewer
    highlights the span in exactly this string)."""
