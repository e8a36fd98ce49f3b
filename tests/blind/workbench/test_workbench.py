"""Acceptance tests for `xxgk serve` (issue #17), written blind from docs/workbench-contract.md.

The module renders the corpus of corpus.py, runs `xxgk extract` on it, starts `xxgk serve` on a free
port of 127.0.0.1 and drives the JSON API (httpx) and the pages (Debian's Chromium through Playwright).
The whole module is `slow`: OCR of the two scans makes the extraction alone take over a minute.

Assumptions where the contract leaves a choice (each is what the tests below hold the server to):
- A1 cell paths use the codebook codes as the dataset stores them: `/api/reports/{id}/cells/t3/t3.r3.3.1/np`.
- A2 a report's file is found through `report.source` of `GET /api/reports/{id}` (its last path part).
- A3 a value's box is right when it contains the centre of the truth box of the printed digits and lies
  inside the ruled table cell around them (tolerance 1 pt, 3 px): "no bigger than the table cell". A box
  of the digits or of the cell both pass; a box of the row, the table or the page fails.
- A4 an image file's `page` is 1 or null (an image has one page); a PDF's page is the 1-based page number.
- A5 for HTML the table cell is named by `locator` as the dataset's `cells.locator` spells it,
  `table[i]/r<row>/c<col>`: 0-based, `<table>` elements of the page in document order, grid row and
  column with row/col spans expanded. It is read from the cell answer, or its `source`, or the report's
  `cells` list, in that order.
- A6 `GET /api/reports/{id}/text` answers the text itself (text/plain) or JSON `{"text": ...}`.
- A7 `/api/panel` answers a list of rows or `{"items"|"rows": [...]}`; a row is one agency × year with the
  indicator columns of docs/panel.md (`licensing_decisions` = t2.i5.lic:decisions) and `report_year`;
  "says reviewed: true for that indicator" is `row["<indicator>_reviewed"] is True`, or `row["reviewed"]`
  being True, or a list/dict/string naming the indicator.
- A8 `check-fail` may sit on the `[data-cell]` element or on an ancestor of it (the table cell).
- A9 a `.copied` element holds one sentence: its text, whitespace removed, is that sentence (final 。 optional).
- A10 the contract names no DOM for the review form, so only the API review path is tested.
- A11 a console message of type "error" and an uncaught page error both count as console errors.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import InFlight

from .corpus import Corpus, Doc, build
from .server import extract, serve

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
SAMPLE = ("t2/t2.i1.reg/issued", "t2/t2.i8.fee/amount_wan", "t2/t2.i6.coe/decisions", "t3/t3.r1/np",
          "t3/t3.r3.3.1/sci", "t3/t3.r3.6.2/law", "t3/t3.r3.7/tot", "t3/t3.r4/oth", "t4/t4.rev/up",
          "t4/t4.lit.rev/tot")
TOL = {"pt": 1.0, "px": 3.0}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build(tmp_path_factory.mktemp("workbench-corpus"))


@pytest.fixture(scope="module")
def dataset(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("workbench-run")
    out = base / "dataset"
    extract(corpus.folder, out, base)
    return out


@pytest.fixture(scope="module")
def base_url(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(dataset, tmp_path_factory.mktemp("workbench-serve")) as url:
        yield url


@pytest.fixture(scope="module")
def api(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def ids(api: httpx.Client, corpus: Corpus) -> dict[str, str]:
    """File name -> report_id (A2)."""
    listing = api.get("/api/reports", params={"limit": 100})
    assert listing.status_code == 200, listing.text
    out = {}
    for item in listing.json()["items"]:
        report = api.get(f"/api/reports/{item['report_id']}").json()["report"]
        out[Path(str(report["source"])).name] = item["report_id"]
    assert set(out) == set(corpus.docs), out
    return out


def _doc(corpus: Corpus, name: str) -> Doc:
    return corpus.docs[name]


# ---------------------------------------------------------------- helpers


def box_ok(got: Any, truth: tuple[float, ...], rect: tuple[float, ...], unit: str) -> bool:
    """Rule A3: the centre of the truth box is inside `got`, and `got` is inside the ruled cell."""
    if not isinstance(got, list | tuple) or len(got) != 4:
        return False
    x0, top, x1, bottom = (float(v) for v in got)
    cx, cy = (truth[0] + truth[2]) / 2, (truth[1] + truth[3]) / 2
    t = TOL[unit]
    inside = rect[0] - t <= x0 < x1 <= rect[2] + t and rect[1] - t <= top < bottom <= rect[3] + t
    return x0 <= cx <= x1 and top <= cy <= bottom and inside


def split(key: str) -> tuple[str, str, str]:
    table, row, col = key.split("/")
    return table, row, col


def cell_answer(api: httpx.Client, rid: str, key: str) -> dict[str, Any]:
    r = api.get(f"/api/reports/{rid}/cells/{key}")
    assert r.status_code == 200, (key, r.status_code, r.text[:300])
    body: dict[str, Any] = r.json()
    table, row, col = split(key)
    assert (body["report_id"], body["table"], body["row"], body["col"]) == (rid, table, row, col)
    return body


def served_text(api: httpx.Client, rid: str) -> str:
    r = api.get(f"/api/reports/{rid}/text")
    assert r.status_code == 200, r.text[:300]
    if "json" in r.headers.get("content-type", ""):
        return str(r.json()["text"])  # A6
    return r.text


def rows_of(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict):
        body = body.get("items", body.get("rows"))
    assert isinstance(body, list), body
    return body


def says_reviewed(row: dict[str, Any], indicator: str) -> bool:
    """A7."""
    if row.get(f"{indicator}_reviewed") is True:
        return True
    flag = row.get("reviewed")
    if flag is True:
        return True
    return isinstance(flag, list | dict | str) and indicator in flag


# ---------------------------------------------------------------- the list and its filters


def test_reports_lists_every_generated_report(api: httpx.Client, ids: dict[str, str]) -> None:
    body = api.get("/api/reports", params={"limit": 100}).json()
    assert body["total"] == len(ids) == 8
    assert {i["report_id"] for i in body["items"]} == set(ids.values())
    for item in body["items"]:
        assert {"report_id", "title", "agency", "report_year", "region_code", "template", "status", "doc_kind",
                "n_cells", "n_checks_failed"} <= set(item)


FILTERS = [
    ({"year": 2022}, {"wuzhong_2022.pdf", "liangxi_2022_scan.png", "liangxi_2022_scan.pdf", "wujin_2022.html",
                      "chongchuan_2022.txt", "guangling_2022.html"}),
    ({"year": 2023}, {"wuzhong_2023.pdf"}),
    ({"agency": "吴中区"}, {"wuzhong_2022.pdf", "wuzhong_2023.pdf"}),
    ({"agency": "梁溪区"}, {"liangxi_2022_scan.png", "liangxi_2022_scan.pdf"}),
    ({"agency": "吴中区", "year": 2023}, {"wuzhong_2023.pdf"}),
    ({"status": "failed"}, {"broken.pdf"}),
    ({"status": "ok"}, {"wuzhong_2022.pdf", "wuzhong_2023.pdf", "liangxi_2022_scan.png", "liangxi_2022_scan.pdf",
                        "wujin_2022.html", "chongchuan_2022.txt", "guangling_2022.html"}),
    ({"rule": "T3-COL"}, {"guangling_2022.html"}),
    ({"rule": "T3-LEAF"}, {"guangling_2022.html"}),
    ({"rule": "T4-SUM"}, set()),
]


@pytest.mark.parametrize(("params", "files"), FILTERS, ids=[str(p) for p, _ in FILTERS])
def test_filters_count_right(api: httpx.Client, ids: dict[str, str], params: dict[str, Any],
                             files: set[str]) -> None:
    body = api.get("/api/reports", params={**params, "limit": 100}).json()
    assert body["total"] == len(files)
    assert {i["report_id"] for i in body["items"]} == {ids[f] for f in files}


def test_limit_and_offset_page_through(api: httpx.Client, ids: dict[str, str]) -> None:
    pages = [api.get("/api/reports", params={"limit": 3, "offset": o}).json() for o in (0, 3, 6)]
    assert [len(p["items"]) for p in pages] == [3, 3, 2]
    assert all(p["total"] == 8 for p in pages)
    assert {i["report_id"] for p in pages for i in p["items"]} == set(ids.values())


def test_list_exports_as_csv_and_xlsx(api: httpx.Client) -> None:
    r = api.get("/api/reports", params={"format": "csv", "year": 2022, "limit": 100})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 6 and {row["report_year"] for row in rows} == {"2022"}
    x = api.get("/api/reports", params={"format": "xlsx"})
    assert x.status_code == 200 and x.content[:2] == b"PK"


# ---------------------------------------------------------------- one report


def test_report_values_are_the_printed_ones(api: httpx.Client, corpus: Corpus, ids: dict[str, str]) -> None:
    for doc in corpus.reports():
        assert doc.report is not None
        body = api.get(f"/api/reports/{ids[doc.file]}").json()
        assert body["report"]["agency"] == doc.report.agency
        assert int(body["report"]["report_year"]) == doc.report.year
        got = {f"{c['table']}/{c['row']}/{c['col']}": c["value"] for c in body["cells"]}
        want = {c.key: c.value for c in doc.report.cells}
        assert {k: got.get(k) for k in want} == pytest.approx(want), doc.file
        assert {s["code"] for s in body["sections"]} >= ({"proactive", "requests", "appeals", "other"}
                                                         if doc.kind.startswith("scan") else
                                                         {"overview", "problems", "other"})


def test_failing_checks_are_the_injected_ones(api: httpx.Client, corpus: Corpus, ids: dict[str, str]) -> None:
    body = api.get(f"/api/reports/{ids[corpus.error_doc]}").json()
    failing = {c["rule"] for c in body["checks"] if c["status"] == "fail"}
    assert failing == {"T3-COL", "T3-LEAF"}
    good = api.get(f"/api/reports/{ids['wujin_2022.html']}").json()
    assert not [c for c in good["checks"] if c["status"] == "fail"]


def test_unknown_report_is_404(api: httpx.Client) -> None:
    assert api.get("/api/reports/" + "0" * 64).status_code == 404


@pytest.mark.parametrize("name", ["wuzhong_2022.pdf", "liangxi_2022_scan.pdf"])
@pytest.mark.parametrize("key", SAMPLE)
def test_pdf_cell_source_is_the_printed_box(api: httpx.Client, corpus: Corpus, ids: dict[str, str],
                                            name: str, key: str) -> None:
    doc = _doc(corpus, name)
    assert doc.report is not None
    body = cell_answer(api, ids[name], key)
    assert body["value"] == pytest.approx(doc.report.by_key()[key].value)
    assert body["raw"] == doc.report.by_key()[key].raw
    src = body["source"]
    if doc.kind == "pdf":
        placed = next(p for p in doc.pdf if p.cell == key)
        page, bbox, rect = placed.page, placed.bbox, placed.rect
    else:
        inked = next(t for t in doc.scan if t.cell == key)
        page, (bbox, rect) = 1, inked.in_points()
    assert src["media_type"] == "application/pdf"
    assert src["page"] == page
    assert src["bbox_unit"] == "pt"
    assert box_ok(src["bbox"], bbox, rect, "pt"), (src["bbox"], bbox, rect)


@pytest.mark.parametrize("key", SAMPLE)
def test_image_cell_source_is_the_ink_box_in_pixels(api: httpx.Client, corpus: Corpus, ids: dict[str, str],
                                                    key: str) -> None:
    doc = _doc(corpus, "liangxi_2022_scan.png")
    inked = next(t for t in doc.scan if t.cell == key)
    body = cell_answer(api, ids[doc.file], key)
    assert doc.report is not None and body["raw"] == doc.report.by_key()[key].raw
    src = body["source"]
    assert src["page"] in (1, None)  # A4
    assert src["bbox_unit"] == "px"
    assert box_ok(src["bbox"], inked.bbox, inked.rect, "px"), (src["bbox"], inked.bbox, inked.rect)


def _locator(api: httpx.Client, rid: str, key: str, body: dict[str, Any]) -> str | None:
    """A5: the cell answer, its source, or the report's cells list."""
    for holder in (body, body.get("source") or {}):
        if holder.get("locator"):
            return str(holder["locator"])
    cells = api.get(f"/api/reports/{rid}").json()["cells"]
    table, row, col = split(key)
    return next((c.get("locator") for c in cells if (c["table"], c["row"], c["col"]) == (table, row, col)), None)


