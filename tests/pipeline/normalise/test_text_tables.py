"""The token aligner on flat text as an unruled table reads once its wrapped rows are joined."""

from __future__ import annotations

from pipeline.normalise.text_tables import Flat, read_t3

# A spanning group cell spreads its text over the rows it spans: "（三）" on the first leaf's line,
# "不予公开" on the second's, so the group label is printed after its first row's label.
TEXT = """申请人情况
一、本年新收政府信息公开申请数量89 0 0 0 0 0 89
三、（一）予以公开44 0 0 0 0 0 44
本年度办（二）部分公开（区分处理的，只计这一情形，不计其他情形）3 0 0 0 0 0 3
理结（三）1.属于国家秘密1 0 0 0 0 0 1
果不予公开2.其他法律行政法规禁止公开2 0 0 0 0 0 2
3.危及“三安全一稳定”3 0 0 0 0 0 3
"""


def test_group_label_printed_after_its_first_row() -> None:
    read = read_t3(Flat.of(TEXT), 0, len(TEXT))
    got = {row: read.cells[(row, "np")].value for row in ("t3.r3.1", "t3.r3.2", "t3.r3.3.1", "t3.r3.3.2", "t3.r3.3.3")}
    assert got == {"t3.r3.1": 44, "t3.r3.2": 3, "t3.r3.3.1": 1, "t3.r3.3.2": 2, "t3.r3.3.3": 3}
