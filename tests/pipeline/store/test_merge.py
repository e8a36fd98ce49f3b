"""The streaming merge writes the bytes an in-memory stable sort of the concatenation would."""

from __future__ import annotations

import io
import random

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pipeline.store.merge import merged, runs, write_merged

SCHEMA = pa.schema([("report_id", pa.string()), ("ordinal", pa.int16()), ("value", pa.int64()),
                    ("raw", pa.string())])
OPTS = {"compression": "zstd", "use_dictionary": True, "write_statistics": True, "row_group_size": 50,
        "store_schema": True}


def _inputs(seed: int, n_inputs: int) -> list[pa.Table]:
    """Inputs with disjoint report ids, each sorted on (report_id, ordinal); ordinals repeat within a
    report and some are null, values record the original order so a stable sort is visible."""
    rnd = random.Random(seed)
    ids = [f"{rnd.getrandbits(64):016x}" for _ in range(40)]
    tables = []
    for i in range(n_inputs):
        rows = []
        for rid in ids[i::n_inputs]:
            for _ in range(rnd.randint(1, 9)):
                rows.append({"report_id": rid, "ordinal": rnd.choice([None, 0, 1, 2, 2]),
                             "value": len(rows), "raw": rnd.choice(["12", "", None, "三"])})
        t = pa.Table.from_pylist(rows, schema=SCHEMA)
        keys = [("report_id", "ascending"), ("ordinal", "ascending")]
        tables.append(t.take(pc.sort_indices(t, sort_keys=keys)))
    return tables


def _in_memory(tables: list[pa.Table], keys: list[str]) -> bytes:
    t = pa.concat_tables(tables)
    t = t.take(pc.sort_indices(t, sort_keys=[(k, "ascending") for k in keys]))
    buf = io.BytesIO()
    pq.write_table(t, buf, **OPTS)  # type: ignore[arg-type]
    return buf.getvalue()


@pytest.mark.parametrize("keys", [["report_id"], ["report_id", "ordinal"]])
@pytest.mark.parametrize(("seed", "n_inputs", "batch"), [(1, 1, 7), (2, 3, 4), (3, 5, 1000), (4, 2, 1)])
def test_merge_is_byte_identical_to_sorting_in_memory(seed: int, n_inputs: int, batch: int, keys: list[str]) -> None:
    tables = _inputs(seed, n_inputs)
    buf = io.BytesIO()
    n = write_merged([iter(t.to_batches(max_chunksize=batch)) for t in tables], keys, SCHEMA, buf, OPTS)
    assert n == sum(t.num_rows for t in tables)
    assert pq.read_metadata(io.BytesIO(buf.getvalue())).num_row_groups == -(-n // 50)
    assert buf.getvalue() == _in_memory(tables, keys)


def test_runs_split_on_every_key_change_and_at_batch_ends() -> None:
    t = pa.table({"k": ["a", "a", "b", None, None, "b"], "o": [1, 1, 1, 1, None, None]})
    got = [(key, piece.num_rows) for key, piece in runs(iter(t.to_batches(max_chunksize=4)), ["k", "o"])]
    assert got == [(((False, "a"), (False, 1)), 2), (((False, "b"), (False, 1)), 1),
                   (((True, None), (False, 1)), 1),  # batch ends here
                   (((True, None), (True, None)), 1), (((False, "b"), (True, None)), 1)]


def test_equal_keys_in_two_inputs_keep_input_order() -> None:
    a = pa.table({"k": ["x", "y"], "v": [1, 2]})
    b = pa.table({"k": ["x", "z"], "v": [3, 4]})
    out = pa.Table.from_batches(list(merged([iter(a.to_batches()), iter(b.to_batches())], ["k"])))
    assert out.column("v").to_pylist() == [1, 3, 2, 4]


def test_nothing_to_merge_writes_an_empty_file() -> None:
    buf = io.BytesIO()
    assert write_merged([iter([])], ["report_id"], SCHEMA, buf, OPTS) == 0
    assert pq.read_table(io.BytesIO(buf.getvalue())).num_rows == 0
