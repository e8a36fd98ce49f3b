"""The longitudinal products the workbench shows: read from DIR/<name>.parquet when `xxgk panel`
wrote them, else built once in memory from the dataset (the same code: `products.panel`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.products.panel import SCHEMAS, Products, build_products, read_product
from pipeline.store.dataset import open_dataset

NAMES = ("agencies", "agency_links", "versions", "panel", "crossyear")


def load_products(root: Path) -> Products:
    """The written products if every file is there (fast: no rebuild on start), else built now."""
    if all((root / f"{n}.parquet").is_file() for n in NAMES):
        frames = {n: read_product(root, n) for n in NAMES}
        return Products(frames["agencies"], frames["agency_links"], frames["versions"], frames["panel"],
                        frames["crossyear"])
    if not (root / "reports").is_dir():
        empty = {n: pd.DataFrame({f.name: pd.Series(dtype="object") for f in SCHEMAS[n]}) for n in NAMES}
        return Products(empty["agencies"], empty["agency_links"], empty["versions"], empty["panel"],
                        empty["crossyear"])
    return build_products(open_dataset(root))
