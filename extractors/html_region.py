"""Where the article is on a portal page, and what the page says about itself.

Real CMS pages wrap a report in navigation, breadcrumbs, share widgets, related links and
footers. The page's own signals come first: the ``<meta name="ArticleTitle|PubDate|
ContentSource|ColumnName">`` tags of the national site specification, the 信息公开目录 header
table (索引号 / 发布机构 / 发文日期 / 主题分类), and the body containers of the CMS families
(TRS ``TRS_Editor`` / ``trs_editor_view``, Hanweb ``#zoom``, 集约化 ``UCAP-CONTENT`` …). When no
container is known, a readability-style density score picks the element that holds the
paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

from .html_text import MARK, block_of, clean_line, element_text, split_lines

# --- page metadata ------------------------------------------------------------------------------

META_NAMES = {
    "articletitle": "title", "pubdate": "published", "contentsource": "agency", "columnname": "column",
    "url": "url", "sitename": "site", "firstimage": "", "keywords": "keywords",
}
"""<meta name> of the 政府网站网页设计规范 → hint key ("" = ignored)."""

CATALOGUE_LABELS: tuple[tuple[str, str], ...] = (
    ("索引号", "index_number"), ("信息索引号", "index_number"),
    ("发布机构", "agency"), ("发文机关", "agency"), ("发布单位", "agency"), ("信息来源", "agency"),
    ("公开责任部门", "agency"), ("来源", "agency"),
    ("发布日期", "published"), ("发布时间", "published"), ("公开日期", "published"), ("生成日期", "published"),
    ("发文日期", "written"), ("成文日期", "written"),
    ("主题分类", "topic"), ("信息分类", "topic"), ("分类", "topic"),
    ("发文字号", "doc_number"), ("文号", "doc_number"),
    ("名称", "title"), ("标题", "title"), ("信息名称", "title"),
    ("主题词", "keywords"), ("关键词", "keywords"), ("时间", "published"),
    ("公开方式", "open_mode"), ("公开范围", "open_scope"), ("有效性", "validity"),
)
"""Labels of the 信息公开目录 header (and of the "来源：… 发布时间：…" line) → hint key."""
_LABEL_RE = re.compile(
    r"(" + "|".join(sorted({re.escape(lbl) for lbl, _ in CATALOGUE_LABELS}, key=len, reverse=True))
    + r")\s*[:：]\s*")
_LABEL_KEY = dict(CATALOGUE_LABELS)
_LABEL_WORD = re.compile("|".join(sorted({re.escape(lbl) for lbl, _ in CATALOGUE_LABELS}, key=len, reverse=True)))
_BARE_LABEL = re.compile(r"^(" + "|".join(re.escape(lbl) for lbl, _ in CATALOGUE_LABELS) + r")\s*[:：]?$")
MAX_CATALOGUE_CELLS = 40
"""A header table is small; a bigger table is content (and is not scanned for labels)."""
MIN_CATALOGUE_LABELS = 2
"""A table is the 信息公开目录 header when at least this many of its cells are catalogue labels."""


def meta_hints(root: etree._Element) -> list[tuple[str, str]]:
    """Hints from the standard ``<meta name=…>`` tags (empty values left out)."""
    out: list[tuple[str, str]] = []
    for meta in root.iterfind(".//meta"):
        name = (meta.get("name") or "").strip().lower()
        key = META_NAMES.get(name)
        value = clean_line(meta.get("content") or "")
        if key and value:
            out.append((key, value))
    return out


def catalogue_pairs(lines: Iterable[str]) -> list[tuple[str, str]]:
    """(hint key, value) for every "label：value" found in `lines` (several may share a line)."""
    out: list[tuple[str, str]] = []
    for line in lines:
        matches = list(_LABEL_RE.finditer(line))
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[m.end():end].strip(" \u3000|｜")
            if value:
                out.append((_LABEL_KEY[m.group(1)], value))
    return out


def catalogue_table_hints(table: etree._Element) -> list[tuple[str, str]] | None:
    """Hints of a 信息公开目录 header table, or None when `table` is not one.

    Cells come as "label：value" or as a label cell followed by its value cell.
    """
    cells = list(islice(table.iter("td", "th"), MAX_CATALOGUE_CELLS + 1))
    if len(cells) > MAX_CATALOGUE_CELLS or table.find(".//table") is not None:  # big, or a layout table
        return None
    if not _LABEL_WORD.search(etree.tostring(table, method="text", encoding=str, with_tail=False)):
        return None
    texts = [element_text(c).replace("\n", " ") for c in cells]
    labels = sum(1 for t in texts if _BARE_LABEL.match(t) or _LABEL_RE.match(t))
    if labels < MIN_CATALOGUE_LABELS:
        return None
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(texts):
        bare = _BARE_LABEL.match(texts[i])
        if bare and i + 1 < len(texts) and not _BARE_LABEL.match(texts[i + 1]):
            value = texts[i + 1].strip()
            if value:
                out.append((_LABEL_KEY[bare.group(1)], value))
            i += 2
            continue
        out += catalogue_pairs([texts[i]])
        i += 1
    return out


# --- chrome -----------------------------------------------------------------------------------

CHROME_TOKENS = frozenset({
    "share", "fenxiang", "bdshare", "bdsharebuttonbox", "jiathis", "print", "dayin", "close", "guanbi",
    "qrcode", "ewm", "erweima", "related", "relnews", "xglj", "xgwz", "xgxx", "xgwj", "pager", "pagination",
    "prev", "next", "breadcrumb", "crumb", "crumbs", "position", "location", "dqwz", "footer", "foot", "nav",
    "navbar", "menu", "toolbar", "tools", "fontsize", "zihao", "comment", "pinglun", "jiucuo", "sidebar",
    "btn", "search", "login", "header", "banner", "copyright", "msoheader", "msofooter",
})
"""Class/id words of site furniture (split on space, "-" and "_")."""
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
CHROME_LINE = re.compile(
    r"^(?:[【\[]?\s*(?:打印(?:本页|此页|文章)?|关闭(?:本页|窗口)?|收藏(?:本页)?|返回(?:顶部|首页)?|我要纠错|纠错)\s*[】\]]?\s*)+$"
    r"|^(?:分享到|扫一扫|上一篇|下一篇|字号|【字体|字体[:：]|相关(?:链接|文章|阅读|信息|新闻)|责任编辑|浏览次数|访问量|阅读次数)"
)
"""Lines of widgets that CMS editors leave inside the article container."""


_CHROME_ELEMENTS = frozenset({"nav", "footer", "header", "aside"})
"""Tags that are furniture with no class or id to say otherwise. Not ``<form>``: VSB/博达 pages
print the article inside ``<form name="_newscontent_fromname">`` (ASP.NET ones the whole page);
a search box is small and named (``search``), and never the largest text."""


def is_chrome(el: etree._Element) -> bool:
    """Site furniture by its tag or by a class/id word (``share``, ``breadcrumb``, ``footer`` …)."""
    cls, ident = el.get("class"), el.get("id")
    if cls is None and ident is None:
        return el.tag in _CHROME_ELEMENTS
    return el.tag in ("nav", "footer") or _chrome_words(f"{cls or ''} {ident or ''}")


@lru_cache(maxsize=4096)
def _chrome_words(attrs: str) -> bool:
    return any(t.lower() in CHROME_TOKENS for t in _TOKEN_SPLIT.split(attrs) if t)


# --- the article container ----------------------------------------------------------------------

STRONG_WORDS = frozenset({
    "trs_editor", "trs_editor_view", "trs_ueditor", "trs_paper_default", "custom_unionstyle", "zoom", "fontzoom",
    "ucap_content", "article_content", "article_con", "art_con", "articlecontent", "content_detail",
    "detail_content", "xxgk_content", "wordsection1", "zwxq", "wzcon", "view_content", "v_news_content",
    "vsb_content",
})
"""Body containers of the CMS families, as lower-cased class/id words ("-" read as "_")."""
_PREFILTER = re.compile(r"(?i)editor|zoom|content|section1|unionstyle|zwxq|wzcon|[_-]con|paper")
"""A cheap C-side prefilter on the class/id string; `_strong` then checks the words exactly."""
CONTAINER_TAGS = ("div", "article", "section", "main")
"""Tags the CMS body containers use (cells and spans are too many to test one by one)."""


def _strong(el: etree._Element) -> bool:
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}".lower().replace("-", "_")
    return any(word in STRONG_WORDS for word in attrs.split())


def strong_containers(root: etree._Element) -> list[etree._Element]:
    out = []
    for el in root.iter(CONTAINER_TAGS):
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if len(attrs) > 1 and _PREFILTER.search(attrs) and _strong(el):
            out.append(el)
    return out


MIN_BODY_CHARS = 20
"""A container with less visible text than this is an empty shell, not the article."""
INNER_SHARE = 0.85
"""An inner container that keeps this share of an outer one's text is the tighter body."""
MIN_PARAGRAPH = 25
"""Characters of a paragraph that counts for the density score."""


