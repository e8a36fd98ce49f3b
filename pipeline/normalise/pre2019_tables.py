"""Pre-2019 统计表 annexes (指标名称 / 计量单位 / 本年度 / 历年累计) → cells of table `p`.

The forms differ by province and year (国办发〔2014〕32号, local 2011/2018 forms, two-level forms,
定西's numbered form), so rows are found by label (aliases of table `p`; printed rows without a
§2.4 code are `x.*` aliases, read as boundaries and for identities but never emitted). A grid
gives the cells as printed; flattened text gives the unit and a run of digits that may hold both
columns run together ("主动公开信息数条4251516"). Such a run is read every way the digits allow,
then only readings with 历年累计 ≥ 本年度 are kept, and the identities the printed layout implies
(a parent row = Σ its child rows, per column) choose across rows (`split.solve_table`). A cell gets
a value only when every reading that fits agrees; otherwise it is null with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from extractors.model import Table
from pipeline.normalise import split
from pipeline.normalise.report import CellValue, Check
from pipeline.normalise.text_tables import Flat
from pipeline.template.codebook import aliases, variable
from pipeline.template.labels import loose, norm
from pipeline.template.structure import Identities
from pipeline.template.values import parse_cell

SUMS: dict[str, frozenset[str]] = {
    "p.active.total": frozenset({"x.web", "x.gazette"}),
    "p.req.received": frozenset({f"p.req.received.{c}" for c in ("in_person", "fax", "online", "mail", "email",
                                                                 "other")} | {"x.mail_fax"}),
    "p.req.answered": frozenset({"p.ans.already_public", "p.ans.granted", "p.ans.partial", "p.ans.refused",
                                 "p.ans.not_held", "p.ans.not_exist", "p.ans.unclear", "x.other_route",
                                 "x.other_answer"}),
    "p.ans.refused": frozenset({*(f"p.ans.refused.{r}" for r in ("secret", "commercial", "privacy", "safety",
                                                                 "not_gov_info", "other_law")),
                                "p.ans.not_held", "p.ans.not_exist", "p.ans.unclear", "x.exempt4", "x.exempt5",
                                "x.other_reason"}),
    "p.review.total": frozenset({"p.review.upheld", "p.review.corrected", "p.review.other"}),
    "p.litig.total": frozenset({"p.litig.upheld", "p.litig.corrected", "p.litig.other"}),
    "x.staff": frozenset({"p.staff.full", "p.staff.part"}),
    "x.closed": frozenset({"x.closed.on_time", "x.closed.extended"}),
}
"""Which printed rows may add up to which parent. A parent's identity holds over the child rows the
layout prints under it (numbering one level deeper, or 其中), only when every such child is one of
these: 32号's channel rows are not a partition (同一信息计1条) and sit under their own heading."""

_HEADER = ("指标名称", "统计指标")
_UNITS = ("人次", "万元", "元", "条", "件", "次", "人", "个", "篇", "项", "宗")
_UNIT_RE = re.compile(r"\s*(" + "|".join(_UNITS) + r")")
_RUN_RE = re.compile(r"[\d\s.,/／—–-]*")
_NOTE = re.compile(r"[（(][^（()）\n]*?[^\d（()）一二三四五六七八九十\s][^（()）]*?[）)]")
_PREFIX = re.compile(r"(其中\s*[:：]?)?\s*(\d{1,2}\s*[.．、]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|"
                     r"[一二三四五六七八九十]{1,2}\s*、)?\s*$")
_RANK = {"cn": 1.0, "paren_cn": 2.0, "arabic": 3.0, "paren_arabic": 4.0}


@dataclass(frozen=True, slots=True)
class PrintedRow:
    """One printed row of the 统计表: its code, label and unit as printed, layout rank, and values."""

    code: str
    label: str
    unit: str
    rank: float
    readings: tuple[split.Reading, ...]
    how: str
    """tokens | split | grid | capped | empty"""
    run: str
    locator: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class PTable:
    rows: tuple[PrintedRow, ...]
    cols: tuple[str, ...]
    method: str


