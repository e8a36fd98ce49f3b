"""Agency identity: names normalised, renames joined only on evidence, mergers kept as links.

Against the generated multi-year corpus (tests/generator/longitudinal.py) through the real
pipeline, against the bundled real reports, and on small frames for the rules that the corpus
cannot reach (the 索引号 organisation code).
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.products.agency import identify, name_key, org_code, parent_of, split_name
from pipeline.store.dataset import open_dataset
from tests.conftest import FIXTURES
from tests.generator.longitudinal import built_dataset, longitudinal

# The bundled real samples (data/samples), read from tests/fixtures so the tests do not move with data/.
SAMPLES = [str(FIXTURES / "text" / n) for n in (
    "jilin_tonghua_dongchang_science_bureau_2023.txt", "fujian_pingtan_zone_2019_page.txt",
    "fujian_pingtan_zone_2021_page.txt")] + [str(FIXTURES / "records" / "hebei_jyt_education_dept_reports_2013-2023.csv")]


@pytest.fixture(scope="module")
def long_identity():
    ds = open_dataset(built_dataset())
    return ds, identify(ds.reports, ds.sections)


@pytest.mark.parametrize(("name", "region", "expected"), [
    ("东昌区科技局", "吉林省/通化市/东昌区", ("东昌区", "科学技术局")),
    ("通化市东昌区科学技术局", "吉林省/通化市/东昌区", ("通化市东昌区", "科学技术局")),
    ("鄞州区政府办", "浙江省/宁波市/鄞州区", ("鄞州区", "人民政府办公室")),
    ("北京市海淀区教育委员会", "北京市/市辖区/海淀区", ("北京市海淀区", "教育委员会")),
    ("河北省教育厅", "河北省", ("河北省", "教育厅")),
    ("河北 省教育厅", "河北省", ("河北省", "教育厅")),
    ("福州市鼓楼区政府", "福建省/福州市/鼓楼区", ("福州市鼓楼区", "人民政府")),
])
def test_split_name_cuts_the_region_and_expands_abbreviations(name, region, expected) -> None:
    assert split_name(name, region) == expected


def test_name_key_never_guesses_a_region() -> None:
    assert name_key("东昌区科技局", "220502", "吉林省/通化市/东昌区", "county") == "220502:科学技术局"
    # 西湖区 exists in 杭州 and 南昌: the pipeline leaves the region empty, the key says so.
    assert name_key("西湖区科技局", None, None, None) == "?:西湖区科技局"
    assert name_key("国家统计局", None, None, "national") == "CN:国家统计局"


@pytest.mark.parametrize(("index_number", "expected"), [
    ("91350100M000100Y43/2023-00012", "M000100Y4"),  # unified social credit code (GB 32100 example)
    ("91110000802100433B-2022-0001", "802100433"),
    ("M000100Y-4/2021-00007", "M000100Y4"),  # bare 组织机构代码 with its dash
    ("91350100M000100Y44/2023-00012", None),  # wrong check digit
    ("001003001/2024-00007", None),  # a portal's running number, not an organisation code
    ("", None),
    (None, None),
])
def test_org_code_from_the_index_number(index_number, expected) -> None:
    assert org_code(index_number) == expected


@pytest.mark.parametrize(("key", "region", "level", "parent"), [
    ("220502:科学技术局", "吉林省/通化市/东昌区", "county", "220502:人民政府"),
    ("220502:人民政府", "吉林省/通化市/东昌区", "county", "220500:人民政府"),
    ("110108:人民政府", "北京市/市辖区/海淀区", "county", "110000:人民政府"),
    ("320800:人民政府", "江苏省/淮安市", "prefecture", "320000:人民政府"),
    ("130000:人民政府", "河北省", "province", "CN:国务院"),
    ("130000:教育厅", "河北省", "province", "130000:人民政府"),
    ("CN:国家统计局", None, "national", "CN:国务院"),
    ("?:西湖区科技局", None, None, None),
])
def test_parent_government(key, region, level, parent) -> None:
    assert parent_of(key, region, level) == parent


def _frame(rows: list[tuple[str, str, int, str | None]]) -> pd.DataFrame:
    return pd.DataFrame([{
        "report_id": f"r{i}", "agency": name, "region_code": "330106", "region_name": "浙江省/杭州市/西湖区",
        "admin_level": "county", "report_year": year, "doc_kind": "annual_report", "index_number": idx}
        for i, (name, _, year, idx) in enumerate(rows)])


def test_same_organisation_code_and_disjoint_years_is_a_rename() -> None:
    code = "91330106M000100Y4X"  # not valid: must not count
    good = "M000100Y-4/{y}-0001"
    rows = [("杭州市西湖区科学技术局", "", y, good.format(y=y)) for y in (2019, 2020, 2021)]
    rows += [("杭州市西湖区科学技术和工业信息化局", "", y, good.format(y=y)) for y in (2022, 2023)]
    rows += [("杭州市西湖区民政局", "", y, code) for y in (2019, 2022)]
    ident = identify(_frame(rows))
    ids = dict(zip(ident.reports["report_id"], ident.reports["agency_id"], strict=True))
    assert {ids[f"r{i}"] for i in range(5)} == {"330106:科学技术局"}
    assert ids["r5"] == "330106:民政局"
    link = ident.links.iloc[0]
    assert (link["kind"], link["evidence"], link["year"], link["to_name"]) == (
        "rename", "index_number", 2022, "杭州市西湖区科学技术和工业信息化局")
    agency = ident.agencies.set_index("agency_id").loc["330106:科学技术局"]
    assert agency["org_code"] == "M000100Y4" and agency["name"] == "杭州市西湖区科学技术和工业信息化局"
    assert (agency["first_year"], agency["last_year"], agency["n_reports"]) == (2019, 2023, 5)


def test_a_shared_code_with_overlapping_years_joins_nothing() -> None:
    """A portal that stamps its own code on every department's 索引号 must not merge them."""
    idx = "M000100Y-4/2021-0001"
    rows = [("杭州市西湖区科学技术局", "", 2021, idx), ("杭州市西湖区民政局", "", 2021, idx)]
    ident = identify(_frame(rows))
    assert len(ident.agencies) == 2 and ident.links.empty


