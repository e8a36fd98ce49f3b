"""The plain-text report: the same figures as text lines, as a crawler's page text leaves them.

Each table row is one line, the printed label then its values separated by tabs. Truth is the character
offsets of each value in the written text (a str; the file is UTF-8 without BOM, `\n` line ends).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .model import T2_BLOCKS, T3_COLS, T3_GROUPS, T3_ROWS, T4_COLS, T4_ROWS, Report
from .narrative import HEADINGS, intro
from .tables import CORNER


@dataclass(frozen=True, slots=True)
class Span:
    """A value's [start, end) in the text, and the text of its line before it (to check the occurrence)."""

    cell: str
    start: int
    end: int
    before: str


class _Writer:
    def __init__(self) -> None:
        self.text = ""
        self.spans: list[Span] = []

    def line(self, text: str = "") -> None:
        self.text += text + "\n"

    def row(self, label: str, values: list[tuple[str, str]]) -> None:
        """A label and its (cell key, raw) values on one line, tab-separated."""
        line = label
        for key, raw in values:
            line += "\t"
            start = len(self.text) + len(line)
            self.spans.append(Span(key, start, start + len(raw), line))
            line += raw
        self.line(line)


def _tables(w: _Writer, report: Report, code: str) -> None:
    cell = report.cell
    if code == "proactive":
        for caption, headers, items in T2_BLOCKS:
            w.line(caption)
            w.line("\t".join(("信息内容", *headers)))
            for row, label, cols in items:
                w.row(label, [(f"t2/{row}/{c}", cell("t2", row, c).raw) for c in cols])
    elif code == "requests":
        w.line(CORNER)
        w.line("申请人情况\t自然人\t法人或其他组织\t\t\t\t\t总计")
        w.line("\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他")
        seen: set[str] = set()
        for row, label, group in T3_ROWS:
            for g in ("t3.r3", group) if group else ():
                if g not in seen and row != "t3.r3.7":
                    seen.add(g)
                    w.line(T3_GROUPS[g])
            w.row(label, [(f"t3/{row}/{c}", cell("t3", row, c).raw) for c in T3_COLS])
    elif code == "appeals":
        w.line("行政复议\t行政诉讼")
        w.line("\t\t\t\t\t未经复议直接起诉\t复议后起诉")
        w.line("\t".join(("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 3))
        w.row("", [(f"t4/{r}/{c}", cell("t4", r, c).raw) for r in T4_ROWS for c in T4_COLS])


def render_text(report: Report, path: Path) -> tuple[str, list[Span]]:
    """Write the text; the text itself and the span of every value."""
    w = _Writer()
    w.line(report.title)
    w.line()
    w.line(intro(report.agency, report.year))
    sections = {s.code: s for s in report.sections}
    for code, heading in HEADINGS.items():
        w.line(heading)
        if code in sections:
            w.line("　　" + "".join(sections[code].sentences))
        _tables(w, report, code)
    for line in report.signed.split("\n"):
        w.line(line)
    path.write_text(w.text, encoding="utf-8", newline="\n")
    return w.text, w.spans
