"""The coverage view with a crawl's access states: `xxgk run --demo` replays the bundled archive, and
the workbench served with `--data` shows what `xxgk coverage` says of it (tests/pipeline/runs/test_jobs.py
holds the truth for the Hebei source: its 2020 report has an empty body)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lhtml
from starlette.testclient import TestClient

from pipeline.commands.cli import main
from pipeline.serve.app import create_app


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo")
    assert main(["run", "--demo", "--data", str(data), "--jobs", "0"]) == 0
    return data


def test_coverage_shows_the_crawls_access_states(demo: Path) -> None:
    client = TestClient(create_app(demo / "dataset", crawl=demo))
    crawl = client.get("/api/coverage").json()["crawl"]
    hebei = {r["year"]: r["status"] for r in crawl if r["source_id"] == "sample-hebei-jyt"}
    assert {y: hebei[y] for y in range(2019, 2025)} == {2019: "found", 2020: "unparsed", 2021: "found",
                                                        2022: "found", 2023: "found", 2024: "missing"}
    doc = lhtml.fromstring(client.get("/coverage").content)
    row = next(tr for tr in doc.xpath("//table[@id='crawl']//tr") if tr[0].text_content() == "sample-hebei-jyt")
    assert row.xpath("td[@data-year='2020']")[0].get("class") == "access-unparsed"
    csv = client.get("/api/coverage", params={"view": "crawl", "format": "csv"}).text
    assert csv.lstrip("\ufeff").splitlines()[0].split(",")[:5] == ["source_id", "agency", "region", "year", "status"]
    plain = TestClient(create_app(demo / "dataset"))
    assert plain.get("/api/coverage").json()["crawl"] is None
    assert plain.get("/api/coverage", params={"view": "crawl"}).status_code == 400
