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
