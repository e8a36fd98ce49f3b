"""The report-kind classifier on the real 河北 年报 columns (every row, kinds read by hand from the
titles and bodies) and on the page kinds the HTML extractor reports."""

from __future__ import annotations

import csv
import hashlib
import io

from extractors import SourceRef
from extractors.html import HtmlExtractor
from pipeline.normalise.classify import KINDS, classify
from pipeline.normalise.document import normalise
from tests.conftest import fixture_bytes

GXT = "hebei_gxt_industry_it_dept_reports_2016-2023.csv"
JYT = "hebei_jyt_education_dept_reports_2013-2023.csv"
TRUTH: dict[str, str] = {
    # 河北省工业和信息化厅: 8 reports, 5 look-alikes
    "河北省工业和信息化厅2023年度政府信息公开工作报告": "annual_report",
    "河北省工业和信息化厅2023年度法治政府建设情况报告": "rule_of_law_report",
    "河北省工业和信息化厅2022年度政府信息公开工作报告": "annual_report",
    "河北省工业和信息化厅2021年度政府信息公开工作报告": "annual_report",
    "河北省工业和信息化厅2020年政府信息公开工作年度报告": "annual_report",
    "河北省工业和信息化厅2020年法治政府建设情况": "rule_of_law_report",
    "河北省工业和信息化厅2019年政府信息公开报告": "annual_report",
    "河北省工业和信息化厅网站工作2019年度报表": "website_report",
    "河北省工业和信息化厅关于2019年法治政府建设情况的报告": "rule_of_law_report",
    "河北省工业和信息化厅2018年政府信息公开报告": "annual_report",
    "河北省工业和信息化厅2018年法治政府建设情况": "rule_of_law_report",
    "河北省工业和信息化厅2017年政府信息公开报告": "annual_report",
    "河北省工业和信息化厅2016年度政府信息公开工作报告": "annual_report",
    # 河北省教育厅: 10 reports (2020's body is empty), 6 网站报表, one stand-alone 统计表
    "河北省教育厅2023年政府信息公开工作年度报告": "annual_report",
    "河北省教育厅2023年度政府网站工作年度报表": "website_report",
    "河北省教育厅2022年政府信息公开工作年度报告": "annual_report",
    "河北省教育厅2022年度政府网站工作年度报表": "website_report",
    "河北省教育厅2021年度政府网站工作年度报表": "website_report",
    "河北省教育厅2021年政府信息公开工作年度报告": "annual_report",
    "河北省教育厅2020年政府信息公开工作年度报告": "empty",
    "河北省教育厅2020年度政府网站工作年度报表": "website_report",
    "河北省教育厅2019年政府信息公开工作年度报告": "annual_report",
    "河北省教育厅2019年政府网站工作年度报表": "website_report",
    "政府信息公开情况统计表（ 2018年度）": "statistics_table",
    "河北省教育厅2018年度政府信息公开工作年度报告": "annual_report",
    "河北省教育厅2018年政府网站工作年度报表": "website_report",
    "河北省教育厅2017年度政府信息公开工作报告": "annual_report",
    "河北省教育厅2016年度政府信息公开工作报告": "annual_report",
    "河北省教育厅2014年度政府信息公开工作报告": "annual_report",
    "河北省教育厅2013年度政府信息公开总结": "annual_report",
}


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(fixture_bytes("records", name).decode("utf-8"))))


def test_every_hebei_record_gets_its_kind() -> None:
    got = {r["标题"]: classify(r["标题"], r["内容"]) for name in (GXT, JYT) for r in rows(name)}
    assert got == TRUTH
    assert sum(k != "annual_report" for k in got.values()) == 13


def test_lookalikes_are_told_by_their_body_when_the_title_is_silent() -> None:
    assert classify("2019年度报表", "政府网站工作年度报表 网站名称 河北省教育厅 独立用户访问总量 12345") == "website_report"
    assert classify("年度工作情况", "2023年以来，我厅深入推进法治政府建设情况报告如下：一、……") == "rule_of_law_report"
    assert classify("关于报送材料的函", "按照2023年政务公开工作要点的要求，现将落实情况报告如下") == "work_plan"
    assert classify("通知", "根据《条例》要求，现将2023年政府信息公开工作年度报告全文公布") == "annual_report"
    assert classify("XX局2018年政府信息公开情况统计表", "统计指标 单位 统计数") == "statistics_table"
    assert classify("会议纪要", "会议研究了有关事项，决定如下：一、同意某某项目立项；二、……") == "other"


def test_page_kinds_from_the_extractor() -> None:
    title = "某某局2023年政府信息公开工作年度报告"
    assert classify(title, "某某局2023年政府信息公开工作年度报告 点击下载", page_kind="attachment_shell") == \
        "attachment_shell"
    assert classify("政府信息公开年报", "某某局2023年政府信息公开工作年度报告 2024-01-20 …", page_kind="list_page") == \
        "list_page"
    # a look-alike stays a look-alike even when it is only a shell around its PDF
    assert classify("河北省工业和信息化厅网站工作2019年度报表", "报表.pdf", page_kind="attachment_shell") == \
        "website_report"
    assert classify(title, "正文" * 50, page_kind="article") == "annual_report"
    assert set(KINDS) >= {"annual_report", "website_report", "rule_of_law_report", "statistics_table", "work_plan",
                          "list_page", "attachment_shell", "empty", "other"}


def test_an_attachment_shell_page_is_not_parsed_as_a_report() -> None:
    html = """<html><head><meta name="ArticleTitle" content="某某局2023年政府信息公开工作年度报告"></head><body>
      <div id="zoom"><p>某某局2023年政府信息公开工作年度报告</p><p><a href="/f/nb2023.pdf">点击下载全文</a></p></div>
      </body></html>""".encode()
    src = SourceRef(uri="mem://shell.html", sha256=hashlib.sha256(html).hexdigest(), media_type="text/html")
    doc = HtmlExtractor().extract(html, source=src)
    assert doc.hint("page_kind") == "attachment_shell"
    report = normalise(doc, media_type="text/html")
    assert report.doc_kind == "attachment_shell" and not report.cells
