"""Ground truth of the synthetic corpus: agencies, eras, table cells and injected violations.

Everything here is plain data plus one seeded ``random.Random`` per report, so a corpus is a pure
function of ``(seed, n)``.  Labels and codes are copied from the spec (`template_2021.md`,
`format_eras.md`, `codebook.csv`) on purpose instead of importing them from ``pipeline``: the
generator must stay an independent oracle for the code it tests.
"""

from __future__ import annotations

import calendar
import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

Era = Literal["2021", "2019", "hybrid"]
PublishedStyle = Literal["arabic", "chinese"]
BlankStyle = Literal["zero", "slash"]
CellKey = tuple[str, str, str]
"""(table, row_code, col_code), e.g. ("t3", "t3.r3.3.1", "np")."""

ERAS: tuple[Era, ...] = ("2021", "2019", "hybrid")
RULES: tuple[str, ...] = ("T3-COL", "T3-FLOW", "T3-LEAF", "T4-SUM")

# ---------------------------------------------------------------------------------------------
# Template labels (exact text of the formats; variants are applied per report).

T3_APPLICANT: tuple[str, ...] = ("np", "biz", "sci", "npo", "law", "oth")
T3_COLS: tuple[str, ...] = (*T3_APPLICANT, "tot")

_T3_HEAD: tuple[tuple[str, str], ...] = (
    ("t3.r1", "一、本年新收政府信息公开申请数量"),
    ("t3.r2", "二、上年结转政府信息公开申请数量"),
    ("t3.r3.1", "（一）予以公开"),
    ("t3.r3.2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("t3.r3.3.1", "1.属于国家秘密"),
    ("t3.r3.3.2", "2.其他法律行政法规禁止公开"),
    ("t3.r3.3.3", "3.危及“三安全一稳定”"),
    ("t3.r3.3.4", "4.保护第三方合法权益"),
    ("t3.r3.3.5", "5.属于三类内部事务信息"),
    ("t3.r3.3.6", "6.属于四类过程性信息"),
    ("t3.r3.3.7", "7.属于行政执法案卷"),
    ("t3.r3.3.8", "8.属于行政查询事项"),
    ("t3.r3.4.1", "1.本机关不掌握相关政府信息"),
    ("t3.r3.4.2", "2.没有现成信息需要另行制作"),
    ("t3.r3.4.3", "3.补正后申请内容仍不明确"),
    ("t3.r3.5.1", "1.信访举报投诉类申请"),
    ("t3.r3.5.2", "2.重复申请"),
    ("t3.r3.5.3", "3.要求提供公开出版物"),
    ("t3.r3.5.4", "4.无正当理由大量反复申请"),
    ("t3.r3.5.5", "5.要求行政机关确认或重新出具已获取信息"),
)
_T3_OTHER_2021: tuple[tuple[str, str], ...] = (
    ("t3.r3.6.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("t3.r3.6.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("t3.r3.6.3", "3.其他"),
)
_T3_OTHER_2019: tuple[tuple[str, str], ...] = (("t3.r3.6", "（六）其他处理"),)
_T3_TAIL: tuple[tuple[str, str], ...] = (
    ("t3.r3.7", "（七）总计"),
    ("t3.r4", "四、结转下年度继续办理"),
)

T3_RESULT_LABEL = "三、本年度办理结果"
T3_GROUP_LABELS: dict[str, str] = {
    # first leaf of a vertically merged group -> the group label printed beside it
    "t3.r3.3.1": "（三）不予公开",
    "t3.r3.4.1": "（四）无法提供",
    "t3.r3.5.1": "（五）不予处理",
    "t3.r3.6.1": "（六）其他处理",
}
T3_CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_HEADER_TOP = ("申请人情况",)
T3_HEADER_MID = ("自然人", "法人或其他组织", "总计")
T3_HEADER_ORG = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")

T4_ROWS: tuple[str, ...] = ("t4.rev", "t4.lit.dir", "t4.lit.rev")
T4_COLS: tuple[str, ...] = ("up", "cor", "oth", "pend", "tot")
T4_HEADER_TOP = ("行政复议", "行政诉讼")
T4_HEADER_MID = ("未经复议直接起诉", "复议后起诉")
T4_RESULT_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@dataclass(frozen=True, slots=True)
class T2Block:
    """One 第二十条 block of Table 2: caption row, header row, data rows."""

    caption: str
    header: tuple[str, ...]
    cols: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]


T2_BLOCKS_2021: tuple[T2Block, ...] = (
    T2Block(
        "第二十条第（一）项",
        ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        ("issued", "repealed", "in_force"),
        (("t2.i1.reg", "规章"), ("t2.i1.nds", "行政规范性文件")),
    ),
    T2Block(
        "第二十条第（五）项", ("信息内容", "本年处理决定数量"), ("decisions",), (("t2.i5.lic", "行政许可"),)
    ),
    T2Block(
        "第二十条第（六）项",
        ("信息内容", "本年处理决定数量"),
        ("decisions",),
        (("t2.i6.pen", "行政处罚"), ("t2.i6.coe", "行政强制")),
    ),
    T2Block(
        "第二十条第（八）项",
        ("信息内容", "本年收费金额（单位：万元）"),
        ("amount_wan",),
        (("t2.i8.fee", "行政事业性收费"),),
    ),
)
_ITEMS_HEADER_2019 = ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
T2_BLOCKS_2019: tuple[T2Block, ...] = (
    T2Block(
        "第二十条第（一）项",
        ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
        ("made_new", "pub_new", "pub_total"),
        (("t2.i1.reg", "规章"), ("t2.i1.nds", "规范性文件")),
    ),
    T2Block(
        "第二十条第（五）项",
        _ITEMS_HEADER_2019,
        ("items_prev", "items_delta", "decisions"),
        (("t2.i5.lic", "行政许可"), ("t2.i5.svc", "其他对外管理服务事项")),
    ),
    T2Block(
        "第二十条第（六）项",
        _ITEMS_HEADER_2019,
        ("items_prev", "items_delta", "decisions"),
        (("t2.i6.pen", "行政处罚"), ("t2.i6.coe", "行政强制")),
    ),
    T2Block(
        "第二十条第（八）项",
        ("信息内容", "上一年项目数量", "本年增/减"),
        ("items_prev", "items_delta"),
        (("t2.i8.fee", "行政事业性收费"),),
    ),
    T2Block(
        "第二十条第（九）项",
        ("信息内容", "采购项目数量", "采购总金额"),
        ("proc_items", "proc_amount"),
        (("t2.i9.proc", "政府集中采购"),),
    ),
)

SECTION_CODES: tuple[str, ...] = ("overview", "proactive", "requests", "appeals", "problems", "other")
SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    # canonical heading first, then the aliases of sections.csv
    "overview": ("一、总体情况",),
    "proactive": ("二、主动公开政府信息情况",),
    "requests": ("三、收到和处理政府信息公开申请情况",),
    "appeals": (
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    ),
    "problems": ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    "other": ("六、其他需要报告的事项",),
}


