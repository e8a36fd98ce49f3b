"""Content decides: a document that prints the template's tables yields its cells whatever its title.

Agencies attach the three tables alone (统计表 workbooks with no title row); the title-first
classifier called them `other` and the report kept no cells (0 of 7,792 on such workbooks).
"""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import report_of
from tests.generator import generate
from tests.generator.word import render_xlsx
from tests.truth import compare, hard_failures


def tables_only(data: bytes) -> bytes:
    """The per-table workbook without its text sheet: the three tables, no title, no date."""
    wb = load_workbook(io.BytesIO(data))
    wb.remove(wb.worksheets[0])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_tables_only_workbook_keeps_every_cell() -> None:
    total = 0
    for g in generate(seed=131, n=4):
        r = report_of(tables_only(render_xlsx(g, sheets="per_table")), uri=f"gen://{g.key}-tables.xlsx")
        assert r.doc_kind == "statistics_table" and r.template == g.era, g.key
        exact, problems = compare(g, r, set())
        assert not problems, f"{g.key}: {problems[:5]}"
        assert hard_failures(r) == set(g.violations), g.key
        total += exact
    assert total == sum(len(g.cells) for g in generate(seed=131, n=4))


def test_a_lookalike_without_the_tables_keeps_none() -> None:
    r = report_of("会议纪要\n会议研究了有关事项，决定如下：一、同意某某项目立项；二、……".encode())
    assert r.doc_kind == "other" and not r.cells
