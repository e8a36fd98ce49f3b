"""A generated multi-year corpus: the same agencies over 2019–2024, with injected cross-year faults.

`longitudinal(seed)` returns every report (a `GeneratedReport` per agency-year, plus a duplicate
capture and an edited second version), the bodies (agencies with their printed name per year),
the renames and the merger, and the *truth* of every injected cross-year problem:

* renames — 西湖区科学技术局 becomes 科学技术和工业信息化局 in 2022 (the 2022 report says so);
  东昌区科学技术局 signs with its abbreviation 东昌区科技局 in some years (same body, no link);
* a merger — 鄞州区乡村振兴局 (2021–2022) is merged into 鄞州区农业农村局 in 2023, whose carry-in and
  documents in force include the absorbed body's;
* broken carry-overs (T3-XYEAR), a broken stock of documents in force (T2-STOCK) and a broken
  2019-format item chain (T2v19-ITEMS);
* a narrative copied from the agency's previous report, one copied from another agency's
  report, and plans announced for the report year itself ("2021年，我局将…" in the 2021 report);
* one report captured at two URLs (rendered in two text shapes), and one report republished
  with corrected numbers (two versions).

Numbers are built so that every other cross-year identity holds exactly: the chains continue from
what was printed, and the per-report identities (T3-FLOW, T3-LEAF, T3-COL, T4-SUM) hold in every
report except the first, uncorrected version. Narratives are assembled from fragment slots large
enough that two independent reports share almost no sentence.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from .text import render_text
from .truth import (
    REGIONS,
    SECTION_HEADINGS,
    T3_APPLICANT,
    T4_COLS,
    T4_ROWS,
    CellKey,
    Era,
    GeneratedReport,
    Region,
    cell_order,
    failing_rules,
    t2_blocks,
    t3_leaves,
    t3_rows,
)

YEARS: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023, 2024)


@dataclass(frozen=True, slots=True)
class Body:
    """One reporting body over the years: truth key, region, full kind, printed name per year."""

    key: str
    region: Region
    kind: str
    names: dict[int, str]
    government: bool = False

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self.names))


@dataclass(frozen=True, slots=True)
class Finding:
    """An injected cross-year problem: the rule that must flag it, on which body and year."""

    rule: str
    body: str
    year: int
    detail: str


@dataclass(frozen=True, slots=True)
class Capture:
    """One file of the corpus: the report, the file name, its 索引号, and what it stands for."""

    report: GeneratedReport
    body: str
    path: str
    index_number: str
    url: str
    style: str = "lines"
    role: str = "report"  # report | duplicate | first_version


@dataclass(frozen=True)
class Longitudinal:
    bodies: tuple[Body, ...]
    captures: tuple[Capture, ...]
    findings: tuple[Finding, ...]
    renames: tuple[tuple[str, str, str, int], ...]  # (body, old name, new name, year)
    mergers: tuple[tuple[str, str, int], ...]  # (absorbed body, successor body, year)
    org_codes: dict[str, str] = field(default_factory=dict)

    def body(self, key: str) -> Body:
        return next(b for b in self.bodies if b.key == key)

    def expected_agency_id(self, key: str) -> str:
        """``<region_code>:<kind in full>`` of the body's earliest name (pipeline/agency.py rule 1)."""
        b = self.body(key)
        return f"{b.region.code}:{b.kind}"

    def write(self, folder: Path) -> list[Path]:
        """Every capture as a text file with an archiver header (标题/发布时间/索引号/原文链接)."""
        paths = []
        for cap in self.captures:
            path = folder / cap.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render_capture(cap), encoding="utf-8")
            paths.append(path)
        return paths


def render_capture(cap: Capture) -> str:
    g = cap.report
    header = (f"标题：{g.title}\n发布时间：{g.published}\n索引号：{cap.index_number}\n原文链接：{cap.url}\n"
              + "=" * 20 + "\n")
    return header + render_text(g, cap.style)  # type: ignore[arg-type]


def _region(code: str) -> Region:
    return next(r for r in REGIONS if r.code == code)


