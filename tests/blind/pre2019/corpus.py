"""The generated pre-2019 corpus: cases → files (HTML, DOCX, PDF, text) + truth.json.

`python -m tests.blind.pre2019.corpus OUT [--no-pdf]`. Deterministic for a seed. PDFs are made the
way real ones are: a Word file converted by LibreOffice (`soffice --headless --convert-to pdf`).

Truth (`truth.json`): {"seed", "reports": {file name: {"style", "format", "agency", "year", "cells":
[{"row", "col", "value", "unit", "label", "method", "why", "accept_null"}], "ignore": [codes],
"expected_failing_checks": [{"kind", "codes"}]}}}. `value` null means: the only right answer is null
with a reason (`why` says why: ambiguous_split, conflict). `accept_null` marks a value where null with a
reason is an acceptable answer too (a figure the prose restates differently).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .model import AGENCIES, STYLES, Style, make_values
from .narrative import Prose, narrative_report, table_report_prose
from .render import Doc, build_grid, to_docx, to_html, to_text_flat, to_text_lines
from .split import resolve

SEED = 16


@dataclass(frozen=True)
class Case:
    """One report to generate: style, format (html/docx/pdf/txt/flat), injected fault."""

    style: str
    fmt: str
    inject: str = ""


CASES: tuple[Case, ...] = tuple(
    [
        Case(s, f)
        for s in ("gb32", "local", "twolevel", "dingxi", "narrative")
        for f in ("html", "docx", "pdf")
    ]
    + [
        Case("gb32", "txt"),
        Case("local", "flat"),
        Case("local2018", "flat"),
        Case("local2018", "html"),
        Case("twolevel", "txt"),
        Case("dingxi", "txt"),
        Case("narrative", "txt"),
        Case("gb32", "html", "answered_sum"),
        Case("gb32", "docx", "received_sum"),
        Case("local", "html", "year_gt_cum"),
        Case("local", "flat", "more"),
        Case("local2018", "flat", "more"),
        Case("narrative", "txt", "conflict"),
        Case("twolevel", "html", "restated_conflict"),
        Case("gb32", "txt", "restated"),
    ]
)

EXT = {"html": "html", "docx": "docx", "pdf": "pdf", "txt": "txt", "flat": "txt"}


def _inject(case: Case, yv: dict[str, float], cv: dict[str, float]) -> list[dict]:
    """Break one printed identity on purpose; return the failing checks the report must get."""
    if case.inject == "answered_sum":
        yv["p.req.answered"] += 2
        return [{"kind": "answered = Σ types", "codes": ["p.req.answered"]}]
    if case.inject == "received_sum":
        yv["p.req.received"] += 1
        return [{"kind": "received = Σ channels", "codes": ["p.req.received"]}]
    if case.inject == "more":  # standalone rows whose run-together digits split two ways ("1234", "1112")
        yv["p.review.total"], cv["p.review.total"] = 12.0, 34.0
        yv["p.litig.total"], cv["p.litig.total"] = 11.0, 12.0
        return []
    if case.inject == "year_gt_cum":
        yv["p.review.total"], cv["p.review.total"] = 3.0, 2.0
        return [{"kind": "year ≤ cumulative", "codes": ["p.review.total"]}]
    return []


def _table_cells(style: Style, yv: dict, cv: dict, splits: dict | None) -> list[dict]:
    """Truth cells of an annexed table: every p.* row, year (and cum), as printed or null if ambiguous."""
    cells = []
    for r in style.rows:
        if not r.key or not r.key.startswith("p.") or r.key in style.ignore:
            continue
        pair = splits.get(r.key, "unset") if splits is not None else "unset"
        for col, vals in (("year", yv), ("cum", cv)):
            if col == "cum" and (not style.has_cum or r.no_cum):
                continue
            value, why = vals[r.key], ""
            if pair != "unset":
                value = None if pair is None else float(pair[0 if col == "year" else 1])
                why = "ambiguous_split" if pair is None else ""
            cells.append(
                {
                    "row": r.key,
                    "col": col,
                    "value": value,
                    "unit": r.unit,
                    "label": r.label.replace("\n", ""),
                    "method": "",
                    "why": why,
                    "accept_null": False,
                }
            )
    return cells


def _flat_splits(style: Style, yv: dict, cv: dict) -> dict:
    """For run-together text: what the digits allow to be read per row (None = truly ambiguous)."""
    from .narrative import fmt

    digits = {r.key: fmt(yv[r.key]) + fmt(cv[r.key]) for r in style.rows if r.key}
    return resolve(digits, style.identities)


def _narrative_cells(prose: Prose) -> list[dict]:
    cells = [
        {
            "row": c,
            "col": "year",
            "value": v,
            "unit": u,
            "label": lab,
            "method": "narrative",
            "why": "",
            "accept_null": False,
        }
        for c, (v, u, lab) in prose.figures.items()
    ]
    cells += [
        {
            "row": c,
            "col": "year",
            "value": None,
            "unit": "",
            "label": "",
            "method": "narrative",
            "why": "conflict",
            "accept_null": True,
        }
        for c in prose.conflicts
    ]
    return cells


def _make(case: Case, idx: int, rng: random.Random) -> tuple[Doc, dict]:
    """One case → the document to render and its truth entry."""
    place, kind = AGENCIES[idx % len(AGENCIES)]
    agency = place + kind
    style = STYLES["twolevel" if case.style == "narrative" else case.style]
    lo, hi = (2008, 2018) if case.style == "narrative" else style.years
    year = rng.randint(lo, hi)
    yv, cv = make_values(rng, style)
    title = f"{agency}{year}年政府信息公开工作年度报告"
    published = f"{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}"
    truth = {"style": case.style, "format": case.fmt, "inject": case.inject, "agency": agency, "year": year}
    if case.style == "narrative":
        yv["p.fee.amount"] = float(rng.choice([0, 15, 60, 230]))
        yv["p.complaints"] = float(rng.choice([0, 1, 2]))
        prose = narrative_report(rng, agency, year, yv, case.inject == "conflict")
        truth.update(
            cells=_narrative_cells(prose),
            ignore=[],
            expected_failing_checks=[{"kind": "stated twice differently", "codes": prose.conflicts}]
            if prose.conflicts
            else [],
        )
        return Doc(title, published, prose.blocks), truth
    checks = _inject(case, yv, cv)
    restate = {"p.req.received": yv["p.req.received"]} if case.inject.startswith("restated") else {}
    conflict = "p.req.received" if case.inject == "restated_conflict" else None
    prose = table_report_prose(agency, year, restate, conflict)
    splits = _flat_splits(style, yv, cv) if case.fmt == "flat" else None
    cells = _table_cells(style, yv, cv, splits)
    if conflict:
        checks.append({"kind": "stated twice differently", "codes": [conflict]})
        for c in cells:
            c["accept_null"] = c["accept_null"] or (c["row"] == conflict and c["col"] == "year")
    grid = build_grid(style, year, yv, cv, f"附件：{agency}{year}年政府信息公开情况统计表")
    truth.update(cells=cells, ignore=sorted(style.ignore), expected_failing_checks=checks)
    return Doc(title, published, prose.blocks, grid), truth


def _write(doc: Doc, case: Case, path: Path) -> None:
    if case.fmt == "html":
        path.write_text(to_html(doc), encoding="utf-8")
    elif case.fmt in ("docx", "pdf"):
        to_docx(doc, path)
    elif case.fmt == "txt":
        path.write_text(to_text_lines(doc), encoding="utf-8")
    else:
        path.write_text(to_text_flat(doc), encoding="utf-8")


def docx_to_pdf(docx_files: list[Path], out_dir: Path) -> None:
    """Convert Word files with LibreOffice, in one run, with a private profile (other users may run soffice)."""
    if not docx_files:
        return
    profile = Path(tempfile.mkdtemp(prefix="lo-pre2019-"))
    try:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, docx_files),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def build(out: Path, seed: int = SEED, pdf: bool = True) -> dict:
    """Write the corpus into `out` (files + truth.json) and return the truth."""
    out.mkdir(parents=True, exist_ok=True)
    reports, pending = {}, []
    with tempfile.TemporaryDirectory(prefix="pre2019-docx-") as tmp:
        stage = Path(tmp)
        for idx, case in enumerate(CASES):
            rng = random.Random(seed * 1000 + idx)
            doc, truth = _make(case, idx, rng)
            if case.fmt == "pdf" and not pdf:
                continue
            name = f"{idx:02d}_{case.style}_{case.fmt}_{case.inject or 'clean'}.{EXT[case.fmt]}"
            target = stage / name.replace(".pdf", ".docx") if case.fmt == "pdf" else out / name
            _write(doc, case, target)
            pending += [target] if case.fmt == "pdf" else []
            reports[name] = truth
        docx_to_pdf(pending, out)
    truth = {"seed": seed, "reports": reports}
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--no-pdf", action="store_true")
    args = ap.parse_args()
    truth = build(args.out, args.seed, pdf=not args.no_pdf)
    print(f"{len(truth['reports'])} reports → {args.out}")


if __name__ == "__main__":
    main()
