"""The accounting identities (勾稽关系) as data: one `Check` row per identity instance.

Printed values are never corrected: a report that breaks an identity keeps its numbers and gets a
failing check. Printed blanks and marks ("/", "—", "无") count as 0 when every other cell of the
identity is present; a cell that could not be read (missing, ambiguous, unreadable) makes the
check `uncertain`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pipeline.normalise.report import CellValue, Check, CheckStatus, SectionText, Severity, new_check
from pipeline.template.codebook import T3_COLS, T4_COLS, T4_ROWS, t3_leaves, t3_rows

Cells = dict[tuple[str, str, str], CellValue]
_BLANKISH = {"blank", "slash", "dash", "none", "zero_or_blank"}
_EPS = 1e-6


def _val(cells: Cells, key: tuple[str, str, str]) -> float | None:
    """The value used in identities: a number, 0 for printed blanks, None when unknown."""
    cell = cells.get(key)
    if cell is None:
        return None
    if cell.flag == "number":
        return cell.value
    if cell.flag in _BLANKISH:
        return 0.0
    return None


Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Identity:
    """One sum identity instance: the cells of `lhs` add up to the cells of `rhs`."""

    rule: str
    scope: str
    lhs: tuple[Key, ...]
    rhs: tuple[Key, ...]


def identity_check(identity: Identity, cells: Cells, severity: Severity = "hard") -> Check:
    lv = [_val(cells, k) for k in identity.lhs]
    rv = [_val(cells, k) for k in identity.rhs]
    if None in lv or None in rv:
        n_missing = lv.count(None) + rv.count(None)
        known_l = sum(v for v in lv if v is not None)
        known_r = sum(v for v in rv if v is not None)
        return new_check(identity.rule, identity.scope, known_l, known_r, "uncertain", severity,
                         f"{n_missing} cell(s) unreadable")
    left = sum(lv)  # type: ignore[arg-type]  # no None left
    right = sum(rv)  # type: ignore[arg-type]
    return new_check(identity.rule, identity.scope, left, right, "pass" if abs(left - right) < _EPS else "fail",
                     severity)


@lru_cache(maxsize=4)
def _t3_fixed(era: str) -> tuple[Identity, ...]:
    """T3-FLOW, T3-LEAF and T3-COL of an era: the same instances for every report of it."""
    apps, leaves = T3_COLS[:-1], t3_leaves(era)
    flow = [Identity("T3-FLOW", c, (("t3", "t3.r1", c), ("t3", "t3.r2", c)),
                     (("t3", "t3.r3.7", c), ("t3", "t3.r4", c))) for c in T3_COLS]
    leaf = [Identity("T3-LEAF", c, (("t3", "t3.r3.7", c),), tuple(("t3", lf, c) for lf in leaves)) for c in T3_COLS]
    cols = [Identity("T3-COL", r, (("t3", r, "tot"),), tuple(("t3", r, c) for c in apps)) for r in t3_rows(era)]
    return (*flow, *leaf, *cols)


@lru_cache(maxsize=64)
def _t3_group(era: str, group: str, col: str) -> Identity:
    leaves = tuple(("t3", leaf, col) for leaf in t3_leaves(era) if leaf.startswith(group + "."))
    return Identity("T3-GRP", f"{group}:{col}", (("t3", group, col),), leaves)


def t3_identities(cells: Cells, era: str) -> list[Identity]:
    """T3-FLOW, T3-LEAF, T3-COL, and T3-GRP where a subtotal row is printed."""
    out = list(_t3_fixed(era))
    for group in ("t3.r3.3", "t3.r3.4", "t3.r3.5", "t3.r3.6"):
        if era != "2021" and group == "t3.r3.6":
            continue
        out += [_t3_group(era, group, c) for c in T3_COLS if ("t3", group, c) in cells]  # a printed subtotal row
    return out


@lru_cache(maxsize=1)
def _t4_fixed() -> tuple[Identity, ...]:
    return tuple(Identity("T4-SUM", r, (("t4", r, "tot"),), tuple(("t4", r, c) for c in T4_COLS[:-1]))
                 for r in T4_ROWS)


def t4_identities() -> list[Identity]:
    return list(_t4_fixed())


def t3_checks(cells: Cells, era: str) -> list[Check]:
    return [*(identity_check(i, cells) for i in t3_identities(cells, era)), _dom("T3-DOM", "t3", cells)]


def t4_checks(cells: Cells) -> list[Check]:
    return [*(identity_check(i, cells) for i in t4_identities()), _dom("T4-DOM", "t4", cells)]


def t2_checks(cells: Cells, era: str) -> list[Check]:
    out = [_dom("T2-DOM", "t2", cells, signed={"items_delta"}, decimal={"amount_wan", "proc_amount"})]
    fee = cells.get(("t2", "t2.i8.fee", "amount_wan"))
    if era == "2021" and fee is not None and fee.flag == "number" and fee.value is not None:
        bad = fee.value > 1e7 or ("元" in fee.raw and "万元" not in fee.raw)
        out.append(Check(rule="T2-UNIT", scope="t2.i8.fee:amount_wan", lhs=fee.value, rhs=1e7,
                         status="fail" if bad else "pass", severity="soft"))
    if era == "2019":
        for r in ("t2.i1.reg", "t2.i1.nds"):
            a, b = _val(cells, ("t2", r, "pub_new")), _val(cells, ("t2", r, "pub_total"))
            if a is not None and b is not None:
                out.append(Check(rule="T2v19-PUB", scope=r, lhs=a, rhs=b,
                                 status="pass" if a <= b + _EPS else "fail", severity="soft"))
    return out


def _dom(rule: str, table: str, cells: Cells, *, signed: set[str] | None = None,
         decimal: set[str] | None = None) -> Check:
    """Every printed number of the table is a count: an integer ≥ 0."""
    signed, decimal = signed or set(), decimal or set()
    bad = []
    for (tab, row, col), cell in cells.items():
        if tab != table or cell.flag != "number" or cell.value is None:
            continue
        v = cell.value
        if (v < 0 and col not in signed) or (col not in decimal and abs(v - round(v)) > _EPS):
            bad.append((row, col, cell.raw))
    detail = "; ".join(f"{row}:{col}={raw}" for row, col, raw in sorted(bad)[:10])
    return new_check(rule, table, float(len(bad)), 0.0, "fail" if bad else "pass", "hard", detail)


_NUM = r"(\d+)\s*件"


def text_checks(cells: Cells, sections: list[SectionText], era: str | None) -> list[Check]:
    """Soft checks of numbers quoted in the narrative against the tables (T3-TXT, T4-TXT, T3-FEE)."""
    overview = " ".join(s.text for s in sections if s.code in {"overview", "requests", "appeals"})
    text = unicodedata.normalize("NFKC", overview)
    out: list[Check] = []
    r1, r2 = _val(cells, ("t3", "t3.r1", "tot")), _val(cells, ("t3", "t3.r2", "tot"))
    m = re.search(r"(?:共|全年|本年度?)?收到[^。;；]{0,30}?申请\D{0,6}?" + _NUM, text)
    if m and r1 is not None:
        quoted = float(m.group(1))
        ok = quoted == r1 or (r2 is not None and quoted == r1 + r2)
        out.append(Check(rule="T3-TXT", scope="t3.r1:tot", lhs=quoted, rhs=r1,
                         status="pass" if ok else "fail", severity="soft", detail=m.group(0)[:60]))
    m = re.search(r"结转(?:到|至)?下(?:一)?年度?[^。;；\d]{0,10}?" + _NUM, text) or re.search(
        _NUM + r"[^。;；\d]{0,6}结转(?:到|至)?下(?:一)?年度?", text)
    r4 = _val(cells, ("t3", "t3.r4", "tot"))
    if m and r4 is not None:
        quoted = float(m.group(1))
        out.append(Check(rule="T3-TXT", scope="t3.r4:tot", lhs=quoted, rhs=r4,
                         status="pass" if quoted == r4 else "fail", severity="soft", detail=m.group(0)[:60]))
    m = re.search(r"行政复议\D{0,4}?" + _NUM, text)
    rev = _val(cells, ("t4", "t4.rev", "tot"))
    if m and rev is not None:
        quoted = float(m.group(1))
        out.append(Check(rule="T4-TXT", scope="t4.rev:tot", lhs=quoted, rhs=rev,
                         status="pass" if quoted == rev else "fail", severity="soft", detail=m.group(0)[:60]))
    nofee = _val(cells, ("t3", "t3.r3.6.2", "tot"))
    if era == "2021" and nofee:
        other = [s.text for s in sections if s.code == "other"]
        ok = any("信息处理费" in t or "收费" in t for t in other)
        # A table published alone (a 统计表, a photo of the tables) has no section 六 to judge.
        status: CheckStatus = "uncertain" if not other else "pass" if ok else "fail"
        out.append(Check(rule="T3-FEE", scope="t3.r3.6.2:tot", lhs=nofee, rhs=None, status=status, severity="soft",
                         detail="section 六 should report 信息处理费 when requests lapsed for unpaid fees"
                         + ("" if other else " (no section 六 in this document)")))
    return out
