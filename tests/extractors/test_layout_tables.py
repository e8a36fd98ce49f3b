"""The table reconstructor on hand-built page models: spans from missing rules, stitching across
pages (repeated header, a row cut in two, a label spanning the break), page folios, text boxes."""

from __future__ import annotations

from extractors.layout_tables import TableSettings, page_to_grids
from extractors.model import Table
from extractors.pages import Glyph, Page, Rule, glyphs_to_text, is_page_number, text_quality
from extractors.reading import layouts_to_blocks, page_layout

SIZE = 10.0


def text_at(text: str, x: float, y: float, size: float = SIZE) -> list[Glyph]:
    return [Glyph(text=ch, x0=x + i * size, top=y, x1=x + (i + 1) * size, bottom=y + size, size=size)
            for i, ch in enumerate(text)]


def hline(y: float, x0: float, x1: float) -> Rule:
    return Rule(x0=x0, top=y, x1=x1, bottom=y)


def vline(x: float, y0: float, y1: float) -> Rule:
    return Rule(x0=x, top=y0, x1=x, bottom=y1)


def grid_rules(xs: list[float], ys: list[float], *, skip_v: set[tuple[int, int]] = frozenset(),  # type: ignore[assignment]
               skip_h: set[tuple[int, int]] = frozenset()) -> list[Rule]:  # type: ignore[assignment]
    """Full lattice rules minus the pieces listed: skip_v (col line, row), skip_h (row line, col)."""
    rules = []
    for i, x in enumerate(xs):
        for r in range(len(ys) - 1):
            if (i, r) not in skip_v:
                rules.append(vline(x, ys[r], ys[r + 1]))
    for j, y in enumerate(ys):
        for c in range(len(xs) - 1):
            if (j, c) not in skip_h:
                rules.append(hline(y, xs[c], xs[c + 1]))
    return rules


def page(number: int, glyphs: list[Glyph], rules: list[Rule]) -> Page:
    return Page(number=number, width=600, height=800, glyphs=tuple(glyphs), rules=tuple(rules))


def test_missing_rules_become_row_and_col_spans() -> None:
    xs, ys = [50, 100, 300, 350, 400], [100, 120, 140, 160]
    # "三" spans rows 0-2 in column 0; the header spans columns 2-3 in row 0.
    rules = grid_rules(xs, ys, skip_h={(1, 0), (2, 0)}, skip_v={(3, 0)})
    glyphs = text_at("三", 60, 125) + text_at("头", 320, 105) + text_at("予以公开", 110, 125) + text_at("5", 310, 125)
    (g,) = page_to_grids(page(1, glyphs, rules))
    cells = {c.text: c for c in g.cells}
    assert (g.n_rows, g.n_cols) == (3, 4)
    assert (cells["三"].row, cells["三"].col, cells["三"].rowspan, cells["三"].colspan) == (0, 0, 3, 1)
    assert (cells["头"].rowspan, cells["头"].colspan) == (1, 2)
    assert (cells["5"].row, cells["5"].col) == (1, 2)


def test_nearly_coincident_borders_are_one_line() -> None:
    """Word draws adjacent cells' borders twice, a fraction of a point apart."""
    rules = [*grid_rules([50, 100, 150], [100, 120]), vline(100.3, 100, 120), hline(119.8, 50, 150)]
    (g,) = page_to_grids(page(1, text_at("a", 60, 105), rules))
    assert (g.n_rows, g.n_cols) == (1, 2)


def test_one_column_boxes_are_text_not_a_table() -> None:
    rules = grid_rules([50, 500], [100, 130, 160, 190])
    glyphs = text_at("（三）政府信息管理情况。加强区政府门户网站", 55, 105) + text_at("体日常管理", 55, 135)
    lay = page_layout(page(1, glyphs, rules))
    blocks = layouts_to_blocks([lay])
    assert not [b for b in blocks if isinstance(b, Table)]
    assert any("政府信息管理情况" in b.text for b in blocks if not isinstance(b, Table))


def _part(number: int, rows: list[list[str]], *, top: float = 100) -> Page:
    xs = [50, 250, 300, 350]
    ys = [top + 20 * i for i in range(len(rows) + 1)]
    glyphs: list[Glyph] = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            glyphs += text_at(text, xs[c] + 2, ys[r] + 5)
    glyphs += text_at("-3-", 290, 770)  # the folio below the table
    return page(number, glyphs, grid_rules(xs, ys))


def test_table_cut_by_a_page_break_is_one_table_without_the_repeated_header() -> None:
    a = _part(1, [["项目", "甲", "乙"], ["一、新收", "1", "2"], ["二、结转", "3", "4"]], top=600)
    b = _part(2, [["项目", "甲", "乙"], ["三、办结", "5", "6"]], top=72)
    blocks = layouts_to_blocks([page_layout(a), page_layout(b)])
    tables = [x for x in blocks if isinstance(x, Table)]
    assert len(tables) == 1
    assert tables[0].text_rows() == [["项目", "甲", "乙"], ["一、新收", "1", "2"], ["二、结转", "3", "4"],
                                     ["三、办结", "5", "6"]]
    assert {c.page for c in tables[0].cells} == {1, 2}
    assert "-3-" not in "".join(x.text for x in blocks if not isinstance(x, Table))


