"""A pre-2019 report's figures: its 统计表 (grid first, else flattened text) and its prose, as table `p`.

The table is the primary source; a prose figure fills a code the table does not print, pins a
run-together split the table alone leaves open (the prose states the year's figure), and is
compared with the table: stated differently → a failing `P-TXT` check, the table's value kept.
"""

from __future__ import annotations

from extractors.model import Document
from pipeline.normalise.checks import Cells
from pipeline.normalise.pre2019_prose import figures_to_cells, text_figures
from pipeline.normalise.pre2019_tables import grid_table, resolve, table_checks, text_table
from pipeline.normalise.report import CellValue, Check
from pipeline.normalise.text_tables import Flat
from pipeline.template.labels import loose

_HEADERS = ("指标名称", "统计指标")


def _table_start(flat: Flat) -> int:
    hits = [m.start() for w in _HEADERS if (m := loose(w).search(flat.s))]
    return min(hits) if hits else len(flat.s)


def _narrative_sums(cells: dict[str, CellValue]) -> list[Check]:
    """answered = Σ types, received = Σ channels, review = Σ outcomes — where the prose states the parts."""
    groups = {
        "p.req.received": ("p.req.received.in_person", "p.req.received.online", "p.req.received.mail",
                           "p.req.received.fax", "p.req.received.email"),
        "p.req.answered": ("p.ans.granted", "p.ans.partial", "p.ans.refused", "p.ans.not_exist", "p.ans.not_held",
                           "p.ans.unclear"),
        "p.review.total": ("p.review.upheld", "p.review.corrected", "p.review.other"),
    }
    out = []
    for parent, kids in groups.items():
        p = cells.get(parent)
        parts = [cells[k] for k in kids if k in cells]
        if p is None or p.value is None or not parts or any(c.value is None for c in parts):
            continue
        rhs = float(sum(c.value for c in parts if c.value is not None))
        ok = abs(p.value - rhs) < 1e-6
        out.append(Check(rule="P-SUM-TXT", scope=f"{parent} = Σ {' + '.join(c.row for c in parts)} (year)",
                         lhs=p.value, rhs=rhs, status="pass" if ok else "fail", severity="soft",
                         detail="" if ok else f"{parent} {p.value:g} ≠ Σ stated parts {rhs:g}"))
    return out


def pre2019_read(doc: Document, flat: Flat) -> tuple[Cells, list[Check]]:
    """Cells of table `p` and their checks."""
    start = _table_start(flat)
    prose_cells, checks = figures_to_cells(text_figures(flat.s, start))
    table = grid_table(doc.tables) or text_table(flat)
    pins = {k: c.value for k, c in prose_cells.items() if c.value is not None}
    table_cells = resolve(table, pins) if table else {}
    cells: Cells = {}
    for c in table_cells.values():
        if c.row.startswith("p.") and c.col in ("year", "cum"):
            cells[("p", c.row, c.col)] = c
    for code, c in prose_cells.items():
        t = cells.get(("p", code, "year"))
        if t is None:
            cells[("p", code, "year")] = c
        elif t.value is not None and c.value is not None and t.value != c.value:
            checks.append(Check(rule="P-TXT", scope=f"{code} (year): table vs text", lhs=t.value, rhs=c.value,
                                status="fail", severity="soft",
                                detail=f"{code} stated twice differently: table {t.value:g}, text {c.value:g} "
                                       f"at {c.locator}"))
    if table:
        checks += table_checks(table, table_cells)
    if not table:
        checks += _narrative_sums(prose_cells)
    return cells, checks
