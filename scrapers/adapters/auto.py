"""The default adapter: start anywhere on a site, detect its CMS family, find the report column.

A start page (the home, a 政务公开 page, the column itself) is read like every other page: by its
structure. Links labelled 政务公开 / 政府信息公开 (also on a separate 政府信息公开平台 host of the
same site) are navigation; a link labelled as the report column (政府信息公开年报, no year in it)
is a column; links whose label is a dated report title are reports; year links in a column are
its year sub-columns; numbered and 下一页 links in its folder are its pages. A page with several
report titles is a list whatever the link to it was called. On top, the readers of every family
the page's fingerprints show (`detect.FINGERPRINTS`) add what only that family knows: TRS's
script-written page bar, Hanweb's datastore records and POST pager, the gkmlpt JSON API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from scrapers.sources import Source
from scrapers.urls import directory, origin

from .base import FetchedPage, FoundLink, anchors, attachments, list_item, looks_like_list
from .column import Family
from .detect import detect
from .gd import FAMILY as GD
from .generic import GenericAdapter
from .gkmlpt import api_links, catalogue_links
from .hanweb import HanwebAdapter
from .hunan import FAMILY as HUNAN
from .trs import FAMILY as TRS
from .trs import pager_pages

Reader = Callable[[FetchedPage], list[FoundLink]]


def _trs(page: FetchedPage) -> list[FoundLink]:
    return pager_pages(page, page.text())


def _hanweb(page: FetchedPage) -> list[FoundLink]:
    return HanwebAdapter().links(replace(page, role="list"))


def _gkmlpt(page: FetchedPage) -> list[FoundLink]:
    return catalogue_links(page) + api_links(page)


def _articles(family: Family) -> Reader:
    """In a list page, links of the family's article shape inside the column's folder are its items,
    whatever their title (look-alikes included: the pipeline classifies them); elsewhere (a home
    page's news) they are not."""
    def read(page: FetchedPage) -> list[FoundLink]:
        if page.role != "list":
            return []
        here = directory(page.url)
        return [list_item(a) for a in anchors(page)
                if family.article.search(a.url.split("?", 1)[0]) and a.url.startswith(origin(page.url) + here)]
    return read


def _both(*readers: Reader) -> Reader:
    return lambda page: [link for read in readers for link in read(page)]


READERS: dict[str, Reader] = {
    "trs": _both(_trs, _articles(TRS)), "hanweb": _hanweb, "gkmlpt": _gkmlpt,
    "gd": _articles(GD), "hunan": _articles(HUNAN),
}
"""What a family adds to the common reading of its pages (families not named here need nothing more)."""


class AutoAdapter:
    name = "auto"

    def __init__(self) -> None:
        self._generic = GenericAdapter()

    def seeds(self, source: Source) -> list[FoundLink]:
        return [FoundLink(url=u, role="nav") for u in source.start]

    def prefixes(self, source: Source) -> tuple[str, ...]:
        return ()

    def families(self, page: FetchedPage) -> tuple[str, ...]:
        return detect(page)

    def links(self, page: FetchedPage) -> list[FoundLink]:
        if page.role == "report" and not looks_like_list(page):
            return attachments(page)
        if page.role != "list" and looks_like_list(page):
            page = replace(page, role="list")  # judged by its structure, not by the link that led here
        out: dict[str, FoundLink] = {}
        for family in self.families(page):
            reader = READERS.get(family)
            for link in reader(page) if reader is not None else []:
                if link.url != page.url:
                    out.setdefault(link.url, link)
        for link in self._generic.links(page):
            out.setdefault(link.url, link)
        if any(link.role == "list" for link in out.values()):  # the column is found: stop exploring
            return [link for link in out.values() if link.role != "nav"]
        return list(out.values())
