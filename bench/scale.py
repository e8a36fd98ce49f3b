"""Scale run: a national year's mix of formats through the real CLI on the local pool and on Dask.

    .venv/bin/python -m bench.scale [--n 10000] [--jobs 2] [--max-scans N] [--executors local dask] [--whole] [--json FILE]

The corpus (bench/scale_corpus.py: HTML 50 %, PDF 30 %, Word 15 %, scans 5 %) is written to a folder
and each format's subfolder goes through `xxgk extract <folder> --dataset <dir>` as a subprocess,
once with `--executor local` and once with `--executor dask` (a LocalCluster of `--jobs` workers),
so every figure is per format: wall time, documents/s, CPU seconds of the CLI and all its
descendants, and the peak RSS of the largest process (sampled). `--whole` also runs the whole folder
in one run per executor. Both executors' datasets must be byte-identical (Parquet files and
failures.csv), and every input must have a row in `reports`. Scans (OCR) cost seconds each: with
`--max-scans` fewer are run than the mix asks, and the report says so.

Not part of `make bench` (it takes long); its figures are in docs/scale.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import ChildSampler  # noqa: E402
from bench.scale_corpus import Plan, corpus, plan  # noqa: E402

EXECUTORS = ("local", "dask")


@dataclass(frozen=True, slots=True)
class Measure:
    """One CLI run over one folder."""

    executor: str
    part: str
    docs: int
    wall_s: float
    cpu_s: float
    """RUSAGE_CHILDREN delta: the CLI and the descendants it waited for."""
    cpu_sampled_s: float
    """Sum over every descendant process seen (psutil)."""
    peak_rss_mb: float
    """Largest resident set of any one descendant process (sampled every 20 ms)."""
    cli_peak_rss_mb: float
    """Largest resident set of the CLI process itself (its workers apart)."""
    exit_code: int
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.wall_s if self.wall_s else 0.0

    @property
    def ms_per_doc_cpu(self) -> float:
        return 1000 * max(self.cpu_s, self.cpu_sampled_s) / self.docs if self.docs else 0.0


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def extract(inputs: Path, dataset: Path, executor: str, jobs: int) -> tuple[float, float, float, float, float, int]:
    """`xxgk extract inputs --dataset dataset` as a subprocess: wall, CPU, sampled CPU, peak RSS of
    any process and of the CLI, exit code."""
    cmd = [sys.executable, "-m", "pipeline.commands.cli", "extract", str(inputs), "--dataset", str(dataset),
           "--executor", executor, "--jobs", str(jobs), "--timeout", "600", "--quiet"]
    cpu0 = _cpu()
    with ChildSampler() as children:
        t = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t
    if proc.returncode:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
    return wall, _cpu() - cpu0, children.cpu_seconds, children.peak_mb, children.top_peak_mb, proc.returncode


def reports_of(dataset: Path) -> list[dict[str, object]]:
    """(source, status) of every row of the dataset's `reports` table."""
    import pyarrow.parquet as pq

    files = sorted((dataset / "reports").rglob("*.parquet"))
    rows: list[dict[str, object]] = []
    for f in files:
        rows.extend(pq.read_table(f, columns=["source", "status"]).to_pylist())
    return rows


def digests(root: Path) -> dict[str, str]:
    """sha256 of every Parquet file and failures.csv (datapackage.json and logs carry run times)."""
    files = [*root.rglob("*.parquet"), *root.glob("failures.csv")]
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


def measure(inputs: Path, dataset: Path, executor: str, part: str, jobs: int) -> Measure:
    wall, cpu, sampled, rss, cli_rss, code = extract(inputs, dataset, executor, jobs)
    status = Counter(str(r["status"]) for r in reports_of(dataset))
    docs = sum(1 for p in inputs.rglob("*") if p.is_file())
    return Measure(executor, part, docs, wall, cpu, sampled, rss, cli_rss, code, dict(sorted(status.items())))


