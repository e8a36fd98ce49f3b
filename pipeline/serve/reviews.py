"""Reviews: append-only, one Parquet file per review in DIR/reviews/, never over extracted data.

A review confirms a value (`value` null), corrects it (`value` a non-negative integer), or marks a
failing check as explained (`kind` explain, `rule` the check). The file name is the review's
ordinal and id, written under a temporary name and renamed (a reader never sees half a file;
an existing name is never replaced).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.serve.queries import BadRequest

KINDS = ("correct", "confirm", "explain")
SCHEMA = pa.schema([("review_id", pa.string()), ("ordinal", pa.int64()), ("reviewed_at", pa.string()),
                    ("reviewer", pa.string()), ("kind", pa.string()), ("report_id", pa.string()),
                    ("table", pa.string()), ("row", pa.string()), ("col", pa.string()), ("rule", pa.string()),
                    ("old_value", pa.float64()), ("old_raw", pa.string()), ("value", pa.float64()),
                    ("reason", pa.string())])
"""Columns of the `reviews` table (docs/workbench.md)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Review:
    review_id: str
    ordinal: int
    reviewed_at: str
    reviewer: str
    kind: str
    report_id: str
    table: str
    row: str
    col: str
    rule: str | None
    old_value: float | None
    old_raw: str | None
    value: float | None
    reason: str


def _text(body: dict[str, Any], key: str, *, limit: int = 2000) -> str:
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"{key} must be a string")
    if len(value) > limit:
        raise BadRequest(f"{key} is longer than {limit} characters")
    return value.strip()


def _value(raw: object) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise BadRequest("value must be a non-negative integer or null")
    text = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not text.isdigit():
        raise BadRequest(f"value must be a non-negative integer or null, not {raw!r}")
    return float(int(text))


@dataclass(frozen=True, slots=True)
class Request:
    """A validated POST /api/reviews body."""

    report_id: str
    table: str
    row: str
    col: str
    value: float | None
    reason: str
    reviewer: str
    kind: str
    rule: str | None

    @classmethod
    def of(cls, body: object) -> Request:
        if not isinstance(body, dict):
            raise BadRequest("the body must be a JSON object")
        reviewer, reason = _text(body, "reviewer", limit=200), _text(body, "reason")
        if not reviewer:
            raise BadRequest("reviewer is required (who made the review)")
        if not reason:
            raise BadRequest("reason is required")
        value = _value(body.get("value"))
        kind = _text(body, "kind") or ("confirm" if value is None else "correct")
        if kind not in KINDS:
            raise BadRequest(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        if kind == "correct" and value is None:
            raise BadRequest("a correction needs a value")
        rule = _text(body, "rule") or None
        if kind == "explain" and not rule:
            raise BadRequest("an explanation names the failing check's rule")
        rid, table, row, col = (_text(body, k, limit=200) for k in ("report_id", "table", "row", "col"))
        if not (rid and table and row and col):
            raise BadRequest("report_id, table, row and col are required")
        return cls(report_id=rid, table=table, row=row, col=col, value=value, reason=reason, reviewer=reviewer,
                   kind=kind, rule=rule)


class Reviews:
    """The reviews of one dataset (DIR/reviews/NNNNNNNN-<id>.parquet), read back oldest first."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "reviews"
        self._lock = threading.Lock()
        self._all: list[Review] | None = None

    def all(self) -> list[Review]:
        with self._lock:
            if self._all is None:
                self._all = self._read()
            return list(self._all)

    def _read(self) -> list[Review]:
        if not self.folder.is_dir():
            return []
        out = []
        for f in sorted(self.folder.glob("*.parquet")):
            out += [Review(**r) for r in pq.read_table(f, schema=SCHEMA).to_pylist()]
        return sorted(out, key=lambda r: r.ordinal)

    def append(self, req: Request, cell: dict[str, Any]) -> Review:
        with self._lock:
            current = self._all if self._all is not None else self._read()
            ordinal = (current[-1].ordinal + 1) if current else 1
            review = Review(review_id=uuid.uuid4().hex, ordinal=ordinal,
                            reviewed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                            reviewer=req.reviewer, kind=req.kind, report_id=req.report_id, table=req.table,
                            row=req.row, col=req.col, rule=req.rule, old_value=cell.get("value"),
                            old_raw=cell.get("raw"), value=req.value, reason=req.reason)
            self.folder.mkdir(parents=True, exist_ok=True)
            final = self.folder / f"{ordinal:08d}-{review.review_id}.parquet"
            tmp = self.folder / f".{final.name}.{os.getpid()}.tmp"
            pq.write_table(pa.Table.from_pylist([asdict(review)], schema=SCHEMA), tmp, compression="zstd")
            if final.exists():  # never replace a review
                tmp.unlink()
                raise BadRequest("a review with this ordinal exists; retry")
            tmp.replace(final)
            self._all = [*current, review]
            return review

    def of_report(self, report_id: str) -> list[Review]:
        return [r for r in self.all() if r.report_id == report_id]

    def latest_values(self) -> dict[tuple[str, str, str, str], Review]:
        """(report, table, row, col) → the newest correction or confirmation of that cell."""
        out: dict[tuple[str, str, str, str], Review] = {}
        for r in self.all():
            if r.kind in {"correct", "confirm"}:
                out[(r.report_id, r.table, r.row, r.col)] = r
        return out
