"""Generated portal pages: a report rendered the way three CMS families publish it, with site chrome.

* ``trs``      — TRS WCM: the national ``<meta name="ArticleTitle|PubDate|ContentSource|ColumnName">``
  tags, a ``TRS_Editor`` body of Word-pasted ``<p style><span>`` paragraphs, "发布时间/来源" line.
* ``hanweb``   — Hanweb jcms: page built from nested layout tables, a 信息公开目录 header table
  (索引号/发布机构/发文日期/主题分类), the body in ``<div id="zoom">``, no ArticleTitle meta.
* ``jiyuehua`` — a 集约化 platform: ``UCAP-CONTENT`` body with the catalogue table *inside* it and
  a share widget after the signature.

Every page carries full site chrome (navigation, breadcrumb, related links, share and print
widgets, footer); the phrases in ``CHROME_MARKERS`` occur only there, so a test can assert that no
chrome reached the extracted text. Any page may instead use a container class no extractor knows
(``container=False``), so the density heuristic has to find the body. Tables come from
``layout.py`` with their real spans, drawn with the quirks of real pages: ``&nbsp;`` padding in
number cells, ``<p><span>`` wrapped text, vertical labels one character per ``<p>`` or ``<br>``,
malformed span attributes (``colspan="2;"``, ``colspan="0"``), and Table 3 optionally cut in two
``<table>``s by a Word page break, the header rows repeated and the spanning labels re-opened.

Encodings: UTF-8 or GBK, declared by the HTTP header only, by ``<meta>`` only (GBK pages declare
gb2312 and contain 喆, which GB2312 lacks), or not at all. Rendering is a pure function of
``(report, family, charset, split_t3_at, container)``; cosmetic choices come from ``layout_seed``.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from typing import Literal

from .layout import PCell, PTable, layouts, place
from .truth import SECTION_CODES, GeneratedReport, format_date

Family = Literal["trs", "hanweb", "jiyuehua"]
Charset = Literal["utf8-header", "utf8-meta", "utf8-none", "gbk-header", "gbk2312-meta", "gbk-none"]
FAMILIES: tuple[Family, ...] = ("trs", "hanweb", "jiyuehua")
CHARSETS: tuple[Charset, ...] = ("utf8-header", "utf8-meta", "utf8-none", "gbk-header", "gbk2312-meta", "gbk-none")

CONTACT = "联系人：王喆，联系电话：0591-23165250"
"""A body line with 喆 (in GBK, not in GB2312): decoding a gb2312-declared page as GB2312 loses it."""
CHROME_MARKERS: tuple[str, ...] = (
    "当前位置", "网站地图", "无障碍浏览", "分享到", "打印本页", "关闭窗口", "相关链接", "主办单位",
    "网站标识码", "ICP备", "浏览次数", "扫一扫在手机上查看", "字号", "上一篇", "热点专题", "我要纠错",
    "政务服务网", "公安机关备案号",
)
"""Phrases that only the site chrome of a generated page contains."""


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """One rendered page: its bytes, the HTTP headers it came with, and how it was made."""

    key: str
    data: bytes
    headers: tuple[tuple[str, str], ...]
    family: Family
    charset: Charset
    split_t3_at: int | None
    container: bool
    url: str


def _e(text: str) -> str:
    return html.escape(text, quote=False)


# --- tables ---------------------------------------------------------------------------------


def _cell_html(cell: PCell, rng: random.Random, *, vertical: bool) -> str:
    """The inside of a <td>: the quirks of Word-pasted and CMS-edited cells."""
    text = cell.text
    if "\n" in text or vertical:  # a vertical label: one character per line
        chars = [c for c in text if not c.isspace()]
        if rng.random() < 0.5:
            return "".join(f'<p class="MsoNormal" align="center"><span>{_e(c)}</span></p>' for c in chars)
        return "<br>".join(_e(c) for c in chars)
    if cell.key is not None:  # a value cell
        pad = rng.choice(["", "", "&nbsp;", "&nbsp;&nbsp;", " "])
        inner = pad + _e(text) + rng.choice(["", "&nbsp;", "&nbsp;&nbsp;&nbsp;"])
    else:
        inner = _e(text)
    style = rng.random()
    if style < 0.4:
        return f'<p class="MsoNormal" align="center" style="text-align:center"><span style="font-family:仿宋_GB2312;font-size:12pt">{inner}</span></p>'
    if style < 0.6 and len(text) > 6:  # label split over several spans
        cut = len(text) // 2
        return f"<span>{_e(text[:cut])}</span><span><font face=\"仿宋\">{_e(text[cut:])}</font></span>"
    return inner


def _span_attrs(cell: PCell, rowspan: int, rng: random.Random) -> str:
    out = ""
    if cell.colspan > 1:
        out += f' colspan="{cell.colspan}{rng.choice(["", "", ";", " "])}"'
    elif rng.random() < 0.05:
        out += ' colspan="0"'  # read as 1 by browsers
    if rowspan > 1:
        out += f' rowspan="{rng.choice(["", " "])}{rowspan}"'
    return out


def _rows_html(rows: list[list[tuple[PCell, int]]], rng: random.Random) -> str:
    out = []
    for row in rows:
        tds = []
        for cell, rowspan in row:
            vertical = cell.rowspan >= 8 and len(cell.text) <= 12 and rng.random() < 0.6
            tds.append(f'<td valign="center" width="{rng.randint(40, 120)}"{_span_attrs(cell, rowspan, rng)}'
                       f' style="border:solid windowtext 1.0pt;padding:0cm 5.4pt">{_cell_html(cell, rng, vertical=vertical)}</td>')
        out.append("<tr>" + "".join(tds) + "</tr>")
    return "\n".join(out)


def _grid_rows(anchors: list[tuple[int, int, PCell]], start: int, stop: int,
               carry: bool) -> list[list[tuple[PCell, int]]]:
    """HTML rows for body rows [start, stop) of a layout; spans crossing `start` re-open when `carry`."""
    rows: list[list[tuple[int, PCell, int]]] = [[] for _ in range(stop - start)]
    for r, c, cell in anchors:
        end = r + cell.rowspan
        if start <= r < stop:
            rows[r - start].append((c, cell, min(end, stop) - r))
        elif carry and r < start < end:
            rows[0].append((c, cell, min(end, stop) - start))
    return [[(cell, span) for _, cell, span in sorted(row, key=lambda x: x[0])] for row in rows]


def _table_html(layout: PTable, rng: random.Random, *, split_at: int | None) -> list[str]:
    """One <table> per printed part (Table 3 cut by a page break repeats its 3 header rows)."""
    anchors = place(layout)
    n_rows = len(layout.rows)
    attrs = rng.choice(['border="1" cellspacing="0" cellpadding="0"', 'class="MsoNormalTable" border="1"',
                        'style="border-collapse:collapse;width:100%" border="1"'])
    if split_at is None:
        return [f"<table {attrs}><tbody>\n{_rows_html(_grid_rows(anchors, 0, n_rows, False), rng)}\n</tbody></table>"]
    cut = 3 + split_at
    head = _grid_rows(anchors, 0, 3, False)
    first = _grid_rows(anchors, 0, cut, False)
    second = head + _grid_rows(anchors, cut, n_rows, True)
    return [f"<table {attrs}><tbody>\n{_rows_html(part, rng)}\n</tbody></table>" for part in (first, second)]


# --- body -------------------------------------------------------------------------------------


def _para(text: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.5:
        return ('<p class="MsoNormal" style="text-indent:32pt;line-height:28pt">'
                f'<span style="font-family:仿宋_GB2312;font-size:16pt">{_e(text)}</span></p>')
    if style < 0.8:
        return f'<p style="text-indent:2em;">{_e(text)}</p>'
    # a long Word line wrapped in the source between two CJK characters
    cut = max(1, len(text) // 2)
    while cut < len(text) - 1 and not ("\u4e00" <= text[cut - 1] <= "\u9fff" and "\u4e00" <= text[cut] <= "\u9fff"):
        cut += 1
    return f"<p>\u3000\u3000{_e(text[:cut])}\n  {_e(text[cut:])}</p>"


def _heading(text: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.4:
        return f'<p style="text-indent:32pt"><strong><span style="font-family:黑体">{_e(text)}</span></strong></p>'
    if style < 0.7:
        cut = text.index("、") + 1
        return f"<p><span>{_e(text[:cut])}</span><span style='font-family:黑体'>{_e(text[cut:])}</span></p>"
    return f"<h3>{_e(text)}</h3>"


def body_html(g: GeneratedReport, rng: random.Random, *, split_t3_at: int | None, with_title: bool) -> str:
    t2, t3, t4 = layouts(g)
    parts: list[str] = []
    if with_title:
        parts.append(f'<p align="center" style="text-align:center"><strong>{_e(g.title)}</strong></p>')
    parts += [_para(g.intro, rng), f"<p>{_e(CONTACT)}</p>"]
    tables = {"proactive": (t2, None), "requests": (t3, split_t3_at), "appeals": (t4, None)}
    for code in SECTION_CODES:
        parts.append(_heading(g.sections[code], rng))
        if code in tables:
            layout, split = tables[code]
            tabs = _table_html(layout, rng, split_at=split)
            gap = '<p><br clear="all" style="page-break-before:always"></p>\n<p>&nbsp;</p>'
            parts.append(f"\n{gap}\n".join(tabs))
        elif g.section_bodies.get(code):
            parts.append(_para(g.section_bodies[code], rng))
    parts.append('<p>&nbsp;</p>')
    parts.append(f'<p style="text-align:right">{_e(g.agency)}</p>')
    parts.append(f'<p style="text-align:right">{_e(format_date(g.published, g.published_style))}</p>')
    return "\n".join(parts)


# --- chrome ---------------------------------------------------------------------------------


_NAV = ("首页", "政务公开", "政务服务网", "互动交流", "走进本地", "专题专栏", "网站地图")
_RELATED = ("关于开展政府网站工作年度报表填报工作的通知", "本机关2023年度法治政府建设情况报告",
            "政府信息公开指南", "政府信息公开制度", "热点专题：优化营商环境")


def _nav(rng: random.Random) -> str:
    items = "".join(f'<li><a href="/{i}/index.html">{n}</a></li>' for i, n in enumerate(_NAV))
    return (f'<div class="header"><div class="top-bar"><a href="#">无障碍浏览</a> <a href="#">长者模式</a></div>'
            f'<div class="logo"><img src="/images/logo.png" alt="门户网站"></div>'
            f'<ul class="nav">{items}</ul>'
            f'<form class="search"><input type="text" placeholder="请输入关键字"><button>搜索</button></form></div>')


def _breadcrumb(column: str) -> str:
    return (f'<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
            f'<a href="/zwgk/nb/">{_e(column)}</a></div>')


def _related(rng: random.Random) -> str:
    links = "".join(f'<li><a href="/zwgk/{i}.html">{t}</a><span>2024-0{i + 1}-1{i}</span></li>'
                    for i, t in enumerate(_RELATED))
    return f'<div class="related"><h4>相关链接</h4><ul>{links}</ul></div>'


def _tools() -> str:
    return ('<div class="article-tools"><span class="fontsize">字号：<a href="javascript:;">大</a> '
            '<a href="javascript:;">中</a> <a href="javascript:;">小</a></span>'
            '<a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a>'
            '<a href="#">我要纠错</a></div>'
            '<div class="pager"><p>上一篇：<a href="/zwgk/a.html">关于公布政府信息公开指南的通知</a></p></div>')


def _share() -> str:
    return ('<div class="share"><span>分享到：</span><a href="#">微信</a><a href="#">微博</a><a href="#">QQ空间</a>'
            '<div class="qrcode"><p>扫一扫在手机上查看当前页面</p></div></div>')


def _footer(g: GeneratedReport) -> str:
    return (f'<div class="footer"><p>主办单位：{_e(g.agency)}办公室　承办：大数据中心（技术支持：镕晟科技）</p>'
            '<p>网站标识码：3501000001　<a href="https://beian.miit.gov.cn">闽ICP备12345678号-1</a>'
            '　公安机关备案号 35010202000123</p></div>')


def _catalogue(g: GeneratedReport, rng: random.Random, column: str) -> str:
    index = f"{g.region_code}00-{g.report_year + 1}-{rng.randint(1, 999):05d}"
    return ('<table class="xxgk_table" width="100%" border="0"><tbody>'
            f'<tr><td class="label">索引号：</td><td>{index}</td><td class="label">发布机构：</td><td>{_e(g.agency)}</td></tr>'
            f'<tr><td class="label">发文日期：</td><td>{g.published}</td><td class="label">主题分类：</td><td>{_e(column)}</td></tr>'
            f'<tr><td class="label">名称：</td><td colspan="3">{_e(g.title)}</td></tr>'
            '</tbody></table>')


# --- pages ------------------------------------------------------------------------------------


def _head(g: GeneratedReport, family: Family, charset: Charset, column: str, url: str) -> str:
    decl = ""
    if charset == "utf8-meta":
        decl = '<meta charset="utf-8">'
    elif charset == "gbk2312-meta":
        decl = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    metas = ""
    if family in ("trs", "jiyuehua"):
        metas = (f'<meta name="SiteName" content="{_e(g.agency)}门户网站">'
                 f'<meta name="ColumnName" content="{_e(column)}">'
                 f'<meta name="ArticleTitle" content="{_e(g.title)}">'
                 f'<meta name="PubDate" content="{g.published} 09:30">'
                 f'<meta name="ContentSource" content="{_e(g.agency)}">'
                 f'<meta name="Url" content="{url}">')
    return (f"<head>{decl}<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">{metas}"
            f"<title>{_e(g.title)}_{_e(column)}_{_e(g.agency)}</title>"
            '<link rel="stylesheet" href="/css/style.css"><script>var _hmt = _hmt || [];</script>'
            "<style>.nav li{float:left}</style></head>")


def _container(family: Family, known: bool) -> tuple[str, str]:
    if not known:
        return '<div class="pages-text-box">', "</div>"
    return {
        "trs": ('<div class="view TRS_Editor"><div class="TRS_Editor">', "</div></div>"),
        "hanweb": ('<div id="zoom">', "</div>"),
        "jiyuehua": ('<div class="article-content" id="UCAP-CONTENT">', "</div>"),
    }[family]


def render_html(g: GeneratedReport, family: Family, charset: Charset, *, split_t3_at: int | None = None,
                container: bool = True) -> HtmlPage:
    """One generated report as a portal page of `family`, encoded and declared as `charset`."""
    rng = random.Random(g.layout_seed * 31 + FAMILIES.index(family) * 7 + CHARSETS.index(charset))
    column = "政府信息公开年报"
    url = f"https://www.example.gov.cn/zwgk/nb/{g.report_year + 1}01/t{g.key}.html"
    open_, close = _container(family, container)
    date_line = (f'<div class="article-info"><span>发布时间：{g.published} 09:30</span>　'
                 f'<span>来源：{_e(g.agency)}</span>　<span>浏览次数：{rng.randint(10, 9999)}</span></div>')
    if family == "trs":
        body = body_html(g, rng, split_t3_at=split_t3_at, with_title=rng.random() < 0.5)
        page = (f'{_nav(rng)}<div class="main">{_breadcrumb(column)}<div class="article">'
                f'<div class="article_title"><h1>{_e(g.title)}</h1></div>{date_line}{_tools()}'
                f'{open_}{body}{close}{_share()}</div>{_related(rng)}</div>{_footer(g)}')
    elif family == "hanweb":
        body = body_html(g, rng, split_t3_at=split_t3_at, with_title=False)
        page = ('<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr><td>'
                f'{_nav(rng)}</td></tr><tr><td>{_breadcrumb(column)}</td></tr>'
                '<tr><td><table width="100%" border="0"><tr><td width="760" valign="top">'
                f'{_catalogue(g, rng, column)}'
                f'<table width="100%"><tr><td align="center" class="title">{_e(g.title)}</td></tr>'
                f'<tr><td>{open_}{body}{close}</td></tr><tr><td>{_tools()}</td></tr></table>'
                f'</td><td width="240" valign="top" class="sidebar">{_related(rng)}</td></tr></table></td></tr>'
                f'<tr><td>{_footer(g)}</td></tr></table>')
    else:
        body = body_html(g, rng, split_t3_at=split_t3_at, with_title=True)
        page = (f'{_nav(rng)}<div class="container">{_breadcrumb(column)}'
                f'<div class="detail">{open_}{_catalogue(g, rng, column)}{body}{_share()}{close}'
                f'{date_line}{_tools()}</div>{_related(rng)}</div>{_footer(g)}')
    doc = f'<!DOCTYPE html>\n<html lang="zh-CN">{_head(g, family, charset, column, url)}<body>{page}</body></html>\n'
    codec = "utf-8" if charset.startswith("utf8") else "gbk"
    data = doc.encode(codec)
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html"),)
    if charset == "utf8-header":
        headers = (("Content-Type", "text/html; charset=UTF-8"),)
    elif charset == "gbk-header":
        headers = (("content-type", "text/html;charset=GBK"),)
    key = f"{g.key}.{family}.{charset}" + (f".split{split_t3_at}" if split_t3_at is not None else "") + (
        "" if container else ".nocontainer")
    return HtmlPage(key=key, data=data, headers=headers, family=family, charset=charset, split_t3_at=split_t3_at,
                    container=container, url=url)


def html_corpus(reports: list[GeneratedReport]) -> list[tuple[GeneratedReport, HtmlPage]]:
    """Every report as one page; family, charset, split and container cycle so all combinations occur."""
    out = []
    for i, g in enumerate(reports):
        family = FAMILIES[i % len(FAMILIES)]
        charset = CHARSETS[(i // len(FAMILIES)) % len(CHARSETS)]
        n_rows = 25 if g.era == "2021" else 23
        split = None if i % 2 else 4 + (g.layout_seed % (n_rows - 8))
        container = i % 7 != 3
        out.append((g, render_html(g, family, charset, split_t3_at=split, container=container)))
    return out


def bench_corpus(n: int) -> list[tuple[str, bytes, int]]:
    """(name, bytes, pages) of `n` generated pages, for ``bench/`` (one page per document)."""
    from .truth import generate

    return [(page.key + ".html", page.data, 1) for _, page in html_corpus(generate(seed=11, n=n))]
