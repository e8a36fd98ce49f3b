"""THE hook between the blind portal tests and the crawler, wired to the documented crawl API.

docs/crawling.md ("Crawling through your own transport"): `pipeline.runs.jobs.crawl(data, sources,
transport=...)` is what `xxgk crawl` runs, with every request sent through the given httpx transport.
The registry holds each source as the simulator gives it: an id and a home URL, nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from pipeline.runs.jobs import DataDir, data_lock, json_logging
from pipeline.runs.jobs import crawl as run_crawl
from scrapers import load_sources

from .sources_file import SOURCES_NAME, _toml_value


def write_registry(sources: list[dict[str, str]], settings: dict[str, object], path: Path) -> Path:
    """[defaults] = settings; one [[source]] per site with only `id` and `start` (docs: "Adding a portal")."""
    lines = ["# written by tests/blind/portals: simulated portals on 127.0.0.1", "", "[defaults]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in settings.items()]
    for src in sources:
        lines += ["", "[[source]]", f"id = {json.dumps(src['id'])}", f"start = {json.dumps(src['url'])}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def crawl(sources: list[dict[str, str]], data_dir: Path, transport: httpx.BaseTransport,
          settings: dict[str, object]) -> None:
    """Crawl `sources` ({"id", "url"} only) into `data_dir` through `transport` (every request uses it)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    registry = write_registry(sources, settings, data_dir / SOURCES_NAME)
    data = DataDir(data_dir)
    with data_lock(data), json_logging(data):
        run_crawl(data, load_sources(registry), transport=transport, workers=len(sources))
