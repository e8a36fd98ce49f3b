"""The template's structure as the normaliser walks it: row order, groups, blocks, identities.

This is the only place (with `codebook`) that knows how the three tables are laid out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.template.codebook import T4_COLS, T4_ROWS, t3_leaves


@dataclass(frozen=True, slots=True)
class Identities:
    """What a table's readings must satisfy: a cost per row (its own sums), and linear equations
    across rows, each applied to every column (Σ coef × row value = 0)."""

    row_cost: Callable[[tuple[float | None, ...]], int]
    equations: tuple[dict[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class RowSpec:
    code: str
    is_data: bool


def t3_specs(era: str) -> tuple[RowSpec, ...]:
    """Table 3 row labels in printed order, group labels included as boundaries."""
    specs = [RowSpec("t3.r1", True), RowSpec("t3.r2", True), RowSpec("t3.r3", False)]
    groups = {"t3.r3.3": "t3.r3.3.", "t3.r3.4": "t3.r3.4.", "t3.r3.5": "t3.r3.5.", "t3.r3.6": "t3.r3.6."}
    seen: set[str] = set()
    for leaf in t3_leaves(era):
        for group, prefix in groups.items():
            if leaf.startswith(prefix) and group not in seen:
                seen.add(group)
                specs.append(RowSpec(group, False))
        if leaf == "t3.r3.6":
            seen.add("t3.r3.6")
        specs.append(RowSpec(leaf, True))
    specs += [RowSpec("t3.r3.7", True), RowSpec("t3.r4", True)]
    return tuple(specs)


T2_BLOCKS: dict[str, tuple[str, ...]] = {
    "一": ("t2.i1.reg", "t2.i1.nds"),
    "五": ("t2.i5.lic", "t2.i5.svc"),
    "六": ("t2.i6.pen", "t2.i6.coe"),
    "八": ("t2.i8.fee",),
    "九": ("t2.i9.proc",),
}
"""Table 2 blocks by 条例 第二十条 item, with the rows each may hold (2019 rows included)."""

T4_PHYSICAL: tuple[tuple[str, str], ...] = tuple((r, c) for r in T4_ROWS for c in T4_COLS)
"""Table 4 flattened into one printed row of 15 numbers, left to right."""

Values = dict[str, tuple[float | None, ...]]


def _z(v: float | None) -> float:
    return 0.0 if v is None else v


def t3_row_ok(vals: tuple[float | None, ...]) -> bool:
    """T3-COL on one row read in physical column order (blank counts as 0)."""
    return abs(sum(_z(v) for v in vals[:-1]) - _z(vals[-1])) < 1e-9


def t4_violations(vals: tuple[float | None, ...]) -> int:
    """How many of the three five-column groups of the printed row break T4-SUM."""
    bad = 0
    for g in range(3):
        part = vals[g * 5 : g * 5 + 5]
        if abs(sum(_z(v) for v in part[:4]) - _z(part[4])) > 1e-9:
            bad += 1
    return bad


def t4_row_ok(vals: tuple[float | None, ...]) -> bool:
    """T4-SUM holds on all three groups of the printed row."""
    return t4_violations(vals) == 0


def t3_identities(era: str) -> Identities:
    """T3-COL per row; T3-FLOW and T3-LEAF per column, as linear equations across rows."""
    flow = {"t3.r1": 1.0, "t3.r2": 1.0, "t3.r3.7": -1.0, "t3.r4": -1.0}
    leaf = {"t3.r3.7": 1.0, **dict.fromkeys(t3_leaves(era), -1.0)}
    return Identities(row_cost=lambda vals: 0 if t3_row_ok(vals) else 1, equations=(flow, leaf))


T4_IDENTITIES = Identities(row_cost=lambda vals: t4_violations(vals))
