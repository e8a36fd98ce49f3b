"""The crawl's access states for the coverage view (found / unparsed / not_crawled / blocked / failed /
missing per source × agency × year), from a DATA folder's crawl state — the same rows `xxgk coverage`
prints (`products.coverage`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.products.coverage import coverage, coverage_frame
from pipeline.runs.jobs import DataDir
from scrapers import CrawlState, SourceError, Store, select


def crawl_coverage(data: Path, reports: pd.DataFrame, *, until: int) -> pd.DataFrame | None:
    """Coverage rows of the sources crawled into `data`, up to `until`; None without a crawl state."""
    folder = DataDir(data)
    if not folder.db.exists():
        return None
    store = Store(folder.db)
    try:
        try:
            sources = select(CrawlState(store).crawled_sources(), [])
        except SourceError:
            return None
        return coverage_frame(coverage(store, sources, reports, until=until))
    finally:
        store.close()
