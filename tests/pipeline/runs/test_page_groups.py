"""The crawl job assembles a report page and the attachments found on it (issue #13 §2), also when an
attachment arrives in a later crawl; against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.normalise.assembly import RULE, assembled_id
from pipeline.products.coverage import coverage
from pipeline.runs.jobs import DataDir, crawl, extract_new
from pipeline.runs.page_groups import documents_to_groups
from pipeline.runs.settings import RunLimits
from pipeline.store.dataset import open_dataset
from scrapers import Capture, Store, load_sources
from tests.generator import generate
from tests.generator.word import render_xlsx
from tests.pipeline.normalise.test_assembly import XLSX, article_page, with_link
from tests.pipeline.normalise.test_content_decides import tables_only
from tests.scrapers.conftest import TEST_SETTINGS
from tests.scrapers.portals import Truth, trs_list, write_sources
from tests.scrapers.server import Host, Resp, Servers

COL = "/zwgk/zfxxgk/zfxxgknb/"
PAGE = COL + "202401/t20240125_1.html"
BOOK = COL + "202401/P020240125_tj.xlsx"
ANNEX = COL + "202401/P020240126_fy.xlsx"


def cap(url: str, role: str, sha: str, via: str | None = None) -> Capture:
    return Capture(id=0, run_id=1, source_id="s", url=url, role=role, captured_at="2024-01-25T00:00:00Z",
                   http_status=200, content_type="text/html", sha256=sha, length=1, warc_file="a.warc.gz",
                   warc_offset=0, warc_length=1, record_id="r", record_type="response", refers_to=None, payload_digest="d",
                   version=1, etag=None, last_modified=None, via=via, anchor=None, hints={})


def test_documents_are_grouped_by_the_page_they_were_found_on() -> None:
    docs = [("a1", "https://x/p1/a.pdf", [cap("https://x/p1/a.pdf", "attachment", "a1", via="https://x/p1.html")]),
            ("p1", "https://x/p1.html", [cap("https://x/p1.html", "report", "p1")]),
            ("p2", "https://x/p2.html", [cap("https://x/p2.html", "report", "p2")]),
            ("a2", "https://x/p1/b.doc", [cap("https://x/p1/b.doc", "attachment", "a2", via="https://x/p1.html")]),
            # found on a list page, not on an archived report page: a document of its own
            ("a3", "https://x/c.pdf", [cap("https://x/c.pdf", "attachment", "a3", via="https://x/list.html")])]
    groups = documents_to_groups(docs)
    assert [(g.key, [d[0] for d in g.docs]) for g in groups] == [
        ("https://x/c.pdf", ["a3"]), ("https://x/p1.html", ["p1", "a1", "a2"]), ("https://x/p2.html", ["p2"])]


@pytest.fixture()
def portal(tmp_path: Path) -> Iterator[tuple[Host, Path]]:
    srv = Servers(["trs"])
    host = srv["trs"]
    source = {"id": "sim-trs", "agency": "x", "region": "110101", "adapter": "trs", "start": host.url(COL),
              "since": 2019}
    host.routes["/robots.txt"] = Resp(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
    yield host, write_sources(tmp_path / "sources.toml", [Truth(source=source)], TEST_SETTINGS)
    srv.close()


def publish(host: Host, title: str, page: bytes, files: dict[str, bytes]) -> None:
    host.routes[COL] = host.routes[COL + "index.html"] = Resp(body=trs_list(
        [("./202401/t20240125_1.html", title, "2024-01-25")], total=1, current=0))
    host.routes[PAGE] = Resp(body=page)
    for path, data in files.items():
        host.routes[path] = Resp(body=data, content_type=XLSX)


def last_sheet_only(book: bytes) -> bytes:
    """The workbook's last sheet alone (the Table 4 annex agencies attach on its own)."""
    wb = load_workbook(io.BytesIO(book))
    for ws in wb.worksheets[:-1]:
        wb.remove(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run_job(data: DataDir, sources: Path) -> None:
    crawl(data, load_sources(sources), workers=1)
    extract_new(data, data.root / "dataset", limits=RunLimits(jobs=0))


def test_the_crawl_job_assembles_a_page_and_its_attachments(portal: tuple[Host, Path], tmp_path: Path) -> None:
    host, sources = portal
    g = generate(seed=131, n=1)[0]
    book = tables_only(render_xlsx(g, sheets="per_table"))
    page = with_link(article_page(g, attachment="P020240125_tj.xlsx"), "P020240126_fy.xlsx", "行政复议诉讼情况.xlsx")
    publish(host, g.title, page, {BOOK: book})
    host.routes[ANNEX] = Resp(status=404, body=b"not found")
    data = DataDir(tmp_path / "data")
    run_job(data, sources)

    ds = open_dataset(data.root / "dataset")
    whole = ds.reports[ds.reports["assembly"] == "assembled"]
    assert len(whole) == 1 and whole["url"].iloc[0] == host.url(PAGE)
    reports = ds.reports[ds.reports["assembly"] == "member"].set_index("url")
    page_row, book_row = reports.loc[host.url(PAGE)], reports.loc[host.url(BOOK)]
    first_id = assembled_id([page_row["report_id"], book_row["report_id"]])
    assert whole["report_id"].iloc[0] == first_id
    assert (page_row["assembly"], page_row["assembled_into"]) == ("member", first_id)
    assert (book_row["assembly"], book_row["assembled_into"]) == ("member", first_id)
    assert int(whole["report_year"].iloc[0]) == g.report_year
    cells = ds.cells[ds.cells["report_id"] == first_id]
    numbers = cells[cells["flag"] == "number"]
    truth = {(t, r, c): v for (t, r, c), v in g.cells.items() if isinstance(v, (int, float))}
    got = {(row.table, row.row, row.col): row.value for row in numbers.itertuples()}
    assert got and all(got[k] == truth[k] for k in got), "assembled values differ from what the workbook prints"
    assert set(numbers["member"]) == {book_row["report_id"]}
    assert len(ds.sections[ds.sections["report_id"] == first_id]) == len(g.sections)

    # The annex (Table 4 again, on a sheet of its own) was unavailable at the first crawl and is captured by
    # the next: the group is assembled again under a new id, the first assembled report is gone, and the
    # two members agree on Table 4.
    host.routes[ANNEX] = Resp(body=last_sheet_only(book), content_type=XLSX)
    run_job(data, sources)
    ds = open_dataset(data.root / "dataset")
    whole = ds.reports[ds.reports["assembly"] == "assembled"]
    assert len(whole) == 1 and whole["report_id"].iloc[0] != first_id
    second = whole["report_id"].iloc[0]
    members = ds.reports[ds.reports["assembled_into"] == second]
    assert sorted(members["url"]) == sorted(host.url(p) for p in (PAGE, BOOK, ANNEX))
    assert ds.cells[ds.cells["report_id"] == first_id].empty
    t4 = ds.cells[(ds.cells["report_id"] == second) & (ds.cells["table"] == "t4") & (ds.cells["flag"] == "number")]
    assert not t4.empty and all(t4["value"] == [truth[("t4", r, c)] for r, c in zip(t4["row"], t4["col"], strict=True)])
    assert not (ds.checks[ds.checks["report_id"] == second]["rule"] == RULE).any()
    assert len(ds.reports) == 4  # page, workbook, annex, one assembled report

    # Coverage counts the agency-year once: the page and its attachments are one report.
    store = Store(data.db)
    try:
        rows = coverage(store, load_sources(sources), ds.reports, until=g.report_year, since=g.report_year)
    finally:
        store.close()
    assert [(r.year, r.status, r.n_reports) for r in rows] == [(g.report_year, "found", 1)]

    # The page is revised (a later version, same attachments): the group is assembled from the new
    # version, and the earlier version, not extracted again, follows its group to the new assembled report.
    assert b"</body>" in page
    host.routes[PAGE] = Resp(body=page.replace(b"</body>", "<p>（2024年3月5日更正）</p></body>".encode(), 1))
    run_job(data, sources)
    ds = open_dataset(data.root / "dataset")
    whole = ds.reports[ds.reports["assembly"] == "assembled"]
    assert len(whole) == 1 and whole["report_id"].iloc[0] != second
    third = whole["report_id"].iloc[0]
    pages = ds.reports[(ds.reports["url"] == host.url(PAGE)) & (ds.reports["assembly"] == "member")]
    assert len(pages) == 2 and set(pages["assembled_into"]) == {third}
    members = ds.reports[ds.reports["assembly"] == "member"]
    assert set(members["assembled_into"]) == {third}, "a member points at an assembled report that is gone"
