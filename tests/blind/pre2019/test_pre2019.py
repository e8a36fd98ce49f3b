"""Issue #16 targets on the generated pre-2019 corpus: every value exact, 0 wrong, ambiguous null with a reason.

Fast tier (no PDF, ~26 documents, well under 2 minutes); the PDF tier (LibreOffice-made PDFs) is `slow`.
These fail until pre-2019 statistics are extracted into table `p`; they are the acceptance bar, not to be relaxed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .corpus import build
from .score import run_extract, score


def _scored(tmp: Path, pdf: bool) -> dict:
    corpus = tmp / "corpus"
    build(corpus, pdf=pdf)
    out = tmp / "dataset"
    run_extract(corpus, out)
    return score(corpus, out)


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _scored(tmp_path_factory.mktemp("pre2019_fast"), pdf=False)


def _failures(res: dict, kind: str) -> list[str]:
    return [f for f in res["failures"] if kind in f][:20]


def test_no_wrong_number(fast: dict) -> None:
    assert fast["total"].get("wrong", 0) == 0, _failures(fast, "(wrong)")


def test_no_spurious_number(fast: dict) -> None:
    assert fast["total"].get("spurious", 0) == 0, _failures(fast, "spurious")


def test_every_value_exact_and_ambiguous_null_with_reason(fast: dict) -> None:
    total = fast["total"]
    assert total["ok"] == total["cells"], fast["failures"][:30]


@pytest.mark.parametrize("style", ["gb32", "local", "local2018", "twolevel", "dingxi", "narrative"])
def test_each_style_complete(fast: dict, style: str) -> None:
    groups = {k: v for k, v in fast["by_group"].items() if k.startswith(style + "/")}
    assert groups, f"no {style} reports in the corpus"
    assert all(v.get("ok", 0) == v["cells"] for v in groups.values()), groups


def test_narrative_figures_have_provenance(fast: dict) -> None:
    total = fast["total"]
    assert total.get("narrative_provenance_ok", 0) > 0 and total.get("narrative_provenance_bad", 0) == 0, (
        total
    )


def test_injected_inconsistencies_are_failing_checks(fast: dict) -> None:
    total = fast["total"]
    assert total.get("checks_missed", 0) == 0 and total.get("checks_found", 0) > 0, total


def test_clean_reports_raise_no_p_check(fast: dict) -> None:
    assert fast["total"].get("false_alarms", 0) == 0, fast["total"]


@pytest.mark.slow
def test_pdf_tier(tmp_path: Path) -> None:
    res = _scored(tmp_path, pdf=True)
    pdf = {k: v for k, v in res["by_group"].items() if k.endswith("/pdf")}
    assert pdf and all(v.get("ok", 0) == v["cells"] for v in pdf.values()), pdf
    assert res["total"].get("wrong", 0) == 0, _failures(res, "(wrong)")
