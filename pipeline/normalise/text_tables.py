"""Flattened text → template cells, by aligning the token stream to the template.

Used when a document has no usable grid (crawled page text, text exports, grids lost in a
conversion). Labels are found in template order with whitespace-tolerant aliases; the printed
characters between one label and the next are the row's values. Runs whose separators were lost
are split with `split`, constrained by the row sums and the identities.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from pipeline.normalise import split
from pipeline.normalise.report import CellValue, new_cell_value
from pipeline.template.codebook import T3_COLS, aliases, cells_for, t2_layout, unit_of
from pipeline.template.eras import TableEra, t2_era, t3_era
from pipeline.template.labels import loose, norm_with_map
from pipeline.template.structure import (
    T2_BLOCKS,
    T4_IDENTITIES,
    T4_PHYSICAL,
    Identities,
    t3_identities,
    t3_row_ok,
    t3_specs,
)
from pipeline.template.values import parse_cell

_PREFIX = re.compile(r"(?:[(\[]?[一二三四五六七八九十]{1,2}[)\]]|[一二三四五六七八九十]{1,2}、|\d\s*\.)\s*$")
_RUN = re.compile(r"[\d.,+\-/—–―－\s]*[\d/—–―－][\d.,+\-/—–―－\s]*")


@dataclass(frozen=True, slots=True)
class Match:
    code: str
    start: int
    end: int


@dataclass
class Flat:
    """Normalised flat text with the raw offset of every character."""

    raw: str
    s: str
    offsets: list[int] | None
    """Raw offset of every normalised character; None when the mapping is the identity."""

    @classmethod
    def of(cls, raw: str) -> Flat:
        s, offsets = norm_with_map(raw)
        return cls(raw, s, offsets)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if self.offsets is None:
            n = len(self.raw)
            if 0 <= start <= end <= n:  # the usual span: already in bounds
                return start, end
            return min(start, n), min(max(start, end), n)
        if start >= len(self.offsets):
            return len(self.raw), len(self.raw)
        a = self.offsets[start]
        b = self.offsets[end - 1] + 1 if end > start else a
        return a, b


@dataclass
class TableRead:
    """What one table of one document yielded."""

    table: str
    era: TableEra | None
    cells: dict[tuple[str, str], CellValue] = field(default_factory=dict)
    method: str = "tokens"
    found: bool = True


@cache
def _label_patterns(table: str, code: str) -> tuple[re.Pattern[str], ...]:
    """The loose patterns of a row's aliases, longest alias first (as `aliases` orders them)."""
    return tuple(loose(alias) for c, alias in aliases(table, "row") if c == code)


def find_label(flat: Flat, table: str, code: str, start: int, end: int) -> Match | None:
    """Earliest occurrence of any alias of `code` in [start, end), its item prefix included."""
    best: Match | None = None
    for pattern in _label_patterns(table, code):
        m = pattern.search(flat.s, start, end)
        if m and (best is None or m.start() < best.start or (m.start() == best.start and m.end() > best.end)):
            best = Match(code, m.start(), m.end())
    if best is None:
        return None
    pre = _PREFIX.search(flat.s[max(start, best.start - 8) : best.start])
    if pre:
        return Match(code, best.start - (len(flat.s[max(start, best.start - 8) : best.start]) - pre.start()), best.end)
    return best


def first_of(flat: Flat, words: tuple[str, ...], start: int, end: int | None = None) -> int | None:
    hits = [m.start() for w in words if (m := loose(w).search(flat.s, start, end or len(flat.s)))]
    return min(hits) if hits else None


def value_run(flat: Flat, start: int, end: int) -> tuple[str, int, int]:
    """The first run of printed values in [start, end): skip label remnants, stop at text."""
    m = _RUN.search(flat.s, start, end)
    if not m:
        return "", start, start
    text = m.group(0)
    lead = len(text) - len(text.lstrip())
    run = text.strip()
    return run, m.start() + lead, m.start() + lead + len(run)


def _cell(flat: Flat, table: str, row: str, col: str, token: str | None, *, method: str,
          span: tuple[int, int], ambiguous: int = 0, run: str = "", zero: bool = False) -> CellValue:
    a, b = flat.raw_span(*span)
    loc = f"text[{a}:{b}]"
    if ambiguous and zero:
        return new_cell_value(table=table, row=row, col=col, value=None, raw=run, flag="zero_or_blank",
                         reason=f"printed 0 or left blank (zero either way): {ambiguous} readings of {run!r}",
                         method="split", locator=loc, unit=unit_of(table, col))
    if ambiguous:
        return new_cell_value(table=table, row=row, col=col, value=None, raw=run, flag="ambiguous",
                         reason=f"{ambiguous} readings of the run {run!r} fit the template and identities equally",
                         method="split", locator=loc, unit=unit_of(table, col))
    parsed = parse_cell(token or "")
    return new_cell_value(table=table, row=row, col=col, value=parsed.value, raw=token or "", flag=parsed.flag,
                     method=method, locator=loc, unit=parsed.unit or unit_of(table, col))


