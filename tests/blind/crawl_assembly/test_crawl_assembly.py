"""Blind acceptance tests: the crawl job assembles a report page with the attachments found on it.

Two scheduled runs (crawl + `extract_new`) over six simulated portals (corpus.py) into one data
directory; between them the portals move to their second epoch (the late attachment is served, one
page is revised). Assertions read only the dataset (`open_dataset`) and `xxgk coverage`, against the
generator's truth: every printed cell, the member that prints it, the narrative.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from pipeline.store.dataset import open_dataset

from . import corpus, hook
from .portal import LoopbackTransport, Portals

SITES = corpus.build()
CASES = {c.name: c for s in SITES for c in s.cases}
SLOW = [pytest.mark.blind, pytest.mark.slow]


def rid(body: bytes | None) -> str:
    """A member's report_id: the sha256 of its bytes (README, `reports.report_id`)."""
    assert body is not None
    return hashlib.sha256(body).hexdigest()


def _frames(dataset: Path) -> dict[str, pd.DataFrame]:
    ds = open_dataset(dataset)
    return {"reports": ds.reports.copy(), "cells": ds.cells.copy(), "checks": ds.checks.copy(),
            "sections": ds.sections.copy()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run 1 (the late attachment 404s), the portals' second epoch, run 2; the dataset after each."""
    root = tmp_path_factory.mktemp("blind-crawl-assembly")
    sources = [(s.source, s.home) for s in SITES]
    out: dict[str, Any] = {}
    with Portals([corpus.portal(s) for s in SITES]) as portals:
        transport = LoopbackTransport(portals)
        try:
            out["run1"] = _frames(hook.crawl_and_extract(sources, root / "data", transport))
            portals.advance()
            out["run2"] = _frames(hook.crawl_and_extract(sources, root / "data", transport))
        finally:
            transport.close()
    out["coverage"] = hook.coverage(root / "data", root / "coverage.csv")
    return out


# ---------------------------------------------------------------- helpers over the dataset


def assembled_rows(frames: dict[str, pd.DataFrame], case: corpus.Case) -> pd.DataFrame:
    r = frames["reports"]
    return r[(r["assembly"] == "assembled") & (r["url"] == case.page.url)]


def the_assembled(frames: dict[str, pd.DataFrame], case: corpus.Case) -> pd.Series:
    rows = assembled_rows(frames, case)
    assert len(rows) == 1, f"{case.name}: {len(rows)} assembled rows for {case.page.url}, expected 1"
    return rows.iloc[0]


def member_ids(frames: dict[str, pd.DataFrame], assembled_id: str) -> set[str]:
    r = frames["reports"]
    return set(r.loc[r["assembled_into"] == assembled_id, "report_id"])


def cell_errors(frames: dict[str, pd.DataFrame], case: corpus.Case, assembled_id: str) -> list[str]:
    """Every truth cell of the case against the assembled report: value and member (provenance)."""
    c = frames["cells"]
    got = {(t, r, col): (v, m, loc) for t, r, col, v, m, loc in
           c.loc[c["report_id"] == assembled_id, ["table", "row", "col", "value", "member", "locator"]]
           .itertuples(index=False)}
    errors = []
    for key, value in case.report.cells.items():
        if case.disagree and key == case.disagree[0]:
            continue
        want_member = rid(case.printer(key).body(2))
        if key not in got:
            errors.append(f"{key}: no cell (expected {value} from {case.printer(key).url})")
            continue
        v, m, loc = got[key]
        if pd.isna(v) or float(v) != value or m != want_member or pd.isna(loc):
            name = {rid(x.body(2)): x.url for x in case.members}.get(m, m)
            errors.append(f"{key}: got {v} from {name} at {loc}, expected {value} from {case.printer(key).url}")
    return errors


def _report(errors: list[str], total: int) -> str:
    return f"{len(errors)}/{total} cells wrong: " + "; ".join(errors[:12])


# ---------------------------------------------------------------- fast: the generator serves its truth


def test_portals_serve_the_truth() -> None:
    """No system under test: every member answers its bytes per epoch (the late XLSX 404, then 200)."""
    with Portals([corpus.portal(s) for s in SITES]) as portals, \
            httpx.Client(transport=LoopbackTransport(portals)) as client:
        for epoch in (1, 2):
            for case in CASES.values():
                for m in case.members:
                    resp = client.get(m.url)
                    body = m.body(epoch)
                    assert resp.status_code == (404 if body is None else 200), (m.url, epoch)
                    if body is not None:
                        assert resp.content == body
            portals.advance()
        with pytest.raises(httpx.ConnectError):
            client.get("http://www.example.com/")
    assert CASES["c4_late_xlsx"].attachments[0].body(1) is None
    assert CASES["c5_revised_page"].page.body(1) != CASES["c5_revised_page"].page.body(2)


def test_attachments_print_the_truth() -> None:
    """The XLSX and DOCX attachments read back (openpyxl, python-docx) hold the truth's numbers."""
    xlsx = CASES["c2_split_xlsx"]
    wb = load_workbook(io.BytesIO(xlsx.attachments[0].body(2) or b""), data_only=True)
    numbers = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
               if isinstance(c, int | float)]
    truth = [v for k, v in xlsx.report.cells.items() if k[0] in ("t3", "t4")]
    assert sorted(numbers) == sorted(truth)
    docx = CASES["c3_disagree_docx"]
    assert docx.disagree is not None
    _key, on_page, in_docx = docx.disagree
    t2 = Document(io.BytesIO(docx.attachments[0].body(2) or b"")).tables[0]
    texts = {cell.text for row in t2.rows for cell in row.cells}
    assert str(int(in_docx)) in texts and str(int(on_page)) not in texts
    assert str(int(on_page)).encode() in (docx.page.body(2) or b"")


