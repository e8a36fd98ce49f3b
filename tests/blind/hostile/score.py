"""Match a dataset's `reports` against the hostile corpus truth: one verdict per entry, a summary per class.

Run by hand: `python -m tests.blind.hostile.score CORPUS_DIR DATASET_DIR`.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corpus import Entry, Truth
from .harness import TABLES, read_table


@dataclass
class Row:
    """The parts of a reports row that matching needs."""

    report_id: str
    source: str
    sources: list[str]
    raw_sources: str
    url: str
    status: str
    error: str


def load_rows(dataset: Path) -> list[Row]:
    df = read_table(dataset, "reports")
    rows = []
    for r in df.to_dict("records"):
        raw = _text(r.get("sources"))
        rows.append(Row(str(r["report_id"]), _text(r.get("source")), [s for s in raw.split("|") if s], raw,
                        _text(r.get("url")), _text(r.get("status")), _text(r.get("error"))))
    return rows


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def spellings(path: bytes) -> set[str]:
    """Ways a pipeline may legitimately turn a byte path into text."""
    out = {os.fsdecode(path)}
    for errors in ("replace", "backslashreplace", "surrogateescape"):
        out.add(path.decode("utf-8", errors))
    out.add(path.decode("latin-1"))
    return out


class Matcher:
    """Finds the rows that belong to a truth entry."""

    def __init__(self, corpus: Path, rows: list[Row]) -> None:
        self.corpus, self.rows = corpus, rows
        self.by_id: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            self.by_id[r.report_id].append(r)

    def abs_bytes(self, e: Entry) -> bytes:
        return os.path.join(os.fsencode(self.corpus), os.fsencode(e.path))

    def names(self, e: Entry) -> set[str]:
        return spellings(self.abs_bytes(e))

    def rows_for(self, e: Entry) -> list[Row]:
        if e.kind == "member" and e.member == "__error__":
            base = os.path.basename(os.fsdecode(self.abs_bytes(e)))
            return [r for r in self.rows if r.status == "failed" and base in (r.raw_sources + r.source + r.error)]
        if e.kind == "member":
            return self._member_rows(e)
        names = self.names(e)
        found = [r for r in self.rows if r.source in names or names & set(r.sources)]
        if not found and e.sha256:
            found = self.by_id.get(e.sha256, [])
        return found

    def _member_rows(self, e: Entry) -> list[Row]:
        member = e.member or ""
        if member.startswith("#row="):
            want = {n + member for n in self.names(e)}
            return [r for r in self.rows if r.source in want or want & set(r.sources)]
        if "://" in member:
            return [r for r in self.rows if member in (r.url, r.source) or member in r.sources]
        container = os.path.basename(os.fsdecode(self.abs_bytes(e)))
        return [r for r in self.rows if container in r.raw_sources and member in r.raw_sources]


def judge(e: Entry, found: list[Row], m: Matcher) -> str:
    """'ok' or the reason this entry fails its truth."""
    if e.row == "forbidden":
        ok_rows = [r for r in found if r.status != "failed"]
        return f"read a file it must not read: {ok_rows[0].status} row" if ok_rows else "ok"
    if not found:
        return "ok" if e.row == "optional" else "no row (silently dropped)"
    if e.sources_all:
        want = [spellings(os.path.join(os.fsencode(m.corpus), os.fsencode(p))) for p in e.sources_all]
        if not any(all(w & set(r.sources) for w in want) for r in found):
            return f"sources do not list every path of these bytes: {found[0].raw_sources[:200]!r}"
    row = next((r for r in found if r.status in e.status), None)
    if row is None:
        return f"status {found[0].status!r} not in {e.status} (error={found[0].error[:120]!r})"
    if row.status == "failed":
        low = row.error.lower()
        if not row.error:
            return "failed without an error"
        if e.keywords and not any(k.lower() in low for k in e.keywords):
            return f"error gives no reason among the keywords: {row.error[:160]!r}"
        names = m.names(e)
        wanted = {os.path.basename(n) for n in names} | ({e.member} if e.member else set())
        named = any(w and w in row.error for w in wanted)
        deduplicated = bool(names & set(row.sources)) and any(s in row.error for s in row.sources)
        if e.member != "__error__" and not (named or deduplicated):
            return f"error does not name the file: {row.error[:160]!r}"
    return "ok"


def score(corpus: Path, dataset: Path, truth: Truth) -> dict[str, Any]:
    """Verdict per entry and per class, plus the never-read checks."""
    m = Matcher(corpus, load_rows(dataset))
    verdicts = {e.id: judge(e, m.rows_for(e), m) for e in truth.entries}
    per_class: dict[str, Counter[str]] = defaultdict(Counter)
    for e in truth.entries:
        per_class[e.cls]["pass" if verdicts[e.id] == "ok" else "fail"] += 1
    return {"verdicts": verdicts, "per_class": {k: dict(v) for k, v in sorted(per_class.items())},
            "leaks": leaks(corpus, dataset, truth, m)}


def leaks(corpus: Path, dataset: Path, truth: Truth, m: Matcher) -> list[str]:
    """Reports made of never-read bytes, and never-read markers in any string column of any table."""
    found = []
    for rel in truth.never_read:
        p = Path(rel) if rel.startswith("/") else corpus / rel
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        if m.by_id.get(digest):
            found.append(f"a report of {p} ({m.by_id[digest][0].status})")
    for t in TABLES:
        df = read_table(dataset, t)
        for col in df.columns:
            if df[col].dtype != object:
                continue
            text = df[col].dropna().astype(str)
            for marker in truth.markers:
                hits = int(text.str.contains(marker, regex=False).sum())
                if hits:
                    found.append(f"{marker!r} in {t}.{col} ({hits} rows)")
    return found


def failures(truth: Truth, result: dict[str, Any]) -> list[str]:
    by_id = {e.id: e for e in truth.entries}
    return [f"{i} [{by_id[i].cls}] {by_id[i].path!r}{' ' + by_id[i].member if by_id[i].member else ''}: {v}"
            for i, v in result["verdicts"].items() if v != "ok"]


if __name__ == "__main__":
    import json
    import sys

    corpus_dir, ds = Path(sys.argv[1]), Path(sys.argv[2])
    t = Truth.load(corpus_dir / "truth.json")
    res = score(corpus_dir, ds, t)
    print(json.dumps(res["per_class"], indent=1, ensure_ascii=False))
    print("\n".join(failures(t, res)))
    print("leaks:", res["leaks"])
