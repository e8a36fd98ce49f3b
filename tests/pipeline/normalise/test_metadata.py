from __future__ import annotations

import pytest

from pipeline.normalise.metadata import agency_from_title, parse_date, signature, year_of_title
from pipeline.normalise.regions import admin_level, region_of


@pytest.mark.parametrize(("text", "iso"), [
    ("二〇二四年一月十五日", "2024-01-15"), ("二〇二三年十二月三十一日", "2023-12-31"),
    ("2024年01月26日", "2024-01-26"), ("2022-02-08 16:34", "2022-02-08"), ("2020年2月30日", None),
    ("二0二一年一月二十二日", "2021-01-22"),  # a zero typed (or OCR'd) for 〇
])
def test_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_year_comes_from_the_title_not_the_publication() -> None:
    assert year_of_title("科技局2023年政府信息公开工作年度报告") == 2023
    assert year_of_title("政府信息公开情况统计表（ 2018年度）") == 2018
    assert year_of_title("某局二〇二二年政府信息公开工作年度报告") == 2022
    assert year_of_title("政府信息公开工作年度报告") is None


def test_agency_from_title_and_signature() -> None:
    assert agency_from_title("平潭综合实验区2021年度政府信息公开工作年度报告") == "平潭综合实验区"
    assert agency_from_title("2024 年上海市科委政府信息公开工作年度报告") == "上海市科委"
    sig = signature(["……", "六、其他需要报告的事项", "无。", "通化市东昌区科学技术局", "    二〇二四年一月十五日"])
    assert (sig.agency, sig.date) == ("通化市东昌区科学技术局", "2024-01-15")


def test_regions_from_the_division_table() -> None:
    r = region_of("淮安市洪泽区人民政府")
    assert r is not None and r.code == "320813" and r.level == "county"
    assert region_of("河北省教育厅").code == "130000"  # type: ignore[union-attr]
    # A county name shared by several divisions is not guessed without its city or province.
    assert region_of("鼓楼区教育局") is None
    assert region_of("福州市鼓楼区教育局").code == "350102"  # type: ignore[union-attr]
    assert admin_level("某某镇人民政府", None) == "township"
    assert admin_level("国家统计局", None) == "national"


@pytest.mark.parametrize("chrome", [
    "首页>信息公开>年度报告合肥市包河区教育局2023年政府信息公开工作年度报告发布日期：2024-01-25来源：合肥市包河区教育局",
    "当前位置：首页 > 政府信息公开 > 年报合肥市包河区教育局2023年政府信息公开工作年度报告 发布时间：2024-01-25 浏览次数：12",
])
def test_title_agency_date_from_run_together_chrome(chrome: str) -> None:
    from pipeline.normalise.metadata import extract_metadata

    m = extract_metadata([chrome, "一、总体情况", "正文。"], chrome, {})
    assert m.title == "合肥市包河区教育局2023年政府信息公开工作年度报告"
    assert (m.agency, m.report_year, m.published) == ("合肥市包河区教育局", 2023, "2024-01-25")
