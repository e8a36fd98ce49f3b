"""The adapter most CMS families are: a column of list pages that link article pages.

A family is data — the URL shapes of its article pages, its numbered list pages and its
sub-columns — read by one small class. Families with a twist (TRS's script-generated page bar,
Hanweb's XML datastore) add a hook.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from scrapers.sources import Source
from scrapers.urls import directory

from .base import (
    NEXT_TEXT,
    REPORT_TITLE,
    YEAR_TEXT,
    Anchor,
    FetchedPage,
    FoundLink,
    anchors,
    attachments,
    column_prefix,
    is_file,
    list_item,
    tree,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Family:
    name: str
    article: re.Pattern[str]
    """Path of an article (report) page."""
    page: re.Pattern[str]
    """Path of a numbered list page of a column (index_2.html …)."""
    subcolumn: re.Pattern[str] = re.compile(r"/(?:(?:19|20)\d\dn?|nb_?(?:19|20)\d\dn?|(?:19|20)\d\dnb|gknb(?:19|20)\d\d)/(?:index\.\w+)?$")
    """Path of a year sub-column."""
    extra_pages: Callable[[FetchedPage, str], list[FoundLink]] | None = None
    """Family-specific list pages found in scripts (TRS createPageHTML …)."""
    list_markers: tuple[str, ...] = field(default=())


class ColumnAdapter:
    """List pages → article links, numbered pages and year sub-columns; articles → attachments."""

    def __init__(self, family: Family) -> None:
        self.family = family
        self.name = family.name

    def seeds(self, source: Source) -> list[FoundLink]:
        return [FoundLink(url=u, role="list", hints=(("list", "column"),)) for u in source.start]

    def prefixes(self, source: Source) -> tuple[str, ...]:
        return tuple(sorted({column_prefix(u) for u in source.start}))

    def links(self, page: FetchedPage) -> list[FoundLink]:
        if page.role == "report":
            return attachments(page)
        if page.role != "list":
            return []
        return self.list_links(page)

    def classify(self, a: Anchor, page: FetchedPage) -> FoundLink | None:
        fam = self.family
        path = a.url.split("?", 1)[0]
        here = directory(page.url)
        if fam.article.search(path):
            return list_item(a)
        if is_file(a.url) and REPORT_TITLE.search(a.label):
            return list_item(a, "attachment")  # a report published only as a file in the list
        if fam.page.search(path) and directory(a.url) == here:
            return FoundLink(url=a.url, role="list", anchor=a.label, hints=(("list", "page"),))
        if NEXT_TEXT.match(a.text) and directory(a.url) == here:
            return FoundLink(url=a.url, role="list", anchor=a.label, hints=(("list", "page"),))
        if (fam.subcolumn.search(path) or YEAR_TEXT.match(a.text)) and directory(a.url) != here:
            return FoundLink(url=a.url, role="list", anchor=a.label, hints=(("list", "column"),))
        return None

    def list_links(self, page: FetchedPage) -> list[FoundLink]:
        root = tree(page)
        out: dict[str, FoundLink] = {}
        for a in anchors(page, root):
            link = self.classify(a, page)
            if link is not None and link.url != page.url and link.url not in out:
                out[link.url] = link
        if self.family.extra_pages is not None:
            for link in self.family.extra_pages(page, page.text()):
                out.setdefault(link.url, link)
        return list(out.values())
