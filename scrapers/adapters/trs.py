"""TRS WCM (拓尔思), the most common CMS of government portals.

Column `…/zfxxgknb/index.html`; list pages `index_1.html`, `index_2.html` … (page 0 is the column page) written by the page
bar script `createPageHTML(total, current, "index", "html")` (older templates set
`var countPage = N` first); articles `…/YYYYMM/tYYYYMMDD_<id>.html|htm|shtml`; report pages may
offer a 全真版 (PDF in a script array, shown in an iframe viewer) beside the 文字版 text.
"""

from __future__ import annotations

import re

from scrapers.urls import join

from .base import FetchedPage, FoundLink
from .column import ColumnAdapter, Family

_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\w+)['\"]?\s*,\s*['\"]?(\w+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")
_COUNT = re.compile(r"countPage\s*=\s*(\d+)")


def pager_pages(page: FetchedPage, text: str) -> list[FoundLink]:
    """`createPageHTML(total, current, name, ext)` → `name.ext`, `name_1.ext` … `name_{total-1}.ext`."""
    m = _PAGER.search(text)
    if not m:
        return []
    total_s, _, name, ext = m.groups()
    if not total_s.isdigit():
        c = _COUNT.search(text)
        if not c:
            return []
        total_s = c.group(1)
    total = int(total_s)
    out = []
    for n in range(1, total):  # page 0 is the column page itself
        href = f"{name}_{n}.{ext}"
        url = join(page.url, href)
        if url is not None:
            out.append(FoundLink(url=url, role="list", anchor=f"page {n + 1}", hints=(("list", "page"),)))
    return out


FAMILY = Family(
    name="trs",
    article=re.compile(r"/(?:19|20)\d{4}/t(?:19|20)\d{6}_\d+\.(?:s?html?)$"),
    page=re.compile(r"/index_\d+\.(?:s?html?)$"),
    extra_pages=pager_pages,
)


class TrsAdapter(ColumnAdapter):
    def __init__(self) -> None:
        super().__init__(FAMILY)
