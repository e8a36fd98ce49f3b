"""Real pre-2019 reports of the corpus → their printed figures in table `p`, transcribed by hand.

Truth is read off the documents themselves (tests/fixtures/SOURCES.md), not produced by the code:
each expected dict lists every `p` value the report prints under a §2.4 code; nothing else may
carry a value. A figure not listed is absent or null — never a wrong number.
"""

from __future__ import annotations

import pytest

from pipeline.normalise.report import Report
from tests.conftest import fixture_bytes, report_of, reports_of_records

ZERO_BOTH = ("year", "cum")

# 平潭县人民政府 2011, 附件1 统计表 (指标名称/计量单位/2011年度/历年累计), printed as one run-together line:
# 主动公开信息数 条 425 1516 (网站公开 418 1509 + 政府公报公开 7 7: 425 = 418 + 7, 1516 = 1509 + 7);
# every request, answer, 复议, 诉讼 row 0 0.
PINGTAN_2011 = {
    ("p.active.total", "year"): 425.0, ("p.active.total", "cum"): 1516.0,
    **{(code, col): 0.0 for code in (
        "p.req.received", "p.req.received.in_person", "p.req.received.fax", "p.req.received.email",
        "p.req.received.online", "p.req.received.mail", "p.req.received.other", "p.req.answered",
        "p.ans.granted", "p.ans.partial", "p.ans.refused", "p.review.total", "p.litig.total") for col in ZERO_BOTH},
}
# 平潭综合实验区 2018, 六、统计表: 主动公开文件数 条 2069 12106 (the prose: "全区主动公开政府信息2069条");
# every request, answer, 复议, 诉讼 row 0 0.
PINGTAN_2018 = {
    ("p.active.total", "year"): 2069.0, ("p.active.total", "cum"): 12106.0,
    **{(code, col): 0.0 for code in (
        "p.req.received", "p.req.received.in_person", "p.req.received.online", "p.req.answered",
        "p.ans.granted", "p.ans.partial", "p.ans.refused", "p.review.total", "p.litig.total") for col in ZERO_BOTH},
}
# 平潭综合实验区地方税务局 2013, narrative only: "新增主动公开政府信息45条", "未收到政府信息公开申请",
# "行政复议0件", "兼职人员1人".
PINGTAN_TAX_2013 = {("p.active.total", "year"): 45.0, ("p.req.received", "year"): 0.0,
                    ("p.review.total", "year"): 0.0, ("p.staff.part", "year"): 1.0}
# 河北省教育厅 政府信息公开情况统计表（2018年度）, the 32号 form (统计指标/单位/统计数).
HEBEI_JYT_2018_TABLE = {
    "p.active.total": 1683, "p.active.nds_published": 4, "p.active.nds_made": 4,
    "p.req.received": 1, "p.req.received.in_person": 0, "p.req.received.fax": 0, "p.req.received.online": 0,
    "p.req.received.mail": 1, "p.req.answered": 0, "p.ans.already_public": 0, "p.ans.granted": 0,
    "p.ans.partial": 0, "p.ans.refused": 0, "p.ans.refused.secret": 0, "p.ans.refused.commercial": 0,
    "p.ans.refused.privacy": 0, "p.ans.refused.safety": 0, "p.ans.refused.not_gov_info": 0,
    "p.ans.refused.other_law": 0, "p.ans.not_held": 0, "p.ans.not_exist": 0, "p.ans.unclear": 0,
    "p.review.total": 1, "p.review.upheld": 1, "p.review.corrected": 0, "p.review.other": 0,
    "p.litig.total": 5, "p.litig.upheld": 5, "p.litig.corrected": 0, "p.litig.other": 0, "p.complaints": 0,
    "p.fee.amount": 0, "p.staff.full": 0, "p.staff.part": 2, "p.budget_wan": 0, "p.meetings": 2,
    "p.trainings": 0, "p.trainees": 0,
}
# 河北省教育厅 reports, narrative: 2018 "主动公开政府信息1683条" "受理依申请信息公开1件"; 2017 "未受理依申请信息公开事项";
# 2016 "主动公开政府信息1621条" "受理依申请信息公开3件"; 2014 "主动公开政府信息1635条" "共收到信息公开申请3件";
# 2013 "主动公开信息总数共计293条，其中规范性文件公开28条" "收到依申请公开信息1件".
HEBEI_JYT_PROSE = {
    2018: {"p.active.total": 1683, "p.req.received": 1}, 2017: {"p.req.received": 0},
    2016: {"p.active.total": 1621, "p.req.received": 3}, 2014: {"p.active.total": 1635, "p.req.received": 3},
    2013: {"p.active.total": 293, "p.active.nds_published": 28, "p.req.received": 1},
}