# ---------------------------------------------------------------- slow: two crawl runs


@pytest.mark.blind
@pytest.mark.slow
@pytest.mark.parametrize("name", ["c1_one_pdf", "c2_split_xlsx", "c3_disagree_docx", "c4_late_xlsx",
                                  "c5_revised_page", "c6_finance", "c6_land"])
def test_one_assembled_report_with_its_members(runs: dict[str, Any], name: str) -> None:
    """Cases 1–6: one assembled row per page, `url` the page, its members exactly page + attachments."""
    case = CASES[name]
    frames = runs["run2"]
    row = the_assembled(frames, case)
    want = {rid(case.page.body(2)), *(rid(a.body(2)) for a in case.attachments)}
    got = member_ids(frames, row["report_id"])
    assert want <= got, f"{name}: members {sorted(got)} lack {sorted(want - got)}"
    foreign = got - want - ({rid(case.page.body(1))} if name == "c5_revised_page" else set())
    assert not foreign, f"{name}: rows of other documents linked into it: {sorted(foreign)}"
    r = frames["reports"]
    assert set(r.loc[r["report_id"].isin(want), "assembly"]) == {"member"}
    assert int(row["report_year"]) == 2023 and row["title"] == case.report.title
    assert row["agency"] == case.report.agency, row["agency"]
    assert row["doc_kind"] == "annual_report", row["doc_kind"]
    assert {m.url for m in case.members} <= set(str(row["sources"]).split("|")), row["sources"]


@pytest.mark.blind
@pytest.mark.slow
@pytest.mark.parametrize("name", ["c1_one_pdf", "c2_split_xlsx", "c3_disagree_docx", "c4_late_xlsx",
                                  "c5_revised_page", "c6_finance", "c6_land"])
def test_every_cell_from_its_member(runs: dict[str, Any], name: str) -> None:
    """Every printed cell of Tables 2–4 has the truth's value, `cells.member` the member printing it."""
    case = CASES[name]
    row = the_assembled(runs["run2"], case)
    errors = cell_errors(runs["run2"], case, row["report_id"])
    assert not errors, _report(errors, len(case.report.cells))


@pytest.mark.blind
@pytest.mark.slow
@pytest.mark.parametrize("name", ["c1_one_pdf", "c2_split_xlsx", "c4_late_xlsx", "c5_revised_page",
                                  "c6_finance", "c6_land"])
def test_identities_run_on_the_assembled_tables(runs: dict[str, Any], name: str) -> None:
    """The truth satisfies every hard identity: the assembled report has them run and none fails."""
    frames = runs["run2"]
    row = the_assembled(frames, CASES[name])
    checks = frames["checks"][frames["checks"]["report_id"] == row["report_id"]]
    assert {"T3-FLOW", "T3-LEAF", "T4-SUM"} <= set(checks["rule"]), sorted(set(checks["rule"]))
    failed = checks[(checks["status"] == "fail") & (checks["severity"] == "hard")]
    assert failed.empty, failed[["rule", "scope", "lhs", "rhs"]].to_string()


@pytest.mark.blind
@pytest.mark.slow
@pytest.mark.parametrize("name", ["c1_one_pdf", "c2_split_xlsx", "c5_revised_page", "c6_land"])
def test_narrative_from_the_page(runs: dict[str, Any], name: str) -> None:
    """The assembled sections are the page's six parts, each once, with the page's text."""
    case = CASES[name]
    frames = runs["run2"]
    row = the_assembled(frames, case)
    s = frames["sections"]
    got = s[s["report_id"] == row["report_id"]].sort_values("ordinal")
    assert list(got["code"]) == [x.code for x in case.report.sections], list(got["heading"])
    for sec, text in zip(case.report.sections, got["text"], strict=True):
        assert sec.paragraphs[0] in text, (sec.code, text[:80])


