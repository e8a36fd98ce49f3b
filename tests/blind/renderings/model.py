"""A random but valid annual report (2021, 2019 or hybrid era) with optional injected violations.

Independent of the project's code: built only from /work/shared/spec (codebook, identities, eras).
Values satisfy every HARD identity of identities.md unless a violation is injected on purpose; each
violation records the rule id it must trip and the arithmetic it breaks.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

Key = tuple[str, str, str]  # (table, row, col)

T3_COLS = ("np", "biz", "sci", "npo", "law", "oth")
T3_COLS_ALL = (*T3_COLS, "tot")
T4_ROWS = ("t4.rev", "t4.lit.dir", "t4.lit.rev")
T4_COLS = ("up", "cor", "oth", "pend", "tot")

T3_LEAVES_COMMON = (
    "t3.r3.1",
    "t3.r3.2",
    *(f"t3.r3.3.{i}" for i in range(1, 9)),
    *(f"t3.r3.4.{i}" for i in range(1, 4)),
    *(f"t3.r3.5.{i}" for i in range(1, 6)),
)
T3_LEAVES_2021 = (*T3_LEAVES_COMMON, "t3.r3.6.1", "t3.r3.6.2", "t3.r3.6.3")
T3_LEAVES_2019 = (*T3_LEAVES_COMMON, "t3.r3.6")

T2_2021: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("t2.i1.reg", ("issued", "repealed", "in_force")),
    ("t2.i1.nds", ("issued", "repealed", "in_force")),
    ("t2.i5.lic", ("decisions",)),
    ("t2.i6.pen", ("decisions",)),
    ("t2.i6.coe", ("decisions",)),
    ("t2.i8.fee", ("amount_wan",)),
)
T2_2019: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("t2.i1.reg", ("made_new", "pub_new", "pub_total")),
    ("t2.i1.nds", ("made_new", "pub_new", "pub_total")),
    ("t2.i5.lic", ("items_prev", "items_delta", "decisions")),
    ("t2.i5.svc", ("items_prev", "items_delta", "decisions")),
    ("t2.i6.pen", ("items_prev", "items_delta", "decisions")),
    ("t2.i6.coe", ("items_prev", "items_delta", "decisions")),
    ("t2.i8.fee", ("items_prev", "items_delta")),
    ("t2.i9.proc", ("proc_items", "proc_amount")),
)

CITIES = (
    ("安徽省", "合肥市", ("包河区", "蜀山区", "瑶海区")),
    ("江苏省", "淮安市", ("洪泽区", "清江浦区", "淮阴区")),
    ("福建省", "泉州市", ("丰泽区", "鲤城区", "洛江区")),
    ("湖南省", "岳阳市", ("岳阳楼区", "君山区", "云溪区")),
    ("吉林省", "通化市", ("东昌区", "二道江区")),
    ("浙江省", "宁波市", ("江北区", "海曙区", "鄞州区")),
)
BUREAUS = (
    "教育局",
    "科学技术局",
    "自然资源局",
    "市场监督管理局",
    "卫生健康委员会",
    "住房和城乡建设局",
    "统计局",
)

CN_DIGITS = "〇一二三四五六七八九"


@dataclass
class Violation:
    """One injected break of a hard identity: the rule it must trip and what was changed."""

    rule: str | None
    detail: str


@dataclass
class Report:
    """One report: metadata plus every printed codebook cell (table, row, col) → number."""

    era: str  # "2021" | "2019" | "hybrid"
    year: int
    agency: str
    published: dt.date
    cells: dict[Key, float] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    @property
    def t2_era(self) -> str:
        return "2019" if self.era == "2019" else "2021"

    @property
    def t3_era(self) -> str:
        return "2021" if self.era == "2021" else "2019"

    def t2_rows(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return T2_2019 if self.t2_era == "2019" else T2_2021

    def t3_leaves(self) -> tuple[str, ...]:
        return T3_LEAVES_2021 if self.t3_era == "2021" else T3_LEAVES_2019

    def t3_rows(self) -> tuple[str, ...]:
        return ("t3.r1", "t3.r2", *self.t3_leaves(), "t3.r3.7", "t3.r4")

    def v(self, table: str, row: str, col: str) -> float:
        return self.cells[(table, row, col)]

    def expected_failing_rules(self) -> list[str]:
        return sorted({v.rule for v in self.violations if v.rule})


def cn_date(d: dt.date) -> str:
    """二〇二四年一月十五日 — the signature date as agencies print it."""
    year = "".join(CN_DIGITS[int(ch)] for ch in str(d.year))
    return f"{year}年{_cn_number(d.month)}月{_cn_number(d.day)}日"


def _cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens]
    return f"{head}十{CN_DIGITS[ones] if ones else ''}"


def random_agency(rng: random.Random) -> tuple[str, str]:
    """(agency, province) — a district government or a district bureau."""
    province, city, districts = rng.choice(CITIES)
    district = rng.choice(districts)
    if rng.random() < 0.35:
        return f"{city}{district}人民政府", province
    return f"{city}{district}{rng.choice(BUREAUS)}", province


def _small(rng: random.Random, p_zero: float = 0.6, hi: int = 9) -> int:
    return 0 if rng.random() < p_zero else rng.randint(1, hi)


def _fill_t3(rep: Report, rng: random.Random, big: dict[tuple[str, str], int]) -> None:
    leaves = rep.t3_leaves()
    for c in T3_COLS:
        active = c == "np" or rng.random() < 0.4
        vals = {leaf: (_small(rng, 0.55, 12) if active else 0) for leaf in leaves}
        if c == "np":
            vals["t3.r3.1"] = rng.randint(8, 60)
        for (row, col), value in big.items():
            if col == c:
                vals[row] = value
        total = sum(vals.values())
        carry_in = rng.randint(0, 3) if active else 0
        carry_out = rng.randint(0, 3) if active else 0
        carry_in = min(carry_in, total + carry_out)
        new = total + carry_out - carry_in
        for leaf, value in vals.items():
            rep.cells[("t3", leaf, c)] = value
        rep.cells[("t3", "t3.r3.7", c)] = total
        rep.cells[("t3", "t3.r1", c)] = new
        rep.cells[("t3", "t3.r2", c)] = carry_in
        rep.cells[("t3", "t3.r4", c)] = carry_out
    for row in rep.t3_rows():
        rep.cells[("t3", row, "tot")] = sum(rep.cells[("t3", row, c)] for c in T3_COLS)


def _fill_t4(rep: Report, rng: random.Random) -> None:
    for row in T4_ROWS:
        parts = [_small(rng, 0.5, 6) for _ in range(4)]
        for col, value in zip(T4_COLS[:4], parts, strict=True):
            rep.cells[("t4", row, col)] = value
        rep.cells[("t4", row, "tot")] = sum(parts)


def _fill_t2(rep: Report, rng: random.Random) -> None:
    if rep.t2_era == "2021":
        for row in ("t2.i1.reg", "t2.i1.nds"):
            issued = _small(rng, 0.5, 15)
            rep.cells[("t2", row, "issued")] = issued
            rep.cells[("t2", row, "repealed")] = _small(rng, 0.6, 5)
            rep.cells[("t2", row, "in_force")] = issued + rng.randint(0, 80)
        rep.cells[("t2", "t2.i5.lic", "decisions")] = rng.randint(100, 9999)
        rep.cells[("t2", "t2.i6.pen", "decisions")] = rng.randint(0, 3000)
        rep.cells[("t2", "t2.i6.coe", "decisions")] = rng.randint(0, 120)
        rep.cells[("t2", "t2.i8.fee", "amount_wan")] = round(rng.uniform(0, 30000), 2)
        return
    for row in ("t2.i1.reg", "t2.i1.nds"):
        made = _small(rng, 0.4, 90)
        rep.cells[("t2", row, "made_new")] = made
        rep.cells[("t2", row, "pub_new")] = made
        rep.cells[("t2", row, "pub_total")] = made + rng.randint(0, 200)
    for row in ("t2.i5.lic", "t2.i5.svc", "t2.i6.pen", "t2.i6.coe", "t2.i8.fee"):
        prev = rng.randint(5, 400)
        rep.cells[("t2", row, "items_prev")] = prev
        rep.cells[("t2", row, "items_delta")] = rng.choice((0, 0, 3, -6, -2, 12))
        if row != "t2.i8.fee":
            rep.cells[("t2", row, "decisions")] = rng.randint(0, 2700)
    rep.cells[("t2", "t2.i9.proc", "proc_items")] = rng.randint(1, 140)
    rep.cells[("t2", "t2.i9.proc", "proc_amount")] = round(rng.uniform(10, 9000), 2)


VIOLATIONS = ("T3-FLOW", "T3-LEAF", "T3-COL", "T3-DOM", "T4-SUM", "T4-DOM", "T2-DOM")


def _bump(rep: Report, key: Key, delta: float) -> None:
    rep.cells[key] = rep.cells[key] + delta


def inject(rep: Report, rule: str) -> None:
    """Break exactly one hard identity family while keeping all the others true."""
    if rule == "T3-FLOW":  # r4 grows on np and tot: 一+二 ≠ 三+四, rows still sum across
        _bump(rep, ("t3", "t3.r4", "np"), 1)
        _bump(rep, ("t3", "t3.r4", "tot"), 1)
        detail = "t3.r4:np and t3.r4:tot +1 → r1+r2 = r3.7+r4-1 on np and tot"
    elif rule == "T3-LEAF":  # a leaf grows, (七)总计 does not
        _bump(rep, ("t3", "t3.r3.1", "np"), 1)
        _bump(rep, ("t3", "t3.r3.1", "tot"), 1)
        detail = "t3.r3.1:np and :tot +1 → Σ leaves = t3.r3.7 + 1 on np and tot"
    elif rule == "T3-COL":  # carry-in and carry-out grow on np only: FLOW holds, tot ≠ Σ
        _bump(rep, ("t3", "t3.r2", "np"), 1)
        _bump(rep, ("t3", "t3.r4", "np"), 1)
        detail = "t3.r2:np and t3.r4:np +1 → tot = Σ cols - 1 on rows r2 and r4"
    elif rule == "T3-DOM":  # a leaf set to -1, another leaf of the column takes the difference
        moved = rep.v("t3", "t3.r3.5.2", "np") + 1
        _bump(rep, ("t3", "t3.r3.5.2", "np"), -moved)
        _bump(rep, ("t3", "t3.r3.1", "np"), moved)
        _bump(rep, ("t3", "t3.r3.5.2", "tot"), -moved)
        _bump(rep, ("t3", "t3.r3.1", "tot"), moved)
        detail = "t3.r3.5.2:np = -1 (negative count); other identities kept"
    elif rule == "T4-SUM":
        _bump(rep, ("t4", "t4.rev", "tot"), 1)
        detail = "t4.rev:tot +1 → tot = up+cor+oth+pend+1"
    elif rule == "T4-DOM":  # 其他结果 = -1, 结果维持 takes the difference: the row sum holds
        moved = rep.v("t4", "t4.lit.dir", "oth") + 1
        _bump(rep, ("t4", "t4.lit.dir", "oth"), -moved)
        _bump(rep, ("t4", "t4.lit.dir", "up"), moved)
        detail = "t4.lit.dir:oth = -1, row sum kept"
    elif rule == "T2-DOM":
        rep.cells[("t2", "t2.i5.lic", "decisions")] = -3
        detail = "t2.i5.lic:decisions = -3 (negative count)"
    else:
        raise ValueError(rule)
    rep.violations.append(Violation(rule, detail))


def make_report(
    seed: int,
    era: str,
    violations: tuple[str, ...] = (),
    big: dict[tuple[str, str], int] | None = None,
    year: int | None = None,
) -> Report:
    """A deterministic report for `seed`; `big` forces given Table 3 cells (e.g. a 1347 to wrap)."""
    rng = random.Random(seed)
    agency, _ = random_agency(rng)
    year = year or rng.randint(2019 if era == "2019" else 2021, 2024 if era != "2019" else 2023)
    published = dt.date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
    rep = Report(era=era, year=year, agency=agency, published=published)
    _fill_t2(rep, rng)
    _fill_t3(rep, rng, big or {})
    _fill_t4(rep, rng)
    for rule in violations:
        inject(rep, rule)
    return rep


def hard_identity_failures(rep: Report) -> set[str]:
    """Recompute the hard identities on the model (guards the generator itself)."""
    bad: set[str] = set()
    leaves = rep.t3_leaves()
    for c in T3_COLS_ALL:
        if rep.v("t3", "t3.r1", c) + rep.v("t3", "t3.r2", c) != rep.v("t3", "t3.r3.7", c) + rep.v(
            "t3", "t3.r4", c
        ):
            bad.add("T3-FLOW")
        if sum(rep.v("t3", leaf, c) for leaf in leaves) != rep.v("t3", "t3.r3.7", c):
            bad.add("T3-LEAF")
    for row in rep.t3_rows():
        if sum(rep.v("t3", row, c) for c in T3_COLS) != rep.v("t3", row, "tot"):
            bad.add("T3-COL")
        if any(rep.v("t3", row, c) < 0 for c in T3_COLS_ALL):
            bad.add("T3-DOM")
    for row in T4_ROWS:
        if sum(rep.v("t4", row, c) for c in T4_COLS[:4]) != rep.v("t4", row, "tot"):
            bad.add("T4-SUM")
        if any(rep.v("t4", row, c) < 0 for c in T4_COLS):
            bad.add("T4-DOM")
    for (table, _row, col), value in rep.cells.items():
        if table == "t2" and col != "items_delta" and value < 0:
            bad.add("T2-DOM")
    return bad
