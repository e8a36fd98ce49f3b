"""Model reports with full truth: every printed cell of Tables 2–4 (2021 format) and the narrative.

Written from `shared/spec/` alone (template_2021.md, codebook.csv, identities.md): the labels are
the template's, the values are drawn so that every hard identity holds (T3-FLOW, T3-LEAF, T3-COL,
T4-SUM, the DOM rules) and the narrative quotes only figures that agree with the tables (T3-TXT,
T4-TXT), so an assembled report of these members has no failing check unless one is injected.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

CellKey = tuple[str, str, str]  # (table, row, col) with the codebook's codes

# ---------------------------------------------------------------- the template (codebook codes, printed labels)

T2_BLOCKS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    ("第二十条第（一）项", ("issued", "repealed", "in_force"),
     (("t2.i1.reg", "规章"), ("t2.i1.nds", "行政规范性文件"))),
    ("第二十条第（五）项", ("decisions",), (("t2.i5.lic", "行政许可"),)),
    ("第二十条第（六）项", ("decisions",), (("t2.i6.pen", "行政处罚"), ("t2.i6.coe", "行政强制"))),
    ("第二十条第（八）项", ("amount_wan",), (("t2.i8.fee", "行政事业性收费"),)),
)
T2_HEADERS = {"issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
              "decisions": "本年处理决定数量", "amount_wan": "本年收费金额（单位：万元）"}

T3_COLS = ("np", "biz", "sci", "npo", "law", "oth", "tot")
T3_APPLICANTS = T3_COLS[:-1]
T3_ORG_LABELS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# (row code, label, group label or "" for a row of its own); group rows print no numbers
T3_RESULT_ROWS: tuple[tuple[str, str, str], ...] = (
    ("t3.r3.1", "（一）予以公开", ""),
    ("t3.r3.2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    ("t3.r3.3.1", "1.属于国家秘密", "（三）不予公开"),
    ("t3.r3.3.2", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    ("t3.r3.3.3", "3.危及“三安全一稳定”", "（三）不予公开"),
    ("t3.r3.3.4", "4.保护第三方合法权益", "（三）不予公开"),
    ("t3.r3.3.5", "5.属于三类内部事务信息", "（三）不予公开"),
    ("t3.r3.3.6", "6.属于四类过程性信息", "（三）不予公开"),
    ("t3.r3.3.7", "7.属于行政执法案卷", "（三）不予公开"),
    ("t3.r3.3.8", "8.属于行政查询事项", "（三）不予公开"),
    ("t3.r3.4.1", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    ("t3.r3.4.2", "2.没有现成信息需要另行制作", "（四）无法提供"),
    ("t3.r3.4.3", "3.补正后申请内容仍不明确", "（四）无法提供"),
    ("t3.r3.5.1", "1.信访举报投诉类申请", "（五）不予处理"),
    ("t3.r3.5.2", "2.重复申请", "（五）不予处理"),
    ("t3.r3.5.3", "3.要求提供公开出版物", "（五）不予处理"),
    ("t3.r3.5.4", "4.无正当理由大量反复申请", "（五）不予处理"),
    ("t3.r3.5.5", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
    ("t3.r3.6.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    ("t3.r3.6.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    ("t3.r3.6.3", "3.其他", "（六）其他处理"),
    ("t3.r3.7", "（七）总计", ""),
)
T3_LEAVES = tuple(code for code, _, _ in T3_RESULT_ROWS if code != "t3.r3.7")
T3_TOP = (("t3.r1", "一、本年新收政府信息公开申请数量"), ("t3.r2", "二、上年结转政府信息公开申请数量"))
T3_RESULT_LABEL = "三、本年度办理结果"
T3_CARRY_OUT = ("t3.r4", "四、结转下年度继续办理")
T3_ROWS = ("t3.r1", "t3.r2", *(code for code, _, _ in T3_RESULT_ROWS), "t3.r4")

T4_COLS = ("up", "cor", "oth", "pend", "tot")
T4_COL_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_ROWS = ("t4.rev", "t4.lit.dir", "t4.lit.rev")

SECTION_HEADINGS = (
    ("overview", "一、总体情况"),
    ("proactive", "二、主动公开政府信息情况"),
    ("requests", "三、收到和处理政府信息公开申请情况"),
    ("appeals", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """One narrative part as printed: its code in sections.csv, its heading and its paragraphs."""

    code: str
    heading: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.paragraphs)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelReport:
    """One agency-year report: what it prints, cell by cell, and its narrative."""

    agency: str
    year: int
    published: str  # ISO date, printed under the signature and in the page's metadata
    index_number: str
    cells: dict[CellKey, float] = field(hash=False)
    raw: dict[CellKey, str] = field(hash=False)  # the printed text of each cell
    sections: tuple[Section, ...]

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def table(self, name: str) -> dict[CellKey, float]:
        return {k: v for k, v in self.cells.items() if k[0] == name}

    def with_cell(self, key: CellKey, value: int) -> ModelReport:
        """The same report with one printed cell changed (an injected disagreement)."""
        return replace(self, cells={**self.cells, key: float(value)}, raw={**self.raw, key: str(value)})


def _small(rng: random.Random, hi: int, zero_share: float = 0.55) -> int:
    """Counts as agencies print them: mostly zero, a few small numbers."""
    return 0 if rng.random() < zero_share else rng.randint(1, hi)


def draw_t3(rng: random.Random) -> dict[CellKey, int]:
    """Table 3 with T3-LEAF, T3-FLOW and T3-COL holding on every column."""
    out: dict[CellKey, int] = {}
    for col in T3_APPLICANTS:
        busy = col in ("np", "biz")
        leaves = {row: _small(rng, 30 if busy else 3, 0.4 if busy else 0.85) for row in T3_LEAVES}
        leaves["t3.r3.6.2"] = 0  # no fee notices (T3-FEE stays quiet; section 六 says so)
        total = sum(leaves.values())
        carry_out = _small(rng, 3, 0.6) if busy else 0
        carry_in = rng.randint(0, min(3, total + carry_out)) if busy else 0
        out |= {("t3", row, col): v for row, v in leaves.items()}
        out |= {("t3", "t3.r3.7", col): total, ("t3", "t3.r4", col): carry_out,
                ("t3", "t3.r2", col): carry_in, ("t3", "t3.r1", col): total + carry_out - carry_in}
    for row in T3_ROWS:
        out[("t3", row, "tot")] = sum(out[("t3", row, c)] for c in T3_APPLICANTS)
    return out


def draw_t4(rng: random.Random) -> dict[CellKey, int]:
    """Table 4 with T4-SUM holding on its three rows."""
    out: dict[CellKey, int] = {}
    for row in T4_ROWS:
        parts = {col: _small(rng, 4, 0.5) for col in T4_COLS[:-1]}
        out |= {("t4", row, col): v for col, v in parts.items()}
        out[("t4", row, "tot")] = sum(parts.values())
    return out


def draw_t2(rng: random.Random) -> dict[CellKey, str]:
    """Table 2 as printed (the fee in 万元 with two decimals)."""
    out: dict[CellKey, str] = {}
    for row in ("t2.i1.reg", "t2.i1.nds"):
        issued, repealed = rng.randint(0, 6), rng.randint(0, 3)
        out |= {("t2", row, "issued"): str(issued), ("t2", row, "repealed"): str(repealed),
                ("t2", row, "in_force"): str(issued + rng.randint(repealed, 60))}
    for row in ("t2.i5.lic", "t2.i6.pen", "t2.i6.coe"):
        out[("t2", row, "decisions")] = str(rng.randint(0, 3000))
    out[("t2", "t2.i8.fee", "amount_wan")] = f"{rng.randint(0, 900)}.{rng.randint(1, 99):02d}"
    return out


def narrative(agency: str, year: int, t3: dict[CellKey, int], t4: dict[CellKey, int]) -> tuple[Section, ...]:
    """The six parts; every figure quoted agrees with the tables (T3-TXT, T4-TXT)."""
    lit = t4[("t4", "t4.lit.dir", "tot")] + t4[("t4", "t4.lit.rev", "tot")]
    paras = {
        "overview": (f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
                     "扎实推进政府信息公开工作。",
                     "（一）主动公开。通过门户网站政府信息公开专栏及时发布机构职能、政策文件、财政预决算等信息。",
                     f"（二）依申请公开。全年新收政府信息公开申请{t3[('t3', 't3.r1', 'tot')]}件，"
                     f"上年结转{t3[('t3', 't3.r2', 'tot')]}件，均在法定期限内答复。",
                     "（三）政府信息管理。落实公开前保密审查和公开属性源头认定，动态更新政府信息公开指南。",
                     "（四）政府信息公开平台建设。优化政府信息公开专栏栏目设置，确保信息准确、及时、规范发布。",
                     "（五）监督保障。将政府信息公开工作纳入年度绩效考核，全年未发生责任追究情况。"),
        "proactive": ("本年度主动公开政府信息情况如下表。",),
        "requests": (f"本年度办理政府信息公开申请{t3[('t3', 't3.r3.7', 'tot')]}件，"
                     f"结转下年度继续办理{t3[('t3', 't3.r4', 'tot')]}件。",),
        "appeals": (f"本年度因政府信息公开工作被申请行政复议{t4[('t4', 't4.rev', 'tot')]}件，被提起行政诉讼{lit}件。",),
        "problems": ("一是公开内容的深度和广度有待拓展；二是政策解读形式还不够丰富。下一步将加强业务培训，"
                     "进一步规范公开工作流程。",),
        "other": ("本年度未收取信息处理费。", "本机关无其他需要报告的事项。"),
    }
    return tuple(Section(code=code, heading=heading, paragraphs=paras[code]) for code, heading in SECTION_HEADINGS)


def make_report(rng: random.Random, *, agency: str, year: int, published: str, index_number: str) -> ModelReport:
    """A complete 2021-format report of `agency` for `year`."""
    t3, t4, t2 = draw_t3(rng), draw_t4(rng), draw_t2(rng)
    raw: dict[CellKey, str] = {**t2, **{k: str(v) for k, v in (t3 | t4).items()}}
    cells = {k: float(v) for k, v in raw.items()}
    return ModelReport(agency=agency, year=year, published=published, index_number=index_number, cells=cells,
                       raw=raw, sections=narrative(agency, year, t3, t4))
