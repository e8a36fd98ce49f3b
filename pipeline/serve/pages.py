"""Server-rendered pages (Jinja2) over the API's functions; the little JavaScript is in static/app.js."""

from __future__ import annotations

import urllib.parse
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from pipeline.products.panel import GRANT_RATE, INDICATORS, panel_indicator_columns
from pipeline.serve import api
from pipeline.serve import queries as q
from pipeline.serve.layout import TABLE_TITLES, blocks, label, value_text
from pipeline.serve.queries import BadRequest, ReportFilter
from pipeline.serve.sources import image_page, marked_html, render_page

ENV = Environment(loader=PackageLoader("pipeline.serve", "templates"), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)
ENV.filters["v"] = value_text
ENV.globals["label"] = label
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'")
FRAME_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = ENV.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})


def _error(message: str, status: int) -> HTMLResponse:
    return page("error.html", status=status, message=message, title="error")


def _query(request: Request, **extra: str) -> str:
    params = {k: v for k, v in request.query_params.items() if k not in {"format", *extra}}
    params.update({k: v for k, v in extra.items() if v})
    return urllib.parse.urlencode(params)


def find(request: Request) -> Response:
    wb = api._wb(request)
    try:
        f = ReportFilter.of(request.query_params)
    except BadRequest as exc:
        return _error(str(exc), 400)
    data = api.reports_data(wb, f)
    return page("find.html", title="find", f=f, data=data, facets=q.facet_counts(wb.db, f),
                tree=q.region_tree(wb.db, ReportFilter(year=f.year, template=f.template, status=f.status, rule=f.rule)),
                query=_query(request), url_with=lambda **kw: "/?" + _query(request, **{"offset": "", **kw}))


def report(request: Request) -> Response:
    wb = api._wb(request)
    rid = request.path_params["report_id"]
    try:
        data = api.report_data(wb, api.check_id(rid, "report_id"))
    except BadRequest as exc:
        return _error(str(exc), 400)
    if data is None:
        return _error(f"no report {rid}", 404)
    failing = {c for k in data["checks"] for c in k["cells"]}
    tables = [(t, TABLE_TITLES[t], blocks(t, data["cells"])) for t in ("t2", "t3", "t4", "p")
              if any(c["table"] == t for c in data["cells"])]
    original = wb.originals.find(data["report"])
    return page("report.html", title=data["report"].get("title") or rid, r=data["report"], tables=tables,
                failing=failing, checks=data["checks"], sections=data["sections"], original=original,
                reviews=wb.reviews.of_report(rid))


def _original(wb: Any, rid: str) -> tuple[dict[str, Any] | None, Any]:
    """The report's row and its original bytes (None where either is not found)."""
    row = q.report_row(wb.db, rid)
    return row, (wb.originals.find(row) if row else None)


def page_image(request: Request) -> Response:
    """PNG of a page of the report's original (PDF pages rendered by pypdfium2, image frames as they are),
    with headers giving its size in the unit of the boxes (so the highlight is placed in that unit)."""
    wb = api._wb(request)
    rid, n = request.path_params["report_id"], int(request.path_params["page"])
    cached = wb.pages.get((rid, n))
    if cached is None:
        row, original = _original(wb, rid)
        if row is None or original is None:
            return Response("original not found", status_code=404)
        try:
            if str(row["media_type"]).startswith("image/"):
                import io

                from PIL import Image

                png = image_page(original.data, n)
                w, h = Image.open(io.BytesIO(png)).size
                cached = (png, float(w), float(h))
            else:
                png, scale = render_page(original.data, n)
                import io

                from PIL import Image

                w, h = Image.open(io.BytesIO(png)).size
                cached = (png, w / scale, h / scale)
        except (IndexError, EOFError, ValueError, OSError) as exc:
            return Response(f"page {n} cannot be shown: {exc}", status_code=404)
        wb.pages.put((rid, n), cached)
    png, width, height = cached
    return Response(png, media_type="image/png", headers={"X-Page-Width": f"{width:.3f}",
                                                          "X-Page-Height": f"{height:.3f}",
                                                          "Cache-Control": "max-age=3600"})


