"""OCR readings the engine was unsure of, confirmed by the identities they take part in.

A scanned "0" often scores 0.6–0.9: under `OCR_MIN_CONFIDENCE` it is left null, though the
table's own arithmetic can vouch for it. The identities (勾稽关系) work as a check digit: a
reading is accepted when at least one identity in which it takes part is fully determined
(every other cell read with certainty) and holds with it, and none fails with it. A misread
"7" for a printed 2 breaks its row sum and stays null. Nothing is derived from the arithmetic:
the value is always the engine's own reading of that cell, and the reason names the identities
that confirmed it. A reading the ink contradicts (confidence under `CONFIRM_FLOOR`: marks the
reading does not account for, ink wider than the digits) is never confirmed.

A printed inconsistency leaves its unsure cells null, so no failing check is turned into a
passing one; checks are computed afterwards from the cells as they then stand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.normalise.checks import Cells, Identity, Key, identity_check
from pipeline.normalise.report import CellValue
from pipeline.template.values import parse_cell

CONFIRM_FLOOR = 0.5
"""An unsure reading scored under this is not a reading to confirm (the ink contradicts it)."""


def _candidate(cell: CellValue) -> CellValue | None:
    """The cell as it would be with its OCR reading accepted, if it is an unsure OCR reading."""
    if cell.method != "ocr" or cell.flag != "ambiguous" or cell.confidence < CONFIRM_FLOOR:
        return None
    parsed = parse_cell(cell.raw)
    if parsed.flag not in {"number", "slash", "dash"}:
        return None
    return replace(cell, value=parsed.value, flag=parsed.flag)


def has_unsure_readings(cells: Cells) -> bool:
    """Whether any cell is an unsure OCR reading (so the identities need building at all)."""
    return any(_candidate(c) is not None for c in cells.values() if c.flag == "ambiguous")


def _verdict(key: Key, candidate: CellValue, cells: Cells, identities: Sequence[Identity]) -> list[str] | None:
    """The rules that confirm `candidate`, or None when none is determined or one fails with it."""
    trial = {**cells, key: candidate}
    confirming: list[str] = []
    for identity in identities:
        status = identity_check(identity, trial).status
        if status == "fail":
            return None
        if status == "pass":
            confirming.append(f"{identity.rule} {identity.scope}")
    return confirming or None


def confirm_by_identities(cells: Cells, identities: Sequence[Identity]) -> Cells:
    """`cells` with each unsure OCR reading that the identities confirm accepted (repeated until
    no more are: one confirmed cell can determine the identity of the next)."""
    by_key: dict[Key, list[Identity]] = {}
    for identity in identities:
        for key in (*identity.lhs, *identity.rhs):
            by_key.setdefault(key, []).append(identity)
    out = dict(cells)
    pending = {k: c for k, c in sorted(cells.items()) if k in by_key and _candidate(c) is not None}
    changed = True
    while pending and changed:
        changed = False
        for key in list(pending):
            candidate = _candidate(pending[key])
            assert candidate is not None
            rules = _verdict(key, candidate, out, by_key[key])
            if rules is None:
                continue
            reason = f"{candidate.reason}; confirmed by {', '.join(rules)}"
            out[key] = replace(candidate, reason=reason)
            del pending[key]
            changed = True
    return out
