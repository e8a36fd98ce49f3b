"""`xxgk extract PATH... --dataset DIR`: files and folders → the Parquet dataset.

Documents stream through the executor into the dataset writer; only counts are kept for the
summary, so memory does not grow with the number of documents. The first SIGINT/SIGTERM stops
taking work, lets documents in flight finish for a few seconds, commits everything finished,
prints the summary and exits 130; a second one aborts at once. Exit 2: a missing input path or
an unwritable dataset. Every failure is also a line of DIR/failures.csv.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from pipeline.normalise.report import Report
from pipeline.runs.assemble import assembled
from pipeline.runs.executors import make_executor
from pipeline.runs.inputs import iter_units, missing
from pipeline.runs.jobs import EXIT_STOPPED, StopFlag, add_log_arguments, event, json_logging, run_tmpdir
from pipeline.runs.settings import DEFAULTS
from pipeline.runs.units import Unit
from pipeline.store.dataset import DatasetWriter, WriteStats

HELP = "extract files and folders into the dataset"


def add_arguments(ex: argparse.ArgumentParser) -> None:
    g_in = ex.add_argument_group("Input")
    g_in.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (read recursively)")
    g_out = ex.add_argument_group("Output")
    g_out.add_argument("--dataset", "--out", dest="dataset", default="data/dataset",
                       help="dataset folder or fsspec URL such as s3://bucket/xxgk (default: data/dataset; "
                       "--out is a deprecated spelling)")
    g_run = add_execution_arguments(ex)
    g_run.add_argument("--quiet", action="store_true", help="no progress bar (default: shown on a terminal)")
    add_log_arguments(ex)


def add_execution_arguments(p: argparse.ArgumentParser) -> argparse._ArgumentGroup:
    """--executor, --scheduler, --jobs, --timeout, --memory-mb: the same for `extract` and `run`."""
    g = p.add_argument_group("Execution")
    g.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local process pool or Dask distributed (default: local)")
    g.add_argument("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster)")
    g.add_argument("--jobs", type=int, default=DEFAULTS.jobs,
                   help=f"worker processes; 0 runs in-process (debugging) (default: {DEFAULTS.jobs})")
    g.add_argument("--timeout", type=float, default=DEFAULTS.timeout,
                   help=f"seconds per document before it is killed (default: {DEFAULTS.timeout:g})")
    g.add_argument("--memory-mb", type=int, default=DEFAULTS.memory_mb,
                   help=f"resident-memory cap per document worker, above its baseline (default: {DEFAULTS.memory_mb})")
    return g


def progress_bar(console: Console, *, quiet: bool) -> Progress:
    """done/total, share, rate (the task's `rate` field), elapsed and ETA; only on a terminal."""
    return Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                    TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
                    TimeRemainingColumn(), console=console, transient=True, disable=quiet or not console.is_terminal)


@dataclass
class Tally:
    """What the summary needs, counted as reports stream past."""

    reports: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    fails: Counter[tuple[str, str]] = field(default_factory=Counter)
    uncertain: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    """(source, reason, error) of every failed report, for failures.csv."""
    reasons: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    n: int = 0

    def add(self, r: Report) -> None:
        self.n += r.assembly != "assembled"  # an assembled report is no input of its own
        self.reports[(r.status, r.doc_kind, r.template, str(r.report_year or "?"))] += 1
        self.flags.update(c.flag for c in r.cells)
        self.fails.update((c.rule, c.severity) for c in r.checks if c.status == "fail")
        self.uncertain.update(c.rule for c in r.checks if c.status == "uncertain")
        self.by_status[r.status] += 1
        if r.status == "failed":
            why = reason_of(r.error, r.source)
            self.reasons[why] += 1
            self.failures.append((r.source, why, r.error))


