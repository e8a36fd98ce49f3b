"""The shipped codebook: the spec's codes exactly, the cells of each era, aliases for every label."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.template.codebook import (
    T3_COLS,
    T4_COLS,
    T4_ROWS,
    aliases,
    cells_for,
    t3_leaves,
    variable,
    variables,
)

DATA = Path(__file__).resolve().parents[3] / "pipeline" / "template" / "data"


def rows_of(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_variables_are_the_csv_rows_in_order() -> None:
    assert [(v.table, v.axis, v.code) for v in variables()] == [
        (r["table"], r["axis"], r["code"]) for r in rows_of("codebook.csv")]
    assert len({(v.table, v.axis, v.code) for v in variables()}) == len(variables())


@pytest.mark.parametrize(("era", "n_t2", "n_t3", "n_t4"), [("2021", 10, 25 * 7, 15), ("2019", 22, 23 * 7, 15)])
def test_cells_of_each_era(era: str, n_t2: int, n_t3: int, n_t4: int) -> None:
    assert (len(cells_for("t2", era)), len(cells_for("t3", era)), len(cells_for("t4", era))) == (n_t2, n_t3, n_t4)
    assert cells_for("t4", era) == tuple((r, c) for r in T4_ROWS for c in T4_COLS)
    for row, col in cells_for("t3", era):
        assert col in T3_COLS and era in variable("t3", "row", row).era


def test_leaves_differ_only_in_the_other_rows() -> None:
    assert set(t3_leaves("2021")) ^ set(t3_leaves("2019")) == {"t3.r3.6", "t3.r3.6.1", "t3.r3.6.2", "t3.r3.6.3"}


def test_every_data_row_and_column_has_an_alias_that_is_its_label() -> None:
    for v in variables():
        if (v.table == "t2" and v.axis == "row") or (v.kind != "data" and v.axis == "col"):
            continue
        codes = {code for code, _ in aliases(v.table, v.axis)}
        assert v.code in codes, (v.table, v.axis, v.code)


def test_unknown_codes_raise() -> None:
    with pytest.raises(KeyError):
        variable("t3", "row", "t3.r9")
    with pytest.raises(KeyError):
        cells_for("t5", "2021")


def test_every_p_alias_is_a_codebook_code_or_an_uncoded_row() -> None:
    """Table p aliases name a §2.4 code of the codebook, or an x.* row read only as a boundary."""
    codes = {v.code for v in variables() if v.table == "p" and v.axis == "row"}
    assert all(code in codes or code.startswith("x.") for code, _ in aliases("p", "row"))
