"""Units of work the guarded workers run: a file, one member of a container file, or bytes in hand.

The parent only lists paths and schedules units; a worker reads the bytes, so the parent never
holds or parses a document. A container file's unit (WARC, crawled-records CSV) returns the
`Locator`s of its members, which the parent schedules as units of their own, each under the same
time and memory limits; a part of the container that cannot be read is a failed report. Every
unit ends as reports (or further units), never as an exception.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import BinaryIO

from extractors import (
    MAX_DOCUMENT_BYTES,
    ExtractionError,
    Flaw,
    Locator,
    Member,
    SourceRef,
    container_for,
    sniff,
)
from pipeline.normalise.report import Part, Report
from pipeline.runs.process import expand, failed, flaw_report, process_item

Worker = Callable[[Member], Report]
_HEAD = 1 << 16


@dataclass(frozen=True, slots=True, kw_only=True)
class FileUnit:
    """A file to read: `path` on disk (a link inside the input tree resolved), `uri` its name."""

    path: str
    uri: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberUnit:
    """One member of the container file at `path` (media type `media_type`, named `container`)."""

    path: str
    container: str
    media_type: str
    locator: Locator
    source: SourceRef | None = None
    """Replaces the member's own source (a capture: its canonical URL and first capture time)."""
    part: Part | None = None
    """Unit `index` of the `of` units of its container: its reports say so, for assembly."""


Unit = FileUnit | MemberUnit | Member


@dataclass(frozen=True, slots=True)
class Outcome:
    reports: tuple[Report, ...] = ()
    units: tuple[Unit, ...] = ()


def uri_digest(uri: str) -> str:
    return hashlib.sha256(uri.encode("utf-8", "backslashreplace")).hexdigest()


def open_regular(path: str) -> BinaryIO:
    """Open a regular file for reading without following a link and without blocking on a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise IsADirectoryError(0, f"not a regular file ({kind_of(mode)})")
    return os.fdopen(fd, "rb")


def kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"), (stat.S_ISLNK, "link")):
        if test(mode):
            return name
    return "special file"


def run_unit(unit: Unit, worker: Worker = process_item) -> Outcome:
    """Reports of `unit` (or the units of a container's members)."""
    if isinstance(unit, Member):
        return Outcome((worker(unit),))
    if isinstance(unit, MemberUnit):
        return tag(_run_member(unit, worker), unit.part)
    return _run_file(unit, worker)


def tag(out: Outcome, part: Part | None) -> Outcome:
    """The reports of one member unit, each naming its container and unit (see `Part`)."""
    if part is None:
        return out
    n = len(out.reports)
    return Outcome(tuple(replace(r, part=replace(part, reports=n)) for r in out.reports), out.units)


def _run_file(unit: FileUnit, worker: Worker) -> Outcome:
    src = SourceRef(uri=unit.uri, sha256=uri_digest(unit.uri))
    try:
        with open_regular(unit.path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_DOCUMENT_BYTES:
                return Outcome((failed(src, f"{unit.uri}: file of {size} bytes is over the {MAX_DOCUMENT_BYTES} "
                                       "byte limit (not read)"),))
            head = fh.read(_HEAD)
            mt = sniff(head)
            container = container_for(mt)
            if container is not None:
                return _scan(fh, container, unit, replace(src, media_type=mt))
            data = head + fh.read()
    except OSError as exc:
        return Outcome((failed(src, f"{unit.uri}: cannot read ({exc.strerror or exc})"),))
    return Outcome((worker(Member(data=data, source=SourceRef(uri=unit.uri, sha256=hashlib.sha256(data).hexdigest()))),))


def _scan(fh: BinaryIO, container: object, unit: FileUnit, src: SourceRef) -> Outcome:
    reports: list[Report] = []
    units: list[Unit] = []
    try:
        for found in container.scan(fh, source=src):  # type: ignore[attr-defined]
            if isinstance(found, Flaw):
                reports.append(flaw_report(found))
            else:
                units.append(MemberUnit(path=unit.path, container=unit.uri, media_type=src.media_type,
                                        locator=found))
    except ExtractionError as exc:
        reports.append(failed(src, f"{unit.uri}: {exc.reason}"))
        return Outcome(tuple(reports), tuple(units))
    if not reports and not units:
        reports.append(failed(src, f"{unit.uri}: the {container.name} file holds no record"))  # type: ignore[attr-defined]
        return Outcome(tuple(reports), tuple(units))
    units = [replace(u, part=Part(container=unit.uri, of=len(units), index=i))  # type: ignore[arg-type]
             for i, u in enumerate(units)]
    only = units[0] if len(units) == 1 else None
    if not reports and isinstance(only, MemberUnit) and only.locator.uri == unit.uri:
        return Outcome((), tuple(units))  # a wrapper (a .gz): its one document is the file's row
    return Outcome((container_row(fh, src, len(reports)), *reports), tuple(units))


def container_row(fh: BinaryIO, src: SourceRef, n_flaws: int) -> Report:
    """The container file's own row (every input is a row): `ok`, or `partial` when parts of it
    could not be read; its members are rows of their own."""
    fh.seek(0)
    digest = hashlib.sha256()
    while chunk := fh.read(1 << 20):
        digest.update(chunk)
    row = failed(replace(src, sha256=digest.hexdigest()), "")
    note = f"{src.uri}: {n_flaws} part(s) of this container could not be read (rows of their own)"
    return replace(row, status="partial" if n_flaws else "ok", error=note if n_flaws else "", doc_kind="container")


def _run_member(unit: MemberUnit, worker: Worker) -> Outcome:
    loc = unit.locator
    container = container_for(unit.media_type)
    where = SourceRef(uri=unit.container, sha256=uri_digest(unit.container), media_type=unit.media_type)
    own = unit.source or SourceRef(uri=loc.uri, sha256=uri_digest(loc.uri))
    try:
        if container is None:
            raise ExtractionError(loc.uri, f"no reader for {unit.media_type} containers")
        with open_regular(unit.path) as fh:
            member = container.read(fh, loc, source=where)
    except ExtractionError as exc:
        return Outcome((failed(own, f"{loc.uri}: {exc.reason}"),))
    except OSError as exc:
        return Outcome((failed(own, f"{loc.uri}: cannot read {unit.container} ({exc.strerror or exc})"),))
    if unit.source is not None:
        source = replace(unit.source, sha256=member.source.sha256 if not unit.source.sha256 else unit.source.sha256)
        member = replace(member, source=source, hints=loc.hints or member.hints,
                         headers=loc.headers or member.headers)
    if container_for(sniff(member.data)) is not None:  # a container inside (a records CSV in a WARC)
        at = member.source.captured_at
        return Outcome(tuple(i if isinstance(i, Report) else worker(replace(i, source=replace(i.source, captured_at=at)))
                             for i in expand(member.data, member.source, hints=member.hints, depth=1)))
    return Outcome((worker(member),))
