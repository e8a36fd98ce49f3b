"""The three tables as printed grids (rows of cells with spans), shared by every renderer.

One description of the printed layout feeds the PDF, the scan, the HTML page and the text report, so the
four formats print the same tables: the merged cells of the template (the 3-row corner note of Table 3,
三、本年度办理结果 down 22 rows, the group labels down their items, Table 4's two header rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import T2_BLOCKS, T3_COLS, T3_GROUPS, T3_ROWS, T4_COLS, T4_ROWS, Report

CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True, slots=True)
class Spec:
    """One printed cell: its text, spans, and the codebook cell key when it holds a value."""

    text: str
    cs: int = 1
    rs: int = 1
    cell: str | None = None


@dataclass(frozen=True, slots=True)
class Grid:
    """A table: its rows of cells and its column widths as fractions of the table width."""

    rows: tuple[tuple[Spec, ...], ...]
    fracs: tuple[float, ...]


def _value(report: Report, key: str, cs: int = 1) -> Spec:
    table, row, col = key.split("/")
    return Spec(report.cell(table, row, col).raw, cs=cs, cell=key)


def table2(report: Report) -> Grid:
    rows: list[tuple[Spec, ...]] = []
    for caption, headers, items in T2_BLOCKS:
        rows.append((Spec(caption, cs=4),))
        span = 3 // len(headers)
        rows.append((Spec("信息内容"), *[Spec(h, cs=span) for h in headers]))
        for code, label, cols in items:
            rows.append((Spec(label), *[_value(report, f"t2/{code}/{c}", cs=span) for c in cols]))
    return Grid(tuple(rows), (0.31, 0.23, 0.23, 0.23))


def _t3_label(code: str, label: str, group: str, first_in_group: dict[str, str]) -> list[Spec]:
    if not group:
        return [Spec(label, cs=3)]
    out = []
    if first_in_group.get("t3.r3") == code:
        out.append(Spec(T3_GROUPS["t3.r3"], rs=22))
    if group == "t3.r3":
        return [*out, Spec(label, cs=2)]
    if first_in_group.get(group) == code:
        n = sum(1 for _, _, g in T3_ROWS if g == group)
        out.append(Spec(T3_GROUPS[group], rs=n))
    return [*out, Spec(label)]


def table3(report: Report) -> Grid:
    first: dict[str, str] = {}
    for code, _, group in T3_ROWS:
        if group:
            first.setdefault(group, code)
            first.setdefault("t3.r3", code)
    rows: list[tuple[Spec, ...]] = [
        (Spec(CORNER, cs=3, rs=3), Spec("申请人情况", cs=7)),
        (Spec("自然人", rs=2), Spec("法人或其他组织", cs=5), Spec("总计", rs=2)),
        tuple(Spec(t) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")),
    ]
    for code, label, group in T3_ROWS:
        values = [_value(report, f"t3/{code}/{c}") for c in T3_COLS]
        rows.append((*_t3_label(code, label, group, first), *values))
    return Grid(tuple(rows), (0.05, 0.11, 0.27, *([0.57 / 7] * 7)))


def table4(report: Report) -> Grid:
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    rows: tuple[tuple[Spec, ...], ...] = (
        (Spec("行政复议", cs=5), Spec("行政诉讼", cs=10)),
        (*[Spec(r, rs=2) for r in results], Spec("未经复议直接起诉", cs=5), Spec("复议后起诉", cs=5)),
        tuple(Spec(r) for r in results * 2),
        tuple(_value(report, f"t4/{row}/{col}") for row in T4_ROWS for col in T4_COLS),
    )
    return Grid(rows, tuple([1 / 15] * 15))


def place(grid: Grid) -> list[tuple[int, int, Spec]]:
    """(row, col, cell) in grid coordinates: row and column spans expanded as HTML lays them out."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid.rows):
        c = 0
        for spec in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, spec))
            taken.update((r + i, c + j) for i in range(spec.rs) for j in range(spec.cs))
            c += spec.cs
    return out
