"""A cell of an assembled report opens the member it was printed in (its bytes, its locator)."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from pipeline.commands.cli import main
from pipeline.serve.app import create_app
from pipeline.store.dataset import open_dataset
from tests.generator import generate
from tests.generator.word import render_xlsx
from tests.pipeline.normalise.test_assembly import BASE, XLSX, article_page, warc_of
from tests.pipeline.normalise.test_content_decides import tables_only


def test_an_assembled_cell_points_at_the_member_that_printed_it(tmp_path: Path) -> None:
    g = generate(seed=131, n=1)[0]
    page_url, xlsx_url = BASE + "t1.html", BASE + "tj.xlsx"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "crawl.warc.gz").write_bytes(warc_of([
        (page_url, "text/html; charset=utf-8", article_page(g, attachment="tj.xlsx"), None),
        (xlsx_url, XLSX, tables_only(render_xlsx(g, sheets="per_table")), None)]))
    out = tmp_path / "ds"
    assert main(["extract", str(tmp_path / "in"), "--dataset", str(out), "--jobs", "0", "--quiet"]) == 0
    reports = open_dataset(out).reports
    whole = reports.loc[reports["assembly"] == "assembled", "report_id"].item()
    sheet = reports.loc[reports["url"] == xlsx_url, "report_id"].item()
    client = TestClient(create_app(out))
    row, col = "t3.r1", "tot"
    body = client.get(f"/api/reports/{whole}/cells/t3/{row}/{col}").json()
    assert body["value"] == g.cells[("t3", row, col)]
    assert body["source"]["report_id"] == sheet and body["source"]["url"] == xlsx_url
    own = client.get(f"/api/reports/{sheet}/cells/t3/{row}/{col}").json()
    assert body["source"]["locator"] == own["source"]["locator"] and body["value"] == own["value"]