def missing(table: str, row: str, col: str, reason: str) -> CellValue:
    return new_cell_value(table=table, row=row, col=col, value=None, raw="", flag="missing", reason=reason,
                     method="tokens", unit=unit_of(table, col))


def _unreadable(run: str, n: int, method: str) -> str:
    if method == "capped":
        return f"too many readings of the run {run!r} as {n} cells to weigh them all"
    return f"the printed run {run!r} cannot be read as {n} cells"


def _combinations(cands: dict[str, list[split.Reading]]) -> int:
    total = 1
    for v in cands.values():
        total *= len(v)
    return total


def _digits(run: str) -> int:
    return sum(ch.isdigit() for ch in run) + sum(ch in "/—–―－" for ch in run)


def _resolve_rows(
    flat: Flat,
    table: str,
    runs: dict[str, tuple[str, int, int]],
    n: int,
    row_ok: Callable[[tuple[float | None, ...]], bool] | None,
    identities: Identities | None,
    cols: dict[str, tuple[str, ...]],
) -> dict[tuple[str, str], CellValue]:
    """Read every row's run, let the identities choose, and emit one cell per (row, col)."""
    sparse = any(_digits(run) < len(cols[code]) for code, (run, _, _) in runs.items())
    cands: dict[str, list[split.Reading]] = {}
    methods: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    for code, (run, _, _) in runs.items():
        width = len(cols[code])
        readings, method = split.readings(run, width, sparse=sparse)
        if not readings:
            unreadable[code] = _unreadable(run, width, method)
            continue
        cands[code], methods[code] = readings, method
    if identities is not None:
        # Search all readings together when that is small enough, so a row whose printed total is
        # wrong is read as printed; otherwise narrow each row to the readings that fit its own sum.
        if _combinations(cands) > split.CAP:
            cands = {k: split.filter_rows(v, row_ok if len(cols[k]) == n else None)[0] for k, v in cands.items()}
        resolved = split.solve_table(cands, identities)
    else:
        resolved = {k: split.agree(v) for k, v in cands.items()}
    out: dict[tuple[str, str], CellValue] = {}
    for code in unreadable:
        run = runs[code][0]
        for col in cols[code]:
            out[(code, col)] = new_cell_value(
                table=table, row=code, col=col, value=None, raw=run, flag="text", method="split",
                reason=unreadable[code],
                locator="text[{}:{}]".format(*flat.raw_span(runs[code][1], runs[code][2])), unit=unit_of(table, col))
    for code, res in resolved.items():
        run, a, b = runs[code]
        spans = token_spans(flat.s, a, b, res.tokens)
        for i, col in enumerate(cols[code]):
            ambiguous = res.n_readings if res.ambiguous[i] else 0
            own = spans[i]
            out[(code, col)] = _cell(
                flat, table, code, col, res.tokens[i], method=methods[code],
                span=own if own is not None and not ambiguous else (a, b), ambiguous=ambiguous, run=run,
                zero=bool(res.zero_or_blank and res.zero_or_blank[i]),
            )
    return out


def token_spans(s: str, start: int, end: int, tokens: Sequence[str | None]) -> list[tuple[int, int] | None]:
    """Where each token of a reading was printed in `s[start:end]`, left to right (a token the run does
    not hold as one piece, or None, has no span of its own: its cell points at the whole run)."""
    out: list[tuple[int, int] | None] = []
    at = start
    for token in tokens:
        i = s.find(token, at, end) if token else -1
        if not token or i < 0:
            out.append(None)
            continue
        out.append((i, i + len(token)))
        at = i + len(token)
    return out


def read_t3(flat: Flat, start: int, end: int) -> TableRead:
    other_rows = first_of(flat, ("逾期不补正", "缴纳费用"), start, end)  # labels of the 2021 其他处理 rows
    era = t3_era({"t3.r3.6.1"} if other_rows is not None else ())
    specs = t3_specs(era)
    matches: list[Match] = []
    cursor = start
    for i, spec in enumerate(specs):
        m = find_label(flat, "t3", spec.code, cursor, end)
        if m is None:
            continue
        nxt = next((find_label(flat, "t3", s.code, cursor, end) for s in specs[i + 1 : i + 3]), None)
        if nxt is not None and nxt.start < m.start:
            # A data label missing here, or a group label printed after its first row (a spanning
            # label cell of an unruled table spreads its text over the rows it spans): either
            # way a later row's label comes first, so the cursor must not jump past it.
            continue
        matches.append(m)
        cursor = m.end
    runs: dict[str, tuple[str, int, int]] = {}
    data = {s.code for s in specs if s.is_data}
    for j, m in enumerate(matches):
        if m.code not in data:
            continue
        stop = matches[j + 1].start if j + 1 < len(matches) else end
        runs[m.code] = value_run(flat, m.end, stop)
    cols = dict.fromkeys(runs, T3_COLS)
    cells = _resolve_rows(flat, "t3", runs, len(T3_COLS), t3_row_ok, t3_identities(era), cols)
    read = TableRead("t3", era, method="tokens")
    for row, col in cells_for("t3", era):
        read.cells[(row, col)] = cells.get((row, col)) or missing("t3", row, col, "row label not found in the text")
    return read


