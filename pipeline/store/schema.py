"""The dataset's columns: the one definition the Parquet schemas, `datapackage.json` and the README's
schema table are made from (the README's table is checked against it by the tests).

Each table is a tuple of `Column(name, type, doc)` in file order. A new column is one line here
plus the value it takes in `dataset._rows`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: pa.DataType
    doc: str


_S = pa.string()
_F32 = pa.float32()

REPORTS: tuple[Column, ...] = (
    Column("report_id", _S, "sha256 of the source bytes (the report's key)"),
    Column("source", _S, "path or URL of the input (file.csv#row=N for a crawled record)"),
    Column("sources", _S, "every path or URL these bytes came from, |-separated (one report, several sources)"),
    Column("url", _S, "where the document was published, where known"),
    Column("index_number", _S, "the portal's 索引号 (prefix: organisation / unified social credit code)"),
    Column("media_type", _S, "media type sniffed from the bytes"),
    Column("title", _S, "title as printed"),
    Column("agency", _S, "issuing agency as printed (signature, else title)"),
    Column("region_code", _S, "6-digit 行政区划代码 of the agency's region"),
    Column("region_name", _S, "region path 省/市/县"),
    Column("admin_level", _S, "national | province | prefecture | county | township"),
    Column("published", pa.date32(), "publication date"),
    Column("template", _S, "2021 | 2019 | hybrid | pre2019 | unknown"),
    Column("doc_kind", _S, "annual_report, or a look-alike (website_report, rule_of_law_report, statistics_table, "
                           "work_plan, empty, other), or container (a WARC/records-CSV file: its members are rows of their own)"),
    Column("status", _S, "ok | partial | failed"),
    Column("error", _S, "why the document failed, naming the file"),
    Column("n_cells", pa.int32(), "codebook cells of the report"),
    Column("n_cells_null", pa.int32(), "cells without a value"),
    Column("n_checks_failed", pa.int32(), "identity checks failing"),
    Column("extractor", _S, "extractor name"),
    Column("extractor_version", _S, "extractor version"),
    Column("pipeline_version", _S, "pipeline version"),
    Column("captured_at", _S, "capture time of the source, where known"),
    Column("referrer", _S, "the page this capture was reached from (HTTP Referer of its WARC request record, "
                           "or the crawler's via), where known"),
    Column("assembly", _S, "member (one document of an assembled report) | assembled (the report built from its "
                           "members) | null (a stand-alone document)"),
    Column("assembled_into", _S, "on a member: the report_id of the assembled report it is part of"),
    Column("bbox_unit", _S, "unit of its cells' boxes (the extractor's): pt | px (an image file) | mm (OFD)"),
    Column("text", _S, "the document's extracted text, kept when a cell's span points into it (else null)"),
)
SECTIONS: tuple[Column, ...] = (
    Column("report_id", _S, "report key"),
    Column("ordinal", pa.int16(), "order in the report"),
    Column("code", _S, "overview | proactive | requests | appeals | problems | other (a pre-2019 heading matching none: other)"),
    Column("heading", _S, "heading as printed"),
    Column("text", _S, "section text"),
)
CELLS: tuple[Column, ...] = (
    Column("report_id", _S, "report key"),
    Column("table", _S, "t2 | t3 | t4 | p (pre-2019)"),
    Column("row", _S, "row code (codebook.csv, axis row)"),
    Column("col", _S, "column code (codebook.csv, axis col)"),
    Column("value", pa.float64(), "number printed (null unless a number was printed)"),
    Column("raw", _S, "printed text of the cell"),
    Column("flag", _S, "number | blank | slash | dash | none | text | zero_or_blank | ambiguous | missing"),
    Column("reason", _S, "why the value is null"),
    Column("unit", _S, "unit of the value (codebook)"),
    Column("page", pa.int32(), "page of the source"),
    Column("method", _S, "how the cell was read (grid, tokens, split, …)"),
    Column("locator", _S, "table[i]/r<row>/c<col> or text[start:end]"),
    Column("confidence", pa.float32(), "confidence of the reading"),
    Column("label", _S, "row label as printed (pre-2019 table p: forms and prose word it differently)"),
    Column("member", _S, "on an assembled report: the report_id of the member the value was taken from"),
    Column("x0", _F32, "left edge of the printed cell on its page, from the page's left (null: no coordinates)"),
    Column("top", _F32, "top edge of the cell, from the page's top"),
    Column("x1", _F32, "right edge of the cell"),
    Column("bottom", _F32, "bottom edge of the cell"),
    Column("bbox_unit", _S, "unit of x0/top/x1/bottom: pt (PDF points, scanned PDF pages too) | px (image file) | mm (OFD)"),
    Column("span_start", pa.int32(), "start of the characters read, an offset into reports.text (text-like sources)"),
    Column("span_end", pa.int32(), "end (exclusive) of the characters read in reports.text"),
)
CHECKS: tuple[Column, ...] = (
    Column("report_id", _S, "report key"),
    Column("rule", _S, "identity id (identities.md)"),
    Column("scope", _S, "column or row checked"),
    Column("lhs", pa.float64(), "left-hand side"),
    Column("rhs", pa.float64(), "right-hand side"),
    Column("status", _S, "pass | fail | uncertain"),
    Column("severity", _S, "hard | soft"),
    Column("detail", _S, "what failed"),
)

COLUMNS: dict[str, tuple[Column, ...]] = {"cells": CELLS, "sections": SECTIONS, "checks": CHECKS, "reports": REPORTS}
"""The four partitioned tables, in write order (reports last: a visible report has all its rows)."""


def arrow_schema(columns: tuple[Column, ...]) -> pa.Schema:
    return pa.schema([(c.name, c.type) for c in columns])


def column_docs(table: str) -> dict[str, str]:
    return {c.name: c.doc for c in COLUMNS[table]}
