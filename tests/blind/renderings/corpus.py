"""Build a rendering corpus (fast or full tier) into a directory: files/ plus truth.json.

Usage: python -m tests.blind.renderings.corpus OUT_DIR [--full]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import renderers as rd
from .model import Report, make_report


@dataclass(frozen=True)
class Case:
    """One agency-year: the model's recipe and the renderer that prints it."""

    rendering: str
    era: str
    seed: int
    violations: tuple[str, ...] = ()
    slow: bool = False


def _tweak(rep: Report) -> None:
    """Force the printed forms the brief asks for: a signed 2019 delta (−6) and a decimal fee."""
    if rep.t2_era == "2019":
        rep.cells[("t2", "t2.i5.lic", "items_delta")] = -6
    else:
        rep.cells[("t2", "t2.i8.fee", "amount_wan")] = 24252.31


RENDER: dict[str, Callable[[Report, str, random.Random], list[rd.Rendered]]] = {
    "xlsx_sheets": lambda rep, stem, rng: rd.render_xlsx(rep, stem, one_sheet=False),
    "xlsx_one_sheet": lambda rep, stem, rng: rd.render_xlsx(rep, stem, one_sheet=True),
    "xls": lambda rep, stem, rng: rd.render_xlsx(rep, stem, one_sheet=False, xls=True),
    "docx": lambda rep, stem, rng: rd.render_docx(rep, stem),
    "pdf_word": lambda rep, stem, rng: rd.render_pdf_word(rep, stem),
    "pdf_wrap": lambda rep, stem, rng: rd.render_pdf_wrap(rep, stem, ("t3", "t3.r3.4.1", "np")),
    "pdf_unruled": lambda rep, stem, rng: rd.render_pdf_word(rep, stem, borders=False),
    "html_split_docx": lambda rep, stem, rng: rd.render_html_split(rep, stem, "docx"),
    "html_split_pdf": lambda rep, stem, rng: rd.render_html_split(rep, stem, "pdf"),
    "text_chrome": lambda rep, stem, rng: rd.render_chrome_text(rep, stem),
    "md_mineru": lambda rep, stem, rng: rd.render_markdown(rep, stem, "mineru"),
    "md_docling": lambda rep, stem, rng: rd.render_markdown(rep, stem, "docling"),
    "md_pieces": lambda rep, stem, rng: rd.render_markdown(rep, stem, "pieces"),
    "html_vsb": lambda rep, stem, rng: rd.render_html_vsb(rep, stem),
    "html_gzip": lambda rep, stem, rng: rd.render_html_gzip(rep, stem),
    "html_big5": lambda rep, stem, rng: rd.render_html_big5(rep, stem),
    "html_double_utf8": lambda rep, stem, rng: rd.render_html_double_utf8(rep, stem),
    "photo_pdf": lambda rep, stem, rng: rd.render_photo_pdf(rep, stem, rng),
    "photo_jpeg": lambda rep, stem, rng: rd.render_photo_jpeg(rep, stem, rng),
}

FAST_CASES = (
    Case("xlsx_sheets", "2021", 101, ("T3-FLOW",)),
    Case("xlsx_one_sheet", "2019", 102),
    Case("xls", "hybrid", 103),
    Case("docx", "2021", 104),
    Case("pdf_wrap", "2021", 105),
    Case("pdf_word", "2019", 106),
    Case("pdf_unruled", "hybrid", 107),
    Case("html_split_docx", "2021", 108),
    Case("html_split_pdf", "2019", 109),
    Case("text_chrome", "2021", 110, ("T3-COL",)),
    Case("text_chrome", "2019", 111),
    Case("md_mineru", "2019", 112, ("T3-DOM",)),
    Case("md_docling", "2021", 113, ("T4-SUM",)),
    Case("md_pieces", "hybrid", 114, ("T2-DOM",)),
    Case("html_vsb", "2021", 115, ("T3-LEAF",)),
    Case("html_gzip", "2019", 116, ("T4-DOM",)),
    Case("html_big5", "2021", 117),
    Case("html_double_utf8", "hybrid", 118),
)
SLOW_CASES = (
    Case("photo_pdf", "2021", 201, slow=True),
    Case("photo_pdf", "2019", 202, slow=True),
    Case("photo_pdf", "hybrid", 203, slow=True),
    Case("photo_jpeg", "2021", 204, slow=True),
    Case("pdf_wrap", "hybrid", 205, ("T3-FLOW",), slow=True),
    Case("pdf_unruled", "2021", 206, ("T4-SUM",), slow=True),
    Case("md_pieces", "2021", 207, slow=True),
    Case("md_mineru", "hybrid", 208, slow=True),
    Case("text_chrome", "hybrid", 209, ("T3-LEAF",), slow=True),
    Case("xlsx_one_sheet", "2021", 210, ("T4-SUM",), slow=True),
)
MANUAL = "neg_english_manual"


