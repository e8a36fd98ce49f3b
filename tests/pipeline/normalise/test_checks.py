"""The identities as data: one row per instance, printed values never corrected, unknowns uncertain."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.normalise.checks import Cells, t2_checks, t3_checks, t4_checks, text_checks
from pipeline.normalise.report import CellValue, Check, SectionText
from pipeline.template.codebook import cells_for


def number(table: str, row: str, col: str, v: float) -> CellValue:
    return CellValue(table=table, row=row, col=col, value=v, raw=f"{v:g}", flag="number")


def report(era: str = "2021", **values: float) -> Cells:
    """Every cell of the era at 0, then `row__col=value` overrides (dots written as _)."""
    cells: Cells = {}
    for table in ("t2", "t3", "t4"):
        for row, col in cells_for(table, era):
            cells[(table, row, col)] = number(table, row, col, 0.0)
    for key, v in values.items():
        row, col = key.split("__")
        table = row.split("_")[0]
        row = row.replace("_", ".")
        cells[(table, row, col)] = number(table, row, col, v)
    return cells


CONSISTENT = {"t3_r1__np": 5, "t3_r1__tot": 5, "t3_r3_1__np": 3, "t3_r3_1__tot": 3, "t3_r3_2__np": 2,
              "t3_r3_2__tot": 2, "t3_r3_7__np": 5, "t3_r3_7__tot": 5}


def statuses(checks: list[Check]) -> dict[tuple[str, str], str]:
    return {(c.rule, c.scope): c.status for c in checks}


def test_a_consistent_table_3_passes_every_instance() -> None:
    checks = t3_checks(report(**CONSISTENT), "2021")
    assert {c.status for c in checks} == {"pass"}
    rules = {c.rule for c in checks}
    assert rules == {"T3-FLOW", "T3-LEAF", "T3-COL", "T3-DOM"}  # no printed subtotal: no T3-GRP
    assert sum(c.rule == "T3-FLOW" for c in checks) == 7 and sum(c.rule == "T3-COL" for c in checks) == 25


@pytest.mark.parametrize(("change", "failing"), [
    ({"t3_r1__np": 6}, {("T3-FLOW", "np"), ("T3-COL", "t3.r1")}),
    ({"t3_r3_7__tot": 4}, {("T3-FLOW", "tot"), ("T3-LEAF", "tot"), ("T3-COL", "t3.r3.7")}),
    ({"t3_r4__np": 1, "t3_r4__tot": 1}, {("T3-FLOW", "np"), ("T3-FLOW", "tot")}),
    ({"t3_r3_1__np": 2.5}, {("T3-DOM", "t3"), ("T3-LEAF", "np"), ("T3-COL", "t3.r3.1")}),
])
def test_a_broken_identity_fails_where_it_breaks(change: dict[str, float], failing: set[tuple[str, str]]) -> None:
    checks = t3_checks(report(**{**CONSISTENT, **change}), "2021")
    assert {k for k, s in statuses(checks).items() if s == "fail"} == failing
    dom = next(c for c in checks if c.rule == "T3-DOM")
    assert dom.status == ("fail" if ("T3-DOM", "t3") in failing else "pass")


def test_printed_values_are_kept_and_the_check_says_by_how_much() -> None:
    cells = report(**{**CONSISTENT, "t3_r1__np": 6})
    flow = next(c for c in t3_checks(cells, "2021") if c.rule == "T3-FLOW" and c.scope == "np")
    assert (flow.lhs, flow.rhs, flow.severity) == (6.0, 5.0, "hard")
    assert cells[("t3", "t3.r1", "np")].value == 6.0


def test_blank_marks_count_as_zero_and_unreadable_cells_make_it_uncertain() -> None:
    cells = report(**CONSISTENT)
    key = ("t3", "t3.r2", "np")
    cells[key] = replace(cells[key], value=None, raw="/", flag="slash")
    assert statuses(t3_checks(cells, "2021"))[("T3-FLOW", "np")] == "pass"
    cells[key] = replace(cells[key], value=None, raw="l3", flag="ambiguous", reason="OCR unsure")
    flow = next(c for c in t3_checks(cells, "2021") if c.rule == "T3-FLOW" and c.scope == "np")
    assert flow.status == "uncertain" and "1 cell(s) unreadable" in flow.detail


def test_a_printed_group_subtotal_is_checked_against_its_items() -> None:
    cells = report(**CONSISTENT)
    cells[("t3", "t3.r3.3", "np")] = number("t3", "t3.r3.3", "np", 1)
    grp = [c for c in t3_checks(cells, "2021") if c.rule == "T3-GRP"]
    assert [(c.scope, c.status, c.lhs, c.rhs) for c in grp] == [("t3.r3.3:np", "fail", 1.0, 0.0)]


def test_2019_era_leaves_have_the_single_other_row() -> None:
    cells = report("2019", **CONSISTENT)
    cells[("t3", "t3.r3.6", "np")] = number("t3", "t3.r3.6", "np", 1)
    st = statuses(t3_checks(cells, "2019"))
    assert st[("T3-LEAF", "np")] == "fail" and st[("T3-COL", "t3.r3.6")] == "fail"


def test_table_4_sums_and_domain() -> None:
    cells = report(t4_rev__up=1, t4_rev__tot=1, t4_lit_dir__cor=2, t4_lit_dir__tot=3)
    st = statuses(t4_checks(cells))
    assert st == {("T4-SUM", "t4.rev"): "pass", ("T4-SUM", "t4.lit.dir"): "fail",
                  ("T4-SUM", "t4.lit.rev"): "pass", ("T4-DOM", "t4"): "pass"}


def test_table_2_domain_allows_a_signed_delta_and_decimal_amounts_only() -> None:
    cells = report("2019", t2_i5_lic__items_delta=-6, t2_i9_proc__proc_amount=75394432.52)
    assert statuses(t2_checks(cells, "2019"))[("T2-DOM", "t2")] == "pass"
    cells = report("2019", t2_i5_lic__items_prev=-6)
    dom = next(c for c in t2_checks(cells, "2019") if c.rule == "T2-DOM")
    assert dom.status == "fail" and dom.detail == "t2.i5.lic:items_prev=-6"


def test_fee_unit_and_2019_publication_soft_rules() -> None:
    fee = report(t2_i8_fee__amount_wan=2e7)
    unit = next(c for c in t2_checks(fee, "2021") if c.rule == "T2-UNIT")
    assert (unit.status, unit.severity) == ("fail", "soft")
    pub = report("2019", t2_i1_nds__pub_new=90, t2_i1_nds__pub_total=89)
    st = statuses(t2_checks(pub, "2019"))
    assert st[("T2v19-PUB", "t2.i1.nds")] == "fail" and st[("T2v19-PUB", "t2.i1.reg")] == "pass"


def test_numbers_quoted_in_the_narrative() -> None:
    cells = report(**CONSISTENT)
    said = [SectionText(ordinal=0, code="overview", heading="一、总体情况", text="本年度共收到政府信息公开申请5件。")]
    wrong = [SectionText(ordinal=0, code="overview", heading="一、总体情况", text="本年度共收到政府信息公开申请7件。")]
    assert statuses(text_checks(cells, said, "2021")) == {("T3-TXT", "t3.r1:tot"): "pass"}
    check = text_checks(cells, wrong, "2021")[0]
    assert (check.status, check.lhs, check.rhs, check.severity) == ("fail", 7.0, 5.0, "soft")


def test_unpaid_fee_lapses_ask_section_six_only_where_the_document_has_one() -> None:
    cells = report(t3_r3_6_2__tot=2)
    six = "六、其他需要报告的事项\n本年度"
    quiet = [SectionText(ordinal=5, code="other", heading=six, text="无其他需要报告的事项。")]
    said = [SectionText(ordinal=5, code="other", heading=six, text="本年度未收取信息处理费。")]
    assert statuses(text_checks(cells, said, "2021"))[("T3-FEE", "t3.r3.6.2:tot")] == "pass"
    assert statuses(text_checks(cells, quiet, "2021"))[("T3-FEE", "t3.r3.6.2:tot")] == "fail"
    alone = text_checks(cells, [], "2021")  # the tables published alone: nothing to judge
    assert [(c.rule, c.status) for c in alone] == [("T3-FEE", "uncertain")]
    assert "no section 六" in alone[0].detail
