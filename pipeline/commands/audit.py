"""`xxgk audit --dataset DIR --out report.html`: one self-contained HTML audit page."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from pipeline.commands.dataset_arg import existing_dataset
from pipeline.store.dataset import open_dataset

HELP = "write a self-contained HTML audit report (failing checks, coverage, trends, outliers)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    g_in = p.add_argument_group("Input")
    g_in.add_argument("--dataset", default="data/dataset", help="dataset folder (default: data/dataset)")
    g_out = p.add_argument_group("Output")
    g_out.add_argument("--out", default="report.html", metavar="FILE", help="HTML file (default: report.html)")
    g_out.add_argument("--title", default="xxgk audit report", help="page title")


def run(args: argparse.Namespace, console: Console) -> int:
    from pipeline.products.audit import (
        audit_html,  # heavy (pandas, matplotlib): imported when the command runs, not for every --help
    )
    from pipeline.products.panel import build_products

    folder = existing_dataset(args.dataset, console)
    if folder is None:
        return 2
    ds = open_dataset(folder)
    page = audit_html(ds, build_products(ds), title=args.title)
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        console.print(f"[red]xxgk: cannot write {out}: {exc}")
        return 2
    console.print(f"[bold]xxgk audit[/] {len(ds.reports)} reports → {out} ({len(page) // 1024} KiB)")
    return 0