def cell_id(key: tuple[str, str, str]) -> str:
    return "|".join(key)


def _file_truth(r: rd.Rendered, case: Case, rep: Report, group: str) -> dict[str, object]:
    cells: dict[str, object] = {}
    for key in r.cells:
        entry: dict[str, object] = {"value": float(rep.cells[key])}
        if key in r.must_not:
            entry["must_not"] = r.must_not[key]
        cells[cell_id(key)] = entry
    return {
        "rendering": case.rendering,
        "format": r.format,
        "group": group,
        "era": rep.era,
        "kind": "annual_report",
        "slow": case.slow,
        "sha256": hashlib.sha256(r.data).hexdigest(),
        "meta": _meta(rep) if r.meta else None,
        "cells": cells,
        "may_fail_with": r.may_fail_with,
        "notes": r.notes,
    }


def _meta(rep: Report) -> dict[str, object]:
    return {
        "title": rep.title,
        "agency": rep.agency,
        "report_year": rep.year,
        "published": rep.published.isoformat(),
    }


def build(out_dir: Path, full: bool = False) -> dict[str, object]:
    """Write every case's files into out_dir/files and the truth into out_dir/truth.json."""
    files_dir = out_dir / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    truth: dict[str, object] = {"tier": "full" if full else "fast", "files": {}, "groups": {}}
    cases = FAST_CASES + (SLOW_CASES if full else ())
    for n, case in enumerate(cases, 1):
        rep = make_report(
            case.seed,
            case.era,
            case.violations,
            big={("t3.r3.4.1", "np"): 1347} if case.rendering == "pdf_wrap" else None,
        )
        _tweak(rep)
        group = f"g{n:02d}"
        stem = f"{group}_{case.rendering}_{case.era}"
        rendered = RENDER[case.rendering](rep, stem, random.Random(case.seed))
        for r in rendered:
            (files_dir / r.name).write_bytes(r.data)
            truth["files"][r.name] = _file_truth(r, case, rep, group)  # type: ignore[index]
        truth["groups"][group] = {  # type: ignore[index]
            "rendering": case.rendering,
            "era": rep.era,
            "slow": case.slow,
            "files": [r.name for r in rendered],
            "meta": _meta(rep),
            "expected_failing_rules": rep.expected_failing_rules(),
            "violations": [{"rule": v.rule, "detail": v.detail} for v in rep.violations],
        }
    manual = rd.render_manual(MANUAL, pages=3)[0]
    neg_dir = out_dir / "negatives"
    neg_dir.mkdir(exist_ok=True)
    (neg_dir / manual.name).write_bytes(manual.data)
    truth["negatives"] = {
        manual.name: {
            "rendering": "pdf_english_manual",
            "format": manual.format,
            "kind": "not_a_report",
            "sha256": hashlib.sha256(manual.data).hexdigest(),
            "pages": manual.notes["pages"],
            "max_seconds_per_page": 1.0,
        }
    }
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True))
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args()
    truth = build(args.out, args.full)
    print(f"{len(truth['files'])} files, {len(truth['groups'])} agency-years → {args.out}")


if __name__ == "__main__":
    main()
