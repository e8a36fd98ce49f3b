"""`datapackage.json`: a Frictionless Data Package describing every table and column of a dataset.

Written into the dataset folder beside the data, so that the folder documents itself:

* the four hive-partitioned tables (reports, sections, cells, checks) — one resource per table,
  its partition files the parts of a multipart ``path`` (Data Package v2), with the custom
  properties ``table`` and ``partitions`` (each file with its ``report_year``; null for reports
  without a year); the partition column `report_year` lives in the folder name, not in the file,
  as in every hive layout;
* the derived products when present (panel, crossyear, agencies, agency_links, versions);
* the codebook as data: ``codebook.csv`` (every table row/column code with its label, unit and
  eras), ``section_codes.csv`` and ``indicators.csv`` (the panel's columns and their 2019↔2021
  crosswalk), copied in so that the package is self-contained.

Types are Table Schema types (string, integer, number, boolean, date) read off the Parquet
schemas; every field also carries ``arrow_type`` (the exact Parquet/Arrow type DuckDB, pandas and
polars read) and, for measures, ``unit`` and ``eras``. Foreign keys tie each table's rows to
its reports and the cells' codes to the codebook. No timestamp is written: same dataset → same
bytes.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import __version__
from pipeline.products.panel import GRANT_RATE, INDICATORS, PRE2019_NOTE
from pipeline.store.dataset import NULL_PARTITION, TABLES
from pipeline.store.schema import column_docs

PARTITIONED = ("reports", "sections", "cells", "checks")
PRODUCTS = ("panel", "crossyear", "agencies", "agency_links", "versions")

TABLE_DOCS: dict[str, str] = {
    "reports": "One row per input document: provenance, metadata, template era, status.",
    "sections": "One row per narrative section of a report (codes of section_codes.csv).",
    "cells": "One row per codebook cell of a report: printed text, value, flag and where it was read.",
    "checks": "One row per accounting identity (勾稽关系) instance checked on a report.",
    "panel": "One row per agency × report year: the report the panel uses and the key indicators "
             "(indicators.csv gives the 2019↔2021 crosswalk).",
    "crossyear": "Cross-year and narrative checks (T3-XYEAR, T2-STOCK, T2v19-ITEMS, NARR-COPY-PREV, "
                 "NARR-COPY-OTHER, NARR-YEAR) as soft findings.",
    "agencies": "One row per reporting body (agency_id), across renames.",
    "agency_links": "Renames and 机构改革 mergers between agencies, with their evidence.",
    "versions": "Every annual report's version within its agency-year and its duplicate captures.",
}

COLUMN_DOCS: dict[str, dict[str, str]] = {
    **{name: column_docs(name) for name in PARTITIONED},
    "agencies": {
        "agency_id": "stable id <region_code>:<kind> of the body's earliest name (CN:… national, ?:… unresolved)",
        "name": "latest full name", "names": "every printed name, |-separated",
        "region_code": "6-digit 行政区划代码", "region_name": "region path", "admin_level": "level of government",
        "parent_id": "agency_id of the government the agency reports under",
        "org_code": "组织机构代码 from the 索引号, where printed", "first_year": "first report year",
        "last_year": "last report year", "n_reports": "reports identified as this agency",
    },
    "agency_links": {
        "from_id": "agency before", "to_id": "agency after (same id for a rename)", "from_name": "name before",
        "to_name": "name after", "kind": "rename | merger", "year": "first year of the new arrangement",
        "evidence": "text (a sentence of a report) | index_number (same 组织机构代码)",
        "report_id": "report whose sentence is the evidence", "detail": "the sentence or the code",
    },
    "versions": {
        "report_id": "report key", "agency_id": "agency", "report_year": "report year",
        "version": "1 = first published content of this agency-year", "n_versions": "contents of this agency-year",
        "is_latest": "the report belongs to the latest version", "canonical_id": "best-read report of its content",
        "is_canonical": "this report is the canonical one of its content",
        "n_sources": "captures (URLs) of the content", "sources": "|-separated sources", "published": "publication date",
    },
    "crossyear": {
        "rule": "check id (pipeline/crossyear.py)", "agency_id": "agency", "report_year": "year checked",
        "prev_year": "year compared with", "report_id": "report checked", "other_report_id": "report compared with",
        "scope": "column, row or narrative", "lhs": "value of the year checked (share for copies)",
        "rhs": "expected value (threshold for copies)", "status": "pass | fail | uncertain",
        "severity": "soft", "detail": "what was compared or found",
    },
    "panel": {
        "agency_id": "agency (agencies.csv)", "report_year": "report (data) year", "agency": "name as printed that year",
        "region_code": "6-digit 行政区划代码", "region_name": "region path", "admin_level": "level of government",
        "parent_id": "government the agency reports under", "template": "template era of the report",
        "t2_era": "format of Table 2 (2019 | 2021)", "t3_era": "format of Table 3 (2019 | 2021)",
        "report_id": "the report used (latest version, canonical capture)", "source": "its source",
        "published": "its publication date", "status": "its status", "n_checks_failed": "its failing checks",
        "n_versions": "versions of this agency-year", "n_sources": "captures of the version used",
    },
}

CODEBOOK_FILES = {"codebook": "codebook.csv", "section_codes": "sections.csv"}


def _field_type(t: pa.DataType) -> str:
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t):
        return "number"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_list(t):
        return "array"
    return "string"


def _indicator_fields() -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for ind in (*INDICATORS, GRANT_RATE):
        cells = " + ".join(ind.v2021) if ind.v2021 else "—"
        old = " + ".join(ind.v2019) if ind.v2019 else "— (not comparable, null)"
        pre = f" pre-2019: {' + '.join(ind.vpre)} (approximate, see {ind.flag_column})." if ind.vpre else ""
        out[ind.name] = {"description": f"{ind.label_zh}. 2021: {cells}; 2019: {old}.{pre} {ind.note}".strip(),
                         "unit": ind.unit, "eras": list(ind.eras)}
        if ind.flag_column:
            out[ind.flag_column] = {"description": f"comparability of {ind.name} in this year: same (2019+ "
                                                   f"definition) | {PRE2019_NOTE} | null (no value)"}
    return out


def _schema(name: str, schema: pa.Schema) -> dict[str, object]:
    docs = COLUMN_DOCS.get(name, {})
    extra = _indicator_fields() if name == "panel" else {}
    fields = []
    for f in schema:
        field: dict[str, object] = {"name": f.name, "type": _field_type(f.type), "arrow_type": str(f.type)}
        if f.name in extra:
            field.update(extra[f.name])
        else:
            field["description"] = docs.get(f.name, "")
        fields.append(field)
    # Parquet nulls reach frictionless's reader as pandas NaN (it reads through pandas without
    # nullable dtypes), so "nan" is declared a missing value; the data never holds a NaN number.
    out: dict[str, object] = {"fields": fields, "missingValues": ["", "nan"]}
    keys = {"reports": ["report_id"], "sections": ["report_id", "ordinal"],
            "cells": ["report_id", "table", "row", "col"], "panel": ["agency_id", "report_year"],
            "agencies": ["agency_id"], "versions": ["report_id"]}
    if name in keys:
        out["primaryKey"] = keys[name]
    return out


def _partition_resources(out: Path) -> list[dict[str, object]]:
    """One resource per partitioned table: its partition files as a multipart `path` (Data Package v2)."""
    found: list[dict[str, object]] = []
    for table in PARTITIONED:
        paths = sorted((out / table).glob("report_year=*/part-0.parquet"))
        if not paths:
            continue
        schema = _schema(table, TABLES[table])
        if table in {"sections", "cells", "checks"}:
            fks: list[dict[str, object]] = [{"fields": ["report_id"], "reference": {
                "resource": "reports", "fields": ["report_id"]}}]
            if table == "cells":
                fks += [{"fields": ["table", "row"], "reference": {"resource": "codebook", "fields": ["table", "code"]}},
                        {"fields": ["table", "col"], "reference": {"resource": "codebook", "fields": ["table", "code"]}}]
            schema["foreignKeys"] = fks
        partitions = []
        for path in paths:
            year = path.parent.name.split("=", 1)[1]
            partitions.append({"path": path.relative_to(out).as_posix(),
                               "report_year": None if year == NULL_PARTITION else int(year)})
        found.append({
            "name": table, "path": [part["path"] for part in partitions], "format": "parquet",
            "mediatype": "application/vnd.apache.parquet", "table": table, "partitions": partitions,
            "description": TABLE_DOCS[table], "schema": schema,
        })
    return found


def _product_resources(out: Path) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for name in PRODUCTS:
        path = out / f"{name}.parquet"
        if not path.exists():
            continue
        schema = _schema(name, pq.read_schema(path))
        found.append({"name": name, "path": path.name, "format": "parquet",
                      "mediatype": "application/vnd.apache.parquet", "table": name,
                      "description": TABLE_DOCS[name], "schema": schema})
    return found


def indicators_csv() -> str:
    """The panel's indicators and their crosswalk, as CSV (one row per panel column)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["name", "label_zh", "unit", "kind", "eras", "cells_2021", "cells_2019", "cells_pre2019", "note"])
    for ind in (*INDICATORS, GRANT_RATE):
        w.writerow([ind.name, ind.label_zh, ind.unit, ind.kind, "|".join(ind.eras), " + ".join(ind.v2021),
                    " + ".join(ind.v2019), " + ".join(ind.vpre), ind.note])
    return buf.getvalue()


