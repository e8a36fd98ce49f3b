"""`xxgk run`: crawl → extract only the new captures → update the dataset. The scheduled job.

Without --source/--all it replays the bundled archive `data/samples/` (real report pages and
attachments under their original URLs) through the same crawl code, offline: the demo.
Exit codes as `xxgk crawl` (0 ok, 1 some source blocked, 2 cannot proceed, 3 locked, 130 stopped).
"""

from __future__ import annotations

import argparse
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
from pipeline.commands.extract import Tally, summary
from pipeline.runs.jobs import DataDir, LockHeld, StopFlag, crawl, data_lock, event, extract_new, json_logging
from pipeline.runs.settings import DEFAULTS
from pipeline.store.dataset import WriteStats, open_dataset
from scrapers import load_sources

HELP = "crawl, extract the new captures and update the dataset (the scheduled job)"


def samples_dir() -> Path | None:
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        d = base / "data" / "samples"
        if (d / "sources.toml").is_file():
            return d
    return None


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_source_arguments(p)
    g = p.add_argument_group("Output")
    g.add_argument("--out", type=Path, default=None, help="dataset folder (default: DATA/dataset)")
    g.add_argument("--jobs", type=int, default=1, help="extraction worker processes; 0 runs in-process")
    g.add_argument("--timeout", type=float, default=DEFAULTS.timeout,
                   help=f"seconds per document before it is killed (default: {DEFAULTS.timeout:g})")
    g.add_argument("--no-crawl", action="store_true", help="only extract what is archived and not yet extracted")
    g.add_argument("--quiet", action="store_true", help="no summary tables")


def run(args: argparse.Namespace, console: Console) -> int:
    replay = warc_files(args.replay) if args.replay else None
    if args.source or args.all or args.sources or args.site:
        # a registry alone means all of it; --source / --site name what to crawl
        every = args.all or not (args.source or args.site)
        chosen = resolve_sources(argparse.Namespace(**{**vars(args), "all": every}), console)
        if chosen is None:
            return EXIT_USAGE
        sources = chosen
    else:
        samples = samples_dir()
        if samples is None:
            console.print("[red]xxgk: no sources given and no bundled data/samples/sources.toml found")
            return EXIT_USAGE
        sources = load_sources(samples / "sources.toml")
        replay = replay or warc_files([samples])
        if not args.quiet:
            console.print(f"xxgk: no sources given: replaying the bundled archive {samples}")
    data = DataDir(args.data)
    out = args.out or data.root / "dataset"
    stop = StopFlag()
    tally = Tally()
    try:
        with data_lock(data), json_logging(data), stop.installed():
            result = None
            if not args.no_crawl:
                result = crawl(data, sources, workers=args.workers, should_stop=stop, replay=replay)
            if stop():
                console.print("[yellow]xxgk: stopped; run the same command again to resume")
                return EXIT_STOPPED
            stats = extract_new(data, out, jobs=args.jobs, timeout=args.timeout, on_report=tally.add)
            event("run_end", documents=stats.documents, reports=stats.reports, added=stats.added)
    except LockHeld as exc:
        console.print(f"[red]xxgk: {exc}")
        return EXIT_LOCKED
    except OSError as exc:
        console.print(f"[red]xxgk: cannot use {data.root} or {out}: {exc}")
        return EXIT_USAGE
    if not args.quiet:
        if result is not None:
            print_crawl(console, result)
        if tally.n:
            summary(console, tally, str(out), WriteStats(stats.added, stats.replaced, stats.partitions))
        else:
            n = len(open_dataset(out).reports) if out.exists() else 0
            console.print(f"xxgk: nothing new to extract; the dataset {out} holds {n} reports")
    if result is not None and any(r.blocked for r in result.sources):
        return EXIT_BLOCKED
    return EXIT_OK