# ---------------------------------------------------------------------------------------------
# Narrative: fragment slots with enough combinations that independent reports rarely share a
# sentence, plus boilerplate every agency prints.

_WHEN = ("年初", "一季度", "上半年", "年中", "三季度", "下半年", "年底", "全年")
_ACTION = ("修订完善", "全面梳理", "集中清理", "动态调整", "专项整治", "重新编制", "优化升级", "逐项核查",
           "系统整合", "分类规范", "持续更新", "统一规范")
_OBJECT = ("政府信息公开指南", "主动公开目录", "政策文件库", "依申请公开办理流程", "政务公开专栏", "信息发布审核制度",
           "政策解读栏目", "公开事项标准目录", "办事服务指南", "重点领域信息专栏", "保密审查清单", "网站信息更新机制")
_RESULT = ("群众查询更加便捷", "信息发布更加及时", "办理时限明显缩短", "公开内容更加规范", "政策知晓度进一步提高",
           "社会反响良好", "答复质量稳步提升", "工作效率明显提高", "差错率明显下降", "公开质量进一步提升")
_EXTRA = ("累计更新栏目{n}个", "新增公开条目{n}条", "组织业务培训{n}次", "开展自查{n}轮", "整改问题{n}项",
          "回应公众关切{n}次", "发布政策解读{n}篇", "举办政府开放日活动{n}场")
_PROBLEM = ("基层公开力量较为薄弱", "部分栏目更新不够及时", "政策解读形式比较单一", "依申请公开答复规范性有待提高",
            "公开内容与群众需求结合不够紧密", "信息公开平台集约化程度不高", "数据开放工作推进较慢")
_FIX = ("加强业务培训", "健全考核机制", "丰富解读形式", "完善审核流程", "推进平台整合", "强化督促检查")
_FUTURE = ("持续深化政务公开标准化规范化建设", "进一步提升政府信息公开质量", "继续加强政策解读和回应关切",
           "着力推进基层政务公开", "不断优化依申请公开办理流程", "坚持以公开为常态、不公开为例外")
_BOILERPLATE = (
    "严格落实保密审查制度，做到“先审查、后公开”和“一事一审”。",
    "进一步规范政府信息管理，动态更新政府信息公开指南和公开目录。",
    "将政务公开工作纳入年度绩效考核，定期开展督促检查。",
)


def _self_ref(kind: str) -> str:
    return "我区" if kind == "人民政府" else "我委" if kind.endswith("委员会") else "我" + kind[-1]


def _narrative(rng: random.Random, me: str, year: int, era: Era) -> dict[str, str]:
    overview = [f"{year}年，{me}认真贯彻落实《中华人民共和国政府信息公开条例》，政府信息公开工作有序开展。"]
    for when, action, obj, result, extra in zip(rng.sample(_WHEN, 5), rng.sample(_ACTION, 5), rng.sample(_OBJECT, 5),
                                                rng.sample(_RESULT, 5), rng.sample(_EXTRA, 5), strict=True):
        overview.append(f"{when}，{me}{action}{obj}，{extra.format(n=rng.randint(2, 40))}，{result}。")
    overview += rng.sample(_BOILERPLATE, 2)
    problems = (f"{me}政府信息公开工作仍存在一些不足，主要是{rng.choice(_PROBLEM)}，{rng.choice(_PROBLEM)}。"
                f"下一步，将{rng.choice(_FIX)}，{rng.choice(_FIX)}。")
    fee = "本年度未收取信息处理费。" if era != "2019" else "本年度未收取政府信息公开相关费用。"
    first, second = rng.sample(_FUTURE, 2)
    plan = f"{year + 1}年，{me}将{first}，{second}，为社会公众提供更加优质的服务。"
    return {"overview": "".join(overview), "problems": problems, "other": fee + plan}


def _shift_years(text: str, by: int) -> str:
    return re.sub(r"(?<!\d)(20\d\d)(?!\d)", lambda m: str(int(m.group(1)) + by), text)


# ---------------------------------------------------------------------------------------------
# Numbers


