"""HTML tables → grids with real spans, laid out as a browser does, malformed attributes included."""

from __future__ import annotations

import pytest
from lxml import etree

from extractors import DocumentTooLarge, SourceRef
from extractors.html import HtmlExtractor
from extractors.html_tables import MAX_COLSPAN, html_table_to_table, span_value
from extractors.model import Table

SRC = SourceRef(uri="mem://t.html", sha256="0" * 64)


def grid_of(html: str) -> Table:
    root = etree.fromstring(f"<html><body>{html}</body></html>", etree.HTMLParser())
    table = root.find(".//table")
    out = html_table_to_table(table, index=0, source="mem://t.html")
    assert out is not None
    return out


def texts(t: Table) -> list[list[str]]:
    return [[c.text if c else "·" for c in row] for row in t.grid()]


@pytest.mark.parametrize(("raw", "value"), [
    (None, 1), ("2", 2), ("2;", 2), (" 3 ", 3), ("+4", 4), ("2px", 2), ("abc", 1), ("", 1), ("-2", 1),
    ("0", 1), ("99999999", MAX_COLSPAN)])
def test_colspan_is_read_with_the_html_rules(raw: str | None, value: int) -> None:
    assert span_value(raw, default=1, limit=MAX_COLSPAN, allow_zero=False) == value


def test_spans_place_cells_like_a_browser() -> None:
    t = grid_of("""<table>
      <tr><td rowspan="3;" colspan="2">角</td><td colspan=" 2">申请人</td></tr>
      <tr><td>甲</td><td rowspan="0">总</td></tr>
      <tr><td>乙</td></tr>
      <tr><td colspan="0">a</td><td colspan="abc">b</td><td>1</td></tr>
    </table>""")
    assert (t.n_rows, t.n_cols) == (4, 4)
    # rowspan="0" runs to the end of its row group (the one <tbody> here): rows 1-3
    assert texts(t) == [["角", "角", "申请人", "申请人"],
                        ["角", "角", "甲", "总"],
                        ["角", "角", "乙", "总"],
                        ["a", "b", "1", "总"]]


def test_spans_never_reach_past_the_table_or_their_row_group() -> None:
    t = grid_of("""<table><thead><tr><th rowspan="5">h</th><th>x</th></tr></thead>
      <tbody><tr><td>1</td><td rowspan="999">2</td></tr><tr><td>3</td></tr></tbody></table>""")
    assert texts(t) == [["h", "x"], ["1", "2"], ["3", "2"]]
    assert [c.rowspan for c in t.cells] == [1, 1, 1, 2, 1]


def test_thead_first_and_tfoot_last_whatever_the_source_order() -> None:
    t = grid_of("<table><tfoot><tr><td>合计</td></tr></tfoot><tbody><tr><td>数据</td></tr></tbody>"
                "<thead><tr><th>表头</th></tr></thead></table>")
    assert texts(t) == [["表头"], ["数据"], ["合计"]]


def test_cell_text_nbsp_paragraphs_and_vertical_labels() -> None:
    t = grid_of("""<table><tr>
      <td><p class="MsoNormal"><span>自</span></p><p><span>然</span></p><p><span>人</span></p></td>
      <td>三<br>、<br>本年度</td>
      <td>&nbsp;&nbsp;12&nbsp;</td>
      <td><p><span style="font-family:仿宋">1.本机关不</span><span><font>掌握相关政府信息</font></span></p></td>
      <td>政府信息
          公开</td>
      <td><table><tr><td>内</td><td>嵌</td></tr></table></td>
    </tr></table>""")
    assert texts(t)[0] == ["自\n然\n人", "三\n、\n本年度", "12", "1.本机关不掌握相关政府信息", "政府信息公开", "内\n嵌"]


def test_a_table_of_zero_rows_is_no_table() -> None:
    root = etree.fromstring("<html><body><table></table><table><tbody></tbody></table></body></html>",
                            etree.HTMLParser())
    assert [html_table_to_table(t, index=0, source="x") for t in root.iter("table")] == [None, None]
    doc = HtmlExtractor().extract("<html><body><p>本年度无统计数据。</p><table></table></body></html>".encode(),
                                  source=SRC)
    assert doc.tables == () and [b.text for b in doc.text_blocks] == ["本年度无统计数据。"]


def test_wide_spans_over_many_rows_are_refused_not_allocated() -> None:
    rows = "".join("<tr><td>x</td><td>0</td></tr>" for _ in range(300))
    html = f'<html><body><p>正文</p><table><tr><td colspan="1000">宽</td></tr>{rows}</table></body></html>'
    with pytest.raises(DocumentTooLarge, match="MAX_TABLE_SLOTS"):
        HtmlExtractor().extract(html.encode(), source=SRC)


def test_layout_tables_are_walked_through_and_data_tables_kept() -> None:
    html = """<html><body><table width="100%"><tr><td>
        <table><tr><td><p>一、总体情况</p><p>本年度工作正常开展。</p></td></tr></table>
        <table border="1"><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table>
        <p>二、主动公开政府信息情况</p></td></tr></table></body></html>"""
    doc = HtmlExtractor().extract(html.encode(), source=SRC)
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["TextBlock", "TextBlock", "Table", "TextBlock"]
    assert [b.text for b in doc.text_blocks] == ["一、总体情况", "本年度工作正常开展。", "二、主动公开政府信息情况"]
    assert doc.tables[0].text_rows() == [["信息内容", "本年制发件数"], ["规章", "0"]]


def test_tables_cut_by_a_page_break_stay_separate_grids_in_order() -> None:
    html = """<html><body><div class="TRS_Editor"><p>三、收到和处理政府信息公开申请情况</p>
      <table border="1"><tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>7</td></tr>
      <tr><td>（二）部分公开</td><td>1</td></tr></table>
      <p><br clear="all" style="page-break-before:always"></p>
      <table border="1"><tr><td rowspan="2">三、本年度办理结果</td><td>（六）其他处理</td><td>0</td></tr>
      <tr><td>（七）总计</td><td>8</td></tr></table></div></body></html>"""
    doc = HtmlExtractor().extract(html.encode(), source=SRC)
    assert [t.index for t in doc.tables] == [0, 1]
    assert [t.text_rows()[1] for t in doc.tables] == [["（二）部分公开", "1"], ["（七）总计", "8"]]
