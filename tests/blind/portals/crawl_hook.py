"""THE hook between the blind portal tests and the crawler: the lead wires it to the crawler's API.

docs/crawling.md documents the registry file and the `xxgk crawl` command, but no way to hand the crawler an
httpx transport; without one the crawl would leave the machine. So this writes the registry and stops.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from .sources_file import SOURCES_NAME, write_sources


def crawl(sources: list[dict[str, str]], data_dir: Path, transport: httpx.BaseTransport,
          settings: dict[str, object]) -> None:
    """Crawl `sources` ({"id", "url"} only) into `data_dir` through `transport` (every request must use it)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    registry = write_sources(sources, settings, data_dir / SOURCES_NAME)
    raise NotImplementedError(
        "crawl_hook.crawl is not wired: docs/crawling.md gives no documented way to inject an httpx transport. "
        f"The registry is written at {registry}; run the equivalent of "
        f"`xxgk crawl --sources {registry} --all --data {data_dir}` with every HTTP request sent through "
        "`transport` (e.g. CrawlSettings/client factory accepting a transport) and remove this raise."
    )
