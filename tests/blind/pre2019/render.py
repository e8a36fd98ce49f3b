"""Renderers: one report (prose blocks + a 统计表 grid) as a TRS-style HTML page, DOCX, or crawled text.

Text comes in two shapes seen in real crawls: one cell per line with blank lines between cells (the
河北 spider CSVs) and run-together, where a whole table is one line with no separator at all (the
平潭 archive: "主动公开信息数条4251516其中：1.网站公开条41815092.政府公报公开条77…").
"""

from __future__ import annotations

import html
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
from docx.shared import Pt

from .model import Style
from .narrative import fmt


@dataclass
class Grid:
    """A table: header rows, body rows (strings; '\\n' = printed line break), and a merged first column."""

    header: list[list[str]]
    body: list[list[str]]
    groups: list[tuple[int, int]] = field(
        default_factory=list
    )  # (first body row, row count) merged in column 0
    caption: str = ""


@dataclass
class Doc:
    """What every renderer writes: title, publication date, blocks and an optional annexed grid."""

    title: str
    published: str
    blocks: list[tuple[str, str]]
    grid: Grid | None = None


def _val(vals: dict[str, float], key: str | None) -> str:
    return fmt(vals[key]) if key and key in vals else ""


def build_grid(style: Style, year: int, yv: dict[str, float], cv: dict[str, float], caption: str) -> Grid:
    """The printed 统计表 of a style with the values as printed."""
    if style.name == "gb32":
        body = [[r.label, r.unit, _val(yv, r.key)] for r in style.rows]
        return Grid([["统计指标", "单位", "统计数"]], body, caption=caption)
    if style.name == "local":
        body = [[r.label, r.unit, _val(yv, r.key), _val(cv, r.key)] for r in style.rows]
        return Grid([["指标名称", "计量单位", f"{year}年度", "历年累计"]], body, caption=caption)
    if style.name == "dingxi":
        body = [
            [r.label, r.unit, f"{i:02d}", _val(yv, r.key), _val(yv, r.key)]
            for i, r in enumerate(style.rows, 1)
        ]
        return Grid(
            [["指标名称", "计量单位", "代码", "本期实际", "本年累计"], ["甲", "乙", "丙", "1", "2"]],
            body,
            caption=caption,
        )
    body, groups, start = [], [], 0
    for i, r in enumerate(style.rows):
        body.append([r.group, r.label, r.unit, _val(yv, r.key), "—" if r.no_cum else _val(cv, r.key)])
        if i + 1 == len(style.rows) or style.rows[i + 1].group != r.group:
            groups.append((start, i + 1 - start))
            start = i + 1
    return Grid([["类别", "指标名称", "计量单位", "本年度", "历年累计"]], body, groups, caption)


def _cell_html(text: str, tag: str = "td", span: int = 1) -> str:
    attr = f' rowspan="{span}"' if span > 1 else ""
    inner = "<br>".join(html.escape(t) for t in text.split("\n"))
    return (
        f'<{tag}{attr} style="border:1px solid #000;padding:2px"><p style="text-align:center">'
        f'<span style="FONT-FAMILY: 仿宋_GB2312; FONT-SIZE: 12pt">{inner}</span></p></{tag}>'
    )


def _grid_html(g: Grid) -> str:
    rows = ["<tr>" + "".join(_cell_html(c, "td") for c in h) + "</tr>" for h in g.header]
    starts = dict(g.groups)
    for i, r in enumerate(g.body):
        cells = r
        if g.groups:
            cells = r[1:]
            lead = _cell_html(r[0], span=starts[i]) if i in starts else ""
        else:
            lead = ""
        rows.append("<tr>" + lead + "".join(_cell_html(c) for c in cells) + "</tr>")
    cap = f"<p><strong>{html.escape(g.caption)}</strong></p>" if g.caption else ""
    return (
        cap
        + '<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">'
        + "".join(rows)
        + "</table>"
    )


