"""`xxgk extract PATH... --out DIR`: files and folders → the Parquet dataset.

Documents stream through the executor into the dataset writer; only counts are kept for the
summary, so memory does not grow with the number of documents.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.normalise.report import Report
from pipeline.products.datapackage import write_datapackage
from pipeline.runs.executors import make_executor
from pipeline.runs.inputs import items_of_files, iter_files
from pipeline.runs.settings import DEFAULTS
from pipeline.store.dataset import DatasetWriter, WriteStats

HELP = "extract files and folders into the dataset"


def add_arguments(ex: argparse.ArgumentParser) -> None:
    g_in = ex.add_argument_group("Input")
    g_in.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (read recursively)")
    g_out = ex.add_argument_group("Output")
    g_out.add_argument("--out", default="data/dataset",
                       help="dataset folder or fsspec URL such as s3://bucket/xxgk (default: data/dataset)")
    g_run = ex.add_argument_group("Execution")
    g_run.add_argument("--executor", choices=("local", "dask"), default="local",
                       help="local process pool (default) or Dask distributed")
    g_run.add_argument("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster)")
    g_run.add_argument("--jobs", type=int, default=DEFAULTS.jobs,
                       help=f"worker processes; 0 runs in-process (debugging) (default: {DEFAULTS.jobs})")
    g_run.add_argument("--timeout", type=float, default=DEFAULTS.timeout,
                       help=f"seconds per document before it is killed (default: {DEFAULTS.timeout:g})")
    g_run.add_argument("--memory-mb", type=int, default=DEFAULTS.memory_mb,
                       help=f"address-space cap per document worker (default: {DEFAULTS.memory_mb})")
    g_run.add_argument("--quiet", action="store_true", help="no progress bar")


@dataclass
class Tally:
    """What the summary needs, counted as reports stream past."""

    reports: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    fails: Counter[tuple[str, str]] = field(default_factory=Counter)
    uncertain: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    n: int = 0

    def add(self, r: Report) -> None:
        self.n += 1
        self.reports[(r.status, r.doc_kind, r.template, str(r.report_year or "?"))] += 1
        self.flags.update(c.flag for c in r.cells)
        self.fails.update((c.rule, c.severity) for c in r.checks if c.status == "fail")
        self.uncertain.update(c.rule for c in r.checks if c.status == "uncertain")
        if r.status == "failed":
            self.errors.append(r.error)


def run(args: argparse.Namespace, console: Console) -> int:
    files = list(iter_files(args.paths))  # walked once: the count is the progress total
    if not files:
        console.print(f"[red]xxgk: no input files under {' '.join(args.paths)}")
        return 2
    try:
        writer = DatasetWriter(args.out)
    except OSError as exc:
        console.print(f"[red]xxgk: cannot write the dataset to {args.out}: {exc}")
        return 2
    executor = make_executor(args.executor, jobs=args.jobs, timeout=args.timeout, memory_mb=args.memory_mb,
                             scheduler=args.scheduler)
    tally = Tally()
    progress = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True, disable=args.quiet or not console.is_terminal)
    with progress:
        task = progress.add_task("extract", total=len(files))
        for report in executor.map(items_of_files(files)):
            writer.add(report)
            tally.add(report)
            progress.advance(task)
    try:
        stats = writer.close()
        if "://" not in str(args.out):  # a local dataset documents itself (frictionless datapackage.json)
            write_datapackage(Path(args.out))
    except OSError as exc:
        console.print(f"[red]xxgk: cannot write the dataset to {args.out}: {exc}")
        return 2
    summary(console, tally, args.out, stats)
    return 0


def summary(console: Console, tally: Tally, out: str, stats: WriteStats) -> None:
    """Reports by status/kind/era/year, cell flags, checks not passing, and every failure."""
    console.print(f"[bold]xxgk[/] {tally.n} inputs → {out}  ({stats.added} new, {stats.replaced} replaced)")
    t = Table(title="reports", show_edge=False)
    for col in ("status", "kind", "template", "year", "n"):
        t.add_column(col)
    for (status, kind, tpl, year), n in sorted(tally.reports.items()):
        t.add_row(status, kind, tpl, year, str(n))
    console.print(t)
    if tally.flags:
        console.print("cells: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.flags.items())))
    if tally.fails or tally.uncertain:
        ct = Table(title="checks not passing", show_edge=False)
        for col in ("rule", "severity", "fail", "uncertain"):
            ct.add_column(col)
        for rule in sorted({k[0] for k in tally.fails} | set(tally.uncertain)):
            sev = next((s for (r_, s) in tally.fails if r_ == rule), "")
            n_fail = sum(v for (r_, _), v in tally.fails.items() if r_ == rule)
            ct.add_row(rule, sev, str(n_fail), str(tally.uncertain.get(rule, 0)))
        console.print(ct)
    for error in sorted(tally.errors):
        console.print(f"[red]failed[/] {error}", soft_wrap=True)
