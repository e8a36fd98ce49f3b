"""A tables-only 统计表 DOCX (python-docx): the same spanned grids the HTML pages print, as Word tables.

The grids come from tests/blind/assembly/html_pages (rowspan/colspan as the template prints them) and
are laid onto a Word table cell by cell, merged where the HTML spans, so the DOCX prints exactly the
values of the model report.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from bs4 import BeautifulSoup
from docx import Document
from docx.oxml.ns import qn

from tests.blind.assembly import html_pages
from tests.blind.assembly.model import ModelReport
from tests.blind.assembly.workbooks import fixed_zip

CAPTIONS = {"t2": ("二、主动公开政府信息情况", html_pages.table2_html),
            "t3": ("三、收到和处理政府信息公开申请情况", html_pages.table3_html),
            "t4": ("四、政府信息公开行政复议、行政诉讼情况", html_pages.table4_html)}
Span = tuple[int, int, int, int, str]  # top, left, bottom, right (inclusive), text


def html_grid(table_html: str) -> tuple[int, int, list[Span]]:
    """The table's cells as (top, left, bottom, right, text), placed as a browser places spans."""
    taken: set[tuple[int, int]] = set()
    spans: list[Span] = []
    rows = BeautifulSoup(table_html, "html.parser").find_all("tr")
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.find_all("td"):
            while (r, c) in taken:
                c += 1
            rs, cs = int(str(td.get("rowspan") or 1)), int(str(td.get("colspan") or 1))
            taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
            spans.append((r, c, r + rs - 1, c + cs - 1, td.get_text(strip=True)))
            c += cs
    n_cols = max(right for _, _, _, right, _ in spans) + 1
    return len(rows), n_cols, spans


def tables_docx(report: ModelReport, tables: Sequence[str]) -> bytes:
    """A DOCX holding only `tables`, each under its caption: no title, no narrative."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    for name in tables:
        caption, make = CAPTIONS[name]
        doc.add_paragraph(caption)
        n_rows, n_cols, spans = html_grid(make(report))
        grid = doc.add_table(rows=n_rows, cols=n_cols)
        grid.style = "Table Grid"
        for top, left, bottom, right, text in spans:
            cell = grid.cell(top, left)
            if (bottom, right) != (top, left):
                cell = cell.merge(grid.cell(bottom, right))
            cell.text = text
    doc.core_properties.author = "Administrator"
    buf = io.BytesIO()
    doc.save(buf)
    return fixed_zip(buf.getvalue())
