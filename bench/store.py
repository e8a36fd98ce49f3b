"""Dataset writer at a national year's size: one report_year of N reports, written and merged.

    .venv/bin/python -m bench.store [--n 10000 50000 100000] [--json FILE]

A real national year puts 10^5 reports into one partition (about 2·10^7 cell rows). Fifty
generated HTML reports are extracted and normalised once; each size then runs in a fresh process
that adds N copies (each its own report_id, all one year) to a new dataset and closes it, then
adds 1 % more to the same dataset (the merge with an existing partition). Figures per size:
seconds, peak RSS of the process and the Arrow memory pool's peak. Memory must not grow with N.
Not part of `make bench` (minutes at 10^5); its figures are in docs/scale.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.normalise.report import Report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2023


def _reports() -> list[Report]:
    from extractors import SourceRef
    from extractors.html import HtmlExtractor
    from pipeline.normalise.document import normalise
    from tests.generator.html import html_corpus
    from tests.generator.truth import generate

    out = []
    for _, page in html_corpus(generate(seed=7, n=50)):
        src = SourceRef(uri=f"gen://{page.key}.html", sha256=hashlib.sha256(page.data).hexdigest())
        out.append(normalise(HtmlExtractor().extract(page.data, source=src), media_type="text/html"))
    return out


def _copies(reports: list[Report], start: int, n: int) -> Iterator[Report]:
    for i in range(start, start + n):
        r = reports[i % len(reports)]
        rid = hashlib.sha256(f"copy-{i}".encode()).hexdigest()
        yield dataclasses.replace(r, report_id=rid, source=f"gen://{i}", report_year=YEAR)


def one(n: int) -> dict[str, float]:
    """In this process: write N reports of one year, then add 1 % to them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.store.dataset import DatasetWriter

    reports = _reports()
    with tempfile.TemporaryDirectory(prefix="xxgk-store-") as tmp:
        pool = pa.default_memory_pool()
        t = time.perf_counter()
        w = DatasetWriter(tmp)
        for r in _copies(reports, 0, n):
            w.add(r)
        w.close()
        first = time.perf_counter() - t
        t = time.perf_counter()
        w = DatasetWriter(tmp)
        for r in _copies(reports, n, max(1, n // 100)):
            w.add(r)
        w.close()
        again = time.perf_counter() - t
        files = sorted(Path(tmp, "cells").rglob("*.parquet"))
        cells = sum(f.stat().st_size for f in files)
        cell_rows = sum(pq.read_metadata(f).num_rows for f in files)
    return {"reports": n, "write_s": round(first, 1), "add_1pct_s": round(again, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "arrow_peak_mb": round(pool.max_memory() / 2**20, 1), "cells_file_mb": round(cells / 2**20, 1), "cell_rows": cell_rows}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, nargs="*", default=[10_000, 50_000, 100_000])
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one)))
        return 0
    rows = []
    for n in args.n:
        proc = subprocess.run([sys.executable, "-m", "bench.store", "--one", str(n)], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
