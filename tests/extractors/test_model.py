"""The document model: the fast cell constructor builds exactly what the dataclass builds."""

from __future__ import annotations

import dataclasses

import pytest

from extractors.model import CELL_FIELDS, Cell, new_cell
from tests.records import assert_built_alike


def test_new_cell_sets_every_field_of_cell() -> None:
    """A field added to `Cell` must be added to `new_cell` too (else this fails)."""
    assert tuple(f.name for f in dataclasses.fields(Cell)) == CELL_FIELDS


@pytest.mark.parametrize("args", [
    (0, 0, ""),
    (3, 2, "总计", 2, 4),
    (7, 1, "12", 1, 1, 3, (1.0, 2.0, 3.0, 4.0), 0.93),
])
def test_new_cell_equals_dataclass_cell(args: tuple[object, ...]) -> None:
    fast = new_cell(*args)  # type: ignore[arg-type]
    slow = Cell(**dict(zip(CELL_FIELDS, args, strict=False)))  # type: ignore[arg-type]
    assert_built_alike(fast, slow, "text")
