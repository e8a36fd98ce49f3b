"""Workbench bench: a dataset of 10^4 reports (~200 cells each) synthesised as Parquet rows, and the
median / p95 time of every page and API endpoint of `xxgk serve` over it (target ≤ 300 ms a page).

    .venv/bin/python -m bench.serve [--n 10000] [--repeat 20] [--out bench/results/serve.json]

The rows are copies of reports the real pipeline read (the workbench's test corpus: the generated
multi-year text reports plus the real PDF and HTML fixtures, which keep their originals, so page
images and the marked HTML are timed too), each copy under its own id, agency, region and year. The
products are built and written as `xxgk panel` does. Requests go through Starlette's TestClient (in
process: the figures are the server's own time, no socket). Not part of `make bench` (minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from pipeline.store.dataset import _WRITE_OPTS, TABLES  # noqa: E402

YEARS = (2019, 2020, 2021, 2022, 2023)


def _read(base: Path, name: str) -> pa.Table:
    parts = []
    for f in sorted((base / name).glob("report_year=*/part-0.parquet")):
        t = pq.read_table(f, schema=TABLES[name])
        year = f.parent.name.split("=", 1)[1]
        parts.append(t.append_column("report_year", pa.array([year] * t.num_rows, pa.string())))
    return pa.concat_tables(parts)


def synthesise(base: Path, out: Path, n: int) -> None:
    """n reports: the base dataset's own (originals kept) plus copies of its 2021-format text reports."""
    tables = {name: _read(base, name) for name in TABLES}
    reports = tables["reports"].to_pylist()
    templates = [r for r in reports if r["media_type"] == "text/plain" and r["n_cells"] >= 190]
    rng = random.Random(7)
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in TABLES}
    for r in reports:
        for name in TABLES:
            if name == "reports":
                rows[name].append(r)
    by_id = {name: _group(tables[name]) for name in ("cells", "sections", "checks")}
    for name in ("cells", "sections", "checks"):
        for rid in (r["report_id"] for r in reports):
            rows[name] += by_id[name].get(rid, [])
    n_agencies = max(1, (n - len(reports)) // len(YEARS))
    for i in range(n - len(reports)):
        a, year = divmod(i, len(YEARS))
        a %= n_agencies
        t = templates[(a * 7 + year) % len(templates)]
        rid = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
        prov, city, county = 11 + a % 50, 1 + (a // 50) % 20, 1 + a % 17
        code = f"{prov:02d}{city:02d}{county:02d}"
        agency = f"第{prov}省{city}市{county}县第{a}局"
        rows["reports"].append({**t, "report_id": rid, "source": f"bench/{rid[:12]}.txt", "sources": "",
                                "agency": agency, "title": f"{agency}{YEARS[year]}年政府信息公开工作年度报告",
                                "region_code": code, "region_name": f"第{prov}省/第{city}市/第{county}县",
                                "report_year": str(YEARS[year]),
                                "status": "failed" if rng.random() < 0.01 else t["status"],
                                "error": "bench: a failed input" if rng.random() < 0.01 else None})
        for name in ("cells", "sections", "checks"):
            rows[name] += [{**c, "report_id": rid, "report_year": str(YEARS[year])} for c in by_id[name].get(t["report_id"], [])]
    for name, schema in TABLES.items():
        _write(out, name, schema, rows[name])


def _group(table: pa.Table) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    for row in table.to_pylist():
        out.setdefault(str(row["report_id"]), []).append(row)
    return out


def _write(out: Path, name: str, schema: pa.Schema, rows: list[dict[str, object]]) -> None:
    by_year: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        by_year.setdefault(str(r["report_year"]), []).append(r)
    for year, part in by_year.items():
        t = pa.Table.from_pylist(part, schema=schema)
        t = t.take(pc.sort_indices(t, sort_keys=[("report_id", "ascending")]))
        folder = out / name / f"report_year={year}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(t, folder / "part-0.parquet", **_WRITE_OPTS)  # type: ignore[arg-type]


def _time(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    call()  # warm: the first request of a kind builds caches (DuckDB metadata, a page image)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def endpoints(client: object, ds: Path) -> dict[str, Callable[[], object]]:
    import duckdb

    c = client
    con = duckdb.connect()
    glob = str(ds / "reports" / "*" / "part-0.parquet")
    rid = con.execute(f"SELECT report_id FROM read_parquet('{glob}') WHERE source LIKE 'bench/%' "
                      "ORDER BY report_id LIMIT 1").fetchone()[0]
    pdf = con.execute(f"SELECT report_id FROM read_parquet('{glob}') WHERE media_type = 'application/pdf'").fetchone()[0]
    html = con.execute(f"SELECT report_id FROM read_parquet('{glob}') WHERE media_type = 'text/html'").fetchone()[0]
    agency = con.execute(f"SELECT agency FROM read_parquet('{glob}') WHERE source LIKE 'bench/%' LIMIT 1").fetchone()[0]
    other = con.execute(f"SELECT report_id FROM read_parquet('{glob}') WHERE agency = ? AND report_id <> ? LIMIT 1",
                        [agency, rid]).fetchone()[0]
    review = {"report_id": rid, "table": "t3", "row": "t3.r1", "col": "tot", "value": 7, "reason": "bench",
              "reviewer": "bench"}

    def get(path: str) -> Callable[[], object]:
        def call() -> object:
            r = c.get(path)  # type: ignore[attr-defined]
            assert r.status_code == 200, (path, r.status_code, r.text[:200])
            return r
        return call

    def post() -> object:
        r = c.post("/api/reviews", json=review)  # type: ignore[attr-defined]
        assert r.status_code == 201, r.text
        return r

    return {
        "page /": get("/"), "page / (region + year)": get("/?region=11&year=2022"),
        "page / (agency search)": get("/?agency=第3局"), "page /reports/{id}": get(f"/reports/{rid}"),
        "page /reports/{pdf}": get(f"/reports/{pdf}"), "page /agency/{agency}": get(f"/agency/{agency}"),
        "page /compare": get(f"/compare?a={rid}&b={other}"), "page /queue": get("/queue"),
        "page /failures": get("/failures"), "page /coverage": get("/coverage"),
        "page image (PDF, pypdfium2)": get(f"/reports/{pdf}/pages/3.png"),
        "archived HTML, cell marked": get(f"/reports/{html}/html?cell=t3/t3.r1/tot"),
        "GET /api/reports": get("/api/reports"), "GET /api/reports?rule=T3-FLOW": get("/api/reports?rule=T3-FLOW"),
        "GET /api/reports/{id}": get(f"/api/reports/{rid}"),
        "GET /api/reports/{id}/cells/…": get(f"/api/reports/{rid}/cells/t3/t3.r1/tot"),
        "GET /api/reports/{id}/text": get(f"/api/reports/{rid}/text"),
        "GET /api/panel": get("/api/panel"), "GET /api/panel?reviewed=1": get("/api/panel?reviewed=1"),
        "GET /api/queue": get("/api/queue"), "GET /api/failures": get("/api/failures"),
        "GET /api/coverage": get("/api/coverage"), "GET /api/compare": get(f"/api/compare?a={rid}&b={other}"),
        "GET /api/agency/{agency}": get(f"/api/agency/{agency}"), "GET /api/reviews": get(f"/api/reviews?report_id={rid}"),
        "POST /api/reviews": post,
        "export CSV (1000 reports)": get("/api/reports?limit=1000&format=csv"),
        "export XLSX (1000 reports)": get("/api/reports?limit=1000&format=xlsx"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "serve.json"))
    args = ap.parse_args()
    from starlette.testclient import TestClient

    from pipeline.products.panel import build_products, write_products
    from pipeline.serve.app import create_app
    from pipeline.store.dataset import open_dataset
    from tests.pipeline.serve.corpus import build

    with tempfile.TemporaryDirectory(prefix="xxgk-bench-serve-") as tmp:
        base = build(Path(tmp) / "base")
        ds = Path(tmp) / "ds"
        t0 = time.perf_counter()
        synthesise(base, ds, args.n)
        t1 = time.perf_counter()
        write_products(ds, build_products(open_dataset(ds)))
        t2 = time.perf_counter()
        t_start = time.perf_counter()
        client = TestClient(create_app(ds))
        client.get("/api/reports")
        t_up = time.perf_counter() - t_start
        n_cells = sum(pq.ParquetFile(f).metadata.num_rows for f in (ds / "cells").glob("*/part-0.parquet"))
        results = {}
        for name, call in endpoints(client, ds).items():
            med, p95 = _time(call, args.repeat)
            results[name] = {"median_ms": round(med, 1), "p95_ms": round(p95, 1)}
            print(f"{name:40s} median {med:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
    summary = {"reports": args.n, "cells": n_cells, "synthesise_s": round(t1 - t0, 1),
               "products_s": round(t2 - t1, 1), "first_request_s": round(t_up, 2), "endpoints": results}
    print(json.dumps({k: v for k, v in summary.items() if k != "endpoints"}))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
