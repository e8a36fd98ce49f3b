"""A Table 3 row cut by a page break, its number wrapped (1,347 printed as "1,3" on page 2 and
"47" on page 3): the pieces are one row, the number is 1347 — never the prefix 13 or 134."""

from __future__ import annotations

from extractors.model import Cell, Table
from pipeline.normalise.grid_tables import read_grids

HEAD = ["项目", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _table(rows: list[tuple[int, list[str]]]) -> Table:
    cells = [Cell(row=r, col=c, text=t, page=page) for r, (page, texts) in enumerate(rows) for c, t in enumerate(texts)]
    return Table(cells=tuple(cells), n_rows=len(rows), n_cols=len(HEAD))


def test_row_cut_by_a_page_break_is_joined() -> None:
    t = _table([(2, HEAD),
                (2, ["（四）无法提供", "1.本机关不掌握相关政", "1,3", "0", "0", "2", "0", "0", "1,349"]),
                (3, ["", "府信息", "47", "", "", "", "", "", ""]),
                (3, ["", "2.没有现成信息需要另行制作", "12", "0", "0", "0", "0", "0", "12"])])
    cells = read_grids((t,)).cells["t3"]
    assert cells[("t3.r3.4.1", "np")].value == 1347 and cells[("t3.r3.4.1", "tot")].value == 1349
    assert cells[("t3.r3.4.2", "np")].value == 12


def test_a_full_row_at_the_top_of_a_page_is_its_own_row() -> None:
    t = _table([(2, HEAD),
                (2, ["（四）无法提供", "1.本机关不掌握相关政府信息", "13", "0", "0", "2", "0", "0", "15"]),
                (3, ["", "2.没有现成信息需要另行制作", "12", "", "", "", "", "", "12"])])
    cells = read_grids((t,)).cells["t3"]
    assert cells[("t3.r3.4.1", "np")].value == 13 and cells[("t3.r3.4.2", "np")].value == 12