# --- label matching --------------------------------------------------------------------------------

def _style(prefix: str) -> str | None:
    p = norm(prefix).removeprefix("其中").lstrip(":")
    if not p:
        return None
    if p[0] in "(（":
        return "paren_arabic" if any(ch.isdigit() for ch in p) else "paren_cn"
    return "arabic" if p[0].isdigit() else "cn"


def _ranks(prefixes: Sequence[str]) -> list[float]:
    """Layout depth of each row: numbering style, 其中 one level under the row before, an unnumbered
    row continuing an unnumbered run at the same depth and otherwise at the top."""
    out: list[float] = []
    prev_unnumbered = False
    for p in prefixes:
        style = _style(p)
        qz = norm(p).startswith("其中")
        if style is not None:
            out.append(_RANK[style])
            prev_unnumbered = False
        elif qz:
            out.append((out[-1] if out else 0.0) + 0.5)
            prev_unnumbered = True
        else:
            out.append(out[-1] if out and prev_unnumbered else 0.0)
            prev_unnumbered = True
    return out


def _codes_of(label: str) -> list[str]:
    key = norm(label)
    return [c for c, a in aliases("p", "row") if a == key]


def _parent(code: str) -> str:
    try:
        return variable("p", "row", code).parent
    except KeyError:
        return ""


def _choose(cands: Sequence[str], before: Sequence[str]) -> str:
    """One code for a label several codes share (被依法纠错数 under 行政复议 or 行政诉讼): the one whose
    parent was printed last before it."""
    uniq = list(dict.fromkeys(cands))
    if len(uniq) == 1:
        return uniq[0]
    for prev in reversed(before):
        for c in uniq:
            if _parent(c) == prev:
                return c
    return uniq[0]


def _children(rows: Sequence[PrintedRow], i: int) -> list[str]:
    """Codes of the rows printed directly under row i that add up to it, [] if not a partition."""
    allowed = SUMS.get(rows[i].code)
    if not allowed or i + 1 >= len(rows) or rows[i + 1].rank <= rows[i].rank:
        return []
    child_rank = rows[i + 1].rank
    out: list[str] = []
    for r in rows[i + 1:]:
        if r.rank <= rows[i].rank:
            break
        if r.rank > child_rank:
            continue
        if r.code not in allowed:
            break
        out.append(r.code)
    return out


def equations(rows: Sequence[PrintedRow]) -> list[tuple[str, tuple[str, ...]]]:
    """(parent, children) for every parent the layout prints with its parts."""
    out = []
    for i, r in enumerate(rows):
        kids = _children(rows, i)
        if kids:
            out.append((r.code, tuple(kids)))
    return out


# --- flattened text ----------------------------------------------------------------------------------

def _masked(s: str) -> str:
    """Explanatory notes in brackets blanked out (same length: offsets stay valid)."""
    return _NOTE.sub(lambda m: " " * len(m.group(0)), s)


def _label_hits(s: str, start: int, end: int) -> list[tuple[int, int, list[str]]]:
    """Non-overlapping alias occurrences in [start, end), longest alias first, in printed order."""
    taken: list[tuple[int, int]] = []
    hits: dict[tuple[int, int], list[str]] = {}
    for code, alias in aliases("p", "row"):
        for m in loose(alias).finditer(s, start, end):
            a, b = m.start(), m.end()
            if (a, b) in hits:
                hits[(a, b)].append(code)
                continue
            if any(a < tb and ta < b for ta, tb in taken):
                continue
            taken.append((a, b))
            hits[(a, b)] = [code]
    return [(a, b, hits[(a, b)]) for a, b in sorted(hits)]


_COLUMN_WORDS: tuple[tuple[str, str], ...] = (
    ("代码", "code"), ("历年累计", "cum"), ("本年累计", "ytd"), ("本期实际", "year"), ("统计数", "year"),
    ("本年度", "year"), ("年度", "year"),
)
"""Header words of the value columns. 本年累计 (year to date) is not 历年累计: read, never emitted as cum."""


