"""The report's prose as an ordered list of blocks; tables are placeholders the renderer fills."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Report, cn_date

SECTION_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


@dataclass(frozen=True)
class Block:
    """kind: title | p | h | table (text = t2/t3/t4) | sig | date."""

    kind: str
    text: str


def blocks(rep: Report, tables: tuple[str, ...] = ("t2", "t3", "t4"), signature: bool = True) -> list[Block]:
    """Title, intro, six sections (tables under 二/三/四), signature and Chinese-numeral date."""
    new, done, out = (int(rep.v("t3", r, "tot")) for r in ("t3.r1", "t3.r3.7", "t3.r4"))
    rev = int(rep.v("t4", "t4.rev", "tot"))
    lit = int(rep.v("t4", "t4.lit.dir", "tot") + rep.v("t4", "t4.lit.rev", "tot"))
    out_blocks = [
        Block("title", rep.title),
        Block(
            "p",
            f"本报告根据《中华人民共和国政府信息公开条例》要求编制。报告所列数据的统计期限自{rep.year}年1月1日起至"
            f"{rep.year}年12月31日止。如对本报告有疑问，请与{rep.agency}办公室联系。",
        ),
        Block("h", SECTION_HEADINGS[0]),
        Block(
            "p",
            f"{rep.year}年，{rep.agency}深入贯彻落实政务公开工作要求，持续提升政务公开质量。全年共收到政府信息"
            f"公开申请{new}件，办结{done}件，结转下年度继续办理{out}件。",
        ),
        Block("h", SECTION_HEADINGS[1]),
    ]
    if "t2" in tables:
        out_blocks.append(Block("table", "t2"))
    out_blocks.append(Block("h", SECTION_HEADINGS[2]))
    if "t3" in tables:
        out_blocks.append(Block("table", "t3"))
    out_blocks.append(Block("h", SECTION_HEADINGS[3]))
    if "t4" in tables:
        out_blocks.append(Block("table", "t4"))
    out_blocks += [
        Block("p", f"全年发生政府信息公开行政复议{rev}件，行政诉讼{lit}件。"),
        Block("h", SECTION_HEADINGS[4]),
        Block(
            "p",
            "一是公开内容的系统性有待加强；二是政策解读形式不够丰富。下一步将加强业务培训，完善工作机制。",
        ),
        Block("h", SECTION_HEADINGS[5]),
        Block("p", f"{rep.year}年度未收取政府信息公开信息处理费。"),
    ]
    if signature:
        out_blocks += [Block("sig", rep.agency), Block("date", cn_date(rep.published))]
    return out_blocks