@pytest.mark.parametrize("key", SAMPLE)
def test_html_cell_source_names_the_page_and_its_td(api: httpx.Client, corpus: Corpus, ids: dict[str, str],
                                                    key: str) -> None:
    doc = _doc(corpus, "wujin_2022.html")
    where = next(w for w in doc.html if w.cell == key)
    rid = ids[doc.file]
    body = cell_answer(api, rid, key)
    assert doc.report is not None and body["raw"] == doc.report.by_key()[key].raw
    src = body["source"]
    assert doc.file in f"{src.get('member') or ''} {src.get('url') or ''}"
    assert src["bbox"] is None
    assert _locator(api, rid, key, body) == f"table[{where.table}]/r{where.grid_row}/c{where.grid_col}"


@pytest.mark.parametrize("key", SAMPLE)
def test_text_cell_span_slices_the_number(api: httpx.Client, corpus: Corpus, ids: dict[str, str],
                                          key: str) -> None:
    doc = _doc(corpus, "chongchuan_2022.txt")
    span = next(s for s in doc.spans if s.cell == key)
    rid = ids[doc.file]
    body = cell_answer(api, rid, key)
    assert doc.report is not None
    raw = doc.report.by_key()[key].raw
    assert body["raw"] == raw and body["source"]["bbox"] is None
    start, end = body["source"]["span"]
    text = served_text(api, rid)
    assert text[start:end] == raw
    line_start = text.rfind("\n", 0, start) + 1
    assert text[line_start:start] == span.before  # the printed occurrence, not a lookalike elsewhere


