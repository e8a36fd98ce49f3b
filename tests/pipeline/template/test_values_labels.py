from __future__ import annotations

import pytest

from pipeline.template.labels import loose, norm
from pipeline.template.values import parse_cell


@pytest.mark.parametrize(("raw", "value", "flag"), [
    ("0", 0.0, "number"), (" 15 ", 15.0, "number"), ("0\u00a0\u00a0", 0.0, "number"), ("", None, "blank"),
    ("/", None, "slash"), ("／", None, "slash"), ("—", None, "dash"), ("无", None, "none"),
    ("24252.311082", 24252.311082, "number"), ("1,234", 1234.0, "number"), ("-59", -59.0, "number"),
    ("75394432.52元", 75394432.52, "number"), ("约10", None, "text"),
])
def test_parse_cell_keeps_blank_zero_and_marks_apart(raw: str, value: float | None, flag: str) -> None:
    p = parse_cell(raw)
    assert (p.value, p.flag) == (value, flag)


def test_unit_is_read_from_the_cell() -> None:
    assert parse_cell("75394432.52元").unit == "元"
    assert parse_cell("253.168万元").unit == "万元"


@pytest.mark.parametrize("variant", ["1、属于国家秘密", "1．属于国家秘密", "1.属于国家秘密", "1. 属于 国家\n秘密"])
def test_numbering_and_wrapping_normalise(variant: str) -> None:
    assert norm(variant) == "1.属于国家秘密"


def test_full_width_brackets_and_quotes() -> None:
    assert norm("（二）部分公开") == "(二)部分公开"
    assert norm("3.危及“三安全一稳定”") == '3.危及"三安全一稳定"'


def test_loose_matches_vertically_spaced_labels() -> None:
    assert loose("本年度办理结果").search("三 、本 年 度办 理 结果")
    assert loose("自然人").search("自\n然\n人")
