"""What one running workbench holds: the dataset views, its products, the reviews and the originals."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.products.panel import Products
from pipeline.serve.db import Db
from pipeline.serve.products import load_products
from pipeline.serve.reviews import Reviews
from pipeline.serve.sources import Originals, archive_files


@dataclass
class PageCache:
    """The last rendered page images (a reviewer clicks cells of the same page in turn)."""

    size: int = 32
    items: OrderedDict[tuple[str, int], tuple[bytes, float, float]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: tuple[str, int]) -> tuple[bytes, float, float] | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: tuple[str, int], value: tuple[bytes, float, float]) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


class Workbench:
    def __init__(self, root: Path, *, archive: Path | None = None, crawl: Path | None = None,
                 until: int | None = None) -> None:
        self.root = root
        self.crawl_data = crawl
        self.until = until if until is not None else dt.date.today().year - 1
        self._crawl: pd.DataFrame | None = None
        self.db = Db(root)
        self.reviews = Reviews(root)
        self._products: Products | None = None
        self._lock = threading.Lock()
        containers = [Path(r["source"]) for r in self.db.rows(
            "SELECT source FROM reports WHERE doc_kind = 'container' ORDER BY source")]
        self.originals = Originals([*containers, *archive_files(archive)])
        self.pages = PageCache()

    def crawl(self) -> pd.DataFrame | None:
        """The crawl's access states (`--data`), computed once; None without a crawl state."""
        if self.crawl_data is None:
            return None
        with self._lock:
            if self._crawl is None:
                from pipeline.serve.crawl import crawl_coverage
                from pipeline.store.dataset import read_table

                self._crawl = crawl_coverage(self.crawl_data, read_table(self.root, "reports"), until=self.until)
            return self._crawl

    @property
    def products(self) -> Products:
        with self._lock:
            if self._products is None:
                self._products = load_products(self.root)
                for name, frame in (("agencies", self._products.agencies), ("versions", self._products.versions),
                                    ("panel", self._products.panel), ("crossyear", self._products.crossyear)):
                    self.db.register(name, frame)
            return self._products
