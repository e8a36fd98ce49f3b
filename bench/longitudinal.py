"""`python -m bench.longitudinal`: time the longitudinal products on a scaled multi-year corpus.

The generated multi-year corpus (tests/generator/longitudinal.py, 88 reports) is replicated
`--copies` times under distinct regions' worth of agency names (each copy's bodies get a suffix,
so they are separate agencies), extracted once, and then each product step is timed: agency
identity, versions, panel, cross-year checks, datapackage.json (without validation) and the audit
page. Prints one line per step.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.products.agency import identify  # noqa: E402
from pipeline.products.audit import audit_html  # noqa: E402
from pipeline.products.crossyear import crossyear  # noqa: E402
from pipeline.products.datapackage import write_datapackage  # noqa: E402
from pipeline.products.panel import Products, panel_rows, write_products  # noqa: E402
from pipeline.products.versions import cell_fingerprints, latest, versions  # noqa: E402
from pipeline.runs.executors import run_items  # noqa: E402
from pipeline.runs.inputs import iter_items  # noqa: E402
from pipeline.store.dataset import open_dataset, write_dataset  # noqa: E402
from tests.generator.longitudinal import Capture, longitudinal, render_capture  # noqa: E402

T = TypeVar("T")
_SUFFIXES = ("", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九", "第十")


def _copy(cap: Capture, k: int) -> Capture:
    """The same report from a distinct body: the kind gets a prefix (科学技术局 → 第二科学技术局)."""
    if k == 0:
        return cap
    g = cap.report
    name = g.agency.replace(g.agency_kind, _SUFFIXES[k] + g.agency_kind) if g.agency_kind in g.agency else g.agency
    text = {s: v.replace("我局", f"我{_SUFFIXES[k]}局") for s, v in g.section_bodies.items()}
    g2 = replace(g, agency=name, title=g.title.replace(g.agency, name), section_bodies=text, key=f"{g.key}-{k}")
    return replace(cap, report=g2, path=f"c{k}/{cap.path}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--copies", type=int, default=5, help="replicas of the corpus (≤ 10)")
    args = ap.parse_args()
    corpus = longitudinal()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for k in range(min(args.copies, len(_SUFFIXES))):
            for cap in corpus.captures:
                c = _copy(cap, k)
                (root / "in" / c.path).parent.mkdir(parents=True, exist_ok=True)
                (root / "in" / c.path).write_text(render_capture(c), encoding="utf-8")
        t0 = time.perf_counter()
        write_dataset(root / "ds", list(run_items(iter_items([str(root / "in")]), jobs=0)))
        extract_s = time.perf_counter() - t0
        ds = open_dataset(root / "ds")
        steps: list[tuple[str, float]] = [("extract (pipeline, for scale)", extract_s)]

        def timed(name: str, fn: Callable[[], T]) -> T:
            t = time.perf_counter()
            out = fn()
            steps.append((name, time.perf_counter() - t))
            return out

        ident = timed("agency identity", lambda: identify(ds.reports, ds.sections))
        table = timed("versions", lambda: versions(ds.reports, ds.cells, ds.sections, ident.reports))
        chosen = latest(table)
        fps = cell_fingerprints(ds.cells[ds.cells["report_id"].isin(set(chosen["report_id"]))])
        panel = timed("panel", lambda: panel_rows(chosen, ds.reports, fps, ident, table))
        checks = timed("cross-year checks", lambda: crossyear(chosen, fps, ds.sections, ident.links))
        products = Products(ident.agencies, ident.links, table, panel, checks)
        timed("write products", lambda: write_products(root / "ds", products))
        timed("datapackage.json", lambda: write_datapackage(root / "ds"))
        page = timed("audit page", lambda: audit_html(ds, products))
    n = len(ds.reports)
    print(f"longitudinal products: {n} reports, {len(ident.agencies)} agencies, {len(panel)} agency-years, "
          f"{len(checks)} cross-year rows, audit page {len(page) // 1024} KiB")
    for name, s in steps:
        print(f"  {name:32s} {s:7.2f} s   {n / s if s else float('inf'):8.0f} reports/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
