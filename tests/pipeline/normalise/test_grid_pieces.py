"""A Table 3 printed as one small table per row group (converters' Markdown, split Word tables):
a numbered leaf whose group cell is in the piece's first row only, or in an earlier piece, still
reads under its group — "3.其他" is 其他处理's third row only where 其他处理 came before it."""

from __future__ import annotations

from extractors.model import Cell, Table
from pipeline.normalise.grid_tables import read_grids

HEAD = ["项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _piece(rows: list[list[str]]) -> Table:
    cells = [Cell(row=r, col=c, text=t) for r, texts in enumerate(rows) for c, t in enumerate(texts)]
    return Table(cells=tuple(cells), n_rows=len(rows), n_cols=len(rows[0]))


def test_a_leaf_reads_under_the_group_printed_in_an_earlier_row() -> None:
    pieces = (_piece([HEAD, ["（五）不予处理 1.信访举报投诉类申请", "7", "0", "0", "0", "0", "0", "7"]]),
              _piece([["项目", "数据1", "数据2", "数据3", "数据4", "数据5", "数据6", "数据7"],
                      ["（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                       "0", "0", "0", "0", "0", "0", "0"],
                      ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "0", "0", "0", "0", "5", "0", "5"],
                      ["3.其他", "0", "0", "0", "2", "0", "0", "2"]]),
              _piece([["项目", "数据1", "数据2", "数据3", "数据4", "数据5", "数据6", "数据7"],
                      ["（七）总计", "112", "0", "0", "68", "34", "0", "214"]]))
    cells = read_grids(pieces).cells["t3"]
    assert cells[("t3.r3.6.2", "law")].value == 5
    assert cells[("t3.r3.6.3", "npo")].value == 2 and cells[("t3.r3.6.3", "tot")].value == 2
    assert cells[("t3.r3.7", "tot")].value == 214


def test_other_without_its_group_is_not_read_as_a_leaf() -> None:
    pieces = (_piece([HEAD, ["（五）不予处理 1.信访举报投诉类申请", "7", "0", "0", "0", "0", "0", "7"],
                      ["3.其他", "1", "0", "0", "0", "0", "0", "1"]]),)
    cells = read_grids(pieces).cells["t3"]
    assert ("t3.r3.6.3", "np") not in cells
