"""The workbench in a real headless Chromium (Debian's, driven by Playwright with `executable_path`):
every page renders without a console error or a request leaving 127.0.0.1; clicking a value opens its
source with the right region highlighted — a PDF cell, a scan cell (image-only PDF, read by OCR), an
image-file cell, an HTML cell and a text cell — checked against the printed PDF and the generator's
truth; a correction made in the page round-trips into `reviews` and the panel; compare marks copied
sentences."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pdfplumber
import pytest
from playwright.sync_api import expect

from tests.browser import InFlight
from tests.pipeline.serve.corpus import PDF, build, corpus

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCAN_DPI = 200


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("serve-browser"), scans=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(dataset: Path) -> Iterator[str]:
    """`xxgk serve` as a user runs it, waited for by its `serving http://…` line."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    log = dataset.parent / "serve.log"
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.commands.cli", "serve", "--dataset", str(dataset),
                                 "--port", str(port)], stdout=subprocess.PIPE, stderr=err, text=True, env=env)
    assert proc.stdout is not None
    with proc.stdout:
        line = proc.stdout.readline()
        assert line.strip() == f"serving http://127.0.0.1:{port}/", (line, log.read_text())
        yield f"http://127.0.0.1:{port}"
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not installed at {CHROMIUM}: run scripts/sysdeps.sh")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


class Watched:
    """A page whose console errors, page errors and requests are recorded."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.flight = InFlight(self.page)

    def settle(self) -> None:
        self.flight.settle()

    def clean(self) -> None:
        assert self.errors == []
        assert all(re.match(r"(http://127\.0\.0\.1:\d+/|data:|about:)", u) for u in self.requests), self.requests


def _api(server: str, path: str, **params: object) -> Any:
    r = httpx.get(server + path, params=params, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def _open_cell(w: Watched, server: str, rid: str, key: str) -> None:
    w.page.goto(f"{server}/reports/{rid}")
    w.page.click(f'td[data-cell="{key}"]')


def _pdf_box(key: str) -> tuple[int, tuple[float, float, float, float]]:
    """Truth for a scan: where the text-layer PDF printed the same cell (page, box in points)."""
    return TRUTH_BOXES[key]


TRUTH_BOXES: dict[str, tuple[int, tuple[float, float, float, float]]] = {}


def _number_cells(server: str, rid: str) -> list[dict[str, Any]]:
    return [c for c in _api(server, f"/api/reports/{rid}")["cells"] if c["flag"] == "number"]


def _rid(server: str, source_name: str) -> str:
    items = _api(server, "/api/reports", limit=1000)["items"]
    for it in items:
        row = _api(server, f"/api/reports/{it['report_id']}")["report"]
        if row["source"].endswith(source_name):
            return str(it["report_id"])
    raise AssertionError(source_name)


def test_every_page_renders_without_console_errors_or_outside_requests(server: str, browser: Any) -> None:
    items = _api(server, "/api/reports", limit=1000)["items"]
    a, b = items[0]["report_id"], items[1]["report_id"]
    paths = ["/", "/?region=33", "/queue", "/failures", "/coverage", f"/reports/{a}", f"/compare?a={a}&b={b}",
             f"/agency/{items[0]['agency']}"]
    for path in paths:
        w = Watched(browser)
        response = w.page.goto(server + path)
        assert response is not None and response.status == 200, path
        w.settle()
        w.clean()
        w.page.close()
    w = Watched(browser)
    w.page.goto(server + "/")
    links = w.page.locator("#results a.report-link[data-report-id]")
    expect(links).to_have_count(min(50, len(items)))  # the list is filled by a fetch after load: wait for it


def test_pdf_cell_opens_its_page_with_the_box_drawn(server: str, browser: Any) -> None:
    rid = _rid(server, PDF.name)
    cells = _number_cells(server, rid)
    with pdfplumber.open(PDF) as pdf:
        for c in cells[::9][:6]:
            key = f"{c['table']}/{c['row']}/{c['col']}"
            w = Watched(browser)
            _open_cell(w, server, rid, key)
            hl = w.page.wait_for_selector("#source #source-highlight")
            img = w.page.wait_for_selector("#source img#source-page")
            w.page.wait_for_function("() => document.getElementById('source-page').complete")
            api = _api(server, f"/api/reports/{rid}/cells/{key}")["source"]
            assert hl.get_attribute("data-bbox") == ",".join(f"{v:g}" for v in api["bbox"])
            assert hl.get_attribute("data-page") == str(api["page"])
            x0, top, x1, bottom = api["bbox"]
            page = pdf.pages[api["page"] - 1]
            printed = page.crop((x0 - 0.5, top - 0.5, x1 + 0.5, bottom + 0.5)).extract_text()
            assert re.sub(r"\s+", "", printed) == c["raw"]  # the box holds the printed value
            TRUTH_BOXES[f"{c['row']}/{c['col']}"] = (api["page"], (x0, top, x1, bottom))
            box, ibox = hl.bounding_box(), img.bounding_box()
            k = ibox["width"] / float(page.width)
            assert abs(box["x"] - ibox["x"] - x0 * k) < 3 and abs(box["y"] - ibox["y"] - top * k) < 3
            w.clean()
            w.page.close()


def _centre(b: tuple[float, float, float, float]) -> tuple[float, float]:
    return (b[0] + b[2]) / 2, (b[1] + b[3]) / 2


def _scan_check(server: str, browser: Any, source: str, unit: str, scale: float, page_of: dict[int, int]) -> int:
    """Cells of a scan whose value equals the PDF's and whose box sits where the PDF printed it."""
    rid = _rid(server, source)
    pdf_rid = _rid(server, PDF.name)
    pdf_values = {(c["table"], c["row"], c["col"]): c for c in _number_cells(server, pdf_rid)}
    checked = 0
    with pdfplumber.open(PDF) as pdf:
        for c in _number_cells(server, rid):
            twin = pdf_values.get((c["table"], c["row"], c["col"]))
            if twin is None or twin["value"] != c["value"]:
                continue
            key = f"{c['table']}/{c['row']}/{c['col']}"
            src = _api(server, f"/api/reports/{rid}/cells/{key}")["source"]
            truth = _api(server, f"/api/reports/{pdf_rid}/cells/{key}")["source"]
            if page_of.get(src["page"]) != truth["page"]:
                continue
            assert src["bbox_unit"] == unit
            (cx, cy), (tx, ty) = _centre(src["bbox"]), _centre(truth["bbox"])
            assert abs(cx / scale - tx) < 12 and abs(cy / scale - ty) < 12, (key, src["bbox"], truth["bbox"])
            if checked < 2:
                w = Watched(browser)
                _open_cell(w, server, rid, key)
                hl = w.page.wait_for_selector("#source #source-highlight")
                w.page.wait_for_function("() => document.getElementById('source-page').complete")
                assert hl.get_attribute("data-bbox") == ",".join(f"{v:g}" for v in src["bbox"])
                w.clean()
                w.page.close()
            checked += 1
    del pdf
    return checked


