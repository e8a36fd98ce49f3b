"""Unsure OCR readings confirmed by the identities: a check digit, never a source of values."""

from __future__ import annotations

from pipeline.normalise.checks import Cells, t3_checks, t3_identities, t4_identities
from pipeline.normalise.confirm import confirm_by_identities
from pipeline.normalise.report import CellValue
from tests.pipeline.normalise.test_checks import CONSISTENT, report


def unsure(cells: Cells, table: str, row: str, col: str, raw: str, conf: float) -> None:
    cells[(table, row, col)] = CellValue(table=table, row=row, col=col, value=None, raw=raw, flag="ambiguous",
                                         reason=f"OCR unsure of {raw!r} (confidence {conf:.2f})", method="ocr",
                                         confidence=conf)


def confirm(cells: Cells) -> Cells:
    return confirm_by_identities(cells, [*t3_identities(cells, "2021"), *t4_identities()])


def test_an_unsure_reading_that_its_identities_hold_with_is_accepted_as_read() -> None:
    cells = report(**CONSISTENT)
    unsure(cells, "t3", "t3.r3.1", "np", "3", 0.71)
    unsure(cells, "t4", "t4.rev", "up", "0", 0.62)
    out = confirm(cells)
    got = out[("t3", "t3.r3.1", "np")]
    assert (got.value, got.flag, got.confidence) == (3.0, "number", 0.71)
    assert "T3-COL t3.r3.1" in got.reason and "T3-LEAF np" in got.reason and "OCR unsure of '3'" in got.reason
    assert out[("t4", "t4.rev", "up")].value == 0.0
    assert all(c.status == "pass" for c in t3_checks(out, "2021") if c.rule != "T3-DOM")


def test_a_misreading_that_breaks_an_identity_stays_null() -> None:
    cells = report(**CONSISTENT)
    unsure(cells, "t3", "t3.r3.1", "np", "8", 0.88)  # printed 3: the row sum and the leaves disagree
    out = confirm(cells)
    assert out[("t3", "t3.r3.1", "np")].value is None
    assert out[("t3", "t3.r3.1", "np")].flag == "ambiguous"


def test_one_failing_identity_outweighs_one_that_holds() -> None:
    cells = report(**{**CONSISTENT, "t3_r3_7__np": 9})  # the printed leaves do not add up to 9
    unsure(cells, "t3", "t3.r3.1", "np", "3", 0.8)
    assert confirm(cells)[("t3", "t3.r3.1", "np")].value is None


def test_a_reading_the_ink_contradicts_is_never_confirmed() -> None:
    cells = report(**CONSISTENT)
    unsure(cells, "t3", "t3.r3.1", "np", "3", 0.3)
    assert confirm(cells)[("t3", "t3.r3.1", "np")].value is None


def test_unsure_cells_that_only_each_other_could_confirm_stay_null() -> None:
    cells = report(**{**CONSISTENT, "t3_r3_1__biz": 1, "t3_r3_1__tot": 4, "t3_r3_2__biz": 1, "t3_r3_2__tot": 3,
                      "t3_r1__biz": 2, "t3_r1__tot": 7, "t3_r3_7__biz": 2, "t3_r3_7__tot": 7})
    rectangle = [(r, c) for r in ("t3.r3.1", "t3.r3.2") for c in ("np", "biz")]
    for r, c in rectangle:  # each row sum and each column of leaves holds a second unknown
        unsure(cells, "t3", r, c, f"{cells[('t3', r, c)].value:g}", 0.8)
    out = confirm(cells)
    assert [out[("t3", r, c)].value for r, c in rectangle] == [None] * 4


def test_one_confirmed_reading_determines_the_identity_of_the_next() -> None:
    cells = report(**CONSISTENT)
    unsure(cells, "t3", "t3.r3.1", "np", "3", 0.8)
    unsure(cells, "t3", "t3.r3.1", "tot", "3", 0.8)
    unsure(cells, "t3", "t3.r3.7", "np", "5", 0.8)  # only T3-FLOW np is determined at first
    out = confirm(cells)
    assert [out[k].value for k in [("t3", "t3.r3.1", "np"), ("t3", "t3.r3.1", "tot"), ("t3", "t3.r3.7", "np")]] == [
        3, 3, 5]
    assert "T3-FLOW np" in out[("t3", "t3.r3.7", "np")].reason


def test_a_cell_that_is_not_an_unsure_ocr_reading_is_left_alone() -> None:
    cells = report(**CONSISTENT)
    unsure(cells, "t3", "t3.r3.1", "np", "3", 0.8)
    cells[("t3", "t3.r3.1", "np")] = CellValue(table="t3", row="t3.r3.1", col="np", value=None, raw="三",
                                               flag="text", reason="unreadable", method="grid")
    assert confirm(cells)[("t3", "t3.r3.1", "np")].flag == "text"
