"""Acceptance material written blind (by engineers who never read the code under test).

Every test here is marked `blind`. `make test` runs the fast tiers; the long corpus runs (`blind`
and `slow`) run in `make check`. A blind test that still fails is listed in `OPEN` with the issue
it belongs to and why: it stays an expected failure (strict: it errors once it passes, so the
entry must then be removed) — the test itself is never edited to pass.
"""

from __future__ import annotations

import pytest

OPEN: dict[str, str] = {
    "tests/blind/hostile/test_hostile.py::test_pandas_reads_reports_when_a_report_has_no_year":
        "#14: pandas cannot read a hive partition whose value is null (__HIVE_DEFAULT_PARTITION__): "
        "'Cannot yet unify dictionaries with nulls', upstream pandas-dev/pandas#55400 (pyarrow's partition discovery, then "
        "its to_pandas); pyarrow, DuckDB, polars and Spark read it; the layout keeps the Hive standard null marker, "
        "and the README gives the pandas call (partition type given) that reads it",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/blind/" not in item.nodeid.replace("\\", "/") and not item.nodeid.startswith("blind/"):
            continue
        item.add_marker(pytest.mark.blind)
        reason = OPEN.get(item.nodeid)
        if reason:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
