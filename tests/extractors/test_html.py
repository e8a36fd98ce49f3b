"""The HTML extractor on the real 平潭 pages of the corpus (hand-transcribed truth in
tests/fixtures/SOURCES.md and the corpus README): every Table 2/3/4 cell exact — the HTML has real
cell boundaries, so no null is acceptable there — six sections, metadata, and no page chrome.
"""

from __future__ import annotations

import hashlib
from functools import cache

import pytest

from extractors import SourceRef, for_media_type, sniff
from extractors.html import HtmlExtractor
from extractors.model import Document, Table
from pipeline.normalise.document import normalise
from pipeline.normalise.report import Report
from tests.conftest import fixture_bytes
from tests.truth import np_only, t3_rows, t4_rows

SECTION_CODES = ["overview", "proactive", "requests", "appeals", "problems", "other"]
PAGE_CHROME = ("当前位置", "长者模式", "无障碍浏览", "扫一扫在手机上查看当前页面", "文字解读", "闽政通", "网站支持IPV6",
               "请输入搜索内容", "热门搜索", "附件下载")
"""Text of the pingtan.gov.cn page furniture around the article."""


@cache
def extracted(name: str) -> tuple[Document, Report]:
    data = fixture_bytes("html", name)
    assert sniff(data) == "text/html"
    src = SourceRef(uri=f"fixture://html/{name}", sha256=hashlib.sha256(data).hexdigest(), media_type="text/html")
    extractor = for_media_type("text/html")
    assert isinstance(extractor, HtmlExtractor)  # the registry's lazy spec resolves to this class
    doc = extractor.extract(data, source=src)
    return doc, normalise(doc, media_type="text/html")


def assert_exact(report: Report, table: str, expected: dict[tuple[str, str], float]) -> None:
    """Every codebook cell of `table` printed and read exactly, from a grid cell."""
    got = {(c.row, c.col): c for c in report.cells if c.table == table}
    assert set(got) == set(expected)
    wrong = {k: (got[k].value, got[k].raw, got[k].reason) for k, v in expected.items() if got[k].value != v}
    assert not wrong, f"{table}: {wrong}"
    assert all(c.locator.startswith("table[") and c.method == "grid" for c in got.values())


def hard_checks(report: Report) -> set[str]:
    return {c.status for c in report.checks if c.severity == "hard"}


# --- 平潭综合实验区 2021: Word "MsoNormal" HTML --------------------------------------------------

def test_pingtan_2021_every_cell_exact() -> None:
    _, r = extracted("fujian_pingtan_zone_2021_page.html")
    assert r.template == "2021" and r.status == "ok" and r.doc_kind == "annual_report"
    assert_exact(r, "t3", t3_rows({
        "t3.r1": (64, 0, 0, 2, 0, 4, 70), "t3.r3.1": (27, 0, 0, 2, 0, 1, 30), "t3.r3.2": np_only(5),
        "t3.r3.3.5": np_only(1), "t3.r3.3.7": np_only(6), "t3.r3.3.8": np_only(1),
        "t3.r3.4.1": (22, 0, 0, 0, 0, 3, 25), "t3.r3.6.3": np_only(1),
        "t3.r3.7": (63, 0, 0, 2, 0, 4, 69), "t3.r4": np_only(1)}, "2021"))
    assert_exact(r, "t4", t4_rows((1, 0, 2, 0, 3), (12, 0, 0, 0, 12), (0, 0, 0, 0, 0)))
    assert_exact(r, "t2", {
        ("t2.i1.reg", "issued"): 0, ("t2.i1.reg", "repealed"): 0, ("t2.i1.reg", "in_force"): 0,
        ("t2.i1.nds", "issued"): 69, ("t2.i1.nds", "repealed"): 3, ("t2.i1.nds", "in_force"): 665,
        ("t2.i5.lic", "decisions"): 2293, ("t2.i6.pen", "decisions"): 1282, ("t2.i6.coe", "decisions"): 42,
        ("t2.i8.fee", "amount_wan"): 24252.311082})
    fee = next(c for c in r.cells if c.row == "t2.i8.fee")
    assert fee.raw == "24252.311082"
    assert hard_checks(r) == {"pass"}


