"""One report from its parts (docs/assembly-contract.md), on WARC files built from the generator.

An article page with the narrative and a tables-only 统计表 workbook attached; a 文字版 page and
its 全真版 Word file; the same pair with one number printed differently. Each WARC goes through
the real scan → member units → normalise → `assembled` path, and the assembled report is held to
the generator's truth.
"""

from __future__ import annotations

import io
from dataclasses import replace
from html import escape
from pathlib import Path

import pandas as pd
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.commands.cli import main
from pipeline.normalise.assembly import RULE, assembled_id, group_members
from pipeline.normalise.report import Report, SectionText
from pipeline.runs.assemble import assembled
from pipeline.runs.executors import InProcess
from pipeline.runs.units import FileUnit
from pipeline.store.dataset import open_dataset
from tests.generator import GeneratedReport, generate
from tests.generator.html import render_html
from tests.generator.word import render_docx, render_xlsx
from tests.pipeline.normalise.test_content_decides import tables_only
from tests.truth import compare, hard_failures

BASE = "https://www.example.gov.cn/zwgk/nb/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def article_page(g: GeneratedReport, *, attachment: str | None) -> bytes:
    """A portal article: title, date, the narrative sections, and (maybe) a link to the 统计表."""
    parts = [f"<h1>{escape(g.title)}</h1>", f"<p>发布日期：{g.published}</p>", f"<p>{escape(g.intro)}</p>"]
    for code, heading in g.sections.items():
        parts += [f"<h3>{escape(heading)}</h3>", f"<p>{escape(g.section_bodies.get(code, ''))}</p>"]
    if attachment:
        parts.append(f'<p>附件：<a href="{attachment}">{g.report_year}年政府信息公开统计表.xlsx</a></p>')
    parts.append(f"<p>{escape(g.agency)}</p><p>{g.published}</p>")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + escape(g.title) + "</title></head><body>"
            "<div class='article'>" + "".join(parts) + "</div></body></html>").encode()


def with_link(page: bytes, href: str, text: str) -> bytes:
    return page.replace(b"</body>", f'<p><a href="{href}">{text}</a></p></body>'.encode())


def warc_of(records: list[tuple[str, str, bytes, str | None]]) -> bytes:
    """(url, content type, payload, referer) → a gzipped WARC: wget's order, request then response."""
    out = io.BytesIO()
    w = WARCWriter(out, gzip=True)
    for url, ctype, data, referer in records:
        req_headers = [("Host", "www.example.gov.cn")] + ([("Referer", referer)] if referer else [])
        req = w.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0, http_headers=StatusAndHeaders(
            "GET /x HTTP/1.1", req_headers, is_http_request=True))
        w.write_record(req)
        resp = w.create_warc_record(url, "response", payload=io.BytesIO(data), length=len(data), http_headers=StatusAndHeaders(
            "200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Concurrent-To": req.rec_headers.get_header("WARC-Record-ID")})
        w.write_record(resp)
    return out.getvalue()


def reports_of_warc(tmp_path: Path, data: bytes, name: str = "crawl.warc.gz") -> list[Report]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(assembled(InProcess().map([FileUnit(path=str(path), uri=str(path))])))


def by_url(reports: list[Report]) -> dict[str | None, Report]:
    return {r.url: r for r in reports if r.assembly != "assembled" and r.doc_kind != "container"}


def the_assembled(reports: list[Report]) -> Report:
    (whole,) = [r for r in reports if r.assembly == "assembled"]
    return whole


def test_article_page_and_tables_only_workbook_are_one_report(tmp_path: Path) -> None:
    g = generate(seed=131, n=1)[0]
    page_url, xlsx_url = BASE + "t1.html", BASE + "P020240125_tj.xlsx"
    book = tables_only(render_xlsx(g, sheets="per_table"))
    reports = reports_of_warc(tmp_path, warc_of([(page_url, "text/html; charset=utf-8", article_page(
        g, attachment="P020240125_tj.xlsx"), None), (xlsx_url, XLSX, book, page_url)]))
    members = by_url(reports)
    page, sheet = members[page_url], members[xlsx_url]
    assert page.sections and not any(c.flag != "missing" for c in page.cells)  # the page: narrative only
    assert sheet.doc_kind == "statistics_table" and not sheet.sections  # the workbook: tables only
    assert xlsx_url in page.links and sheet.referrer == page_url
    whole = the_assembled(reports)
    assert whole.report_id == assembled_id([page.report_id, sheet.report_id])
    assert (page.assembly, page.assembled_into) == ("member", whole.report_id)
    assert (sheet.assembly, sheet.assembled_into) == ("member", whole.report_id)
    exact, problems = compare(g, whole, set())
    assert not problems and exact == len(g.cells)
    assert {c.member for c in whole.cells} == {sheet.report_id}
    assert [s.code for s in whole.sections] == [s.code for s in page.sections]
    assert (whole.url, whole.title, whole.report_year, whole.published, whole.doc_kind, whole.template) == (
        page_url, g.title, g.report_year, g.published, "annual_report", g.era)
    assert hard_failures(whole) == set(g.violations)
    assert not any(c.rule == RULE for c in whole.checks)
    assert [r.assembly for r in reports].count("assembled") == 1


def pair(tmp_path: Path, g: GeneratedReport, full: GeneratedReport) -> tuple[list[Report], str, str]:
    """A 文字版 page linking its 全真版 Word file (rendered from `full`)."""
    html = render_html(g, "trs", "utf8-meta")
    docx_url = html.url.replace(".html", "_qzb.docx")
    page = with_link(html.data, docx_url.rsplit("/", 1)[-1], "全真版下载")
    data = warc_of([(html.url, "text/html; charset=utf-8", page, None), (docx_url, DOCX, render_docx(full), None)])
    return reports_of_warc(tmp_path, data), html.url, docx_url


