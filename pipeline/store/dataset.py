"""The Parquet dataset: four tables, hive-partitioned by report_year, written deterministically.

    DIR/reports/report_year=2023/part-0.parquet
    DIR/sections/…   DIR/cells/…   DIR/checks/…

Same inputs → byte-identical files (rows sorted, no timestamps, fixed writer options). Adding
inputs merges them in without duplicates (a report is keyed by `report_id`, the digest of its
bytes). Every merged file is written in a staging folder first (a table folder never holds a
temporary; a table new to the dataset arrives as one folder); a journal then lists the
renames, done in one burst with `reports` last, and a burst a kill cut short is rolled forward by
the next writer: a crash mid-write leaves a readable dataset, and no cells without their report.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pipeline.normalise.report import CellValue, Report
from pipeline.store.merge import OLD_BATCH, READ_BATCH, sorted_batches, write_merged
from pipeline.store.schema import COLUMNS, arrow_schema

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
SOURCES_SEP = "|"
"""Separator of the `sources` column (every path/URL one report's bytes came from)."""

TABLES: dict[str, pa.Schema] = {name: arrow_schema(cols) for name, cols in COLUMNS.items()}
"""The Parquet schema of each table, made from `schema.COLUMNS` (reports last)."""
_SORT = {
    "reports": ["report_id"],
    "sections": ["report_id", "ordinal"],
    "cells": ["report_id"],
    "checks": ["report_id"],
}


def _rows(table: str, r: Report) -> list[dict[str, object]]:
    if table == "reports":
        n_null = sum(1 for c in r.cells if c.value is None)
        import datetime as dt

        return [{
            "report_id": r.report_id, "source": r.source, "sources": r.source, "url": r.url,
            "index_number": r.index_number, "media_type": r.media_type, "title": r.title,
            "agency": r.agency, "region_code": r.region_code, "region_name": r.region_name,
            "admin_level": r.admin_level, "published": dt.date.fromisoformat(r.published) if r.published else None,
            "template": r.template, "doc_kind": r.doc_kind, "status": r.status, "error": r.error or None,
            "n_cells": len(r.cells), "n_cells_null": n_null,
            "n_checks_failed": sum(1 for c in r.checks if c.status == "fail"),
            "extractor": r.extractor or None, "extractor_version": r.extractor_version or None,
            "pipeline_version": r.pipeline_version, "captured_at": r.captured_at,
            "referrer": r.referrer, "assembly": r.assembly, "assembled_into": r.assembled_into,
            "bbox_unit": r.bbox_unit, "text": r.text,
        }]
    if table == "sections":
        return [{"report_id": r.report_id, "ordinal": s.ordinal, "code": s.code, "heading": s.heading,
                 "text": s.text} for s in r.sections]
    if table == "cells":
        return [_cell_row(r, c) for c in r.cells]
    return [{"report_id": r.report_id, "rule": c.rule, "scope": c.scope, "lhs": c.lhs, "rhs": c.rhs,
             "status": c.status, "severity": c.severity, "detail": c.detail or None} for c in r.checks]


_NO_BOX = (None, None, None, None)


def span_of(locator: str) -> tuple[int, int] | None:
    """The character span a `text[a:b]` locator names (offsets into the report's `text`)."""
    if not locator.startswith("text[") or not locator.endswith("]"):
        return None
    a, _, b = locator[5:-1].partition(":")
    return (int(a), int(b)) if a.isdigit() and b.isdigit() else None


def _cell_row(r: Report, c: CellValue) -> dict[str, object]:
    x0, top, x1, bottom = c.bbox or _NO_BOX
    span = span_of(c.locator) if c.locator else None
    return {"report_id": r.report_id, "table": c.table, "row": c.row, "col": c.col,
            "value": c.value, "raw": c.raw, "flag": c.flag, "reason": c.reason or None, "unit": c.unit or None,
            "page": c.page, "method": c.method, "locator": c.locator or None, "confidence": c.confidence,
            "label": c.label or None, "member": c.member, "x0": x0, "top": top, "x1": x1, "bottom": bottom,
            "bbox_unit": (c.bbox_unit or r.bbox_unit) if c.bbox is not None else None,
            "span_start": span[0] if span else None, "span_end": span[1] if span else None}


def _part(year: int | None) -> str:
    return f"report_year={NULL_PARTITION if year is None else year}"


def _year(part: str) -> int | None:
    v = part.rsplit("/", 1)[-1].split("=", 1)[1]
    return None if v == NULL_PARTITION else int(v)


_WRITE_OPTS: dict[str, object] = {"compression": "zstd", "use_dictionary": True, "write_statistics": True,
                                  "row_group_size": 1 << 20, "store_schema": True}


def _conformed(fh: object, schema: pa.Schema, columns: list[str] | None = None) -> pa.Table:
    """A partition file under the current schema (or those of its `columns`): a column a dataset
    written by an earlier version lacks comes back null, so adding a column never strands an
    existing dataset."""
    if columns is None:
        return _conform(pq.read_table(fh), schema)
    f = pq.ParquetFile(fh)
    present = [c for c in columns if c in f.schema_arrow.names]
    return _conform(f.read(columns=present), pa.schema([schema.field(c) for c in columns]))


def _conform(t: pa.Table, schema: pa.Schema) -> pa.Table:
    cols = [t.column(f.name).cast(f.type) if f.name in t.column_names else pa.nulls(t.num_rows, f.type)
            for f in schema]
    return pa.Table.from_arrays(cols, schema=schema)


def _sort(table: pa.Table, name: str) -> pa.Table:
    # Stable sort on the key: rows of one report keep their order.
    keys = [(k, "ascending") for k in _SORT[name]]
    return table.take(pc.sort_indices(table, sort_keys=keys)).replace_schema_metadata(None)


@dataclass(frozen=True, slots=True)
class WriteStats:
    added: int
    replaced: int
    partitions: int


class DatasetWriter:
    """Streams reports into the dataset at `out` (a local path or any fsspec URL).

    Reports are spilled in batches to a staging folder, so memory stays flat however many
    documents a run has; `close()` merges each touched partition's sorted spills with what is
    already there (a report with the same id is replaced), streaming, and writes it under a
    temporary name before renaming it into place. Partitions of other years are not rewritten.
    """

    def __init__(self, out: str | os.PathLike[str], *, batch: int = 400) -> None:
        self.fs, self.root = fsspec.core.url_to_fs(os.fspath(out))
        self.root = self.root.rstrip("/")
        self.batch = batch
        self._buffer: list[Report] = []
        self._sources: dict[str, tuple[set[str], int | None]] = {}
        """report_id → every source its bytes came from (this run and earlier ones), and its year."""
        self._assembly: dict[str, tuple[str | None, str | None]] = {}
        """report_id → (assembly, assembled_into) of the reports of this run (small: two strings each)."""
        self._kept: dict[str, tuple[str | None, str | None]] = {}
        self._stale: dict[str, str] = {}
        """assembled report_id dropped by this run → the assembled report_id that replaces it."""
        self._spills = 0
        self._staging = f"{self.root}/.staging-{os.getpid()}"
        self.fs.makedirs(self.root, exist_ok=True)
        roll_forward(self.fs, self.root)
        self._clean_stale_staging()

    def _clean_stale_staging(self) -> None:
        """Remove staging and temporary folders a crashed run left behind (its process is gone)."""
        for path in [*self.fs.glob(f"{self.root}/.staging-*"), *self.fs.glob(f"{self.root}/.tmp-*")]:
            pid = path.rstrip("/").rsplit("-", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                self.fs.rm(path, recursive=True)

    def add(self, report: Report) -> None:
        seen = self._sources.get(report.report_id)
        if seen is not None:
            # The same bytes again (another path or URL): one report with several sources.
            seen[0].update([report.source, *report.also_sources])
            return
        self._sources[report.report_id] = ({report.source, *report.also_sources}, report.report_year)
        self._assembly[report.report_id] = (report.assembly, report.assembled_into)
        self._buffer.append(report)
        if len(self._buffer) >= self.batch:
            self._spill()

    def _spill(self) -> None:
        if not self._buffer:
            return
        by_year: dict[int | None, list[Report]] = {}
        for r in self._buffer:
            by_year.setdefault(r.report_year, []).append(r)
        for name, schema in TABLES.items():
            for year, reports in by_year.items():
                rows = [row for r in reports for row in _rows(name, r)]
                path = f"{self._staging}/{name}/{_part(year)}/{self._spills:06d}.parquet"
                self.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
                with self.fs.open(path, "wb") as fh:  # sorted: `close` merges the spills, never sorts them
                    pq.write_table(_sort(pa.Table.from_pylist(rows, schema=schema), name), fh,
                                   compression="zstd", row_group_size=16 * READ_BATCH)
        self._spills += 1
        self._buffer = []

    def _stale_years(self) -> set[int | None]:
        """Partitions written under an earlier schema: rewritten too, so every file of a table has
        the same columns (readers take a table's schema from one of its files)."""
        stale: set[int | None] = set()
        for name, schema in TABLES.items():
            for path in self.fs.glob(f"{self.root}/{name}/report_year=*/part-0.parquet"):
                with self.fs.open(path, "rb") as fh:
                    if pq.read_schema(fh).names != schema.names:
                        stale.add(_year(path.rsplit("/", 1)[0]))
        return stale

    def _existing_years(self) -> dict[str, int | None]:
        """Year of every report already in the dataset; earlier sources join the new reports'.

        Also settles assembly links against earlier runs (`self._kept`, `self._stale`).
        """
        out: dict[str, int | None] = {}
        old_links: dict[str, tuple[str | None, str | None]] = {}
        base = f"{self.root}/reports"
        if not self.fs.exists(base):
            return out
        for part in sorted(self.fs.ls(base, detail=False)):
            name = part.rstrip("/").rsplit("/", 1)[-1]
            if not name.startswith("report_year="):
                continue
            with self.fs.open(f"{part.rstrip('/')}/part-0.parquet", "rb") as fh:
                t = _conformed(fh, TABLES["reports"], ["report_id", "source", "sources", "assembly",
                                                          "assembled_into"])
            for rid, src, srcs, how, into in zip(*(t.column(i).to_pylist() for i in range(5)), strict=True):
                out[rid] = _year(name)
                if rid in self._sources:
                    self._sources[rid][0].update([src, *(srcs or "").split(SOURCES_SEP)])
                    self._sources[rid][0].discard("")
                    old_links[rid] = (how, into)
        self._settle_links(old_links)
        return out

    def _settle_links(self, old: dict[str, tuple[str | None, str | None]]) -> None:
        """A member written again stays a member: extracted alone it keeps its earlier link (`_kept`);
        assembled again into another report, the report it was assembled into before is dropped
        (`_stale`, mapped to the report that replaces it), so no agency-year is counted twice."""
        self._kept = {rid: link for rid, link in old.items()
                      if link[0] == "member" and self._assembly.get(rid, (None, None))[0] is None}
        self._stale = {link[1]: self._assembly[rid][1] or "" for rid, link in old.items()
                       if link[0] == "member" and link[1]
                       and self._assembly.get(rid, (None, None))[0] == "member"
                       and self._assembly[rid][1] != link[1] and link[1] not in self._sources}

    def _repoint_members(self) -> set[int | None]:
        """Members not written again (an earlier version of a revised page) that point at a dropped
        assembled report point at the report that replaced it; returns the years to rewrite."""
        years: set[int | None] = set()
        base = f"{self.root}/reports"
        if not self._stale or not self.fs.exists(base):
            return years
        for part in sorted(self.fs.glob(f"{base}/report_year=*/part-0.parquet")):
            with self.fs.open(part, "rb") as fh:
                t = _conformed(fh, TABLES["reports"], ["report_id", "assembly", "assembled_into"])
            for rid, how, into in zip(*(t.column(i).to_pylist() for i in range(3)), strict=True):
                if how == "member" and into in self._stale and rid not in self._sources and self._stale[into]:
                    self._kept[rid] = ("member", self._stale[into])
                    years.add(_year(part.rsplit("/", 2)[-2]))
        return years

    def close(self) -> WriteStats:
        self._spill()
        existing = self._existing_years()
        new_ids = pa.array(sorted(set(self._sources) | set(self._stale)), pa.string())
        replaced = sum(1 for rid in self._sources if rid in existing)
        touched = ({y for _, y in self._sources.values()} | {existing[r] for r in self._sources if r in existing}
                   | {existing[r] for r in self._stale if r in existing})
        touched |= self._stale_years() | self._repoint_members()
        moves: list[tuple[str, str]] = []  # (temporary, final); "" temporary: remove the final file
        for name, schema in TABLES.items():  # reports last: a visible report has all its rows
            table_moves: list[tuple[str, str]] = []
            for year in sorted(touched, key=lambda y: (y is None, y or 0)):
                table_moves.extend(self._merge(name, schema, year, new_ids))
            moves.extend(self._whole_table(name, table_moves))
        self._commit(moves)
        if self.fs.exists(self._staging):
            self.fs.rm(self._staging, recursive=True)
        return WriteStats(added=len(self._sources) - replaced, replaced=replaced, partitions=len(touched))

    def _whole_table(self, name: str, moves: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """A table the dataset does not have yet arrives as one folder rename, complete."""
        final = f"{self.root}/{name}"
        if not _renames_folders(self.fs) or self.fs.exists(final) or not moves or any(not tmp for tmp, _ in moves):
            return moves
        return [(f"{self._staging}/commit/{name}", final)]

    def _commit(self, moves: list[tuple[str, str]]) -> None:
        """Every merged file is written first; then a journal names the renames, which follow in a
        burst. A kill during the burst is rolled forward by the next writer, so the tables never
        stay out of step (no cells without their report)."""
        journal = f"{self.root}/{JOURNAL}"
        with self.fs.open(journal, "w") as fh:
            fh.write(json.dumps(moves))
        _apply(self.fs, moves)
        self.fs.rm(journal)

    def _merge(self, name: str, schema: pa.Schema, year: int | None, new_ids: pa.Array) -> list[tuple[str, str]]:
        """The partition's old rows (less the reports this run replaces) and this run's spills,
        merged in key order without holding the partition in memory (`merge.write_merged`)."""
        final = f"{self.root}/{name}/{_part(year)}/part-0.parquet"
        files = [final] if self.fs.exists(final) else []
        staged = f"{self._staging}/{name}/{_part(year)}"
        if self.fs.exists(staged):
            files += sorted(self.fs.ls(staged, detail=False))
        if not files:
            return []

        def prepared(replaced: bool) -> Callable[[pa.Table], pa.Table]:
            def prepare(t: pa.Table) -> pa.Table:
                t = _conform(t, schema)
                if replaced:
                    t = t.filter(pc.invert(pc.is_in(t.column("report_id"), new_ids)))
                # Row by row, so the same on every batch as on the whole partition.
                return self._with_kept_links(self._with_min_sources(t)) if name == "reports" else t
            return prepare

        inputs = [sorted_batches(partial(self.fs.open, f, "rb"), prepared(f == final),
                                 OLD_BATCH if f == final else READ_BATCH) for f in files]
        tmp = self._temporary_path(final)
        with self.fs.open(tmp, "wb") as fh:
            rows = write_merged(inputs, _SORT[name], schema, fh, _WRITE_OPTS)
            _synced(fh)
        if not rows:
            self.fs.rm(tmp)
            return [("", final)] if files[0] == final else []
        return [(tmp, final)]

    def _with_min_sources(self, table: pa.Table) -> pa.Table:
        """`sources` lists every path/URL the report's bytes came from; `source` is the first of them."""
        ids = table.column("report_id").to_pylist()
        old_src = table.column("source").to_pylist()
        old_all = table.column("sources").to_pylist()
        all_sources = [sorted(self._sources[i][0]) if i in self._sources else (a or s).split(SOURCES_SEP)
                       for i, s, a in zip(ids, old_src, old_all, strict=True)]
        table = table.set_column(table.schema.get_field_index("source"), "source",
                                 pa.array([a[0] for a in all_sources], pa.string()))
        return table.set_column(table.schema.get_field_index("sources"), "sources",
                                pa.array([SOURCES_SEP.join(a) for a in all_sources], pa.string()))

    def _with_kept_links(self, table: pa.Table) -> pa.Table:
        """A member extracted again on its own keeps its link to the assembled report (see `_settle_links`)."""
        if not self._kept:
            return table
        ids = table.column("report_id").to_pylist()
        for i, col in enumerate(("assembly", "assembled_into")):
            values = table.column(col).to_pylist()
            patched = [self._kept[r][i] if r in self._kept else v for r, v in zip(ids, values, strict=True)]
            table = table.set_column(table.schema.get_field_index(col), col, pa.array(patched, pa.string()))
        return table

    def _temporary_path(self, path: str) -> str:
        # In the staging folder, never inside a table: a reader (or a kill) never sees a table
        # folder that holds only temporaries.
        tmp = f"{self._staging}/commit/{path[len(self.root) + 1:]}"
        self.fs.makedirs(tmp.rsplit("/", 1)[0], exist_ok=True)
        return tmp


def _synced(fh: object) -> None:
    """Flushed to the disk before the rename that publishes it (a no-op on object stores)."""
    if hasattr(fh, "fileno"):
        try:
            fh.flush()  # type: ignore[attr-defined]
            os.fsync(fh.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            pass


JOURNAL = ".commit.json"
"""The renames of a merge being committed (present only while they run, or after a kill)."""


def _renames_folders(fs: fsspec.AbstractFileSystem) -> bool:
    """Whether a folder can be moved as one: on a disk (and in memory) yes; an object store (s3://,
    gs://, …) has no folders, only keys, so there every file is moved on its own (the journal still
    lists them all, and the next writer rolls a cut burst forward)."""
    protocols = (fs.protocol,) if isinstance(fs.protocol, str) else tuple(fs.protocol)
    return bool({"file", "local", "memory"} & set(protocols))


def _apply(fs: fsspec.AbstractFileSystem, moves: list[tuple[str, str]]) -> None:
    for tmp, final in moves:
        if not tmp:
            if fs.exists(final):
                fs.rm(final)
        elif fs.exists(tmp):
            fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
            fs.mv(tmp, final, recursive=fs.isdir(tmp))


def roll_forward(fs: fsspec.AbstractFileSystem, root: str) -> None:
    """Finish the renames of a commit a killed writer left half done; drop its stray temporaries."""
    journal = f"{root}/{JOURNAL}"
    if fs.exists(journal):
        with fs.open(journal, "r") as fh:
            moves = [tuple(m) for m in json.loads(fh.read() or "[]")]
        _apply(fs, moves)
        fs.rm(journal)
        # The writer that staged these moves is finished with its staging folder either way.
        for staging in sorted({s for tmp, _ in moves if (s := _staging_of(root, tmp))}):
            if fs.exists(staging):
                fs.rm(staging, recursive=True)
    for tmp in fs.glob(f"{root}/*/report_year=*/.part-0.parquet.*.tmp"):
        pid = tmp.rsplit(".", 2)[-2]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            fs.rm(tmp)


def _staging_of(root: str, tmp: str) -> str | None:
    """The `.staging-PID` folder a journal's move came from (None for a deletion)."""
    head = tmp[len(root) + 1:].split("/", 1)[0] if tmp.startswith(f"{root}/") else ""
    return f"{root}/{head}" if head.startswith(".staging-") else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_dataset(out: str | os.PathLike[str], reports: Iterable[Report]) -> WriteStats:
    """Merge `reports` into the dataset at `out` (created if needed); idempotent."""
    writer = DatasetWriter(out)
    for r in reports:
        writer.add(r)
    return writer.close()


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


def read_table(out: str | os.PathLike[str], name: str) -> pd.DataFrame:
    fs, root = fsspec.core.url_to_fs(os.fspath(out))
    base = f"{root.rstrip('/')}/{name}"
    schema = TABLES[name]
    files = sorted(f for f in fs.glob(f"{base}/report_year=*/part-0.parquet"))
    if not files:
        cols = [*schema.names, "report_year"]
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    part = pads.partitioning(pa.schema([("report_year", pa.string())]), flavor="hive")
    ds = pads.dataset(files, format="parquet", partitioning=part, partition_base_dir=base,
                      filesystem=pafs.PyFileSystem(pafs.FSSpecHandler(fs)),
                      schema=schema.append(pa.field("report_year", pa.string())))
    df = ds.to_table().to_pandas()
    df["report_year"] = pd.to_numeric(df["report_year"].replace(NULL_PARTITION, None)).astype("Int16")
    result: pd.DataFrame = df.sort_values(_SORT[name], kind="mergesort").reset_index(drop=True)
    return result


def open_dataset(out: str | os.PathLike[str]) -> Dataset:
    """Read the dataset at `out` (a path or any fsspec URL) back as DataFrames."""
    return Dataset(*(read_table(out, n) for n in ("reports", "sections", "cells", "checks")))