def _csv_resource(name: str, path: str, description: str, fields: list[str],
                  docs: dict[str, str]) -> dict[str, object]:
    return {"name": name, "path": path, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": description,
            "schema": {"fields": [{"name": f, "type": "string", "description": docs.get(f, "")} for f in fields]}}


_CODEBOOK_DOCS = {
    "era": "formats using the code: 2019, 2021, 2019|2021 or pre2019", "table": "t2 | t3 | t4 | p", "axis": "row | col",
    "code": "the dataset's variable id", "slug": "short name", "label_zh": "label as printed in the format",
    "parent": "group code or 条例 item", "kind": "data | group", "dtype": "value type", "unit": "unit (件, 万元, 项)",
    "note": "notes", "number": "section number as printed", "aliases": "heading variants, |-separated",
    "name": "panel column", "eras": "formats in which the column is filled", "cells_2021": "cells summed (2021 format)",
    "cells_2019": "cells summed (2019 format)",
    "cells_pre2019": "cells summed in a pre-2019 report (table p, approximate: see the _cmp flag)",
}


def _codebook_resources(out: Path) -> list[dict[str, object]]:
    res: list[dict[str, object]] = []
    for name, file in CODEBOOK_FILES.items():
        text = resources.files("pipeline.template").joinpath("data", file).read_text(encoding="utf-8")
        target = "codebook.csv" if name == "codebook" else "section_codes.csv"
        (out / target).write_text(text, encoding="utf-8")
        header = next(csv.reader(io.StringIO(text)))
        desc = ("The codebook: every row and column code of Tables 2–4 with its printed label, unit and the "
                "formats (eras) using it." if name == "codebook" else "Codes of the six narrative sections.")
        res.append(_csv_resource(name, target, desc, header, _CODEBOOK_DOCS))
    (out / "indicators.csv").write_text(indicators_csv(), encoding="utf-8")
    res.append(_csv_resource("indicators", "indicators.csv",
                             "The panel's columns: label, unit, eras and the 2019↔2021 crosswalk of the cells they sum.",
                             ["name", "label_zh", "unit", "kind", "eras", "cells_2021", "cells_2019", "cells_pre2019", "note"],
                             _CODEBOOK_DOCS))
    return res


