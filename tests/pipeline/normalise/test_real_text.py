"""Real flattened reports of the corpus → the hand-transcribed figures (tests/fixtures/SOURCES.md).

Where the flattened text is truly ambiguous the cell must be null with a reason — never a
wrong number.
"""

from __future__ import annotations

from pipeline.normalise.report import Report
from pipeline.template.codebook import cells_for
from tests.conftest import fixture_bytes, report_of, reports_of_records, values
from tests.truth import APPS, assert_no_wrong, hard_checks, np_only, t3_rows, t4_rows

# --- the seed report ------------------------------------------------------------------------------

def test_seed_report_every_2021_cell_with_printed_values(seed_report: Report) -> None:
    r = seed_report
    assert r.template == "2021" and r.status == "ok"
    keys = {(c.table, c.row, c.col) for c in r.cells}
    expected = {(t, row, col) for t in ("t2", "t3", "t4") for row, col in cells_for(t, "2021")}
    assert keys == expected and len(keys) == 10 + 175 + 15
    assert all(c.value == 0.0 and c.raw == "0" and c.flag == "number" for c in r.cells)
    assert all(c.locator.startswith("text[") for c in r.cells)


def test_seed_report_metadata(seed_report: Report) -> None:
    r = seed_report
    assert r.agency == "通化市东昌区科学技术局"
    assert r.report_year == 2023
    assert r.published == "2024-01-15"
    assert r.region_code == "220502"  # 东昌区, 通化市, 吉林省
    assert r.region_name == "吉林省/通化市/东昌区"
    assert r.admin_level == "county"
    assert r.title == "科技局2023年政府信息公开工作年度报告"


def test_seed_report_six_sections_and_hard_checks_pass(seed_report: Report) -> None:
    r = seed_report
    assert [s.code for s in r.sections] == ["overview", "proactive", "requests", "appeals", "problems", "other"]
    assert r.sections[0].heading == "一、总体情况"
    assert r.sections[4].text.startswith("区科技局有专人负责政府信息公开工作")
    assert "2023年，我局将" in r.sections[5].text
    hard = hard_checks(r)
    assert hard.keys() == {"pass"}
    assert hard["pass"] >= {"T3-FLOW", "T3-LEAF", "T3-COL", "T4-SUM", "T3-DOM", "T4-DOM", "T2-DOM"}


# --- 平潭综合实验区 2021 (digits run together) -----------------------------------------------------

def test_pingtan_2021_text_tables() -> None:
    r = report_of(fixture_bytes("text", "fujian_pingtan_zone_2021_page.txt"))
    assert r.template == "2021" and r.agency == "平潭综合实验区" and r.report_year == 2021
    assert r.published == "2022-02-08"
    t3 = t3_rows({
        "t3.r1": (64, 0, 0, 2, 0, 4, 70), "t3.r3.1": (27, 0, 0, 2, 0, 1, 30), "t3.r3.2": np_only(5),
        "t3.r3.3.5": np_only(1), "t3.r3.3.7": np_only(6), "t3.r3.3.8": np_only(1),
        "t3.r3.4.1": (22, 0, 0, 0, 0, 3, 25), "t3.r3.6.3": np_only(1),
        "t3.r3.7": (63, 0, 0, 2, 0, 4, 69), "t3.r4": np_only(1),
    }, "2021")
    assert assert_no_wrong(r, "t3", t3) == 175  # every Table 3 cell recovered
    t4 = t4_rows((1, 0, 2, 0, 3), (12, 0, 0, 0, 12), (0, 0, 0, 0, 0))
    assert assert_no_wrong(r, "t4", t4) == 15  # "10203120001200000": the only split that fits
    t2 = {("t2.i1.reg", c): 0.0 for c in ("issued", "repealed", "in_force")}
    t2 |= {("t2.i1.nds", "issued"): 69.0, ("t2.i1.nds", "repealed"): 3.0, ("t2.i1.nds", "in_force"): 665.0,
           ("t2.i5.lic", "decisions"): 2293.0, ("t2.i6.pen", "decisions"): 1282.0,
           ("t2.i6.coe", "decisions"): 42.0, ("t2.i8.fee", "amount_wan"): 24252.311082}
    exact = assert_no_wrong(r, "t2", t2)
    got = {(c.row, c.col): c for c in r.cells if c.table == "t2"}
    # "693665" has no identity to split it: null with a reason, not a guess.
    assert got[("t2.i1.nds", "issued")].flag == "ambiguous" and exact == 7
    assert got[("t2.i8.fee", "amount_wan")].raw == "24252.311082"
    assert hard_checks(r).keys() == {"pass"}
    assert [s.code for s in r.sections] == ["overview", "proactive", "requests", "appeals", "problems", "other"]
    assert r.sections[5].text.startswith("2021年，无收取信息处理费情况。")


