"""Coverage: for every source, agency and year, was the report found — and if not, why not?

    found        a report of that year was captured and extracted (status ok or partial)
    unparsed     a report of that year was captured, but extraction failed or has not run yet
    not_crawled  the source was never crawled into this data directory
    blocked      we were not let in: robots.txt, a JavaScript challenge (js_challenge), 401/403/429
                 on the column or a report page of that year (`scrapers.REFUSED`)
    failed       the site did not answer: 5xx or a timeout after the retries, unreachable, too
                 large (`scrapers.FAILED`); the detail names the URLs
    missing      the column was read completely and holds no report of that year (or the column
                 itself is gone: 404/410)

Neither "blocked" nor "failed" is ever reported as "missing": one such list page makes every
year without a report blocked/failed, such a report link makes its year (from the link text)
blocked/failed. Rows are per agency: a report link of another agency (by the agency its title
names) lost to a 5xx stays visible as its own `failed` row even when the source's agency has
a report that year. A source's agency and region, when the registry leaves them empty, are
what the site told the crawl about itself (`scrapers.identity`), else the division table.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pipeline.normalise.metadata import year_of_title
from pipeline.normalise.regions import region_of
from scrapers import BLOCKING, REFUSED, CrawlState, Source, Store

Status = Literal["found", "unparsed", "not_crawled", "blocked", "failed", "missing"]
STATUSES: tuple[Status, ...] = ("found", "unparsed", "not_crawled", "blocked", "failed", "missing")
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
    agency: str = ""  # the agency the link's title names ("" when it names none)
    counts_as: str = ""  # the report it counts as: an assembled report for each of its members


def _seen(store: Store, source_id: str, reports: pd.DataFrame) -> tuple[list[_Seen], list[tuple[str, str, str]]]:
    """Report/attachment URLs of the source with their year and state; list pages' states.

    A captured document maps to its dataset rows by digest (the report id), or — for a container
    such as a crawled-records CSV, one report per row — by the rows' `source` (`URL#row=N`)."""
    by_id, by_base = _rows_by_document(reports)
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
        title = hints.get("title") or r["anchor"] or ""
        title_year = year_of_title(title)
        agency = _title_agency(title)
        rows = ([by_id[sha_of[r["url"]]]] if sha_of.get(r["url"]) in by_id else []) + by_base.get(r["url"], [])
        if not rows:
            items.append(_Seen(year=title_year, url=r["url"], state=r["state"], role=r["role"], report=None,
                               agency=agency))
        for year, status, kind, counts_as in rows:
            report = "other" if kind in _LOOKALIKES or (kind == "other" and status != "failed") else status
            items.append(_Seen(year=year if year is not None else title_year, url=r["url"], state=r["state"],
                               role=r["role"], report=report, agency=agency, counts_as=counts_as))
    return items, lists


_Row = tuple[int | None, str, str, str]
"""(year, status, doc_kind, the report it counts as) of one dataset report."""


def _rows_by_document(reports: pd.DataFrame) -> tuple[dict[str, _Row], dict[str, list[_Row]]]:
    """Dataset reports by id and, for container rows (`URL#row=N`), by base URL; a member of an
    assembled report (a page, its attachment) stands for the assembled report, so a page and its
    attachments are one report of their year, not two."""
    own: dict[str, _Row] = {}
    into: dict[str, str] = {}
    if len(reports):
        links = reports["assembled_into"] if "assembled_into" in reports.columns else [None] * len(reports)
        for rid, year, status, kind, whole in zip(reports["report_id"], reports["report_year"], reports["status"],
                                                  reports["doc_kind"], links, strict=True):
            own[str(rid)] = (None if pd.isna(year) else int(year), str(status), str(kind), str(rid))
            if isinstance(whole, str) and whole:
                into[str(rid)] = whole
    by_id = {rid: own.get(into.get(rid, ""), row) for rid, row in own.items()}
    by_base: dict[str, list[_Row]] = defaultdict(list)
    if len(reports):
        for rid, src in zip(reports["report_id"], reports["source"], strict=True):
            if "#" in str(src):
                by_base[str(src).split("#", 1)[0]].append(by_id[str(rid)])
    return by_id, by_base


def _title_agency(title: str) -> str:
    """The issuer a report title names before its year: 清水市财政局2022年… → 清水市财政局."""
    m = re.match(r"\s*(.{2,40}?)\s*(?:19|20)\d\d\s*年", title)
    return m.group(1).strip() if m else ""