def test_a_new_name_without_evidence_is_a_new_agency() -> None:
    rows = [("杭州市西湖区科学技术局", "", y, None) for y in (2019, 2020)]
    rows += [("杭州市西湖区科学技术和工业信息化局", "", y, None) for y in (2021, 2022)]
    ident = identify(_frame(rows))
    assert sorted(ident.agencies["agency_id"]) == ["330106:科学技术和工业信息化局", "330106:科学技术局"]
    assert ident.links.empty


def test_longitudinal_corpus_one_agency_per_body(long_identity) -> None:
    ds, ident = long_identity
    corpus = longitudinal()
    assert len(ident.agencies) == len(corpus.bodies)
    source_body = {c.path.rsplit("/", 1)[-1]: c.body for c in corpus.captures}
    rep = ds.reports.merge(ident.reports, on="report_id")
    assert len(rep) == len(corpus.captures)
    for src, agency_id in zip(rep["source"], rep["agency_id"], strict=True):
        body = source_body[src.rsplit("/", 1)[-1]]
        assert agency_id == corpus.expected_agency_id(body), src


def test_longitudinal_rename_is_linked_and_abbreviation_is_not_a_link(long_identity) -> None:
    _, ident = long_identity
    corpus = longitudinal()
    agencies = ident.agencies.set_index("agency_id")
    xihu = agencies.loc[corpus.expected_agency_id("L02")]
    assert set(xihu["names"].split("|")) == {"杭州市西湖区科学技术局", "杭州市西湖区科学技术和工业信息化局"}
    assert (xihu["first_year"], xihu["last_year"]) == (2019, 2024)
    renames = ident.links[ident.links["kind"] == "rename"]
    assert len(renames) == 1
    r = renames.iloc[0]
    body, old, new, year = corpus.renames[0]
    assert (r["from_id"], r["to_id"], r["from_name"], r["to_name"], r["year"], r["evidence"]) == (
        corpus.expected_agency_id(body), corpus.expected_agency_id(body), old, new, year, "index_number+text")  # the 索引号 code and the sentence agree
    assert "更名为" in r["detail"]
    dongchang = agencies.loc[corpus.expected_agency_id("L01")]
    assert set(dongchang["names"].split("|")) == {"东昌区科技局", "通化市东昌区科学技术局"}
    assert dongchang["n_reports"] == 6


def test_longitudinal_merger_is_a_link_between_two_agencies(long_identity) -> None:
    _, ident = long_identity
    corpus = longitudinal()
    (absorbed, successor, year), = corpus.mergers
    mergers = ident.links[ident.links["kind"] == "merger"]
    assert len(mergers) == 1
    m = mergers.iloc[0]
    assert (m["from_id"], m["to_id"], m["year"]) == (
        corpus.expected_agency_id(absorbed), corpus.expected_agency_id(successor), year)
    agencies = ident.agencies.set_index("agency_id")
    assert agencies.loc[m["from_id"], "last_year"] == year - 1
    assert agencies.loc[m["to_id"], "first_year"] == 2019


def test_longitudinal_parents_and_levels(long_identity) -> None:
    _, ident = long_identity
    a = ident.agencies.set_index("agency_id")
    assert a.loc["220502:科学技术局", "parent_id"] == "220502:人民政府"
    assert a.loc["320506:人民政府", "parent_id"] == "320500:人民政府"
    assert a.loc["320800:人民政府", ["parent_id", "admin_level"]].tolist() == ["320000:人民政府", "prefecture"]
    assert a.loc["130000:统计局", ["parent_id", "admin_level"]].tolist() == ["130000:人民政府", "province"]


def test_real_samples(sample_dataset) -> None:
    ident = identify(sample_dataset.reports, sample_dataset.sections)
    a = ident.agencies.set_index("agency_id")
    # 河北省教育厅: one agency over 2013–2023 (2015 and the empty 2020 body are missing).
    assert a.loc["130000:教育厅", ["first_year", "last_year", "n_reports"]].tolist() == [2013, 2023, 9]
    assert a.loc["220502:科学技术局", "name"] == "通化市东昌区科学技术局"
    # Look-alikes in the same column (a stand-alone 统计表) are not agencies.
    assert not any("统计表" in n for n in a["name"])
    assert ident.links.empty


@pytest.fixture(scope="module")
def sample_dataset(tmp_path_factory):
    from pipeline.runs.executors import run_items
    from pipeline.runs.inputs import iter_items
    from pipeline.store.dataset import write_dataset

    out = tmp_path_factory.mktemp("samples") / "ds"
    write_dataset(out, list(run_items(iter_items(SAMPLES), jobs=0)))
    return open_dataset(out)


def test_index_number_reaches_the_dataset() -> None:
    ds = open_dataset(built_dataset())
    assert "index_number" in ds.reports.columns
    corpus = longitudinal()
    codes = {org_code(i) for i in ds.reports["index_number"]}
    assert codes == set(corpus.org_codes.values())
