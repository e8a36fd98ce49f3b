"""Known report URLs, no discovery: the start URLs are the report pages or files themselves.

Used for replaying an archive of known captures (`data/samples/`) and for one-off reports
found elsewhere; report pages still yield their attachments.
"""

from __future__ import annotations

from scrapers.sources import Source

from .base import FetchedPage, FoundLink, attachments, is_file


class PagesAdapter:
    name = "pages"

    def seeds(self, source: Source) -> list[FoundLink]:
        return [FoundLink(url=u, role="attachment" if is_file(u) else "report") for u in source.start]

    def prefixes(self, source: Source) -> tuple[str, ...]:
        return ()

    def links(self, page: FetchedPage) -> list[FoundLink]:
        return attachments(page) if page.role == "report" else []