def test_pingtan_2021_vertical_headers_and_metadata() -> None:
    doc, r = extracted("fujian_pingtan_zone_2021_page.html")
    t3, t4 = doc.tables[1], doc.tables[2]
    # Table 4 headers are written one character per <p>: the cells keep the characters as lines
    assert [c.text for c in t4.cells if c.row == 2] == ["结\n果\n维\n持", "结\n果\n纠\n正", "其\n他\n结\n果",
                                                       "尚\n未\n审\n结", "总\n计"] * 2
    assert [c.text for c in t3.cells if c.row == 2][:3] == ["", "商业\n企业", "科研\n机构"]
    assert (r.agency, r.report_year, r.published, r.region_code) == ("平潭综合实验区", 2021, "2022-02-08", "350128")
    assert [s.code for s in r.sections] == SECTION_CODES
    assert r.sections[5].text.startswith("2021年，无收取信息处理费情况。")
    assert doc.hint("title") == "平潭综合实验区2021年度政府信息公开工作年度报告"
    assert doc.hint("column") == "政府信息公开年报" and doc.hint("page_kind") == "article"


# --- 平潭综合实验区 2019: TRS_Editor, Table 3 cut by a Word page break -------------------------------

def test_pingtan_2019_every_cell_exact() -> None:
    _, r = extracted("fujian_pingtan_zone_2019_page.html")
    assert r.template == "2019" and r.status == "ok"
    assert_exact(r, "t3", t3_rows({"t3.r1": np_only(23), "t3.r3.1": np_only(7), "t3.r3.2": np_only(1),
                                   "t3.r3.4.1": np_only(7), "t3.r3.4.3": np_only(5), "t3.r3.5.2": np_only(3),
                                   "t3.r3.7": np_only(23)}, "2019"))
    assert_exact(r, "t4", t4_rows((0,) * 5, (0,) * 5, (0,) * 5))
    t2: dict[tuple[str, str], float] = {}
    t2 |= {("t2.i1.reg", c): 0 for c in ("made_new", "pub_new", "pub_total")}
    t2 |= {("t2.i1.nds", c): 89 for c in ("made_new", "pub_new", "pub_total")}
    for row, vals in (("t2.i5.lic", (396, 0, 181)), ("t2.i5.svc", (10, 0, 153)), ("t2.i6.pen", (2648, 0, 430)),
                      ("t2.i6.coe", (126, 0, 25))):
        t2 |= dict(zip([(row, c) for c in ("items_prev", "items_delta", "decisions")], vals, strict=True))
    t2 |= {("t2.i8.fee", "items_prev"): 35, ("t2.i8.fee", "items_delta"): 0,
           ("t2.i9.proc", "proc_items"): 135, ("t2.i9.proc", "proc_amount"): 75394432.52}
    assert_exact(r, "t2", t2)
    amount = next(c for c in r.cells if c.row == "t2.i9.proc" and c.col == "proc_amount")
    assert amount.raw == "75394432.52元" and amount.unit == "元"
    assert hard_checks(r) == {"pass"}


def test_pingtan_2019_split_label_and_nbsp_cells() -> None:
    doc, r = extracted("fujian_pingtan_zone_2019_page.html")
    t3 = doc.tables[1]
    # the page break re-opens "三、本年度办理结果": two label cells of 10 rows each, both kept with their spans
    result_labels = [c for c in t3.cells if c.text == "三、本年度办理结果"]
    assert [(c.rowspan, c.colspan) for c in result_labels] == [(10, 1), (10, 1)]
    assert t3.n_cols == 10 and t3.n_rows == 26
    # "0&nbsp;&nbsp;…" / "&nbsp;0": the padding is not part of the value
    assert {c.raw for c in r.cells if c.table == "t3"} <= {"0", "1", "3", "5", "7", "23"}
    assert [s.code for s in r.sections] == SECTION_CODES
    assert r.sections[4].heading == "五、存在的主要问题及改进情况"
    assert (r.agency, r.report_year, r.published) == ("平潭综合实验区", 2019, "2020-01-20")


# --- 平潭县 2011: pre-2019, 统计表 ------------------------------------------------------------------

