"""`xxgk run`: crawl → extract only the new captures → update the dataset. The scheduled job.

A source selection is required (`--all`, `--source ID`, `--sources FILE`); without one the run is
an error (exit 2). `--demo` replays the bundled archive `data/samples/` (real report pages and
attachments under their original URLs) through the same crawl code, offline (`make demo`).
Extraction runs through the same streaming, guarded executor as `xxgk extract` (same options).
Exit codes as `xxgk crawl` (0 ok, 1 some source blocked, 2 cannot proceed, 3 locked, 130 stopped).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from rich.console import Console

from pipeline.commands.crawl import (
    EXIT_BLOCKED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_STOPPED,
    EXIT_USAGE,
    add_source_arguments,
    print_crawl,
    resolve_sources,
    warc_files,
)
from pipeline.commands.extract import Tally, add_execution_arguments, progress_bar, summary, write_failures
from pipeline.normalise.report import Report
from pipeline.runs.jobs import (
    DataDir,
    ExtractStats,
    LockHeld,
    StopFlag,
    add_log_arguments,
    crawl,
    data_lock,
    event,
    extract_new,
    json_logging,
)
from pipeline.runs.settings import RunLimits
from pipeline.store.dataset import WriteStats, open_dataset
from scrapers import CrawlResult, Source, load_sources

HELP = "crawl, extract the new captures and update the dataset (the scheduled job)"


def samples_dir() -> Path | None:
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        d = base / "data" / "samples"
        if (d / "sources.toml").is_file():
            return d
    return None


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_source_arguments(p)
    p.add_argument("--demo", action="store_true",
                   help="replay the bundled archive data/samples/ offline instead of crawling (default: off)")
    g = p.add_argument_group("Output")
    g.add_argument("--dataset", "--out", dest="dataset", type=Path, default=None,
                   help="dataset folder (default: DATA/dataset; --out is a deprecated spelling)")
    g.add_argument("--no-crawl", action="store_true", help="only extract what is archived and not yet extracted")
    g.add_argument("--quiet", action="store_true", help="no progress bar or summary tables (default: shown)")
    add_execution_arguments(p)
    add_log_arguments(p)


def _sources(args: argparse.Namespace, console: Console) -> tuple[list[Source], list[Path] | None] | None:
    replay = warc_files(args.replay) if args.replay else None
    if args.demo:
        samples = samples_dir()
        if samples is None:
            console.print("[red]xxgk: --demo: no bundled data/samples/sources.toml found")
            return None
        if not args.quiet:
            console.print(f"xxgk: demo: replaying the bundled archive {samples}")
        return load_sources(samples / "sources.toml"), replay or warc_files([samples])
    if not (args.source or args.all or args.sources or args.site):
        console.print("[red]xxgk: choose the sources: --all, --source ID, --site ID=URL or --sources FILE "
                      "(or --demo for the bundled offline archive)")
        return None
    # a registry alone means all of it; --source / --site name what to crawl
    every = args.all or not (args.source or args.site)
    chosen = resolve_sources(argparse.Namespace(**{**vars(args), "all": every}), console)
    return None if chosen is None else (chosen, replay)


def run(args: argparse.Namespace, console: Console) -> int:
    chosen = _sources(args, console)
    if chosen is None:
        return EXIT_USAGE
    sources, replay = chosen
    data = DataDir(args.data)
    out = args.dataset or data.root / "dataset"
    limits = RunLimits(jobs=args.jobs, timeout=args.timeout, memory_mb=args.memory_mb)
    stop = StopFlag()
    tally = Tally()
    started = time.monotonic()
    progress = progress_bar(console, quiet=args.quiet)
    task = progress.add_task("extract", total=0, rate="")
    try:
        with data_lock(data), json_logging(Path(args.log) if args.log else data, args.log_level), stop.installed():
            event("run_start", command="run", sources=[s.id for s in sources], data=str(data.root), dataset=str(out))
            result = None
            if not args.no_crawl:
                result = crawl(data, sources, workers=args.workers, should_stop=stop, replay=replay)
            stats = ExtractStats(0, 0, 0, 0)
            if not stop():
                with progress:
                    def done(r: Report) -> None:
                        tally.add(r)
                        progress.advance(task)

                    stats = extract_new(data, out, limits=limits, executor=args.executor, scheduler=args.scheduler,
                                        should_stop=stop, on_report=done,
                                        on_found=lambda n: progress.update(task, total=(progress.tasks[0].total or 0) + n))
            code = EXIT_STOPPED if stop() else (EXIT_BLOCKED if result and any(r.blocked for r in result.sources)
                                                 else EXIT_OK)
            event("run_end", command="run", exit_code=code,
                  exit_reason="interrupted" if stop() else ("blocked" if code == EXIT_BLOCKED else "completed"),
                  elapsed_s=round(time.monotonic() - started, 3), documents=stats.documents, reports=stats.reports,
                  added=stats.added, replaced=stats.replaced, by_status=dict(tally.by_status),
                  failures_by_reason=dict(tally.reasons.most_common(50)),
                  access=_access(result))
    except LockHeld as exc:
        console.print(f"[red]xxgk: {exc}")
        return EXIT_LOCKED
    except OSError as exc:
        console.print(f"[red]xxgk: cannot use {data.root} or {out}: {exc}")
        return EXIT_USAGE
    if tally.n and "://" not in str(out):
        write_failures(Path(out) / "failures.csv", tally.failures)
    if not args.quiet:
        if result is not None:
            print_crawl(console, result)
        if tally.n:
            summary(console, tally, str(out), WriteStats(stats.added, stats.replaced, stats.partitions))
        elif not stop():
            n = len(open_dataset(out).reports) if out.exists() else 0
            console.print(f"xxgk: nothing new to extract; the dataset {out} holds {n} reports")
    if stop():
        console.print("[yellow]xxgk: stopped; finished documents are committed; run the same command again to resume")
    return code


def _access(result: CrawlResult | None) -> dict[str, int]:
    """Sources by access state, for the log's run stats."""
    if result is None:
        return {}
    return dict(Counter("blocked" if r.blocked else "ok" for r in result.sources))
