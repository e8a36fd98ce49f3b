"""Checks shared by the tests of the fast record constructors (`new_cell`, `new_cell_value`, `new_check`)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest


def assert_built_alike(fast: object, slow: object, field: str) -> None:
    """The record a fast constructor built is the dataclass's own: equal, same hash and repr, it
    pickles back to it, and it stays frozen (setting `field` raises)."""
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(fast, field, "x")
