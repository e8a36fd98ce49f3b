"""The HTML article page as a government portal serves it (GBK, page chrome, Word-like table markup).

Truth is where each value's `<td>` is: the index of its `<table>` among the page's tables (the chrome is
laid out with `<div>`s, so only the three statistical tables are tables), of its `<tr>` in that table,
of the `<td>` in that row, and its grid position (spans expanded). Nothing in the markup names a cell.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from .model import Report
from .narrative import HEADINGS, intro
from .tables import Grid, place, table2, table3, table4

TD = ('<td{span} valign="middle" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt">'
      '<p class="MsoNormal" align="center" style="text-align:center"><span style="font-size:10.5pt;'
      'font-family:宋体">{text}</span></p></td>')


@dataclass(frozen=True, slots=True)
class Where:
    """A value's `<td>`: table, row and cell index (0-based, in document order) and its grid position."""

    cell: str
    table: int
    tr: int
    td: int
    grid_row: int
    grid_col: int


def _table(grid: Grid, index: int, where: list[Where]) -> str:
    grid_pos = {id(spec): (r, c) for r, c, spec in place(grid)}
    out = ['<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
           'style="border-collapse:collapse;border:none">']
    for r, row in enumerate(grid.rows):
        out.append("<tr>")
        for d, spec in enumerate(row):
            span = (f' colspan="{spec.cs}"' if spec.cs > 1 else "") + (f' rowspan="{spec.rs}"' if spec.rs > 1 else "")
            out.append(TD.format(span=span, text=html.escape(spec.text)))
            if spec.cell:
                gr, gc = grid_pos[id(spec)]
                where.append(Where(spec.cell, index, r, d, gr, gc))
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def _para(text: str) -> str:
    return f'<p class="MsoNormal" style="text-indent:32.0pt">{html.escape(text)}</p>'


def _body(report: Report, where: list[Where]) -> list[str]:
    body = [_para(intro(report.agency, report.year))]
    sections = {s.code: s for s in report.sections}
    tables = {"proactive": table2, "requests": table3, "appeals": table4}
    for n, code in enumerate(HEADINGS):
        body.append(f'<p class="MsoNormal"><b>{html.escape(HEADINGS[code])}</b></p>')
        if code in sections:
            body.append(_para("".join(sections[code].sentences)))
        if code in tables:
            body.append(_table(tables[code](report), n - 1, where))
    body += [f'<p class="MsoNormal" align="right">{html.escape(line)}</p>' for line in report.signed.split("\n")]
    return body


def render_html(report: Report, path: Path) -> list[Where]:
    """Write the page in GBK; the truth of every value's `<td>`."""
    where: list[Where] = []
    body = "\n".join(_body(report, where))
    title = html.escape(report.title)
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{title}_政府信息公开年报_{html.escape(report.agency)}</title>
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{report.year + 1}-01-20">
</head><body>
<div class="header"><div class="logo">{html.escape(report.agency)}门户网站</div>
<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/hdjl/">互动交流</a></div></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; 政府信息公开年报</div>
<div class="article"><h1 class="title">{title}</h1>
<div class="info">发布机构：{html.escape(report.agency)}　发布日期：{report.year + 1}-01-20</div>
<div class="TRS_Editor">
{body}
</div></div>
<div class="footer">主办单位：{html.escape(report.agency)}办公室　网站标识码：3205060001</div>
</body></html>
"""
    path.write_bytes(page.encode("gbk"))
    return where