@dataclass
class _State:
    """What the previous printed report of a body left: carry-out, stocks, item counts."""

    carry_out: dict[str, int] = field(default_factory=dict)
    in_force: dict[str, int] = field(default_factory=dict)
    items: dict[str, tuple[int, int]] = field(default_factory=dict)  # row -> (items_prev, items_delta)


_WEIGHTS = {"t3.r3.1": 36, "t3.r3.2": 8, "t3.r3.3.1": 0.3, "t3.r3.3.2": 1, "t3.r3.3.3": 0.5, "t3.r3.3.4": 2,
            "t3.r3.3.5": 2, "t3.r3.3.6": 3, "t3.r3.3.7": 1, "t3.r3.3.8": 2, "t3.r3.4.1": 24, "t3.r3.4.2": 3,
            "t3.r3.4.3": 4, "t3.r3.5.1": 3, "t3.r3.5.2": 3, "t3.r3.5.3": 0.5, "t3.r3.5.4": 1, "t3.r3.5.5": 0.5,
            "t3.r3.6.1": 4, "t3.r3.6.2": 0.2, "t3.r3.6.3": 3, "t3.r3.6": 7}
_ITEM_ROWS = ("t2.i5.lic", "t2.i5.svc", "t2.i6.pen", "t2.i6.coe", "t2.i8.fee")


def _t3(rng: random.Random, era: Era, carry_in: dict[str, int], big: bool) -> dict[CellKey, int]:
    leaves = t3_leaves(era)
    weights = [_WEIGHTS[leaf] for leaf in leaves]
    out: dict[CellKey, int] = {}
    for col in T3_APPLICANT:
        if col == "np":
            new = rng.randint(40, 260) if big else rng.randint(3, 45)
        else:
            new = rng.randint(1, 6) if rng.random() < 0.3 else 0
        cin = carry_in.get(col, 0)
        avail = new + cin
        cout = rng.randint(1, min(4, avail)) if avail and rng.random() < 0.5 else 0
        handled = avail - cout
        counts = Counter(rng.choices(leaves, weights, k=handled))
        out[("t3", "t3.r1", col)], out[("t3", "t3.r2", col)] = new, cin
        out[("t3", "t3.r3.7", col)], out[("t3", "t3.r4", col)] = handled, cout
        for leaf in leaves:
            out[("t3", leaf, col)] = counts[leaf]
    for row, _ in t3_rows(era):
        out[("t3", row, "tot")] = sum(out[("t3", row, c)] for c in T3_APPLICANT)
    return out


def _t4(rng: random.Random) -> dict[CellKey, int]:
    out: dict[CellKey, int] = {}
    for row in T4_ROWS:
        parts = [rng.randint(0, 3) if rng.random() < 0.3 else 0 for _ in range(4)]
        for col, v in zip(T4_COLS[:4], parts, strict=True):
            out[("t4", row, col)] = v
        out[("t4", row, "tot")] = sum(parts)
    return out


