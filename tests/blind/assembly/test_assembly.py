"""Acceptance of report assembly (issue #13 item 2), written from docs/assembly-contract.md alone.

`xxgk extract` runs as a black box (a subprocess, the worktree's code on PYTHONPATH) over the WARC
files of `corpus.py`; the dataset is read back with pyarrow/pandas and held against the truth.

Assumptions (the contract leaves them open; each is the plainest reading):
1. A WARC member's `reports` row is found by its capture URL: `url`, or `source` where `url` is null
   (a failed row, e.g. the blank PDF of f, has only `source`). No URL is captured twice.
2. "URL order" is plain string order of the member URLs (all ASCII here, so code points = bytes).
3. The page is itself a member (`assembly = member`, `assembled_into` set) even when it prints no
   cell (the 全真版/文字版 notice pages of b and c); the assembled `url` is the page's URL.
4. A cell "printed" by a member is one whose own row has a value; the assembled cell's `page` and
   `locator` equal those of that member's own cell.
5. The MEMBERS-AGREE `scope` is the codebook cell id `t3.r3.1:np` (`<table>.<row>:<col>` with the row
   code's own `t3.` prefix); `lhs`/`rhs` hold the two values in either order; the reason names each
   value as printed (`12`) or as a float (`12.0`) — both name the value, nothing looser is accepted.
6. Assembled `sections`: each heading the members print appears exactly once, with the printed text.
7. "No false alarm": no failing check of any rule on an assembled report, except the one injected
   MEMBERS-AGREE in c (a null cell makes identities `uncertain`, never `fail`); no MEMBERS-AGREE row
   anywhere else.
8. `sources` of the assembled row is exactly the set of its members' `source` values.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.blind.assembly import corpus
from tests.blind.assembly.corpus import Scenario
from tests.blind.hostile.harness import XXGK, parquet_bytes, read_table

ROOT = Path(__file__).resolve().parents[3]
SCENARIOS = tuple(make.__name__.removeprefix("scenario_") for make in corpus.SCENARIOS)
ASSEMBLING = ("a1", "a2", "a3", "b", "c")
NOTHING = ("d", "d2", "e", "f")


def _xxgk() -> str:
    """This interpreter's xxgk (CI's clone has its own venv), else the one the other blind tests use."""
    here = Path(sys.executable).with_name("xxgk")
    return str(here if here.exists() else XXGK)


def extract(inputs: Path, dataset: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([_xxgk(), "extract", str(inputs), "--dataset", str(dataset), "--quiet"],
                          capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc


class Dataset:
    """The four tables of one run, with the lookups the tests need."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reports = read_table(path, "reports")
        self.cells = read_table(path, "cells")
        self.checks = read_table(path, "checks")
        self.sections = read_table(path, "sections")
        where = self.reports["url"].where(self.reports["url"].notna(), self.reports["source"])
        self.reports = self.reports.assign(where=where)

    def row(self, url: str) -> pd.Series:
        """The one non-assembled row of the document captured at `url`."""
        kind = self.reports.get("assembly", pd.Series(None, index=self.reports.index, dtype=object))
        rows = self.reports[(self.reports["where"] == url) & (kind != "assembled")]
        assert len(rows) == 1, f"{len(rows)} document rows for {url}"
        return rows.iloc[0]

    def assembled(self, page: str) -> pd.DataFrame:
        return self.reports[(self.reports["assembly"] == "assembled") & (self.reports["url"] == page)]

    def one_assembled(self, page: str) -> pd.Series:
        rows = self.assembled(page)
        assert len(rows) == 1, f"{len(rows)} assembled rows for {page}"
        return rows.iloc[0]

    def cells_of(self, report_id: str) -> pd.DataFrame:
        return self.cells[self.cells["report_id"] == report_id].set_index(["table", "row", "col"])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Scenario]]:
    folder = tmp_path_factory.mktemp("assembly-warc")
    scenarios = corpus.build(folder)
    return folder, {s.name.split("_")[0]: s for s in scenarios}


