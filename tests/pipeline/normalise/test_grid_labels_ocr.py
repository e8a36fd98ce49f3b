"""Row labels as OCR leaves them: a character lost or misread, a digit read as a letter."""

from __future__ import annotations

import pytest

from extractors.model import Table, new_cell
from pipeline.normalise.grid_tables import _leaf_match, read_grids
from pipeline.template.labels import norm


@pytest.mark.parametrize(("label", "code"), [
    ("2.其他法律行政法规止公开", "t3.r3.3.2"),      # 禁 lost
    ("4.无正当理由大量反夏申请", "t3.r3.5.4"),      # 复 → 夏
    ("上年结转政府信息公丌申请数量", "t3.r2"),     # 开 → 丌
])
def test_a_misread_label_still_names_its_row(label: str, code: str) -> None:
    assert _leaf_match("t3", norm(label)) == code


@pytest.mark.parametrize("label", ["申请人情况", "法人或其他组织", "府信息", "本年度工作要点和下一步计划"])
def test_other_text_names_no_row(label: str) -> None:
    assert _leaf_match("t3", norm(label)) is None


def test_a_value_read_as_a_letter_keeps_its_row() -> None:
    """OCR's "S" for a 5 in the first number column: the row is still read, that cell null."""
    header = ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    row = ["4.保护第三方合法权益", "S", "0", "6", "0", "0", "0", "11"]
    cells = tuple(new_cell(r, c, t) for r, texts in enumerate([header, row]) for c, t in enumerate(texts))
    read = read_grids((Table(cells=cells, n_rows=2, n_cols=8, method="ocr"),))
    got = {col: v.value for (rc, col), v in read.cells["t3"].items() if rc == "t3.r3.3.4"}
    assert got == {"np": None, "biz": 0, "sci": 6, "npo": 0, "law": 0, "oth": 0, "tot": 11}


def _t4(block_headers: list[str], values: list[str]) -> dict[tuple[str, str], float | None]:
    """Table 4 as the photos print it: two group rows spanning, the block headers, one row of values."""
    cells = [new_cell(0, 0, "行政复议", colspan=5), new_cell(0, 5, "行政诉讼", colspan=10),
             *(new_cell(1, c, t) for c, t in enumerate(block_headers[:5])),
             new_cell(1, 5, "未经复议直接起诉", colspan=5), new_cell(1, 10, "复议后起诉", colspan=5),
             *(new_cell(2, 5 + c, t) for c, t in enumerate(block_headers[5:])),
             *(new_cell(3, c, t) for c, t in enumerate(values))]
    read = read_grids((Table(cells=tuple(cells), n_rows=4, n_cols=15, method="ocr"),))
    return {k: v.value for k, v in read.cells["t4"].items()}


BLOCK = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
VALUES = ["6", "2", "0", "2", "10", "0", "4", "2", "0", "6", "0", "2", "1", "1", "4"]


@pytest.mark.parametrize("misread", [(0, "结果维特"), (1, "结果纠征"), (3, "商未审结"), (4, "总汁"), (13, "商未审结"),
                                     (14, "总汁")])
def test_a_table_4_header_that_did_not_read_is_placed_by_its_neighbours(misread: tuple[int, str]) -> None:
    headers = BLOCK * 3
    truth = _t4(headers, VALUES)
    assert len(truth) == 15 and truth[("t4.rev", "up")] == 6 and truth[("t4.lit.rev", "pend")] == 1
    at, text = misread
    headers[at] = text
    assert _t4(headers, VALUES) == truth


def test_two_unread_headers_side_by_side_are_not_guessed() -> None:
    headers = BLOCK * 3
    headers[1], headers[2] = "结果纠征", "其他结杲"
    got = _t4(headers, VALUES)
    assert ("t4.rev", "cor") not in got and ("t4.rev", "oth") not in got
    assert got[("t4.rev", "up")] == 6 and got[("t4.rev", "pend")] == 2