def test_unknown_cell_is_not_200(api: httpx.Client, ids: dict[str, str]) -> None:
    r = api.get(f"/api/reports/{ids['wujin_2022.html']}/cells/t3/t3.r9/np")
    assert r.status_code in (400, 404)


# ---------------------------------------------------------------- reviews


def _post(api: httpx.Client, **fields: Any) -> httpx.Response:
    return api.post("/api/reviews", json=fields)


@pytest.fixture(scope="module")
def correction(api: httpx.Client, corpus: Corpus, ids: dict[str, str]) -> dict[str, Any]:
    """A confirm and then a correction of wuzhong 2022's 行政许可 decisions, through the API."""
    doc = _doc(corpus, "wuzhong_2022.pdf")
    assert doc.report is not None
    old = doc.report.cell("t2", "t2.i5.lic", "decisions").value
    rid = ids[doc.file]
    cell = {"report_id": rid, "table": "t2", "row": "t2.i5.lic", "col": "decisions"}
    first = _post(api, **cell, value=None, kind="confirm", reason="对照原件核实", reviewer="审核员甲")
    assert first.status_code == 201, first.text
    new = int(old) + 1
    second = _post(api, **cell, value=new, kind="correct", reason="原件第1页印刷值", reviewer="审核员乙")
    assert second.status_code == 201, second.text
    return {"rid": rid, "cell": cell, "old": old, "new": new, "stored": second.json()}


