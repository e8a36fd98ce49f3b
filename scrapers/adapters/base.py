"""What every portal adapter shares: the link record, the page it reads, and HTML helpers.

An adapter is data (URL patterns of its CMS family) plus a little code that turns one fetched
page into links with a role: ``nav`` (pages that lead to the annual-report column), ``list``
(the column, its pages and year sub-columns), ``report`` (an article page) and ``attachment``
(a file a report page links or embeds). The crawl decides scope and limits; adapters only read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

from scrapers.sources import Source
from scrapers.urls import canonical, directory, join

Role = str  # "nav" | "list" | "report" | "attachment"


@dataclass(frozen=True, slots=True, kw_only=True)
class FoundLink:
    url: str
    role: Role
    anchor: str = ""
    hints: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchedPage:
    """A fetched page as an adapter sees it."""

    url: str
    role: Role
    body: bytes
    content_type: str = ""
    depth: int = 0
    hints: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        return decode_html(self.body, self.content_type)


class Adapter(Protocol):
    name: str

    def seeds(self, source: Source) -> list[FoundLink]: ...

    def prefixes(self, source: Source) -> tuple[str, ...]:
        """Path prefixes that list and report pages of this source live under."""
        ...

    def links(self, page: FetchedPage) -> list[FoundLink]: ...


# -- text --------------------------------------------------------------------------------------------
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn"}

REPORT_TITLE = re.compile(
    r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报|总结)|信息公开.{0,4}年度报告|公开年报|年度报告")
"""Titles of annual reports and their look-alikes in the same column (the pipeline classifies)."""
COLUMN_TEXT = re.compile(r"政府信息公开年报|信息公开年报|公开年报|年度报告|^年报$|工作年报")
NAV_TEXT = re.compile(r"^(?:政务公开|政府信息公开|信息公开|政府信息公开平台|政务信息公开|信息公开目录)$")
YEAR_TEXT = re.compile(r"^\s*(?:19|20)\d\d\s*(?:年度?|年报)?\s*$")
NEXT_TEXT = re.compile(r"^(?:下一页|下页|后页|尾页|末页|>|›|»|>>)$")
DATE = re.compile(r"(20\d\d|19\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")
FILE_EXT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|ofd|rtf|zip|rar|txt)$", re.I)
_JS_FILE = re.compile(r"""["']((?:https?://|\.{0,2}/)[^"'\s<>]+?\.(?:pdf|docx?|wps|xlsx?|ofd|rtf))["']""", re.I)


def decode_html(body: bytes, content_type: str = "") -> str:
    """Bytes → text: the declared charset (GB2312/GBK read as GB18030), else UTF-8, else GB18030."""
    declared = None
    m = re.search(r"charset=([\w-]+)", content_type or "", re.I)
    if m:
        declared = m.group(1).lower()
    else:
        mm = _META_CHARSET.search(body[:4096])
        if mm:
            declared = mm.group(1).decode("ascii", "ignore").lower()
    if declared in _GB:
        declared = "gb18030"
    for codec in (declared, "utf-8", "gb18030"):
        if not codec:
            continue
        try:
            return body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", errors="replace")


def tree(page: FetchedPage) -> lxml.html.HtmlElement | None:
    text = page.text()
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()


@dataclass(frozen=True, slots=True)
class Anchor:
    url: str
    text: str
    title: str
    context: str

    @property
    def label(self) -> str:
        """The fullest name the page gives the link: lists cut long titles ("…年度报..."), the
        `title` attribute keeps them whole."""
        shown = self.text.rstrip(".…。 ")
        if self.title and (self.title.startswith(shown) or len(self.title) > len(shown)):
            return self.title
        return self.text


def anchors(page: FetchedPage, root: lxml.html.HtmlElement | None = None) -> Iterator[Anchor]:
    root = root if root is not None else tree(page)
    if root is None:
        return
    for a in root.iter("a"):
        href = a.get("href")
        if not href:
            continue
        url = join(page.url, href)
        if url is None:
            continue
        parent = a.getparent()
        context = clean(parent.text_content()) if parent is not None else ""
        yield Anchor(url, clean(a.text_content()), clean(a.get("title") or ""), context[:200])


def list_item(a: Anchor, role: Role = "report") -> FoundLink:
    hints: list[tuple[str, str]] = []
    if a.label:
        hints.append(("title", a.label))
    m = DATE.search(a.context.replace(a.label, "")) if a.context else None
    if m:
        hints.append(("published", f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"))
    return FoundLink(url=a.url, role=role, anchor=a.label, hints=tuple(hints))


def is_file(url: str) -> bool:
    """A link to a document file: by extension, or by a `filename`/`pathfile` parameter."""
    parts = urlsplit(url)
    if FILE_EXT.search(unquote(parts.path)):
        return True
    for key, values in parse_qs(parts.query).items():
        if key.lower() in ("filename", "pathfile", "file", "fileurl", "filepath", "path") and \
                any(FILE_EXT.search(v.strip(";")) for v in values):
            return True
    return False


def attachments(page: FetchedPage) -> list[FoundLink]:
    """Files a report page links (`<a>`), embeds (`iframe`/`embed` viewers) or lists in scripts
    (TRS `apps` arrays for the 全真版 PDF). Each carries the report's title as a hint."""
    root = tree(page)
    out: dict[str, FoundLink] = {}
    base_hints = tuple((k, v) for k, v in page.hints.items() if k in ("title", "published"))
    parent = (("parent", page.url),)

    def add(url: str | None, anchor: str, rendition: str = "") -> None:
        if url is None or url in out or url == page.url:
            return
        extra = (("rendition", rendition),) if rendition else ()
        out[url] = FoundLink(url=url, role="attachment", anchor=anchor, hints=base_hints + parent + extra)

    if root is not None:
        for a in anchors(page, root):
            if is_file(a.url) or FILE_EXT.search(a.text):
                add(a.url, a.label)
        for el in root.iter("iframe", "embed", "object"):
            src = el.get("src") or el.get("data") or ""
            q = parse_qs(urlsplit(src).query)
            for v in q.get("file", []):
                if not v.startswith("{{"):
                    add(join(page.url, v), "", "全真版")
        for script in root.iter("script"):
            for m in _JS_FILE.finditer(script.text or ""):
                add(join(page.url, m.group(1)), "", "全真版")
    return sorted(out.values(), key=lambda link: link.url)


