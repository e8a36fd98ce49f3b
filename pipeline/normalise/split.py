"""Recover cells from runs of digits whose separators were lost (`15130000154` = 151/3/0/0/0/0/154).

A run is read in every way the digits allow (no leading zeros, signs start a number, "/" and
"—" are cells of their own). The template's identities then choose: first the row's own sum,
then the identities across rows. A cell gets a value only when every reading that fits best
agrees on it; otherwise it stays null with a reason. Nothing here guesses.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.template.structure import Identities

Reading = tuple[str | None, ...]
"""One reading of a run: the printed token of each cell, None for a blank cell."""

_VALID = re.compile(r"^[+-]?(0|[1-9]\d*)(\.\d+)?$")
_MARKS = {"/", "—", "-", "－", "–", "―", "／"}
_TOKEN = re.compile(r"[+-]?\d+(?:\.\d+)?|[/／]|[—–―－]+|-{2,}")
CAP = 20000
"""Most readings of one run (and combinations across rows) the solver will weigh."""
NODE_CAP = 2_000_000
"""Most steps spent enumerating the readings of one run; past it the run counts as unreadable."""


def _to_float(token: str | None) -> float | None:
    if token is None or token in _MARKS or not _VALID.match(token):
        return None
    return float(token)


def values_of(reading: Reading) -> tuple[float | None, ...]:
    return tuple(_to_float(t) for t in reading)


Cuts = tuple[tuple[str, ...], ...]
_ATOM_MARKS = frozenset({"/", "—"})


@lru_cache(maxsize=1 << 14)
def _ends(s: str) -> tuple[int, ...]:
    """Where the first of several numbers may end in `s`: a valid number not cut before a "."."""
    start = 1 if s[:1] in "+-" else 0
    return tuple(i for i in range(start + 1, len(s)) if _VALID.match(s[:i]) and s[i] != ".")


@lru_cache(maxsize=1 << 14)
def _tally(s: str, k: int) -> tuple[int, int]:
    """(steps, cuts) of cutting `s` into `k` numbers head by head: one step per digit string tried."""
    if k == 1:
        return 1, 1 if _VALID.match(s) else 0
    if len(s) < k:
        return 1, 0
    steps, cuts, last = 1, 0, len(s) - k + 1
    for i in _ends(s):
        if i > last:
            break
        a, b = _tally(s[i:], k - 1)
        steps, cuts = steps + a, cuts + b
    return steps, cuts


@lru_cache(maxsize=1 << 10)
def _cuts(s: str, k: int) -> Cuts:
    """Every cut of `s` into `k` valid numbers (a sign only at the very start), in walk order."""
    if k == 1:
        return ((s,),) if _VALID.match(s) else ()
    last = len(s) - k + 1
    return tuple((s[:i], *rest) for i in _ends(s) if i <= last for rest in _cuts(s[i:], k - 1))


class _Walk:
    """The readings of one run's atoms, counted before any is built.

    Reading a run used to walk every way to cut each atom's digits head by head, charging a step
    per digit string tried and building cuts no later atom could complete. The same walk is now
    counted (its steps, which `NODE_CAP` bounds, and its readings, which `cap` bounds) from each
    (digits, cells) pair's tally, worked out once; only the readings that complete are then built,
    in the order the walk found them.
    """

    __slots__ = ("atoms", "counts", "splits_of", "steps_of")

    def __init__(self, atoms: list[str]) -> None:
        self.atoms = atoms
        self.steps_of: dict[tuple[int, int], int] = {}
        self.counts: dict[tuple[int, int], int] = {}
        self.splits_of: dict[tuple[int, int], Cuts] = {}

    def _ks(self, i: int, m: int) -> range:
        """How many cells the number atom `i` may take of the `m` left (each later atom needs one)."""
        return range(1, m - (len(self.atoms) - i - 1) + 1)

    def steps(self, i: int, m: int) -> int:
        """Steps the walk spends distributing `m` cells over atoms[i:]."""
        if i == len(self.atoms):
            return 0
        first = self.atoms[i]
        if first in _ATOM_MARKS:
            return self.steps(i + 1, m - 1)
        if (i, m) not in self.steps_of:
            total = 0
            for k in self._ks(i, m):
                steps, cuts = _tally(first, k)
                total += steps + (cuts * self.steps(i + 1, m - k) if cuts else 0)
            self.steps_of[(i, m)] = total
        return self.steps_of[(i, m)]

    def count(self, i: int, m: int) -> int:
        """How many readings distribute `m` cells over atoms[i:] (each atom ≥ 1 cell; marks exactly 1)."""
        if i == len(self.atoms):
            return 1 if m == 0 else 0
        first = self.atoms[i]
        if first in _ATOM_MARKS:
            return self.count(i + 1, m - 1)
        if (i, m) not in self.counts:
            self.counts[(i, m)] = sum(cuts * self.count(i + 1, m - k) for k in self._ks(i, m)
                                      if (cuts := _tally(first, k)[1]))
        return self.counts[(i, m)]

    def splits(self, i: int, m: int) -> Cuts:
        """The readings `count` counts, in the order the head-by-head walk finds them."""
        if i == len(self.atoms):
            return ((),) if m == 0 else ()
        first = self.atoms[i]
        if first in _ATOM_MARKS:
            return tuple((first, *tail) for tail in self.splits(i + 1, m - 1))
        if (i, m) not in self.splits_of:
            self.splits_of[(i, m)] = tuple(
                (*head, *tail) for k in self._ks(i, m) if _tally(first, k)[1] and self.count(i + 1, m - k)
                for head in _cuts(first, k) for tail in self.splits(i + 1, m - k))
        return self.splits_of[(i, m)]


def _atoms(run: str) -> list[str]:
    """Cut a run at signs and marks: each atom is a digit string or a single mark."""
    text = unicodedata.normalize("NFKC", run).replace(",", "")
    text = re.sub(r"\s+", "", text)
    atoms: list[str] = []
    for m in re.finditer(r"[+-]?[\d.]+|[/／]|[—–―－]+|-+", text):
        tok = m.group(0)
        if (tok.startswith(("+", "-")) and len(tok) > 1 and tok[1:2].isdigit()) or re.fullmatch(r"[\d.]+", tok):
            atoms.append(tok)
        else:
            atoms.append("/" if tok in {"/", "／"} else "—")
    return atoms


def readings(run: str, n: int, *, sparse: bool = False, cap: int = CAP) -> tuple[list[Reading], str]:
    """Every reading of `run` as `n` cells, and how it was read ("tokens" or "split").

    Whitespace-separated tokens are taken as printed when there are exactly `n` of them;
    otherwise separators are treated as lost and the digits are cut every possible way.
    With `sparse` (the table left zero cells blank), a reading may leave cells blank.
    No reading is returned (method "capped") when there are too many to weigh: an incomplete
    set of readings could agree on a wrong value.
    """
    ws = run.split()
    if len(ws) == n and all(_TOKEN.fullmatch(unicodedata.normalize("NFKC", t)) for t in ws):
        return [tuple(_canon(t) for t in ws)], "tokens"
    atoms = _atoms(run)
    if not atoms:
        return [tuple([None] * n)], "tokens"
    walk = _Walk(atoms)
    counts = range(1, n + 1) if sparse else [n]
    if sum(walk.steps(0, m) for m in counts) > NODE_CAP:
        return [], "capped"
    if sum(walk.count(0, m) * math.comb(n, m) for m in counts) > cap:
        return [], "capped"
    out: list[Reading] = []
    for m in counts:
        for cut in walk.splits(0, m):
            if m == n:
                out.append(cut)
            else:
                for pos in itertools.combinations(range(n), m):
                    slots: list[str | None] = [None] * n
                    for p, tok in zip(pos, cut, strict=True):
                        slots[p] = tok
                    out.append(tuple(slots))
    return out, "split"


def _canon(token: str) -> str:
    t = unicodedata.normalize("NFKC", token).replace(",", "")
    if t in {"/", "／"}:
        return "/"
    if set(t) <= set("—–―－-") and t:
        return "—"
    return t


@dataclass(frozen=True, slots=True)
class Resolved:
    """Per cell: the agreed printed token (None = blank), or `ambiguous` with how many readings."""

    tokens: tuple[str | None, ...]
    ambiguous: tuple[bool, ...]
    n_readings: int
    zero_or_blank: tuple[bool, ...] = ()
    """Ambiguous only between a printed "0" and a blank cell: zero either way."""


def agree(cands: Sequence[Reading]) -> Resolved:
    """Cells on which every candidate reading agrees."""
    if not cands:
        raise ValueError("no readings")
    first = cands[0]
    amb = tuple(any(c[i] != first[i] for c in cands) for i in range(len(first)))
    toks = tuple(None if a else first[i] for i, a in enumerate(amb))
    zob = tuple(a and all(c[i] in (None, "0") for c in cands) for i, a in enumerate(amb))
    return Resolved(toks, amb, len(cands), zob)


RowCheck = Callable[[tuple[float | None, ...]], bool]


def filter_rows(cands: list[Reading], check: RowCheck | None) -> tuple[list[Reading], bool]:
    """Keep readings that satisfy the row's own identity; all of them if none does."""
    if check is None:
        return cands, True
    kept = [c for c in cands if check(values_of(c))]
    return (kept, True) if kept else (cands, False)