def t2_blocks(era: Era) -> tuple[T2Block, ...]:
    """Table 2 layout of an era (hybrids keep the 2021 Table 2)."""
    return T2_BLOCKS_2019 if era == "2019" else T2_BLOCKS_2021


def t3_rows(era: Era) -> tuple[tuple[str, str], ...]:
    """Numeric Table 3 rows (code, template label) in print order: 25 in 2021, 23 in 2019/hybrid."""
    other = _T3_OTHER_2021 if era == "2021" else _T3_OTHER_2019
    return _T3_HEAD + other + _T3_TAIL


def t3_leaves(era: Era) -> tuple[str, ...]:
    """Leaf rows of 三、本年度办理结果 (everything between r2 and r3.7)."""
    return tuple(code for code, _ in t3_rows(era) if code.startswith("t3.r3.") and code != "t3.r3.7")


def cell_order(era: Era) -> list[CellKey]:
    """Every cell key of an era in the order the values are printed (Table 2, 3, 4)."""
    keys: list[CellKey] = [
        ("t2", row, col) for block in t2_blocks(era) for row, _ in block.rows for col in block.cols
    ]
    keys += [("t3", row, col) for row, _ in t3_rows(era) for col in T3_COLS]
    keys += [("t4", row, col) for row in T4_ROWS for col in T4_COLS]
    return keys


# ---------------------------------------------------------------------------------------------
# Agencies. Only regions whose 6-digit code was checked against the adcode table shipped with cpca.


@dataclass(frozen=True, slots=True)
class Region:
    """An administrative region: printed prefix, its last component, code, level."""

    prefix: str
    short: str
    code: str
    level: Literal["province", "city", "county"]


REGIONS: tuple[Region, ...] = (
    Region("通化市东昌区", "东昌区", "220502", "county"),
    Region("淮安市洪泽区", "洪泽区", "320813", "county"),
    Region("福州市鼓楼区", "鼓楼区", "350102", "county"),
    Region("杭州市西湖区", "西湖区", "330106", "county"),
    Region("苏州市吴中区", "吴中区", "320506", "county"),
    Region("南京市玄武区", "玄武区", "320102", "county"),
    Region("宁波市鄞州区", "鄞州区", "330212", "county"),
    Region("厦门市思明区", "思明区", "350203", "county"),
    Region("广州市越秀区", "越秀区", "440104", "county"),
    Region("广州市天河区", "天河区", "440106", "county"),
    Region("深圳市福田区", "福田区", "440304", "county"),
    Region("成都市武侯区", "武侯区", "510107", "county"),
    Region("武汉市武昌区", "武昌区", "420106", "county"),
    Region("长沙市岳麓区", "岳麓区", "430104", "county"),
    Region("济南市历下区", "历下区", "370102", "county"),
    Region("青岛市市南区", "市南区", "370202", "county"),
    Region("西安市雁塔区", "雁塔区", "610113", "county"),
    Region("郑州市金水区", "金水区", "410105", "county"),
    Region("合肥市蜀山区", "蜀山区", "340104", "county"),
    Region("北京市东城区", "东城区", "110101", "county"),
    Region("北京市海淀区", "海淀区", "110108", "county"),
    Region("上海市黄浦区", "黄浦区", "310101", "county"),
    Region("上海市徐汇区", "徐汇区", "310104", "county"),
    Region("天津市和平区", "和平区", "120101", "county"),
    Region("重庆市渝中区", "渝中区", "500103", "county"),
    Region("通化市", "通化市", "220500", "city"),
    Region("淮安市", "淮安市", "320800", "city"),
    Region("苏州市", "苏州市", "320500", "city"),
    Region("杭州市", "杭州市", "330100", "city"),
    Region("福州市", "福州市", "350100", "city"),
    Region("河北省", "河北省", "130000", "province"),
    Region("江苏省", "江苏省", "320000", "province"),
    Region("浙江省", "浙江省", "330000", "province"),
    Region("吉林省", "吉林省", "220000", "province"),
    Region("福建省", "福建省", "350000", "province"),
)