def _lost(states: list[tuple[str, str]]) -> tuple[Status, str] | None:
    """(state, url) pairs that hid content → blocked (refused) or failed (no answer), naming the URLs."""
    if not states:
        return None
    refused = [(s, u) for s, u in states if s in REFUSED]
    chosen = refused or states
    status: Status = "blocked" if refused else "failed"
    urls = sorted({u for _, u in chosen})
    return status, f"{chosen[0][0]}: " + " ".join(urls[:3]) + (f" (+{len(urls) - 3})" if len(urls) > 3 else "")


def identity(store: Store, source: Source) -> tuple[str, str]:
    """(agency, region) of a source: as registered, else as its site told the crawl, else the region
    from the division table by the agency's name."""
    site = CrawlState(store).site(source.id)
    agency = source.agency or site.get("found_agency", "")
    region = source.region or site.get("found_region", "")
    if not region and agency:
        found = region_of(agency)
        region = found.code if found is not None else ""
    return agency, region


def _year_status(seen: list[_Seen], lost_lists: tuple[Status, str] | None, unknown: list[_Seen], *,
                 never: bool, gone: str) -> tuple[Status, str, int]:
    """One agency-year: (status, detail, number of reports)."""
    found = [it for it in seen if it.report in _EXTRACTED_OK]
    captured = [it for it in seen if it.state in ("ok", "not_modified") and it.report != "other"]
    lost = _lost([(it.state, it.url) for it in seen if it.state in BLOCKING])
    if found:
        return "found", "", len({it.counts_as or it.url for it in found})
    if captured:
        why = "not extracted yet" if all(it.report is None for it in captured) else "extraction failed"
        return "unparsed", why, len(captured)
    if never:
        return "not_crawled", "source not crawled yet", 0
    for verdict in (lost, lost_lists):
        if verdict is not None:
            return verdict[0], verdict[1], 0
    hidden = _lost([(it.state, it.url) for it in unknown])
    if hidden is not None:
        return hidden[0], hidden[1] + " (year unknown)", 0
    return "missing", gone, 0


def source_coverage(store: Store, source: Source, reports: pd.DataFrame, *, until: int,
                    since: int | None = None) -> list[CoverageRow]:
    items, lists = _seen(store, source.id, reports)
    agency, region = identity(store, source)
    first = since if since is not None else source.since
    seed_states = [state for url, state, _ in lists if url in source.start]
    lost_lists = _lost([(state, url) for url, state, _ in lists if state in BLOCKING])
    never = not lists and not items
    gone = bool(seed_states) and all(s in ("not_found", "gone") for s in seed_states) and \
        not any(state == "ok" for _, state, _ in lists)
    gone_detail = f"column {seed_states[0]}: {source.start[0]}" if gone else ""
    by_year: dict[int | None, list[_Seen]] = defaultdict(list)
    for it in items:
        by_year[it.year].append(it)
    unknown = [it for it in by_year.get(None, []) if it.state in BLOCKING]
    rows = []
    for year in range(first, until + 1):
        seen = by_year.get(year, [])
        status, detail, n = _year_status(seen, lost_lists, unknown, never=never, gone=gone_detail)
        rows.append(CoverageRow(source_id=source.id, agency=agency, region=region, year=year,
                                status=status, n_reports=n, detail=detail))
        if status == "found":  # another agency's report of that year, lost: its own row
            got = {it.agency for it in seen if it.report in _EXTRACTED_OK or it.state in ("ok", "not_modified")}
            for other in sorted({it.agency for it in seen if it.state in BLOCKING and it.agency not in got}):
                lost = _lost([(it.state, it.url) for it in seen if it.state in BLOCKING and it.agency == other])
                if lost is not None:
                    rows.append(CoverageRow(source_id=source.id, agency=other or agency, region=region, year=year,
                                            status=lost[0], detail=lost[1]))
    return rows


def coverage(store: Store, sources: list[Source], reports: pd.DataFrame, *, until: int,
             since: int | None = None) -> list[CoverageRow]:
    """Coverage rows for every source × year from its `since` (or `since`) to `until`."""
    return [row for s in sources for row in source_coverage(store, s, reports, until=until, since=since)]


def coverage_frame(rows: list[CoverageRow]) -> pd.DataFrame:
    cols = ["source_id", "agency", "region", "year", "status", "n_reports", "detail"]
    return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in rows], columns=cols)