def p_values(r: Report) -> dict[tuple[str, str], float]:
    return {(c.row, c.col): c.value for c in r.cells if c.table == "p" and c.value is not None}


@pytest.mark.parametrize(("kind", "name", "truth"), [
    ("text", "fujian_pingtan_county_2011_page.txt", PINGTAN_2011),
    ("html", "fujian_pingtan_county_2011_page.html", PINGTAN_2011),
    ("text", "fujian_pingtan_zone_2018_page.txt", PINGTAN_2018),
    ("text", "fujian_pingtan_local_tax_bureau_2013_page.txt", PINGTAN_TAX_2013),
])
def test_pingtan_reports_give_their_printed_figures(kind: str, name: str, truth: dict) -> None:
    r = report_of(fixture_bytes(kind, name), name)
    assert r.template == "pre2019"
    assert p_values(r) == truth
    assert not [k for k in r.checks if k.status == "fail"]
    assert all(c.table == "p" for c in r.cells)  # never a t2/t3/t4 cell before 2019


def test_run_together_split_keeps_unit_label_and_locator() -> None:
    name = "fujian_pingtan_county_2011_page.txt"
    text = fixture_bytes("text", name).decode()
    r = report_of(text.encode(), name)
    cell = next(c for c in r.cells if c.row == "p.active.total" and c.col == "year")
    assert (cell.method, cell.unit, cell.label) == ("split", "条", "主动公开信息数")
    a, b = (int(x) for x in cell.locator.removeprefix("text[").removesuffix("]").split(":"))
    assert text[a:b] == "4251516"
    sums = {k.scope: k.status for k in r.checks if k.rule == "P-SUM"}
    assert sums["p.active.total = x.web + x.gazette (year)"] == "pass"


def test_narrative_figures_point_at_their_sentence() -> None:
    name = "fujian_pingtan_local_tax_bureau_2013_page.txt"
    text = fixture_bytes("text", name).decode()
    r = report_of(text.encode(), name)
    cell = next(c for c in r.cells if c.row == "p.active.total")
    a, b = (int(x) for x in cell.locator.removeprefix("text[").removesuffix("]").split(":"))
    assert cell.method == "narrative" and text[a:b] == "主动公开政府信息45条"


def test_hebei_rows_2013_2018_give_their_printed_figures() -> None:
    name = "hebei_jyt_education_dept_reports_2013-2023.csv"
    reports = [r for r in reports_of_records(fixture_bytes("records", name), name)
               if r.report_year is not None and r.report_year < 2019]
    table = next(r for r in reports if r.doc_kind == "statistics_table")
    assert p_values(table) == {(k, "year"): float(v) for k, v in HEBEI_JYT_2018_TABLE.items()}
    assert not [k for k in table.checks if k.status == "fail"]
    prose = {r.report_year: r for r in reports if r.doc_kind == "annual_report"}
    for year, truth in HEBEI_JYT_PROSE.items():
        assert p_values(prose[year]) == {(k, "year"): float(v) for k, v in truth.items()}, year
        assert all(c.method == "narrative" for c in prose[year].cells)


def test_hebei_industry_reports_print_no_mapped_figure() -> None:
    """河北工信厅 2016–2018 state website counts ("网站主动公开政府信息累计357条"), not the report's own totals."""
    name = "hebei_gxt_industry_it_dept_reports_2016-2023.csv"
    reports = [r for r in reports_of_records(fixture_bytes("records", name), name)
               if r.report_year is not None and r.report_year < 2019 and r.doc_kind == "annual_report"]
    assert len(reports) == 3 and all(not p_values(r) for r in reports)


def test_pre2019_headings_map_onto_the_section_codes() -> None:
    r = report_of(fixture_bytes("text", "fujian_pingtan_local_tax_bureau_2013_page.txt"))
    assert [(s.code, s.heading[:5]) for s in r.sections] == [
        ("overview", "一、概述"), ("proactive", "二、主动公"), ("requests", "三、依申请"), ("other", "四、审批事"),
        ("appeals", "五、申请行"), ("other", "六、工作人")]


def test_a_run_the_identities_cannot_settle_is_null_with_a_reason() -> None:
    """Without 网站/公报 rows, "4251516" reads 4/251516, 42/51516 or 425/1516 (历年累计 ≥ 本年度): no value."""
    text = "某县2011年政府信息公开工作年度报告 附件 指标名称计量单位2011年度历年累计主动公开信息数条4251516行政复议数条00"
    r = report_of(text.encode(), "mem://x.txt")
    cells = {(c.row, c.col): c for c in r.cells}
    assert cells[("p.active.total", "year")].value is None and "3 readings" in cells[("p.active.total", "year")].reason
    assert cells[("p.review.total", "cum")].value == 0.0
