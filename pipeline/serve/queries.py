"""The workbench's questions to the dataset, as SQL over the DuckDB views (`db.Db`).

Every filter comes in validated (`ReportFilter`) and goes into SQL as a parameter, never as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.serve.db import Db

LIST_COLUMNS = ("report_id", "title", "agency", "report_year", "region_code", "template", "status", "doc_kind",
                "n_cells", "n_checks_failed")
MAX_LIMIT = 10_000


class BadRequest(ValueError):
    """A query parameter or body field that cannot be used; the message names it."""


def _int(raw: str | None, name: str, *, default: int | None, lo: int = 0, hi: int = 1 << 31) -> int | None:
    if raw is None or raw == "":
        return default
    if not raw.strip().lstrip("-").isdigit():
        raise BadRequest(f"{name} must be an integer, not {raw!r}")
    value = int(raw)
    if not lo <= value <= hi:
        raise BadRequest(f"{name} must be between {lo} and {hi}, not {value}")
    return value


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """The filters of the report list (GET /api/reports and the find page)."""

    year: int | None = None
    agency: str = ""
    region: str = ""
    template: str = ""
    status: str = ""
    rule: str = ""
    q: str = ""
    limit: int = 50
    offset: int = 0

    @classmethod
    def of(cls, params: Any) -> ReportFilter:
        region = (params.get("region") or "").strip()
        if region and not region.isdigit():
            raise BadRequest(f"region must be a 行政区划代码 prefix (digits), not {region!r}")
        return cls(year=_int(params.get("year"), "year", default=None, lo=1990, hi=2100),
                   agency=(params.get("agency") or "").strip(), region=region,
                   template=(params.get("template") or "").strip(), status=(params.get("status") or "").strip(),
                   rule=(params.get("rule") or "").strip(), q=(params.get("q") or "").strip(),
                   limit=_int(params.get("limit"), "limit", default=50, lo=1, hi=MAX_LIMIT) or 50,
                   offset=_int(params.get("offset"), "offset", default=0) or 0)

    def where(self, *, alias: str = "r", former_names: bool = False) -> tuple[str, list[Any]]:
        parts: list[str] = [f"{alias}.doc_kind <> 'container'"]
        args: list[Any] = []
        for column, value in (("report_year", self.year), ("template", self.template or None),
                              ("status", self.status or None)):
            if value is not None:
                parts.append(f"{alias}.{column} = ?")
                args.append(value)
        if self.region:
            parts.append(f"starts_with({alias}.region_code, ?)")
            args.append(self.region)
        if self.agency:
            cond = f"contains({alias}.agency, ?)"
            args.append(self.agency)
            if former_names:  # any name the agency was known by (agencies.names, `|`-separated)
                cond += (f" OR {alias}.report_id IN (SELECT v.report_id FROM versions v JOIN agencies a"
                         " ON a.agency_id = v.agency_id WHERE contains(a.names, ?) OR contains(a.name, ?))")
                args += [self.agency, self.agency]
            parts.append(f"({cond})")
        if self.q:
            parts.append(f"(contains({alias}.title, ?) OR contains({alias}.agency, ?))")
            args += [self.q, self.q]
        if self.rule:
            parts.append(f"{alias}.report_id IN (SELECT report_id FROM checks WHERE status = 'fail' AND rule = ?)")
            args.append(self.rule)
        return " AND ".join(parts), args


def list_reports(db: Db, f: ReportFilter, *, former_names: bool = True) -> tuple[int, list[dict[str, Any]]]:
    where, args = f.where(former_names=former_names)
    total = int(db.scalar(f"SELECT count(*) FROM reports r WHERE {where}", args))
    cols = ", ".join(f"r.{c}" for c in LIST_COLUMNS)
    items = db.rows(f"SELECT {cols} FROM reports r WHERE {where} ORDER BY r.report_year DESC NULLS LAST, "
                    "r.region_code NULLS LAST, r.agency NULLS LAST, r.report_id LIMIT ? OFFSET ?",
                    [*args, f.limit, f.offset])
    return total, items


def facet_counts(db: Db, f: ReportFilter) -> dict[str, list[dict[str, Any]]]:
    """Counts by year, template, status and failing rule under the current filters (the find page's facets)."""
    where, args = f.where()
    out: dict[str, list[dict[str, Any]]] = {}
    for col in ("report_year", "template", "status"):
        out[col] = db.rows(f"SELECT r.{col} AS value, count(*) AS n FROM reports r WHERE {where} "
                           f"GROUP BY 1 ORDER BY 1 NULLS LAST", args)
    out["rule"] = db.rows(f"SELECT c.rule AS value, count(DISTINCT c.report_id) AS n FROM checks c JOIN reports r "
                          f"ON r.report_id = c.report_id WHERE c.status = 'fail' AND {where} GROUP BY 1 ORDER BY 1", args)
    return out


def region_tree(db: Db, f: ReportFilter) -> list[dict[str, Any]]:
    """Province → city → county nodes by 行政区划代码 (2 / 4 / 6 digits), each with its report count."""
    where, args = f.where()
    rows = db.rows(f"SELECT r.region_code AS code, any_value(r.region_name) AS name, count(*) AS n FROM reports r "
                   f"WHERE {where} AND r.region_code IS NOT NULL GROUP BY 1 ORDER BY 1", args)
    provinces: dict[str, dict[str, Any]] = {}
    for row in rows:
        code, parts = str(row["code"]), str(row["name"] or "").split("/")
        prov = provinces.setdefault(code[:2], {"code": code[:2], "name": parts[0] or code[:2] + "0000", "n": 0,
                                               "children": {}})
        prov["n"] += row["n"]
        if code[2:] == "0000":
            continue
        city = prov["children"].setdefault(code[:4], {"code": code[:4], "name": parts[1] if len(parts) > 1 else code[:4],
                                                      "n": 0, "children": {}})
        city["n"] += row["n"]
        if code[4:] != "00":
            city["children"][code] = {"code": code, "name": parts[-1], "n": row["n"], "children": {}}
    return _tree_lists(list(provinces.values()))


def _tree_lists(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**n, "children": _tree_lists(list(n["children"].values()))} for n in nodes]


