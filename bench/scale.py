"""Scale run: 10^4 generated documents (text, HTML, DOCX) through the local process pool and a Dask
LocalCluster; peak RSS per worker and whether both datasets are byte-identical.

    .venv/bin/python -m bench.scale [--n 10000] [--jobs 2]

Not part of `make bench` (it takes minutes); its figures go in the closing notes.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import ChildRssSampler  # noqa: E402
from pipeline.runs.executors import DaskCluster, LocalPool  # noqa: E402
from pipeline.runs.inputs import iter_items  # noqa: E402
from pipeline.store.dataset import DatasetWriter  # noqa: E402


def corpus(folder: Path, n: int) -> None:
    """n documents: a third each flattened text, HTML pages and DOCX, all distinct."""
    from tests.generator import generate, render_text
    from tests.generator.html import bench_corpus as html_corpus
    from tests.generator.word import bench_corpus as docx_corpus

    folder.mkdir(parents=True)
    third = n // 3
    for i, g in enumerate(generate(seed=101, n=third)):
        style = ("lines", "tabs", "run")[i % 3]
        (folder / f"{g.key}-{style}.txt").write_text(render_text(g, style), encoding="utf-8")
    for name, data, _ in html_corpus(third):
        (folder / f"h-{name}").write_bytes(data)
    for name, data, _ in docx_corpus(n - 2 * third):
        (folder / f"d-{name}").write_bytes(data)


def digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.parquet"))}


def run(executor: object, inputs: Path, out: Path) -> tuple[float, int]:
    writer = DatasetWriter(out)
    t = time.perf_counter()
    n = 0
    for report in executor.map(iter_items([str(inputs)])):  # type: ignore[attr-defined]
        writer.add(report)
        n += 1
    writer.close()
    return time.perf_counter() - t, n


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-scale-"))
    try:
        t = time.perf_counter()
        corpus(tmp / "in", args.n)
        print(f"generated {args.n} documents in {time.perf_counter() - t:.0f} s")
        with ChildRssSampler() as pool_rss:
            secs, n = run(LocalPool(jobs=args.jobs, timeout=120), tmp / "in", tmp / "pool")
        print(f"process pool ({args.jobs} workers): {n} reports in {secs:.0f} s = {n / secs:.1f} docs/s; "
              f"peak RSS of the largest worker {pool_rss.peak_mb:.0f} MB (sampled); main "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        with ChildRssSampler() as dask_rss:
            secs, n = run(DaskCluster(jobs=args.jobs, timeout=120), tmp / "in", tmp / "dask")
        print(f"dask LocalCluster ({args.jobs} workers): {n} reports in {secs:.0f} s = {n / secs:.1f} docs/s; "
              f"peak RSS of the largest worker process {dask_rss.peak_mb:.0f} MB (sampled)")
        same = digests(tmp / "pool") == digests(tmp / "dask")
        print(f"datasets byte-identical: {same} ({len(digests(tmp / 'pool'))} files)")
        return 0 if same else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