def test_a_text_and_a_facsimile_edition_agree_and_are_taken_once(tmp_path: Path) -> None:
    g = generate(seed=7, n=1)[0]
    reports, page_url, docx_url = pair(tmp_path, g, g)
    members = by_url(reports)
    whole = the_assembled(reports)
    exact, problems = compare(g, whole, set())
    assert not problems and exact == len(g.cells)
    assert {c.member for c in whole.cells} == {members[page_url].report_id}  # the first member in URL order
    assert not any(c.rule == RULE for c in whole.checks)
    assert len({s.code for s in whole.sections}) == len(whole.sections) == len(members[page_url].sections)
    assert whole.also_sources == (docx_url,) and whole.source == page_url


def test_a_number_printed_differently_is_a_finding_never_resolved(tmp_path: Path) -> None:
    g = generate(seed=7, n=1)[0]
    key = ("t3", "t3.r1", "tot")
    v1 = g.cells[key]
    assert v1 is not None
    full = replace(g, cells={**g.cells, key: v1 + 5}, raw={**g.raw, key: str(int(v1 + 5))})
    reports, page_url, docx_url = pair(tmp_path, g, full)
    members = by_url(reports)
    whole = the_assembled(reports)
    cell = next(c for c in whole.cells if (c.table, c.row, c.col) == key)
    assert cell.value is None
    assert cell.reason == f"members disagree: {int(v1)} ({page_url}) vs {int(v1 + 5)} ({docx_url})"
    (check,) = [c for c in whole.checks if c.rule == RULE]
    assert (check.scope, check.status, check.severity, check.lhs, check.rhs) == (
        "t3.r1:tot", "fail", "hard", v1, v1 + 5)
    own = {u: next(c for c in members[u].cells if (c.table, c.row, c.col) == key).value for u in (page_url, docx_url)}
    assert own == {page_url: v1, docx_url: v1 + 5}  # the members' own cells stay as printed
    others = [c for c in whole.cells if (c.table, c.row, c.col) != key]
    assert all(c.value == g.cells[(c.table, c.row, c.col)] for c in others if g.cells[(c.table, c.row, c.col)] is not None)


def test_a_link_to_another_years_report_assembles_nothing() -> None:
    page = Report(report_id="a", source="u1", media_type="text/html", status="ok", url="https://x/2023.html",
                  report_year=2023, agency="某市人民政府", links=("https://x/2022.html",))
    overview = (SectionText(ordinal=1, code="overview", heading="一、总体情况", text="…"),)
    other = replace(page, report_id="b", source="u2", url="https://x/2022.html", report_year=2022, links=(),
                    sections=overview)
    assert other.doc_kind == "annual_report"
    assert group_members([page, other]) == []  # the previous year's report, linked as 上一篇
    same_year_table = replace(other, report_year=None, doc_kind="statistics_table")
    assert [[r.report_id for r in g] for g in group_members([page, same_year_table])] == [["a", "b"]]
    empty = replace(same_year_table, sections=())
    assert group_members([page, empty]) == []  # no member holds content


def test_extract_writes_it_once_and_again_without_a_duplicate(tmp_path: Path) -> None:
    g = generate(seed=131, n=1)[0]
    page_url = BASE + "t1.html"
    data = warc_of([(page_url, "text/html; charset=utf-8", article_page(g, attachment="tj.xlsx"), None),
                    (BASE + "tj.xlsx", XLSX, tables_only(render_xlsx(g, sheets="per_table")), None)])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "crawl.warc.gz").write_bytes(data)
    for out in ("a", "b", "b"):
        assert main(["extract", str(tmp_path / "in"), "--dataset", str(tmp_path / out), "--jobs", "0", "--quiet"]) == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.parquet"))
    assert files and all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    ds = open_dataset(tmp_path / "b")
    assert sorted(ds.reports["assembly"].fillna("-")) == ["-", "assembled", "member", "member"]
    whole_id = ds.reports.loc[ds.reports["assembly"] == "assembled", "report_id"].item()
    assert set(ds.reports.loc[ds.reports["assembly"] == "member", "assembled_into"]) == {whole_id}
    cells = ds.cells[ds.cells["report_id"] == whole_id]
    assert len(cells) == len(g.cells) and cells["member"].notna().all()
    assert ds.cells.loc[ds.cells["report_id"] != whole_id, "member"].isna().all()
    from pipeline.products.panel import build_products

    products = build_products(ds)
    assert list(products.panel["report_id"]) == [whole_id]  # the agency-year counted once, as the assembled report
    assert list(products.versions["report_id"]) == [whole_id]  # its members are no versions of their own
    assert list(products.agencies["n_reports"]) == [1]
    assert not pd.isna(products.panel["report_year"]).any()


def test_a_page_and_its_attachment_inside_a_zip_are_one_report(tmp_path: Path) -> None:
    import zipfile
    from urllib.parse import quote

    g = generate(seed=131, n=1)[0]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("2022/报告.html", article_page(g, attachment=quote("附件/统计表.xlsx")))
        z.writestr("2022/附件/统计表.xlsx", tables_only(render_xlsx(g, sheets="per_table")))
    reports = reports_of_warc(tmp_path, buf.getvalue(), name="nb.zip")
    whole = the_assembled(reports)
    members = {r.source.rsplit("#member=", 1)[-1]: r for r in reports if r.assembly == "member"}
    assert sorted(members) == ["2022/报告.html", "2022/附件/统计表.xlsx"]
    exact, problems = compare(g, whole, set())
    assert not problems and exact == len(g.cells)
    assert {c.member for c in whole.cells} == {members["2022/附件/统计表.xlsx"].report_id}