_BLANKS = (" ", "\n", "\t", "\r", "\xa0", "\u3000", MARK)


def _visible_len(el: etree._Element) -> int:
    """Non-blank characters under `el` (C-side serialisation; scripts are already gone)."""
    text: str = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return len(text) - sum(text.count(ch) for ch in _BLANKS)


def _link_len(el: etree._Element) -> int:
    return sum(len("".join(a.itertext()).replace(MARK, "").strip()) for a in el.iter("a"))


@dataclass(frozen=True, slots=True)
class ContentRegion:
    element: etree._Element
    how: str
    """"container" (a known CMS body), "density" (the score) or "page" (nothing better)."""


def _related(a: etree._Element, b: etree._Element) -> bool:
    return a is b or any(x is b for x in a.iterancestors()) or any(x is a for x in b.iterancestors())


def _pick(candidates: list[etree._Element]) -> etree._Element | None:
    """The largest container, narrowed to an inner one holding nearly all its text; widened to
    the common parent when the article is split over sibling containers (two ``TRS_Editor``s)."""
    sized = [(c, _visible_len(c)) for c in candidates]
    sized = [(c, n) for c, n in sized if n >= MIN_BODY_CHARS and not is_chrome(c)]
    if not sized:
        return None
    best, best_n = max(sized, key=lambda x: x[1])
    inner = [(c, n) for c, n in sized if c is not best and n >= INNER_SHARE * best_n
             and any(a is best for a in c.iterancestors())]
    if inner:
        best = max(inner, key=lambda x: sum(1 for _ in x[0].iterancestors()))[0]
    parent = best.getparent()
    siblings = [c for c, _ in sized if not _related(c, best)]
    if parent is not None and siblings and all(c.getparent() is parent for c in siblings):
        return parent
    return best


