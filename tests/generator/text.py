"""Flattened plain-text renderings of a generated report, one per shape seen in real crawls.

* ``lines``  — one table cell per line with a leading tab (the 东昌区 page text).
* ``tabs``   — one table row per line, cells separated by a tab.
* ``spaces`` — one table row per line, cells separated by one or two spaces.
* ``run``    — the whole body on one line, Table 3/4 values glued together (the 平潭 page text);
  Table 2 keeps one space between the values of a row so that it stays recoverable.

Cosmetic choices (indents, stray blanks) come from ``report.layout_seed`` so rendering stays a
pure function of ``(report, style)``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Literal

from .truth import (
    SECTION_CODES,
    T3_COLS,
    T3_CORNER_NOTE,
    T3_GROUP_LABELS,
    T3_HEADER_MID,
    T3_HEADER_ORG,
    T3_HEADER_TOP,
    T3_RESULT_LABEL,
    T4_COLS,
    T4_HEADER_MID,
    T4_HEADER_TOP,
    T4_RESULT_LABELS,
    T4_ROWS,
    GeneratedReport,
    format_date,
    t2_blocks,
    t3_rows,
)

TextStyle = Literal["lines", "tabs", "spaces", "run"]
TEXT_STYLES: tuple[TextStyle, ...] = ("lines", "tabs", "spaces", "run")

IDEO_SPACE = "\u3000"
NBSP = "\xa0"


def _values(report: GeneratedReport, table: str, row: str, cols: tuple[str, ...]) -> list[str]:
    return [report.raw[(table, row, col)] for col in cols]


def _t3_row_cells(report: GeneratedReport) -> list[tuple[str, list[str], list[str]]]:
    """(row code, leading label cells as in an HTML row, values) for every numeric Table 3 row."""
    rows = []
    for row, _ in t3_rows(report.era):
        label = report.labels[row]
        if row == "t3.r3.1":
            lead = [T3_RESULT_LABEL, label]
        elif row in T3_GROUP_LABELS:
            lead = [T3_GROUP_LABELS[row], label]
        else:
            lead = [label]
        rows.append((row, lead, _values(report, "t3", row, T3_COLS)))
    return rows


def _heading(report: GeneratedReport, code: str, rng: random.Random, style: TextStyle) -> str:
    text = report.sections[code]
    if style == "run":
        return text
    indent = IDEO_SPACE * 2 if rng.random() < 0.5 else ""
    return indent + text + (NBSP if rng.random() < 0.4 else "")


def _paragraph(text: str, rng: random.Random) -> str:
    return (IDEO_SPACE * 2 if rng.random() < 0.7 else "") + text


def _date_line(report: GeneratedReport, rng: random.Random) -> str:
    pad = rng.choice(["", " " * 37, IDEO_SPACE * 2])
    return pad + format_date(report.published, report.published_style)


# ---------------------------------------------------------------------------------------------
# "lines": the 东昌区 shape, reproduced line by line.


def _lines_t2(report: GeneratedReport) -> list[str]:
    out: list[str] = []
    for index, block in enumerate(t2_blocks(report.era)):
        out += ["\t" + block.caption, ""]
        if index == 0:
            out += ["\t", ""]
        out += ["\t" + cell for cell in block.header] + [""]
        for row, label in block.rows:
            out += ["\t" + label] + ["\t" + v for v in _values(report, "t2", row, block.cols)] + [""]
    return out


def _lines_t3(report: GeneratedReport) -> list[str]:
    out = ["\t" + T3_CORNER_NOTE, "\t" + T3_HEADER_TOP[0], "", "\t", "\t自", "然", "人"]
    out += ["\t" + T3_HEADER_MID[1], "\t" + T3_HEADER_MID[2], "", "\t", "\t"]
    out += ["\t" + cell for cell in T3_HEADER_ORG] + ["\t", ""]
    nbsp_lines = 15 if report.era == "2021" else 13
    for row, lead, values in _t3_row_cells(report):
        label = report.labels[row]
        if row in ("t3.r1", "t3.r2", "t3.r4"):
            head = ["\t" + label]
        elif row == "t3.r3.1":
            # the vertical 三 label, wrapped over two lines after a run of blank cells
            head = ["\t" + NBSP] + [NBSP] * nbsp_lines + ["三、", "本年度办理结果", "\t" + label]
        elif len(lead) == 2:
            head = ["\t", "\t" + lead[0], "\t" + label]
        elif row.count(".") == 3:  # an item inside a group, below its first item
            head = ["\t", "\t", "\t" + label]
        else:
            head = ["\t", "\t" + label]
        out += head + ["\t" + v for v in values] + [""]
    return out


def _lines_t4(report: GeneratedReport) -> list[str]:
    out = ["\t" + T4_HEADER_TOP[0], "\t" + T4_HEADER_TOP[1], ""]
    out += ["\t" + c for c in T4_RESULT_LABELS] + ["\t" + c for c in T4_HEADER_MID] + [""]
    out += ["\t"] * 5 + ["\t" + c for c in T4_RESULT_LABELS * 2] + [""]
    out += ["\t" + v for row in T4_ROWS for v in _values(report, "t4", row, T4_COLS)]
    return out


# ---------------------------------------------------------------------------------------------
# "tabs" / "spaces": one table row per line.


def _row_tables(report: GeneratedReport, join: Callable[[list[str]], str]) -> dict[str, list[str]]:
    """Table rows as the cells of the HTML rows (group labels lead the first row of a group)."""
    t2: list[str] = []
    for block in t2_blocks(report.era):
        t2.append(block.caption)
        t2.append(join(list(block.header)))
        for row, label in block.rows:
            t2.append(join([label, *_values(report, "t2", row, block.cols)]))
    t3 = [join([T3_CORNER_NOTE, *T3_HEADER_TOP]), join(list(T3_HEADER_MID)), join(list(T3_HEADER_ORG))]
    t3 += [join([*lead, *values]) for _, lead, values in _t3_row_cells(report)]
    t4 = [
        join(list(T4_HEADER_TOP)),
        join([*T4_RESULT_LABELS, *T4_HEADER_MID]),
        join(list(T4_RESULT_LABELS * 2)),
        join([v for row in T4_ROWS for v in _values(report, "t4", row, T4_COLS)]),
    ]
    return {"proactive": t2, "requests": t3, "appeals": t4}


# ---------------------------------------------------------------------------------------------
# "run": everything glued.


def _run_t2(report: GeneratedReport) -> str:
    parts: list[str] = []
    for block in t2_blocks(report.era):
        parts.append(block.caption + "".join(block.header))
        for row, label in block.rows:
            parts.append(label + " ".join(_values(report, "t2", row, block.cols)))
    return "".join(parts)


def _run_t3(report: GeneratedReport) -> str:
    head = T3_CORNER_NOTE + "".join(T3_HEADER_TOP + T3_HEADER_MID + T3_HEADER_ORG)
    return head + "".join("".join(lead) + "".join(values) for _, lead, values in _t3_row_cells(report))


def _run_t4(report: GeneratedReport) -> str:
    head = "".join(T4_HEADER_TOP + T4_RESULT_LABELS + T4_HEADER_MID + T4_RESULT_LABELS * 2)
    return head + "".join(v for row in T4_ROWS for v in _values(report, "t4", row, T4_COLS))


def _render_run(report: GeneratedReport, rng: random.Random) -> str:
    tables = {"proactive": _run_t2(report), "requests": _run_t3(report), "appeals": _run_t4(report)}
    body = [report.intro]
    for code in SECTION_CODES:
        gap = " " if rng.random() < 0.4 else ""
        content = tables.get(code) or report.section_bodies[code]
        body.append(gap + report.sections[code] + (" " if rng.random() < 0.2 else "") + content)
    return "\n".join([report.title, "".join(body), report.agency, _date_line(report, rng)]) + "\n"


# ---------------------------------------------------------------------------------------------


def render_text(report: GeneratedReport, style: TextStyle) -> str:
    """The whole report as flattened plain text in one of ``TEXT_STYLES``."""
    if style not in TEXT_STYLES:
        raise ValueError(f"unknown text style {style!r}; expected one of {TEXT_STYLES}")
    rng = random.Random(report.layout_seed * 8 + TEXT_STYLES.index(style))
    if style == "run":
        return _render_run(report, rng)

    if style == "lines":
        tables = {"proactive": _lines_t2(report), "requests": _lines_t3(report), "appeals": _lines_t4(report)}
    elif style == "tabs":
        tables = _row_tables(report, "\t".join)
    else:
        tables = _row_tables(report, lambda cells: "".join(_spaced(cells, rng)))

    out = [report.title, "", _paragraph(report.intro, rng)]
    for code in SECTION_CODES:
        out.append(_heading(report, code, rng, style))
        if code in tables:
            out += [""] + tables[code] + ["", "", IDEO_SPACE * 2, ""]
        else:
            out.append(_paragraph(report.section_bodies[code], rng))
    out += [NBSP, NBSP, report.agency, _date_line(report, rng), ""]
    return "\n".join(out)


def _spaced(cells: list[str], rng: random.Random) -> list[str]:
    """Cells with one or two spaces between them (never inside a cell)."""
    out: list[str] = []
    for index, cell in enumerate(cells):
        if index:
            out.append(" " * rng.choice([1, 1, 2]))
        out.append(cell)
    return out
