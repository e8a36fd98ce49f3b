"""Portal article pages (HTML) → `Document`: the article's text blocks and grids, chrome left out.

Steps, each a small pure function: decode the bytes (`html_decode`), parse with lxml, read the
page's own metadata (`html_region`: ``<meta>`` tags, the 信息公开目录 header table, "来源：…
时间：…" lines), find the article container (`html_region.find_region`), then walk it in reading
order: paragraphs and ``<br>`` lines become `TextBlock`s, data tables become `Table`s with their
real spans (`html_tables`), layout tables (tables holding tables, one-column tables) are walked
through as containers, and the metadata table becomes hints instead of a body table. Links to
attachments and images inside the body are listed so the pipeline can follow them; the hint
``page_kind`` says whether the page is an ``article``, a ``list_page`` or an
``attachment_shell`` whose content lives only in attachments.

lxml is used directly on the hot path: ``bench/html.py`` shows BeautifulSoup(lxml) taking several
times as long to build its tree as the whole extraction here takes (and BeautifulSoup with the
lxml builder silently returns an empty tree for GBK bytes declared gb2312).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Literal
from urllib.parse import urljoin, urlsplit

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

from .encoding import DOUBLE_UTF8
from .errors import DocumentTooLarge, MalformedDocument, NoContent
from .html_decode import html_bytes_to_text
from .html_region import (
    CHROME_LINE,
    ContentRegion,
    catalogue_pairs,
    catalogue_table_hints,
    find_region,
    is_chrome,
    meta_hints,
)
from .html_tables import CELL_MARK, html_table_to_table
from .html_text import BLOCK_TAGS, MARK, block_of, clean_line, drop_invisible, element_text, split_lines
from .model import Document, Link, SourceRef, Table, TextBlock

NAME = "html"
VERSION = "1.0.0"

MAX_PAGE_BYTES = 16 * 1024 * 1024
"""Report pages weigh tens to hundreds of KB; a page past this is refused before parsing."""
MAX_DEPTH = 255
"""libxml2 stops building the tree at 256 nested elements (and silently drops the rest of the
page), so a deeper page is refused instead of half-read."""
SHELL_CHARS = 200
"""Body text below which a page with attachments is a shell around them, not the report itself."""
LIST_MIN_ITEMS = 8
"""Dated link entries (with no article) that make a page a column list page."""
LIST_MAX_TEXT = 1000
"""Article text (characters) above which a page is an article whatever lists it carries."""
MAX_LIST_ITEM = 300
_ITEM_DATE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
MAX_CHROME_LINE = 40
"""Only short lines can be widget text; a longer line is kept whatever it starts with."""

ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar|7z)$", re.I)
_ATTACHMENT_IN_QUERY = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar|7z)(?:[;&#]|$)", re.I)
"""download.jsp?pathfile=/atm/7/20230131173706156.docx; (河北省教育厅) names its file in the query."""
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NO_HREF = re.compile(r"^\s*(javascript:|#|mailto:|tel:)", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s-\s|--|——|(?<=[\u4e00-\u9fff])-(?=[\u4e00-\u9fff]))\s*")
_LABEL_TEXT = etree.XPath(
    "//body//text()[contains(., '：') or contains(., ':')]"
    "[contains(., '发布') or contains(., '来源') or contains(., '索引号') or contains(., '日期') "
    "or contains(., '时间') or contains(., '发文') or contains(., '主题分类')]")
"""Text nodes that may carry "label：value" metadata."""
_LABEL_LINE_MAX = 160
_PARSER = etree.HTMLParser(encoding="utf-8", remove_pis=True, remove_comments=True)


class _Walk:
    """Reading-order walk of the article element: text blocks, tables, links and hints."""

    def __init__(self, *, source: str, base: str) -> None:
        self.source = source
        self.base = base
        self.blocks: list[TextBlock | Table] = []
        self.links: list[Link] = []
        self.hints: list[tuple[str, str]] = []
        self._parts: list[str] = []
        self._offset = 0
        self.n_tables = 0
        self.table_elements: list[etree._Element] = []
        """The ``<table>`` element of each table block, in block order (`table[i]` of a locator)."""

    def cut(self, kind: Literal["heading", "paragraph"] = "paragraph") -> None:
        """Turn the text gathered so far into blocks, one per visible line; widget lines are dropped."""
        if not self._parts:
            return
        for line in split_lines("".join(self._parts)):
            if len(line) <= MAX_CHROME_LINE and CHROME_LINE.search(line):
                continue
            self.blocks.append(TextBlock(text=line, kind=kind, offset=self._offset))
            self._offset += len(line) + 1  # offsets in the blocks joined by newlines (`Document.text`)
        self._parts.clear()

    def visit(self, el: etree._Element, *, top: bool = False) -> None:
        tag = el.tag
        if isinstance(tag, str) and (top or not is_chrome(el)):
            self._element(el, tag)
        if not top and el.tail:
            self._parts.append(el.tail)

    def _element(self, el: etree._Element, tag: str) -> None:
        if tag in ("iframe", "embed", "object"):
            self._embedded(el)
            return
        if tag == "table" and self._table(el):
            return
        if tag == "img":
            self._image(el)
        elif tag == "a":
            self.add_link(el)
        if tag == "br":
            self._parts.append(MARK)
            return
        heading = tag in _HEADINGS
        block = tag in BLOCK_TAGS
        if heading:
            self.cut()
        elif block:
            self._parts.append(MARK)
        if el.text:
            self._parts.append(el.text)
        for child in el:
            self.visit(child)
        if heading:
            self.cut("heading")
        elif block:
            self._parts.append(MARK)

    def _table(self, el: etree._Element) -> bool:
        """Handle a data or metadata table; False for a layout table (walked as a container)."""
        catalogue = catalogue_table_hints(el)
        if catalogue is not None:
            self.hints += catalogue
            return True
        if is_layout_table(el):
            return False
        self.cut()
        table = html_table_to_table(el, index=self.n_tables, source=self.source)
        if table is not None:
            self.blocks.append(table)
            self.table_elements.append(el)
            self.n_tables += 1
        for a in el.iter("a", "img"):
            self._image(a) if a.tag == "img" else self.add_link(a)
        return True

    def add_link(self, a: etree._Element) -> None:
        href = (a.get("href") or "").strip()
        if not href or _NO_HREF.match(href):
            return
        text = clean_line(element_text(a).replace("\n", " "))
        self.links.append(Link(href=self._url(href), text=text, kind=link_kind(href, text)))

    def _image(self, img: etree._Element) -> None:
        src = (img.get("src") or "").strip()
        if not src or src.startswith("data:"):
            return
        text = clean_line(img.get("alt") or img.get("title") or "")
        self.links.append(Link(href=self._url(src), text=text, kind="image"))

    def _embedded(self, el: etree._Element) -> None:
        src = (el.get("src") or el.get("data") or "").strip()
        if src and ATTACHMENT_EXT.search(urlsplit(src).path):
            self.links.append(Link(href=self._url(src), text="", kind="attachment"))

    def _url(self, href: str) -> str:
        return urljoin(self.base, href) if self.base else href


def link_kind(href: str, text: str) -> Literal["link", "attachment"]:
    """attachment when the target (or the link text, for download scripts) names a document file."""
    parts = urlsplit(href)
    if (ATTACHMENT_EXT.search(parts.path) or _ATTACHMENT_IN_QUERY.search(parts.query)
            or ATTACHMENT_EXT.search(text.strip())):
        return "attachment"
    return "link"


def is_layout_table(el: etree._Element) -> bool:
    """A table used for page layout: it holds other tables, or it has a single column."""
    if el.find(".//table") is not None:
        return True
    return all(sum(1 for c in tr if c.tag in ("td", "th")) <= 1 for tr in el.iter("tr"))


_PRIVATE_MARKS_UTF8 = (MARK.encode("utf-8"), CELL_MARK.encode("utf-8"))
_MARKS_PREFIX = b"\xee\x80"
"""The UTF-8 lead bytes both marks share (one scan of a page usually settles it)."""


def parse_html(text: str, *, source: str, utf8: bytes | None = None) -> etree._Element:
    """Decoded page → lxml tree; refuse a page nested deeper than libxml2 builds.

    `utf8` (the page's own bytes, when they are UTF-8) is parsed as is, saving a re-encoding;
    the extractor's private line marks are stripped from the text first in every other case.
    """
    if utf8 is not None and (_MARKS_PREFIX not in utf8 or not any(m in utf8 for m in _PRIVATE_MARKS_UTF8)):
        data = utf8
    else:
        if MARK in text or CELL_MARK in text:
            text = text.replace(MARK, "").replace(CELL_MARK, "")
        decl = _XML_DECL.match(text)  # libxml2 refuses a declared encoding on re-encoded text
        data = (text[decl.end():] if decl else text).encode("utf-8", errors="surrogatepass")
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:  # pragma: no cover - recover mode rarely gives up
        raise MalformedDocument(source, f"not parseable as HTML: {exc}") from exc
    for err in _PARSER.error_log:
        if "Excessive depth" in err.message or "ERR_RESOURCE_LIMIT" in str(err.type_name):
            raise DocumentTooLarge(source, f"elements nested more than {MAX_DEPTH} deep (MAX_DEPTH); "
                                           "the parser cannot read such a page whole")
    return root


def page_label_hints(root: etree._Element) -> list[tuple[str, str]]:
    """ "来源：… 发布时间：…" and catalogue lines of the page around the article (see `_detached`)."""
    seen: set[etree._Element] = set()
    lines: list[str] = []
    for node in _LABEL_TEXT(root):
        holder = block_of(node)
        if holder is None or holder in seen or holder.tag == "table":
            continue
        seen.add(holder)
        text = element_text(holder).replace("\n", " ")
        if len(text) <= _LABEL_LINE_MAX:
            lines.append(text)
    return catalogue_pairs(lines)


def title_fallback(root: etree._Element) -> str | None:
    """The article title when no <meta> gives it: the first <h1>, else the first part of <title>."""
    for h in root.iterfind(".//body//h1"):
        text = clean_line(element_text(h).replace("\n", ""))
        if 4 <= len(text) <= 120:
            return text
    title = root.find(".//title")
    if title is not None and title.text:
        head = _TITLE_SPLIT.split(clean_line(title.text))[0]
        return head or None
    return None


def dated_items(root: etree._Element) -> list[etree._Element]:
    """List entries of a column page: a short ``<li>``/``<dl>``/``<tr>`` holding a link and a date."""
    out = []
    for item in root.iter("li", "dl", "tr"):
        if item.find(".//a") is None or any(is_chrome(a) for a in item.iterancestors()):
            continue
        text = etree.tostring(item, method="text", encoding=str, with_tail=False)
        if len(text) <= MAX_LIST_ITEM and _ITEM_DATE.search(text):
            out.append(item)
    return out


def page_kind(region: ContentRegion, blocks: list[TextBlock | Table], links: list[Link], title: str | None,
              items: int) -> str:
    """article | list_page | attachment_shell, from the shape of the page alone.

    A list page has many dated link entries and no article: no known body container, and less
    text than a report's first section (a report page's sidebar lists are dated entries too).
    """
    text_len = sum(len(b.text) for b in blocks if isinstance(b, TextBlock) and b.text != title)
    has_table = any(isinstance(b, Table) for b in blocks)
    if region.how != "container" and items >= LIST_MIN_ITEMS and text_len < LIST_MAX_TEXT:
        return "list_page"
    files = [ln for ln in links if ln.kind in ("attachment", "image")]
    if text_len < SHELL_CHARS and not has_table and files:
        return "attachment_shell"
    return "article"


def _dedupe(hints: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """One value per key, the first (most trusted) one, so ``dict(hints)`` and ``hint()`` agree."""
    out: dict[str, str] = {}
    for key, value in hints:
        if value and key not in out:
            out[key] = value
    return tuple(out.items())


def page_links(root: etree._Element, base: str) -> list[Link]:
    """Attachment links around the article (TRS puts 附件 below it), unless they sit in site furniture."""
    out = []
    for a in root.iterfind(".//body//a"):
        href = (a.get("href") or "").strip()
        if not href or _NO_HREF.match(href):
            continue
        text = clean_line(element_text(a).replace("\n", " "))
        if link_kind(href, text) != "attachment":
            continue
        if any(is_chrome(p) for p in a.iterancestors()):
            continue
        out.append(Link(href=urljoin(base, href) if base else href, text=text, kind="attachment"))
    return out


def _detached(el: etree._Element) -> Callable[[], None]:
    """Take `el` out of its tree (so searches of the page skip it); return the function putting it back."""
    parent = el.getparent()
    if parent is None:
        return lambda: None
    index = parent.index(el)
    parent.remove(el)  # lxml keeps the tail with the element
    return lambda: parent.insert(index, el)


def html_to_document(text: str, *, source: SourceRef, codec: str = "", raw: bytes | None = None) -> Document:
    """Decoded page → `Document` (pure; raises `NoContent` for a page with nothing to read).

    `raw`, the undecoded bytes in an ASCII-compatible `codec`, only lets cheap byte scans
    replace tree walks; the result is the same without it.
    """
    root = parse_html(text, source=source.uri, utf8=raw if codec == "utf-8" else None)
    hints = meta_hints(root)
    ascii_compatible = raw is not None and not codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32"))
    drop_invisible(root, source=raw if ascii_compatible else text.encode("utf-8"))
    region = find_region(root)
    base = dict(hints).get("url") or (source.uri if source.uri.startswith(("http://", "https://")) else "")
    walk = _Walk(source=source.uri, base=base)
    walk.visit(region.element, top=True)
    walk.cut()
    restore = _detached(region.element)  # what is left is the page around the article
    for table in root.iter("table"):
        hints += catalogue_table_hints(table) or []
    hints += walk.hints
    hints += page_label_hints(root)
    around = page_links(root, base)
    restore()
    keyed = dict(_dedupe(hints))
    title = keyed.get("title") or title_fallback(root)
    if title:
        hints.append(("title", title))
    if "published" not in keyed and keyed.get("written"):
        hints.append(("published", keyed["written"]))
    links = walk.links + around
    links = list(dict.fromkeys(links))
    items = dated_items(root) if region.how != "container" else []
    kind = page_kind(region, walk.blocks, links, title, len(items))
    if kind == "list_page":  # the entries are what a crawler follows from here
        for item in items:
            for a in item.iter("a"):
                walk.add_link(a)
        links = list(dict.fromkeys(walk.links + around))
    if not walk.blocks and not links:
        raise NoContent(source.uri, "empty page: no text, table, attachment or image in the article body")
    hints += [("page_kind", kind), ("region", region.how)] + ([("charset", codec)] if codec else [])
    doc_text = "\n".join(b.text for b in walk.blocks if isinstance(b, TextBlock))
    return Document(source=source, blocks=tuple(walk.blocks), links=tuple(links), hints=_dedupe(hints),
                    extractor=NAME, extractor_version=VERSION, text=doc_text)


def page_tables(data: bytes, *, source: str, headers: Mapping[str, str] | None = None,
                ) -> tuple[etree._Element, list[etree._Element]]:
    """The page's tree (invisible parts dropped, as the extractor reads it) and the ``<table>`` element
    behind each table of its `Document`: with `html_tables.cell_element` a locator
    ``table[i]/r<row>/c<col>`` finds the printed cell again (a viewer marks it)."""
    text, codec = html_bytes_to_text(data, headers=headers, source=source)
    raw = None if codec == DOUBLE_UTF8 else data
    root = parse_html(text, source=source, utf8=raw if codec == "utf-8" else None)
    ascii_compatible = raw is not None and not codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32"))
    drop_invisible(root, source=raw if ascii_compatible else text.encode("utf-8"))
    region = find_region(root)
    walk = _Walk(source=source, base="")
    walk.visit(region.element, top=True)
    return root, walk.table_elements


class HtmlExtractor:
    """The registered extractor for ``text/html``."""

    name = NAME
    version = VERSION

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        if len(data) > MAX_PAGE_BYTES:
            raise DocumentTooLarge(source.uri, f"page of {len(data)} bytes, over the limit of {MAX_PAGE_BYTES} "
                                               "(MAX_PAGE_BYTES)")
        text, codec = html_bytes_to_text(data, headers=headers, source=source.uri)
        return html_to_document(text, source=source, codec=codec, raw=None if codec == DOUBLE_UTF8 else data)
