"""The Starlette application: routes of the pages, the JSON API and the shipped static assets."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipeline.serve import api, pages
from pipeline.serve.state import Workbench

STATIC = Path(__file__).parent / "static"


def create_app(dataset: Path, *, archive: Path | None = None, crawl: Path | None = None) -> Starlette:
    """The workbench over the dataset at `dataset` (read in place); `archive` adds WARC files to search;
    `crawl`, a DATA folder, gives the coverage view the crawl's access states."""
    g = api.guarded
    routes = [
        Route("/", g(pages.find)),
        Route("/reports/{report_id}", g(pages.report)),
        Route("/reports/{report_id}/pages/{page:int}.png", pages.page_image),
        Route("/reports/{report_id}/html", pages.archived_html),
        Route("/reports/{report_id}/original", pages.original),
        Route("/agency/{agency:path}", g(pages.agency)),
        Route("/compare", g(pages.compare)),
        Route("/queue", g(pages.queue)),
        Route("/failures", pages.failures),
        Route("/coverage", pages.coverage),
        Route("/api/reports", g(api.get_reports)),
        Route("/api/reports/{report_id}", g(api.get_report)),
        Route("/api/reports/{report_id}/text", g(api.get_text)),
        Route("/api/reports/{report_id}/pages/{page:int}", pages.page_size),
        Route("/api/reports/{report_id}/cells/{table}/{row}/{col}", g(api.get_cell)),
        Route("/api/reviews", api.post_review, methods=["POST"]),
        Route("/api/reviews", g(api.get_reviews), methods=["GET"]),
        Route("/api/panel", g(api.get_panel)),
        Route("/api/queue", g(api.get_queue)),
        Route("/api/failures", g(api.get_failures)),
        Route("/api/coverage", g(api.get_coverage)),
        Route("/api/compare", g(api.get_compare)),
        Route("/api/agency/{agency:path}", g(api.get_agency)),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.workbench = Workbench(dataset, archive=archive, crawl=crawl)
    return app