def read_t4(flat: Flat, start: int, end: int) -> TableRead:
    header = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "复议后起诉", "未经复议直接起诉")
    last = start
    found = False
    for w in header:
        for m in loose(w).finditer(flat.s, start, end):
            found = True
            last = max(last, m.end())
    read = TableRead("t4", None, method="tokens", found=found)
    run, a, b = value_run(flat, last, end)
    if not found and len(run.split()) == len(T4_PHYSICAL):  # header lost (a converter's empty fake
        found = read.found = True                            # header): 15 separate values, printed order
    if not found or not run:
        for row, col in T4_PHYSICAL:
            read.cells[(row, col)] = missing("t4", row, col, "Table 4 values not found in the text")
        read.found = False
        return read
    readings, method = split.readings(run, len(T4_PHYSICAL), sparse=_digits(run) < len(T4_PHYSICAL))
    if not readings:
        for row, col in T4_PHYSICAL:
            read.cells[(row, col)] = new_cell_value(
                table="t4", row=row, col=col, value=None, raw=run, flag="text", method="split",
                reason=_unreadable(run, 15, method),
                locator="text[{}:{}]".format(*flat.raw_span(a, b)), unit=unit_of("t4", col))
        return read
    res = split.solve_table({"t4": readings}, T4_IDENTITIES)["t4"]
    spans = token_spans(flat.s, a, b, res.tokens)
    for i, (row, col) in enumerate(T4_PHYSICAL):
        ambiguous = res.n_readings if res.ambiguous[i] else 0
        own = spans[i]
        read.cells[(row, col)] = _cell(flat, "t4", row, col, res.tokens[i], method=method,
                                       span=own if own is not None and not ambiguous else (a, b),
                                       ambiguous=ambiguous, run=run,
                                       zero=bool(res.zero_or_blank and res.zero_or_blank[i]))
    return read


def read_t2(flat: Flat, start: int, end: int) -> TableRead:
    captions = [(m.start(), m.end(), m.group(1)) for m in re.finditer(
        r"第\s*二\s*十\s*条\s*第\s*[(\[]?\s*([一二三四五六七八九十])\s*[)\]]?\s*项", flat.s[:end])
        if m.start() >= start]
    runs: dict[str, tuple[str, int, int]] = {}
    cols: dict[str, tuple[str, ...]] = {}
    all_cols: set[str] = set()
    for k, (_, cap_end, item) in enumerate(captions):
        stop = captions[k + 1][0] if k + 1 < len(captions) else end
        rows = T2_BLOCKS.get(item, ())
        # Row labels of this block, in order.
        row_matches: list[Match] = []
        cursor = cap_end
        for code in rows:
            m = find_label(flat, "t2", code, cursor, stop)
            if m:
                row_matches.append(m)
                cursor = m.end
        header_end = row_matches[0].start if row_matches else stop
        block_cols = _header_cols(flat, cap_end, header_end)
        all_cols.update(block_cols)
        for j, m in enumerate(row_matches):
            nxt = row_matches[j + 1].start if j + 1 < len(row_matches) else stop
            runs[m.code] = value_run(flat, m.end, nxt)
            cols[m.code] = block_cols
    era = t2_era({"t2.i9.proc"} if any(c[2] == "九" for c in captions) else (), all_cols)
    read = TableRead("t2", era, method="tokens", found=bool(captions))
    cells = _resolve_rows(flat, "t2", {k: v for k, v in runs.items() if cols[k]}, 3, None, None, cols)
    layout = t2_layout(era)
    for row, col in cells_for("t2", era):
        cell = cells.get((row, col))
        if cell is None:
            why = "row label not found in the text" if row not in runs else f"column {col} not in the printed header"
            cell = missing("t2", row, col, why)
        read.cells[(row, col)] = cell
    del layout
    return read


def _header_cols(flat: Flat, start: int, end: int) -> tuple[str, ...]:
    """Column codes named in a Table 2 block header, in printed order."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for code, alias in aliases("t2", "col"):  # longest first
        for m in loose(alias).finditer(flat.s, start, end):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), code))
    return tuple(code for _, _, code in sorted(found))