def report_row(db: Db, report_id: str) -> dict[str, Any] | None:
    return db.one("SELECT * FROM reports WHERE report_id = ?", [report_id])


def report_cells(db: Db, report_id: str) -> list[dict[str, Any]]:
    return db.rows("SELECT * EXCLUDE (report_year) FROM cells WHERE report_id = ?", [report_id])


def report_sections(db: Db, report_id: str) -> list[dict[str, Any]]:
    return db.rows("SELECT * EXCLUDE (report_year) FROM sections WHERE report_id = ? ORDER BY ordinal", [report_id])


def report_checks(db: Db, report_id: str) -> list[dict[str, Any]]:
    return db.rows("SELECT * EXCLUDE (report_year) FROM checks WHERE report_id = ?", [report_id])


def one_cell(db: Db, report_id: str, table: str, row: str, col: str) -> dict[str, Any] | None:
    return db.one('SELECT * EXCLUDE (report_year) FROM cells WHERE report_id = ? AND "table" = ? AND "row" = ? '
                  'AND col = ?', [report_id, table, row, col])


QUEUE_REASONS = ("null with a reason", "low confidence", "in a failing check")
LOW_CONFIDENCE = 0.9


def review_queue(db: Db, f: ReportFilter) -> tuple[int, list[dict[str, Any]]]:
    """Cells most worth a human look: null with a reason, read with low confidence, or in a failing check
    (a failing check's table row: the DOM rules name their cells, the sums their rows)."""
    where, args = f.where()
    sql = (f"WITH r AS (SELECT report_id, agency, report_year FROM reports r WHERE {where}), "
           "failing AS (SELECT DISTINCT report_id, lower(split_part(rule, '-', 1)) AS tbl FROM checks "
           "WHERE status = 'fail') "
           "SELECT c.report_id, r.agency, r.report_year, c.\"table\", c.\"row\", c.col, c.value, c.raw, c.flag, "
           "c.reason, c.method, c.confidence, "
           f"CASE WHEN c.value IS NULL AND c.reason IS NOT NULL THEN '{QUEUE_REASONS[0]}' "
           f"WHEN c.confidence < {LOW_CONFIDENCE} THEN '{QUEUE_REASONS[1]}' ELSE '{QUEUE_REASONS[2]}' END AS why "
           "FROM cells c JOIN r ON r.report_id = c.report_id "
           "LEFT JOIN failing f ON f.report_id = c.report_id AND f.tbl = c.\"table\" "
           f"WHERE (c.value IS NULL AND c.reason IS NOT NULL) OR c.confidence < {LOW_CONFIDENCE} "
           "OR f.report_id IS NOT NULL")
    # one scan of the cells: the count rides along as a window over the whole answer
    items = db.rows(f"SELECT *, count(*) OVER () AS _total FROM ({sql}) ORDER BY why, report_year DESC, "
                    'report_id, "table", "row", col LIMIT ? OFFSET ?', [*args, f.limit, f.offset])
    total = int(items[0]["_total"]) if items else (
        0 if f.offset == 0 else int(db.scalar(f"SELECT count(*) FROM ({sql})", args)))
    for item in items:
        del item["_total"]
    return total, items


def failures(db: Db) -> list[dict[str, Any]]:
    """Every failed input with its reason, grouped by the reason's kind (the text after the file name)."""
    rows = db.rows("SELECT report_id, source, media_type, error FROM reports WHERE status = 'failed' "
                   "ORDER BY error, source")
    for r in rows:
        r["reason"] = failure_reason(str(r["error"] or ""))
    rows.sort(key=lambda r: (r["reason"], r["source"] or ""))
    return rows


def failure_reason(error: str) -> str:
    """The kind of a failure: the message after `path: ` with numbers taken out (so files group)."""
    import re

    text = error.split(": ", 1)[1] if ": " in error else error
    return re.sub(r"\d[\d,]*", "N", text)[:120] or "unknown"


def coverage(db: Db) -> list[dict[str, Any]]:
    """Reports per region and year (status counts); the crawl's access states where coverage.parquet has them."""
    return db.rows("SELECT coalesce(region_code, '') AS region_code, any_value(region_name) AS region_name, "
                   "report_year, count(*) AS reports, count(*) FILTER (WHERE status = 'ok') AS ok, "
                   "count(*) FILTER (WHERE status = 'partial') AS partial, "
                   "count(*) FILTER (WHERE status = 'failed') AS failed FROM reports WHERE doc_kind <> 'container' "
                   "GROUP BY 1, 3 ORDER BY 1, 3")
