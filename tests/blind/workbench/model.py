"""The model report: every cell of the 2021 template's three tables, its narrative, and how it is printed.

Values are drawn so that the hard identities of /work/shared/spec/identities.md hold (T3-FLOW, T3-LEAF,
T3-COL, T4-SUM) and so that no value repeats inside a report: a printed number then has exactly one place
on the page, which is what makes a bounding box or a span checkable. Cell values also avoid the years and
dates printed in the narrative for the same reason.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

T3_COLS = ("np", "biz", "sci", "npo", "law", "oth", "tot")
T4_ROWS = ("t4.rev", "t4.lit.dir", "t4.lit.rev")
T4_COLS = ("up", "cor", "oth", "pend", "tot")

# (row code, printed label, group code or "") in printed order; groups are the vertically merged labels.
T3_ROWS: tuple[tuple[str, str, str], ...] = (
    ("t3.r1", "一、本年新收政府信息公开申请数量", ""),
    ("t3.r2", "二、上年结转政府信息公开申请数量", ""),
    ("t3.r3.1", "（一）予以公开", "t3.r3"),
    ("t3.r3.2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "t3.r3"),
    ("t3.r3.3.1", "1.属于国家秘密", "t3.r3.3"),
    ("t3.r3.3.2", "2.其他法律行政法规禁止公开", "t3.r3.3"),
    ("t3.r3.3.3", "3.危及“三安全一稳定”", "t3.r3.3"),
    ("t3.r3.3.4", "4.保护第三方合法权益", "t3.r3.3"),
    ("t3.r3.3.5", "5.属于三类内部事务信息", "t3.r3.3"),
    ("t3.r3.3.6", "6.属于四类过程性信息", "t3.r3.3"),
    ("t3.r3.3.7", "7.属于行政执法案卷", "t3.r3.3"),
    ("t3.r3.3.8", "8.属于行政查询事项", "t3.r3.3"),
    ("t3.r3.4.1", "1.本机关不掌握相关政府信息", "t3.r3.4"),
    ("t3.r3.4.2", "2.没有现成信息需要另行制作", "t3.r3.4"),
    ("t3.r3.4.3", "3.补正后申请内容仍不明确", "t3.r3.4"),
    ("t3.r3.5.1", "1.信访举报投诉类申请", "t3.r3.5"),
    ("t3.r3.5.2", "2.重复申请", "t3.r3.5"),
    ("t3.r3.5.3", "3.要求提供公开出版物", "t3.r3.5"),
    ("t3.r3.5.4", "4.无正当理由大量反复申请", "t3.r3.5"),
    ("t3.r3.5.5", "5.要求行政机关确认或重新出具已获取信息", "t3.r3.5"),
    ("t3.r3.6.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "t3.r3.6"),
    ("t3.r3.6.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "t3.r3.6"),
    ("t3.r3.6.3", "3.其他", "t3.r3.6"),
    ("t3.r3.7", "（七）总计", "t3.r3"),
    ("t3.r4", "四、结转下年度继续办理", ""),
)
T3_GROUPS = {"t3.r3": "三、本年度办理结果", "t3.r3.3": "（三）不予公开", "t3.r3.4": "（四）无法提供",
             "t3.r3.5": "（五）不予处理", "t3.r3.6": "（六）其他处理"}
T3_LEAVES = tuple(code for code, _, group in T3_ROWS if group and code not in ("t3.r3.7",))

# Table 2 blocks: (caption, header labels, [(row code, label, [col codes])]).
T2_BLOCKS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str, tuple[str, ...]], ...]], ...] = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     (("t2.i1.reg", "规章", ("issued", "repealed", "in_force")),
      ("t2.i1.nds", "行政规范性文件", ("issued", "repealed", "in_force")))),
    ("第二十条第（五）项", ("本年处理决定数量",), (("t2.i5.lic", "行政许可", ("decisions",)),)),
    ("第二十条第（六）项", ("本年处理决定数量",),
     (("t2.i6.pen", "行政处罚", ("decisions",)), ("t2.i6.coe", "行政强制", ("decisions",)))),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("t2.i8.fee", "行政事业性收费", ("amount_wan",)),)),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One codebook cell as printed: `raw` is the exact text on the page."""

    table: str
    row: str
    col: str
    value: float
    raw: str

    @property
    def key(self) -> str:
        return f"{self.table}/{self.row}/{self.col}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A narrative section: its printed heading and its sentences (each ends with 。)."""

    code: str
    heading: str
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """One model report; `name` is the file stem the renderers use."""

    name: str
    agency: str
    year: int
    cells: tuple[Cell, ...]
    sections: tuple[Section, ...]
    signed: str  # the date line under the signature

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def cell(self, table: str, row: str, col: str) -> Cell:
        return next(c for c in self.cells if (c.table, c.row, c.col) == (table, row, col))

    def by_key(self) -> dict[str, Cell]:
        return {c.key: c for c in self.cells}


def _draw(rng: random.Random, used: set[int], lo: int, hi: int) -> int:
    while True:
        v = rng.randint(lo, hi)
        if v not in used:
            used.add(v)
            return v