def page_size(request: Request) -> Response:
    """The size of a page in the unit of its boxes (pt for PDF, px for images), for placing a highlight."""
    from starlette.responses import JSONResponse

    resp = page_image(request)
    if resp.status_code != 200:
        return JSONResponse({"error": "page not found"}, status_code=404)
    rid, n = request.path_params["report_id"], request.path_params["page"]
    return JSONResponse({"width": float(resp.headers["X-Page-Width"]), "height": float(resp.headers["X-Page-Height"]),
                         "image": f"/reports/{rid}/pages/{n}.png"})


def archived_html(request: Request) -> Response:
    """The archived page with the requested cell marked (class `xxgk-mark`), scripts and external references out."""
    wb = api._wb(request)
    rid = request.path_params["report_id"]
    row, original = _original(wb, rid)
    if row is None or original is None:
        return HTMLResponse("<p>original not found</p>", status_code=404)
    cell = request.query_params.get("cell", "")
    locator = None
    if cell.count("/") == 2:
        t, r, c = cell.split("/")
        found = q.one_cell(wb.db, rid, t, r, c)
        locator = found["locator"] if found else None
    try:
        html = marked_html(original.data, source=str(row["source"]), locator=locator)
    except Exception as exc:  # an archived page the extractor itself could not read again
        return HTMLResponse(f"<p>cannot show the page: {type(exc).__name__}</p>", status_code=500)
    return Response(html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": FRAME_CSP})


def original(request: Request) -> Response:
    wb = api._wb(request)
    rid = request.path_params["report_id"]
    row, found = _original(wb, rid)
    if row is None or found is None:
        return Response("original not found", status_code=404)
    return Response(found.data, media_type=str(row["media_type"] or "application/octet-stream"),
                    headers={"Content-Disposition": f'attachment; filename="{rid[:16]}"',
                             "Content-Security-Policy": "default-src 'none'"})


def agency(request: Request) -> Response:
    name = request.path_params["agency"]
    data = api.agency_data(api._wb(request), name)
    if data is None:
        return _error(f"no agency {name!r}", 404)
    labels = {i.name: f"{i.label_zh}（{i.unit}）" for i in (*INDICATORS, GRANT_RATE)}
    return page("agency.html", title=data["agency"]["name"], d=data, indicators=panel_indicator_columns(),
                labels=labels)


def compare(request: Request) -> Response:
    a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
    try:
        data = api.compare_data(api._wb(request), api.check_id(a, "a"), api.check_id(b, "b"))
    except BadRequest as exc:
        return _error(str(exc), 400)
    if data is None:
        return _error("report not found", 404)
    return page("compare.html", title="compare", d=data, query=_query(request))


def queue(request: Request) -> Response:
    try:
        f = ReportFilter.of(request.query_params)
    except BadRequest as exc:
        return _error(str(exc), 400)
    total, items = q.review_queue(api._wb(request).db, f)
    return page("queue.html", title="review queue", total=total, items=items, f=f, query=_query(request))


def failures(request: Request) -> Response:
    rows = q.failures(api._wb(request).db)
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["reason"], []).append(r)
    return page("failures.html", title="failures", groups=groups, total=len(rows))


def coverage(request: Request) -> Response:
    rows = q.coverage(api._wb(request).db)
    years = sorted({r["report_year"] for r in rows if r["report_year"] is not None})
    regions: dict[str, dict[str, Any]] = {}
    for r in rows:
        reg = regions.setdefault(r["region_code"], {"name": r["region_name"], "years": {}})
        reg["years"][r["report_year"]] = r
    frame = api._wb(request).crawl()
    crawl: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    crawl_years: list[int] = []
    if frame is not None:
        from pipeline.serve.panel import records

        for r in records(frame):
            crawl.setdefault((r["source_id"], r["agency"]), {})[int(r["year"])] = r
        crawl_years = sorted({int(y) for y in frame["year"]})
    return page("coverage.html", title="coverage", years=years, regions=regions, crawl=crawl,
                crawl_years=crawl_years, has_crawl=frame is not None)