def _t2(rng: random.Random, era: Era, body: Body, state: _State, merged: list[_State]) -> dict[CellKey, str]:
    out: dict[CellKey, str] = {}
    makes_rules = body.government and body.region.level in ("city", "province")
    if era == "2019":
        for row in ("t2.i1.reg", "t2.i1.nds"):
            made = (rng.randint(0, 6) if makes_rules else 0) if row == "t2.i1.reg" else rng.randint(0, 20)
            total = made + rng.randint(0, 200)
            out[("t2", row, "made_new")], out[("t2", row, "pub_new")] = str(made), str(made)
            out[("t2", row, "pub_total")] = str(total)
        for row in _ITEM_ROWS:
            prev = state.items.get(row)
            items_prev = prev[0] + prev[1] if prev else rng.randint(0, 300)
            delta = rng.choice([0, 0, 0, 1, 2, -1]) if items_prev else rng.choice([0, 1])
            out[("t2", row, "items_prev")], out[("t2", row, "items_delta")] = str(items_prev), str(delta)
            if row != "t2.i8.fee":
                out[("t2", row, "decisions")] = str(rng.randint(0, 900))
        out[("t2", "t2.i9.proc", "proc_items")], out[("t2", "t2.i9.proc", "proc_amount")] = "0", "0"
        return out
    for row in ("t2.i1.reg", "t2.i1.nds"):
        if row == "t2.i1.reg" and not makes_rules:
            issued = repealed = 0
            base = 0
        else:
            base = state.in_force.get(row, rng.randint(20, 300)) + sum(m.in_force.get(row, 0) for m in merged)
            issued = rng.randint(0, 8 if row == "t2.i1.reg" else 30)
            repealed = rng.randint(0, min(base, 5))
        out[("t2", row, "issued")], out[("t2", row, "repealed")] = str(issued), str(repealed)
        out[("t2", row, "in_force")] = str(base + issued - repealed)
    for row in ("t2.i5.lic", "t2.i6.pen", "t2.i6.coe"):
        out[("t2", row, "decisions")] = str(rng.randint(0, 5000 if body.government else 600))
    out[("t2", "t2.i8.fee", "amount_wan")] = f"{rng.randint(0, 900)}.{rng.randint(0, 99):02d}" if body.government else "0"
    return out


def _apply(state: _State, era: Era, raw: dict[CellKey, str]) -> _State:
    """The state a printed report leaves for the next year."""
    nxt = _State(carry_out={c: int(raw[("t3", "t3.r4", c)]) for c in T3_APPLICANT})
    if era == "2019":
        nxt.items = {row: (int(raw[("t2", row, "items_prev")]), int(raw[("t2", row, "items_delta")]))
                     for row in _ITEM_ROWS}
    else:
        nxt.in_force = {row: int(raw[("t2", row, "in_force")]) for row in ("t2.i1.reg", "t2.i1.nds")}
    return nxt


# ---------------------------------------------------------------------------------------------
# Assembly


def _bodies() -> tuple[Body, ...]:
    def full(code: str, kind: str, years: tuple[int, ...] = YEARS, gov: bool = False) -> Body:
        r = _region(code)
        return Body("", r, kind, dict.fromkeys(years, r.prefix + kind), gov)

    spec = [
        ("L01", full("220502", "科学技术局")),
        ("L02", full("330106", "科学技术局")),
        ("L03", full("330212", "乡村振兴局", (2021, 2022))),
        ("L04", full("330212", "农业农村局")),
        ("L05", full("350102", "教育局")),
        ("L06", full("440104", "民政局")),
        ("L07", full("510107", "民政局")),
        ("L08", full("420106", "司法局")),
        ("L09", full("370102", "财政局")),
        ("L10", full("430104", "统计局")),
        ("L11", full("610113", "审计局")),
        ("L12", full("410105", "住房和城乡建设局")),
        ("L13", full("320506", "人民政府", gov=True)),
        ("L14", full("320800", "人民政府", gov=True)),
        ("L15", full("130000", "统计局")),
    ]
    bodies = [replace(b, key=k) for k, b in spec]
    # The abbreviation: 东昌区科技局 signs some reports with the short form of its name.
    b1 = bodies[0]
    bodies[0] = replace(b1, names={y: ("东昌区科技局" if y in (2020, 2022) else n) for y, n in b1.names.items()})
    # The rename: 西湖区科学技术局 → 西湖区科学技术和工业信息化局 from 2022.
    b2 = bodies[1]
    bodies[1] = replace(b2, names={y: (b2.region.prefix + "科学技术和工业信息化局" if y >= 2022 else n)
                                   for y, n in b2.names.items()})
    return tuple(bodies)


def _era(body: Body, year: int) -> Era:
    if year <= 2020:
        return "2019"
    return "hybrid" if body.key == "L13" and year == 2024 else "2021"


def _org_code(rng: random.Random) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        base = "".join(rng.choice(chars) for _ in range(8))
        weights = (3, 7, 9, 10, 5, 8, 4, 2)
        check = 11 - sum(int(c, 36) * w for c, w in zip(base, weights, strict=True)) % 11
        return base + ("X" if check == 10 else "0" if check == 11 else str(check))