# --- 平潭综合实验区 2019 (2019 format, table cut by a page break) -----------------------------------

def test_pingtan_2019_text_tables() -> None:
    r = report_of(fixture_bytes("text", "fujian_pingtan_zone_2019_page.txt"))
    assert r.template == "2019" and r.report_year == 2019 and r.published == "2020-01-20"
    t3 = t3_rows({"t3.r1": np_only(23), "t3.r3.1": np_only(7), "t3.r3.2": np_only(1), "t3.r3.4.1": np_only(7),
                  "t3.r3.4.3": np_only(5), "t3.r3.5.2": np_only(3), "t3.r3.7": np_only(23)}, "2019")
    assert assert_no_wrong(r, "t3", t3) == 161
    assert assert_no_wrong(r, "t4", t4_rows((0,) * 5, (0,) * 5, (0,) * 5)) == 15
    t2 = {("t2.i1.reg", c): 0.0 for c in ("made_new", "pub_new", "pub_total")}
    t2 |= {("t2.i1.nds", c): 89.0 for c in ("made_new", "pub_new", "pub_total")}
    t2 |= dict(zip([("t2.i5.lic", c) for c in ("items_prev", "items_delta", "decisions")], (396.0, 0.0, 181.0), strict=True))
    t2 |= dict(zip([("t2.i5.svc", c) for c in ("items_prev", "items_delta", "decisions")], (10.0, 0.0, 153.0), strict=True))
    t2 |= dict(zip([("t2.i6.pen", c) for c in ("items_prev", "items_delta", "decisions")], (2648.0, 0.0, 430.0), strict=True))
    t2 |= dict(zip([("t2.i6.coe", c) for c in ("items_prev", "items_delta", "decisions")], (126.0, 0.0, 25.0), strict=True))
    t2 |= {("t2.i8.fee", "items_prev"): 35.0, ("t2.i8.fee", "items_delta"): 0.0,
           ("t2.i9.proc", "proc_items"): 135.0, ("t2.i9.proc", "proc_amount"): 75394432.52}
    assert assert_no_wrong(r, "t2", t2) >= 3
    assert hard_checks(r).keys() == {"pass"}
    codes = [s.code for s in r.sections]
    assert codes == ["overview", "proactive", "requests", "appeals", "problems", "other"]
    assert r.sections[4].heading == "五、存在的主要问题及改进情况"
    assert r.sections[5].heading == "六、其他需要报告的事项"


# --- 河北 crawled records ----------------------------------------------------------------------

def _by_title(reports: list[Report]) -> dict[str, Report]:
    return {r.title or "": r for r in reports}


