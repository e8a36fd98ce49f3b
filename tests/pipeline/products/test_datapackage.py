"""datapackage.json: validated with frictionless against the written dataset; types as documented.

The generated multi-year corpus and the bundled real samples are written with their products;
the descriptor must validate (types, primary and foreign keys, codebook codes), describe every
file and every column, and say the types DuckDB, pandas and polars read.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from frictionless import Package

from pipeline.products.datapackage import write_datapackage
from pipeline.products.panel import INDICATORS, build_products, write_products
from pipeline.runs.executors import run_items
from pipeline.runs.inputs import iter_items
from pipeline.store.dataset import open_dataset, write_dataset
from tests.conftest import FIXTURES
from tests.generator.longitudinal import built_dataset

# The bundled real samples (data/samples), read from tests/fixtures so the tests do not move with data/.
SAMPLES = [str(FIXTURES / "text" / n) for n in (
    "jilin_tonghua_dongchang_science_bureau_2023.txt", "fujian_pingtan_zone_2019_page.txt",
    "fujian_pingtan_zone_2021_page.txt")] + [str(FIXTURES / "records" / "hebei_jyt_education_dept_reports_2013-2023.csv")]


def _package(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    write_products(dst, build_products(open_dataset(dst)))
    write_datapackage(dst)
    return dst


@pytest.fixture(scope="module")
def long_pkg(tmp_path_factory) -> Path:
    return _package(built_dataset(), tmp_path_factory.mktemp("pkg") / "long")


@pytest.fixture(scope="module")
def sample_pkg(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("samples") / "raw"
    write_dataset(raw, list(run_items(iter_items(SAMPLES), jobs=0)))
    return _package(raw, tmp_path_factory.mktemp("pkg") / "samples")


def _per_part(desc: dict) -> dict:
    """The descriptor with each multipart table split into one resource per file.

    frictionless reads only the first part of a multipart Parquet path, so each part is validated
    as a resource of its own, its foreign key pointing at the reports of the same partition.
    """
    out = []
    for res in desc["resources"]:
        if not isinstance(res["path"], list):
            out.append(res)
            continue
        for part in res["partitions"]:
            year = part["report_year"]
            suffix = "unknown-year" if year is None else str(year)
            one = {k: v for k, v in res.items() if k not in ("partitions", "path", "name")}
            one = json.loads(json.dumps(one))
            for fk in one["schema"].get("foreignKeys", []):
                if fk["reference"]["resource"] == "reports":
                    fk["reference"]["resource"] = f"reports-{suffix}"
            out.append({"name": f"{res['name']}-{suffix}", "path": part["path"], **one})
    return {**desc, "resources": out}


def _errors(folder: Path) -> list[tuple[str, str, str]]:
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    (folder / "per-part.json").write_text(json.dumps(_per_part(desc), ensure_ascii=False), encoding="utf-8")
    report = Package(str(folder / "per-part.json")).validate()
    return [(t.name, e.type, e.message) for t in report.tasks for e in t.errors] + [
        ("package", e.type, e.message) for e in report.errors]


@pytest.mark.slow
def test_frictionless_validates_the_generated_dataset(long_pkg: Path) -> None:
    assert _errors(long_pkg) == []


def test_frictionless_validates_the_real_samples(sample_pkg: Path) -> None:
    assert _errors(sample_pkg) == []


def test_validation_catches_a_wrong_file(sample_pkg: Path, tmp_path: Path) -> None:
    """The validation is not vacuous: a file that breaks its documented schema fails it."""
    broken = tmp_path / "broken"
    shutil.copytree(sample_pkg, broken)
    part = next(broken.glob("cells/report_year=2023/part-0.parquet"))
    table = pq.read_table(part)
    bad = table.set_column(table.schema.get_field_index("row"), "row",
                           pa.array(["t3.r9"] * table.num_rows, pa.string()))
    pq.write_table(bad, part)
    errors = _errors(broken)
    assert errors and {e[0] for e in errors} == {"cells-2023"}
    assert any(e[1] == "foreign-key" for e in errors)  # t3.r9 is not a codebook code


def test_every_file_and_column_is_described(long_pkg: Path) -> None:
    desc = json.loads((long_pkg / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r["name"] for r in desc["resources"] if isinstance(r["path"], list)]
    assert sorted(tables) == ["cells", "checks", "reports", "sections"]  # one resource per table
    by_path = {r["path"]: r for r in _per_part(desc)["resources"]}
    parquet = {p.relative_to(long_pkg).as_posix() for p in long_pkg.rglob("*.parquet")}
    assert parquet == {p for p in by_path if p.endswith(".parquet")}
    assert {"codebook.csv", "section_codes.csv", "indicators.csv"} <= set(by_path)
    for path in parquet:
        res = by_path[path]
        schema = pq.read_schema(long_pkg / path)
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == schema.names, path
        assert [f["arrow_type"] for f in fields] == [str(t) for t in schema.types], path
        assert all(f.get("description") for f in fields), path
    assert {r["table"] for r in desc["resources"] if "table" in r} == {
        "reports", "sections", "cells", "checks", "panel", "crossyear", "agencies", "agency_links", "versions"}
    panel = {f["name"]: f for f in by_path["panel.parquet"]["schema"]["fields"]}
    assert panel["fee_amount_wan"]["unit"] == "万元" and panel["fee_amount_wan"]["eras"] == ["2021"]
    assert panel["other_processing"]["eras"] == ["2019", "2021"]
    assert "t3:t3.r3.6:tot" in panel["other_processing"]["description"]


def test_codebook_resources(long_pkg: Path) -> None:
    codebook = pd.read_csv(long_pkg / "codebook.csv", dtype=str).fillna("")
    fee = codebook[(codebook["table"] == "t2") & (codebook["code"] == "amount_wan")].iloc[0]
    assert (fee["unit"], fee["era"], fee["label_zh"]) == ("万元", "2021", "本年收费金额（单位：万元）")
    indicators = pd.read_csv(long_pkg / "indicators.csv", dtype=str).fillna("")
    assert list(indicators["name"][:-1]) == [i.name for i in INDICATORS]
    row = indicators.set_index("name").loc["other_processing"]
    assert (row["cells_2019"], row["eras"]) == ("t3:t3.r3.6:tot", "2019|2021")


_PL = {"string": pl.String, "large_string": pl.String, "int16": pl.Int16, "int32": pl.Int32, "int64": pl.Int64,
       "double": pl.Float64, "float": pl.Float32, "bool": pl.Boolean, "date32[day]": pl.Date}
_DUCK = {"string": "VARCHAR", "int16": "SMALLINT", "int32": "INTEGER", "int64": "BIGINT", "double": "DOUBLE",
         "float": "FLOAT", "bool": "BOOLEAN", "date32[day]": "DATE"}
_PANDAS = {"string": ("object", "str", "string"), "int16": ("int16", "Int16", "float64"),
           "int32": ("int32", "Int32", "float64"), "int64": ("int64", "Int64", "float64"),
           "double": ("float64",), "float": ("float32",), "bool": ("bool", "object"),
           "date32[day]": ("object", "datetime64[ms]", "datetime64[s]")}


def test_duckdb_pandas_and_polars_read_the_documented_types(long_pkg: Path) -> None:
    desc = _per_part(json.loads((long_pkg / "datapackage.json").read_text(encoding="utf-8")))
    con = duckdb.connect()
    checked = 0
    for res in desc["resources"]:
        if res["format"] != "parquet":
            continue
        path = long_pkg / res["path"]
        fields = res["schema"]["fields"]
        pdf = pd.read_parquet(path)
        plf = pl.read_parquet(path)
        duck = {r[0]: r[1] for r in con.sql(f"describe select * from read_parquet('{path}')").fetchall()}
        for f in fields:
            arrow = f["arrow_type"]
            assert plf.schema[f["name"]] == _PL[arrow], (res["name"], f["name"])
            assert duck[f["name"]] == _DUCK[arrow], (res["name"], f["name"])
            assert str(pdf[f["name"]].dtype) in _PANDAS[arrow], (res["name"], f["name"], pdf[f["name"]].dtype)
            checked += 1
        assert len(pdf) == plf.height == con.sql(f"select count(*) from read_parquet('{path}')").fetchall()[0][0]
    assert checked > 300  # 25 parquet files
    # The whole hive-partitioned table reads back in one query, the partition column included.
    n = con.sql(f"select count(distinct report_year) from read_parquet('{long_pkg}/cells/**/*.parquet', "
                "hive_partitioning=true)").fetchall()[0][0]
    assert n == 6


def test_the_descriptor_is_deterministic(sample_pkg: Path, tmp_path: Path) -> None:
    first = (sample_pkg / "datapackage.json").read_bytes()
    copy = tmp_path / "again"
    shutil.copytree(sample_pkg, copy)
    write_datapackage(copy)
    assert hashlib.sha256((copy / "datapackage.json").read_bytes()).digest() == hashlib.sha256(first).digest()


def test_samples_panel_runs_back_to_2013_with_the_comparability_flag(sample_pkg: Path) -> None:
    """Issue #16: the bundled samples' pre-2019 years are panel rows, flagged, and the p codes documented."""
    panel = pd.read_parquet(sample_pkg / "panel.parquet")
    old = panel[panel["template"] == "pre2019"].set_index("report_year")
    assert {2013, 2014, 2016, 2017, 2018} <= set(old.index)
    assert old.loc[2014, "requests_new"] == 3 and old.loc[2014, "requests_new_cmp"] == "approx"
    assert set(panel.loc[panel["template"] != "pre2019", "requests_new_cmp"].dropna()) == {"same"}
    pkg = json.loads((sample_pkg / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in pkg["resources"] if r["path"] == "panel.parquet" for f in r["schema"]["fields"]}
    assert "p:p.req.received:year" in fields["requests_new"]["description"]
    assert "approx" in fields["requests_new_cmp"]["description"]
    codebook = pd.read_csv(sample_pkg / "codebook.csv", dtype=str).fillna("")
    p = codebook[codebook["table"] == "p"]
    assert {"p.req.received", "p.ans.granted", "p.review.total", "year", "cum"} <= set(p["code"])
    assert set(p["era"]) == {"pre2019"}