def to_html(doc: Doc) -> str:
    """A TRS CMS article page: chrome, title, info line, the TRS_Editor body."""
    body = []
    for kind, text in doc.blocks:
        style = (
            "FONT-FAMILY: 黑体; FONT-SIZE: 16pt"
            if kind == "h"
            else "FONT-FAMILY: 仿宋_GB2312; FONT-SIZE: 16pt"
        )
        body.append(
            f'<p style="TEXT-INDENT: 32pt; LINE-HEIGHT: 27pt"><span style="{style}">{html.escape(text)}</span></p>'
        )
    if doc.grid:
        body.append(_grid_html(doc.grid))
    return (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f"<title>{html.escape(doc.title)}</title></head><body>"
        '<div class="nav">当前位置：<a href="/">首页</a> &gt; <a href="../">政务公开</a> &gt; 政府信息公开年报</div>'
        f'<div class="article"><h1>{html.escape(doc.title)}</h1><div class="info">发布时间：{doc.published}'
        '　来源：本网</div><div class="TRS_Editor">'
        + "".join(body)
        + '</div></div><div class="footer">主办单位：人民政府办公室　网站标识码：3501280001</div></body></html>'
    )


def to_docx(doc: Doc, path: Path) -> None:
    """A Word report: headings and paragraphs, the annex table with real merged cells."""
    d = docx.Document()
    d.styles["Normal"].font.size = Pt(12)
    d.add_paragraph(doc.title).runs[0].bold = True
    for kind, text in doc.blocks:
        para = d.add_paragraph(text)
        if kind == "h":
            para.runs[0].bold = True
    if doc.grid:
        _docx_grid(d, doc.grid)
    d.core_properties.created = d.core_properties.modified = datetime(2019, 1, 1)
    d.save(str(path))
    _freeze_zip(path)


def _freeze_zip(path: Path) -> None:
    """Rewrite the DOCX zip with fixed member times, so the same seed gives the same bytes."""
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in members:
            z.writestr(zipfile.ZipInfo(name, date_time=(2019, 1, 1, 0, 0, 0)), blob, zipfile.ZIP_DEFLATED)


def _docx_grid(d: Any, g: Grid) -> None:  # python-docx's Document class is not importable as a type
    if g.caption:
        d.add_paragraph(g.caption)
    table = d.add_table(rows=len(g.header) + len(g.body), cols=len(g.header[0]))
    table.style = "Table Grid"
    for i, row in enumerate(g.header + g.body):
        for j, text in enumerate(row):
            if g.groups and j == 0 and i >= len(g.header):
                continue
            table.cell(i, j).text = text
    off = len(g.header)
    for start, n in g.groups:
        top = table.cell(off + start, 0)
        if n > 1:
            top = top.merge(table.cell(off + start + n - 1, 0))
        top.text = g.body[start][0]


def _archive_header(doc: Doc) -> str:
    return (
        f"标题: {doc.title}\n发布时间: {doc.published} 00:00\n文号: \n发布机构: \n栏目: 政府信息公开年报\n"
        "==================== 正文 ====================\n"
    )


def to_text_lines(doc: Doc) -> str:
    """Crawled text, one cell per line with blank lines between rows; a wrapped label stays wrapped."""
    out = [_archive_header(doc), doc.title]
    out += [text for _, text in doc.blocks]
    if doc.grid:
        g = doc.grid
        out.append(g.caption)
        starts = {s for s, _ in g.groups}
        for row in g.header:
            out.append("\n".join(row))
        for i, row in enumerate(g.body):
            cells = row if not g.groups else ([row[0]] if i in starts else []) + row[1:]
            out.append("\n".join(c for c in cells if c != "") + "\n\n")
    return "\n".join(out) + "\n"


def to_text_flat(doc: Doc) -> str:
    """Crawled text where every separator was lost: body on one line, table cells glued together."""
    body = " ".join(text for _, text in [("p", doc.title), *doc.blocks])
    table = ""
    if doc.grid:
        g = doc.grid
        table = g.caption + " " + "".join("".join(h) for h in g.header)
        table += "".join("".join(c.replace("\n", "") for c in row) for row in g.body)
    return _archive_header(doc) + body + " " + table + "\n"