def test_correction_is_stored_and_listed_oldest_first(api: httpx.Client, correction: dict[str, Any],
                                                      dataset: Path) -> None:
    stored = correction["stored"]
    assert stored["reviewer"] == "审核员乙" and int(stored["value"]) == correction["new"]
    listed = api.get("/api/reviews", params={"report_id": correction["rid"]}).json()
    listed = rows_of(listed)
    assert [r["reviewer"] for r in listed] == ["审核员甲", "审核员乙"]
    assert listed[1]["value"] == correction["new"] and listed[0]["value"] is None
    assert any(p.is_file() for p in (dataset / "reviews").rglob("*"))


def test_correction_leaves_the_extracted_value(api: httpx.Client, correction: dict[str, Any]) -> None:
    cells = api.get(f"/api/reports/{correction['rid']}").json()["cells"]
    c = next(c for c in cells if (c["table"], c["row"], c["col"]) == ("t2", "t2.i5.lic", "decisions"))
    assert c["value"] == correction["old"]
    body = cell_answer(api, correction["rid"], "t2/t2.i5.lic/decisions")
    assert body["value"] == correction["old"] and int(body["reviewed_value"]) == correction["new"]


def _wuzhong_2022(rows: list[dict[str, Any]]) -> dict[str, Any]:
    (row,) = [r for r in rows if int(r["report_year"]) == 2022 and "吴中区" in str(r.get("agency", ""))]
    return row


