"""Hanweb JCMS (大汉), used by the 浙江, 江苏 and many other provincial site clusters.

Column `/col/col<colid>/index.html`. Its list is not HTML: the page embeds the first records as
a `<datastore>` XML island (`<record><![CDATA[<li><a href=…>]]></record>`), and a jQuery pager
(`jpage`, `totalRecord`, `perPage`, `groupSize`) fetches the rest by POSTing the column's
parameters (col, appid, webid, path, columnid, sourceContentType, unitid, webname, permissiontype:
the script's `query:{…}` or the `<nextgroup>` link) to `proxyUrl` (default
`/module/web/jpage/dataproxy.jsp`) `?startrecord=…&endrecord=…&perpage=…`; a GET gets an empty
recordset or a 405. It answers the same XML. Articles are `/art/YYYY/M/D/art_<colid>_<id>.html`.
Year sub-columns are other `/col/col<id>/` columns linked from the column page under a year label.
A JCMS site may sit under a path (`/zfxxgk/col/…`, `/zfxxgk/module/…`): every URL is taken
relative to the mount point the page's own URLs show, never assumed at the host root.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

from scrapers.sources import Source
from scrapers.urls import join

from .base import YEAR_TEXT, FetchedPage, FoundLink, anchors, attachments, is_file, list_item

ARTICLE = re.compile(r"/art/(?:19|20)\d\d/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$")
COLUMN = re.compile(r"/col/col\d+/(?:index\.html)?$")
PROXY = "/module/web/jpage/dataproxy.jsp"
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_TOTAL = re.compile(r"totalRecord['\"]?\s*[:=]\s*['\"]?(\d+)|<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_PER_PAGE = re.compile(r"perPage['\"]?\s*[:=]\s*['\"]?(\d+)", re.I)
_GROUP = re.compile(r"groupSize['\"]?\s*[:=]\s*['\"]?(\d+)", re.I)
_PARAM_KEYS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
               "permissiontype")


def records(text: str, base: str) -> list[FoundLink]:
    """Article links (and file links) in the `<record>` CDATA fragments of a datastore."""
    out: list[FoundLink] = []
    for fragment in _RECORD.findall(text):
        if not fragment.strip():
            continue
        try:
            root = lxml.html.fragment_fromstring(fragment, create_parent="div")
        except (etree.ParserError, ValueError):
            continue
        page = FetchedPage(url=base, role="list", body=b"")
        for a in anchors(page, root):
            if ARTICLE.search(a.url.split("?", 1)[0]):
                out.append(list_item(a))
            elif is_file(a.url):
                out.append(list_item(a, "attachment"))
    return out


_PROXY_URL = re.compile(r"""proxyUrl['"]?\s*:\s*['"]([^'"]+)['"]""")
_QUERY = re.compile(r"query\s*:\s*\{([^{}]*)\}", re.S)


def mount(url: str) -> str:
    """The path a JCMS site sits under: `/zfxxgk` for `/zfxxgk/col/col1/index.html`, '' at the root."""
    path = urlsplit(url).path
    m = re.search(r"/(?:col|art|module)/", path)
    return path[:m.start()] if m else ""


def proxy_of(text: str, page_url: str, nextgroup: str) -> str:
    """The pager's data URL: the script's `proxyUrl`, else the `<nextgroup>` link's path, else the default
    under the page's mount point."""
    m = _PROXY_URL.search(text)
    if m:
        return m.group(1)
    if nextgroup:
        return urlsplit(nextgroup).path
    return mount(page_url) + PROXY


def proxy_pages(text: str, page_url: str, n_embedded: int) -> list[FoundLink]:
    """The POSTs to dataproxy.jsp the jpage pager would make for the records not embedded: the URL
    carries the record range (and the column, so two columns' pages stay apart), the form the
    column's parameters."""
    total_m = _TOTAL.search(text)
    if not total_m:
        return []
    total = int(total_m.group(1) or total_m.group(2))
    per_page = int(m.group(1)) if (m := _PER_PAGE.search(text)) else 15
    group = int(m.group(1)) if (m := _GROUP.search(text)) else 3
    params: dict[str, str] = {}
    nextgroup = ""
    ng = _NEXTGROUP.search(text)
    if ng:
        href = re.search(r"href=['\"]([^'\"]+)['\"]", ng.group(1))
        if href:
            nextgroup = href.group(1).replace("&amp;", "&")
            params = {k: v for k, v in parse_qsl(urlsplit(nextgroup).query) if k in _PARAM_KEYS}
    script_query = _QUERY.search(text)
    scope = script_query.group(1) if script_query else text
    for key in _PARAM_KEYS:
        if key not in params:
            m = re.search(rf"['\"]?\b{key}['\"]?\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,}}\s]+))", scope)
            if m:
                params[key] = next(g for g in m.groups() if g is not None)
    if "columnid" not in params:
        col = re.search(r"/col/col(\d+)/", page_url)
        if col:
            params["columnid"] = col.group(1)
    step = max(1, per_page * group)
    out = []
    proxy = proxy_of(text, page_url, nextgroup)
    form = urlencode(sorted(params.items()))
    keys = [(k, params[k]) for k in ("columnid", "unitid") if k in params]
    start = max(n_embedded, 0) + 1
    while start <= total:
        end = min(total, start + step - 1)
        query = urlencode([("startrecord", str(start)), ("endrecord", str(end)), ("perpage", str(per_page)), *keys])
        url = join(page_url, f"{proxy}?{query}")
        if url is not None:
            out.append(FoundLink(url=url, role="list", anchor=f"records {start}-{end}",
                                 hints=(("form", form), ("list", "page"))))
        start = end + 1
    return out


class HanwebAdapter:
    name = "hanweb"

    def seeds(self, source: Source) -> list[FoundLink]:
        return [FoundLink(url=u, role="list", hints=(("list", "column"),)) for u in source.start]

    def prefixes(self, source: Source) -> tuple[str, ...]:
        return tuple(sorted({f"{mount(u)}/{d}/" for u in source.start for d in ("col", "art", "module")}))

    def links(self, page: FetchedPage) -> list[FoundLink]:
        if page.role == "report":
            return attachments(page)
        if page.role != "list":
            return []
        text = page.text()
        items = records(text, page.url)
        out: dict[str, FoundLink] = {link.url: link for link in items}
        if PROXY not in page.url:
            for link in proxy_pages(text, page.url, len(_RECORD.findall(text))):
                out.setdefault(link.url, link)
            for a in anchors(page):
                path = a.url.split("?", 1)[0]
                if COLUMN.search(path) and a.url != page.url and YEAR_TEXT.match(a.text):
                    out.setdefault(a.url, FoundLink(url=a.url, role="list", anchor=a.label, hints=(("list", "column"),)))
                elif ARTICLE.search(path) and a.url not in out:
                    out[a.url] = list_item(a)
        return list(out.values())
