from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.runs.executors import run_items
from pipeline.runs.inputs import iter_items
from pipeline.store import dataset as ds_mod
from pipeline.store.dataset import open_dataset, write_dataset
from tests.conftest import FIXTURES

TEXTS = [str(FIXTURES / "text" / n) for n in (
    "jilin_tonghua_dongchang_science_bureau_2023.txt", "fujian_pingtan_zone_2021_page.txt",
    "fujian_pingtan_zone_2019_page.txt")]
RECORDS = str(FIXTURES / "records" / "hebei_jyt_education_dept_reports_2013-2023.csv")


def build(out: Path, paths: list[str]) -> None:
    write_dataset(out, list(run_items(iter_items(paths), jobs=0)))


def digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.parquet"))}


def test_two_runs_are_byte_identical(tmp_path: Path) -> None:
    build(tmp_path / "a", [*TEXTS, RECORDS])
    build(tmp_path / "b", [*TEXTS, RECORDS])
    a, b = digests(tmp_path / "a"), digests(tmp_path / "b")
    assert a == b and len(a) > 20
    # Re-running into the same folder changes nothing either.
    build(tmp_path / "a", [*TEXTS, RECORDS])
    assert digests(tmp_path / "a") == a


def test_more_inputs_are_added_without_duplicates(tmp_path: Path) -> None:
    build(tmp_path / "d", TEXTS[:1])
    build(tmp_path / "d", TEXTS)
    build(tmp_path / "d", TEXTS)
    d = open_dataset(tmp_path / "d")
    assert len(d.reports) == 3 and d.reports["report_id"].is_unique
    assert len(d.cells) == 200 + 200 + 198  # 2019: t2 22 + t3 161 + t4 15
    assert d.cells.groupby("report_id").size().to_dict() == d.reports.set_index("report_id")["n_cells"].to_dict()
    build(tmp_path / "one", TEXTS)
    assert digests(tmp_path / "d") == digests(tmp_path / "one")  # order of arrival does not matter


def test_duckdb_reads_the_hive_partitions(tmp_path: Path) -> None:
    build(tmp_path / "d", [*TEXTS, RECORDS])
    con = duckdb.connect()
    rows = con.sql(f"""
        select r.agency, r.report_year, c.value
        from read_parquet('{tmp_path}/d/reports/**/*.parquet', hive_partitioning=true) r
        join read_parquet('{tmp_path}/d/cells/**/*.parquet', hive_partitioning=true) c using (report_id)
        where c.row = 't3.r1' and c.col = 'tot' order by r.report_year, r.agency""").fetchall()
    assert (  "平潭综合实验区", 2021, 70.0) in rows
    assert ("河北省教育厅", 2023, 19.0) in rows
    years = con.sql(f"select distinct report_year from read_parquet('{tmp_path}/d/checks/**/*.parquet', "
                    "hive_partitioning=true) order by 1").fetchall()
    assert (2023,) in years
    failing = con.sql(f"select count(*) from read_parquet('{tmp_path}/d/checks/**/*.parquet', hive_partitioning=true) "
                      "where severity = 'hard' and status = 'fail'").fetchall()[0]
    assert failing == (0,)


def test_open_dataset_and_wide_view(tmp_path: Path) -> None:
    build(tmp_path / "d", TEXTS)
    d = open_dataset(tmp_path / "d")
    wide = d.wide("t3")
    pingtan = d.reports.loc[d.reports["agency"] == "平潭综合实验区"].set_index("report_year")["report_id"]
    assert wide.loc[pingtan[2021], "t3.r1:tot"] == 70
    assert wide.loc[pingtan[2021], "t3.r3.7:np"] == 63
    assert list(wide.columns[:2]) == ["t3.r1:np", "t3.r1:biz"]
    assert str(d.reports["report_year"].dtype) == "Int16"
    assert set(d.sections["code"]) == {"overview", "proactive", "requests", "appeals", "problems", "other"}


def test_a_crash_mid_write_leaves_the_previous_dataset_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "d"
    build(out, TEXTS[:1])
    before = open_dataset(out)
    real = ds_mod.DatasetWriter._temporary_path
    calls = {"n": 0}

    def crashing(self: ds_mod.DatasetWriter, path: str) -> str:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("simulated crash")
        return real(self, path)

    monkeypatch.setattr(ds_mod.DatasetWriter, "_temporary_path", crashing)
    with pytest.raises(KeyboardInterrupt):
        build(out, TEXTS)
    after = open_dataset(out)
    assert set(before.reports["report_id"]) <= set(after.reports["report_id"])
    # Every report row that is visible has all its cells (reports are written last).
    for rid, n in after.reports.set_index("report_id")["n_cells"].items():
        assert (after.cells["report_id"] == rid).sum() == n
    for p in out.rglob("*.parquet"):
        pq.read_metadata(p)
    monkeypatch.setattr(ds_mod.DatasetWriter, "_temporary_path", real)
    build(out, TEXTS)
    assert len(open_dataset(out).reports) == 3
    assert not list(out.glob(".staging-*"))  # the crashed run's staging folder was cleaned up


