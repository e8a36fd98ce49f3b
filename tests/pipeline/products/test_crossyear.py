"""Cross-year checks: every injected problem of the multi-year corpus flagged, no false alarm.

The generated corpus (tests/generator/longitudinal.py) injects broken carry-overs, a broken stock
of documents in force, a broken 2019 item chain, copied narratives and wrong-year plan sentences
with known truth, and a merger whose carry-over is legitimate. Real reports check the narrative
rules on printed text.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.products.crossyear import (
    COPY_SHARE,
    crossyear,
    narrative_sentences,
    sentence_key,
    wrong_year_sentences,
)
from pipeline.products.panel import build_products
from pipeline.runs.executors import run_items
from pipeline.runs.inputs import iter_items
from pipeline.store.dataset import open_dataset, write_dataset
from tests.conftest import FIXTURES
from tests.generator.longitudinal import built_dataset, longitudinal

# The bundled real samples (data/samples), read from tests/fixtures so the tests do not move with data/.
SAMPLES = [str(FIXTURES / "text" / n) for n in (
    "jilin_tonghua_dongchang_science_bureau_2023.txt", "fujian_pingtan_zone_2019_page.txt",
    "fujian_pingtan_zone_2021_page.txt")] + [str(FIXTURES / "records" / "hebei_jyt_education_dept_reports_2013-2023.csv")]
RULES = ("T3-XYEAR", "T2-STOCK", "T2v19-ITEMS", "NARR-COPY-PREV", "NARR-COPY-OTHER", "NARR-YEAR")


@pytest.fixture(scope="module")
def checks() -> pd.DataFrame:
    return build_products(open_dataset(built_dataset())).crossyear


def test_every_injected_problem_is_flagged_and_nothing_else(checks: pd.DataFrame) -> None:
    corpus = longitudinal()
    body_of = {corpus.expected_agency_id(b.key): b.key for b in corpus.bodies}
    fails = checks[checks["status"] == "fail"]
    flagged = {(r, body_of[a], int(y)) for r, a, y in zip(fails["rule"], fails["agency_id"], fails["report_year"],
                                                          strict=True)}
    injected = {(f.rule, f.body, f.year) for f in corpus.findings}
    assert {rule for rule, _, _ in injected} == set(RULES)  # the corpus exercises every rule
    assert flagged == injected
    assert (checks["status"] == "uncertain").sum() == 0
    assert set(checks["severity"]) == {"soft"}


def test_each_rule_is_checked_on_every_pair_it_applies_to(checks: pd.DataFrame) -> None:
    counts = checks.groupby("rule")["report_id"].nunique()
    # T3-XYEAR: 15 bodies with consecutive years (86 agency-years, 15 first years; the merged
    # successor in 2023 is one of them), T2-STOCK: 2021-format pairs 2022–2024 (+1: 乡村振兴局 2022).
    assert counts["T3-XYEAR"] == 86 - 15
    assert counts["T2-STOCK"] == 14 * 3 + 1
    assert counts["T2v19-ITEMS"] == 14  # 2020 against 2019
    assert counts["NARR-YEAR"] == counts["NARR-COPY-OTHER"] == 86
    assert counts["NARR-COPY-PREV"] == 86 - 15


def test_merger_adds_the_absorbed_bodys_carry_over(checks: pd.DataFrame) -> None:
    corpus = longitudinal()
    absorbed, successor, year = corpus.mergers[0]
    rows = checks[(checks["agency_id"] == corpus.expected_agency_id(successor)) & (checks["report_year"] == year)
                  & checks["rule"].isin(["T3-XYEAR", "T2-STOCK"])]
    assert len(rows) == 7 + 2 and set(rows["status"]) == {"pass"}
    assert all(corpus.expected_agency_id(absorbed) in d for d in rows["detail"])
    truth = {(c.body, c.report.report_year): c.report for c in corpus.captures if c.role == "report"}
    own, merged = truth[(successor, year - 1)], truth[(absorbed, year - 1)]
    tot = rows[(rows["rule"] == "T3-XYEAR") & (rows["scope"] == "tot")].iloc[0]
    assert tot["rhs"] == own.cells[("t3", "t3.r4", "tot")] + merged.cells[("t3", "t3.r4", "tot")]
    assert merged.cells[("t3", "t3.r4", "tot")] > 0  # without the link this would be a false alarm


def test_copy_findings_name_their_source(checks: pd.DataFrame) -> None:
    copied = checks[(checks["rule"] == "NARR-COPY-OTHER") & (checks["status"] == "fail")].iloc[0]
    assert copied["detail"] == "best match 510107:民政局 2022" and copied["lhs"] == 1.0
    assert copied["rhs"] == COPY_SHARE
    prev = checks[(checks["rule"] == "NARR-COPY-PREV") & (checks["status"] == "fail")].iloc[0]
    assert (prev["report_year"], prev["prev_year"], prev["lhs"]) == (2022, 2021, 1.0)
    clean = checks[(checks["rule"] == "NARR-COPY-PREV") & (checks["status"] == "pass")]
    # Independent reports share a sentence now and then (small pools for 五/六), never half of them.
    assert clean["lhs"].max() < COPY_SHARE and clean["lhs"].median() == 0


REAL = "2023年，我局将以区委、区政府重大决策部署和公众关切为重点，采取更为有力的措施，持续加大政府信息公开力度。"


@pytest.mark.parametrize(("sentence", "year", "flagged"), [
    (REAL, 2023, True),  # 通化市东昌区科学技术局 2023, the copy-paste slip in the real report
    (REAL, 2022, False),  # the same sentence in the 2022 report announces 2023 plans: right
    ("2024年，我局将继续加强政策解读。", 2023, False),
    ("下一步，2023年我局将进一步提升公开质量。", 2023, True),
    ("2021年，我局将持续深化政务公开。", 2023, True),  # an older year is wrong too
    ("2023年，我局将政务公开工作纳入年度绩效考核，定期督查。", 2023, False),  # 将 as 把: a past fact
    ("2023年，我局共收到申请12件。", 2023, False),
])
def test_wrong_year_sentences(sentence: str, year: int, flagged: bool) -> None:
    import unicodedata

    got = wrong_year_sentences([unicodedata.normalize("NFKC", sentence)], year)
    assert bool(got) is flagged


def test_sentence_key_masks_numbers_and_punctuation() -> None:
    assert sentence_key("2022年，我局更新目录12个。") == sentence_key("2023年, 我局更新目录3个.")
    assert sentence_key("二〇二二年，我局更新目录。") == sentence_key("二〇二三年，我局更新目录。")
    assert sentence_key("我局更新目录。") != sentence_key("我局更新指南。")


def _sections(texts: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"report_id": rid, "ordinal": 1, "code": "overview", "heading": "一、总体情况", "text": t}
                         for rid, t in texts.items()])


def test_boilerplate_shared_by_many_agencies_is_not_a_copy() -> None:
    shared = "严格落实保密审查制度，做到先审查后公开和一事一审。进一步规范政府信息管理，动态更新公开指南和公开目录。" \
             "将政务公开工作纳入年度绩效考核，定期开展督促检查工作。"
    own = {a: f"{a}局全年围绕重点工作{a}开展了多项专题活动，取得了积极成效。" for a in "ABCD"}
    texts = {f"r{a}": shared + own[a] for a in "ABCD"}
    chosen = pd.DataFrame([{"agency_id": a, "report_year": 2023, "report_id": f"r{a}",
                            "published": f"2024-01-0{i + 1}"} for i, a in enumerate("ABCD")])
    sections = _sections(texts)
    assert all(len(s) == 4 for s in narrative_sentences(sections).values())
    out = crossyear(chosen, {}, sections, pd.DataFrame(columns=["from_id", "to_id", "kind", "year"]))
    other = out[out["rule"] == "NARR-COPY-OTHER"]
    # Three sentences are printed by all four agencies (boilerplate): one distinctive sentence
    # each is too few to judge.
    assert set(other["status"]) == {"uncertain"}


def test_a_copy_between_two_agencies_is_flagged_on_the_later_one() -> None:
    body = "".join(f"第{i}项工作中我们围绕专题{i}组织了有针对性的培训，取得了良好的效果。" for i in "一二三四五")
    texts = {"early": body, "late": body, "other": "完全不同的一段内容，讲述了本机关全年在政务公开平台建设方面的具体做法。"}
    chosen = pd.DataFrame([
        {"agency_id": "A", "report_year": 2022, "report_id": "early", "published": "2023-01-10"},
        {"agency_id": "B", "report_year": 2022, "report_id": "late", "published": "2023-02-10"},
        {"agency_id": "C", "report_year": 2022, "report_id": "other", "published": "2023-01-01"},
    ])
    out = crossyear(chosen, {}, _sections(texts), pd.DataFrame(columns=["from_id", "to_id", "kind", "year"]))
    other = out[out["rule"] == "NARR-COPY-OTHER"].set_index("report_id")
    assert other.loc["late", "status"] == "fail" and other.loc["late", "other_report_id"] == "early"
    assert other.loc["early", "status"] == "pass"  # the source is not the copier


@pytest.fixture(scope="module")
def sample_checks(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("samples") / "ds"
    write_dataset(out, list(run_items(iter_items(SAMPLES), jobs=0)))
    return build_products(open_dataset(out)).crossyear


def test_real_reports(sample_checks: pd.DataFrame) -> None:
    fails = sample_checks[sample_checks["status"] == "fail"]
    year = fails[fails["rule"] == "NARR-YEAR"]
    assert list(zip(year["agency_id"], year["report_year"], strict=True)) == [("220502:科学技术局", 2023)]
    assert year["detail"].iloc[0].startswith("2023年，我局将以区委")  # quoted as printed
    # 河北省教育厅: nothing carried over between 2021, 2022 and 2023 (0 → 0); the chain holds.
    xyear = sample_checks[(sample_checks["rule"] == "T3-XYEAR") & (sample_checks["agency_id"] == "130000:教育厅")]
    assert set(xyear["report_year"]) == {2022, 2023} and set(xyear["status"]) == {"pass"}
    # Its stock of 行政规范性文件 in force does not follow 制发/废止 (181 → 159 → 156): a real finding.
    stock = fails[fails["rule"] == "T2-STOCK"]
    assert set(zip(stock["report_year"], stock["scope"], strict=True)) == {(2022, "t2.i1.nds"), (2023, "t2.i1.nds")}
    assert sorted(stock["lhs"]) == [156.0, 159.0]


def test_real_report_text_is_split_into_narrative_sentences() -> None:
    from tests.conftest import report_of

    r = report_of((FIXTURES / "text" / "jilin_tonghua_dongchang_science_bureau_2023.txt").read_bytes())
    frame = pd.DataFrame([{"report_id": "x", "ordinal": s.ordinal, "code": s.code, "heading": s.heading,
                           "text": s.text} for s in r.sections])
    sentences = narrative_sentences(frame)["x"]
    assert 5 <= len(sentences) <= 40
    assert not any(s == "通化市东昌区科学技术局" for s in sentences)  # the signature is not a sentence
    assert not any("本年新收政府信息公开申请数量" in s for s in sentences)  # table labels are not narrative
