"""The canonical variable list shipped with the package, and the label aliases real reports use.

`codebook.csv` and `sections.csv` are verbatim copies of the domain spec: their codes are the
dataset's public variable ids. `aliases.csv` lists the printed spellings that map onto them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from pipeline.template.labels import norm


@dataclass(frozen=True, slots=True, kw_only=True)
class Variable:
    era: frozenset[str]
    table: str
    axis: Literal["row", "col"]
    code: str
    slug: str
    label_zh: str
    parent: str
    kind: str
    dtype: str
    unit: str
    note: str

    @property
    def is_data(self) -> bool:
        return self.kind.startswith("data")


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    code: str
    number: str
    label_zh: str
    aliases: tuple[str, ...]


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("pipeline.template").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def variables() -> tuple[Variable, ...]:
    out = []
    for r in _read("codebook.csv"):
        if r["axis"] not in ("row", "col"):
            raise ValueError(f"codebook.csv: axis must be row or col, not {r['axis']!r} ({r['code']})")
        axis: Literal["row", "col"] = "row" if r["axis"] == "row" else "col"
        out.append(Variable(
            era=frozenset(r["era"].split("|")), table=r["table"], axis=axis,
            code=r["code"], slug=r["slug"], label_zh=r["label_zh"], parent=r["parent"], kind=r["kind"],
            dtype=r["dtype"], unit=r["unit"], note=r["note"],
        ))
    return tuple(out)


@cache
def sections() -> tuple[Section, ...]:
    return tuple(
        Section(code=r["code"], number=r["number"], label_zh=r["label_zh"],
                aliases=tuple(a for a in r["aliases"].split("|") if a))
        for r in _read("sections.csv")
    )


@cache
def aliases(table: str, axis: str) -> tuple[tuple[str, str], ...]:
    """(code, normalised alias) pairs for one table axis, longest alias first."""
    pairs = [(r["code"], norm(r["alias"])) for r in _read("aliases.csv") if r["table"] == table and r["axis"] == axis]
    return tuple(sorted(pairs, key=lambda p: -len(p[1])))


@cache
def _by_key() -> dict[tuple[str, str, str], Variable]:
    return {(v.table, v.axis, v.code): v for v in variables()}


def variable(table: str, axis: str, code: str) -> Variable:
    try:
        return _by_key()[(table, axis, code)]
    except KeyError:
        raise KeyError(f"{table} {axis} {code}") from None


# Which (row, col) cells each table has, per era. 2019 and 2021 share Table 3 except （六）.
_T2_COLS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "t2.i1.reg": ("issued", "repealed", "in_force"),
        "t2.i1.nds": ("issued", "repealed", "in_force"),
        "t2.i5.lic": ("decisions",),
        "t2.i6.pen": ("decisions",),
        "t2.i6.coe": ("decisions",),
        "t2.i8.fee": ("amount_wan",),
    },
    "2019": {
        "t2.i1.reg": ("made_new", "pub_new", "pub_total"),
        "t2.i1.nds": ("made_new", "pub_new", "pub_total"),
        "t2.i5.lic": ("items_prev", "items_delta", "decisions"),
        "t2.i5.svc": ("items_prev", "items_delta", "decisions"),
        "t2.i6.pen": ("items_prev", "items_delta", "decisions"),
        "t2.i6.coe": ("items_prev", "items_delta", "decisions"),
        "t2.i8.fee": ("items_prev", "items_delta"),
        "t2.i9.proc": ("proc_items", "proc_amount"),
    },
}
T3_COLS: tuple[str, ...] = ("np", "biz", "sci", "npo", "law", "oth", "tot")
"""Physical column order of Table 3 (自然人, five 法人或其他组织 columns, 总计)."""
T4_ROWS: tuple[str, ...] = ("t4.rev", "t4.lit.dir", "t4.lit.rev")
T4_COLS: tuple[str, ...] = ("up", "cor", "oth", "pend", "tot")
"""Physical order of Table 4: the five columns repeated for each row, left to right."""

T3_LEAVES_2021: tuple[str, ...] = (
    "t3.r3.1", "t3.r3.2", *(f"t3.r3.3.{i}" for i in range(1, 9)), *(f"t3.r3.4.{i}" for i in range(1, 4)),
    *(f"t3.r3.5.{i}" for i in range(1, 6)), *(f"t3.r3.6.{i}" for i in range(1, 4)),
)
T3_LEAVES_2019: tuple[str, ...] = (*T3_LEAVES_2021[:-3], "t3.r3.6")


def t3_leaves(era: str) -> tuple[str, ...]:
    return T3_LEAVES_2021 if era == "2021" else T3_LEAVES_2019


def t3_rows(era: str) -> tuple[str, ...]:
    """Data rows of Table 3 in printed order."""
    return ("t3.r1", "t3.r2", *t3_leaves(era), "t3.r3.7", "t3.r4")


def t2_layout(era: str) -> dict[str, tuple[str, ...]]:
    return _T2_COLS["2021" if era == "2021" else "2019"]


@cache
def cells_for(table: str, era: str) -> tuple[tuple[str, str], ...]:
    """Every (row, col) cell of `table` in `era` ("2019" or "2021"), in printed order."""
    if table == "t2":
        return tuple((r, c) for r, cols in t2_layout(era).items() for c in cols)
    if table == "t3":
        return tuple((r, c) for r in t3_rows(era) for c in T3_COLS)
    if table == "t4":
        return tuple((r, c) for r in T4_ROWS for c in T4_COLS)
    raise KeyError(table)


@cache
def unit_of(table: str, col: str) -> str:
    try:
        return variable(table, "col", col).unit
    except KeyError:
        return ""
