"""One definition of each column: the Parquet files, datapackage.json and the README agree with it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.normalise.report import Report
from pipeline.products.datapackage import COLUMN_DOCS
from pipeline.store.dataset import TABLES, write_dataset
from pipeline.store.schema import COLUMNS
from tests.conftest import report_of

README = Path(__file__).resolve().parents[3] / "README.md"


def top_level_items(text: str) -> list[str]:
    """Split a README cell at the commas outside parentheses."""
    items, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            items.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return [*items, cur.strip()]


def readme_columns() -> dict[str, list[str]]:
    section = README.read_text(encoding="utf-8").split("## The dataset", 1)[1].split("\n## ", 1)[0]
    out: dict[str, list[str]] = {}
    for line in section.splitlines():
        m = re.match(r"\| `(\w+)` \| [^|]+ \| (.+) \|$", line.replace(r"\|", "¦"))
        if m:
            out[m.group(1)] = [re.match(r"`(\w+)`", item).group(1) for item in top_level_items(m.group(2))]
    return out


def test_the_readme_lists_every_column_in_file_order() -> None:
    assert readme_columns() == {name: [c.name for c in cols] for name, cols in COLUMNS.items()}


def test_datapackage_documents_every_column_from_the_definition() -> None:
    for name, cols in COLUMNS.items():
        assert COLUMN_DOCS[name] == {c.name: c.doc for c in cols}
        assert all(c.doc for c in cols)


def test_every_scalar_field_of_report_is_a_column() -> None:
    nested = {"sections", "cells", "checks"}
    internal = {"links", "also_sources", "part"}  # assembly's evidence and routing: `sources` holds also_sources
    fields = {f.name for f in dataclasses.fields(Report)} - nested - internal
    assert fields <= {c.name for c in COLUMNS["reports"]} | {"report_year"}  # the year is the partition


def test_written_files_have_exactly_the_defined_schema(tmp_path: Path, seed_report: Report) -> None:
    write_dataset(tmp_path, [seed_report, report_of(b"not a report at all", "mem://x.txt")])
    for name in COLUMNS:
        files = sorted((tmp_path / name).glob("report_year=*/part-0.parquet"))
        assert files, name
        for f in files:
            assert pq.read_schema(f).remove_metadata() == TABLES[name], (name, f)