def test_repeated_header_read_again_by_ocr_is_still_dropped() -> None:
    """OCR reads the repeated header again, with a bracket or a character a little different."""
    head = ["申请人情况（本列数据的勾稽关系）", "尚未审结", "总计"]
    again = ["申请人情况（本列数据的勾稽关系)", "尚末审结", "总计"]
    a = _part(1, [head, ["一、新收", "1", "2"]], top=640)
    b = _part(2, [again, ["二、结转", "3", "4"]], top=72)
    (table,) = [x for x in layouts_to_blocks([page_layout(a), page_layout(b)]) if isinstance(x, Table)]
    assert table.text_rows() == [head, ["一、新收", "1", "2"], ["二、结转", "3", "4"]]
    other = _part(2, [["项目", "丙", "乙"], ["二、结转", "3", "4"]], top=72)
    a = _part(1, [["项目", "甲", "乙"], ["一、新收", "1", "2"]], top=640)
    (table,) = [x for x in layouts_to_blocks([page_layout(a), page_layout(other)]) if isinstance(x, Table)]
    assert ["项目", "丙", "乙"] in table.text_rows()


def test_row_cut_in_two_is_joined() -> None:
    a = _part(1, [["项目", "甲", "乙"], ["（二）部分公开（区分", "7", "8"]], top=640)
    b = _part(2, [["处理的）", "", ""], ["（三）不予公开", "0", "0"]], top=72)
    (table,) = [x for x in layouts_to_blocks([page_layout(a), page_layout(b)]) if isinstance(x, Table)]
    assert table.text_rows() == [["项目", "甲", "乙"], ["（二）部分公开（区分\n处理的）", "7", "8"],
                                 ["（三）不予公开", "0", "0"]]


def test_label_spanning_the_break_continues_over_the_empty_cell() -> None:
    xs, top = [50, 80, 250, 300], 640
    ys = [top, top + 20, top + 40]
    a = page(1, text_at("三", 55, top + 5) + text_at("（一）予以公开", 85, top + 5) + text_at("5", 255, top + 5)
             + text_at("（二）部分公开", 85, top + 25) + text_at("1", 255, top + 25),
             grid_rules(xs, ys, skip_h={(1, 0)}))
    b = page(2, text_at("（三）不予公开", 85, 77) + text_at("0", 255, 77), grid_rules(xs, [72, 92]))
    (table,) = [x for x in layouts_to_blocks([page_layout(a), page_layout(b)]) if isinstance(x, Table)]
    three = next(c for c in table.cells if c.text == "三")
    assert three.rowspan == 3 and table.n_rows == 3


def test_header_row_cut_to_a_sliver_keeps_its_columns_and_joins_the_next_page() -> None:
    """A header row broken by the page end keeps one line between its borders; its column rules
    are as short as that line and no others run through it, yet they are columns."""
    xs = [50, 90, 130, 170, 210, 250, 290, 330]

    def cells(row: list[tuple[float, str]], y: float) -> list[Glyph]:
        return [g for x, text in row for g in text_at(text, x + 2, y)]

    top, mid, bottom = 700, 715, 727
    rules = [hline(y, 50, 330) for y in (top, mid, bottom)] + [vline(x, top, bottom) for x in (50, 170, 330)]
    rules += [vline(x, mid, bottom) for x in (90, 130, 250)]
    a = page(1, cells([(50, "复议"), (170, "诉讼")], top + 3)
             + cells([(50, "结果"), (90, "结果"), (130, "总计"), (170, "直接起诉"), (250, "复议后")], mid + 1), rules)
    b = page(2, cells([(50, "维持"), (90, "纠正"), (170, "维持"), (210, "总计"), (250, "维持"), (290, "总计")], 77)
             + cells([(x, str(i)) for i, x in enumerate(xs[:-1])], 97), grid_rules(xs, [72, 92, 112]))
    (table,) = [x for x in layouts_to_blocks([page_layout(a), page_layout(b)]) if isinstance(x, Table)]
    assert table.text_rows() == [["复议", "诉讼"], ["结果\n维持", "结果\n纠正", "总计", "直接起诉", "复议后"],
                                 ["维持", "总计", "维持", "总计"], [str(i) for i in range(7)]]
    assert [c.col for c in table.cells if c.text == "总计"] == [2, 4, 6]


def test_tables_on_consecutive_pages_with_different_widths_are_not_stitched() -> None:
    a = _part(1, [["项目", "甲", "乙"], ["一、新收", "1", "2"]], top=640)
    narrow = page(2, text_at("x", 60, 77), grid_rules([50, 120, 160], [72, 92]))
    tables = [x for x in layouts_to_blocks([page_layout(a), page_layout(narrow)]) if isinstance(x, Table)]
    assert len(tables) == 2


def test_settings_reject_negative_values() -> None:
    import pytest

    with pytest.raises(ValueError, match="'snap' cannot be negative"):
        TableSettings(snap=-1)


def test_text_helpers() -> None:
    assert all(is_page_number(t) for t in ("- 3 -", "— 12 —", "第3页 共5页", "3/5", "－ 3 －"))
    assert not is_page_number("2024年")
    assert glyphs_to_text(text_at("95", 0, 0) + text_at("0", 40, 0)) == "95 0"
    assert glyphs_to_text(text_at("情", 0, 0) + text_at("形", 20, 0)) == "情形"
    assert text_quality("(cid:12)(cid:40)(cid:77)" * 10).garbled
    assert text_quality("\ue000\ue001\ue002" * 10).garbled
    assert not text_quality("2024年，全区政府信息公开工作虽取得一定成绩").garbled
    english = "Chapter 2. Installing the device: connect the cable to the port and press the power button. " * 3
    assert not text_quality(english).garbled  # a Latin-script text layer is text, never OCR'd
    assert text_quality("QXKZPWRTVBNMLKJHGFDSAQWERTYUIOPZXCVBNMASDFGHJKLQWERTY" * 2).garbled
