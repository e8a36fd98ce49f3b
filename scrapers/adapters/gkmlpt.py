"""广东 政府信息公开目录平台 (gkmlpt), the 集约化 disclosure app of most Guangdong sites.

`…/gkmlpt/index` is a single-page app: the catalogue links are `/gkmlpt/index#<category>` and the
page's script holds the site id (`SID: '760123'`). Articles are listed only by the JSON API
`…/gkmlpt/api/all/<category>?page=<n>&sid=<SID>` → `{"total": N, "articles": [{"title", "url"
(or "post_url"), "create_time"|"display_publish_time", …}]}`; article pages are
`…/gkmlpt/content/<a>/<b>/post_<id>.html`. The app may sit under a path (`/bmjg/gkmlpt/…`).
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from scrapers.urls import join

from .base import COLUMN_TEXT, FetchedPage, FoundLink, clean, tree

_SID = re.compile(r"""\bSID['"]?\s*[:=]\s*['"]?(\d+)""")
API = re.compile(r"/gkmlpt/api/all/(\d+)$")


def catalogue_links(page: FetchedPage) -> list[FoundLink]:
    """Catalogue entries labelled as the annual-report column → page 1 of their API listing."""
    text = page.text()
    sid = _SID.search(text)
    root = tree(page)
    if sid is None or root is None or "/gkmlpt/" not in page.url:
        return []
    base = page.url.split("/gkmlpt/", 1)[0]
    out = []
    for a in root.iter("a"):
        href, label = a.get("href") or "", clean(a.text_content())
        m = re.search(r"#(\d+)$", href)
        if m and COLUMN_TEXT.search(label):
            url = join(page.url, f"{base}/gkmlpt/api/all/{m.group(1)}?page=1&sid={sid.group(1)}")
            if url is not None:
                out.append(FoundLink(url=url, role="list", anchor=label, hints=(("list", "column"),)))
    return out


def _published(article: dict[str, object]) -> str:
    for key in ("display_publish_time", "create_time", "publish_time"):
        value = article.get(key)
        if isinstance(value, int | float) and value > 0:
            return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d")
    return ""


def api_links(page: FetchedPage) -> list[FoundLink]:
    """One API answer → its articles (reports) and, from page 1, the other pages of the listing."""
    parts = urlsplit(page.url)
    if not API.search(parts.path):
        return []
    try:
        data = json.loads(page.body.decode("utf-8", "replace"))
    except ValueError:
        return []
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        return []
    out = []
    for art in articles:
        if not isinstance(art, dict):
            continue
        href = art.get("post_url") or art.get("url")
        url = join(page.url, href) if isinstance(href, str) else None
        if url is None:
            continue
        title = str(art.get("title") or "")
        hints = [("title", title)] if title else []
        if published := _published(art):
            hints.append(("published", published))
        out.append(FoundLink(url=url, role="report", anchor=title, hints=tuple(hints)))
    query = parse_qs(parts.query)
    total = data.get("total")
    if query.get("page", ["1"])[0] == "1" and isinstance(total, int) and articles:
        for n in range(2, math.ceil(total / len(articles)) + 1):
            q = "&".join(f"{k}={v[0]}" for k, v in sorted(query.items()) if k != "page")
            url = join(page.url, f"{parts.path}?page={n}&{q}")
            if url is not None:
                out.append(FoundLink(url=url, role="list", anchor=f"page {n}", hints=(("list", "page"),)))
    return out