YEAR_IN = re.compile(r"(?:19|20)\d\d")
LIST_MARKERS = re.compile(rb"createPageHTML\s*\(|<datastore>|/gkmlpt/api/")
"""Pagers only list pages carry (TRS page bar, Hanweb datastore, gkmlpt app)."""


def is_report_title(label: str) -> bool:
    """A dated report title (or a look-alike of one): 某县2023年政府信息公开工作年度报告. The column's own
    name (政府信息公开年度报告, no year) is not one."""
    return bool(REPORT_TITLE.search(label) and YEAR_IN.search(label))


def looks_like_list(page: FetchedPage) -> bool:
    """A list by structure: a pager only lists have, three or more links to other pages with report
    titles (an article links at most its neighbours, 上一篇 / 下一篇), or two or more year links."""
    if LIST_MARKERS.search(page.body[:262144]):
        return True
    found = list(anchors(page))
    titled = {a.url for a in found if a.url != page.url and not is_file(a.url) and is_report_title(a.label)}
    years = {a.url for a in found if a.url != page.url and YEAR_TEXT.match(a.text)}
    return len(titled) >= 3 or len(years) >= 2  # or a column of year sub-columns (2023年, 2022年 …)


def under(url: str, prefixes: tuple[str, ...]) -> bool:
    path = urlsplit(url).path
    return not prefixes or any(path.startswith(p) for p in prefixes)


def column_prefix(url: str) -> str:
    return directory(canonical(url))