def header_columns(header: str) -> tuple[str, ...]:
    """The value columns a header names, in printed order (a 代码 column holds the row's serial)."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for word, col in _COLUMN_WORDS:
        for m in loose(word).finditer(header):
            if not any(m.start() < b and a < m.end() for a, b in taken):
                taken.append((m.start(), m.end()))
                found.append((m.start(), col))
    cols = tuple(c for _, c in sorted(found))
    return cols if "year" in cols else ("year", *cols)


def _text_header(s: str) -> tuple[int, tuple[str, ...]] | None:
    """(end of the header word, value columns) of a 统计表 printed in the text."""
    for word in _HEADER:
        m = loose(word).search(s)
        if m:
            first = _label_hits(s, m.end(), min(len(s), m.end() + 80))
            stop = first[0][0] if first else min(len(s), m.end() + 40)
            return m.end(), header_columns(s[m.end():stop])
    return None


def _item_prefix(s: str, a: int, lo: int, last_num: int) -> tuple[int, str, int]:
    """Where the item numbering before the label at `a` starts, the prefix, and the item number.

    Without 其中 the number may have run into the previous row's digits ("41815092.政府公报公开"):
    the item number is the one the list expects next (last + 1), else a single digit."""
    m = _PREFIX.search(s, max(lo, a - 8), a)
    if m is None:
        return a, "", last_num
    prefix = m.group(0)
    d = re.search(r"(\d{1,2})\s*[.．、]", prefix)
    if d is None or _style(prefix) != "arabic":
        return m.start(), prefix, last_num
    num = d.group(1)
    if "其中" in prefix:
        return m.start(), prefix, int(num)
    expected = str(last_num + 1)
    cut = len(num) - len(expected) if num.endswith(expected) else len(num) - 1
    pstart = m.start() + d.start(1) + cut
    return pstart, s[pstart:a], int(num[cut:])


def text_table(flat: Flat) -> PTable | None:
    """The 统计表 of flattened text, or None when the text prints none."""
    s = _masked(flat.s)
    head = _text_header(s)
    if head is None:
        return None
    start, cols = head
    hits = _label_hits(s, start, len(s))
    if not hits:
        return None
    starts, prefixes = [], []
    last_num = 0
    for k, (a, _b, _codes) in enumerate(hits):
        pstart, prefix, last_num = _item_prefix(s, a, hits[k - 1][1] if k else start, last_num)
        starts.append(pstart)
        prefixes.append(prefix)
    labels = [flat.raw[slice(*flat.raw_span(p0, b))].strip() for p0, (_a, b, _c) in zip(starts, hits, strict=True)]
    cells = [(b, starts[k + 1] if k + 1 < len(hits) else len(s)) for k, (_a, b, _c) in enumerate(hits)]
    codes_seen: list[str] = []
    rows: list[PrintedRow] = []
    ranks = _ranks(prefixes)
    for (_a, _b, codes), (c0, c1), label, rank in zip(hits, cells, labels, ranks, strict=True):
        code = _choose(codes, codes_seen)
        codes_seen.append(code)
        rows.append(_text_row(flat, s, code, label, rank, c0, c1, cols))
    return PTable(tuple(rows), tuple(c for c in cols if c != "code"), "text")


def _text_row(flat: Flat, s: str, code: str, label: str, rank: float, c0: int, c1: int,
              cols: tuple[str, ...]) -> PrintedRow:
    um = _UNIT_RE.match(s, c0, c1)
    unit = um.group(1) if um else ""
    pos = um.end() if um else c0
    rm = _RUN_RE.match(s, pos, c1)
    run = rm.group(0) if rm else ""
    if "code" in cols:  # the row's serial ("01") comes first: one token, or two run-together digits
        body = run.lstrip()
        skip = len(body.split()[0]) if len(body.split()) > 1 else 2
        pos += len(run) - len(body) + skip
        run = run[len(run) - len(body) + skip:]
    n = sum(1 for c in cols if c != "code")
    lead = len(run) - len(run.lstrip())
    run_s = run.strip().rstrip(".．")
    a, b = flat.raw_span(pos + lead, pos + lead + len(run_s))
    loc = f"text[{a}:{b}]"
    if not run_s:
        return PrintedRow(code, label, unit, rank, (), "empty", "", loc)
    reads, how = split.readings(run_s, n)
    return PrintedRow(code, label, unit, rank, tuple(reads), how, run_s, loc)


# --- grids ---------------------------------------------------------------------------------------------

def _grid_columns(header: Sequence[str]) -> tuple[int, list[tuple[int, str]]] | None:
    """(unit column, [(column, value column code)]) from a header row."""
    unit = next((i for i, h in enumerate(header) if "单位" in h), None)
    if unit is None:
        return None
    cols = [(i, c) for i, h in enumerate(header) if i > unit
            for c in [next((col for word, col in _COLUMN_WORDS if word in h), "")] if c and c != "code"]
    if not any(c == "year" for _, c in cols):
        return None
    return unit, cols


def grid_table(tables: Sequence[Table]) -> PTable | None:
    """The 统计表 among the document's grids, or None."""
    for t in tables:
        grid = [[(c.text if c else "") for c in row] for row in t.grid()]
        for hi, header in enumerate(grid[:3]):
            cols = _grid_columns([norm(h) for h in header])
            if cols is None:
                continue
            return _grid_rows(t, grid[hi + 1:], hi + 1, cols)
    return None


