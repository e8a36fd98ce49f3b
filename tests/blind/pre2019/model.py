"""Random pre-2019 reports: the statistics-table styles, their rows, consistent values and identities.

A style is a list of printed rows; each row names a value key (a `p.*` code, or an `x.*` key for a
printed indicator that has no `p.*` code). Values are drawn for the leaves and summed upwards, so a
clean report satisfies every identity the style prints (answered = Σ types, received = Σ channels,
this year ≤ cumulative).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

REVIEW = ("p.review.upheld", "p.review.corrected", "p.review.other")
LITIG = ("p.litig.upheld", "p.litig.corrected", "p.litig.other")
REASONS = tuple(
    f"p.ans.refused.{r}" for r in ("secret", "commercial", "privacy", "safety", "not_gov_info", "other_law")
)


@dataclass(frozen=True)
class Row:
    """One printed row: label as printed (may contain '\\n' where it wraps), unit, value key, group cell."""

    label: str
    unit: str = ""
    key: str | None = None
    group: str = ""
    no_cum: bool = False


@dataclass(frozen=True)
class Style:
    """A statistics-table layout: its rows, identities (parent, children) innermost first, columns."""

    name: str
    rows: tuple[Row, ...]
    identities: tuple[tuple[str, tuple[str, ...]], ...]
    has_cum: bool
    years: tuple[int, int]
    ignore: tuple[str, ...] = ()


def _r(label: str, unit: str = "", key: str | None = None, group: str = "", no_cum: bool = False) -> Row:
    return Row(label, unit, key, group, no_cum)


GB32 = Style(
    "gb32",
    (
        _r("一、主动公开情况"),
        _r("（一）主动公开政府信息数\n（不同渠道和方式公开相同信息计1条）", "条", "p.active.total"),
        _r("其中：主动公开规范性文件数", "条", "p.active.nds_published"),
        _r("制发规范性文件总数", "件", "p.active.nds_made"),
        _r("（二）通过不同渠道和方式公开政府信息的情况"),
        _r("1.政府公报公开政府信息数", "条", "x.gazette"),
        _r("2.政府网站公开政府信息数", "条", "x.web"),
        _r("3.政务微博公开政府信息数", "条", "x.weibo"),
        _r("4.政务微信公开政府信息数", "条", "x.weixin"),
        _r("5.其他方式公开政府信息数", "条", "x.otherch"),
        _r("二、回应解读情况"),
        _r("（一）回应公众关注热点或重大舆情数\n（不同方式回应同一热点或舆情计1次）", "次", "x.resp"),
        _r("（二）通过不同渠道和方式回应解读的情况"),
        _r("1.参加或举办新闻发布会总次数", "次", "x.press"),
        _r("其中：主要负责同志参加新闻发布会次数", "次", "x.press_lead"),
        _r("2.政府网站在线访谈次数", "次", "x.talk"),
        _r("其中：主要负责同志参加政府网站在线访谈次数", "次", "x.talk_lead"),
        _r("3.政策解读稿件发布数", "篇", "x.interp"),
        _r("4.微博微信回应事件数", "次", "x.wb"),
        _r("5.其他方式回应事件数", "次", "x.oth_resp"),
        _r("三、依申请公开情况"),
        _r("（一）收到申请数", "件", "p.req.received"),
        _r("1.当面申请数", "件", "p.req.received.in_person"),
        _r("2.传真申请数", "件", "p.req.received.fax"),
        _r("3.网络申请数", "件", "p.req.received.online"),
        _r("4.信函申请数", "件", "p.req.received.mail"),
        _r("（二）申请办结数", "件", "x.closed"),
        _r("1.按时办结数", "件", "x.closed_ontime"),
        _r("2.延期办结数", "件", "x.closed_late"),
        _r("（三）申请答复数", "件", "p.req.answered"),
        _r("1.属于已主动公开范围数", "件", "p.ans.already_public"),
        _r("2.同意公开答复数", "件", "p.ans.granted"),
        _r("3.同意部分公开答复数", "件", "p.ans.partial"),
        _r("4.不同意公开答复数", "件", "p.ans.refused"),
        _r("其中：涉及国家秘密", "件", "p.ans.refused.secret"),
        _r("涉及商业秘密", "件", "p.ans.refused.commercial"),
        _r("涉及个人隐私", "件", "p.ans.refused.privacy"),
        _r("危及国家安全、公共安全、经济安全和社会稳定", "件", "p.ans.refused.safety"),
        _r("不是《条例》所指政府信息", "件", "p.ans.refused.not_gov_info"),
        _r("法律法规规定的其他情形", "件", "p.ans.refused.other_law"),
        _r("5.不属于本行政机关公开数", "件", "p.ans.not_held"),
        _r("6.申请信息不存在数", "件", "p.ans.not_exist"),
        _r("7.告知作出更改补充数", "件", "p.ans.unclear"),
        _r("8.告知通过其他途径办理数", "件", "x.other_route"),
        _r("四、行政复议数量", "件", "p.review.total"),
        _r("（一）维持具体行政行为数", "件", "p.review.upheld"),
        _r("（二）被依法纠错数", "件", "p.review.corrected"),
        _r("（三）其他情形数", "件", "p.review.other"),
        _r("五、行政诉讼数量", "件", "p.litig.total"),
        _r("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "p.litig.upheld"),
        _r("（二）被依法纠错数", "件", "p.litig.corrected"),
        _r("（三）其他情形数", "件", "p.litig.other"),
        _r("六、举报投诉数量", "件", "p.complaints"),
        _r("七、依申请公开信息收取的费用", "万元", "p.fee.amount"),
        _r("八、机构建设和保障经费情况"),
        _r("（一）政府信息公开工作专门机构数", "个", "x.orgs"),
        _r("（二）设置政府信息公开查阅点数", "个", "x.points"),
        _r("（三）从事政府信息公开工作人员数", "人", "x.staff"),
        _r("1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", "p.staff.full"),
        _r("2.兼职人员数", "人", "p.staff.part"),
        _r(
            "（四）政府信息公开专项经费（不包括用于政府公报编辑管理\n及政府网站建设维护等方面的经费）",
            "万元",
            "p.budget_wan",
        ),
        _r("九、政府信息公开会议和培训情况"),
        _r("（一）召开政府信息公开工作会议或专题会议数", "次", "p.meetings"),
        _r("（二）举办各类培训班数", "次", "p.trainings"),
        _r("（三）接受培训人员数", "人次", "p.trainees"),
    ),
    (
        (
            "p.req.received",
            (
                "p.req.received.in_person",
                "p.req.received.fax",
                "p.req.received.online",
                "p.req.received.mail",
            ),
        ),
        ("p.ans.refused", REASONS),
        (
            "p.req.answered",
            (
                "p.ans.already_public",
                "p.ans.granted",
                "p.ans.partial",
                "p.ans.refused",
                "p.ans.not_held",
                "p.ans.not_exist",
                "p.ans.unclear",
                "x.other_route",
            ),
        ),
        ("x.closed", ("x.closed_ontime", "x.closed_late")),
        ("p.review.total", REVIEW),
        ("p.litig.total", LITIG),
        ("x.staff", ("p.staff.full", "p.staff.part")),
    ),
    has_cum=False,
    years=(2014, 2018),
)

LOCAL_2011 = Style(
    "local",
    (
        _r("主动公开信息数", "条", "p.active.total"),
        _r("其中：1.网站公开", "条", "x.web"),
        _r("2.政府公报公开", "条", "x.gazette"),
        _r("受理依申请公开信息总数", "条", "p.req.received"),
        _r("其中：1.当面申请数", "条", "p.req.received.in_person"),
        _r("2.传真申请数", "条", "p.req.received.fax"),
        _r("3.电子邮件申请数", "条", "p.req.received.email"),
        _r("4.网上申请数", "条", "p.req.received.online"),
        _r("5.信函申请数", "条", "p.req.received.mail"),
        _r("6.其它形式申请数", "条", "p.req.received.other"),
        _r("对申请的答复数", "条", "p.req.answered"),
        _r("其中：1.同意公开答复数", "条", "p.ans.granted"),
        _r("2.同意部分公开答复数", "条", "p.ans.partial"),
        _r("3.否决公开答复数", "条", "p.ans.refused"),
        _r("行政复议数", "条", "p.review.total"),
        _r("行政诉讼数", "条", "p.litig.total"),
        _r("行政申诉数", "条", "x.appeal"),
    ),
    (
        ("p.active.total", ("x.web", "x.gazette")),
        (
            "p.req.received",
            (
                "p.req.received.in_person",
                "p.req.received.fax",
                "p.req.received.email",
                "p.req.received.online",
                "p.req.received.mail",
                "p.req.received.other",
            ),
        ),
        ("p.req.answered", ("p.ans.granted", "p.ans.partial", "p.ans.refused")),
    ),
    has_cum=True,
    years=(2008, 2013),
)

LOCAL_2018 = Style(
    "local",
    (
        _r("主动公开文件数", "条", "p.active.total"),
        _r("其中：1.政府网站公开数", "条", "x.web"),
        _r("2.政府公报公开数", "条", "x.gazette"),
        _r("受理依申请公开信息总数", "条", "p.req.received"),
        _r("其中：1.当面申请数", "条", "p.req.received.in_person"),
        _r("2.网上申请数", "条", "p.req.received.online"),
        _r("3.信函、传真申请数", "条", "x.mail_fax"),
        _r("对申请的答复总数", "条", "p.req.answered"),
        _r("其中：1.同意公开答复数", "条", "p.ans.granted"),
        _r("2.同意部分公开答复数", "条", "p.ans.partial"),
        _r("3.不予公开答复数", "条", "p.ans.refused"),
        _r("4.其他类型答复数", "条", "x.other_answer"),
        _r("接受行政诉讼、举报数", "件", "x.suit_report"),
        _r("行政复议数", "件", "p.review.total"),
        _r("行政诉讼数", "件", "p.litig.total"),
    ),
    (
        ("p.active.total", ("x.web", "x.gazette")),
        ("p.req.received", ("p.req.received.in_person", "p.req.received.online", "x.mail_fax")),
        ("p.req.answered", ("p.ans.granted", "p.ans.partial", "p.ans.refused", "x.other_answer")),
    ),
    has_cum=True,
    years=(2014, 2018),
    ignore=("p.req.received.mail", "p.req.received.fax", "p.req.received.other", "p.complaints"),
)

_G1, _G2, _G3, _G4, _G5 = "主动公开", "依申请公开", "行政复议和\n行政诉讼", "收费及减免", "机构建设和\n培训"
TWOLEVEL = Style(
    "twolevel",
    (
        _r("主动公开政府信息数", "条", "p.active.total", _G1),
        _r("其中：主动公开规范性文件数", "条", "p.active.nds_published", _G1),
        _r("制发规范性文件数", "件", "p.active.nds_made", _G1),
        _r("收到申请数", "件", "p.req.received", _G2),
        _r("其中：当面申请", "件", "p.req.received.in_person", _G2),
        _r("网上申请", "件", "p.req.received.online", _G2),
        _r("信函申请", "件", "p.req.received.mail", _G2),
        _r("电子邮件申请", "件", "p.req.received.email", _G2),
        _r("传真申请", "件", "p.req.received.fax", _G2),
        _r("答复申请数", "件", "p.req.answered", _G2),
        _r("其中：同意公开", "件", "p.ans.granted", _G2),
        _r("同意部分公开", "件", "p.ans.partial", _G2),
        _r("不予公开", "件", "p.ans.refused", _G2),
        _r("非本机关掌握", "件", "p.ans.not_held", _G2),
        _r("信息不存在", "件", "p.ans.not_exist", _G2),
        _r("申请内容不明确", "件", "p.ans.unclear", _G2),
        _r("行政复议", "件", "p.review.total", _G3),
        _r("其中：维持", "件", "p.review.upheld", _G3),
        _r("纠错", "件", "p.review.corrected", _G3),
        _r("其他", "件", "p.review.other", _G3),
        _r("行政诉讼", "件", "p.litig.total", _G3),
        _r("其中：维持", "件", "p.litig.upheld", _G3),
        _r("纠错", "件", "p.litig.corrected", _G3),
        _r("其他", "件", "p.litig.other", _G3),
        _r("依申请公开收取费用", "元", "p.fee.amount", _G4),
        _r("专职工作人员", "人", "p.staff.full", _G5, True),
        _r("兼职工作人员", "人", "p.staff.part", _G5, True),
        _r("专项工作经费", "万元", "p.budget_wan", _G5, True),
        _r("召开工作会议", "次", "p.meetings", _G5),
        _r("举办培训班", "次", "p.trainings", _G5),
        _r("参加培训人员", "人次", "p.trainees", _G5),
    ),
    (
        (
            "p.req.received",
            (
                "p.req.received.in_person",
                "p.req.received.online",
                "p.req.received.mail",
                "p.req.received.email",
                "p.req.received.fax",
            ),
        ),
        (
            "p.req.answered",
            (
                "p.ans.granted",
                "p.ans.partial",
                "p.ans.refused",
                "p.ans.not_held",
                "p.ans.not_exist",
                "p.ans.unclear",
            ),
        ),
        ("p.review.total", REVIEW),
        ("p.litig.total", LITIG),
    ),
    has_cum=True,
    years=(2010, 2018),
)

_DX = [
    ("主动公开信息数", "条", "p.active.total"),
    ("其中:全文电子化的主动公开信息数", "条", "x.full_text"),
    ("新增的行政规范性文件数", "条", "x.nds_new"),
    ("提供服务类信息数", "条", "x.service"),
    ("网站专栏页面访问量", "人次", "x.visits"),
    ("现场接待人数", "人次", "x.visitors"),
    ("网上咨询数", "人次", "x.online_q"),
    ("咨询电话接听数", "人次", "x.phone_q"),
    ("依申请公开信息目录数", "条", "x.catalogue"),
    ("申请总数", "条", "p.req.received"),
    ("其中:1.当面申请数", "条", "p.req.received.in_person"),
    ("2.传真申请数", "条", "p.req.received.fax"),
    ("3.电子邮件申请数", "条", "p.req.received.email"),
    ("4.网上申请数", "条", "p.req.received.online"),
    ("5.信函申请数", "条", "p.req.received.mail"),
    ("6.其他形式申请数", "条", "p.req.received.other"),
    ("对申请的答复总数", "条", "p.req.answered"),
    ("其中:1.同意公开答复数", "条", "p.ans.granted"),
    ("2.同意部分公开答复数", "条", "p.ans.partial"),
    ("3.否决公开答复总数", "条", "p.ans.refused"),
    ("其中:(1)“非《规定》所指政府信息”数", "条", "p.ans.refused.not_gov_info"),
    ("(2)“信息不存在”数", "条", "p.ans.not_exist"),
    ("(3)“非本部门掌握”数", "条", "p.ans.not_held"),
    ("(4)“申请内容不明确”数", "条", "p.ans.unclear"),
    ("(5)“免予公开范围1”数", "条", "p.ans.refused.secret"),
    ("(6)“免予公开范围2”数", "条", "p.ans.refused.commercial"),
    ("(7)“免予公开范围3”数", "条", "p.ans.refused.privacy"),
    ("(8)“免予公开范围4”数", "条", "x.process"),
    ("(9)“免予公开范围5”数", "条", "x.enforce"),
    ("(10)“免予公开范围6”数", "条", "p.ans.refused.other_law"),
    ("(11)其它原因", "条", "x.other_reason"),
    ("行政复议数", "件", "p.review.total"),
    ("行政诉讼数", "件", "p.litig.total"),
    ("行政申诉数", "件", "x.appeal"),
    ("其中:对本部门首次处理不满意的行政申诉数 *", "件", "x.appeal_first"),
]
DINGXI = Style(
    "dingxi",
    tuple(_r(lab, unit, key) for lab, unit, key in _DX),
    (
        (
            "p.req.received",
            (
                "p.req.received.in_person",
                "p.req.received.fax",
                "p.req.received.email",
                "p.req.received.online",
                "p.req.received.mail",
                "p.req.received.other",
            ),
        ),
        (
            "p.ans.refused",
            (
                "p.ans.refused.not_gov_info",
                "p.ans.not_exist",
                "p.ans.not_held",
                "p.ans.unclear",
                "p.ans.refused.secret",
                "p.ans.refused.commercial",
                "p.ans.refused.privacy",
                "x.process",
                "x.enforce",
                "p.ans.refused.other_law",
                "x.other_reason",
            ),
        ),
        ("p.req.answered", ("p.ans.granted", "p.ans.partial", "p.ans.refused")),
        ("x.appeal", ("x.appeal_first", "x.appeal_rest")),
    ),
    has_cum=False,
    years=(2008, 2013),
    ignore=("p.active.nds_made", "p.active.nds_published"),
)

STYLES: dict[str, Style] = {
    "gb32": GB32,
    "local": LOCAL_2011,
    "local2018": LOCAL_2018,
    "twolevel": TWOLEVEL,
    "dingxi": DINGXI,
}

AGENCIES = (
    ("平潭县", "人民政府"),
    ("定西市安定区", "人民政府"),
    ("南平市", "教育局"),
    ("舒兰市", "人民政府办公室"),
    ("龙潭区", "民政局"),
    ("晋安区", "国土资源局"),
    ("秦淮区", "卫生局"),
    ("通渭县", "财政局"),
    ("泰州市", "交通运输局"),
    ("阜阳市", "人力资源和社会保障局"),
    ("武汉市江岸区", "人民政府"),
    ("临洮县", "农牧局"),
)


_BIG = {
    "p.active.total": (150, 2600),
    "x.web": (100, 2000),
    "x.visits": (3000, 90000),
    "p.trainees": (10, 300),
    "x.gazette": (0, 40),
    "x.weixin": (0, 900),
    "x.otherch": (0, 300),
    "x.interp": (0, 60),
    "x.full_text": (50, 900),
    "x.service": (10, 300),
    "x.catalogue": (5, 200),
    "x.visitors": (20, 800),
    "x.online_q": (10, 500),
    "x.phone_q": (10, 500),
}


def _leaf(rng: random.Random, key: str) -> float:
    """A plausible printed count for one leaf (requests are small, publication counts large)."""
    if key in _BIG:
        lo, hi = _BIG[key]
        return float(rng.randint(lo, hi))
    if key == "p.budget_wan":
        return rng.choice([0.0, 1.5, 2.0, 3.6, 5.0, 12.8])
    if key == "p.fee.amount":
        return float(rng.choice([0, 0, 20, 35, 120]))
    return float(rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 5, 7, 9, 12]))


def _sum_up(vals: dict[str, float], style: Style) -> None:
    """Set each parent to the sum of its children, innermost identity first."""
    for parent, children in style.identities:
        vals[parent] = float(sum(vals.get(c, 0.0) for c in children))


def _keys(style: Style) -> list[str]:
    keys = [r.key for r in style.rows if r.key]
    keys += [c for _, ch in style.identities for c in ch if c not in keys]
    return keys


def make_values(rng: random.Random, style: Style, fee_in_yuan: bool = False) -> tuple[dict, dict]:
    """Year and cumulative values for one style, every printed identity satisfied."""
    year = {k: _leaf(rng, k) for k in _keys(style)}
    if style.name == "gb32":
        year["p.fee.amount"] = rng.choice([0.0, 0.0, 0.01, 0.02])
        year["x.closed_ontime"], year["x.closed_late"] = 0.0, 0.0
    year["p.active.nds_published"] = min(
        year.get("p.active.nds_published", 0.0), year.get("p.active.total", 0.0)
    )
    _sum_up(year, style)
    if style.name == "gb32":
        year["x.closed_late"] = float(min(1, year["p.req.answered"]))
        year["x.closed_ontime"] = year["p.req.answered"] - year["x.closed_late"]
        year["x.closed"] = year["p.req.answered"]
    if not style.has_cum:
        return year, {}
    cum = {k: v + (_leaf(rng, k) * rng.choice([1, 2, 3]) if v >= 0 else 0) for k, v in year.items()}
    _sum_up(cum, style)
    return year, cum
