"""The JSON API (docs/workbench-contract.md): every page is a thin layer over these functions.

Each `*_data` function answers one question with plain JSON-able values; the handlers below wrap
them as responses (JSON, or CSV/XLSX for list views through `export`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import pandas as pd
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pipeline.products.crossyear import narrative_text, sentence_key
from pipeline.serve import queries as q
from pipeline.serve.checkcells import involved
from pipeline.serve.export import FORMATS, export
from pipeline.serve.panel import frame_json, records, reviewed_panel
from pipeline.serve.queries import BadRequest, ReportFilter
from pipeline.serve.reviews import Request as ReviewRequest
from pipeline.serve.state import Workbench

_ID = re.compile(r"[0-9A-Za-z._:-]{1,128}")


def _wb(request: Request) -> Workbench:
    wb: Workbench = request.app.state.workbench
    return wb


def _fmt(request: Request) -> str:
    fmt = request.query_params.get("format", "json")
    if fmt not in FORMATS:
        raise BadRequest(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return fmt


def _listing(request: Request, name: str, payload: dict[str, Any], rows: list[dict[str, Any]]) -> Response:
    fmt = _fmt(request)
    if fmt == "json":
        return JSONResponse(payload)
    return export(rows, fmt, name)


def check_id(value: str, name: str) -> str:
    if not _ID.fullmatch(value):
        raise BadRequest(f"{name} {value[:40]!r} is not a valid id")
    return value


# --- questions -------------------------------------------------------------------------------


def reports_data(wb: Workbench, f: ReportFilter) -> dict[str, Any]:
    if f.agency:
        _ = wb.products  # former names live in the products (agencies.names)
    total, items = q.list_reports(wb.db, f, former_names=bool(f.agency))
    return {"total": total, "items": items}


def cell_source(report: dict[str, Any], cell: dict[str, Any]) -> dict[str, Any]:
    has_box = cell.get("x0") is not None
    span = [cell["span_start"], cell["span_end"]] if cell.get("span_start") is not None else None
    return {"report_id": report.get("report_id"), "member": report.get("source"), "url": report.get("url"),
            "media_type": report.get("media_type"),
            "page": cell.get("page"),
            "bbox": [round(float(cell[k]), 3) for k in ("x0", "top", "x1", "bottom")] if has_box else None,
            "bbox_unit": cell.get("bbox_unit") if has_box else None, "span": span,
            "locator": cell.get("locator")}


def checks_with_cells(checks: list[dict[str, Any]], cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    present = {(c["table"], c["row"], c["col"]) for c in cells}
    return [{**k, "cells": ["/".join(x) for x in involved(k["rule"], k["scope"], k.get("detail"), present)]
             if k["status"] == "fail" else []} for k in checks]


def report_data(wb: Workbench, report_id: str) -> dict[str, Any] | None:
    report = q.report_row(wb.db, report_id)
    if report is None:
        return None
    cells = q.report_cells(wb.db, report_id)
    checks = checks_with_cells(q.report_checks(wb.db, report_id), cells)
    report = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in report.items()}
    return {"report": report, "cells": cells, "sections": q.report_sections(wb.db, report_id), "checks": checks}


def cell_data(wb: Workbench, report_id: str, table: str, row: str, col: str) -> dict[str, Any] | None:
    report = q.report_row(wb.db, report_id)
    cell = q.one_cell(wb.db, report_id, table, row, col) if report else None
    if report is None or cell is None:
        return None
    latest = wb.reviews.latest_values().get((report_id, table, row, col))
    # A cell of an assembled report was printed in one of its members: the source is that member's.
    printed_in = (q.report_row(wb.db, cell["member"]) if cell.get("member") else None) or report
    return {"report_id": report_id, "table": table, "row": row, "col": col, "value": cell["value"],
            "raw": cell["raw"], "flag": cell["flag"], "method": cell["method"], "confidence": cell["confidence"],
            "reason": cell["reason"], "locator": cell["locator"],
            "reviewed_value": latest.value if latest is not None and latest.kind == "correct" else None,
            "source": cell_source(printed_in, cell)}


def panel_frame(wb: Workbench, reviewed: bool) -> pd.DataFrame:
    panel = wb.products.panel
    if reviewed:
        panel = reviewed_panel(panel, wb.db, wb.reviews.latest_values())
    return panel


def panel_data(wb: Workbench, reviewed: bool) -> list[dict[str, Any]]:
    return records(panel_frame(wb, reviewed))


def _sections_frame(wb: Workbench, ids: list[str]) -> pd.DataFrame:
    rows = [s for rid in ids for s in q.report_sections(wb.db, rid)]
    return pd.DataFrame(rows, columns=["report_id", "ordinal", "code", "heading", "text"])


def compare_data(wb: Workbench, a: str, b: str) -> dict[str, Any] | None:
    ra, rb = q.report_row(wb.db, a), q.report_row(wb.db, b)
    if ra is None or rb is None:
        return None
    ca = {(c["table"], c["row"], c["col"]): c for c in q.report_cells(wb.db, a)}
    cb = {(c["table"], c["row"], c["col"]): c for c in q.report_cells(wb.db, b)}
    cells = [{"table": k[0], "row": k[1], "col": k[2], "a": ca[k]["value"] if k in ca else None,
              "b": cb[k]["value"] if k in cb else None, "same": k in ca and k in cb and ca[k]["value"] == cb[k]["value"]}
             for k in dict.fromkeys([*ca, *cb])]
    text = narrative_text(_sections_frame(wb, [a, b]))
    keys = {rid: {sentence_key(s) for s in text.get(rid, [])} for rid in (a, b)}
    shared = keys[a] & keys[b]
    sentences = {side: [{"text": s, "copied": sentence_key(s) in shared} for s in text.get(rid, [])]
                 for side, rid in (("a", a), ("b", b))}
    return {"a": _brief(ra), "b": _brief(rb), "cells": cells, "sentences": sentences,
            "n_copied": len(shared)}


def _brief(r: dict[str, Any]) -> dict[str, Any]:
    return {k: r.get(k) for k in q.LIST_COLUMNS}


def agency_key(wb: Workbench, agency: str) -> str | None:
    """An agency by its id, its name or any former name (the newest match)."""
    ag = wb.products.agencies
    if ag.empty:
        return None
    if agency in set(ag["agency_id"]):
        return agency
    exact = ag[ag["name"] == agency]
    if exact.empty:
        exact = ag[ag["names"].fillna("").str.split("|").map(lambda ns: agency in ns)]
    if not exact.empty:
        return str(exact.iloc[-1]["agency_id"])
    printed = wb.db.rows("SELECT v.agency_id FROM reports r JOIN versions v ON v.report_id = r.report_id "
                         "WHERE r.agency = ? ORDER BY r.report_year DESC NULLS LAST LIMIT 1", [agency])
    return str(printed[0]["agency_id"]) if printed else None


def agency_data(wb: Workbench, agency: str) -> dict[str, Any] | None:
    key = agency_key(wb, agency)
    if key is None:
        return None
    p = wb.products
    info = records(p.agencies[p.agencies["agency_id"] == key])[0]
    panel = p.panel[p.panel["agency_id"] == key].sort_values("report_year")
    years_seen = [int(y) for y in panel["report_year"]]
    years = list(range(min(years_seen), max(years_seen) + 1)) if years_seen else []
    rows = {int(r["report_year"]): r for r in records(panel)}
    cy = p.crossyear[p.crossyear["agency_id"] == key]
    findings = records(cy[cy["status"] != "pass"].sort_values(["report_year", "rule"]))
    checks = {}
    for y, r in rows.items():
        checks[y] = [k for k in q.report_checks(wb.db, str(r["report_id"])) if k["status"] == "fail"]
    versions = records(p.versions[p.versions["agency_id"] == key].sort_values(["report_year", "version"]))
    return {"agency": info, "years": [{"year": y, "gap": y not in rows, "panel": rows.get(y),
                                       "failing_checks": checks.get(y, [])} for y in years],
            "crossyear": findings, "versions": versions}


# --- handlers --------------------------------------------------------------------------------


def api_error(exc: BadRequest) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=400)


def guarded(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """Turn a `BadRequest` into 400 `{"error": …}` (validation is the handlers' first step)."""

    def run(request: Request) -> Response:
        try:
            return handler(request)
        except BadRequest as exc:
            return api_error(exc)

    run.__name__ = handler.__name__
    return run


def not_found(what: str) -> JSONResponse:
    return JSONResponse({"error": f"{what} not found"}, status_code=404)


def get_reports(request: Request) -> Response:
    data = reports_data(_wb(request), ReportFilter.of(request.query_params))
    return _listing(request, "reports", data, data["items"])


def get_report(request: Request) -> Response:
    rid = check_id(request.path_params["report_id"], "report_id")
    data = report_data(_wb(request), rid)
    return JSONResponse(data) if data is not None else not_found(f"report {rid}")


def get_cell(request: Request) -> Response:
    p = request.path_params
    rid = check_id(p["report_id"], "report_id")
    data = cell_data(_wb(request), rid, p["table"], p["row"], p["col"])
    return JSONResponse(data) if data is not None else not_found(f"cell {p['table']}/{p['row']}/{p['col']} of {rid}")


def get_text(request: Request) -> Response:
    rid = check_id(request.path_params["report_id"], "report_id")
    row = _wb(request).db.one("SELECT text FROM reports WHERE report_id = ?", [rid])
    if row is None:
        return not_found(f"report {rid}")
    return JSONResponse({"report_id": rid, "text": row["text"]})


def _origin_ok(request: Request) -> bool:
    """A write comes from this workbench's own pages (or a client sending no Origin), never another site."""
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host", "")


async def post_review(request: Request) -> Response:
    wb = _wb(request)
    try:
        if not _origin_ok(request):
            raise BadRequest("cross-site write refused")
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError as exc:
            raise BadRequest(f"the body is not JSON: {exc}") from exc
        req = ReviewRequest.of(body)
        check_id(req.report_id, "report_id")
        if q.report_row(wb.db, req.report_id) is None:
            raise BadRequest(f"no report {req.report_id}")
        cell = q.one_cell(wb.db, req.report_id, req.table, req.row, req.col)
        if cell is None:
            raise BadRequest(f"report {req.report_id} has no cell {req.table}/{req.row}/{req.col}")
        if req.kind == "explain" and wb.db.one("SELECT 1 FROM checks WHERE report_id = ? AND rule = ? AND status = 'fail'",
                                               [req.report_id, req.rule]) is None:
            raise BadRequest(f"report {req.report_id} has no failing check {req.rule}")
        review = wb.reviews.append(req, cell)
    except BadRequest as exc:
        return api_error(exc)
    return JSONResponse(asdict(review), status_code=201)


def get_reviews(request: Request) -> Response:
    wb = _wb(request)
    rid = request.query_params.get("report_id")
    found = wb.reviews.of_report(rid) if rid else wb.reviews.all()
    rows = [asdict(r) for r in found]
    return _listing(request, "reviews", {"total": len(rows), "items": rows}, rows)


def get_panel(request: Request) -> Response:
    reviewed = request.query_params.get("reviewed", "0") in {"1", "true", "yes"}
    if _fmt(request) == "json":
        frame = panel_frame(_wb(request), reviewed)
        body = f'{{"total": {len(frame)}, "items": {frame_json(frame)}}}'
        return Response(body.encode("utf-8"), media_type="application/json")
    rows = panel_data(_wb(request), reviewed)
    return export(rows, _fmt(request), "panel")


def get_queue(request: Request) -> Response:
    total, items = q.review_queue(_wb(request).db, ReportFilter.of(request.query_params))
    return _listing(request, "queue", {"total": total, "items": items}, items)


def get_failures(request: Request) -> Response:
    rows = q.failures(_wb(request).db)
    groups: dict[str, int] = {}
    for r in rows:
        groups[r["reason"]] = groups.get(r["reason"], 0) + 1
    payload = {"total": len(rows), "groups": [{"reason": k, "n": v} for k, v in groups.items()], "items": rows}
    if _fmt(request) == "json":
        return JSONResponse(payload)
    return export(rows, _fmt(request), "failures", ["reason", "source", "media_type", "error", "report_id"])


def get_coverage(request: Request) -> Response:
    """Reports by region × year; with a crawl state (`--data`) also `crawl`, the access states
    (`?view=crawl` exports those rows)."""
    wb = _wb(request)
    rows = q.coverage(wb.db)
    frame = wb.crawl()
    crawl = records(frame) if frame is not None else None
    if request.query_params.get("view") == "crawl":
        if crawl is None:
            raise BadRequest("no crawl state: serve with --data DIR")
        return _listing(request, "crawl", {"total": len(crawl), "items": crawl}, crawl)
    return _listing(request, "coverage", {"total": len(rows), "items": rows, "crawl": crawl}, rows)


def get_compare(request: Request) -> Response:
    a = check_id(request.query_params.get("a", ""), "a")
    b = check_id(request.query_params.get("b", ""), "b")
    data = compare_data(_wb(request), a, b)
    if data is None:
        return not_found("report")
    return _listing(request, "compare", data, data["cells"])


def get_agency(request: Request) -> Response:
    data = agency_data(_wb(request), request.path_params["agency"])
    if data is None:
        return not_found(f"agency {request.path_params['agency']!r}")
    rows = [{"year": y["year"], "gap": y["gap"], **(y["panel"] or {})} for y in data["years"]]
    return _listing(request, "agency", data, rows)