def run(args: argparse.Namespace, console: Console) -> int:

    gone = missing(args.paths)
    if gone:
        console.print(f"[red]xxgk: no such file or folder: {' '.join(gone)}")
        return 2
    out = str(args.dataset)
    units = list(iter_units(args.paths, skip=[out] if "://" not in out else []))  # names only: the total
    if not units:
        console.print(f"[red]xxgk: no input files under {' '.join(args.paths)}")
        return 2
    try:
        writer = DatasetWriter(out)
    except OSError as exc:
        console.print(f"[red]xxgk: cannot write the dataset to {out}: {exc}")
        return 2
    log_path = Path(args.log) if args.log else (None if "://" in out else Path(out) / "logs" / "xxgk.jsonl")
    with json_logging(log_path, args.log_level), run_tmpdir(out) as tmp, StopFlag().installed() as stop:
        return _extract(args, console, units, writer, stop, tmp)


def _extract(args: argparse.Namespace, console: Console, units: list[Unit | Report], writer: DatasetWriter,
             stop: StopFlag, tmp: str) -> int:
    out = str(args.dataset)
    started = time.monotonic()
    event("run_start", command="extract", paths=list(args.paths), dataset=out, jobs=args.jobs,
          timeout=args.timeout, memory_mb=args.memory_mb, executor=args.executor)
    executor = make_executor(args.executor, jobs=args.jobs, timeout=args.timeout, memory_mb=args.memory_mb,
                             scheduler=args.scheduler, tmpdir=tmp)
    tally = Tally()
    progress = progress_bar(console, quiet=args.quiet)
    with progress:
        task = progress.add_task("extract", total=len(units), rate="")

        def found(n: int) -> None:
            progress.update(task, total=(progress.tasks[0].total or 0) + n)

        for report in assembled(executor.map(units, should_stop=stop, on_found=found)):
            writer.add(report)
            tally.add(report)
            elapsed = max(time.monotonic() - started, 1e-6)
            progress.update(task, advance=int(report.assembly != "assembled"), rate=f"{tally.n / elapsed:.1f} docs/s")
    try:
        stats = writer.close()
        if "://" not in out:  # a local dataset documents itself (frictionless datapackage.json)
            from pipeline.products.datapackage import write_datapackage  # heavy: only once, at the end

            write_datapackage(Path(out), sources=list(args.paths))
            write_failures(Path(out) / "failures.csv", tally.failures)
    except OSError as exc:
        console.print(f"[red]xxgk: cannot write the dataset to {out}: {exc}")
        return 2
    code = EXIT_STOPPED if stop() else 0
    summary(console, tally, out, stats)
    if stop():
        console.print(f"[yellow]xxgk: interrupted: {tally.n} finished documents committed; "
                      "run the same command again to add the rest")
    event("run_end", command="extract", exit_code=code, exit_reason="interrupted" if stop() else "completed",
          elapsed_s=round(time.monotonic() - started, 3), inputs=len(units), reports=tally.n,
          added=stats.added, replaced=stats.replaced, by_status=dict(tally.by_status),
          failures_by_reason=dict(tally.reasons.most_common(50)))
    return code


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
    if tally.reasons:
        ft = Table(title=f"failures by reason ({sum(tally.reasons.values())}; every one in failures.csv)",
                   show_edge=False)
        for col in ("n", "reason", "e.g."):
            ft.add_column(col)
        for why, n in tally.reasons.most_common():
            example = next(s for s, w, _ in tally.failures if w == why)
            ft.add_row(str(n), why, shorten(example))
        console.print(ft)


def shorten(text: str, width: int = 80) -> str:
    """A long path or URL cut in its middle, percent-escapes undone, so a line stays readable."""
    from urllib.parse import unquote

    text = unquote(text) if "%" in text else text
    return text if len(text) <= width else text[: width // 2 - 1] + "…" + text[-(width // 2):]


_DETAIL = re.compile(r"\([^()]*\)|\d+(\.\d+)?|'[^']*'|\"[^\"]*\"|<[^>]*>")


def reason_of(error: str, source: str) -> str:
    """The reason of a failure without the source and the specifics, so equal failures group."""
    text = error[len(source) + 2:] if error.startswith(source + ": ") else error.split(": ", 1)[-1]
    return " ".join(_DETAIL.sub("…", text).split())[:120]


def write_failures(path: Path, failures: list[tuple[str, str, str]]) -> None:
    """Every failure of this run: source, reason (grouped as in the summary), full error."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "reason", "error"])
        w.writerows(sorted(failures))
    tmp.replace(path)
