"""Shared test helpers: real fixtures by format and name, and a one-call extract→normalise."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from extractors import SourceRef, container_for, for_media_type, sniff
from pipeline.normalise.document import normalise
from pipeline.normalise.report import Report

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_path(kind: str, name: str) -> Path:
    return FIXTURES / kind / name


def fixture_bytes(kind: str, name: str) -> bytes:
    return fixture_path(kind, name).read_bytes()


def report_of(data: bytes, uri: str = "mem://doc") -> Report:
    """Extract and normalise one document (not a container)."""
    mt = sniff(data)
    src = SourceRef(uri=uri, sha256=hashlib.sha256(data).hexdigest(), media_type=mt)
    return normalise(for_media_type(mt).extract(data, source=src), media_type=mt)


def reports_of_records(data: bytes, uri: str = "mem://records.csv") -> list[Report]:
    """Every member of a crawled-records CSV as a report (members that fail are skipped here)."""
    from extractors import Member
    from pipeline.runs.process import process_item

    mt = sniff(data)
    src = SourceRef(uri=uri, sha256=hashlib.sha256(data).hexdigest(), media_type=mt)
    container = container_for(mt)
    assert container is not None
    return [process_item(Member(data=m.data, source=replace(m.source), hints=m.hints)) for m in container.members(data, source=src)]


def values(report: Report, table: str) -> dict[tuple[str, str], float | None]:
    return {(c.row, c.col): c.value for c in report.cells if c.table == table}


@pytest.fixture
def seed_report() -> Report:
    return report_of(fixture_bytes("text", "jilin_tonghua_dongchang_science_bureau_2023.txt"))
