"""The members of one input → one assembled report per page and its attachments (docs/assembly-contract.md).

Documents are members of one report when a page links to the others (`Report.links`, hrefs
resolved against the page URL) or they name the page as their referrer (`Report.referrer`).
Members that are annual reports of a different agency or year (by their own metadata) are left
out; a group whose members other than the page hold no content assembles nothing.

The rule: each cell is taken from the member that prints it (`CellValue.member` says which); a
cell two members print alike is taken once, from the first member in URL order; printed
differently it is null with a reason and a failing `MEMBERS-AGREE` check, never resolved. The
identities then run on the assembled tables. Pure: the same members give the same report.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import replace
from urllib.parse import unquote

from pipeline.normalise.checks import Cells
from pipeline.normalise.document import cells_to_checks, report_status
from pipeline.normalise.report import CellValue, Check, Report, SectionText
from pipeline.normalise.text_tables import missing
from pipeline.template.codebook import cells_for
from pipeline.template.eras import Eras, table_era

__all__ = ["EXTRACTOR", "RULE", "assemble", "assembled_id", "group_members", "members_to_report"]

RULE = "MEMBERS-AGREE"
EXTRACTOR = "assemble"
EXTRACTOR_VERSION = "1"
_MARKS = frozenset({"blank", "slash", "dash", "none", "zero_or_blank"})
_TEMPLATE_TABLES = ("t2", "t3", "t4")


def assembled_id(member_ids: Iterable[str]) -> str:
    """The assembled report's key: a digest of its members' ids (order-free, stable across runs)."""
    return hashlib.sha256(("assembled\n" + "\n".join(sorted(set(member_ids)))).encode()).hexdigest()


def _has_content(r: Report) -> bool:
    return bool(r.sections) or any(c.flag != "missing" for c in r.cells)


def _same_agency(a: str | None, b: str | None) -> bool:
    return not a or not b or a in b or b in a


def _foreign(member: Report, year: int | None, agency: str | None) -> bool:
    """A member that is itself an annual report of a different agency or year (its metadata says so)."""
    if member.doc_kind != "annual_report":
        return False
    other_year = year is not None and member.report_year is not None and member.report_year != year
    return other_year or not _same_agency(member.agency, agency)


def _order(r: Report) -> tuple[str, str]:
    return (r.url or r.source, r.report_id)


_MEMBER = "#member="


def _address(r: Report) -> str | None:
    """Where links point at `r`: its URL, or its name inside a zip (`archive.zip#member=path`)."""
    return r.url or (r.source if _MEMBER in r.source else None)


def _resolve(page: Report, href: str) -> str:
    """A link of a page inside a zip is relative to the page's folder in the archive."""
    if page.url or _MEMBER not in page.source or "://" in href:
        return href
    archive, _, path = page.source.partition(_MEMBER)
    return archive + _MEMBER + posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(href)))


def group_members(reports: Sequence[Report]) -> list[list[Report]]:
    """The groups (page first, then its members in URL order) among the reports of one input.

    Pages are taken in URL order; a document already in a group is not taken again, and a page
    that is a member of an earlier page's group brings no group of its own.
    """
    by_url: dict[str, Report] = {}
    for r in sorted(reports, key=_order):
        address = _address(r)
        if address and r.status != "failed":
            by_url.setdefault(address, r)
    referred: dict[str, list[Report]] = {}
    for r in by_url.values():
        if r.referrer and r.referrer != r.url:
            referred.setdefault(r.referrer, []).append(r)
    taken: set[str] = set()
    groups: list[list[Report]] = []
    for url, page in by_url.items():
        if page.report_id in taken:
            continue
        hrefs = [_resolve(page, h) for h in page.links]
        linked = [by_url[h] for h in hrefs if h in by_url and h != url]
        candidates = {m.report_id: m for m in [*linked, *referred.get(url, [])] if m.report_id not in taken}
        candidates.pop(page.report_id, None)
        members = _members_of(page, sorted(candidates.values(), key=_order))
        if members:
            groups.append([page, *members])
            taken.update(r.report_id for r in (page, *members))
    return groups


