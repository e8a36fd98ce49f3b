"""One input (file bytes or a container member, an `extractors.Member`) → one `Report`, never an exception.

This is the unit of work the executors run. Every failure becomes a `failed` report whose error
names the source and the reason, so one bad document never stops a run.
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import replace

from extractors import ExtractionError, Flaw, Member, SourceRef, container_for, for_media_type, sniff
from extractors.base import members
from pipeline import __version__
from pipeline.normalise.classify import classify
from pipeline.normalise.document import normalise
from pipeline.normalise.metadata import year_of_title
from pipeline.normalise.report import Report


def failed(source: SourceRef, error: str, *, media_type: str = "", hints: dict[str, str] | None = None) -> Report:
    hints = hints or {}
    title = hints.get("title")
    return Report(report_id=source.sha256, source=source.uri, media_type=media_type or source.media_type,
                  status="failed", error=error, title=title, report_year=year_of_title(title),
                  doc_kind=classify(title, "") if title else "unknown", pipeline_version=__version__,
                  captured_at=source.captured_at, referrer=hints.get("referrer") or None)


def flaw_report(flaw: Flaw) -> Report:
    """A part of a container that cannot be a document: a failed row naming it (its own id)."""
    rid = hashlib.sha256(f"{flaw.uri}\n{flaw.reason}".encode("utf-8", "backslashreplace")).hexdigest()
    return failed(SourceRef(uri=flaw.uri, sha256=rid), f"{flaw.uri}: {flaw.reason}")


def process_item(item: Member) -> Report:
    """Extract and normalise one document; failures become a `failed` report."""
    mt = item.source.media_type or sniff(item.data)
    source = replace(item.source, media_type=mt)
    hints = dict(item.hints)
    try:
        extractor = for_media_type(mt)
        doc = extractor.extract(item.data, source=source, headers=dict(item.headers) or None)
        if item.hints:
            doc = replace(doc, hints=doc.hints + item.hints)
        return normalise(doc, media_type=mt)
    except ExtractionError as exc:
        return failed(source, f"{source.uri}: {exc.reason}", media_type=mt, hints=hints)
    except MemoryError:
        return failed(source, f"{source.uri}: out of memory while extracting", media_type=mt, hints=hints)
    except Exception as exc:  # a bug or an input no extractor foresaw: record it, keep going
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return failed(source, f"{source.uri}: internal error {type(exc).__name__}: {exc} "
                      f"(at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})", media_type=mt, hints=hints)


def expand(data: bytes, source: SourceRef, *, hints: tuple[tuple[str, str], ...] = (),
           depth: int = 0) -> list[Member | Report]:
    """A file → its work items: the file itself, or each member of a container file.

    Containers nest (a crawled-records CSV inside a WARC file): members are expanded again, up
    to a small depth. A container that cannot be read yields one `failed` report instead.
    """
    mt = source.media_type or sniff(data)
    source = replace(source, media_type=mt)
    container = container_for(mt)
    if container is None or depth >= MAX_NESTING:
        return [Member(data=data, source=source, hints=hints)]
    try:
        found = list(members(container, data, source=source))
    except ExtractionError as exc:
        return [failed(source, f"{source.uri}: {exc.reason}", media_type=mt)]
    if not found:
        return [failed(source, f"{source.uri}: the {container.name} file holds no record", media_type=mt)]
    out: list[Member | Report] = []
    for m in found:
        if isinstance(m, Flaw):
            out.append(flaw_report(m))
            continue
        inherited = tuple((k, v) for k, v in hints if k not in {key for key, _ in m.hints})
        m_type = m.source.media_type or sniff(m.data)
        if container_for(m_type) is not None:
            out.extend(expand(m.data, m.source, hints=m.hints + inherited, depth=depth + 1))
        else:
            out.append(Member(data=m.data, source=replace(m.source, media_type=m_type), hints=m.hints + inherited, headers=m.headers))
    return out


MAX_NESTING = 3
"""Containers inside containers are expanded this deep at most (a WARC holding a records CSV)."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
