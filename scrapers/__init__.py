"""Scrapers: find and fetch reports on portals, politely and incrementally; archive them in WARC.

The only package that does HTTP (httpx). It knows nothing about tables or the template.
"""

from __future__ import annotations

__all__: list[str] = []