def longitudinal(seed: int = 2024) -> Longitudinal:
    """The corpus (see the module docstring); a pure function of `seed`."""
    rng = random.Random(seed)
    bodies = _bodies()
    org = {b.key: _org_code(rng) for b in bodies}
    findings: list[Finding] = []
    states: dict[str, _State] = {}
    captures: list[Capture] = []
    narratives: dict[tuple[str, int], dict[str, str]] = {}
    by_key = {b.key: b for b in bodies}
    for year in YEARS:
        for body in bodies:
            if year not in body.names:
                continue
            brng = random.Random(f"{seed}-{body.key}-{year}")
            era = _era(body, year)
            state = states.get(body.key, _State())
            merged = [states["L03"]] if body.key == "L04" and year == 2023 else []
            carry_in = {c: state.carry_out.get(c, 0) + sum(m.carry_out.get(c, 0) for m in merged) for c in T3_APPLICANT}
            if (body.key, year) in (("L09", 2021), ("L09", 2023)):
                carry_in["np"] += 3
                findings.append(Finding("T3-XYEAR", body.key, year, "上年结转 (np) = last year's 结转下年度 + 3"))
            values = _t3(brng, era, carry_in, big=body.government) | _t4(brng)
            raw = _t2(brng, era, body, state, merged) | {k: str(v) for k, v in values.items()}
            if (body.key, year) == ("L10", 2022):
                row = ("t2", "t2.i1.nds", "in_force")
                raw[row] = str(int(raw[row]) + 17)
                findings.append(Finding("T2-STOCK", body.key, year, "现行有效件数 (行政规范性文件) + 17"))
            if (body.key, year) == ("L11", 2020):
                row = ("t2", "t2.i5.lic", "items_prev")
                raw[row] = str(int(raw[row]) + 5)
                findings.append(Finding("T2v19-ITEMS", body.key, year, "上一年项目数量 (行政许可) + 5"))
            me = _self_ref(body.kind)
            text = _narrative(brng, me, year, era)
            if (body.key, year) == ("L05", 2022):
                text = {k: _shift_years(v, 1) for k, v in narratives[("L05", 2021)].items()}
                findings.append(Finding("NARR-COPY-PREV", body.key, year, "narrative of 2021 with the years moved on"))
            if (body.key, year) == ("L06", 2023):
                text = {k: _shift_years(v, 1) for k, v in narratives[("L07", 2022)].items()}
                findings.append(Finding("NARR-COPY-OTHER", body.key, year, "narrative of L07 2022, years moved on"))
            if (body.key, year) in (("L08", 2021), ("L08", 2024)):
                text["other"] = text["other"].replace(f"{year + 1}年，{me}将", f"{year}年，{me}将")
                findings.append(Finding("NARR-YEAR", body.key, year, f"plans announced for {year}"))
            if (body.key, year) == ("L02", 2022):
                old, new = by_key["L02"].names[2021], by_key["L02"].names[2022]
                text["overview"] = (f"{year}年，根据机构改革方案，{old}更名为{new}，政府信息公开工作由{me}继续承担。"
                                    + text["overview"])
            if (body.key, year) == ("L04", 2023):
                absorbed = by_key["L03"].names[2022]
                text["overview"] = (f"根据机构改革方案，{absorbed}的职责整合划入{me}，{absorbed}不再保留。"
                                    + text["overview"])
            narratives[(body.key, year)] = text
            g = _report(body, year, era, raw, text, brng)
            states[body.key] = _apply(state, era, g.raw)
            stem = f"{body.key}_{year}"
            url = f"http://xxgk.gov.example/{body.key}/{year}/index.htm"
            if (body.key, year) == ("L11", 2021):  # published first with a typo, then corrected
                wrong = dict(g.raw)
                for col in ("np", "tot"):
                    wrong[("t3", "t3.r1", col)] = str(int(wrong[("t3", "t3.r1", col)]) + 10)
                first = _with_raw(g, wrong, published=f"{year + 1}-01-20")
                captures.append(Capture(first, body.key, f"site/{stem}_v1.txt", org[body.key], url,
                                        role="first_version"))
                g = replace(g, published=f"{year + 1}-03-10")
            captures.append(Capture(g, body.key, f"site/{stem}.txt", org[body.key], url))
            if (body.key, year) == ("L12", 2022):  # the same report on a mirror, another text shape
                captures.append(Capture(g, body.key, f"mirror/{stem}.txt", org[body.key],
                                        f"http://mirror.gov.example/{stem}.htm", style="tabs", role="duplicate"))
    renames = (("L02", by_key["L02"].names[2021], by_key["L02"].names[2022], 2022),)
    return Longitudinal(bodies, tuple(captures), tuple(findings), renames, (("L03", "L04", 2023),), org)