def test_panel_uses_the_reviewed_value_only_when_asked(api: httpx.Client, correction: dict[str, Any]) -> None:
    reviewed = _wuzhong_2022(rows_of(api.get("/api/panel", params={"reviewed": 1}).json()))
    assert reviewed["licensing_decisions"] == correction["new"]
    assert says_reviewed(reviewed, "licensing_decisions")
    assert not says_reviewed(reviewed, "penalty_decisions")
    plain = _wuzhong_2022(rows_of(api.get("/api/panel").json()))
    assert plain["licensing_decisions"] == correction["old"]


BAD_REVIEWS = {
    "no reviewer": {"value": 5, "reason": "x"},
    "empty reviewer": {"value": 5, "reason": "x", "reviewer": ""},
    "no reason": {"value": 5, "reviewer": "审核员甲"},
    "negative value": {"value": -3, "reason": "x", "reviewer": "审核员甲"},
    "fractional value": {"value": 2.5, "reason": "x", "reviewer": "审核员甲"},
}


@pytest.mark.parametrize("case", BAD_REVIEWS)
def test_bad_review_is_400(api: httpx.Client, ids: dict[str, str], case: str) -> None:
    cell = {"report_id": ids["wujin_2022.html"], "table": "t3", "row": "t3.r1", "col": "np"}
    r = _post(api, **cell, **BAD_REVIEWS[case])
    assert r.status_code == 400 and "error" in r.json()


@pytest.mark.parametrize("cell", [
    {"table": "t3", "row": "t3.r9", "col": "np"},
    {"table": "t3", "row": "t3.r1", "col": "decisions"},
    {"table": "t9", "row": "t3.r1", "col": "np"},
])
def test_review_of_a_nonexistent_cell_is_400(api: httpx.Client, ids: dict[str, str], cell: dict[str, str]) -> None:
    r = _post(api, report_id=ids["wujin_2022.html"], **cell, value=5, reason="x", reviewer="审核员甲")
    assert r.status_code == 400 and "error" in r.json()


def test_review_of_a_nonexistent_report_is_400(api: httpx.Client) -> None:
    r = _post(api, report_id="f" * 64, table="t3", row="t3.r1", col="np", value=5, reason="x", reviewer="甲")
    assert r.status_code == 400 and "error" in r.json()


# ---------------------------------------------------------------- Chromium