_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
# agency kind -> short form used in some titles
_COUNTY_KINDS: dict[str, str] = {
    "人民政府": "人民政府",
    "人民政府办公室": "政府办",
    "教育局": "教育局",
    "科学技术局": "科技局",
    "财政局": "财政局",
    "民政局": "民政局",
    "司法局": "司法局",
    "人力资源和社会保障局": "人社局",
    "住房和城乡建设局": "住建局",
    "交通运输局": "交通运输局",
    "农业农村局": "农业农村局",
    "卫生健康局": "卫健局",
    "市场监督管理局": "市场监管局",
    "统计局": "统计局",
    "应急管理局": "应急管理局",
    "审计局": "审计局",
    "医疗保障局": "医保局",
    "退役军人事务局": "退役军人事务局",
}
_NOT_IN_MUNICIPALITY_DISTRICTS = ("教育局", "科学技术局", "卫生健康局")  # named 委员会 etc. there
_CITY_KINDS: dict[str, str] = {
    "人民政府": "人民政府",
    "人民政府办公室": "政府办",
    "教育局": "教育局",
    "科学技术局": "科技局",
    "财政局": "财政局",
    "民政局": "民政局",
    "司法局": "司法局",
    "人力资源和社会保障局": "人社局",
    "住房和城乡建设局": "住建局",
    "交通运输局": "交通运输局",
    "卫生健康委员会": "卫健委",
    "市场监督管理局": "市场监管局",
    "统计局": "统计局",
}
_PROVINCE_KINDS: dict[str, str] = {
    "人民政府办公厅": "办公厅",
    "教育厅": "教育厅",
    "科学技术厅": "科技厅",
    "财政厅": "财政厅",
    "民政厅": "民政厅",
    "司法厅": "司法厅",
    "人力资源和社会保障厅": "人社厅",
    "自然资源厅": "自然资源厅",
    "生态环境厅": "生态环境厅",
    "住房和城乡建设厅": "住建厅",
    "交通运输厅": "交通运输厅",
    "农业农村厅": "农业农村厅",
    "商务厅": "商务厅",
    "卫生健康委员会": "卫健委",
    "市场监督管理局": "市场监管局",
    "统计局": "统计局",
    "审计厅": "审计厅",
}


def _kinds(region: Region) -> dict[str, str]:
    if region.level == "province":
        return _PROVINCE_KINDS
    if region.level == "city":
        return _CITY_KINDS
    if region.prefix.startswith(_MUNICIPALITIES):
        return {k: v for k, v in _COUNTY_KINDS.items() if k not in _NOT_IN_MUNICIPALITY_DISTRICTS}
    return _COUNTY_KINDS


# ---------------------------------------------------------------------------------------------
# The record.


@dataclass(frozen=True, slots=True, kw_only=True)
class GeneratedReport:
    """One synthetic annual report: metadata, narrative, printed cells and injected faults.

    ``cells`` holds the *printed* numbers (after any injected violation); ``raw`` the printed text
    of every cell ("0", "15", "/", "397.619", "75394432.52元").  ``cells[k] is None`` exactly when
    ``raw[k] == "/"``.
    """

    key: str
    era: Era
    agency: str
    agency_kind: str
    region: str
    region_code: str
    title_agency: str
    report_year: int
    published: str
    published_style: PublishedStyle
    title: str
    intro: str
    sections: dict[str, str]
    section_bodies: dict[str, str]
    text_quotes: dict[str, int]
    labels: dict[str, str]
    label_variants: tuple[str, ...]
    cells: dict[CellKey, float | None]
    raw: dict[CellKey, str]
    violations: tuple[str, ...]
    violation_detail: str
    violation_cells: tuple[CellKey, ...]
    blank_style: BlankStyle
    large: bool
    layout_seed: int


# ---------------------------------------------------------------------------------------------
# Identities (used by the generator to assert its own output; the tests recompute them separately).


