"""The fast cell-value and check constructors build exactly what the dataclasses build."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.normalise.report import (
    CELL_VALUE_FIELDS,
    CHECK_FIELDS,
    CellValue,
    Check,
    new_cell_value,
    new_check,
)
from tests.records import assert_built_alike


def test_new_cell_value_sets_every_field_of_cell_value() -> None:
    """A field added to `CellValue` must be added to `new_cell_value` too (else this fails)."""
    assert tuple(f.name for f in dataclasses.fields(CellValue)) == CELL_VALUE_FIELDS


@pytest.mark.parametrize("kw", [
    {"table": "t3", "row": "t3.r1", "col": "np", "value": None, "raw": "", "flag": "missing"},
    {"table": "t4", "row": "t4.rev", "col": "up", "value": 12.0, "raw": "12", "flag": "number", "reason": "",
     "page": 3, "method": "grid", "locator": "table[1]/r2/c3", "unit": "件", "confidence": 0.93,
     "bbox": (1.0, 2.0, 3.0, 4.0)},
    {"table": "p", "row": "p.x", "col": "year", "value": None, "raw": "/", "flag": "slash", "label": "x",
     "member": "abc", "bbox_unit": "pt"},
])
def test_new_cell_value_equals_dataclass(kw: dict[str, object]) -> None:
    fast = new_cell_value(**kw)  # type: ignore[arg-type]
    slow = CellValue(**kw)  # type: ignore[arg-type]
    assert_built_alike(fast, slow, "raw")


def test_new_check_sets_every_field_of_check() -> None:
    assert tuple(f.name for f in dataclasses.fields(Check)) == CHECK_FIELDS


@pytest.mark.parametrize("args", [
    ("T3-FLOW", "np", 3.0, 3.0, "pass", "hard", ""),
    ("T3-COL", "t3.r1", 2.0, None, "uncertain", "hard", "1 cell(s) unreadable"),
    ("T3-FEE", "t3.r3.6.2:tot", 1.0, None, "fail", "soft"),
])
def test_new_check_equals_dataclass(args: tuple[object, ...]) -> None:
    fast = new_check(*args)  # type: ignore[arg-type]
    slow = Check(**dict(zip(CHECK_FIELDS, args, strict=False)))  # type: ignore[arg-type]
    assert_built_alike(fast, slow, "status")
