"""The dataset as DuckDB views over its Parquet files (read in place), plus the products it needs.

One connection per server; each request takes a cursor of its own (DuckDB cursors are thread-safe
copies of the connection). Tables with no file yet are empty views of the schema, so every query
runs on an empty dataset too.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.store.dataset import NULL_PARTITION, TABLES

_DUCK = {pa.string(): "VARCHAR", pa.float64(): "DOUBLE", pa.float32(): "FLOAT", pa.int32(): "INTEGER",
         pa.int16(): "SMALLINT", pa.date32(): "DATE"}


def _empty_view(name: str, schema: pa.Schema) -> str:
    cols = ", ".join(f"CAST(NULL AS {_DUCK[f.type]}) AS \"{f.name}\"" for f in schema)
    return f"CREATE VIEW {name} AS SELECT {cols}, CAST(NULL AS SMALLINT) AS report_year WHERE false"


def _view(root: Path, name: str, schema: pa.Schema) -> str:
    files = sorted((root / name).glob("report_year=*/part-0.parquet"))
    if not files:
        return _empty_view(name, schema)
    paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    cols = ", ".join(f'"{f.name}"' for f in schema)
    return (f"CREATE VIEW {name} AS SELECT {cols}, TRY_CAST(NULLIF(report_year, '{NULL_PARTITION}') AS SMALLINT)"
            f" AS report_year FROM read_parquet([{paths}], hive_partitioning=true, hive_types={{'report_year': VARCHAR}})")


class Db:
    """The four tables (`reports`, `sections`, `cells`, `checks`) and the registered product frames."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.con = duckdb.connect(":memory:", config={"threads": 2})
        self._lock = threading.Lock()
        for name, schema in TABLES.items():
            self.con.execute(_view(root, name, schema))

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """A product frame as a table of its own (a registered frame is not seen by other cursors)."""
        with self._lock:
            self.con.register("_frame", frame)
            self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _frame")
            self.con.unregister("_frame")

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (NaN and NA → None)."""
        cur = self.con.cursor()
        try:
            result = cur.execute(sql, list(params))
            names = [d[0] for d in result.description or []]
            return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
        finally:
            cur.close()

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        cur = self.con.cursor()
        try:
            row = cur.execute(sql, list(params)).fetchone()
            return row[0] if row else None
        finally:
            cur.close()
