from __future__ import annotations

from pipeline.normalise.split import agree, filter_rows, readings, solve_table, values_of
from pipeline.template.structure import Identities, t3_row_ok, t4_row_ok


def test_whitespace_tokens_are_taken_as_printed() -> None:
    assert readings("15 13 0 0 0 0 28", 7) == ([("15", "13", "0", "0", "0", "0", "28")], "tokens")


def test_run_together_row_is_split_by_its_sum() -> None:
    cands, method = readings("15130000154", 7)
    kept, ok = filter_rows(cands, t3_row_ok)
    assert method == "split" and ok
    assert kept == [("151", "3", "0", "0", "0", "0", "154")]


def test_stray_spaces_do_not_count_as_separators() -> None:
    kept, _ = filter_rows(readings("230 000023", 7)[0], t3_row_ok)
    assert kept == [("23", "0", "0", "0", "0", "0", "23")]


def test_no_leading_zeros_and_signs_start_numbers() -> None:
    cands, _ = readings("97+82179", 3)
    assert ("97", "+82", "179") in cands
    assert all(not (t.startswith("0") and len(t) > 1) for c in cands for t in c if t)
    assert agree(cands).tokens[0] is None  # "9"/"7" vs "97": not agreed


def test_table4_row_has_one_split() -> None:
    kept, _ = filter_rows(readings("10203120001200000", 15)[0], t4_row_ok)
    assert kept == [("1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0")]


def test_identities_across_rows_choose_between_row_splits() -> None:
    r1 = filter_rows(readings("121010014", 7)[0], t3_row_ok)[0]
    assert len(r1) > 1  # the row sum alone cannot decide
    rows = {"a": r1, "b": [("3", "1", "0", "1", "0", "0", "5")], "c": [("9", "0", "0", "0", "0", "0", "9")]}

    ids = Identities(row_cost=lambda v: 0, equations=({"a": 1.0, "b": -1.0, "c": -1.0},))  # a = b + c
    res = solve_table(rows, ids)
    assert res["a"].tokens == ("12", "1", "0", "1", "0", "0", "14")
    assert not any(res["a"].ambiguous)


def test_equally_good_readings_leave_cells_null() -> None:
    res = agree(readings("693665", 3)[0])
    assert res.tokens == (None, None, None) and all(res.ambiguous) and res.n_readings > 1


def test_sparse_rows_may_leave_cells_blank() -> None:
    kept, _ = filter_rows(readings("22", 7, sparse=True)[0], t3_row_ok)
    res = agree(kept)
    assert res.tokens[-1] == "2" and res.tokens[:-1] == (None,) * 6
    assert values_of(("2", None)) == (2.0, None)


def test_zero_or_blank_is_known_to_be_zero() -> None:
    res = agree(readings("000000", 7, sparse=True)[0])
    assert all(res.zero_or_blank)