def _grid_rows(t: Table, body: list[list[str]], first: int, cols: tuple[int, list[tuple[int, str]]]) -> PTable | None:
    unit_col, vcols = cols
    year_col = vcols[0][0]
    prefixes, found = [], []
    for i, row in enumerate(body):
        label_raw = row[unit_col - 1] if unit_col >= 1 else ""
        label = _masked(norm(label_raw))
        pre = re.match(r"(其中[:：]?)?(\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,2}、)?",
                       label)
        prefix = pre.group(0) if pre else ""
        codes = _codes_of(label[len(prefix):].strip())
        if not codes:
            continue
        prefixes.append(prefix)
        found.append((i, row, label_raw, codes))
    if not found:
        return None
    rows: list[PrintedRow] = []
    seen: list[str] = []
    for (i, row, label_raw, codes), rank in zip(found, _ranks(prefixes), strict=True):
        code = _choose(codes, seen)
        seen.append(code)
        vals = [row[i] if i < len(row) else "" for i, _ in vcols]
        reading: split.Reading = tuple(v.strip() or None for v in vals)
        rows.append(PrintedRow(code, " ".join(label_raw.split()), row[unit_col].strip(), rank, (reading,), "grid",
                               " ".join(v.strip() for v in vals), f"table[{t.index}]/r{first + i}/c{year_col}",
                               t.page))
    return PTable(tuple(rows), tuple(c for _, c in vcols), "grid")


# --- resolving ---------------------------------------------------------------------------------------

def _cum_ok(reading: split.Reading) -> bool:
    """Every cumulative column (历年累计, 本年累计) at least the period's figure."""
    vals = split.values_of(reading)
    return vals[0] is None or all(v is None or v >= vals[0] for v in vals[1:])


