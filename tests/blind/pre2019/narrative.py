"""Report prose: the numberless boilerplate every report has, and the narrative-only figures.

Narrative-only reports (2008–2013 free form, and many later departments) state their figures in
sentences ("共受理政府信息公开申请12件，其中当面申请3件…；已答复…，其中同意公开…"). Each figure written
here is recorded with its code and unit so the truth is the prose itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

CN_DIGITS = "〇一二三四五六七八九"


@dataclass
class Prose:
    """Blocks (('h'|'p', text)) and the figures they state: code → (value, unit, printed label)."""

    blocks: list[tuple[str, str]] = field(default_factory=list)
    figures: dict[str, tuple[float, str, str]] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)
    conflicts: list[str] = field(default_factory=list)


def cn_date(year: int, month: int, day: int) -> str:
    """二〇一二年三月二十日 — the signature date as printed."""

    def num(n: int) -> str:
        if n < 10:
            return CN_DIGITS[n]
        tens = "十" if n < 20 else CN_DIGITS[n // 10] + "十"
        return tens + (CN_DIGITS[n % 10] if n % 10 else "")

    return "".join(CN_DIGITS[int(d)] for d in str(year)) + f"年{num(month)}月{num(day)}日"


def fmt(v: float) -> str:
    """A value as a report prints it: integers without decimals."""
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def intro(agency: str, year: int, parts: str) -> list[tuple[str, str]]:
    """The opening paragraph and the overview, without figures."""
    return [
        (
            "p",
            f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，特向社会公布{agency}{year}年度政府信息公开"
            f"工作年度报告。本报告由{parts}组成。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        ),
        ("h", "一、概述"),
        (
            "p",
            f"{year}年，我单位认真贯彻落实《条例》，坚持“公开为原则，不公开为例外”，不断完善公开内容，规范操作流程，"
            "强化载体建设，政府信息公开工作稳步推进。",
        ),
    ]


def closing(year: int) -> list[tuple[str, str]]:
    """The problems section and the signature."""
    return [
        ("h", "五、政府信息公开工作存在的主要问题及改进措施"),
        (
            "p",
            "一是公开内容还不够全面；二是依申请公开工作机制仍需进一步规范。下一步，我们将进一步加强培训指导，"
            "拓展公开渠道，提升工作水平。",
        ),
        ("p", cn_date(year + 1, 3, 20)),
    ]


class _Writer:
    """Builds sentences and records the figure of every slot it fills."""

    def __init__(self, prose: Prose) -> None:
        self.prose = prose

    def num(self, code: str, value: float, unit: str, label: str) -> str:
        self.prose.figures[code] = (value, unit, label)
        return f"{fmt(value)}{unit}"


def _requests(w: _Writer, v: dict[str, float], rng: random.Random) -> str:
    unit = rng.choice(["件", "件", "宗"])
    chans = [
        ("p.req.received.in_person", "当面申请"),
        ("p.req.received.online", "网上申请"),
        ("p.req.received.mail", "信函申请"),
        ("p.req.received.fax", "传真申请"),
        ("p.req.received.email", "电子邮件申请"),
    ]
    parts = [f"{lab}{w.num(c, v[c], unit, lab)}" for c, lab in chans if v[c] or rng.random() < 0.5]
    s = f"全年共受理政府信息公开申请{w.num('p.req.received', v['p.req.received'], unit, '受理政府信息公开申请')}"
    s += ("，其中" + "，".join(parts) if parts else "") + "。"
    types = [
        ("p.ans.granted", "同意公开"),
        ("p.ans.partial", "同意部分公开"),
        ("p.ans.refused", "不予公开"),
        ("p.ans.not_exist", "信息不存在"),
        ("p.ans.not_held", "非本机关掌握"),
        ("p.ans.unclear", "申请内容不明确"),
    ]
    ans = [f"{lab}{w.num(c, v[c], '件', lab)}" for c, lab in types]
    s += f"已答复{w.num('p.req.answered', v['p.req.answered'], '件', '已答复')}，其中" + "，".join(ans) + "。"
    return s


def narrative_report(
    rng: random.Random, agency: str, year: int, v: dict[str, float], conflict: bool
) -> Prose:
    """A free-form report whose figures exist only in its sentences."""
    prose = Prose()
    w = _Writer(prose)
    prose.blocks += intro(
        agency,
        year,
        "概述、主动公开政府信息情况、依申请公开政府信息情况、收费及减免情况、行政复议和行政诉讼情况、"
        "存在的主要问题及改进措施",
    )
    if conflict:
        prose.blocks.append(
            ("p", f"全年共收到政府信息公开申请{fmt(v['p.req.received'] + 2)}件，均已按时答复。")
        )
        prose.conflicts.append("p.req.received")
    prose.blocks.append(("h", "二、主动公开政府信息情况"))
    prose.blocks.append(
        (
            "p",
            f"{year}年，共主动公开政府信息{w.num('p.active.total', v['p.active.total'], '条', '主动公开政府信息')}，"
            f"其中规范性文件{w.num('p.active.nds_published', v['p.active.nds_published'], '条', '规范性文件')}。"
            "主动公开的信息主要通过门户网站、政府公报、公共查阅点等渠道发布。",
        )
    )
    prose.blocks.append(("h", "三、依申请公开政府信息情况"))
    prose.blocks.append(("p", _requests(w, v, rng)))
    prose.blocks.append(("h", "四、政府信息公开的收费及减免情况"))
    prose.blocks.append(
        (
            "p",
            f"本年度依申请提供政府信息，共收取检索费、复制费、邮寄费"
            f"{w.num('p.fee.amount', v['p.fee.amount'], '元', '收取检索费、复制费、邮寄费')}。",
        )
    )
    prose.blocks.append(("h", "五、因政府信息公开申请行政复议、提起行政诉讼的情况"))
    prose.blocks.append(("p", _appeals(w, v)))
    prose.blocks.append(("h", "六、机构建设、会议和培训情况"))
    prose.blocks.append(
        (
            "p",
            f"现有从事政府信息公开工作人员{fmt(v['p.staff.full'] + v['p.staff.part'])}人，其中专职人员"
            f"{w.num('p.staff.full', v['p.staff.full'], '人', '专职人员')}，兼职人员"
            f"{w.num('p.staff.part', v['p.staff.part'], '人', '兼职人员')}；安排政府信息公开专项经费"
            f"{w.num('p.budget_wan', v['p.budget_wan'], '万元', '政府信息公开专项经费')}。全年召开政府信息公开工作会议"
            f"{w.num('p.meetings', v['p.meetings'], '次', '召开政府信息公开工作会议')}，举办培训班"
            f"{w.num('p.trainings', v['p.trainings'], '次', '举办培训班')}，培训"
            f"{w.num('p.trainees', v['p.trainees'], '人次', '培训')}。",
        )
    )
    prose.blocks += closing(year)
    for code in prose.conflicts:
        prose.figures.pop(code, None)
    return prose


def _appeals(w: _Writer, v: dict[str, float]) -> str:
    s = (
        f"全年因政府信息公开申请行政复议{w.num('p.review.total', v['p.review.total'], '件', '申请行政复议')}，其中维持具体行政行为"
        f"{w.num('p.review.upheld', v['p.review.upheld'], '件', '维持具体行政行为')}，被依法纠错"
        f"{w.num('p.review.corrected', v['p.review.corrected'], '件', '被依法纠错')}，其他情形"
        f"{w.num('p.review.other', v['p.review.other'], '件', '其他情形')}；"
    )
    s += f"提起行政诉讼{w.num('p.litig.total', v['p.litig.total'], '件', '提起行政诉讼')}。"
    s += f"收到政府信息公开举报投诉{w.num('p.complaints', v['p.complaints'], '件', '举报投诉')}。"
    return s


def table_report_prose(agency: str, year: int, restate: dict[str, float], conflict: str | None) -> Prose:
    """Prose around an annexed 统计表: no figures, or a restated total (equal, or different for a finding)."""
    prose = Prose()
    prose.blocks += intro(
        agency,
        year,
        "概述、主动公开政府信息情况、依申请公开政府信息情况、存在的主要问题及改进措施和政府信息公开情况统计表",
    )
    prose.blocks.append(("h", "二、主动公开政府信息情况"))
    prose.blocks.append(
        ("p", "主动公开的政府信息主要通过门户网站、政府公报和公共查阅点发布，具体数据详见附表。")
    )
    prose.blocks.append(("h", "三、依申请公开政府信息情况"))
    if "p.req.received" in restate:
        shown = restate["p.req.received"] + (3 if conflict == "p.req.received" else 0)
        prose.blocks.append(("p", f"全年共受理政府信息公开申请{fmt(shown)}件，均在规定期限内予以答复。"))
    else:
        prose.blocks.append(("p", "依申请公开工作按照受理、审查、处理、答复的流程办理，具体情况详见附表。"))
    if conflict:
        prose.conflicts.append(conflict)
    prose.blocks += closing(year)
    return prose