def test_a_crash_during_the_renames_is_rolled_forward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed after the first rename of a commit: the next writer finishes it; no cells without a report."""
    out = tmp_path / "d"
    real = ds_mod._apply

    def cut(fs: object, moves: list[tuple[str, str]]) -> None:
        real(fs, moves[:1])  # type: ignore[arg-type]
        raise KeyboardInterrupt("killed mid-commit")

    monkeypatch.setattr(ds_mod, "_apply", cut)
    with pytest.raises(KeyboardInterrupt):
        build(out, TEXTS)
    assert (out / ds_mod.JOURNAL).exists()
    monkeypatch.setattr(ds_mod, "_apply", real)
    ds_mod.DatasetWriter(out)  # any next writer rolls the commit forward
    after = open_dataset(out)
    assert not (out / ds_mod.JOURNAL).exists() and len(after.reports) == 3
    assert set(after.cells["report_id"]) <= set(after.reports["report_id"])


def test_every_input_ends_as_a_row(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(TEXTS[0], folder / "seed.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.bin").write_bytes(bytes(range(256)) * 10)
    reports = list(run_items(iter_items([str(folder), str(tmp_path / "missing.txt")]), jobs=0))
    by_src = {Path(r.source).name: r for r in reports}
    assert set(by_src) == {"seed.txt", "empty.txt", "garbage.bin", "missing.txt"}
    assert by_src["seed.txt"].status == "ok"
    assert by_src["empty.txt"].status == "failed" and "empty.txt" in by_src["empty.txt"].error
    assert "garbage.bin" in by_src["garbage.bin"].error and "media type" in by_src["garbage.bin"].error
    assert "no such file" in by_src["missing.txt"].error


def test_the_same_bytes_at_two_paths_are_one_report_with_two_sources(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    shutil.copy(TEXTS[0], a / "seed.txt")
    build(tmp_path / "d", [str(a)])
    shutil.copy(TEXTS[0], b / "copy.txt")
    build(tmp_path / "d", [str(b)])  # a later run finds the same report elsewhere
    d = open_dataset(tmp_path / "d")
    assert len(d.reports) == 1 and len(d.cells) == 200
    row = d.reports.iloc[0]
    assert row["sources"].split("|") == sorted([(a / "seed.txt").as_posix(), (b / "copy.txt").as_posix()])
    assert row["source"] == row["sources"].split("|")[0]


def test_a_report_without_a_year_reads_back_everywhere(tmp_path: Path) -> None:
    """The null partition (Hive's marker) reads as null in pyarrow and DuckDB, and in pandas given the
    partition type as the README says (plain pd.read_parquet cannot: pandas-dev/pandas#55400)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.dataset as pads

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    build(tmp_path / "ds", [TEXTS[0], str(empty)])
    reports = tmp_path / "ds" / "reports"
    assert (reports / f"report_year={ds_mod.NULL_PARTITION}").is_dir()
    part = pads.partitioning(pa.schema([("report_year", pa.int16())]), flavor="hive")
    df = pd.read_parquet(reports, partitioning=part)
    assert sorted(df["report_year"].fillna(-1).astype(int)) == [-1, 2023]
    duck = duckdb.sql(f"select count(*) filter (where report_year is null), count(*) from "
                      f"read_parquet('{reports}/**/*.parquet', hive_partitioning=true)").fetchall()
    assert duck == [(1, 2)]
    assert pads.dataset(reports, format="parquet", partitioning=part).to_table().num_rows == 2


def test_a_dataset_written_before_a_column_was_added_takes_new_reports(tmp_path: Path) -> None:
    """Schema evolution: partition files without a newer column are read with it null and merged."""
    import pyarrow as pa

    out = tmp_path / "ds"
    build(out, [TEXTS[0]])
    for part in out.glob("*/report_year=*/part-0.parquet"):  # as an earlier version wrote them
        t = pq.read_table(part)
        newest = t.schema.names[-1]
        pq.write_table(t.drop_columns([newest]), part)
        assert newest not in pq.read_schema(part).names
    build(out, [TEXTS[1]])
    ds = open_dataset(out)
    assert len(ds.reports) == 2 and set(ds.cells["report_id"]) == set(ds.reports["report_id"])
    for part in out.glob("*/report_year=*/part-0.parquet"):
        table = part.parts[-3]
        assert pq.read_schema(part).names == ds_mod.TABLES[table].names
    assert isinstance(ds_mod.TABLES["cells"], pa.Schema)