def failing_rules(cells: dict[CellKey, float | None], era: Era) -> tuple[str, ...]:
    """Rule ids of identities.md (T3-COL, T3-FLOW, T3-LEAF, T4-SUM) that fail on ``cells``."""

    def v(table: str, row: str, col: str) -> float:
        value = cells[(table, row, col)]
        return 0 if value is None else value

    failed: set[str] = set()
    for row, _ in t3_rows(era):
        if v("t3", row, "tot") != sum(v("t3", row, c) for c in T3_APPLICANT):
            failed.add("T3-COL")
    leaves = t3_leaves(era)
    for c in T3_COLS:
        if v("t3", "t3.r1", c) + v("t3", "t3.r2", c) != v("t3", "t3.r3.7", c) + v("t3", "t3.r4", c):
            failed.add("T3-FLOW")
        if v("t3", "t3.r3.7", c) != sum(v("t3", leaf, c) for leaf in leaves):
            failed.add("T3-LEAF")
    for row in T4_ROWS:
        if v("t4", row, "tot") != sum(v("t4", row, c) for c in T4_COLS[:4]):
            failed.add("T4-SUM")
    return tuple(rule for rule in RULES if rule in failed)


# ---------------------------------------------------------------------------------------------
# Numbers.

_LEAF_WEIGHTS: dict[str, float] = {
    "t3.r3.1": 36,
    "t3.r3.2": 8,
    "t3.r3.3.1": 0.3,
    "t3.r3.3.2": 1,
    "t3.r3.3.3": 0.5,
    "t3.r3.3.4": 2,
    "t3.r3.3.5": 2,
    "t3.r3.3.6": 3,
    "t3.r3.3.7": 1,
    "t3.r3.3.8": 2,
    "t3.r3.4.1": 24,
    "t3.r3.4.2": 3,
    "t3.r3.4.3": 4,
    "t3.r3.5.1": 3,
    "t3.r3.5.2": 3,
    "t3.r3.5.3": 0.5,
    "t3.r3.5.4": 1,
    "t3.r3.5.5": 0.5,
    "t3.r3.6.1": 4,
    "t3.r3.6.2": 0.4,
    "t3.r3.6.3": 3,
    "t3.r3.6": 7,
}


def _log_int(rng: random.Random, lo: int, hi: int) -> int:
    """Integer in [lo, hi] (lo >= 1), log-uniform: small values dominate but large ones occur."""
    return min(hi, int(math.exp(rng.uniform(math.log(lo), math.log(hi + 1)))))


