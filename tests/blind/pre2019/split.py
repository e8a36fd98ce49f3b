"""Which year/cumulative pairs a run-together digit string can be read as, alone and with the identities.

"主动公开信息数条4251516" prints 425 and 1516 with no separator. A reading is valid when both parts are
integers without a leading zero and this year ≤ cumulative; where several readings remain, the
printed identities (parent = Σ children, in both columns) may pick one. What is still open is the
truth "null with a reason" — the generator uses this to write the expected answer, never to guess.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable


def readings(digits: str) -> list[tuple[int, int]]:
    """Every (year, cum) split of the digits allowed by the no-leading-zero and year ≤ cum rules."""
    out = []
    for i in range(1, len(digits)):
        a, b = digits[:i], digits[i:]
        if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
            continue
        if int(a) <= int(b):
            out.append((int(a), int(b)))
    return out


def _components(keys: list[str], identities: Iterable[tuple[str, tuple[str, ...]]]) -> list[set[str]]:
    """Rows linked by some identity, as connected groups."""
    groups: list[set[str]] = [{k} for k in keys]
    for parent, children in identities:
        linked = {parent, *children} & set(keys)
        hit = [g for g in groups if g & linked]
        merged = set().union(*hit) if hit else set()
        groups = [g for g in groups if not g & linked] + ([merged] if merged else [])
    return groups


def _consistent(
    choice: dict[str, tuple[int, int]], identities: Iterable[tuple[str, tuple[str, ...]]]
) -> bool:
    for parent, children in identities:
        if parent not in choice or not all(c in choice for c in children):
            continue
        for col in (0, 1):
            if choice[parent][col] != sum(choice[c][col] for c in children):
                return False
    return True


def resolve(
    cells: dict[str, str], identities: tuple[tuple[str, tuple[str, ...]], ...]
) -> dict[str, tuple | None]:
    """Per row key: the only (year, cum) consistent with the readings and identities, or None if open."""
    cand = {k: readings(d) for k, d in cells.items()}
    result: dict[str, tuple | None] = {}
    for group in _components(list(cells), identities):
        keys = sorted(group)
        ids = [(p, c) for p, c in identities if p in group]
        fits = [
            dict(zip(keys, combo, strict=True))
            for combo in itertools.product(*(cand[k] for k in keys))
            if _consistent(dict(zip(keys, combo, strict=True)), ids)
        ]
        for k in keys:
            options = {f[k] for f in fits}
            result[k] = options.pop() if len(options) == 1 else None
    return result