def _members_of(page: Report, candidates: list[Report]) -> list[Report]:
    """The candidates that belong with `page` (not a foreign annual report); none if none holds content."""
    year = page.report_year if page.report_year is not None else _common_year(candidates)
    members = [m for m in candidates if not _foreign(m, year, page.agency)]
    return members if any(_has_content(m) for m in members) else []


def _common_year(reports: list[Report]) -> int | None:
    years = {r.report_year for r in reports if r.report_year is not None and r.doc_kind == "annual_report"}
    years = years or {r.report_year for r in reports if r.report_year is not None}
    return years.pop() if len(years) == 1 else None


def assemble(reports: Sequence[Report]) -> list[Report]:
    """Every report of one input, members linked to their assembled reports, the assembled ones after."""
    out: dict[str, Report] = {r.report_id: r for r in reports}
    assembled: list[Report] = []
    for group in group_members(reports):
        whole = members_to_report(group)
        assembled.append(whole)
        for m in group:
            out[m.report_id] = replace(out[m.report_id], assembly="member", assembled_into=whole.report_id)
    return [out.get(r.report_id, r) for r in reports] + assembled


def _format(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _key_value(c: CellValue) -> float | None:
    """The value two members are compared on: the number, 0 for a printed blank or mark."""
    if c.flag == "number":
        return c.value
    return 0.0 if c.flag in _MARKS else None


def _shown(c: CellValue) -> str:
    return _format(c.value) if c.flag == "number" and c.value is not None else c.raw or c.flag


def _pick(key: tuple[str, str, str], found: list[tuple[Report, CellValue]]) -> tuple[CellValue, Check | None]:
    """The assembled cell from the members' cells of one codebook cell (in member order)."""
    readable = [(m, c) for m, c in found if _key_value(c) is not None]
    if not readable:
        first_m, first = next(((m, c) for m, c in found if c.flag != "missing"), found[0])
        return replace(first, member=first_m.report_id, bbox_unit=first_m.bbox_unit), None
    (m1, c1), *rest = readable
    other = next(((m, c) for m, c in rest if _key_value(c) != _key_value(c1)), None)
    if other is None:
        return replace(c1, member=m1.report_id, bbox_unit=m1.bbox_unit), None
    m2, c2 = other
    reason = f"members disagree: {_shown(c1)} ({m1.url or m1.source}) vs {_shown(c2)} ({m2.url or m2.source})"
    cell = replace(c1, value=None, flag="ambiguous", reason=reason, member=m1.report_id, confidence=0.0,
                   bbox_unit=m1.bbox_unit)
    check = Check(rule=RULE, scope=f"{key[1]}:{key[2]}", lhs=_key_value(c1), rhs=_key_value(c2),
                  status="fail", severity="hard", detail=reason)
    return cell, check


def _eras(members: Sequence[Report], year: int | None) -> Eras:
    """The assembled tables' eras, from the codes of the cells the members print."""
    def era(table: str) -> str | None:
        printed = [c for m in members for c in m.cells if c.table == table and c.flag != "missing"]
        if not printed:
            return None
        return table_era(table, rows={c.row for c in printed}, cols={c.col for c in printed})

    return Eras.of_tables(era("t2"), era("t3"), year)  # type: ignore[arg-type]


def _template_keys(members: Sequence[Report], eras: Eras) -> list[tuple[str, str, str]]:
    if not any(c.table in _TEMPLATE_TABLES for m in members for c in m.cells):
        return []
    return [(t, row, col) for t in _TEMPLATE_TABLES for row, col in cells_for(t, eras.of(t))]


def _cells(members: Sequence[Report], eras: Eras) -> tuple[Cells, list[Check]]:
    """Every codebook cell of the assembled era (and each printed table-p figure) from its members."""
    index: dict[tuple[str, str, str], list[tuple[Report, CellValue]]] = {}
    for m in members:
        for c in m.cells:
            index.setdefault((c.table, c.row, c.col), []).append((m, c))
    keys = _template_keys(members, eras)
    keys += [k for k in index if k[0] not in _TEMPLATE_TABLES]
    cells: Cells = {}
    disagree: list[Check] = []
    for key in keys:
        found = index.get(key)
        if not found:
            cells[key] = missing(*key, f"Table {key[0][1]} not printed by any member")
            continue
        cells[key], check = _pick(key, found)
        if check is not None:
            disagree.append(check)
    return cells, disagree


def _sections(members: Sequence[Report]) -> list[SectionText]:
    """The narrative from whichever members hold it, in member order, no section twice."""
    out: list[SectionText] = []
    seen: set[tuple[str, str]] = set()
    for m in members:
        for s in m.sections:
            key = (s.code, "") if s.code != "other" else (s.code, " ".join(s.text.split()))
            if key in seen:
                continue
            seen.add(key)
            out.append(replace(s, ordinal=len(out) + 1))
    return out


def _checks(members: Sequence[Report], cells: Cells, sections: list[SectionText], eras: Eras) -> list[Check]:
    """The identities on the assembled tables; table p's (pre-2019) are the supplying members'."""
    checks = cells_to_checks({k: v for k, v in cells.items() if k[0] in _TEMPLATE_TABLES}, sections, eras)
    p_from = {c.member for k, c in cells.items() if k[0] == "p"}
    seen: set[tuple[str, str]] = set()
    for m in members:
        if m.report_id not in p_from:
            continue
        for c in m.checks:
            if c.rule.startswith("P-") and (c.rule, c.scope) not in seen:
                seen.add((c.rule, c.scope))
                checks.append(c)
    return checks


def _first(members: Sequence[Report], name: str) -> object:
    return next((getattr(m, name) for m in members if getattr(m, name) is not None), None)


def _doc_kind(members: Sequence[Report], cells: Cells, sections: list[SectionText], page: Report) -> str:
    if any(m.doc_kind == "annual_report" for m in members):
        return "annual_report"
    printed = any(c.flag != "missing" for c in cells.values())
    if printed and sections:
        return "annual_report"
    return "statistics_table" if printed else page.doc_kind


def members_to_report(group: Sequence[Report]) -> Report:
    """One assembled report from a page (first) and its members: cells, sections, checks, metadata."""
    page = group[0]
    members = sorted(group, key=_order)
    meta = [page, *(m for m in members if m is not page)]
    year = page.report_year if page.report_year is not None else _first(meta, "report_year")
    eras = _eras(members, year)  # type: ignore[arg-type]
    cells, disagree = _cells(members, eras)
    sections = _sections(members)
    checks = [*_checks(members, cells, sections, eras), *disagree]
    template = eras.template if eras.template != "unknown" else _first_template(members)
    status = report_status(cells, eras) if cells else "partial"
    sources = [m.source for m in members]
    return Report(
        report_id=assembled_id(m.report_id for m in members), source=page.source, media_type=page.media_type,
        status=status, title=_first(meta, "title"), agency=_first(meta, "agency"),  # type: ignore[arg-type]
        region_code=_first(meta, "region_code"), region_name=_first(meta, "region_name"),  # type: ignore[arg-type]
        admin_level=_first(meta, "admin_level"), report_year=year,  # type: ignore[arg-type]
        published=_first(meta, "published"), template=template,  # type: ignore[arg-type]
        doc_kind=_doc_kind(members, cells, sections, page), extractor=EXTRACTOR,
        extractor_version=EXTRACTOR_VERSION, pipeline_version=page.pipeline_version, captured_at=page.captured_at,
        url=page.url, index_number=_first(meta, "index_number"), referrer=page.referrer,  # type: ignore[arg-type]
        sections=tuple(sections), cells=tuple(cells.values()), checks=tuple(checks), assembly="assembled",
        also_sources=tuple(s for s in dict.fromkeys(sources) if s != page.source))


def _first_template(members: Sequence[Report]) -> str:
    return next((m.template for m in members if m.template != "unknown"), "unknown")
