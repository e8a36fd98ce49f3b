"""Any portal: find the annual-report column from the site's own navigation, then read it.

From the start page (usually the portal home), links labelled 政务公开 / 政府信息公开 … are
navigation (followed a few levels deep), a link labelled 政府信息公开年报 / 年度报告 / 公开年报
is the column. In a column, links whose text reads like a report title are reports, links
labelled with a year are year sub-columns, and 下一页 / numbered links in the same folder are
its pages. Paths drift after site migrations; labels do not.
"""

from __future__ import annotations

import re

from scrapers.sources import Source
from scrapers.urls import directory

from .base import (
    COLUMN_TEXT,
    NAV_TEXT,
    NEXT_TEXT,
    REPORT_TITLE,
    YEAR_TEXT,
    FetchedPage,
    FoundLink,
    anchors,
    attachments,
    is_file,
    is_report_title,
    list_item,
    tree,
)

_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_PAGE_URL = re.compile(r"(?:index|list|default)?_\d+\.\w+$|/\d{1,4}\.s?html?$|"
                       r"[?&](?:page|pageNo|pageIndex|p|curPage)=\d+", re.I)
"""Numbered list pages: index_2.html (TRS, 集约化), 2.htm (VSB, old CMSs: the number is the file name),
?pageIndex=2 (开普云 and other dynamic CMSs)."""


class GenericAdapter:
    name = "generic"

    def seeds(self, source: Source) -> list[FoundLink]:
        return [FoundLink(url=u, role="nav") for u in source.start]

    def prefixes(self, source: Source) -> tuple[str, ...]:
        return ()

    def links(self, page: FetchedPage) -> list[FoundLink]:
        if page.role == "report":
            return attachments(page)
        root = tree(page)
        out: dict[str, FoundLink] = {}
        here = directory(page.url)
        stem = page.url.rsplit("/", 1)[1].split(".", 1)[0].split("?", 1)[0]
        # VSB/博达 columns page as `zfxxgknb.htm` → `zfxxgknb/2.htm`: the stem's folder counts as here.
        folders = {here, f"{here}{stem}/"} if stem else {here}
        for a in anchors(page, root):
            if a.url == page.url or a.url in out:
                continue
            label = a.label
            if is_report_title(label) or (is_file(a.url) and REPORT_TITLE.search(label)):
                out[a.url] = list_item(a, "attachment" if is_file(a.url) else "report")
            elif (COLUMN_TEXT.search(a.text) or REPORT_TITLE.search(a.text)) and len(a.text) <= 16:
                out[a.url] = FoundLink(url=a.url, role="list", anchor=label, hints=(("list", "column"),))
            elif page.role == "nav" and NAV_TEXT.match(a.text):
                out[a.url] = FoundLink(url=a.url, role="nav", anchor=label)
            elif page.role == "list" and YEAR_TEXT.match(a.text):
                out[a.url] = FoundLink(url=a.url, role="list", anchor=label, hints=(("list", "column"),))
            elif page.role == "list" and directory(a.url) in folders and (
                    NEXT_TEXT.match(a.text) or (_PAGE_NUMBER.match(a.text) and _PAGE_URL.search(a.url))):
                out[a.url] = FoundLink(url=a.url, role="list", anchor=label, hints=(("list", "page"),))
        if any(link.role == "list" for link in out.values()):  # the column is found: stop exploring
            return [link for link in out.values() if link.role != "nav"]
        return list(out.values())
