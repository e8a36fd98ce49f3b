"""Narrative sections, and a next-year report that copies some sentences of the first (the compare truth).

Sentences carry no figures (a number in prose would be a second place for a cell value, and a figure
quoted from the tables would start the soft text checks). Each sentence ends with 。 and is distinct from
every other, so "copied" has one meaning: the same sentence, character for character.
"""

from __future__ import annotations

from .model import Section

OVERVIEW = (
    "本机关坚持以公开为常态、不公开为例外，把政务公开纳入年度重点工作统筹推进。",
    "主要负责同志多次听取政务公开工作汇报，研究解决公开工作中的难点问题。",
    "围绕优化营商环境、乡村振兴和民生保障等重点领域，持续加大政策解读和信息发布力度。",
    "严格落实公文公开属性源头认定机制，发布前逐件进行保密审查。",
    "依申请公开实行受理、登记、办理、答复全流程台账管理，确保依法按时答复。",
)
PROBLEMS = (
    "一是政策解读形式还不够丰富，图解和视频解读数量偏少。",
    "二是基层工作人员业务能力参差不齐，信息发布的规范性有待提高。",
    "下一步，本机关将加强业务培训，完善信息发布审核流程，切实提升公开质量。",
)
OTHER = (
    "本年度未收取政府信息公开信息处理费。",
    "本机关无其他需要报告的事项。",
)
NEXT_OVERVIEW = (
    "本年度本机关以政务公开标准化规范化建设为抓手，推动公开工作提质增效。",
    "结合机构职能调整，及时更新政府信息公开指南和主动公开目录。",
    "开展政府网站和政务新媒体常态化监测，对发现的问题即知即改。",
)
NEXT_PROBLEMS = (
    "主要问题是部分栏目信息更新不够及时，公开内容与群众需求还有差距。",
)

HEADINGS = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}


def _section(code: str, sentences: tuple[str, ...]) -> Section:
    return Section(code=code, heading=HEADINGS[code], sentences=sentences)


def base_sections() -> tuple[Section, ...]:
    """The narrative of every first-year report."""
    return (_section("overview", OVERVIEW), _section("problems", PROBLEMS), _section("other", OTHER))


COPIED = (OVERVIEW[0], OVERVIEW[3], PROBLEMS[2], OTHER[1])


def next_year_sections() -> tuple[Section, ...]:
    """Next year's narrative: four sentences copied from `base_sections`, the rest new."""
    overview = (COPIED[0], NEXT_OVERVIEW[0], COPIED[1], NEXT_OVERVIEW[1], NEXT_OVERVIEW[2])
    return (_section("overview", overview), _section("problems", (NEXT_PROBLEMS[0], COPIED[2])),
            _section("other", ("本年度收取政府信息公开信息处理费情况与上年相同，均为零。", COPIED[3])))


def not_copied() -> tuple[str, ...]:
    """Sentences of either report that the other does not contain."""
    first = [s for sec in base_sections() for s in sec.sentences]
    second = [s for sec in next_year_sections() for s in sec.sentences]
    return tuple(s for s in first + second if s not in COPIED)


def intro(agency: str, year: int) -> str:
    """The paragraph before 一、总体情况 (statistics period and download place, as real reports say)."""
    return (f"本报告根据《中华人民共和国政府信息公开条例》要求，由{agency}编制。"
            f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