def _zeros(vals: tuple[float | None, ...]) -> tuple[float, ...]:
    return tuple(0.0 if v is None else v for v in vals)


def _fixed_sums(fixed: dict[str, Reading], ids: Identities, width: int) -> list[float]:
    """Σ coef × value of the fixed rows, per (equation, column), flattened."""
    base = [[0.0] * width for _ in ids.equations]
    for k, reading in fixed.items():
        vals = _zeros(values_of(reading))
        for e, eq in enumerate(ids.equations):
            coef = eq.get(k)
            if coef:
                for c in range(width):
                    base[e][c] += coef * vals[c]
    return [x for row in base for x in row]


def _open_terms(rows: dict[str, list[Reading]], open_rows: list[str], ids: Identities,
                width: int) -> tuple[list[list[int]], list[list[list[float]]]]:
    """Per open reading: its own cost and its contribution to every (equation, column)."""
    costs: list[list[int]] = []
    contrib: list[list[list[float]]] = []
    for k in open_rows:
        kc, kv = [], []
        for reading in rows[k]:
            raw = values_of(reading)
            kc.append(ids.row_cost(raw))
            vals = _zeros(raw)
            kv.append([eq.get(k, 0.0) * vals[c] for eq in ids.equations for c in range(width)])
        costs.append(kc)
        contrib.append(kv)
    return costs, contrib


