"""A k-way merge of sorted Parquet files, written as the stable sort of their concatenation would be.

A year's partition of a national year holds 10^5 reports and some 2·10^7 cell rows; concatenating
and sorting it in memory took ≈ 125 kB a report at the peak (6.7 GB for one year of 50,000 reports,
bench/store.py). Each input here is already sorted on the key and no key occurs in two inputs (a report is in
one spill or in the old partition, never both), so the stable sort of the concatenation is the
inputs' runs of equal keys merged in key order, ties broken by input order. The runs are read in
small batches and the output is cut into the writer's row groups, so memory is bounded by the row
group and the fan-in, not by the partition; the bytes are those of `pq.write_table` on the sorted
concatenation (tested).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

Key = tuple[tuple[bool, Any], ...]
"""A run's sort key: (is null, value) per column, so nulls sort last as in `pc.sort_indices`."""

READ_BATCH = 1024
"""Rows decoded at a time from each spill (a spill of 400 reports is one input of 250 a year at 10^5)."""
OLD_BATCH = 1 << 16
"""Rows decoded at a time from the partition already written (one input: larger batches cost no memory)."""


def runs(batches: Iterator[pa.RecordBatch], keys: list[str]) -> Iterator[tuple[Key, pa.RecordBatch]]:
    """Each maximal stretch of rows with equal keys, as (key, zero-copy slice); a stretch that
    crosses a batch boundary comes as two pieces, in order."""
    for batch in batches:
        n = batch.num_rows
        if not n:
            continue
        starts = [0]
        if n > 1:
            change = None
            for k in keys:
                col = batch.column(k)
                a, b = col.slice(1), col.slice(0, n - 1)
                differs = pc.fill_null(pc.not_equal(a, b), True)
                differs = pc.or_(differs, pc.xor(pc.is_null(a), pc.is_null(b)))
                change = differs if change is None else pc.or_(change, differs)
            starts += [i + 1 for i in pc.indices_nonzero(change).to_pylist()]
        firsts = batch.take(pa.array(starts, pa.int64())).select(keys).to_pylist()
        for j, start in enumerate(starts):
            end = starts[j + 1] if j + 1 < len(starts) else n
            yield tuple((firsts[j][k] is None, firsts[j][k]) for k in keys), batch.slice(start, end - start)


def merged(inputs: list[Iterator[pa.RecordBatch]], keys: list[str]) -> Iterator[pa.RecordBatch]:
    """The rows of sorted `inputs` in key order, ties in input order (a stable sort's order)."""
    streams = [runs(s, keys) for s in inputs]
    heap: list[tuple[Key, int, pa.RecordBatch]] = []
    for i, s in enumerate(streams):
        first = next(s, None)
        if first is not None:
            heap.append((first[0], i, first[1]))
    heapq.heapify(heap)
    while heap:
        _, i, piece = heap[0]
        yield piece
        nxt = next(streams[i], None)
        if nxt is None:
            heapq.heappop(heap)
        else:
            heapq.heapreplace(heap, (nxt[0], i, nxt[1]))


def write_merged(inputs: list[Iterator[pa.RecordBatch]], keys: list[str], schema: pa.Schema, fh: Any,
                 write_opts: dict[str, Any]) -> int:
    """Write the merge of `inputs` to `fh` as `pq.write_table(sorted concatenation, fh, **write_opts)`
    would, one row group at a time; returns the number of rows."""
    opts = dict(write_opts)
    group = int(opts.pop("row_group_size"))
    total = 0
    pending: list[pa.RecordBatch] = []
    held = 0
    with pq.ParquetWriter(fh, schema, **opts) as writer:
        def flush(rows: int) -> None:
            nonlocal pending, held
            table = pa.Table.from_batches(pending, schema=schema).combine_chunks()
            writer.write_table(table.slice(0, rows), row_group_size=group)
            rest = table.slice(rows)
            pending, held = rest.to_batches(), rest.num_rows

        for piece in merged(inputs, keys):
            pending.append(piece)
            held += piece.num_rows
            total += piece.num_rows
            if held >= group:
                flush(group)
        if held:
            flush(held)
    return total


def sorted_batches(open_file: Callable[[], Any], prepare: Callable[[pa.Table], pa.Table],
                   batch_size: int = READ_BATCH) -> Iterator[pa.RecordBatch]:
    """The batches of one sorted Parquet file, `prepare` applied to each (a row-by-row map or a
    filter, so the order holds); the file is opened when the merge first reads it, closed when done."""
    with open_file() as fh:
        for batch in pq.ParquetFile(fh).iter_batches(batch_size=batch_size):
            yield from prepare(pa.Table.from_batches([batch])).to_batches()
