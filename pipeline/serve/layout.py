"""A report's cells laid out as the template prints its tables, with the template's own labels.

Rows come in codebook order (the order the cells are stored in); consecutive rows with the same
columns form one printed block (Table 3 is one grid; Table 2 is a block per 第二十条 item, each with
its own columns), headed by the codebook's labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.template.codebook import variables

TABLE_TITLES = {"t2": "二、主动公开政府信息情况", "t3": "三、收到和处理政府信息公开申请情况",
                "t4": "四、政府信息公开行政复议、行政诉讼情况", "p": "统计（2019 年以前）"}


@cache
def _labels() -> dict[tuple[str, str, str], tuple[str, str]]:
    return {(v.table, v.axis, v.code): (v.label_zh, v.parent) for v in variables()}


def label(table: str, axis: str, code: str) -> str:
    found = _labels().get((table, axis, code))
    return found[0] if found else code


def parent(table: str, code: str) -> str:
    """The group a row is printed under: the parent's own label when the parent is a row code."""
    found = _labels().get((table, "row", code))
    if not found:
        return ""
    above = _labels().get((table, "row", found[1]))
    return above[0] if above else found[1]


@dataclass(frozen=True, slots=True)
class Block:
    """One printed grid: its column codes and labels, and rows of (code, label, group, cells by col)."""

    cols: tuple[str, ...]
    col_labels: tuple[str, ...]
    rows: tuple[tuple[str, str, str, dict[str, dict[str, Any]]], ...]


def blocks(table: str, cells: list[dict[str, Any]]) -> list[Block]:
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for c in cells:
        if c["table"] == table:
            rows.setdefault(c["row"], {})[c["col"]] = c
    out: list[Block] = []
    current: list[tuple[str, str, str, dict[str, dict[str, Any]]]] = []
    cols: tuple[str, ...] = ()
    for code, by_col in rows.items():
        these = tuple(by_col)
        if current and these != cols:
            out.append(_block(table, cols, current))
            current = []
        cols = these
        printed = next((c.get("label") for c in by_col.values() if c.get("label")), None)
        current.append((code, printed or label(table, "row", code), parent(table, code), by_col))
    if current:
        out.append(_block(table, cols, current))
    return out


def _block(table: str, cols: tuple[str, ...], rows: list[tuple[str, str, str, dict[str, dict[str, Any]]]]) -> Block:
    return Block(cols, tuple(label(table, "col", c) for c in cols), tuple(rows))


def value_text(value: float | None) -> str:
    """A value as printed in the page: an integer without a decimal point; empty when null."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