def resolve(table: PTable, pins: Mapping[str, float]) -> dict[str, CellValue]:
    """Cells of every printed row (`x.*` included, for the checks): a value where every fitting reading
    agrees, else null with a reason. `pins` are figures the prose states for a row's 本年度."""
    cands: dict[str, list[split.Reading]] = {}
    notes: dict[str, str] = {}
    for r in table.rows:
        if r.code in cands or not r.readings:
            continue
        kept = [x for x in r.readings if _cum_ok(x)] if r.how == "split" else list(r.readings)
        if not kept:
            notes[r.code] = f"no reading of {r.run!r} has 历年累计 ≥ 本年度"
            continue
        pin = pins.get(r.code)
        if pin is not None and len(kept) > 1:
            pinned = [x for x in kept if split.values_of(x)[0] == pin]
            kept = pinned or kept
        cands[r.code] = kept
    eqs = [{parent: -1.0, **dict.fromkeys(kids, 1.0)} for parent, kids in equations(table.rows)]
    eqs = [e for e in eqs if all(k in cands for k in e)]
    solved = split.solve_table(cands, Identities(row_cost=lambda v: 0, equations=tuple(eqs))) if cands else {}
    out: dict[str, CellValue] = {}
    for r in table.rows:
        for j, col in enumerate(table.cols):
            out.setdefault(f"{r.code}|{col}", _cell(r, col, j, solved.get(r.code), notes.get(r.code)))
    return out


def _cell(r: PrintedRow, col: str, j: int, res: split.Resolved | None, note: str | None) -> CellValue:
    base = {"table": "p", "row": r.code, "col": col, "unit": r.unit, "locator": r.locator, "page": r.page,
            "label": r.label}
    how = "grid" if r.how == "grid" else ("split" if r.how == "split" else "tokens")
    if res is None:
        reason = note or ("the row prints no value" if r.how == "empty" else
                          f"too many readings of {r.run!r}" if r.how == "capped" else "no reading")
        flag = "blank" if r.how == "empty" else "ambiguous"
        return CellValue(value=None, raw=r.run, flag=flag, reason=reason, method=how, **base)  # type: ignore[arg-type]
    if res.ambiguous[j]:
        return CellValue(value=None, raw=r.run, flag="ambiguous", method="split",
                         reason=f"{res.n_readings} readings of the run {r.run!r} fit 历年累计 ≥ 本年度 and the "
                                "identities equally", **base)  # type: ignore[arg-type]
    parsed = parse_cell(res.tokens[j] or "")
    return CellValue(value=parsed.value, raw=res.tokens[j] or "", flag=parsed.flag, method=how,
                     **base)  # type: ignore[arg-type]


def table_checks(table: PTable, cells: Mapping[str, CellValue]) -> list[Check]:
    """The identities the printed layout implies (parent = Σ children), and 本年度 ≤ 历年累计."""
    def val(code: str, col: str) -> float | None:
        c = cells.get(f"{code}|{col}")
        if c is None:
            return None
        return c.value if c.flag == "number" else 0.0 if c.flag in ("blank", "slash", "dash", "none") else None

    out: list[Check] = []
    for parent, kids in equations(table.rows):
        if not parent.startswith("p."):
            continue
        for col in table.cols:
            lhs = val(parent, col)
            parts = [val(k, col) for k in kids]
            if lhs is None or any(v is None for v in parts):
                status, rhs = "uncertain", None
            else:
                rhs = float(sum(v for v in parts if v is not None))
                status = "pass" if abs(lhs - rhs) < 1e-6 else "fail"
            out.append(Check(rule="P-SUM", scope=f"{parent} = {' + '.join(kids)} ({col})", lhs=lhs, rhs=rhs,
                             status=status, severity="hard",  # type: ignore[arg-type]
                             detail="" if status != "fail" else f"{parent} {lhs:g} ≠ Σ parts {rhs:g}"))
    if "cum" in table.cols:
        for r in table.rows:  # a blank 历年累计 is a stock with no cumulative (staff, budget), not a 0
            yc, cc = cells.get(f"{r.code}|year"), cells.get(f"{r.code}|cum")
            y = yc.value if yc and yc.flag == "number" else None
            c = cc.value if cc and cc.flag == "number" else None
            if r.code.startswith("p.") and y is not None and c is not None:
                out.append(Check(rule="P-CUM", scope=f"{r.code} year ≤ cum", lhs=y, rhs=c,
                                 status="pass" if y <= c else "fail", severity="hard",
                                 detail="" if y <= c else f"{r.code} 本年度 {y:g} > 历年累计 {c:g}"))
    return out
