"""Scrapers: the only package that does HTTP. Portal adapters, polite fetching, WARC archive, crawl state.

Knows nothing of the template or of extraction: it finds, fetches and archives documents.
"""

from __future__ import annotations

from .access import BLOCKING, FAILED, REFUSED, STATES, AccessState
from .archive import Archive, Capture, CaptureMeta
from .client import Exchange, Fetch, Fetcher, Transport, make_client
from .crawl import Crawler, CrawlResult, SourceResult, auto_workers
from .replay import WarcReplayTransport
from .settings import CrawlSettings, SettingsError
from .sources import Source, SourceError, load_sources, parse_sources, select
from .state import CrawlState, Store

__all__ = [
    "BLOCKING", "FAILED", "REFUSED", "STATES", "AccessState", "Archive", "Capture", "CaptureMeta", "CrawlResult", "CrawlSettings",
    "CrawlState", "Crawler", "Exchange", "Fetch", "Fetcher", "SettingsError", "Source", "SourceError",
    "SourceResult", "Store", "Transport", "WarcReplayTransport", "auto_workers", "load_sources", "make_client",
    "parse_sources", "select",
]