def _labels(era: Era) -> dict[str, str]:
    return {row: label for block in t2_blocks(era) for row, label in block.rows} | dict(t3_rows(era))


def _report(body: Body, year: int, era: Era, raw: dict[CellKey, str], text: dict[str, str],
            rng: random.Random) -> GeneratedReport:
    order = cell_order(era)
    raw = {k: raw[k] for k in order}
    cells: dict[CellKey, float | None] = {k: float(v) if "." in v else int(v) for k, v in raw.items()}
    if failing_rules(cells, era):
        raise AssertionError(f"longitudinal generator bug: {body.key} {year} fails {failing_rules(cells, era)}")
    name = body.names[year]
    month = rng.randint(1, 3)
    published = f"{year + 1}-{month:02d}-{rng.randint(1, 28):02d}"
    return GeneratedReport(
        key=f"{body.key}-{year}", era=era, agency=name, agency_kind=body.kind, region=body.region.prefix,
        region_code=body.region.code, title_agency=name, report_year=year, published=published,
        published_style=rng.choice(["arabic", "chinese"]), title=f"{name}{year}年度政府信息公开工作年度报告",
        intro=(f"根据《中华人民共和国政府信息公开条例》规定，现公布{name}{year}年度政府信息公开工作年度报告。"
               f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"),
        sections={code: heads[0] for code, heads in SECTION_HEADINGS.items()}, section_bodies=text,
        text_quotes={}, labels=_labels(era), label_variants=(), cells=cells, raw=raw, violations=(),
        violation_detail="", violation_cells=(), blank_style="zero", large=body.government,
        layout_seed=rng.getrandbits(32),
    )


def _with_raw(g: GeneratedReport, raw: dict[CellKey, str], *, published: str) -> GeneratedReport:
    cells: dict[CellKey, float | None] = {k: float(v) if "." in v else int(v) for k, v in raw.items()}
    return replace(g, raw=raw, cells=cells, published=published, violations=failing_rules(cells, g.era))


__all__ = ["YEARS", "Body", "Capture", "Finding", "Longitudinal", "build_dataset", "built_dataset", "longitudinal",
           "render_capture"]


# ---------------------------------------------------------------------------------------------
# The corpus through the real pipeline, built once per test process.


def build_dataset(folder: Path, seed: int = 2024) -> Path:
    """Write the corpus under `folder`/in, run the pipeline, write the dataset to `folder`/ds."""
    from pipeline.runs.executors import run_items
    from pipeline.runs.inputs import iter_items
    from pipeline.store.dataset import write_dataset

    corpus = longitudinal(seed)
    corpus.write(folder / "in")
    out = folder / "ds"
    write_dataset(out, list(run_items(iter_items([str(folder / "in")]), jobs=0)))
    return out


_BUILT: dict[int, Path] = {}


def built_dataset(seed: int = 2024) -> Path:
    """`build_dataset` in a temporary folder shared by the tests of one process (removed at exit)."""
    if seed not in _BUILT:
        import atexit
        import shutil
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="xxgk-longitudinal-"))
        atexit.register(shutil.rmtree, root, True)
        _BUILT[seed] = build_dataset(root, seed)
    return _BUILT[seed]
