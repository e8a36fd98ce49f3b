"""`xxgk extract PATH... --out DIR`: files and folders → the Parquet dataset."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.dataset import write_dataset
from pipeline.executors import run_items
from pipeline.inputs import iter_items
from pipeline.records import Report

HELP = "extract files and folders into the dataset"


def add_arguments(ex: argparse.ArgumentParser) -> None:
    g_in = ex.add_argument_group("Input")
    g_in.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (read recursively)")
    g_out = ex.add_argument_group("Output")
    g_out.add_argument("--out", default="data/dataset", help="dataset folder (default: data/dataset)")
    g_run = ex.add_argument_group("Execution")
    g_run.add_argument("--jobs", type=int, default=1, help="worker processes; 0 runs in-process (debugging)")
    g_run.add_argument("--timeout", type=float, default=120.0, help="seconds per document before it is killed")
    g_run.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace, console: Console) -> int:
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        console.print(f"[red]xxgk: cannot create the output folder {out}: {exc}")
        return 2
    items = list(iter_items(args.paths))
    if not items:
        console.print(f"[red]xxgk: no input files under {' '.join(args.paths)}")
        return 2
    reports: list[Report] = []
    progress = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True, disable=args.quiet or not console.is_terminal)
    with progress:
        task = progress.add_task("extract", total=len(items))
        for report in run_items(items, jobs=args.jobs, timeout=args.timeout):
            reports.append(report)
            progress.advance(task)
    try:
        stats = write_dataset(out, reports)
    except OSError as exc:
        console.print(f"[red]xxgk: cannot write the dataset to {out}: {exc}")
        return 2
    summary(console, reports, out, stats.added, stats.replaced)
    return 0


def summary(console: Console, reports: list[Report], out: Path, added: int, replaced: int) -> None:
    """Reports by status/kind/era/year, cell flags, checks not passing, and every failure."""
    console.print(f"[bold]xxgk[/] {len(reports)} inputs → {out}  ({added} new, {replaced} replaced)")
    t = Table(title="reports", show_edge=False)
    for col in ("status", "kind", "template", "year", "n"):
        t.add_column(col)
    counts = Counter((r.status, r.doc_kind, r.template, str(r.report_year or "?")) for r in reports)
    for (status, kind, tpl, year), n in sorted(counts.items()):
        t.add_row(status, kind, tpl, year, str(n))
    console.print(t)
    cells = [c for r in reports for c in r.cells]
    if cells:
        flags = Counter(c.flag for c in cells)
        console.print("cells: " + ", ".join(f"{k} {v}" for k, v in sorted(flags.items())))
    fails = Counter((c.rule, c.severity) for r in reports for c in r.checks if c.status == "fail")
    unc = Counter(c.rule for r in reports for c in r.checks if c.status == "uncertain")
    if fails or unc:
        ct = Table(title="checks not passing", show_edge=False)
        for col in ("rule", "severity", "fail", "uncertain"):
            ct.add_column(col)
        for rule in sorted({k[0] for k in fails} | set(unc)):
            sev = next((s for (r_, s) in fails if r_ == rule), "")
            ct.add_row(rule, sev, str(sum(v for (r_, _), v in fails.items() if r_ == rule)), str(unc.get(rule, 0)))
        console.print(ct)
    for r in reports:
        if r.status == "failed":
            console.print(f"[red]failed[/] {r.error}")