def _best_combos(sizes: list[int], base_cost: int, flat_base: list[float], costs: list[list[int]],
                 contrib: list[list[list[float]]]) -> list[tuple[int, ...]]:
    """Every combination of open readings with the least violated identities."""
    best: int | None = None
    winners: list[tuple[int, ...]] = []
    for combo in itertools.product(*(range(n) for n in sizes)):
        cost = base_cost + sum(costs[j][i] for j, i in enumerate(combo))
        if best is not None and cost > best:
            continue
        sums = list(flat_base)
        for j, i in enumerate(combo):
            for x, v in enumerate(contrib[j][i]):
                sums[x] += v
        cost += sum(1 for v in sums if abs(v) > 1e-9)
        if best is None or cost < best:
            best, winners = cost, []
        if cost == best:
            winners.append(combo)
    return winners


def solve_table(rows: dict[str, list[Reading]], ids: Identities, *, cap: int = CAP) -> dict[str, Resolved]:
    """Choose, across rows, the combinations of readings that break the fewest identities.

    Rows with one reading are fixed; the others are enumerated together (up to `cap`
    combinations; beyond that each row keeps only what its own readings agree on). The cost of
    a combination is the number of violated identity instances: rows whose own sum fails plus
    (equation, column) pairs that do not balance.
    """
    fixed = {k: v[0] for k, v in rows.items() if len(v) == 1}
    open_rows = [k for k, v in rows.items() if len(v) > 1]
    if not open_rows:
        return {k: agree([v]) for k, v in fixed.items()}
    if math.prod(len(rows[k]) for k in open_rows) > cap:
        return {k: agree(v) for k, v in rows.items()}
    width = len(next(iter(rows.values()))[0])
    costs, contrib = _open_terms(rows, open_rows, ids, width)
    base_cost = sum(ids.row_cost(values_of(r)) for r in fixed.values())
    winners = _best_combos([len(rows[k]) for k in open_rows], base_cost, _fixed_sums(fixed, ids, width),
                           costs, contrib)
    out = {k: agree([v]) for k, v in fixed.items()}
    for j, k in enumerate(open_rows):
        res = agree([rows[k][w[j]] for w in winners])
        out[k] = Resolved(res.tokens, res.ambiguous, len(winners), res.zero_or_blank)
    return out
