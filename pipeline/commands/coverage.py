"""`xxgk coverage`: source × agency × year — found / unparsed / not_crawled / blocked / failed / missing.

The sources are the ones crawled into DATA (as they were given, with what their sites told about
themselves); `--sources FILE` reads another registry instead, e.g. to see what was never crawled.
Exit codes: 0 printed; 2 no crawl state or a bad sources file.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipeline.products.coverage import STATUSES, coverage, coverage_frame
from pipeline.runs.jobs import DataDir
from pipeline.store.dataset import read_table
from scrapers import CrawlState, SourceError, Store, load_sources, select

HELP = "agency × year coverage: found / unparsed / not_crawled / blocked / failed / missing"
_STYLE = {"found": "green", "unparsed": "yellow", "not_crawled": "dim", "blocked": "red", "failed": "red",
          "missing": "magenta"}
_MARKS = {"found": "F", "unparsed": "U", "not_crawled": "-", "blocked": "B", "failed": "X", "missing": "·"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=Path("data"), help="data directory (default: data)")
    p.add_argument("--out", type=Path, default=None, help="dataset folder (default: DATA/dataset)")
    p.add_argument("--sources", type=Path, default=None,
                   help="sources registry (default: the sources crawled into DATA)")
    p.add_argument("--source", action="append", default=[], metavar="ID", help="only this source (repeatable)")
    p.add_argument("--since", type=int, default=None, help="first year (default: each source's `since`)")
    p.add_argument("--until", type=int, default=dt.date.today().year - 1, help="last year (default: last year)")
    p.add_argument("--csv", type=Path, default=None, help="also write the rows to this CSV file")


def run(args: argparse.Namespace, console: Console) -> int:
    data = DataDir(args.data)
    if not data.db.exists():
        console.print(f"[red]xxgk: no crawl state in {data.root} (run `xxgk crawl` or `xxgk run` first)")
        return 2
    out = args.out or data.root / "dataset"
    reports = read_table(out, "reports")
    store = Store(data.db)
    try:
        try:
            registry = load_sources(args.sources) if args.sources else CrawlState(store).crawled_sources()
            sources = select(registry, list(args.source))
        except SourceError as exc:
            console.print(f"[red]xxgk: {exc}")
            return 2
        rows = coverage(store, sources, reports, until=args.until, since=args.since)
    finally:
        store.close()
    frame = coverage_frame(rows)
    if args.csv:
        frame.to_csv(args.csv, index=False)
    years = sorted({r.year for r in rows})
    legend = ", ".join(f"{_MARKS[s]} {s}" for s in STATUSES)
    t = Table(title=f"coverage ({legend})", show_edge=False)
    t.add_column("source")
    t.add_column("agency")
    for y in years:
        t.add_column(str(y)[2:], justify="center")
    for key in dict.fromkeys((r.source_id, r.agency) for r in rows):
        cells = {r.year: r for r in rows if (r.source_id, r.agency) == key}
        t.add_row(*key, *(f"[{_STYLE[cells[y].status]}]{_MARKS[cells[y].status]}[/]" if y in cells else ""
                          for y in years))
    console.print(t)
    counts = Counter(r.status for r in rows)
    console.print("  ".join(f"{k} {counts.get(k, 0)}" for k in STATUSES))
    return 0