def test_hebei_education_2023_record() -> None:
    reps = _by_title(reports_of_records(fixture_bytes("records", "hebei_jyt_education_dept_reports_2013-2023.csv")))
    r = reps["河北省教育厅2023年政府信息公开工作年度报告"]
    assert r.template == "2021" and r.status == "ok" and r.agency == "河北省教育厅"
    assert r.region_code == "130000" and r.admin_level == "province" and r.published == "2024-01-26"
    t3 = t3_rows({"t3.r1": (18, 1, 0, 0, 0, 0, 19), "t3.r3.1": np_only(9), "t3.r3.2": np_only(2),
                  "t3.r3.3.3": np_only(1), "t3.r3.3.4": (2, 1, 0, 0, 0, 0, 3), "t3.r3.4.1": np_only(2),
                  "t3.r3.4.2": np_only(1), "t3.r3.5.1": np_only(1), "t3.r3.7": (18, 1, 0, 0, 0, 0, 19)}, "2021")
    assert assert_no_wrong(r, "t3", t3) == 175
    assert assert_no_wrong(r, "t4", t4_rows((6, 1, 0, 0, 7), (0,) * 5, (6, 1, 0, 0, 7))) == 15
    assert values(r, "t2")[("t2.i8.fee", "amount_wan")] == 397.619
    assert r.sections[3].heading == "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
    assert hard_checks(r).keys() == {"pass"}


def test_hebei_lookalikes_are_classified_not_parsed() -> None:
    reps = reports_of_records(fixture_bytes("records", "hebei_jyt_education_dept_reports_2013-2023.csv"))
    kinds = {r.title: r.doc_kind for r in reps}
    assert kinds["政府信息公开情况统计表（ 2018年度）"] == "statistics_table"
    assert kinds["河北省教育厅2022年度政府网站工作年度报表"] == "website_report"
    assert sum(k == "website_report" for k in kinds.values()) == 6
    empty = next(r for r in reps if r.title == "河北省教育厅2020年政府信息公开工作年度报告")
    assert empty.status == "failed" and "#row=" in empty.error and "no text" in empty.error
    gxt = _by_title(reports_of_records(fixture_bytes("records", "hebei_gxt_industry_it_dept_reports_2016-2023.csv")))
    assert gxt["河北省工业和信息化厅2023年度法治政府建设情况报告"].doc_kind == "rule_of_law_report"
    assert gxt["河北省工业和信息化厅网站工作2019年度报表"].doc_kind == "website_report"
    assert all(not r.cells for r in gxt.values() if r.doc_kind != "annual_report")


def test_hebei_industry_run_together_and_blank_zero_cells() -> None:
    reps = _by_title(reports_of_records(fixture_bytes("records", "hebei_gxt_industry_it_dept_reports_2016-2023.csv")))
    r23 = reps["河北省工业和信息化厅2023年度政府信息公开工作报告"]
    v = values(r23, "t3")
    assert [v[("t3.r1", c)] for c in APPS] == [8, 1, 0, 1, 0, 0, 10]  # "81010010"
    assert [v[("t3.r3.4.1", c)] for c in APPS] == [3, 0, 0, 1, 0, 0, 4]
    t4 = values(r23, "t4")
    assert [t4[("t4.lit.dir", c)] for c in ("up", "cor", "oth", "pend", "tot")] == [3, 0, 0, 0, 3]
    # 2019: zero cells were left blank, so "新收政府信息公开申请数量22" is 2 (applicant unknown), not 22.
    r19 = reps["河北省工业和信息化厅2019年政府信息公开报告"]
    cells = {(c.row, c.col): c for c in r19.cells if c.table == "t3"}
    assert cells[("t3.r1", "tot")].value == 2.0
    assert all(cells[("t3.r1", c)].value is None and cells[("t3.r1", c)].reason for c in APPS[:-1])
    assert all(c.value != 22.0 for c in r19.cells)
    assert cells[("t3.r3.2", "np")].flag == "blank"


def test_pre2019_reports_keep_their_headings() -> None:
    r = report_of(fixture_bytes("text", "fujian_pingtan_local_tax_bureau_2013_page.txt"))
    assert r.template == "pre2019" and r.report_year == 2013 and all(c.table == "p" for c in r.cells)
    headings = [s.heading for s in r.sections]
    assert headings[0].startswith("一、概述")
    assert any(h.startswith("四、审批事项及处理情况") for h in headings)
    r11 = report_of(fixture_bytes("text", "fujian_pingtan_county_2011_page.txt"))
    assert r11.template == "pre2019" and r11.agency == "平潭县人民政府" and r11.report_year == 2011
    assert r11.region_code == "350128"