def test_scan_cell_box_is_where_the_pdf_printed_it(server: str, browser: Any) -> None:
    assert _scan_check(server, browser, "hongze_scan.pdf", "pt", 1.0, {1: 3, 2: 4}) >= 20


def test_image_file_cell_box_is_in_its_pixels(server: str, browser: Any) -> None:
    assert _scan_check(server, browser, "hongze_page3.png", "px", SCAN_DPI / 72, {1: 3}) >= 10


def test_html_cell_is_marked_in_the_archived_page(server: str, browser: Any) -> None:
    rid = _rid(server, "fujian_pingtan_zone_2021_page.html")
    for c in _number_cells(server, rid)[::17][:4]:
        key = f"{c['table']}/{c['row']}/{c['col']}"
        w = Watched(browser)
        _open_cell(w, server, rid, key)
        w.page.wait_for_selector("#source iframe#source-html")
        mark = w.page.frame_locator("#source-html").locator(".xxgk-mark")
        expect(mark).to_have_count(1)  # the frame's document loads after the iframe is attached: wait for it
        assert mark.inner_text().strip() == c["raw"]
        w.settle()
        w.clean()
        w.page.close()


def test_text_cell_span_is_highlighted(server: str, browser: Any) -> None:
    g = next(cap.report for cap in corpus().captures if cap.report.key == "L05-2022" and cap.role == "report")
    rid = _rid(server, "site/L05_2022.txt")
    for key in (("t3", "t3.r1", "tot"), ("t4", "t4.rev", "tot"), ("t2", "t2.i1.nds", "in_force")):
        w = Watched(browser)
        _open_cell(w, server, rid, "/".join(key))
        mark = w.page.wait_for_selector("#source pre#source-text mark#source-mark")
        assert mark.inner_text() == g.raw[key]
        w.clean()
        w.page.close()


def test_a_correction_in_the_page_reaches_reviews_and_the_panel(server: str, browser: Any, dataset: Path) -> None:
    g = next(cap.report for cap in corpus().captures if cap.report.key == "L05-2023" and cap.role == "report")
    rid = _rid(server, "site/L05_2023.txt")
    truth = g.cells[("t3", "t3.r3.2", "tot")]
    w = Watched(browser)
    _open_cell(w, server, rid, "t3/t3.r3.2/tot")
    w.page.wait_for_selector("#review-form:not([hidden])")
    w.page.select_option("#review-form select[name=kind]", "correct")
    w.page.fill("#review-form input[name=value]", str(int(truth) + 2))
    w.page.fill("#review-form input[name=reason]", "misprint in the table")
    w.page.fill("#review-form input[name=reviewer]", "auditor B")
    w.page.click("#review-form button[type=submit]")
    w.page.wait_for_selector("#review-result:has-text('saved')")
    w.clean()
    reviews = _api(server, "/api/reviews", report_id=rid)["items"]
    assert [(r["reviewer"], r["old_value"], r["value"]) for r in reviews] == [("auditor B", truth, truth + 2)]
    row = next(p for p in _api(server, "/api/panel", reviewed=1)["items"] if p["report_id"] == rid)
    assert row["partial"] == truth + 2 and row["partial_reviewed"] is True
    assert len(list((dataset / "reviews").glob("*.parquet"))) == 1


def test_compare_marks_a_copied_sentence(server: str, browser: Any) -> None:
    a, b = _rid(server, "site/L05_2021.txt"), _rid(server, "site/L05_2022.txt")
    w = Watched(browser)
    w.page.goto(f"{server}/compare?a={a}&b={b}")
    copied = w.page.locator(".side-b .copied")
    copied.nth(2).wait_for(state="attached")  # at least three copied sentences marked
    assert copied.count() >= 3
    first = copied.first.inner_text()

    def comparable(text: str) -> str:  # as compare reads sentences: NFKC, numbers masked, no spaces
        return re.sub(r"\s+", "", re.sub(r"\d+", "#", unicodedata.normalize("NFKC", text)))

    texts = "".join(s["text"] for s in _api(server, f"/api/reports/{a}")["sections"])
    assert comparable(first) in comparable(texts)
    w.clean()
