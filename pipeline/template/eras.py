"""Which format each table was printed in, decided once per document from what was printed.

The 2019 试行 format and the 2021 format differ in Table 2 (2019: 本年新制作/新公开/对外公开总数量,
上一年项目数量/本年增减, the 第二十条第（九）项 采购 row; 2021: 制发/废止/现行有效, 收费金额) and in
Table 3's 其他处理 (2021: three numbered rows; 2019: one row). Table 4 is the same in both. A report
may mix them (hybrid: 2021 Table 2 with a 2019 Table 3), so the era is a property of each table,
and the report's `template` is derived from the tables' eras — never from the year.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

TableEra = Literal["2019", "2021"]
Template = Literal["2021", "2019", "hybrid", "pre2019", "unknown"]

T3_ROWS_2021 = frozenset({"t3.r3.6.1", "t3.r3.6.2", "t3.r3.6.3"})
"""The three 其他处理 rows only the 2021 format prints."""
T2_COLS_2019 = frozenset({"made_new", "pub_new", "pub_total", "items_prev", "items_delta", "proc_items",
                          "proc_amount"})
"""Table 2 columns only the 2019 format prints."""
T2_ROWS_2019 = frozenset({"t2.i9.proc"})
"""The 第二十条第（九）项 政府集中采购 row, printed only in the 2019 format."""


def t3_era(rows: Collection[str]) -> TableEra:
    return "2021" if T3_ROWS_2021.intersection(rows) else "2019"


def t2_era(rows: Collection[str], cols: Collection[str]) -> TableEra:
    return "2019" if T2_COLS_2019.intersection(cols) or T2_ROWS_2019.intersection(rows) else "2021"


def table_era(table: str, *, rows: Collection[str] = (), cols: Collection[str] = ()) -> TableEra | None:
    """The era a printed table belongs to, from the row and column codes found in it (None for Table 4)."""
    if table == "t3":
        return t3_era(rows)
    if table == "t2":
        return t2_era(rows, cols)
    return None


def template_of(t2: TableEra | None, t3: TableEra | None, year: int | None) -> Template:
    """The report's template from its tables' eras; with no template table, pre2019 by the year."""
    eras = {e for e in (t2, t3) if e}
    if not eras:
        return "pre2019" if year is not None and year < 2019 else "unknown"
    if len(eras) == 2:
        return "hybrid"
    return "2021" if "2021" in eras else "2019"


@dataclass(frozen=True, slots=True)
class Eras:
    """The eras of one report: each printed table's own, and the template they make."""

    t2: TableEra | None
    t3: TableEra | None
    template: Template

    @classmethod
    def of_tables(cls, t2: TableEra | None, t3: TableEra | None, year: int | None) -> Eras:
        return cls(t2, t3, template_of(t2, t3, year))

    def of(self, table: str) -> TableEra:
        """The era whose codebook cells `table` gets: its own if printed, else the template's."""
        printed = self.t2 if table == "t2" else self.t3 if table == "t3" else None
        if printed is not None:
            return printed
        return "2019" if self.template == "2019" else "2021"
