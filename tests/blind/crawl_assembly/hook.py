"""The one place the tests reach the system: the documented crawl-job API and the `xxgk coverage` CLI.

docs/crawling.md ("Crawling through your own transport"): `pipeline.runs.jobs.crawl(data, sources,
transport=...)` is the crawl of `xxgk crawl`, `extract_new(data, out)` the extraction step of `xxgk run`.
The registry gives each source only an id and its home URL (docs: "Adding a portal").
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx

from pipeline.runs.jobs import DataDir, crawl, data_lock, extract_new, json_logging
from scrapers import load_sources

SOURCES_NAME = "crawl_assembly_sources.toml"
SETTINGS: dict[str, float] = {"delay": 0.02, "max_delay": 0.5}


def write_registry(sources: list[tuple[str, str]], path: Path) -> Path:
    lines = ["# tests/blind/crawl_assembly: simulated portals on 127.0.0.1", "", "[defaults]"]
    lines += [f"{k} = {v!r}" for k, v in SETTINGS.items()]
    for sid, url in sources:
        lines += ["", "[[source]]", f"id = {json.dumps(sid)}", f"start = {json.dumps(url)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def crawl_and_extract(sources: list[tuple[str, str]], data_dir: Path, transport: httpx.BaseTransport) -> Path:
    """One scheduled run (crawl, then extract what is new) into `data_dir`; the dataset folder."""
    data_dir.mkdir(parents=True, exist_ok=True)
    registry = write_registry(sources, data_dir / SOURCES_NAME)
    data = DataDir(data_dir)
    with data_lock(data), json_logging(data):
        crawl(data, load_sources(registry), transport=transport, workers=len(sources))
        extract_new(data, data.root / "dataset")
    return data_dir / "dataset"


def coverage(data_dir: Path, out_csv: Path) -> list[dict[str, str]]:
    """`xxgk coverage --data DATA --csv F` (the sources crawled into DATA), rows as dicts."""
    exe = shutil.which("xxgk") or str(Path(sys.executable).with_name("xxgk"))
    proc = subprocess.run([exe, "coverage", "--data", str(data_dir), "--csv", str(out_csv)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert out_csv.exists(), f"xxgk coverage rc={proc.returncode}: {proc.stderr[-500:]}"
    with out_csv.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
