"""Portal pages as TRS / 集约化 CMSs serve them: chrome, 信息公开目录 metadata, the TRS_Editor body, 附件.

The page shapes follow `shared/spec/portals.md` and the real 平潭 pages of `shared/corpus/` (meta
ArticleTitle/PubDate/ColumnName, breadcrumb, `<div class=TRS_Editor>`, the `file_ul_fj` attachment
list, 上一篇/下一篇 links to articles that were not captured). Tables use rowspan/colspan as the template
prints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from tests.blind.assembly.model import (
    T2_BLOCKS,
    T2_HEADERS,
    T3_CARRY_OUT,
    T3_COLS,
    T3_NOTE,
    T3_ORG_LABELS,
    T3_RESULT_LABEL,
    T3_RESULT_ROWS,
    T3_TOP,
    T4_COL_LABELS,
    T4_COLS,
    T4_ROWS,
    ModelReport,
    Section,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """An `<a href>` as the page prints it (href relative or absolute, text as shown)."""

    href: str
    text: str
    onclick: str = ""


def _td(text: str, *, rows: int = 1, cols: int = 1) -> str:
    span = (f' rowspan="{rows}"' if rows > 1 else "") + (f' colspan="{cols}"' if cols > 1 else "")
    return f'<td{span} style="border:1px solid #000;text-align:center"><p>{escape(text)}</p></td>'


def table2_html(report: ModelReport) -> str:
    """Table 2: four blocks, each a caption row, a header row and its data rows."""
    rows: list[str] = []
    for caption, cols, data in T2_BLOCKS:
        rows.append(f"<tr>{_td(caption, cols=4)}</tr>")
        headers = [_td(T2_HEADERS[c]) for c in cols] if len(cols) == 3 else [_td(T2_HEADERS[cols[0]], cols=3)]
        rows.append(f"<tr>{_td('信息内容')}{''.join(headers)}</tr>")
        for code, label in data:
            if len(cols) == 3:
                values = "".join(_td(report.raw[("t2", code, c)]) for c in cols)
            else:
                values = _td(report.raw[("t2", code, cols[0])], cols=3)
            rows.append(f"<tr>{_td(label)}{values}</tr>")
    return _table(rows)


def table3_html(report: ModelReport) -> str:
    """Table 3: the 3×3 corner note, 申请人情况 over two header rows, three label columns."""
    head = [f"<tr>{_td(T3_NOTE, rows=3, cols=3)}{_td('申请人情况', cols=7)}</tr>",
            f"<tr>{_td('自然人', rows=2)}{_td('法人或其他组织', cols=5)}{_td('总计', rows=2)}</tr>",
            "<tr>" + "".join(_td(x) for x in T3_ORG_LABELS) + "</tr>"]
    body = [f"<tr>{_td(label, cols=3)}{_values(report, 't3', code, T3_COLS)}</tr>" for code, label in T3_TOP]
    seen_groups: set[str] = set()
    for i, (code, label, group) in enumerate(T3_RESULT_ROWS):
        first = _td(T3_RESULT_LABEL, rows=len(T3_RESULT_ROWS)) if i == 0 else ""
        if not group:
            labels = _td(label, cols=2)
        else:
            size = sum(1 for _, _, g in T3_RESULT_ROWS if g == group)
            labels = ("" if group in seen_groups else _td(group, rows=size)) + _td(label)
            seen_groups.add(group)
        body.append(f"<tr>{first}{labels}{_values(report, 't3', code, T3_COLS)}</tr>")
    code, label = T3_CARRY_OUT
    body.append(f"<tr>{_td(label, cols=3)}{_values(report, 't3', code, T3_COLS)}</tr>")
    return _table(head + body)


def table4_html(report: ModelReport) -> str:
    """Table 4: 行政复议 (5) | 行政诉讼 (未经复议直接起诉 5, 复议后起诉 5), one data row of 15."""
    head = [f"<tr>{_td('行政复议', cols=5)}{_td('行政诉讼', cols=10)}</tr>",
            "<tr>" + "".join(_td(x, rows=2) for x in T4_COL_LABELS)
            + f"{_td('未经复议直接起诉', cols=5)}{_td('复议后起诉', cols=5)}</tr>",
            "<tr>" + "".join(_td(x) for x in T4_COL_LABELS * 2) + "</tr>"]
    values = "".join(_values(report, "t4", row, T4_COLS) for row in T4_ROWS)
    return _table([*head, f"<tr>{values}</tr>"])


def _values(report: ModelReport, table: str, row: str, cols: Sequence[str]) -> str:
    return "".join(_td(report.raw[(table, row, c)]) for c in cols)


def _table(rows: list[str]) -> str:
    return ('<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%">'
            f"<tbody>{''.join(rows)}</tbody></table>")


def sections_html(sections: Sequence[Section], tables: dict[str, str]) -> str:
    """The body: each heading as its own paragraph, then its text, then the table printed under it."""
    parts = []
    for s in sections:
        parts.append(f'<p style="text-indent:2em"><strong>{escape(s.heading)}</strong></p>')
        parts += [f'<p style="text-indent:2em">{escape(p)}</p>' for p in s.paragraphs]
        if s.code in tables:
            parts.append(tables[s.code])
    return "\n".join(parts)


def article_page(report: ModelReport, *, body: str, attachments: Sequence[Link] = (),
                 related: Sequence[Link] = (), prev_next: Sequence[Link] = (), site: str = "政府门户网站") -> str:
    """A TRS-style article page around `body` (the TRS_Editor content), signed and dated."""
    meta = (f'<meta name="SiteName" content="{escape(site)}"/>\n<meta name="ColumnName" content="政府信息公开年报"/>\n'
            f'<meta name="ArticleTitle" content="{escape(report.title)}"/>\n'
            f'<meta name="PubDate" content="{report.published} 09:30"/>\n'
            f'<meta name="ContentSource" content="{escape(report.agency)}"/>')
    catalogue = ('<table class="xxgk_table"><tr><td>索引号：</td><td>'
                 f"{escape(report.index_number)}</td><td>发布机构：</td><td>{escape(report.agency)}</td></tr>"
                 f"<tr><td>分类：</td><td>政府信息公开年报</td><td>发布日期：</td><td>{report.published}</td></tr></table>")
    files = "".join(_li(a) for a in attachments)
    rel = "".join(_li(a) for a in related)
    nav = "".join(f"<p>{escape(t)}{_a(a)}</p>" for t, a in zip(("上一篇：", "下一篇："), prev_next, strict=False))
    year, month, day = report.published.split("-")
    signature = (f'<p style="text-align:right">{escape(report.agency)}</p>'
                 f'<p style="text-align:right">{int(year)}年{int(month)}月{int(day)}日</p>')
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"/>
{meta}
<title>{escape(report.title)}_政府信息公开年报_{escape(site)}</title>
<link rel="stylesheet" type="text/css" href="/images/trt_ui_v2.css">
</head><body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwgk/zfxxgk/">政府信息公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
<a href="/zwgk/zfxxgk/zfxxgknb/">政府信息公开年报</a></div>
{catalogue}
<div class="article"><h1 class="article_title">{escape(report.title)}</h1>
<div class="article_content"><div class=TRS_Editor>
{body}
{signature}
</div></div>
<div class="article_file"><div class="title_base">附件下载</div><ul id="file_ul_fj">{files}</ul></div>
<div class="links_con"><span>相关链接：</span><ul>{rel}</ul></div>
<div class="article_nav">{nav}</div></div>
<div class="footer"><p>主办单位：{escape(report.agency)}　网站标识码：3500000001</p></div>
</body></html>
"""


def _a(link: Link) -> str:
    onclick = f' onclick="{escape(link.onclick)}"' if link.onclick else ""
    return f'<a href="{escape(link.href)}"{onclick} target="_blank">{escape(link.text)}</a>'


def _li(link: Link) -> str:
    return f"<li>{_a(link)}</li>"


def notice_page(report: ModelReport, *, lead: str, attachments: Sequence[Link]) -> str:
    """The 全真版/文字版 landing page: one lead paragraph and the two versions as links."""
    body = f'<p style="text-indent:2em">{escape(lead)}</p>'
    return article_page(report, body=body, attachments=attachments)


def list_page(title: str, items: Sequence[tuple[Link, str]]) -> str:
    """A column list page (what a nav-looking 'attachment' really is): links and dates, nothing else."""
    rows = "".join(f'<li>{_a(a)}<span class="date">{d}</span></li>' for a, d in items)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"/><meta name="ColumnName" content="{escape(title)}"/>
<title>{escape(title)}</title></head><body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; {escape(title)}</div>
<div class="list"><ul class="list_ul">{rows}</ul>
<div class="page">共1页 <a href="index.html">首页</a> <a href="index.html">尾页</a></div></div>
</body></html>
"""