def _inside_chrome(el: etree._Element, memo: dict[etree._Element, bool]) -> bool:
    """`el` or an ancestor is site furniture (footer text must not pull the score there)."""
    if el in memo:
        return memo[el]
    parent = el.getparent()
    result = is_chrome(el) or (parent is not None and _inside_chrome(parent, memo))
    memo[el] = result
    return result


def density_region(body: etree._Element) -> etree._Element | None:
    """The element whose children hold the most paragraph text (readability's parent/grandparent score)."""
    score: dict[etree._Element, float] = {}
    in_chrome: dict[etree._Element, bool] = {}
    for node in body.xpath(".//text()[not(ancestor::a)]"):
        text = "".join(split_lines(str(node)))
        if len(text) < MIN_PARAGRAPH:
            continue
        holder = block_of(node)
        if holder is None or _inside_chrome(holder, in_chrome):
            continue
        weight = 1 + len(text) / 100 + text.count("，") + text.count("。")
        parent = holder.getparent()
        if parent is not None:
            score[parent] = score.get(parent, 0.0) + weight
            grand = parent.getparent()
            if grand is not None:
                score[grand] = score.get(grand, 0.0) + weight / 2
        score[holder] = score.get(holder, 0.0) + weight / 4
    if not score:
        return None
    ranked = []
    for el, s in score.items():
        if el.tag in ("html",) or is_chrome(el):
            continue
        total = _visible_len(el) or 1
        ranked.append((s * (1 - min(1.0, _link_len(el) / total)), el))
    if not ranked:
        return None
    return max(ranked, key=lambda x: x[0])[1]


def find_region(root: etree._Element) -> ContentRegion:
    """The article element of the page: a known body container, else the densest, else <body>."""
    body = root.find("body")
    if body is None:
        body = root
    picked = _pick(strong_containers(root))
    if picked is not None:
        return ContentRegion(picked, "container")
    dense = density_region(body)
    if dense is not None:
        return ContentRegion(dense, "density")
    return ContentRegion(body, "page")

