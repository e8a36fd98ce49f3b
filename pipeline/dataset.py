"""The Parquet dataset: four tables, hive-partitioned by report_year, written deterministically.

    DIR/reports/report_year=2023/part-0.parquet
    DIR/sections/…   DIR/cells/…   DIR/checks/…

Same inputs → byte-identical files (rows sorted, no timestamps, fixed writer options). Adding
inputs merges them in without duplicates (a report is keyed by `report_id`, the digest of its
bytes). Every file is written to a temporary name and renamed into place, and `reports` is
written last, so a crash mid-write leaves a readable dataset in which every report row has its
cells.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from .records import Report

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"

REPORTS = pa.schema([
    ("report_id", pa.string()), ("source", pa.string()), ("media_type", pa.string()),
    ("title", pa.string()), ("agency", pa.string()), ("region_code", pa.string()),
    ("region_name", pa.string()), ("admin_level", pa.string()), ("published", pa.date32()),
    ("template", pa.string()), ("doc_kind", pa.string()), ("status", pa.string()), ("error", pa.string()),
    ("n_cells", pa.int32()), ("n_cells_null", pa.int32()), ("n_checks_failed", pa.int32()),
    ("extractor", pa.string()), ("extractor_version", pa.string()), ("pipeline_version", pa.string()),
    ("captured_at", pa.string()),
])
SECTIONS = pa.schema([
    ("report_id", pa.string()), ("ordinal", pa.int16()), ("code", pa.string()), ("heading", pa.string()),
    ("text", pa.string()),
])
CELLS = pa.schema([
    ("report_id", pa.string()), ("table", pa.string()), ("row", pa.string()), ("col", pa.string()),
    ("value", pa.float64()), ("raw", pa.string()), ("flag", pa.string()), ("reason", pa.string()),
    ("unit", pa.string()), ("page", pa.int32()), ("method", pa.string()), ("locator", pa.string()),
    ("confidence", pa.float32()),
])
CHECKS = pa.schema([
    ("report_id", pa.string()), ("rule", pa.string()), ("scope", pa.string()), ("lhs", pa.float64()),
    ("rhs", pa.float64()), ("status", pa.string()), ("severity", pa.string()), ("detail", pa.string()),
])
TABLES: dict[str, pa.Schema] = {"cells": CELLS, "sections": SECTIONS, "checks": CHECKS, "reports": REPORTS}
_SORT = {
    "reports": ["report_id"],
    "sections": ["report_id", "ordinal"],
    "cells": ["report_id", "_order"],
    "checks": ["report_id", "_order"],
}


def _rows(table: str, r: Report) -> list[dict[str, object]]:
    if table == "reports":
        n_null = sum(1 for c in r.cells if c.value is None)
        import datetime as dt

        return [{
            "report_id": r.report_id, "source": r.source, "media_type": r.media_type, "title": r.title,
            "agency": r.agency, "region_code": r.region_code, "region_name": r.region_name,
            "admin_level": r.admin_level, "published": dt.date.fromisoformat(r.published) if r.published else None,
            "template": r.template, "doc_kind": r.doc_kind, "status": r.status, "error": r.error or None,
            "n_cells": len(r.cells), "n_cells_null": n_null,
            "n_checks_failed": sum(1 for c in r.checks if c.status == "fail"),
            "extractor": r.extractor or None, "extractor_version": r.extractor_version or None,
            "pipeline_version": r.pipeline_version, "captured_at": r.captured_at,
        }]
    if table == "sections":
        return [{"report_id": r.report_id, "ordinal": s.ordinal, "code": s.code, "heading": s.heading,
                 "text": s.text} for s in r.sections]
    if table == "cells":
        return [{"report_id": r.report_id, "_order": i, "table": c.table, "row": c.row, "col": c.col,
                 "value": c.value, "raw": c.raw, "flag": c.flag, "reason": c.reason or None, "unit": c.unit or None,
                 "page": c.page, "method": c.method, "locator": c.locator or None, "confidence": c.confidence}
                for i, c in enumerate(r.cells)]
    return [{"report_id": r.report_id, "_order": i, "rule": c.rule, "scope": c.scope, "lhs": c.lhs, "rhs": c.rhs,
             "status": c.status, "severity": c.severity, "detail": c.detail or None} for i, c in enumerate(r.checks)]


def _part(year: int | None) -> str:
    return f"report_year={NULL_PARTITION if year is None else year}"


def _year(part: str) -> int | None:
    v = part.split("=", 1)[1]
    return None if v == NULL_PARTITION else int(v)


def _write_atomic(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd", use_dictionary=True, write_statistics=True,
                   row_group_size=1 << 20, store_schema=True)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    tmp.replace(path)


def _read_part(path: Path, schema: pa.Schema) -> pa.Table:
    if not path.exists():
        return schema.empty_table()
    return pq.read_table(path, schema=schema)


@dataclass(frozen=True, slots=True)
class WriteStats:
    added: int
    replaced: int
    partitions: int


def write_dataset(out: Path, reports: Iterable[Report]) -> WriteStats:
    """Merge `reports` into the dataset at `out` (created if needed); idempotent."""
    new = {r.report_id: r for r in sorted(reports, key=lambda r: (r.report_id, r.source))}
    out.mkdir(parents=True, exist_ok=True)
    existing_year: dict[str, int | None] = {}
    rep_dir = out / "reports"
    if rep_dir.exists():
        for part in sorted(rep_dir.glob("report_year=*")):
            ids = pq.read_table(part / "part-0.parquet", columns=["report_id"]).column(0).to_pylist()
            for rid in ids:
                existing_year[rid] = _year(part.name)
    replaced = sum(1 for rid in new if rid in existing_year)
    touched = {r.report_year for r in new.values()} | {existing_year[rid] for rid in new if rid in existing_year}
    for name, schema in TABLES.items():
        for year in sorted(touched, key=lambda y: (y is None, y or 0)):
            path = out / name / _part(year) / "part-0.parquet"
            old = _read_part(path, schema)
            if old.num_rows:
                old = old.filter(pc.invert(pc.is_in(old.column("report_id"), pa.array(list(new), pa.string()))))
            rows = [row for r in new.values() if r.report_year == year for row in _rows(name, r)]
            for row in rows:
                row.pop("_order", None)
            fresh = pa.Table.from_pylist(rows, schema=schema)
            table = pa.concat_tables([old, fresh]) if old.num_rows else fresh
            if not table.num_rows:
                if path.exists():
                    path.unlink()
                continue
            # Stable sort on the key: rows of one report keep their order.
            keys = [(k, "ascending") for k in _SORT[name] if k != "_order"]
            table = table.take(pc.sort_indices(table, sort_keys=keys)).replace_schema_metadata(None)
            _write_atomic(table, path)
    return WriteStats(added=len(new) - replaced, replaced=replaced, partitions=len(touched))


@dataclass(frozen=True)
class Dataset:
    """The four tables as DataFrames, plus a wide view per statistical table."""

    reports: pd.DataFrame
    sections: pd.DataFrame
    cells: pd.DataFrame
    checks: pd.DataFrame

    def wide(self, table: str) -> pd.DataFrame:
        """One row per report, one column per cell id `row:col` of `table` (values; NaN when null)."""
        df = self.cells[self.cells["table"] == table]
        if df.empty:
            return pd.DataFrame()
        ids = df["row"] + ":" + df["col"]
        wide = df.assign(cell=ids).pivot_table(index="report_id", columns="cell", values="value",
                                               aggfunc="first", dropna=False)
        order = list(dict.fromkeys(ids))
        return wide.reindex(columns=order)


def read_table(out: Path, name: str) -> pd.DataFrame:
    base = out / name
    schema = TABLES[name]
    if not base.exists():
        cols = [*schema.names, "report_year"]
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    part = pads.partitioning(pa.schema([("report_year", pa.string())]), flavor="hive")
    ds = pads.dataset(str(base), format="parquet", partitioning=part, schema=schema.append(
        pa.field("report_year", pa.string())), exclude_invalid_files=True)
    df = ds.to_table().to_pandas()
    df["report_year"] = pd.to_numeric(df["report_year"].replace(NULL_PARTITION, None)).astype("Int16")
    result: pd.DataFrame = df.sort_values(_SORT[name][:1] if name in {"cells", "checks"} else _SORT[name],
                                       kind="mergesort").reset_index(drop=True)
    return result


def open_dataset(out: str | os.PathLike[str]) -> Dataset:
    """Read the dataset at `out` back as DataFrames."""
    path = Path(out)
    return Dataset(*(read_table(path, n) for n in ("reports", "sections", "cells", "checks")))


def remove_dataset(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
