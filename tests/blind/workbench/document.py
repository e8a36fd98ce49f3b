"""The order of a report's blocks on the page, the same for the text PDF and the scan."""

from __future__ import annotations

from .layout import Flow
from .model import Report
from .narrative import HEADINGS, intro
from .tables import table2, table3, table4


def _narrative(flow: Flow, report: Report, code: str) -> None:
    section = next((s for s in report.sections if s.code == code), None)
    flow.lines(HEADINGS[code], flow.s.body)
    if section:
        flow.lines("".join(section.sentences), flow.s.body, indent=2 * flow.s.body)
    flow.gap(flow.s.body * 0.5)


def compose(flow: Flow, report: Report, *, narrative: bool = True) -> None:
    """Title, intro, the six parts with the three tables under 二/三/四, and the signature.

    Without `narrative` (the one-page scan) only the tables and part 六 are printed.
    """
    flow.lines(report.title, flow.s.title, centre=True)
    flow.gap(flow.s.body)
    if narrative:
        flow.lines(intro(report.agency, report.year), flow.s.body, indent=2 * flow.s.body)
        _narrative(flow, report, "overview")
    for code, grid in (("proactive", table2), ("requests", table3), ("appeals", table4)):
        flow.lines(HEADINGS[code], flow.s.body)
        flow.table(grid(report))
        flow.gap(flow.s.body * 0.8)
    if narrative:
        _narrative(flow, report, "problems")
    _narrative(flow, report, "other")  # the scan keeps 六 too: it answers the 信息处理费 check (T3-FEE)
    if narrative:
        for line in report.signed.split("\n"):
            flow.lines(line, flow.s.body, indent=flow.s.width - 2 * flow.s.margin - 12 * flow.s.body)
