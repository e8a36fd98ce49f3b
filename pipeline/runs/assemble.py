"""Where a run assembles reports: the members of one container are held until the last arrives.

Workers normalise a container's members one unit at a time, in any order and on any process;
every report of a member unit names its container and unit (`Report.part`). This stage holds
the reports of a container until all of its units have reported, then hands them to
`normalise.assembly.assemble` and lets them go: memory holds the members of the containers in
flight, never the run. Stand-alone documents pass straight through. A run stopped before a
container is done writes its members as they are (no assembled row); running it again
assembles them, under the same id (a digest of the members' ids), so nothing is duplicated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pipeline.normalise.assembly import assemble
from pipeline.normalise.report import Report


@dataclass
class _Pending:
    """The reports of one container so far, and how many each of its units has given."""

    of: int
    reports: list[Report] = field(default_factory=list)
    given: dict[int, int] = field(default_factory=dict)
    done: int = 0

    def add(self, report: Report) -> None:
        assert report.part is not None
        self.reports.append(report)
        n = self.given[report.part.index] = self.given.get(report.part.index, 0) + 1
        if n == report.part.reports:
            self.done += 1

    @property
    def complete(self) -> bool:
        return self.done >= self.of


def _ordered(reports: list[Report]) -> list[Report]:
    """Members in a fixed order (completion order varies between runs; the dataset must not)."""
    return sorted(reports, key=lambda r: (r.url or r.source, r.report_id))


def assembled(reports: Iterable[Report]) -> Iterator[Report]:
    """`reports` with each complete container's members linked and its assembled reports added."""
    pending: dict[str, _Pending] = {}
    for report in reports:
        part = report.part
        if part is None:
            yield report
            continue
        group = pending.setdefault(part.container, _Pending(of=part.of))
        group.add(report)
        if group.complete:
            del pending[part.container]
            yield from assemble(_ordered(group.reports))
    for group in pending.values():  # stopped before these containers were done: members as they are
        yield from _ordered(group.reports)
