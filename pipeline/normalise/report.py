"""The canonical records the pipeline produces: a report, its sections, cells and checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pipeline.template.eras import Template

__all__ = ["Assembly", "CellValue", "Check", "CheckStatus", "Part", "Report", "SectionText", "Severity", "Status",
           "Template", "new_cell_value", "new_check"]

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


_new_object = object.__new__
CELL_VALUE_FIELDS = ("table", "row", "col", "value", "raw", "flag", "reason", "page", "method", "locator", "unit",
                     "confidence", "label", "member", "bbox_unit", "bbox")
"""The fields `new_cell_value` sets, in order; a test holds them equal to `CellValue`'s own."""
(_SET_TABLE, _SET_ROW, _SET_COL, _SET_VALUE, _SET_RAW, _SET_FLAG, _SET_REASON, _SET_PAGE, _SET_METHOD, _SET_LOCATOR,
 _SET_UNIT, _SET_CONFIDENCE, _SET_LABEL, _SET_MEMBER, _SET_BBOX_UNIT, _SET_BBOX) = (
    getattr(CellValue, name).__set__ for name in CELL_VALUE_FIELDS)  # the slots' own descriptors


def new_cell_value(*, table: str, row: str, col: str, value: float | None, raw: str, flag: str, reason: str = "",
                   page: int | None = None, method: str = "", locator: str = "", unit: str = "",
                   confidence: float = 1.0, label: str = "", member: str | None = None, bbox_unit: str = "",
                   bbox: tuple[float, float, float, float] | None = None) -> CellValue:
    """The same frozen `CellValue` as ``CellValue(…)``, built at well under the cost.

    A report holds a few hundred cells; the generated ``__init__`` of a frozen dataclass sets each
    of its 16 fields through ``object.__setattr__`` (measured 5.9 → 3.7 µs a cell, the largest
    single cost of reading a grid); setting the slots through their descriptors skips that.
    """
    cell = _new_object(CellValue)
    _SET_TABLE(cell, table)
    _SET_ROW(cell, row)
    _SET_COL(cell, col)
    _SET_VALUE(cell, value)
    _SET_RAW(cell, raw)
    _SET_FLAG(cell, flag)
    _SET_REASON(cell, reason)
    _SET_PAGE(cell, page)
    _SET_METHOD(cell, method)
    _SET_LOCATOR(cell, locator)
    _SET_UNIT(cell, unit)
    _SET_CONFIDENCE(cell, confidence)
    _SET_LABEL(cell, label)
    _SET_MEMBER(cell, member)
    _SET_BBOX_UNIT(cell, bbox_unit)
    _SET_BBOX(cell, bbox)
    return cell


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    rule: str
    scope: str
    lhs: float | None
    rhs: float | None
    status: CheckStatus
    severity: Severity
    detail: str = ""


CHECK_FIELDS = ("rule", "scope", "lhs", "rhs", "status", "severity", "detail")
"""The fields `new_check` sets, in order; a test holds them equal to `Check`'s own."""
_SET_CHECK = tuple(getattr(Check, name).__set__ for name in CHECK_FIELDS)


def new_check(rule: str, scope: str, lhs: float | None, rhs: float | None, status: CheckStatus, severity: Severity,
              detail: str = "") -> Check:
    """The same frozen `Check` as ``Check(…)``, positionally and through the slots' descriptors:
    a report carries some fifty checks, each built on every normalisation (see `new_cell_value`)."""
    check = _new_object(Check)
    s_rule, s_scope, s_lhs, s_rhs, s_status, s_severity, s_detail = _SET_CHECK
    s_rule(check, rule)
    s_scope(check, scope)
    s_lhs(check, lhs)
    s_rhs(check, rhs)
    s_status(check, status)
    s_severity(check, severity)
    s_detail(check, detail)
    return check


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
