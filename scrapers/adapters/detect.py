"""Which CMS family a page comes from, by the page's own fingerprints (documented in docs/crawling.md).

A family is recognised by markers in the markup and scripts, by the shapes of the page's URL and of
the URLs it links, or by response headers; a page can show several (a TRS portal embedding a
gkmlpt catalogue). Detection decides which family readers (`auto.py`) look at the page; the
navigation, list and article judgement is the same for every family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import FetchedPage


@dataclass(frozen=True, slots=True)
class Fingerprint:
    family: str
    markup: re.Pattern[bytes] | None = None
    """Markers in the markup or scripts of a page."""
    urls: re.Pattern[str] | None = None
    """Shapes of the page's URL or of the URLs in the page."""
    headers: re.Pattern[str] | None = None
    """A response header (`name: value`) the family's servers send."""


FINGERPRINTS: tuple[Fingerprint, ...] = (
    Fingerprint("hanweb",
                markup=re.compile(rb"<datastore>|/module/web/jpage/|\.jpage\(|new jpage\(|dataproxy\.jsp"),
                urls=re.compile(r"/col/col\d+/index\.html|/art/(?:19|20)\d\d/\d{1,2}/\d{1,2}/art_\d+_\d+\.html"),
                headers=re.compile(r"^x-powered-by:.*jcms", re.I)),
    Fingerprint("gkmlpt", markup=re.compile(rb"/gkmlpt/(?:index|api|static|content)"),
                urls=re.compile(r"/gkmlpt/(?:index|api/all/\d+)")),
    Fingerprint("trs", markup=re.compile(rb"createPageHTML\s*\(|class=['\"]?TRS_Editor|var\s+countPage\s*="),
                urls=re.compile(r"/(?:19|20)\d{4}/t(?:19|20)\d{6}_\d+\.s?html?")),
    Fingerprint("vsb", markup=re.compile(rb"_newscontent_fromname|vsb_content|/system/_content/download\.jsp|"
                                         rb"class=['\"]p_pages['\"]|_vsb_"),
                urls=re.compile(r"(?:^|/)info/\d+/\d+\.htm")),
    Fingerprint("gd", urls=re.compile(r"/content/m?post_\d+\.html")),
    Fingerprint("hunan", urls=re.compile(r"/c\d+/(?:19|20)\d{4}/[0-9a-f]{32}\.shtml|/content_\d+\.html")),
    Fingerprint("ucap", markup=re.compile(rb"ucap", re.I), urls=re.compile(r"[?&]pageIndex=\d+")),
)
"""Family → markers, first match first. A page matching none is read by the generic rules only."""

_HREF = re.compile(rb"""(?:href|src)\s*=\s*["']([^"'<>\s]{1,300})["']""", re.I)


def detect(page: FetchedPage, headers: tuple[tuple[str, str], ...] = ()) -> tuple[str, ...]:
    """The families whose fingerprints the page shows, in `FINGERPRINTS` order."""
    head = page.body[:262144]
    links = [page.url, *(m.group(1).decode("ascii", "ignore") for m in _HREF.finditer(head))]
    lines = [f"{k.lower()}: {v}" for k, v in headers]
    out = []
    for fp in FINGERPRINTS:
        if (fp.markup is not None and fp.markup.search(head)) or \
                (fp.urls is not None and any(fp.urls.search(u) for u in links)) or \
                (fp.headers is not None and any(fp.headers.search(h) for h in lines)):
            out.append(fp.family)
    return tuple(out)