def _gen_t3(rng: random.Random, era: Era, large: bool) -> dict[tuple[str, str], int]:
    """Consistent Table 3: per applicant column, new + carry-in = handled + carry-out."""
    leaves = t3_leaves(era)
    weights = [_LEAF_WEIGHTS[leaf] for leaf in leaves]
    out: dict[tuple[str, str], int] = {}
    for col in T3_APPLICANT:
        if large and col == "np":
            new = rng.randint(50, 600) if rng.random() < 0.5 else _log_int(rng, 50, 600)
        elif large:
            share = {"biz": 0.6, "sci": 0.25, "npo": 0.25, "law": 0.5, "oth": 0.4}[col]
            cap = {"biz": 80, "sci": 10, "npo": 10, "law": 40, "oth": 30}[col]
            new = _log_int(rng, 1, cap) if rng.random() < share else 0
        elif col == "np":
            bucket = rng.choices([(0, 0), (1, 5), (6, 15), (16, 30)], [25, 40, 25, 10])[0]
            new = rng.randint(*bucket)
        else:
            share = {"biz": 0.15, "sci": 0.03, "npo": 0.03, "law": 0.08, "oth": 0.1}[col]
            new = rng.randint(1, 2) if rng.random() < share else 0
        if large:
            carry_in = rng.randint(1, max(1, new // 8)) if new and rng.random() < 0.6 else 0
        else:
            carry_in = rng.randint(1, 3) if new and rng.random() < 0.25 else 0
        avail = new + carry_in
        carry_out = 0
        if avail and rng.random() < (0.5 if large else 0.25):
            carry_out = rng.randint(1, max(1, min(avail, avail // 10 if large else 3)))
        handled = avail - carry_out
        counts = Counter(rng.choices(leaves, weights, k=handled))
        out[("t3.r1", col)] = new
        out[("t3.r2", col)] = carry_in
        out[("t3.r4", col)] = carry_out
        out[("t3.r3.7", col)] = handled
        for leaf in leaves:
            out[(leaf, col)] = counts[leaf]
    for row, _ in t3_rows(era):
        out[(row, "tot")] = sum(out[(row, c)] for c in T3_APPLICANT)
    return out


def _gen_t4(rng: random.Random, large: bool) -> dict[tuple[str, str], int]:
    """Table 4: mostly zero; a few cases, more in large reports, tot = up + cor + oth + pend."""
    out: dict[tuple[str, str], int] = {}
    chance = (
        {"t4.rev": 0.6, "t4.lit.dir": 0.4, "t4.lit.rev": 0.3}
        if large
        else {
            "t4.rev": 0.25,
            "t4.lit.dir": 0.12,
            "t4.lit.rev": 0.08,
        }
    )
    for row in T4_ROWS:
        parts = [0, 0, 0, 0]
        if rng.random() < chance[row]:
            caps = (30, 6, 12, 8) if large else (5, 2, 3, 2)
            parts = [rng.randint(0, cap) if rng.random() < 0.6 else 0 for cap in caps]
            if not any(parts):
                parts[0] = rng.randint(1, caps[0])
        for col, value in zip(T4_COLS[:4], parts, strict=True):
            out[(row, col)] = value
        out[(row, "tot")] = sum(parts)
    return out


def _amount(rng: random.Random, lo: int, hi: int, decimals: tuple[int, ...]) -> str:
    """A decimal amount as printed: integer part log-uniform, a random number of decimals."""
    whole = _log_int(rng, lo, hi)
    places = rng.choice(decimals)
    if not places:
        return str(whole)
    frac = str(rng.randint(1, 10**places - 1)).rjust(places, "0")
    return f"{whole}.{frac}"


def _gen_t2(rng: random.Random, era: Era, kind: str, level: str) -> dict[tuple[str, str], str]:
    """Table 2 as printed strings (before the "/" blank style is applied)."""
    government = kind in ("人民政府", "人民政府办公厅")
    makes_rules = government and level in ("province", "city")  # only these may issue 规章
    busy = government or kind in ("市场监督管理局", "交通运输局", "住房和城乡建设局", "生态环境厅")

    def decisions(scale: float) -> int:
        if rng.random() < (0.15 if busy else 0.45):
            return 0
        hi = int(9000 * scale) if busy else int(900 * scale)
        return _log_int(rng, 1, max(2, hi))

    out: dict[tuple[str, str], str] = {}
    if era == "2019":
        for row in ("t2.i1.reg", "t2.i1.nds"):
            made = (rng.randint(0, 12) if makes_rules else 0) if row == "t2.i1.reg" else rng.randint(0, 40)
            pub = max(0, made - rng.choice([0, 0, 0, 1]))
            total = pub + (rng.randint(0, 300) if made or rng.random() < 0.5 else 0)
            out[(row, "made_new")], out[(row, "pub_new")], out[(row, "pub_total")] = (
                str(made),
                str(pub),
                str(total),
            )
        for row in ("t2.i5.lic", "t2.i5.svc", "t2.i6.pen", "t2.i6.coe", "t2.i8.fee"):
            prev = _log_int(rng, 1, 600) if rng.random() < 0.6 else 0
            roll = rng.random()
            if prev and roll < 0.15:
                delta = -rng.randint(1, min(12, prev))
            elif roll < 0.35:
                delta = rng.randint(1, 12)
            else:
                delta = 0
            out[(row, "items_prev")] = str(prev)
            out[(row, "items_delta")] = str(delta)
            if row != "t2.i8.fee":
                out[(row, "decisions")] = str(decisions(0.3 if row == "t2.i6.coe" else 1.0))
        items = _log_int(rng, 1, 400) if rng.random() < 0.5 else 0
        amount = _amount(rng, 1000, 90_000_000, (0, 2, 2)) if items else "0"
        if items and rng.random() < 0.4:
            amount += rng.choice(["元", "元", "万元"])
        out[("t2.i9.proc", "proc_items")] = str(items)
        out[("t2.i9.proc", "proc_amount")] = amount
        return out
    for row in ("t2.i1.reg", "t2.i1.nds"):
        if row == "t2.i1.reg" and not makes_rules:
            issued = repealed = in_force = 0
        else:
            issued = rng.randint(0, 12 if row == "t2.i1.reg" else 60)
            repealed = rng.randint(0, max(1, issued // 2)) if rng.random() < 0.4 else 0
            in_force = issued + rng.randint(0, 350) if rng.random() < 0.8 else issued
        out[(row, "issued")], out[(row, "repealed")], out[(row, "in_force")] = (
            str(issued),
            str(repealed),
            str(in_force),
        )
    out[("t2.i5.lic", "decisions")] = str(decisions(1.0))
    out[("t2.i6.pen", "decisions")] = str(decisions(0.6))
    out[("t2.i6.coe", "decisions")] = str(decisions(0.1))
    out[("t2.i8.fee", "amount_wan")] = (
        _amount(rng, 1, 30000, (0, 0, 2, 3, 4, 6)) if busy and rng.random() < 0.6 else "0"
    )
    return out


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse_printed(raw: str) -> float | None:
    """Numeric value of a printed cell: None for "/", the number for "397.619" or "52.5元"."""
    if raw == "/":
        return None
    match = _NUMBER.match(raw)
    if match is None:
        raise ValueError(f"unprintable cell text {raw!r}")
    text = match.group()
    return float(text) if "." in text else int(text)


# ---------------------------------------------------------------------------------------------
# Violations.

ViolationKind = Literal["col_flow", "leaf", "t4_sum", "flow_leaf", "col_leaf"]
VIOLATION_KINDS: tuple[ViolationKind, ...] = ("col_flow", "leaf", "t4_sum", "flow_leaf", "col_leaf")
_EXPECTED_RULES: dict[ViolationKind, tuple[str, ...]] = {
    "col_flow": ("T3-COL", "T3-FLOW"),
    "leaf": ("T3-LEAF",),
    "t4_sum": ("T4-SUM",),
    "flow_leaf": ("T3-FLOW", "T3-LEAF"),
    "col_leaf": ("T3-COL", "T3-LEAF"),
}


def _delta(rng: random.Random, floor: int) -> int:
    """+1 mostly, sometimes +10, or -1 when every touched cell is >= 1 (never prints negatives)."""
    options = [1, 1, 1, 10] + ([-1, -1] if floor >= 1 else [])
    return rng.choice(options)


def _inject(
    rng: random.Random, kind: ViolationKind, era: Era, values: dict[CellKey, int]
) -> tuple[str, tuple[CellKey, ...]]:
    """Break exactly the identities of ``kind`` in place; return (detail, touched cells)."""
    leaves = t3_leaves(era)
    if kind == "col_flow":
        row = rng.choice(["t3.r1", "t3.r1", "t3.r2", "t3.r4"])
        touched: tuple[CellKey, ...] = (("t3", row, "tot"),)
        detail = f"{row}:tot changed by {{d:+d}} (T3-COL row {row}, T3-FLOW column tot)"
    elif kind == "leaf":
        leaf, col = rng.choice(leaves), rng.choice(T3_APPLICANT)
        touched = (("t3", leaf, col), ("t3", leaf, "tot"))
        detail = f"{leaf}:{col} and {leaf}:tot changed by {{d:+d}} (T3-LEAF columns {col} and tot)"
    elif kind == "flow_leaf":
        col = rng.choice(T3_APPLICANT)
        touched = (("t3", "t3.r3.7", col), ("t3", "t3.r3.7", "tot"))
        detail = f"t3.r3.7:{col} and t3.r3.7:tot changed by {{d:+d}} (T3-FLOW and T3-LEAF columns {col}, tot)"
    elif kind == "col_leaf":
        leaf = rng.choice(leaves)
        touched = (("t3", leaf, "tot"),)
        detail = f"{leaf}:tot changed by {{d:+d}} (T3-COL row {leaf}, T3-LEAF column tot)"
    else:
        row = rng.choice(T4_ROWS)
        touched = (("t4", row, "tot"),)
        detail = f"{row}:tot changed by {{d:+d}} (T4-SUM row {row})"
    d = _delta(rng, min(values[k] for k in touched))
    for k in touched:
        values[k] += d
    return detail.format(d=d), touched


# ---------------------------------------------------------------------------------------------
# Narrative.

_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1..31 in Chinese numerals as used in dates (十五, 二十一, 三十)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def format_date(iso: str, style: PublishedStyle) -> str:
    """Signature date as printed: "2024年1月15日" or "二〇二四年一月十五日"."""
    d = date.fromisoformat(iso)
    if style == "arabic":
        return f"{d.year}年{d.month}月{d.day}日"
    year = "".join(_CN_DIGITS[int(ch)] for ch in str(d.year))
    return f"{year}年{_cn_number(d.month)}月{_cn_number(d.day)}日"


def _self_ref(kind: str, level: str) -> str:
    """How an agency refers to itself in its own report (我局, 我厅, 我区 …)."""
    if kind == "人民政府":
        return {"province": "我省", "city": "我市", "county": "我区"}[level]
    if kind.endswith("办公室"):
        return "我办"
    if kind.endswith("委员会"):
        return "我委"
    return "我" + kind[-1]


def _intro(rng: random.Random, agency: str, me: str, year: int, region: Region) -> str:
    """The paragraph before 一、总体情况 (statistics period, where to download, or a plain lead-in)."""
    site = rng.choice([f"{region.short}人民政府门户网站", f"{agency}门户网站"])
    variants = [
        (
            f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{agency}{year}年度"
            f"政府信息公开工作年度报告。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
            f"本报告电子版可在{site}“政府信息公开专栏”下载。如对本报告有疑问，请与{agency}办公室联系。"
        ),
        (
            "根据《中华人民共和国政府信息公开条例》规定，不断健全完善政务信息公开工作机制，以强化组织领导、"
            f"加大公开力度、拓展公开渠道、规范公开流程和加强保密审查为重点，扎实抓好政府信息公开。"
            f"现将{me}{year}年度政府信息公开工作情况报告如下："
        ),
        (
            f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，{agency}编制完成了本报告。"
            "本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、"
            "行政诉讼情况、存在的主要问题及改进情况和其他需要报告的事项等六个部分。"
            f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        ),
    ]
    return rng.choice(variants)


def _overview(
    rng: random.Random, me: str, year: int, values: dict[CellKey, int]
) -> tuple[str, dict[str, int]]:
    """2–5 sentences; most quote the request numbers, some the 行政复议 count (T3-TXT/T4-TXT)."""
    quotes: dict[str, int] = {}
    opening = rng.choice(
        [
            f"{year}年，{me}深入贯彻落实《中华人民共和国政府信息公开条例》，坚持“以公开为常态、不公开为例外”原则，不断提升政务公开质量。",
            f"{year}年，{me}认真落实上级关于政务公开工作的部署要求，健全工作机制，规范公开流程，政府信息公开工作有序开展。",
            f"{year}年，在上级政务公开主管部门的指导下，{me}以群众需求为导向，持续深化政府信息公开工作。",
        ]
    )
    sentences = [opening]
    r1, r37, r4, r2 = (values[("t3", row, "tot")] for row in ("t3.r1", "t3.r3.7", "t3.r4", "t3.r2"))
    roll = rng.random()
    if roll < 0.75:
        sentences.append(f"全年共收到政府信息公开申请{r1}件，办结{r37}件，结转下年度{r4}件。")
        quotes |= {"t3.r1:tot": r1, "t3.r3.7:tot": r37, "t3.r4:tot": r4}
    elif roll < 0.88:
        sentences.append(f"本年度新收政府信息公开申请{r1}件，上年结转{r2}件，共答复{r37}件。")
        quotes |= {"t3.r1:tot": r1, "t3.r2:tot": r2, "t3.r3.7:tot": r37}
    if rng.random() < 0.35:
        rev = values[("t4", "t4.rev", "tot")]
        lit = values[("t4", "t4.lit.dir", "tot")] + values[("t4", "t4.lit.rev", "tot")]
        if rng.random() < 0.5:
            sentences.append(f"全年发生政府信息公开行政复议{rev}件、行政诉讼{lit}件。")
            quotes |= {"t4.rev:tot": rev, "t4.lit:tot": lit}
        else:
            sentences.append(f"全年因政府信息公开被申请行政复议{rev}件。")
            quotes |= {"t4.rev:tot": rev}
    pool = [
        f"全年通过门户网站主动公开政府信息{rng.randint(20, 2600)}条。",
        "严格落实保密审查制度，做到“先审查、后公开”和“一事一审”。",
        "进一步规范政府信息管理，动态更新政府信息公开指南和公开目录。",
        "及时更新政府信息公开专栏，确保栏目内容准确、完整、规范。",
        "将政务公开工作纳入年度绩效考核，定期开展督促检查。",
        f"加强政务新媒体管理，通过微信公众号发布信息{rng.randint(5, 400)}条。",
        f"全年组织政务公开业务培训{rng.randint(1, 6)}次。",
    ]
    want = rng.randint(max(0, 2 - len(sentences)), max(0, 5 - len(sentences)))
    sentences += rng.sample(pool, want)
    return "".join(sentences), quotes


def _problems(rng: random.Random, me: str, year: int) -> str:
    """Section 五: a lead-in, one or two problems, one remedy."""
    intro = rng.choice(
        [
            f"{year}年，{me}政府信息公开工作取得了一定成效，但仍存在一些不足。",
            "对照新形势新要求，我们的工作还存在一些差距。",
        ]
    )
    issues = [
        "政务公开工作人员多为兼职，业务能力有待进一步提升。",
        "政策解读形式不够丰富，图表图解、视频解读等形式运用较少。",
        "主动公开的深度和广度有待拓展，信息发布的及时性有待提高。",
        "依申请公开答复的规范化水平仍需提升。",
    ]
    fixes = [
        "下一步，将加强业务培训，提高工作人员业务水平。",
        "下一步，将持续优化政府信息公开专栏，提升信息发布的及时性和规范性。",
        "下一步，将丰富政策解读形式，提升政策解读质量。",
    ]
    return intro + "".join(rng.sample(issues, rng.randint(1, 2))) + rng.choice(fixes)


def _other(rng: random.Random, era: Era, year: int, values: dict[CellKey, int]) -> str:
    """Section 六; mentions 信息处理费 whenever t3.r3.6.2 > 0 (T3-FEE)."""
    if era == "2019":
        return rng.choice(
            [
                "无其他需要报告的事项。",
                "无。",
                f"{year}年，本机关未收取政府信息公开相关费用。无其他需要报告的事项。",
            ]
        )
    nofee = values.get(("t3", "t3.r3.6.2", "tot"), 0)
    if nofee:
        fee = f"本年度向申请人发出收费通知{nofee}件，申请人均逾期未缴纳，未收取信息处理费。"
    else:
        fee = rng.choice(
            [
                f"{year}年，无收取信息处理费情况。",
                "全年收取政府信息公开信息处理费0元。",
                "本年度未收取信息处理费。",
            ]
        )
    return fee + rng.choice(["", "无其他需要报告的事项。"])


# ---------------------------------------------------------------------------------------------
# Assembly.


def _quota(rng: random.Random, n: int, share: float) -> set[int]:
    """Exactly round(share * n) indices: keeps the mix stable for small corpora."""
    return set(rng.sample(range(n), round(share * n)))


def _labels(era: Era, variants: set[str]) -> dict[str, str]:
    """Printed row labels (Table 2 and 3) after this report's label variants."""
    labels = {row: label for block in t2_blocks(era) for row, label in block.rows}
    for row, label in t3_rows(era):
        printed = label
        if row == "t3.r3.3.2" and "typo_d_law" in variants:
            printed = "2.其他法律行政止公开"
        if "numbering_dunhao" in variants:
            printed = re.sub(r"^(\d)\.", r"\1、", printed)
        if row == "t3.r3.7" and "total_heji" in variants:
            printed = "合计"
        labels[row] = printed
    return labels


def _report(
    rng: random.Random,
    index: int,
    era: Era,
    large: bool,
    violation: ViolationKind | None,
    slash: bool,
    variants: set[str],
) -> GeneratedReport:
    """One report; all randomness comes from ``rng`` so the corpus is reproducible."""
    region = rng.choice(REGIONS)
    kinds = _kinds(region)
    kind = rng.choice(sorted(kinds))
    agency = region.prefix + kind
    year = rng.choice([2019, 2020]) if era == "2019" else rng.randint(2021, 2024)
    month = rng.randint(1, 3)
    pub = date(year + 1, month, rng.randint(1, calendar.monthrange(year + 1, month)[1]))
    me = _self_ref(kind, region.level)

    t3 = _gen_t3(rng, era, large)
    t4 = _gen_t4(rng, large)
    values: dict[CellKey, int] = {("t3", r, c): v for (r, c), v in t3.items()}
    values |= {("t4", r, c): v for (r, c), v in t4.items()}
    detail, touched = "", cast("tuple[CellKey, ...]", ())
    if violation is not None:
        detail, touched = _inject(rng, violation, era, values)

    raw: dict[CellKey, str] = {}
    for (row, col), text in _gen_t2(rng, era, kind, region.level).items():
        zero = parse_printed(text) == 0
        raw[("t2", row, col)] = "/" if slash and zero else text
    raw |= {k: str(v) for k, v in values.items()}
    order = cell_order(era)
    if set(raw) != set(order):
        raise AssertionError(f"generator bug: cell keys differ from the era layout ({era})")
    raw = {k: raw[k] for k in order}
    cells = {k: parse_printed(text) for k, text in raw.items()}

    expected = _EXPECTED_RULES[violation] if violation else ()
    if failing_rules(cells, era) != expected:
        raise AssertionError(f"generator bug: {failing_rules(cells, era)} != {expected} ({detail})")

    short_forms = [agency, region.short + kind]
    if region.level != "province":
        short_forms += [region.short + kinds[kind], kinds[kind]] if kind != "人民政府" else []
    title_agency = rng.choices([agency, rng.choice(short_forms)], [4, 1])[0]
    title = f"{title_agency}{year}{rng.choice(['年', '年度'])}政府信息公开工作年度报告"

    overview, quotes = _overview(rng, me, year, values)
    sections = {code: heads[0] for code, heads in SECTION_HEADINGS.items()}
    for code in ("appeals", "problems"):
        if rng.random() < 0.2:
            sections[code] = SECTION_HEADINGS[code][1]
    return GeneratedReport(
        key=f"g{index:04d}",
        era=era,
        agency=agency,
        agency_kind=kind,
        region=region.prefix,
        region_code=region.code,
        title_agency=title_agency,
        report_year=year,
        published=pub.isoformat(),
        published_style=rng.choice(["arabic", "chinese"]),
        title=title,
        intro=_intro(rng, agency, me, year, region),
        sections=sections,
        section_bodies={
            "overview": overview,
            "problems": _problems(rng, me, year),
            "other": _other(rng, era, year, values),
        },
        text_quotes=quotes,
        labels=_labels(era, variants),
        label_variants=tuple(sorted(variants)),
        cells=cells,
        raw=raw,
        violations=expected,
        violation_detail=detail,
        violation_cells=touched,
        blank_style="slash" if slash else "zero",
        large=large,
        layout_seed=rng.getrandbits(32),
    )


def generate(seed: int, n: int) -> list[GeneratedReport]:
    """``n`` reports, deterministic for ``(seed, n)``.

    Shares are fixed quotas (rounded), not independent draws, so that even small corpora contain
    every era and fault: 60% 2021 / 25% 2019 / 15% hybrid, 25% large, 20% with one injected
    violation (kinds cycled), 10% printing zero Table 2 cells as "/", label variants 1、 (10%),
    合计 (5%) and the 行政止公开 typo (5%).
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)
    n_2019, n_hybrid = round(0.25 * n), round(0.15 * n)
    quota: dict[Era, int] = {"2019": n_2019, "hybrid": n_hybrid, "2021": n - n_2019 - n_hybrid}
    eras: list[Era] = [era for era, count in quota.items() for _ in range(count)]
    rng.shuffle(eras)
    large = _quota(rng, n, 0.25)
    violated = sorted(_quota(rng, n, 0.20))
    offset = rng.randrange(len(VIOLATION_KINDS))
    kinds = {i: VIOLATION_KINDS[(offset + j) % len(VIOLATION_KINDS)] for j, i in enumerate(violated)}
    slash = _quota(rng, n, 0.10)
    variant_sets: list[set[str]] = [set() for _ in range(n)]
    for name, share in (("numbering_dunhao", 0.10), ("total_heji", 0.05), ("typo_d_law", 0.05)):
        for i in _quota(rng, n, share):
            variant_sets[i].add(name)
    seeds = [rng.getrandbits(64) for _ in range(n)]
    return [
        _report(random.Random(seeds[i]), i, eras[i], i in large, kinds.get(i), i in slash, variant_sets[i])
        for i in range(n)
    ]
