"""Comparing extracted reports with ground truth: the one set of helpers every test uses.

A wrong number is worse than a missing one, so each helper separates the two: a non-null value that
differs from the truth is WRONG; a null must carry a reason.
"""

from __future__ import annotations

from pipeline.normalise.report import Report
from pipeline.template.codebook import T3_COLS, cells_for
from tests.generator import GeneratedReport

APPS = T3_COLS


SECTION_CODES = ["overview", "proactive", "requests", "appeals", "problems", "other"]



def compare(g: GeneratedReport, r: Report, ambiguous: set[tuple[str, str, str]]) -> tuple[int, list[str]]:
    got = {(c.table, c.row, c.col): c for c in r.cells}
    assert set(got) == set(g.cells), f"{g.key}: cell keys differ from the era's codebook cells"
    exact, problems = 0, []
    for key, want in g.cells.items():
        cell = got[key]
        if want is None:  # printed "/"
            ok = cell.value is None and cell.flag == "slash"
        else:
            ok = cell.value is not None and abs(cell.value - want) < 1e-9
        if ok:
            exact += 1
        elif cell.value is not None:
            problems.append(f"WRONG {key}: {cell.value} (raw {cell.raw!r}) != {want}")
        elif key not in ambiguous:
            problems.append(f"null {key}: {cell.flag} {cell.reason}")
        else:
            assert cell.reason, f"{key} is null without a reason"
    return exact, problems



def hard_failures(r: Report) -> set[str]:
    return {c.rule for c in r.checks if c.severity == "hard" and c.status == "fail"}



def hard_checks(report: Report) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in report.checks:
        if c.severity == "hard":
            out.setdefault(c.status, set()).add(c.rule)
    return out



def assert_no_wrong(report: Report, table: str, expected: dict[tuple[str, str], float]) -> int:
    """Every non-null value equals the truth; every null has a reason. Returns the exact count."""
    got = {(c.row, c.col): c for c in report.cells if c.table == table}
    exact = 0
    for key, want in expected.items():
        cell = got[key]
        if cell.value is None:
            assert cell.reason, f"{key} is null without a reason ({cell.flag})"
        else:
            assert cell.value == want, f"{table} {key}: got {cell.value} (raw {cell.raw!r}), want {want}"
            exact += 1
    return exact



def assert_report_right(g: GeneratedReport, r: Report, *, headings: bool = True) -> int:
    """Every cell exact, metadata and era right, exactly the injected violations failing (and no
    failing check on a clean report); `headings` also compares the section headings as printed.
    Returns the cells exact."""
    exact, problems = compare(g, r, set())
    assert not problems, f"{g.key}: {problems[:5]}"
    assert (r.agency, r.report_year, r.published, r.region_code) == (
        g.agency, g.report_year, g.published, g.region_code), g.key
    assert r.template == g.era, g.key
    if headings:
        assert [s.heading for s in r.sections] == [g.sections[c] for c in SECTION_CODES], g.key
    else:
        assert len(r.sections) == len(SECTION_CODES), g.key
    assert hard_failures(r) == set(g.violations), f"{g.key}: {g.violation_detail}"
    if not g.violations:
        assert r.status == "ok" and not any(c.status == "fail" for c in r.checks), g.key
    return exact


def assert_matches_truth(g: GeneratedReport, r: Report) -> int:
    """`assert_report_right`, plus the title as printed, section codes and no error; returns the cells compared."""
    exact = assert_report_right(g, r)
    assert exact == len(g.cells)
    assert r.title == g.title and r.error == ""
    assert [s.code for s in r.sections] == SECTION_CODES, g.key
    return exact



def t3_rows(spec: dict[str, tuple[int, ...]], era: str) -> dict[tuple[str, str], float]:
    """Expected Table 3 from {row: 7 values}; unlisted rows are 0 in every column."""
    out: dict[tuple[str, str], float] = {}
    for row, col in cells_for("t3", era):
        out[(row, col)] = 0.0
    for row, vals in spec.items():
        for col, v in zip(APPS, vals, strict=True):
            out[(row, col)] = float(v)
    return out



def np_only(n: int) -> tuple[int, ...]:
    return (n, 0, 0, 0, 0, 0, n)



def t4_rows(rev: tuple[int, ...], direct: tuple[int, ...], after: tuple[int, ...]) -> dict[tuple[str, str], float]:
    out = {}
    for row, vals in (("t4.rev", rev), ("t4.lit.dir", direct), ("t4.lit.rev", after)):
        for col, v in zip(("up", "cor", "oth", "pend", "tot"), vals, strict=True):
            out[(row, col)] = float(v)
    return out
