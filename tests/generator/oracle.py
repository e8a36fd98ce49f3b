"""Brute-force oracle: which Table 3/4 cells of a ``run`` rendering cannot be recovered uniquely.

In the ``run`` style the values of a Table 3 row (7 cells) or of Table 4 (15 cells) are glued into
one digit string.  This module deliberately ignores how any extractor works: it enumerates every way
to cut each digit string into the right number of cells (no leading zeros except a lone "0"), then
keeps the combinations that violate the fewest identity instances, counting one per Table 3 row that
breaks T3-COL, one per column that breaks T3-FLOW or T3-LEAF, and one per Table 4 group that breaks
T4-SUM.  For a clean report that minimum is 0, i.e. only fully consistent readings survive.  A cell is
ambiguous when it takes more than one value across the surviving combinations.

The search is exhaustive, only pruned by sound bounds (cells are >= 0, so a column whose partial leaf
sum already lies outside the reachable range is surely violated).  When a cap is hit the oracle gives
up on that table and marks every cell of every row that admits more than one cut as ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass

from .truth import T3_APPLICANT, T3_COLS, T4_COLS, T4_ROWS, CellKey, GeneratedReport, t3_leaves, t3_rows

SPLIT_CAP = 200_000
"""Most cuts enumerated for one digit string."""
NODE_CAP = 1_000_000
"""Most search nodes for one table."""

Split = tuple[int, ...]


class _CapHit(Exception):
    """Raised inside the search when a cap is exceeded."""


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """Result of the oracle for one report: ambiguous cells, whether a cap was hit, minimal costs."""

    ambiguous: frozenset[CellKey]
    cap_hit: bool
    t3_min_cost: int | None
    t4_min_cost: int | None


def digit_splits(digits: str, k: int, cap: int = SPLIT_CAP) -> list[Split]:
    """Every way to cut ``digits`` into ``k`` numbers without leading zeros ("0" alone is fine)."""
    out: list[Split] = []
    n = len(digits)

    def rec(pos: int, parts: Split) -> None:
        left = k - len(parts)
        if left == 1:
            piece = digits[pos:]
            if piece and (len(piece) == 1 or piece[0] != "0"):
                out.append((*parts, int(piece)))
                if len(out) > cap:
                    raise _CapHit
            return
        for end in range(pos + 1, n - left + 2):  # leave one digit for each later part
            piece = digits[pos:end]
            if len(piece) > 1 and piece[0] == "0":
                break
            rec(end, (*parts, int(piece)))

    rec(0, ())
    return out


def _row_ok(split: Split) -> bool:
    """T3-COL on one cut: the last cell (总计) equals the sum of the applicant cells."""
    return sum(split[: len(T3_APPLICANT)]) == split[-1]


# ---------------------------------------------------------------------------------------------
# Table 3


def _t3_cost(chosen: dict[str, Split], leaves: tuple[str, ...]) -> int:
    cost = sum(not _row_ok(s) for s in chosen.values())
    r1, r2, r4, r37 = (chosen[r] for r in ("t3.r1", "t3.r2", "t3.r4", "t3.r3.7"))
    for j in range(len(T3_COLS)):
        cost += r1[j] + r2[j] != r37[j] + r4[j]
        cost += r37[j] != sum(chosen[leaf][j] for leaf in leaves)
    return cost


def _t3(report: GeneratedReport) -> tuple[set[CellKey], bool, int | None]:  # noqa: C901 — the brute-force oracle stays one readable enumeration, written apart from the code it checks
    rows = [code for code, _ in t3_rows(report.era)]
    leaves = t3_leaves(report.era)
    digits = {row: "".join(report.raw[("t3", row, c)] for c in T3_COLS) for row in rows}

    def give_up() -> tuple[set[CellKey], bool, int | None]:
        loose = {row for row in rows if len(digits[row]) > len(T3_COLS)}
        return {("t3", row, c) for row in loose for c in T3_COLS}, True, None

    try:
        cuts = {row: digit_splits(digits[row], len(T3_COLS)) for row in rows}
    except _CapHit:
        return give_up()
    valid = {row: [s for s in cuts[row] if _row_ok(s)] for row in rows}
    printed = {row: tuple(int(report.raw[("t3", row, c)]) for c in T3_COLS) for row in rows}

    # r1, r2, r4, r3.7 first (T3-FLOW is known after them), then leaves, fewest cuts first.
    ordered_leaves = sorted(leaves, key=lambda r: (len(valid[r]), len(cuts[r])))
    order = ["t3.r1", "t3.r2", "t3.r4", "t3.r3.7", *ordered_leaves]
    ncol = len(T3_COLS)
    inf = float("inf")

    def suffix_ranges(sets: dict[str, list[Split]]) -> list[list[tuple[float, float]]]:
        """For each depth, the reachable [min, max] of the sum of the remaining leaves per column."""
        out: list[list[tuple[float, float]]] = [[(0, 0)] * ncol]
        for row in reversed(order[4:]):
            prev = out[0]
            cand = sets[row]
            if not cand:
                out.insert(0, [(inf, -inf)] * ncol)
                continue
            out.insert(
                0,
                [
                    (prev[j][0] + min(s[j] for s in cand), prev[j][1] + max(s[j] for s in cand))
                    for j in range(ncol)
                ],
            )
        return out

    all_range = suffix_ranges(cuts)
    valid_range = suffix_ranges(valid)

    best = _t3_cost(printed, leaves)
    seen: dict[str, set[Split]] = {}
    chosen: list[Split] = []
    nodes = 0

    def surely_broken(
        depth: int, partial: list[int], target: Split, ranges: list[list[tuple[float, float]]]
    ) -> int:
        rng = ranges[depth - 4]
        return sum(not (partial[j] + rng[j][0] <= target[j] <= partial[j] + rng[j][1]) for j in range(ncol))

    def dfs(depth: int, bad_rows: int, flow: int, partial: list[int]) -> None:
        nonlocal best, seen, nodes
        nodes += 1
        if nodes > NODE_CAP:
            raise _CapHit
        if depth == len(order):
            r37 = chosen[3]
            total = bad_rows + flow + sum(partial[j] != r37[j] for j in range(ncol))
            if total < best:
                best, seen = total, {}
            if total == best:
                for row, split in zip(order, chosen, strict=True):
                    seen.setdefault(row, set()).add(split)
            return
        if depth >= 4:
            floor = bad_rows + flow + surely_broken(depth, partial, chosen[3], all_range)
            if floor > best:
                return
            strict = floor == best  # no budget left for a row that breaks T3-COL
            if strict and bad_rows + flow + surely_broken(depth, partial, chosen[3], valid_range) > best:
                return
        else:
            strict = bad_rows + flow >= best
        row = order[depth]
        for split in valid[row] if strict else cuts[row]:
            bad = not _row_ok(split)
            chosen.append(split)
            if depth == 3:
                r1, r2, r4 = chosen[0], chosen[1], chosen[2]
                f = sum(r1[j] + r2[j] != split[j] + r4[j] for j in range(ncol))
                dfs(depth + 1, bad_rows + bad, f, partial)
            elif depth > 3:
                dfs(depth + 1, bad_rows + bad, flow, [partial[j] + split[j] for j in range(ncol)])
            else:
                dfs(depth + 1, bad_rows + bad, flow, partial)
            chosen.pop()

    try:
        dfs(0, 0, 0, [0] * ncol)
    except _CapHit:
        return give_up()
    ambiguous = {
        ("t3", row, col)
        for row, splits in seen.items()
        for j, col in enumerate(T3_COLS)
        if len({s[j] for s in splits}) > 1
    }
    return ambiguous, False, best


# ---------------------------------------------------------------------------------------------
# Table 4


def _t4(report: GeneratedReport) -> tuple[set[CellKey], bool, int | None]:
    keys = [("t4", row, col) for row in T4_ROWS for col in T4_COLS]
    digits = "".join(report.raw[k] for k in keys)
    width = len(T4_COLS)

    def group_bad(parts: Split, g: int) -> bool:
        group = parts[g * width : (g + 1) * width]
        return sum(group[:-1]) != group[-1]

    printed = tuple(int(report.raw[k]) for k in keys)
    best = sum(group_bad(printed, g) for g in range(len(T4_ROWS)))
    found: set[Split] = set()
    nodes = 0
    n = len(digits)

    def rec(pos: int, parts: Split, cost: int) -> None:
        nonlocal best, found, nodes
        nodes += 1
        if nodes > NODE_CAP:
            raise _CapHit
        if parts and len(parts) % width == 0:
            cost += group_bad(parts, len(parts) // width - 1)
            if cost > best:
                return
        left = len(keys) - len(parts)
        if left == 0:
            if pos == n:
                if cost < best:
                    best, found = cost, set()
                found.add(parts)
            return
        for end in range(pos + 1, n - left + 2):
            piece = digits[pos:end]
            if len(piece) > 1 and piece[0] == "0":
                break
            rec(end, (*parts, int(piece)), cost)

    try:
        rec(0, (), 0)
    except _CapHit:
        return (set(keys) if n > len(keys) else set()), True, None
    ambiguous = {k for j, k in enumerate(keys) if len({s[j] for s in found}) > 1}
    return ambiguous, False, best


# ---------------------------------------------------------------------------------------------


def ambiguity_analysis(report: GeneratedReport) -> Ambiguity:
    """Oracle result for the ``run`` rendering of ``report`` (Tables 3 and 4)."""
    t3_cells, t3_cap, t3_cost = _t3(report)
    t4_cells, t4_cap, t4_cost = _t4(report)
    return Ambiguity(frozenset(t3_cells | t4_cells), t3_cap or t4_cap, t3_cost, t4_cost)


def expected_ambiguous(report: GeneratedReport, style: str) -> set[CellKey]:
    """Cells whose printed digits cannot be uniquely recovered from ``render_text(report, style)``.

    Only the ``run`` style glues values together (Table 3/4); Table 2 keeps separators there, and
    the other styles separate every cell, so they have no ambiguous cells.
    """
    if style != "run":
        return set()
    return set(ambiguity_analysis(report).ambiguous)


__all__ = ["SPLIT_CAP", "Ambiguity", "ambiguity_analysis", "digit_splits", "expected_ambiguous"]
