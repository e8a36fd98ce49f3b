"""The workbench's JSON API and pages over a dataset the real pipeline made from real fixtures and the
generated multi-year corpus; values are checked against the generator's truth and the printed PDF."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import pdfplumber
import pytest
from lxml import html as lhtml
from starlette.testclient import TestClient

from pipeline.serve.app import create_app
from tests.pipeline.serve.corpus import GAP, PDF, build, corpus


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def client(dataset: Path) -> TestClient:
    return TestClient(create_app(dataset))


def _truth(key: str):  # the generated report behind a corpus key such as "L05-2022"
    return next(c.report for c in corpus().captures if c.report.key == key and c.role == "report")


def _report_id(client: TestClient, agency: str, year: int) -> str:
    items = client.get("/api/reports", params={"agency": agency, "year": year}).json()["items"]
    exact = [i for i in items if i["agency"] == agency]
    assert len(exact) >= 1, (agency, year, items)
    return str(exact[0]["report_id"])


def test_list_filters_by_region_and_year_match_the_corpus(client: TestClient) -> None:
    truth = {(c.report.agency, c.report.report_year) for c in corpus().captures
             if c.role == "report" and c.report.region_code.startswith("3302") and c.report.key != f"{GAP[0]}-{GAP[1]}"}
    got = client.get("/api/reports", params={"region": "3302", "limit": 500}).json()
    assert {(i["agency"], i["report_year"]) for i in got["items"]} == truth
    assert all(i["region_code"].startswith("3302") for i in got["items"])
    one_year = client.get("/api/reports", params={"region": "3302", "year": 2022, "limit": 500}).json()
    assert one_year["total"] == sum(1 for _, y in truth if y == 2022)
    assert set(one_year["items"][0]) == {"report_id", "title", "agency", "report_year", "region_code", "template",
                                         "status", "doc_kind", "n_cells", "n_checks_failed"}


def test_text_cell_value_and_span_are_the_printed_number(client: TestClient) -> None:
    g = _truth("L05-2022")
    rid = _report_id(client, g.agency, 2022)
    text = client.get(f"/api/reports/{rid}/text").json()["text"]
    for key in [("t3", "t3.r1", "tot"), ("t3", "t3.r3.1", "np"), ("t4", "t4.rev", "tot")]:
        cell = client.get(f"/api/reports/{rid}/cells/{'/'.join(key)}").json()
        assert cell["value"] == g.cells[key]
        a, b = cell["source"]["span"]
        assert text[a:b].strip() == g.raw[key]
        assert cell["source"]["bbox"] is None and cell["source"]["page"] is None


def test_pdf_boxes_hold_the_printed_text(client: TestClient) -> None:
    rid = client.get("/api/reports", params={"q": "洪泽"}).json()["items"][0]["report_id"]
    assert rid == hashlib.sha256(PDF.read_bytes()).hexdigest()
    cells = [c for c in client.get(f"/api/reports/{rid}").json()["cells"] if c["flag"] == "number"]
    assert len(cells) > 100
    with pdfplumber.open(PDF) as pdf:
        for c in cells:
            src = client.get(f"/api/reports/{rid}/cells/{c['table']}/{c['row']}/{c['col']}").json()["source"]
            assert src["bbox_unit"] == "pt" and src["media_type"] == "application/pdf"
            x0, top, x1, bottom = src["bbox"]
            printed = pdf.pages[src["page"] - 1].crop((x0 - 0.5, top - 0.5, x1 + 0.5, bottom + 0.5)).extract_text()
            assert re.sub(r"\s+", "", printed) == re.sub(r"\s+", "", c["raw"]), (c, printed)


def test_html_cell_is_marked_in_the_archived_page(client: TestClient) -> None:
    rid = client.get("/api/reports", params={"q": "平潭综合实验区", "year": 2021}).json()["items"][0]["report_id"]
    cells = [c for c in client.get(f"/api/reports/{rid}").json()["cells"] if c["flag"] == "number"][:40]
    assert len(cells) == 40
    for c in cells:
        page = client.get(f"/reports/{rid}/html", params={"cell": f"{c['table']}/{c['row']}/{c['col']}"})
        assert page.status_code == 200
        assert "script" not in page.headers["content-security-policy"]
        marked = lhtml.fromstring(page.content).find_class("xxgk-mark")
        assert len(marked) == 1
        assert marked[0].text_content().strip() == c["raw"]
        assert b"<script" not in page.content.lower()


def test_a_correction_round_trips_into_reviews_and_the_panel(client: TestClient, dataset: Path) -> None:
    g = _truth("L05-2021")
    rid = _report_id(client, g.agency, 2021)
    before = {p: p.read_bytes() for p in dataset.glob("cells/*/part-0.parquet")}
    truth = g.cells[("t3", "t3.r3.1", "tot")]
    body = {"report_id": rid, "table": "t3", "row": "t3.r3.1", "col": "tot", "value": int(truth) + 5,
            "reason": "re-read from the PDF", "reviewer": "auditor A"}
    r = client.post("/api/reviews", json=body)
    assert r.status_code == 201
    assert r.json()["old_value"] == truth and r.json()["value"] == truth + 5 and r.json()["kind"] == "correct"
    reviews = client.get("/api/reviews", params={"report_id": rid}).json()["items"]
    assert [(v["reviewer"], v["value"]) for v in reviews] == [("auditor A", truth + 5)]
    plain = next(p for p in client.get("/api/panel").json()["items"] if p["report_id"] == rid)
    reviewed = next(p for p in client.get("/api/panel", params={"reviewed": 1}).json()["items"] if p["report_id"] == rid)
    assert plain["granted"] == truth and reviewed["granted"] == truth + 5
    assert reviewed["granted_reviewed"] is True and "granted" in reviewed["reviewed"].split(",")
    assert client.get(f"/api/reports/{rid}/cells/t3/t3.r3.1/tot").json()["reviewed_value"] == truth + 5
    assert {p: p.read_bytes() for p in dataset.glob("cells/*/part-0.parquet")} == before  # extracted data untouched
    assert len(list((dataset / "reviews").glob("*.parquet"))) == 1


@pytest.mark.parametrize(("change", "error"), [
    ({"reviewer": ""}, "reviewer"), ({"reason": None}, "reason"), ({"value": -3}, "non-negative"),
    ({"value": "12.5"}, "non-negative"), ({"row": "t3.r99"}, "no cell"), ({"report_id": "0" * 64}, "no report"),
])
def test_bad_reviews_are_refused(client: TestClient, change: dict[str, object], error: str) -> None:
    rid = client.get("/api/reports", params={"q": "洪泽"}).json()["items"][0]["report_id"]
    body = {"report_id": rid, "table": "t3", "row": "t3.r1", "col": "tot", "value": 1, "reason": "x",
            "reviewer": "me", **change}
    r = client.post("/api/reviews", json=body)
    assert r.status_code == 400 and error in r.json()["error"]


def test_unknown_report_is_404_and_bad_filters_400(client: TestClient) -> None:
    assert client.get("/api/reports/" + "0" * 64).status_code == 404
    assert client.get("/api/reports", params={"year": "abc"}).status_code == 400
    assert client.get("/api/reports", params={"limit": 0}).status_code == 400
    assert client.get("/reports/" + "0" * 64).status_code == 404


def test_exports_carry_the_listed_rows(client: TestClient) -> None:
    from openpyxl import load_workbook

    params = {"region": "33", "limit": 1000}
    total = client.get("/api/reports", params=params).json()["total"]
    rows = list(csv.reader(io.StringIO(client.get("/api/reports", params={**params, "format": "csv"}).text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["report_id", "title", "agency"] and len(rows) == total + 1
    wb = load_workbook(io.BytesIO(client.get("/api/reports", params={**params, "format": "xlsx"}).content))
    assert wb.active.max_row == total + 1
    assert client.get("/api/queue", params={"format": "csv"}).status_code == 200


def test_failures_are_grouped_with_their_reason(client: TestClient) -> None:
    got = client.get("/api/failures").json()
    assert [i["source"].rsplit("/", 1)[-1] for i in got["items"]] == ["broken.pdf"]
    assert got["groups"][0]["n"] == 1 and "broken.pdf" in client.get("/failures").text


def test_agency_page_shows_the_missing_year_as_a_gap(client: TestClient) -> None:
    g = _truth(f"{GAP[0]}-2022")
    page = client.get(f"/agency/{g.agency}")
    assert page.status_code == 200
    doc = lhtml.fromstring(page.content)
    assert [th.get("data-year") for th in doc.xpath("//th[contains(@class, 'gap')]")] == [str(GAP[1])]
    years = [th.get("data-year") for th in doc.xpath("//th[contains(@class, 'year')]")]
    assert years == [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]


def test_compare_marks_the_copied_narrative(client: TestClient) -> None:
    a = _report_id(client, _truth("L05-2021").agency, 2021)
    b = _report_id(client, _truth("L05-2022").agency, 2022)
    data = client.get("/api/compare", params={"a": a, "b": b}).json()
    assert data["n_copied"] >= 3
    doc = lhtml.fromstring(client.get("/compare", params={"a": a, "b": b}).content)
    assert len(doc.xpath("//div[@class='side-a']//*[contains(@class, 'copied')]")) >= 3 and len(doc.xpath("//div[@class='side-b']//*[contains(@class, 'copied')]")) >= 3


def test_report_page_draws_failing_checks_on_their_cells(client: TestClient) -> None:
    items = client.get("/api/reports", params={"limit": 1000}).json()["items"]
    failing = [i for i in items if i["n_checks_failed"]]
    assert failing
    rid = failing[0]["report_id"]
    data = client.get(f"/api/reports/{rid}").json()
    cells = {c for k in data["checks"] if k["status"] == "fail" for c in k["cells"]}
    doc = lhtml.fromstring(client.get(f"/reports/{rid}").content)
    assert {e.get("data-cell") for e in doc.xpath("//*[@data-cell][contains(@class, 'check-fail')]")} == cells and cells
    values = {f"{c['table']}/{c['row']}/{c['col']}": c["value"] for c in data["cells"]}
    for e in doc.xpath("//td[@data-cell]"):
        v = values[e.get("data-cell")]
        assert e.text_content() == ("" if v is None else str(int(v)) if float(v).is_integer() else f"{v:g}")


@pytest.mark.parametrize("path", ["/", "/queue", "/failures", "/coverage", "/?region=33&year=2022"])
def test_list_pages_render(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and "<html" in r.text


def test_queue_holds_the_cells_worth_a_look(client: TestClient, dataset: Path) -> None:
    from pipeline.store.dataset import open_dataset

    ds = open_dataset(dataset)
    cells, checks = ds.cells, ds.checks
    fail = checks[checks["status"] == "fail"]
    failing = set(zip(fail["report_id"], fail["rule"].str.split("-").str[0].str.lower(), strict=True))
    assert failing  # the corpus has reports with failing identities
    keys = list(zip(cells["report_id"], cells["table"], cells["row"], cells["col"], strict=True))
    want = {k for k, v, reason, conf in zip(keys, cells["value"], cells["reason"], cells["confidence"], strict=True)
            if ((v != v or v is None) and reason is not None) or conf < 0.9 or (k[0], k[1]) in failing}
    got = client.get("/api/queue", params={"limit": 10000}).json()
    assert got["total"] == len(got["items"]) == len(want)
    assert {(i["report_id"], i["table"], i["row"], i["col"]) for i in got["items"]} == want


def test_agency_is_found_by_any_name_it_printed(client: TestClient) -> None:
    names = {c.report.agency for c in corpus().captures if c.report.key.startswith(f"{GAP[0]}-")}
    assert len(names) >= 2  # the body signs with its abbreviation in some years
    ids = {client.get(f"/api/agency/{name}").json()["agency"]["agency_id"] for name in names}
    assert ids == {corpus().expected_agency_id(GAP[0])}


def test_a_warc_capture_is_found_and_named(client: TestClient) -> None:
    from tests.pipeline.serve.corpus import WARC_PAGE, WARC_URL

    rid = hashlib.sha256(WARC_PAGE.read_bytes()).hexdigest()
    report = client.get(f"/api/reports/{rid}").json()["report"]
    assert report["url"] == WARC_URL and report["media_type"] == "text/html"
    assert client.get(f"/reports/{rid}/original").content == WARC_PAGE.read_bytes()
    page = client.get(f"/reports/{rid}").text
    assert "WARC capture &lt;urn:uuid:" in page and "crawl.warc.gz" in page
    cell = next(c for c in client.get(f"/api/reports/{rid}").json()["cells"] if c["flag"] == "number")
    marked = client.get(f"/reports/{rid}/html", params={"cell": f"{cell['table']}/{cell['row']}/{cell['col']}"})
    assert lhtml.fromstring(marked.content).find_class("xxgk-mark")[0].text_content().strip() == cell["raw"]