def test_pingtan_2011_statistics_table_and_sections() -> None:
    doc, r = extracted("fujian_pingtan_county_2011_page.html")
    assert r.template == "pre2019" and r.doc_kind == "annual_report"
    assert (r.agency, r.report_year, r.published, r.region_code) == ("平潭县人民政府", 2011, "2012-04-18", "350128")
    assert [s.heading for s in r.sections] == ["一、 概述", "二、主动公开政府信息情况", "三、政府信息依申请公开工作情况",
                                               "四、政府信息公开工作存在的主要问题及改进情况"]
    assert r.sections[2].text.startswith("2011年全县未收到有关政府信息公开的申请")
    (table,) = doc.tables
    rows = table.text_rows()
    assert rows[0] == ["指标名称", "计量\n单位", "2011\n年度", "历年累计"]  # two <p> per header cell
    assert rows[1] == ["主动公开信息数", "条", "425", "1516"]  # "主动公开信息数条4251516" in the flattened text
    assert rows[2] == ["其中：1.网站公开", "条", "418", "1509"]
    assert rows[-1] == ["行政申诉数", "条", "0", "0"] and table.n_rows == 18
    assert [b.text for b in doc.text_blocks][-2:] == ["二○一二年二月二十日", "附件1：平潭县人民政府2011年政府信息公开情况统计表"]


@pytest.mark.parametrize("name", ["fujian_pingtan_zone_2019_page.html", "fujian_pingtan_zone_2021_page.html",
                                  "fujian_pingtan_county_2011_page.html"])
def test_real_pages_leave_the_chrome_out_and_are_deterministic(name: str) -> None:
    doc, r = extracted(name)
    assert doc.hint("region") == "container"
    text = "\n".join(doc.iter_text())
    assert not [m for m in PAGE_CHROME if m in text]
    assert not [m for m in PAGE_CHROME for s in r.sections if m in s.text]
    assert not any(isinstance(b, Table) and b.n_rows < 2 for b in doc.blocks)
    data = fixture_bytes("html", name)
    again = HtmlExtractor().extract(data, source=doc.source)
    assert again == doc
    assert [doc.text[b.offset: b.offset + len(b.text)] for b in doc.text_blocks if b.offset is not None] == \
        [b.text for b in doc.text_blocks]


@pytest.mark.parametrize("name", ["fujian_pingtan_zone_2019_page.html", "fujian_pingtan_zone_2021_page.html"])
def test_real_pages_without_a_known_container_fall_back_to_density(name: str) -> None:
    """The same page with its CMS body classes renamed: the density score finds the same article."""
    data = fixture_bytes("html", name).replace(b"TRS_Editor", b"box_a").replace(b"article_content", b"box_b")
    doc = HtmlExtractor().extract(data, source=SourceRef(uri=f"mem://{name}", sha256="0" * 64))
    known, report = extracted(name)
    assert doc.hint("region") == "density"
    assert [b.text for b in doc.text_blocks] == [b.text for b in known.text_blocks]
    assert [t.cells for t in doc.tables] == [t.cells for t in known.tables]
    assert normalise(doc).cells == report.cells


def test_vsb_article_inside_the_newscontent_form_is_content() -> None:
    """VSB/博达 pages print the article inside <form name="_newscontent_fromname">."""
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in (("规章", "3"), ("行政规范性文件", "5")))
    page = ('<html><head><title>某县卫生健康委员会2021年政府信息公开工作年度报告-某县卫生健康委员会</title></head><body>'
            '<div class="nav"><a href="/">首页</a></div><form name="_newscontent_fromname">'
            '<div class="content-title">某县卫生健康委员会2021年政府信息公开工作年度报告</div>'
            '<div id="vsb_content"><div class="v_news_content"><p>一、总体情况</p><p>本年度工作稳步推进，'
            f'公开各类信息一百二十条。</p><table border="1">{rows}</table></div></div></form>'
            '<div class="footer">版权所有</div></body></html>').encode()
    doc = HtmlExtractor().extract(page, source=SourceRef(uri="mem://vsb.html", sha256="0" * 64))
    assert "一、总体情况" in doc.text and len(doc.tables) == 1
    assert doc.hint("title") == "某县卫生健康委员会2021年政府信息公开工作年度报告"
