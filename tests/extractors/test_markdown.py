"""Converters' Markdown (MinerU, docling, per-group pipe tables) → Document → Report.

The real one is a PDF→Markdown conversion of the 上海市科委 2024 report, damaged as converters
leave it: tables pasted back to back, header pieces lost to the text, rows wider than their
piece's header. Its values below were read off the file by hand.
"""

from __future__ import annotations

from extractors import sniff
from extractors.markdown import is_placeholder_row, split_pieces, unflatten_header
from tests.conftest import fixture_bytes, report_of
from tests.truth import t3_rows


def _values(r, table: str) -> dict[tuple[str, str], float]:
    return {(c.row, c.col): c.value for c in r.cells if c.table == table and c.value is not None}


def test_markdown_is_sniffed_from_content() -> None:
    assert sniff("# 标题\n\n正文\n\n## 一、总体情况\n".encode()) == "text/markdown"
    assert sniff("说明\n\n| a | b |\n|---|---|\n| 1 | 2 |\n".encode()) == "text/markdown"
    assert sniff("政府信息公开工作年度报告\n一、总体情况\n".encode()) == "text/plain"


def test_converter_damage_is_undone_as_shapes() -> None:
    assert is_placeholder_row(("项目", "数据1", "数据2")) and is_placeholder_row(("", ""))
    assert not is_placeholder_row(("信息内容", "本年制发件数"))
    assert unflatten_header(("申请人情况.自然人", "申请人情况.法人或其他组织.商业企业", "1.属于国家秘密")) == [
        ("申请人情况", "申请人情况", "1.属于国家秘密"), ("自然人", "法人或其他组织", ""), ("", "商业企业", "")]
    rows = (("a", "b"), ("1", "2"), ("x", "y"), ("---", "---"), ("3", "4"))
    assert split_pieces(rows) == [[("a", "b"), ("1", "2")], [("x", "y"), ("3", "4")]]


T3_HEADER = ("| 项目 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 数据7 |\n"
             "|---|---|---|---|---|---|---|---|\n")


def test_placeholder_pieces_and_html_tables_are_read_by_labels() -> None:
    md = ("# 某某区人民政府2023年政府信息公开工作年度报告\n\n## 三、收到和处理政府信息公开申请情况\n\n"
          "自然人 法人或其他组织 总计\n\n" + T3_HEADER +
          "| 一、本年新收政府信息公开申请数量 | 10 | 1 | 0 | 0 | 0 | 2 | 13 |\n\n- 2 -\n\n" + T3_HEADER +
          "| 三、本年度办理结果 （一）予以公开 | 4 | 0 | 0 | 0 | 0 | 1 | 5 |\n\n"
          "<table><tr><td>（七）总计</td><td>10</td><td>1</td><td>0</td><td>0</td><td>0</td><td>2</td>"
          "<td>13</td></tr></table>\n\n## 四、行政复议、行政诉讼情况\n\n"
          "|  |  |\n|---|---|\n|  |  |\n\n"
          "| 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 数据7 | 数据8 | 数据9 | 数据10 | 数据11 | 数据12 | 数据13 | "
          "数据14 | 数据15 |\n" + "|---" * 15 + "|\n| 1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 2 | 0 | 0 | 0 | 2 |\n")
    r = report_of(md.encode())
    assert r.extractor == "markdown"
    v = _values(r, "t3")
    assert [v[("t3.r1", c)] for c in ("np", "biz", "oth", "tot")] == [10, 1, 2, 13]
    assert [v[("t3.r3.1", c)] for c in ("np", "oth", "tot")] == [4, 1, 5]
    assert v[("t3.r3.7", "tot")] == 13
    t4 = _values(r, "t4")
    assert t4[("t4.rev", "up")] == 1 and t4[("t4.rev", "tot")] == 1 and t4[("t4.lit.rev", "tot")] == 2


def test_real_pdf2md_conversion_no_wrong_number() -> None:
    r = report_of(fixture_bytes("text", "shanghai_stcsm_science_commission_2024_pdf2md.md"))
    assert r.extractor == "markdown" and r.template == "2021" and r.report_year == 2024
    t2 = _values(r, "t2")
    assert t2 == {("t2.i1.reg", "issued"): 0, ("t2.i1.reg", "repealed"): 0, ("t2.i1.reg", "in_force"): 0,
                  ("t2.i1.nds", "issued"): 13, ("t2.i1.nds", "repealed"): 0, ("t2.i1.nds", "in_force"): 55}
    want = t3_rows({"t3.r1": (32, 2, 0, 0, 0, 0, 34), "t3.r2": (2, 0, 0, 0, 0, 0, 2), "t3.r3.1": (9, 0, 0, 0, 0, 0, 9),
                    "t3.r3.3.6": (1, 0, 0, 0, 0, 0, 1), "t3.r3.6.3": (4, 0, 0, 0, 0, 0, 4),
                    "t3.r3.7": (33, 2, 0, 0, 0, 0, 35), "t3.r4": (1, 0, 0, 0, 0, 0, 2)}, "2021")
    got = _values(r, "t3")
    assert all(got[k] == want[k] for k in got), {k: (got[k], want[k]) for k in got if got[k] != want[k]}
    assert len(got) == 97  # as plain text: 1 value, and that one wrong (3 for 35)
    t4 = _values(r, "t4")
    assert t4[("t4.rev", "up")] == 1 and t4[("t4.rev", "tot")] == 1 and len(t4) == 15
