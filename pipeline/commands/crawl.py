"""`xxgk crawl [--source ID ...|--all]`: fetch the sources' annual-report columns into the archive.

Exit codes: 0 every source was read; 1 the crawl finished but some source was blocked (robots,
challenge, 403/429, 5xx, timeouts) — see `xxgk coverage`; 2 the crawl could not start (bad
arguments, a bad sources file, data directory not writable); 3 another job holds the data
directory's lock; 130 stopped by SIGINT/SIGTERM (resume by running the same command again).
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipeline.runs.jobs import DataDir, LockHeld, StopFlag, crawl, data_lock
from scrapers import CrawlResult, Source, SourceError, parse_sources, select
from scrapers.sources import DEFAULT_PATH

HELP = "crawl portal columns into the WARC archive (incremental, resumable)"
EXIT_OK, EXIT_BLOCKED, EXIT_USAGE, EXIT_LOCKED, EXIT_STOPPED = 0, 1, 2, 3, 130


def add_source_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("Sources")
    g.add_argument("--sources", type=Path, default=None, help=f"sources registry (default: {DEFAULT_PATH.name} "
                   "shipped with xxgk)")
    g.add_argument("--source", action="append", default=[], metavar="ID", help="crawl this source (repeatable)")
    g.add_argument("--all", action="store_true", help="crawl every source of the registry")
    g.add_argument("--site", action="append", default=[], metavar="ID=URL",
                   help="also crawl this portal, given only an id and its home page (repeatable; the CMS "
                   "family, agency and region are found from the site; registry defaults apply)")
    g.add_argument("--replay", nargs="+", type=Path, metavar="WARC",
                   help="answer from these WARC files (or folders of them) instead of the network")
    d = p.add_argument_group("Data")
    d.add_argument("--data", type=Path, default=Path("data"), help="data directory (default: data)")
    d.add_argument("--workers", type=int, default=0, help="requests in flight at once (default: one per source, "
                   "at most 128; one request per host at a time whatever this is)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_source_arguments(p)
    p.add_argument("--quiet", action="store_true", help="no summary table")


def resolve_sources(args: argparse.Namespace, console: Console) -> list[Source] | None:
    """The registry's sources named by --source (all with --all), plus the --site ID=URL portals."""
    path = args.sources or DEFAULT_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        sites = []
        for spec in getattr(args, "site", []):
            sid, sep, url = spec.partition("=")
            if not sep:
                raise SourceError(f"--site {spec!r}: expected ID=URL")
            sites.append({"id": sid.strip(), "start": url.strip()})
        entries = list(data.get("source", []))
        sources = parse_sources({**data, "source": entries + sites}, path=str(path))
        site_ids = [s["id"] for s in sites]
        registry = [s for s in sources if s.id not in site_ids]
        chosen = (registry if args.all else select(registry, list(args.source)) if args.source else [])
        chosen += [s for s in sources if s.id in site_ids]
    except FileNotFoundError:
        console.print(f"[red]xxgk: {path}: no such sources file")
        return None
    except tomllib.TOMLDecodeError as exc:
        console.print(f"[red]xxgk: {path}: not valid TOML ({exc})")
        return None
    except SourceError as exc:
        console.print(f"[red]xxgk: {exc}")
        return None
    return chosen


def warc_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(p.rglob("*.warc.gz")) + sorted(p.rglob("*.warc")) if p.is_dir() else [p])
    return out


def print_crawl(console: Console, result: CrawlResult) -> None:
    t = Table(title=f"crawl run {result.run_id}{' (resumed)' if result.resumed else ''}", show_edge=False)
    for col in ("source", "role", "states", "new captures"):
        t.add_column(col)
    for r in result.sources:
        first = True
        for role, states in sorted(r.states.items()):
            t.add_row(r.source_id if first else "", role,
                      ", ".join(f"{k} {v}" for k, v in sorted(states.items())), str(r.new_captures) if first else "")
            first = False
    console.print(t)


def run(args: argparse.Namespace, console: Console) -> int:
    if not args.source and not args.all and not args.site:
        console.print("[red]xxgk: name sources with --source ID (repeatable), --site ID=URL, or crawl them all "
                      "with --all")
        return EXIT_USAGE
    sources = resolve_sources(args, console)
    if sources is None:
        return EXIT_USAGE
    data = DataDir(args.data)
    stop = StopFlag()
    try:
        with data_lock(data), stop.installed():
            result = crawl(data, sources, workers=args.workers, should_stop=stop,
                           replay=warc_files(args.replay) if args.replay else None)
    except LockHeld as exc:
        console.print(f"[red]xxgk: {exc}")
        return EXIT_LOCKED
    except OSError as exc:
        console.print(f"[red]xxgk: cannot use the data directory {data.root}: {exc}")
        return EXIT_USAGE
    if not args.quiet:
        print_crawl(console, result)
    if stop():
        console.print("[yellow]xxgk: stopped; run the same command again to resume")
        return EXIT_STOPPED
    return EXIT_BLOCKED if any(r.blocked for r in result.sources) else EXIT_OK
