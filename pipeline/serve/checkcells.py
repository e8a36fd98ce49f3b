"""Which cells a check involves, so a failing check is drawn on them (`check-fail`).

The identities are data in `normalise/checks.py`: a rule and a scope (a column, a row, a
`row:col`, a table). This maps each rule's scope back onto the cells it sums; a DOM rule names its
bad cells in `detail` (``row:col=raw``).
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.template.codebook import T3_COLS

CellKey = tuple[str, str, str]


def _t3_flow(col: str) -> list[CellKey]:
    return [("t3", r, col) for r in ("t3.r1", "t3.r2", "t3.r3.7", "t3.r4")]


def _row_cells(table: str, row: str, present: Iterable[CellKey]) -> list[CellKey]:
    return [k for k in present if k[0] == table and k[1] == row]


def involved(rule: str, scope: str, detail: str | None, present: set[CellKey]) -> list[CellKey]:
    """The cells of `present` the check (rule, scope) reads; [] when it names none."""
    table = rule.split("-", 1)[0].lower().replace("v19", "")
    found: list[CellKey]
    if rule.endswith("-DOM"):
        found = [(table, *part.split("=", 1)[0].split(":", 1)) for part in (detail or "").split("; ")  # type: ignore[misc]
                 if ":" in part]
    elif rule == "T3-FLOW":
        found = _t3_flow(scope)
    elif rule == "T3-LEAF":
        found = [k for k in present if k[0] == "t3" and k[2] == scope
                 and (k[1] == "t3.r3.7" or (k[1].startswith("t3.r3.") and k[1].count(".") >= 3))]
        found += [("t3", r, scope) for r in ("t3.r3.1", "t3.r3.2")]
    elif rule == "T3-GRP":
        group, _, col = scope.partition(":")
        found = [k for k in present if k[0] == "t3" and k[2] == col and (k[1] == group or k[1].startswith(group + "."))]
    elif rule == "T2v19-PUB":
        found = [("t2", scope, "pub_new"), ("t2", scope, "pub_total")]
    elif ":" in scope:
        row, _, col = scope.partition(":")
        found = [(row.split(".", 1)[0], row, col)]
    elif scope in T3_COLS:
        found = [("t3", r, scope) for r in ("t3.r1",)]
    else:
        found = _row_cells(table if table in {"t2", "t3", "t4"} else scope.split(".", 1)[0], scope, present)
    return sorted({k for k in found if k in present})
