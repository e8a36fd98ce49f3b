"""`xxgk panel --dataset DIR [--out FILE]`: the agency × year panel and the longitudinal products.

Writes, into the dataset folder, agencies / agency_links / versions / panel / crossyear as Parquet
files and a `datapackage.json` describing the whole dataset; `--out` also writes the panel where
asked (`.csv` or `.parquet`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipeline.commands.dataset_arg import existing_dataset
from pipeline.store.dataset import open_dataset

HELP = "build the agency × year panel, cross-year checks and datapackage.json from a dataset"


def add_arguments(p: argparse.ArgumentParser) -> None:
    g_in = p.add_argument_group("Input")
    g_in.add_argument("--dataset", default="data/dataset", help="dataset folder (default: data/dataset)")
    g_out = p.add_argument_group("Output")
    g_out.add_argument("--out", default=None, metavar="FILE",
                       help="also write the panel here (.csv or .parquet); the products always go to the dataset")


def run(args: argparse.Namespace, console: Console) -> int:
    # the products pull in pandas and matplotlib: imported when the command runs, not for every --help
    from pipeline.products.datapackage import write_datapackage
    from pipeline.products.panel import SCHEMAS, build_products, write_products, write_table

    folder = existing_dataset(args.dataset, console)
    if folder is None:
        return 2
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in {".csv", ".parquet"}:
        console.print(f"[red]xxgk: --out {out}: the panel is written as .csv or .parquet")
        return 2
    products = build_products(open_dataset(folder))
    try:
        write_products(folder, products)
        write_datapackage(folder)
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            if out.suffix.lower() == ".csv":
                products.panel.to_csv(out, index=False, encoding="utf-8")
            else:
                write_table(products.panel, SCHEMAS["panel"], out)
    except OSError as exc:
        console.print(f"[red]xxgk: cannot write the panel: {exc}")
        return 2
    console.print(f"[bold]xxgk panel[/] {len(products.panel)} agency-years of {len(products.agencies)} agencies "
                  f"→ {folder}" + (f" and {out}" if out else ""))
    links = products.links["kind"].value_counts().to_dict()
    if links:
        console.print("agency links: " + ", ".join(f"{k} {v}" for k, v in sorted(links.items())))
    cy = products.crossyear
    if not cy.empty:
        t = Table(title="cross-year checks", show_edge=False)
        for col in ("rule", "pass", "fail", "uncertain"):
            t.add_column(col)
        counts = cy.groupby(["rule", "status"]).size()
        for rule in dict.fromkeys(cy["rule"]):
            t.add_row(rule, *(str(int(counts.get((rule, s), 0))) for s in ("pass", "fail", "uncertain")))
        console.print(t)
    return 0
