"""Figures stated in pre-2019 prose ("共受理政府信息公开申请12件，其中当面申请3件…") → cells of table `p`.

A figure is a known label followed by its number and unit in the same clause; sub-scope clauses
(各乡镇…, 县直各单位…) are not the report's own totals and are skipped. "未收到…申请" states a 0.
Each figure keeps its label, unit and `text[start:end]` span; a figure stated twice differently is
null with a reason and a failing check, never one of the two picked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.normalise.report import CellValue, Check

_NUM = r"(?:共|共计|为|达|计|了)?\s*(\d+(?:\.\d+)?)\s*(人次|万元|元|件|宗|条|次|人|个)"
_MID = r"[^，。；;,\d]{0,16}?"
_FIGURES: tuple[tuple[str, str], ...] = (
    ("p.active.total", r"主动公开(?:政府)?信息(?:总数)?"),
    ("p.active.nds_published", r"其中(?:公开)?规范性文件(?:公开)?"),
    ("p.req.received", r"(?:收到|受理)(?=" + _MID + r"申请)" + _MID + r"申请" + _MID),
    ("p.req.received.in_person", r"当面申请"),
    ("p.req.received.online", r"网上申请"),
    ("p.req.received.mail", r"信函申请"),
    ("p.req.received.fax", r"传真申请"),
    ("p.req.received.email", r"电子邮件申请"),
    ("p.req.answered", r"已答复"),
    ("p.ans.granted", r"同意公开"),
    ("p.ans.partial", r"同意部分公开"),
    ("p.ans.refused", r"不予公开"),
    ("p.ans.not_exist", r"信息不存在"),
    ("p.ans.not_held", r"非本机关掌握"),
    ("p.ans.unclear", r"申请内容不明确"),
    ("p.fee.amount", r"收取" + _MID + r"费"),
    ("p.review.total", r"行政复议"),
    ("p.review.upheld", r"维持具体行政行为"),
    ("p.review.corrected", r"被依法纠错"),
    ("p.review.other", r"其他情形"),
    ("p.litig.total", r"行政诉讼"),
    ("p.complaints", r"举报投诉"),
    ("p.staff.full", r"专职人员"),
    ("p.staff.part", r"兼职人员"),
    ("p.budget_wan", r"专项经费"),
    ("p.meetings", r"召开" + _MID + r"会议"),
    ("p.trainings", r"举办(?:各类)?培训班"),
    ("p.trainees", r"培训(?:人员)?(?=" + r"(?:共|共计|了)?\s*\d+(?:\.\d+)?\s*人次)"),
)
_ZEROS: tuple[tuple[str, str], ...] = (
    ("p.req.received", r"未(?:收到|受理)(?:[^，。；复议诉讼]){0,16}?申请"),
    ("p.review.total", r"未(?:收到|发生)[^，。；]{0,16}?行政复议"),
)
_UNITS = {"p.fee.amount": ("元", "万元"), "p.budget_wan": ("万元", "元"), "p.trainees": ("人次",),
          "p.staff.full": ("人",), "p.staff.part": ("人",)}
_COUNT_UNITS = ("件", "宗", "条", "次", "个")
_SUBSCOPE = re.compile(r"各(?:乡镇|单位|部门|县|区|街道)|县直|区直|市直")
_SHARED = {"p.review.upheld": "p.litig.upheld", "p.review.corrected": "p.litig.corrected",
           "p.review.other": "p.litig.other"}


@dataclass(frozen=True, slots=True)
class Figure:
    code: str
    value: float
    unit: str
    label: str
    start: int
    end: int


def _clause_start(text: str, pos: int) -> int:
    cut = max(text.rfind(ch, 0, pos) for ch in "，。；;,")
    return cut + 1


def _unit_ok(code: str, unit: str) -> bool:
    return unit in _UNITS.get(code, _COUNT_UNITS)


def text_figures(text: str, end: int | None = None) -> list[Figure]:
    """Every stated figure in text[:end], in printed order."""
    stop = len(text) if end is None else end
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for code, label in _FIGURES:
        for m in re.finditer(f"({label}){_NUM}", text[:stop]):
            a, b = m.start(), m.end()
            if any(a < tb and ta < b for ta, tb in taken) or not _unit_ok(code, m.group(3)):
                continue
            if _SUBSCOPE.search(text, _clause_start(text, a), a):
                continue
            taken.append((a, b))
            found.append(Figure(code, float(m.group(2)), m.group(3), m.group(1), a, b))
    for code, pat in _ZEROS:
        for m in re.finditer(pat, text[:stop]):
            if not any(m.start() < tb and ta < m.end() for ta, tb in taken):
                found.append(Figure(code, 0.0, "", m.group(0), m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    return _scoped(found)


def _scoped(figs: list[Figure]) -> list[Figure]:
    """upheld/corrected/other belong to the 行政复议 or 行政诉讼 stated last before them."""
    out, parent = [], "p.review.total"
    for f in figs:
        if f.code in ("p.review.total", "p.litig.total"):
            parent = f.code
        if f.code in _SHARED and parent == "p.litig.total":
            f = Figure(_SHARED[f.code], f.value, f.unit, f.label, f.start, f.end)
        out.append(f)
    return out


def figures_to_cells(figs: Sequence[Figure]) -> tuple[dict[str, CellValue], list[Check]]:
    """One `year` cell per code; a code stated twice with different values is null plus a failing check."""
    by_code: dict[str, list[Figure]] = {}
    for f in figs:
        by_code.setdefault(f.code, []).append(f)
    cells: dict[str, CellValue] = {}
    checks: list[Check] = []
    for code, fs in by_code.items():
        first = fs[0]
        loc = f"text[{first.start}:{first.end}]"
        values = sorted({f.value for f in fs})
        base = {"table": "p", "row": code, "col": "year", "unit": first.unit, "method": "narrative",
                "locator": loc, "label": first.label}
        if len(values) > 1:
            spans = ", ".join(f"{f.value:g} at text[{f.start}:{f.end}]" for f in fs)
            cells[code] = CellValue(value=None, raw=" / ".join(f"{v:g}" for v in values), flag="ambiguous",
                                    reason=f"stated twice differently in the text: {spans}", **base)  # type: ignore[arg-type]
            checks.append(Check(rule="P-TXT", scope=f"{code} (year) stated twice", lhs=fs[0].value,
                                rhs=next(f.value for f in fs if f.value != fs[0].value), status="fail",
                                severity="soft", detail=f"{code} stated twice differently: {spans}"))
        else:
            cells[code] = CellValue(value=first.value, raw=f"{first.value:g}{first.unit}", flag="number",
                                    **base)  # type: ignore[arg-type]
    return cells, checks