@pytest.fixture(scope="module")
def ds(built, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    out = tmp_path_factory.mktemp("assembly-ds") / "dataset"
    extract(built[0], out)
    return Dataset(out)


def _same(a: object, b: object) -> bool:
    return (pd.isna(a) and pd.isna(b)) if (pd.isna(a) or pd.isna(b)) else a == b  # type: ignore[arg-type]


# ---------------------------------------------------------------- who is a member, and the assembled row


def test_the_dataset_has_the_assembly_columns(ds: Dataset) -> None:
    assert {"assembly", "assembled_into"} <= set(ds.reports.columns)
    assert "member" in ds.cells.columns
    assert set(ds.reports["assembly"].dropna()) <= {"member", "assembled"}


@pytest.mark.parametrize("name", ASSEMBLING)
def test_members_point_at_one_assembled_report(ds: Dataset, built, name: str) -> None:
    (a,) = built[1][name].assemblies
    assembled = ds.one_assembled(a.page)
    members = ds.reports[ds.reports["assembled_into"] == assembled["report_id"]]
    assert sorted(members["where"]) == sorted(m.url for m in a.members)
    assert set(members["assembly"]) == {"member"}
    assert pd.isna(assembled["assembled_into"])
    assert assembled["report_id"] not in set(members["report_id"])
    assert set(str(assembled["sources"]).split("|")) == set(members["source"])


@pytest.mark.parametrize("name", ASSEMBLING)
def test_assembled_row_says_what_the_page_says(ds: Dataset, built, name: str) -> None:
    (a,) = built[1][name].assemblies
    got = ds.one_assembled(a.page)
    truth = a.report
    assert got["doc_kind"] == "annual_report"
    assert (got["title"], got["agency"], int(got["report_year"])) == (truth.title, truth.agency, truth.year)
    assert str(pd.Timestamp(got["published"]).date()) == truth.published


def test_assembled_ids_are_digests_no_two_alike(ds: Dataset) -> None:
    ids = ds.reports.loc[ds.reports["assembly"] == "assembled", "report_id"]
    assert len(ids) == len(ASSEMBLING) and ids.is_unique and ids.map(lambda i: isinstance(i, str) and i != "").all()
    assert ds.reports["report_id"].is_unique


# ---------------------------------------------------------------- cells: value and provenance


@pytest.mark.parametrize("name", ASSEMBLING)
def test_every_assembled_cell_is_exact_and_names_its_member(ds: Dataset, built, name: str) -> None:
    (a,) = built[1][name].assemblies
    assembled = ds.one_assembled(a.page)
    cells = ds.cells_of(assembled["report_id"])
    assert cells.index.is_unique
    ids = {m.url: ds.row(m.url)["report_id"] for m in a.members}
    own_cells = {url: ds.cells_of(rid) for url, rid in ids.items()}
    wrong: list[tuple[object, ...]] = []
    for key, (value, url) in a.expected_cells().items():
        if key not in cells.index:
            wrong.append((key, "no row"))
            continue
        got = cells.loc[key]
        if value is None:
            continue  # the conflict: test_disagreement_is_a_null_cell_and_one_failing_check
        if got["value"] != value or got["member"] != ids[url]:
            wrong.append((key, got["value"], value, got["member"], url))
            continue
        own = own_cells[url].loc[key]
        if not (_same(got["page"], own["page"]) and _same(got["locator"], own["locator"])):
            wrong.append((key, "page/locator", got["page"], own["page"], got["locator"], own["locator"]))
    assert not wrong, f"{len(wrong)} of {len(a.expected_cells())} cells wrong, e.g. {wrong[:5]}"


@pytest.mark.parametrize("name", ASSEMBLING)
def test_members_keep_their_own_cells(ds: Dataset, built, name: str) -> None:
    (a,) = built[1][name].assemblies
    for m in a.members:
        own = ds.cells_of(ds.row(m.url)["report_id"])
        assert own["member"].isna().all(), m.url
        wrong = {k: (own.loc[k, "value"] if k in own.index else None, v) for k, v in m.printed.items()
                 if k not in own.index or own.loc[k, "value"] != v}
        assert not wrong, f"{m.url}: {list(wrong.items())[:5]}"


def test_cells_outside_assembled_reports_have_no_member(ds: Dataset) -> None:
    assembled = set(ds.reports.loc[ds.reports["assembly"] == "assembled", "report_id"])
    outside = ds.cells[~ds.cells["report_id"].isin(assembled)]
    assert len(outside) and outside["member"].isna().all()


# ---------------------------------------------------------------- MEMBERS-AGREE


def _names(text: str, value: float) -> bool:
    return re.search(rf"(?<![\d.]){int(value)}(?:\.0+)?(?![\d.])", text) is not None


def test_disagreement_is_a_null_cell_and_one_failing_check(ds: Dataset, built) -> None:
    (a,) = built[1]["c"].assemblies
    conflict = a.disagreement
    assert conflict is not None
    rid = ds.one_assembled(a.page)["report_id"]
    cell = ds.cells_of(rid).loc[conflict.key]
    assert pd.isna(cell["value"])
    reason = str(cell["reason"])
    (v1, v2), (u1, u2) = conflict.values, conflict.urls
    m = re.fullmatch(r"members disagree: (.+) \((.+)\) vs (.+) \((.+)\)", reason)
    assert m, reason
    assert {m.group(2), m.group(4)} == {u1, u2}
    by_url = {m.group(2): m.group(1), m.group(4): m.group(3)}
    assert _names(by_url[u1], v1) and _names(by_url[u2], v2), reason
    checks = ds.checks[(ds.checks["report_id"] == rid) & (ds.checks["rule"] == "MEMBERS-AGREE")]
    assert len(checks) == 1, checks.to_dict("records")
    check = checks.iloc[0]
    _, row, col = conflict.key
    assert (check["scope"], check["status"], check["severity"]) == (f"{row}:{col}", "fail", "hard")
    assert {float(check["lhs"]), float(check["rhs"])} == {v1, v2}


def test_no_false_alarm(ds: Dataset, built) -> None:
    (c,) = built[1]["c"].assemblies
    conflict_rid = ds.one_assembled(c.page)["report_id"]
    agree = ds.checks[ds.checks["rule"] == "MEMBERS-AGREE"]
    assert set(agree.loc[agree["status"] == "fail", "report_id"]) <= {conflict_rid}
    assembled = ds.reports.loc[ds.reports["assembly"] == "assembled", "report_id"]
    failing = ds.checks[ds.checks["report_id"].isin(assembled) & (ds.checks["status"] == "fail")]
    assert failing[["rule", "scope"]].values.tolist() == [["MEMBERS-AGREE", "t3.r3.1:np"]], failing.to_dict("records")
    assert not ds.checks[~ds.checks["report_id"].isin(assembled) & (ds.checks["rule"] == "MEMBERS-AGREE")].shape[0]


@pytest.mark.parametrize("name", ASSEMBLING)
def test_identities_run_on_the_assembled_tables(ds: Dataset, built, name: str) -> None:
    (a,) = built[1][name].assemblies
    checks = ds.checks[ds.checks["report_id"] == ds.one_assembled(a.page)["report_id"]]
    rules = set(checks["rule"])
    assert {"T3-FLOW", "T3-LEAF", "T3-COL", "T4-SUM"} <= rules, rules
    passing = set(checks.loc[checks["status"] == "pass", "rule"])
    assert {"T3-FLOW", "T4-SUM"} <= passing  # the tables came from attachments, the checks see them


# ---------------------------------------------------------------- sections


def _squash(text: object) -> str:
    return re.sub(r"\s+", "", str(text))


@pytest.mark.parametrize("name", ASSEMBLING)
def test_sections_come_from_the_members_that_print_them(ds: Dataset, built, name: str) -> None:
    (a,) = built[1][name].assemblies
    got = ds.sections[ds.sections["report_id"] == ds.one_assembled(a.page)["report_id"]]
    for s in a.report.sections:
        rows = got[got["heading"].map(_squash) == _squash(s.heading)]
        assert len(rows) == 1, f"{s.heading}: {len(rows)} sections"
        assert rows.iloc[0]["code"] == s.code
        text = _squash(rows.iloc[0]["text"])
        assert all(_squash(p) in text for p in s.paragraphs), (s.heading, text[:200])
    assert got["ordinal"].is_unique


# ---------------------------------------------------------------- nothing to assemble


@pytest.mark.parametrize("name", NOTHING)
def test_nothing_is_assembled(ds: Dataset, built, name: str) -> None:
    s = built[1][name]
    for url in s.standalone:
        row = ds.row(url)
        assert pd.isna(row["assembly"]) and pd.isna(row["assembled_into"]), (url, row["assembly"])
        assert ds.assembled(url).empty
        assembled = ds.reports[ds.reports["assembly"] == "assembled"]
        assert not any(url in str(src).split("|") for src in assembled["sources"]), url


@pytest.mark.parametrize("name", NOTHING)
def test_standalone_reports_keep_every_cell(ds: Dataset, built, name: str) -> None:
    s = built[1][name]
    for url, truth in s.truths.items():
        own = ds.cells_of(ds.row(url)["report_id"])
        wrong = [k for k, v in truth.cells.items() if k not in own.index or own.loc[k, "value"] != v]
        assert not wrong, f"{url}: {wrong[:5]}"


def test_one_assembled_row_per_agency_year(ds: Dataset, built) -> None:
    assembled = ds.reports[ds.reports["assembly"] == "assembled"]
    assert sorted(assembled["url"]) == sorted(a.page for s in built[1].values() for a in s.assemblies)
    assert not assembled.duplicated(["agency", "report_year"]).any()


# ---------------------------------------------------------------- determinism and re-runs


def test_two_runs_give_byte_identical_parquet(ds: Dataset, built, tmp_path: Path) -> None:
    other = tmp_path / "again"
    extract(built[0], other)
    assert parquet_bytes(other) == parquet_bytes(ds.path)


@pytest.mark.slow
def test_a_rerun_into_the_same_dataset_adds_no_duplicate(ds: Dataset, built, tmp_path: Path) -> None:
    same = tmp_path / "same"
    shutil.copytree(ds.path, same)
    extract(built[0], same)
    again = Dataset(same)
    assert len(again.reports) == len(ds.reports) and again.reports["report_id"].is_unique
    assert sorted(again.reports["report_id"]) == sorted(ds.reports["report_id"])
    assert not again.cells.duplicated(["report_id", "table", "row", "col"]).any()
    assert len(again.cells) == len(ds.cells) and len(again.sections) == len(ds.sections)
    assert len(again.checks) == len(ds.checks)
