"""The era of each table, decided once from what was printed (table-driven)."""

from __future__ import annotations

import pytest

from pipeline.template.eras import Eras, table_era, template_of

T3_2019_ROWS = {"t3.r1", "t3.r3.1", "t3.r3.6", "t3.r3.7"}


@pytest.mark.parametrize(("table", "rows", "cols", "era"), [
    ("t3", T3_2019_ROWS, {"np", "tot"}, "2019"),                     # one 其他处理 row
    ("t3", T3_2019_ROWS | {"t3.r3.6.1"}, {"np"}, "2021"),            # the three numbered 其他处理 rows
    ("t3", {"t3.r3.6.3"}, set(), "2021"),
    ("t3", set(), set(), "2019"),                                    # nothing 2021-only was printed
    ("t2", {"t2.i1.reg"}, {"issued", "repealed", "in_force"}, "2021"),
    ("t2", {"t2.i1.reg"}, {"made_new", "pub_new", "pub_total"}, "2019"),
    ("t2", {"t2.i5.lic"}, {"items_prev", "items_delta", "decisions"}, "2019"),
    ("t2", {"t2.i5.lic"}, {"decisions"}, "2021"),                    # the one column both formats share
    ("t2", {"t2.i9.proc"}, {"decisions"}, "2019"),                   # the 采购 row exists only in 2019
    ("t2", set(), {"amount_wan"}, "2021"),
    ("t4", {"t4.rev"}, {"up", "tot"}, None),                         # Table 4 has no era
])
def test_table_era(table: str, rows: set[str], cols: set[str], era: str | None) -> None:
    assert table_era(table, rows=rows, cols=cols) == era


@pytest.mark.parametrize(("t2", "t3", "year", "template"), [
    ("2021", "2021", 2023, "2021"),
    ("2019", "2019", 2020, "2019"),
    ("2021", "2019", 2022, "hybrid"),
    ("2019", "2021", 2022, "hybrid"),
    (None, "2021", 2024, "2021"),
    ("2019", None, 2019, "2019"),
    (None, None, 2015, "pre2019"),
    (None, None, 2019, "unknown"),
    (None, None, None, "unknown"),
    ("2021", "2021", 2012, "2021"),  # the tables decide, not the year
])
def test_template_of(t2: str | None, t3: str | None, year: int | None, template: str) -> None:
    assert template_of(t2, t3, year) == template  # type: ignore[arg-type]


@pytest.mark.parametrize(("t2", "t3", "template", "expect"), [
    ("2021", "2019", "hybrid", {"t2": "2021", "t3": "2019", "t4": "2021"}),
    (None, "2019", "2019", {"t2": "2019", "t3": "2019", "t4": "2019"}),   # a missing table takes the template's
    ("2021", None, "2021", {"t2": "2021", "t3": "2021", "t4": "2021"}),
])
def test_eras_of_each_table(t2: str | None, t3: str | None, template: str, expect: dict[str, str]) -> None:
    eras = Eras.of_tables(t2, t3, 2022)  # type: ignore[arg-type]
    assert eras.template == template
    assert {t: eras.of(t) for t in ("t2", "t3", "t4")} == expect
