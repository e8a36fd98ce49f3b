"""Coverage: for every source (an agency's annual-report column) and year, was the report found?

    found     a report of that year was captured and extracted (status ok or partial)
    unparsed  a report of that year was captured, but extraction failed or has not run yet
    blocked   no report, and we could not see everything: the column or a report page of that
              year was behind robots.txt, a JavaScript challenge, 403/429, 5xx, a timeout …
    missing   the column was read completely and holds no report of that year (or the column
              itself is gone: 404/410)

"Blocked" is never reported as "missing": one blocked list page makes every year without a
report blocked, a blocked report link makes its year (from the link text) blocked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pipeline.normalise.metadata import year_of_title
from scrapers import BLOCKING, Source, Store

Status = Literal["found", "unparsed", "blocked", "missing"]
_EXTRACTED_OK = ("ok", "partial")
_LOOKALIKES = frozenset({"website_report", "rule_of_law_report", "statistics_table", "work_plan"})
"""Documents of the column that are not annual reports (pipeline.classify): never count as found."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverageRow:
    source_id: str
    agency: str
    region: str
    year: int
    status: Status
    n_reports: int = 0
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Seen:
    year: int | None
    url: str
    state: str
    role: str
    report: str | None  # dataset status of the extracted document, None when not extracted


def _seen(store: Store, source_id: str, reports: pd.DataFrame) -> tuple[list[_Seen], list[tuple[str, str, str]]]:
    """Report/attachment URLs of the source with their year and state; list pages' states.

    A captured document maps to its dataset rows by digest (the report id), or — for a container
    such as a crawled-records CSV, one report per row — by the rows' `source` (`URL#row=N`)."""
    by_id: dict[str, tuple[int | None, str, str]] = {}
    by_base: dict[str, list[tuple[int | None, str, str]]] = defaultdict(list)
    if len(reports):
        for rid, src, year, status, kind in zip(reports["report_id"], reports["source"], reports["report_year"],
                                                 reports["status"], reports["doc_kind"], strict=True):
            row = (None if pd.isna(year) else int(year), str(status), str(kind))
            by_id[str(rid)] = row
            if "#" in str(src):
                by_base[str(src).split("#", 1)[0]].append(row)
    sha_of: dict[str, str] = {}
    for r in store.query("SELECT url, sha256 FROM captures WHERE source_id = ? AND http_status BETWEEN 200 AND 299 "
                         "ORDER BY id", (source_id,)):
        sha_of[r["url"]] = r["sha256"]
    items: list[_Seen] = []
    lists: list[tuple[str, str, str]] = []
    for r in store.query("SELECT url, role, state, detail, hints, anchor FROM access WHERE source_id = ?",
                         (source_id,)):
        if r["role"] in ("list", "nav"):
            lists.append((r["url"], r["state"], r["detail"] or ""))
            continue
        hints = json.loads(r["hints"] or "{}")
        title_year = year_of_title(hints.get("title") or r["anchor"])
        rows = ([by_id[sha_of[r["url"]]]] if sha_of.get(r["url"]) in by_id else []) + by_base.get(r["url"], [])
        if not rows:
            items.append(_Seen(year=title_year, url=r["url"], state=r["state"], role=r["role"], report=None))
        for year, status, kind in rows:
            report = "other" if kind in _LOOKALIKES or (kind == "other" and status != "failed") else status
            items.append(_Seen(year=year if year is not None else title_year, url=r["url"], state=r["state"],
                               role=r["role"], report=report))
    return items, lists


def source_coverage(store: Store, source: Source, reports: pd.DataFrame, *, until: int,
                    since: int | None = None) -> list[CoverageRow]:
    items, lists = _seen(store, source.id, reports)
    first = since if since is not None else source.since
    seed_states = [state for url, state, _ in lists if url in source.start]
    list_blocked = [f"{state}: {url}" for url, state, _ in lists if state in BLOCKING]
    never = not lists and not items
    gone = bool(seed_states) and all(s in ("not_found", "gone") for s in seed_states) and \
        not any(state == "ok" for _, state, _ in lists)
    by_year: dict[int | None, list[_Seen]] = defaultdict(list)
    for it in items:
        by_year[it.year].append(it)
    unknown_blocked = [it for it in by_year.get(None, []) if it.state in BLOCKING]
    rows = []
    for year in range(first, until + 1):
        seen = by_year.get(year, [])
        found = [it for it in seen if it.report in _EXTRACTED_OK]
        captured = [it for it in seen if it.state in ("ok", "not_modified") and it.report != "other"]
        blocked = [it for it in seen if it.state in BLOCKING]
        status: Status
        if found:
            status, detail = "found", ""
        elif captured:
            status = "unparsed"
            detail = "not extracted yet" if all(it.report is None for it in captured) else "extraction failed"
        elif never:
            status, detail = "blocked", "source not crawled yet"
        elif blocked:
            status, detail = "blocked", f"{blocked[0].state}: {blocked[0].url}"
        elif list_blocked:
            status, detail = "blocked", list_blocked[0]
        elif unknown_blocked:
            status, detail = "blocked", f"{unknown_blocked[0].state}: {unknown_blocked[0].url} (year unknown)"
        elif gone:
            status, detail = "missing", f"column {seed_states[0]}: {source.start[0]}"
        else:
            status, detail = "missing", ""
        rows.append(CoverageRow(source_id=source.id, agency=source.agency, region=source.region, year=year,
                                status=status, n_reports=len(found) or len(captured), detail=detail))
    return rows


def coverage(store: Store, sources: list[Source], reports: pd.DataFrame, *, until: int,
             since: int | None = None) -> list[CoverageRow]:
    """Coverage rows for every source × year from its `since` (or `since`) to `until`."""
    return [row for s in sources for row in source_coverage(store, s, reports, until=until, since=since)]


def coverage_frame(rows: list[CoverageRow]) -> pd.DataFrame:
    cols = ["source_id", "agency", "region", "year", "status", "n_reports", "detail"]
    return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in rows], columns=cols)