class Watch:
    """Console errors, page errors, and requests to any host but 127.0.0.1, of one browser page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)
        self.flight = InFlight(page)

    def _request(self, request: Any) -> None:
        host = urllib.parse.urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != "127.0.0.1":
            self.foreign.append(request.url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    watch = Watch(pg)
    yield pg, watch
    ctx.close()


def _open(pg: Any, watch: Watch, url: str) -> None:
    response = pg.goto(url)
    assert response is not None and response.status == 200, url
    watch.flight.settle()
    assert watch.errors == [], (url, watch.errors)
    assert watch.foreign == [], (url, watch.foreign)


PAGES = ["/", "/queue", "/failures", "/coverage", "report:wuzhong_2022.pdf", "report:liangxi_2022_scan.png",
         "report:liangxi_2022_scan.pdf", "report:wujin_2022.html", "report:chongchuan_2022.txt",
         "report:guangling_2022.html", "report:broken.pdf", "agency:苏州市吴中区人民政府", "compare"]


@pytest.mark.parametrize("which", PAGES)
def test_page_renders_clean_and_local(page: tuple[Any, Watch], base_url: str, ids: dict[str, str],
                                      corpus: Corpus, which: str) -> None:
    pg, watch = page
    if which.startswith("report:"):
        path = f"/reports/{ids[which.split(':', 1)[1]]}"
    elif which.startswith("agency:"):
        path = "/agency/" + urllib.parse.quote(which.split(":", 1)[1])
    elif which == "compare":
        path = f"/compare?a={ids[corpus.pair[0]]}&b={ids[corpus.pair[1]]}"
    else:
        path = which
    _open(pg, watch, base_url + path)
    pg.wait_for_timeout(300)  # late scripts
    assert watch.errors == [] and watch.foreign == [], (path, watch.errors, watch.foreign)


def test_find_page_links_every_report(page: tuple[Any, Watch], base_url: str, ids: dict[str, str]) -> None:
    pg, watch = page
    _open(pg, watch, base_url + "/")
    found = pg.eval_on_selector_all("#results a.report-link[data-report-id]",
                                    "els => els.map(e => e.dataset.reportId)")
    assert sorted(found) == sorted(ids.values())


def _values_on_page(pg: Any) -> dict[str, str]:
    return dict(pg.eval_on_selector_all("[data-cell]", "els => els.map(e => [e.dataset.cell, e.textContent.trim()])"))


def _click(pg: Any, key: str) -> None:
    pg.click(f'[data-cell="{key}"]')


def _highlight_after_click(pg: Any, key: str, previous: str | None) -> tuple[list[float], str]:
    _click(pg, key)
    pg.wait_for_function(
        "prev => { const h = document.querySelector('#source-highlight');"
        " return h && h.dataset.bbox && h.dataset.bbox !== prev; }", arg=previous or "")
    bbox = pg.get_attribute("#source-highlight", "data-bbox")
    page_no = pg.get_attribute("#source-highlight", "data-page")
    assert pg.query_selector("#source img#source-page") is not None
    return [float(v) for v in bbox.split(",")], page_no


@pytest.mark.parametrize("name", ["wuzhong_2022.pdf", "liangxi_2022_scan.pdf", "liangxi_2022_scan.png"])
def test_clicking_a_value_highlights_its_box(page: tuple[Any, Watch], base_url: str, corpus: Corpus,
                                             ids: dict[str, str], name: str) -> None:
    pg, watch = page
    doc = _doc(corpus, name)
    assert doc.report is not None
    _open(pg, watch, f"{base_url}/reports/{ids[name]}")
    shown = _values_on_page(pg)
    assert {k: shown.get(k) for k in doc.report.by_key()} == {k: c.raw for k, c in doc.report.by_key().items()}
    previous = None
    for key in SAMPLE:
        bbox, page_no = _highlight_after_click(pg, key, previous)
        previous = ",".join(pg.get_attribute("#source-highlight", "data-bbox").split(","))
        if doc.kind == "pdf":
            placed = next(p for p in doc.pdf if p.cell == key)
            truth, rect, unit, want_page = placed.bbox, placed.rect, "pt", placed.page
        elif doc.kind == "scan_pdf":
            inked = next(t for t in doc.scan if t.cell == key)
            (truth, rect), unit, want_page = inked.in_points(), "pt", 1
        else:
            inked = next(t for t in doc.scan if t.cell == key)
            truth, rect, unit, want_page = inked.bbox, inked.rect, "px", 1
        assert int(page_no) == want_page, key
        assert box_ok(bbox, truth, rect, unit), (key, bbox, truth, rect)
    assert watch.errors == [] and watch.foreign == []


def test_clicking_an_html_value_marks_its_td(page: tuple[Any, Watch], base_url: str, corpus: Corpus,
                                             ids: dict[str, str]) -> None:
    pg, watch = page
    doc = _doc(corpus, "wujin_2022.html")
    assert doc.report is not None
    _open(pg, watch, f"{base_url}/reports/{ids[doc.file]}")
    for key in SAMPLE:
        raw = doc.report.by_key()[key].raw
        _click(pg, key)
        # This key's page, not the one the previous click left in the frame until it is replaced.
        selector = f'iframe#source-html[src$="cell={urllib.parse.quote(key, safe="")}"]'
        pg.wait_for_selector(selector)
        frame = pg.frame_locator(selector)
        mark = frame.locator(".xxgk-mark")
        mark.first.wait_for()
        texts = [re.sub(r"\s+", "", t) for t in mark.all_text_contents()]
        assert texts == [raw], (key, texts)
        where = next(w for w in doc.html if w.cell == key)
        position = frame.locator(".xxgk-mark").first.evaluate(
            "td => { const t = td.closest('table'); const tr = td.closest('tr');"
            " return [Array.from(document.querySelectorAll('table')).indexOf(t),"
            " Array.from(t.rows).indexOf(tr), Array.from(tr.cells).indexOf(td)]; }")
        assert position == [where.table, where.tr, where.td], key
    assert watch.errors == [] and watch.foreign == []


def test_clicking_a_text_value_marks_its_span(page: tuple[Any, Watch], base_url: str, corpus: Corpus,
                                              ids: dict[str, str]) -> None:
    pg, watch = page
    doc = _doc(corpus, "chongchuan_2022.txt")
    assert doc.report is not None
    _open(pg, watch, f"{base_url}/reports/{ids[doc.file]}")
    for key in SAMPLE:
        raw = doc.report.by_key()[key].raw
        span = next(s for s in doc.spans if s.cell == key)
        _click(pg, key)
        pg.wait_for_function(
            "raw => { const m = document.querySelector('#source-text #source-mark');"
            " return m && m.textContent === raw; }", arg=raw)
        before = pg.eval_on_selector("#source-mark", """m => {
            const pre = m.closest('pre'); const r = document.createRange();
            r.setStart(pre, 0); r.setEndBefore(m); const s = r.toString();
            return s.slice(s.lastIndexOf('\\n') + 1); }""")
        assert before == span.before, key
        assert pg.eval_on_selector_all("#source-mark", "els => els.length") == 1
    assert watch.errors == [] and watch.foreign == []


def _check_fail_cells(pg: Any) -> set[str]:
    return set(pg.eval_on_selector_all(
        "[data-cell]", "els => els.filter(e => e.closest('.check-fail')).map(e => e.dataset.cell)"))


def test_failing_identity_cells_carry_check_fail(page: tuple[Any, Watch], base_url: str, corpus: Corpus,
                                                 ids: dict[str, str]) -> None:
    pg, watch = page
    _open(pg, watch, f"{base_url}/reports/{ids[corpus.error_doc]}")
    assert _check_fail_cells(pg) == set(corpus.involved)
    _open(pg, watch, f"{base_url}/reports/{ids['wujin_2022.html']}")
    assert _check_fail_cells(pg) == set()


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s).rstrip("。")


def test_compare_marks_exactly_the_copied_sentences(page: tuple[Any, Watch], base_url: str, corpus: Corpus,
                                                    ids: dict[str, str]) -> None:
    pg, watch = page
    _open(pg, watch, f"{base_url}/compare?a={ids[corpus.pair[0]]}&b={ids[corpus.pair[1]]}")
    marked = [_norm(t) for t in pg.eval_on_selector_all(".copied", "els => els.map(e => e.textContent)")]
    copied = {_norm(s) for s in corpus.copied}
    assert set(marked) == copied, marked
    page_text = _norm(pg.inner_text("body"))
    for sentence in corpus.not_copied:
        assert _norm(sentence) in page_text, sentence  # shown, and not marked
        assert all(_norm(sentence) not in m for m in marked), sentence
