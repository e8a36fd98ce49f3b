"""Black-box score of the pre-2019 corpus: run `xxgk extract`, compare the `p` cells with truth.json.

`python -m tests.blind.pre2019.score [--corpus DIR] [--no-pdf]`. Outcome per expected cell: exact,
wrong (a number that is not the printed one, or a number where the answer is null), null_reason,
null_noreason, missing (no row). Also: spurious (a non-null p cell truth does not expect), narrative
provenance (method `narrative`, locator `text[a:b]`), expected failing checks found, false alarms.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pyarrow.dataset as pads

from .corpus import build

XXGK = Path(sys.executable).with_name("xxgk")


def run_extract(corpus: Path, out: Path) -> None:
    """`xxgk extract DIR --dataset OUT`, or `--out OUT` where `--dataset` is unknown."""
    files = [str(p) for p in sorted(corpus.iterdir()) if p.name != "truth.json"]
    for flag in ("--dataset", "--out"):
        res = subprocess.run(
            [str(XXGK), "extract", *files, flag, str(out), "--quiet"], capture_output=True, text=True
        )
        if res.returncode == 0:
            return
        if "unrecognized arguments" not in res.stderr:
            raise RuntimeError(f"xxgk extract failed: {res.stderr[-2000:]}")
    raise RuntimeError("xxgk extract accepts neither --dataset nor --out")


def read_table(out: Path, name: str) -> pd.DataFrame:
    """One dataset table as a DataFrame (empty if the table was not written)."""
    path = out / name
    if not path.exists():
        return pd.DataFrame()
    return pads.dataset(str(path), format="parquet", partitioning="hive").to_table().to_pandas()


def _outcome(exp: dict, rows: pd.DataFrame) -> str:
    if rows.empty:
        return "missing"
    vals = rows["value"].dropna()
    if vals.empty:
        has_reason = rows["reason"].fillna("").astype(str).str.strip().ne("").any()
        return "null_reason" if has_reason else "null_noreason"
    if exp["value"] is None or (vals - exp["value"]).abs().max() > 1e-9:
        return "wrong"
    if (
        exp["row"] == "p.fee.amount"
        and exp["unit"]
        and not rows["unit"].fillna("").astype(str).str.contains(exp["unit"]).any()
    ):
        return "wrong"
    return "exact"


def _is_ok(exp: dict, outcome: str) -> bool:
    if exp["value"] is None or exp["accept_null"]:
        return outcome in ("null_reason", "exact") if exp["value"] is not None else outcome == "null_reason"
    return outcome == "exact"


def _checks_found(expected: list[dict], checks: pd.DataFrame) -> tuple[int, int]:
    if checks.empty:
        return 0, len(expected)
    failing = checks[checks["status"] == "fail"]
    text = failing[["rule", "scope", "lhs", "rhs", "detail"]].fillna("").astype(str).agg(" ".join, axis=1)
    found = sum(all(text.str.contains(re.escape(c)).any() for c in e["codes"]) for e in expected)
    return found, len(expected) - found


def score(corpus: Path, out: Path) -> dict:
    """Per-report and per style/format outcome counts, failures listed."""
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["reports"]
    reports, cells, checks = read_table(out, "reports"), read_table(out, "cells"), read_table(out, "checks")
    by_name = {
        Path(s).name: rid
        for s, rid in zip(reports.get("source", []), reports.get("report_id", []), strict=True)
    }
    pcells = cells[cells["table"] == "p"] if not cells.empty else cells
    result: dict = {"by_group": defaultdict(Counter), "total": Counter(), "failures": []}
    for name, t in truth.items():
        rid = by_name.get(name)
        mine = (
            pcells[pcells["report_id"] == rid]
            if rid is not None and not pcells.empty
            else pd.DataFrame(columns=["row", "col", "value", "reason", "unit", "method", "locator"])
        )
        mychecks = (
            checks[checks["report_id"] == rid] if rid is not None and not checks.empty else pd.DataFrame()
        )
        _score_report(name, t, mine, mychecks, result)
    result["by_group"] = {k: dict(v) for k, v in result["by_group"].items()}
    result["total"] = dict(result["total"])
    return result


def _score_report(name: str, t: dict, mine: pd.DataFrame, checks: pd.DataFrame, result: dict) -> None:
    group = result["by_group"][f"{t['style']}/{t['format']}"]
    expected_keys = {(c["row"], c["col"]) for c in t["cells"]}
    for exp in t["cells"]:
        rows = mine[(mine["row"] == exp["row"]) & (mine["col"] == exp["col"])]
        outcome = _outcome(exp, rows)
        for counter in (group, result["total"]):
            counter[outcome] += 1
            counter["ok"] += _is_ok(exp, outcome)
            counter["cells"] += 1
        if exp["method"] == "narrative" and outcome == "exact":
            prov = (
                rows["method"].eq("narrative").all()
                and rows["locator"].astype(str).str.match(r"text\[\d+:\d+\]").all()
            )
            result["total"]["narrative_provenance_ok" if prov else "narrative_provenance_bad"] += 1
        if not _is_ok(exp, outcome):
            got = rows["value"].tolist() if not rows.empty else "no row"
            result["failures"].append(
                f"{name} {exp['row']}:{exp['col']} expected {exp['value']} got {got} ({outcome})"
            )
    extra = mine[mine["value"].notna() & ~mine["row"].isin(t["ignore"])]
    spurious = [k for k in zip(extra["row"], extra["col"], strict=True) if k not in expected_keys]
    result["total"]["spurious"] += len(spurious)
    result["failures"] += [f"{name} spurious {r}:{c}" for r, c in spurious]
    found, missed = _checks_found(t["expected_failing_checks"], checks)
    result["total"]["checks_found"] += found
    result["total"]["checks_missed"] += missed
    if not t["expected_failing_checks"] and not checks.empty:
        alarms = checks[
            (checks["status"] == "fail")
            & checks[["scope", "lhs", "rhs"]]
            .fillna("")
            .astype(str)
            .agg(" ".join, axis=1)
            .str.contains("p.", regex=False)
        ]
        result["total"]["false_alarms"] += len(alarms)


def run(pdf: bool = True, corpus: Path | None = None) -> dict:
    """Generate (unless given) the corpus, extract it, score it."""
    with tempfile.TemporaryDirectory(prefix="pre2019-score-") as tmp:
        if corpus is None:
            corpus = Path(tmp) / "corpus"
            build(corpus, pdf=pdf)
        out = Path(tmp) / "dataset"
        run_extract(corpus, out)
        return score(corpus, out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--no-pdf", action="store_true")
    ap.add_argument("--failures", type=int, default=30, help="how many failures to list")
    args = ap.parse_args()
    res = run(pdf=not args.no_pdf, corpus=args.corpus)
    for grp, c in sorted(res["by_group"].items()):
        print(f"{grp:22s} " + " ".join(f"{k}={v}" for k, v in sorted(c.items())))
    print("TOTAL " + " ".join(f"{k}={v}" for k, v in sorted(res["total"].items())))
    for line in res["failures"][: args.failures]:
        print("  " + line)


if __name__ == "__main__":
    main()