@pytest.mark.blind
@pytest.mark.slow
def test_c3_disagreement_is_a_finding(runs: dict[str, Any]) -> None:
    """Case 3: the cell the page and the DOCX print differently is null with the reason, and a hard check fails."""
    case = CASES["c3_disagree_docx"]
    assert case.disagree is not None
    (table, row_code, col), on_page, in_docx = case.disagree
    frames = runs["run2"]
    rep = the_assembled(frames, case)
    c = frames["cells"]
    cell = c[(c["report_id"] == rep["report_id"]) & (c["table"] == table) & (c["row"] == row_code) & (c["col"] == col)]
    assert len(cell) == 1, f"{len(cell)} rows for {row_code}:{col}"
    reason = str(cell.iloc[0]["reason"])
    assert pd.isna(cell.iloc[0]["value"]), f"value {cell.iloc[0]['value']} chosen silently (reason {reason!r})"
    assert reason.startswith("members disagree:"), reason
    for v, m in ((on_page, case.page), (in_docx, case.attachments[0])):
        assert f"{int(v)}" in reason and m.url in reason, (v, m.url, reason)
    k = frames["checks"]
    agree = k[(k["report_id"] == rep["report_id"]) & (k["rule"] == "MEMBERS-AGREE")]
    failed = agree[agree["status"] == "fail"]
    assert list(failed["scope"]) == [f"{row_code}:{col}"], agree[["scope", "status", "lhs", "rhs"]].to_string()
    one = failed.iloc[0]
    assert one["severity"] == "hard"
    assert {float(one["lhs"]), float(one["rhs"])} == {on_page, in_docx}, (one["lhs"], one["rhs"])
    for member, v in ((case.page, on_page), (case.attachments[0], in_docx)):
        own = c[(c["report_id"] == rid(member.body(2))) & (c["row"] == row_code) & (c["col"] == col)]
        assert list(own["value"]) == [v], (member.url, list(own["value"]))


@pytest.mark.blind
@pytest.mark.slow
def test_c4_late_attachment_assembled_again(runs: dict[str, Any]) -> None:
    """Case 4: the XLSX 404 at run 1 is captured at run 2; one assembled row remains, the page's row points at it."""
    case = CASES["c4_late_xlsx"]
    first = assembled_rows(runs["run1"], case)
    r1 = runs["run1"]["reports"]
    assert rid(case.attachments[0].body(2)) not in set(r1["report_id"]), "the 404 became a report"
    row = the_assembled(runs["run2"], case)
    assert row["report_id"] not in set(first["report_id"]), "run 2 kept the run-1 assembly (without the XLSX)"
    r2 = runs["run2"]["reports"]
    page = r2[r2["report_id"] == rid(case.page.body(2))]
    assert list(page["assembled_into"]) == [row["report_id"]], list(page["assembled_into"])


@pytest.mark.blind
@pytest.mark.slow
def test_c5_latest_page_heads_the_group(runs: dict[str, Any]) -> None:
    """Case 5: the revised page is a member, and date and narrative are the latest version's."""
    case = CASES["c5_revised_page"]
    frames = runs["run2"]
    row = the_assembled(frames, case)
    assert rid(case.page.body(2)) in member_ids(frames, row["report_id"])
    assert str(row["published"])[:10] == case.report.published, row["published"]
    s = frames["sections"]
    problems = s[(s["report_id"] == row["report_id"]) & (s["code"] == "problems")]
    assert len(problems) == 1 and corpus.REVISION in problems.iloc[0]["text"], list(problems["text"])


@pytest.mark.blind
@pytest.mark.slow
def test_member_links_resolve(runs: dict[str, Any]) -> None:
    """Every `assembled_into` names an assembled row of the dataset (no member left pointing at a replaced one)."""
    r = runs["run2"]["reports"]
    assembled = set(r.loc[r["assembly"] == "assembled", "report_id"])
    links = r[r["assembled_into"].notna()]
    dangling = links[~links["assembled_into"].isin(assembled)]
    assert dangling.empty, dangling[["url", "report_id", "assembled_into"]].to_string()


@pytest.mark.blind
@pytest.mark.slow
@pytest.mark.parametrize("name", ["c1_one_pdf", "c2_split_xlsx", "c3_disagree_docx", "c6_finance", "c6_land"])
def test_unchanged_report_keeps_its_assembly(runs: dict[str, Any], name: str) -> None:
    """A report nothing changed in between: run 2 leaves its one assembled row, under the same id."""
    one = the_assembled(runs["run1"], CASES[name])["report_id"]
    two = the_assembled(runs["run2"], CASES[name])["report_id"]
    assert one == two


@pytest.mark.blind
@pytest.mark.slow
def test_coverage_counts_page_and_attachments_once(runs: dict[str, Any]) -> None:
    """Each source's 2023 row: found, `n_reports` = the reports it publishes (page + attachments are one)."""
    rows = {r["source_id"]: r for r in runs["coverage"] if r.get("year") == "2023"}
    for site in SITES:
        row = rows.get(site.source)
        assert row is not None, f"{site.source}: no 2023 coverage row"
        assert (row["status"], row["n_reports"]) == ("found", str(len(site.cases))), (site.source, row)