LICENSES = [{"name": "MIT", "title": "MIT License (the dataset's compilation, as the code)",
             "path": "https://opensource.org/license/mit"}]
"""The licence of the compilation; the reports themselves are official publications of the agencies."""


def _kept(out: Path) -> dict[str, object]:
    """`created` and `sources` of an existing descriptor: a rewrite keeps when the dataset was created."""
    try:
        old = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return old if isinstance(old, dict) else {}


def describe(out: Path, *, sources: list[str] | None = None) -> dict[str, object]:
    """The descriptor of the dataset at `out` (writes the codebook CSVs it points to).

    `created` is the time the dataset was first described and `sources` every input given to
    the runs that wrote it; both live only here, never in the Parquet files, so same inputs
    still give byte-identical tables.
    """
    resources_ = [*_codebook_resources(out), *_partition_resources(out), *_product_resources(out)]
    kept = _kept(out)
    created = kept.get("created") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    old_sources = [s.get("title") for s in kept.get("sources") or [] if isinstance(s, dict)]  # type: ignore[attr-defined]
    titles = sorted({str(t) for t in old_sources if t} | set(sources or []))
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "xxgk-dataset",
        "title": "政府信息公开工作年度报告 — statistical tables, narrative and checks",
        "description": ("China's government information-disclosure annual reports as a provenance-tracked dataset. "
                        "Partitioned tables are hive-partitioned by report_year (one resource per table, its "
                        "partition files the parts of its path); codes are those of codebook.csv."),
        "version": __version__,
        "created": created,
        "licenses": LICENSES,
        "sources": [{"title": t} for t in titles] or [{"title": "政府信息公开工作年度报告 (government portals)"}],
        "resources": resources_,
    }


def write_datapackage(out: Path, *, sources: list[str] | None = None) -> Path:
    """Write `out`/datapackage.json (and the codebook CSVs) for the dataset at `out`."""
    path = out / "datapackage.json"
    text = json.dumps(describe(out, sources=sources), ensure_ascii=False, indent=2) + "\n"
    tmp = path.with_name(".datapackage.json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


__all__ = ["PARTITIONED", "PRODUCTS", "describe", "indicators_csv", "write_datapackage"]