def _t3(rng: random.Random, used: set[int], carry_in: dict[str, int] | None) -> dict[tuple[str, str], int] | None:
    """Table 3 with T3-LEAF, T3-COL and T3-FLOW holding; None when a derived value collides."""
    v: dict[tuple[str, str], int] = {}
    for row in T3_LEAVES:
        for col in T3_COLS[:-1]:
            v[row, col] = _draw(rng, used, 10, 499)
    for col in T3_COLS[:-1]:
        v["t3.r3.7", col] = sum(v[row, col] for row in T3_LEAVES)
        v["t3.r4", col] = _draw(rng, used, 10, 499)
        v["t3.r2", col] = carry_in[col] if carry_in else _draw(rng, used, 10, 499)
        v["t3.r1", col] = v["t3.r3.7", col] + v["t3.r4", col] - v["t3.r2", col]
    for row, _, _ in T3_ROWS:
        v[row, "tot"] = sum(v[row, col] for col in T3_COLS[:-1])
    derived = [x for (row, col), x in v.items() if row in ("t3.r3.7", "t3.r1") or col == "tot"]
    if carry_in:
        derived += [v["t3.r2", col] for col in T3_COLS[:-1]]
    if len(set(derived)) != len(derived) or used & set(derived):
        return None
    used.update(derived)
    return v


def _t4(rng: random.Random, used: set[int]) -> dict[tuple[str, str], int] | None:
    v: dict[tuple[str, str], int] = {}
    for row in T4_ROWS:
        for col in T4_COLS[:-1]:
            v[row, col] = _draw(rng, used, 500, 999)
        v[row, "tot"] = sum(v[row, col] for col in T4_COLS[:-1])
    tots = [v[row, "tot"] for row in T4_ROWS]
    if len(set(tots)) != 3 or used & set(tots):
        return None
    used.update(tots)
    return v


def _t2(rng: random.Random, used: set[int]) -> list[Cell]:
    cells = []
    for _, _, rows in T2_BLOCKS:
        for row, _, cols in rows:
            for col in cols:
                if col == "amount_wan":
                    cents = rng.randint(100000, 999999)
                    cells.append(Cell(table="t2", row=row, col=col, value=cents / 100, raw=f"{cents / 100:.2f}"))
                else:
                    x = _draw(rng, used, 1000, 9999)
                    cells.append(Cell(table="t2", row=row, col=col, value=float(x), raw=str(x)))
    return cells


def _tables(seed: int, carry_in: dict[str, int] | None) -> tuple[Cell, ...]:
    rng = random.Random(seed)
    for _ in range(1000):
        used = {2021, 2022, 2023, 2024, 12, 20, 31}  # years and date parts printed in the text
        t3 = _t3(rng, used, carry_in)
        t4 = _t4(rng, used) if t3 else None
        if t3 and t4:
            cells = [Cell(table="t3", row=r, col=c, value=float(x), raw=str(x)) for (r, c), x in t3.items()]
            cells += [Cell(table="t4", row=r, col=c, value=float(x), raw=str(x)) for (r, c), x in t4.items()]
            cells += _t2(rng, used)
            return tuple(cells)
    raise RuntimeError(f"no collision-free tables for seed {seed}")


def make_report(*, name: str, agency: str, year: int, seed: int, sections: tuple[Section, ...],
                carry_in: dict[str, int] | None = None) -> Report:
    """A consistent report; `carry_in` fixes 上年结转 to last year's 结转下年度 (T3-XYEAR holds)."""
    return Report(name=name, agency=agency, year=year, cells=_tables(seed, carry_in), sections=sections,
                  signed=f"{agency}\n{year + 1}年1月20日")


def carry_out(report: Report) -> dict[str, int]:
    """This year's 结转下年度 by applicant column: next year's 上年结转."""
    return {col: int(report.cell("t3", "t3.r4", col).value) for col in T3_COLS[:-1]}


def with_error(report: Report, *, name: str, agency: str, delta: int) -> tuple[Report, frozenset[str]]:
    """The same report with t3.r3.1:np printed `delta` too high, and the cells the failing identities involve.

    The leaf is changed alone, so T3-COL fails on row t3.r3.1 (7 cells) and T3-LEAF on column np (the 21
    leaves and t3.r3.7); T3-FLOW still holds (t3.r3.7 is unchanged) and so does every other instance.
    """
    bad = report.cell("t3", "t3.r3.1", "np")
    new = int(bad.value) + delta
    if any(c.raw == str(new) for c in report.cells):
        raise ValueError(f"delta {delta} makes a repeated value")
    cells = tuple(replace(c, value=float(new), raw=str(new)) if c is bad else c for c in report.cells)
    involved = {f"t3/t3.r3.1/{col}" for col in T3_COLS}
    involved |= {f"t3/{row}/np" for row in (*T3_LEAVES, "t3.r3.7")}
    return replace(report, name=name, agency=agency, cells=cells,
                   signed=report.signed.replace(report.agency, agency)), frozenset(involved)