def run_all(folder: Path, out: Path, parts: list[str], jobs: int, *, whole: bool,
            executors: tuple[str, ...] = EXECUTORS) -> list[Measure]:
    """Every part on every executor; `whole` adds one run of the whole folder per executor."""
    runs = [(p, folder / p) for p in parts] + ([("all", folder)] if whole else [])
    done = []
    for part, inputs in runs:
        for ex in executors:
            m = measure(inputs, out / ex / part, ex, part, jobs)
            done.append(m)
            print(f"{ex:5} {part:5} {m.docs:6} docs {m.wall_s:8.1f} s {m.docs_per_s:7.2f} docs/s "
                  f"cpu {m.cpu_s:8.1f} s (sampled {m.cpu_sampled_s:8.1f} s) peak RSS {m.peak_rss_mb:5.0f} MB "
                  f"(CLI {m.cli_peak_rss_mb:5.0f} MB) "
                  f"{m.by_status} exit {m.exit_code}", flush=True)
    return done


def identical(out: Path, parts: list[str]) -> dict[str, bool]:
    """Local against Dask for every part both ran."""
    return {p: digests(out / "local" / p) == digests(out / "dask" / p) for p in parts
            if (out / "local" / p).exists() and (out / "dask" / p).exists()}


def on_disk(folder: Path, parts: list[str]) -> dict[str, int]:
    """Files per format of a corpus already written; a missing part is an error, not an empty run."""
    missing = [f for f in parts if not (folder / f).is_dir()]
    if missing:
        raise SystemExit(f"--reuse: no {', '.join(missing)} folder under {folder}")
    return {f: sum(1 for x in (folder / f).iterdir() if x.is_file()) for f in parts}


def only(p: Plan, parts: list[str]) -> Plan:
    """The plan with the formats not run left out (none of them is generated)."""
    keep = {f: getattr(p, f) if f in parts else 0 for f in ("html", "pdf", "word", "scan")}
    return replace(p, **keep, doc=p.doc if "word" in parts else 0, png=p.png if "scan" in parts else 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="documents in the mix (default: 10000)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-scans", type=int, default=None, help="run at most this many scans (OCR is slow)")
    ap.add_argument("--pdf-pool", type=int, default=60, help="distinct printed PDFs the PDF variants come from")
    ap.add_argument("--scan-pool", type=int, default=20, help="distinct scans the scan variants come from")
    ap.add_argument("--parts", nargs="*", default=["html", "pdf", "word", "scan"])
    ap.add_argument("--executors", nargs="*", choices=EXECUTORS, default=list(EXECUTORS),
                    help="run on these executors (the byte-identity check needs both)")
    ap.add_argument("--whole", action="store_true", help="also run the whole folder in one run per executor")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    ap.add_argument("--reuse", action="store_true",
                    help="run on the corpus an earlier run left in --keep (same --n and --parts), not a new one")
    args = ap.parse_args()
    if args.reuse and args.keep is None:
        ap.error("--reuse needs --keep")
    from tests.generator.pdf import soffice

    tmp = args.keep or Path(tempfile.mkdtemp(prefix="xxgk-scale-"))
    try:
        p = only(plan(args.n, with_doc=soffice() is not None, max_scans=args.max_scans), args.parts)
        t = time.perf_counter()
        counts = (on_disk(tmp / "in", args.parts) if args.reuse
                  else corpus(tmp / "in", p, pdf_pool=args.pdf_pool, scan_pool=args.scan_pool))
        gen_s = time.perf_counter() - t
        print(f"plan {p}; generated {counts} in {gen_s:.0f} s", flush=True)
        runs = run_all(tmp / "in", tmp / "out", args.parts, args.jobs, whole=args.whole,
                       executors=tuple(args.executors))
        missing = {f"{m.executor}/{m.part}": m.docs - sum(m.by_status.values()) for m in runs
                   if m.docs != sum(m.by_status.values())}
        print(f"inputs without a reports row: {missing or 'none'}")
        same = identical(tmp / "out", [*args.parts, "all"])
        print(f"datasets byte-identical (local vs dask): {same}")
        if args.json:
            args.json.write_text(json.dumps({"plan": asdict(p), "counts": counts, "generate_s": round(gen_s, 1),
                                             "jobs": args.jobs, "identical": same,
                                             "runs": [asdict(m) | {"docs_per_s": m.docs_per_s,
                                                                   "ms_per_doc_cpu": m.ms_per_doc_cpu}
                                                      for m in runs]}, indent=1))
        return 0 if all(same.values()) and not missing and not any(m.exit_code for m in runs) else 1
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
