"""Report bodies for the simulated portals: 2021-template HTML fragments, DOCX and PDF attachments.

The crawler under test only has to *find* reports, but the bytes must look like real ones (six headings,
the three tables with spans) so that a classifier deciding "is this a 年报?" sees what it sees on real portals.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

T3_LEAVES = [
    ("三、本年度办理结果", "（一）予以公开", ""),
    ("三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"),
    ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"),
    ("三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息"),
    ("三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息"),
    ("三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷"),
    ("三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"),
    ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请"),
    ("三、本年度办理结果", "（五）不予处理", "2.重复申请"),
    ("三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物"),
    ("三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("三、本年度办理结果", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("三、本年度办理结果", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("三、本年度办理结果", "（六）其他处理", "3.其他"),
]
T3_COLS = 7  # 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
T4_HEAD = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


@dataclass(frozen=True)
class ReportSpec:
    """One annual report as the truth knows it."""

    agency: str
    year: int
    revision: int = 0  # >0: the edited version served after Simulator.advance()

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"


@dataclass(frozen=True)
class Numbers:
    """Consistent table numbers (the identities hold) so the bytes are a plausible report."""

    t2: list[list[str]]
    t3: list[list[int]]  # rows: 一, 二, 21 leaves, （七）总计, 四; 7 columns
    t4: list[int]


def make_numbers(spec: ReportSpec) -> Numbers:
    """Seed numbers from the report identity; a revision changes them (the 'edit after publication')."""
    rng = random.Random(f"{spec.agency}|{spec.year}|{spec.revision}")
    t2 = [
        [str(rng.randint(0, 3)), str(rng.randint(0, 2)), str(rng.randint(5, 30))],
        [str(rng.randint(0, 9)), str(rng.randint(0, 5)), str(rng.randint(10, 90))],
        [str(rng.randint(100, 900))],
        [str(rng.randint(50, 600))],
        [str(rng.randint(0, 40))],
        [f"{rng.uniform(10, 900):.2f}"],
    ]
    leaves = [[rng.choice([0, 0, 0, 1, 2, 5]) for _ in range(6)] for _ in T3_LEAVES]
    for row in leaves:
        row.append(sum(row))
    total = [sum(r[c] for r in leaves) for c in range(T3_COLS)]
    carry_out = [rng.randint(0, 2) for _ in range(6)]
    carry_out.append(sum(carry_out))
    carry_in = [min(rng.randint(0, 2), total[c] + carry_out[c]) for c in range(6)]
    carry_in.append(sum(carry_in))
    new = [total[c] + carry_out[c] - carry_in[c] for c in range(T3_COLS)]
    t3 = [new, carry_in, *leaves, total, carry_out]
    t4_blocks = []
    for _ in range(3):
        block = [rng.randint(0, 3) for _ in range(4)]
        t4_blocks.extend([*block, sum(block)])
    return Numbers(t2=t2, t3=t3, t4=t4_blocks)


def _td(text: object, rowspan: int = 1, colspan: int = 1) -> str:
    span = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{span}>{escape(str(text))}</td>"


def table2_html(n: Numbers) -> str:
    """第二十条 blocks with their caption rows, as real TRS/Hanweb pages print them."""
    rows = [
        _td("第二十条第（一）项", colspan=4),
        _td("信息内容") + _td("本年制发件数") + _td("本年废止件数") + _td("现行有效件数"),
        _td("规章") + "".join(_td(v) for v in n.t2[0]),
        _td("行政规范性文件") + "".join(_td(v) for v in n.t2[1]),
        _td("第二十条第（五）项", colspan=4),
        _td("信息内容") + _td("本年处理决定数量", colspan=3),
        _td("行政许可") + _td(n.t2[2][0], colspan=3),
        _td("第二十条第（六）项", colspan=4),
        _td("信息内容") + _td("本年处理决定数量", colspan=3),
        _td("行政处罚") + _td(n.t2[3][0], colspan=3),
        _td("行政强制") + _td(n.t2[4][0], colspan=3),
        _td("第二十条第（八）项", colspan=4),
        _td("信息内容") + _td("本年收费金额（单位：万元）", colspan=3),
        _td("行政事业性收费") + _td(n.t2[5][0], colspan=3),
    ]
    return '<table border="1" cellspacing="0">' + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


def table3_html(n: Numbers) -> str:
    """Table 3 with the 3x3 corner note, the 申请人情况 header spans and the vertical 三 label."""
    head = [
        _td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3)
        + _td("申请人情况", colspan=7),
        _td("自然人", rowspan=2) + _td("法人或其他组织", colspan=5) + _td("总计", rowspan=2),
        "".join(_td(x) for x in ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]),
    ]
    body = [_td("一、本年新收政府信息公开申请数量", colspan=3) + "".join(_td(v) for v in n.t3[0])]
    body.append(_td("二、上年结转政府信息公开申请数量", colspan=3) + "".join(_td(v) for v in n.t3[1]))
    group_rows = {"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}
    seen: set[str] = set()
    for i, (_top, mid, leaf) in enumerate(T3_LEAVES):
        cells = _td("三、本年度办理结果", rowspan=22) if i == 0 else ""
        if not leaf:
            cells += _td(mid, colspan=2)
        else:
            if mid not in seen:
                cells += _td(mid, rowspan=group_rows[mid])
                seen.add(mid)
            cells += _td(leaf)
        body.append(cells + "".join(_td(v) for v in n.t3[2 + i]))
    body.append(_td("（七）总计", colspan=2) + "".join(_td(v) for v in n.t3[23]))
    body.append(_td("四、结转下年度继续办理", colspan=3) + "".join(_td(v) for v in n.t3[24]))
    return '<table border="1" cellspacing="0">' + "".join(f"<tr>{r}</tr>" for r in head + body) + "</table>"


def table4_html(n: Numbers) -> str:
    """Table 4: 15 numeric columns under two header levels."""
    head = [
        _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10),
        "".join(_td(h, rowspan=2) for h in T4_HEAD) + _td("未经复议直接起诉", colspan=5) + _td("复议后起诉", colspan=5),
        "".join(_td(h) for h in T4_HEAD * 2),
        "".join(_td(v) for v in n.t4),
    ]
    return '<table border="1" cellspacing="0">' + "".join(f"<tr>{r}</tr>" for r in head) + "</table>"


def paragraphs(spec: ReportSpec) -> list[tuple[str, str]]:
    """(kind, text) items of the narrative, 'h' for the six headings; shared by HTML and DOCX."""
    y = spec.year
    note = "（修订）本报告第三部分数据已更正。" if spec.revision else ""
    return [
        ("p", f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{spec.agency}编制。"
              f"本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。{note}"),
        ("h", "一、总体情况"),
        ("p", f"{y}年，{spec.agency}认真贯彻落实《条例》，扎实推进政府信息公开工作。（一）主动公开……"
              "（二）依申请公开……（三）政府信息管理……（四）政府信息公开平台建设……（五）监督保障……"),
        ("h", "二、主动公开政府信息情况"),
        ("t", "t2"),
        ("h", "三、收到和处理政府信息公开申请情况"),
        ("t", "t3"),
        ("h", "四、政府信息公开行政复议、行政诉讼情况"),
        ("t", "t4"),
        ("h", "五、存在的主要问题及改进情况"),
        ("p", "存在的问题：公开内容的及时性有待提高。改进措施：加强业务培训，规范发布流程。"),
        ("h", "六、其他需要报告的事项"),
        ("p", f"{y}年，本机关未收取信息处理费。"),
    ]


def report_body_html(spec: ReportSpec) -> str:
    """The article body (inside the CMS's content div)."""
    n = make_numbers(spec)
    tables = {"t2": table2_html(n), "t3": table3_html(n), "t4": table4_html(n)}
    out = []
    for kind, text in paragraphs(spec):
        if kind == "h":
            out.append(f'<p style="text-indent:2em"><strong>{escape(text)}</strong></p>')
        elif kind == "t":
            out.append(tables[text])
        else:
            out.append(f'<p style="text-indent:2em">{escape(text)}</p>')
    return "\n".join(out)


def report_docx(spec: ReportSpec) -> bytes:
    """A Word attachment with the same narrative and flat tables (python-docx, no merges)."""
    import docx  # local import: only the simulator's build step needs it

    n = make_numbers(spec)
    doc = docx.Document()
    doc.add_heading(spec.title, level=1)
    grids = {
        "t2": [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
               ["规章", *n.t2[0]], ["行政规范性文件", *n.t2[1]], ["行政许可", n.t2[2][0], "", ""],
               ["行政处罚", n.t2[3][0], "", ""], ["行政强制", n.t2[4][0], "", ""],
               ["行政事业性收费", n.t2[5][0], "", ""]],
        "t3": [["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
        + [[label, *map(str, row)] for label, row in zip(_t3_labels(), n.t3, strict=True)],
        "t4": [[*T4_HEAD, *T4_HEAD, *T4_HEAD], [str(v) for v in n.t4]],
    }
    for kind, text in paragraphs(spec):
        if kind == "h":
            doc.add_paragraph(text).runs[0].bold = True
        elif kind == "t":
            grid = grids[text]
            table = doc.add_table(rows=len(grid), cols=len(grid[0]))
            for r, row in enumerate(grid):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        else:
            doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.core_properties.author = spec.agency
    doc.save(buf)
    return buf.getvalue()


def _t3_labels() -> list[str]:
    return [
        "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
        *[(leaf or mid) for _t, mid, leaf in T3_LEAVES], "（七）总计", "四、结转下年度继续办理",
    ]


def docx_to_pdf(docx_blobs: dict[str, bytes], workdir: Path) -> dict[str, bytes]:
    """Convert DOCX bytes to PDF with LibreOffice in ONE soffice call; empty dict when soffice is absent."""
    soffice = shutil.which("soffice")
    if not soffice or not docx_blobs:
        return {}
    src = workdir / "docx_src"
    out = workdir / "pdf_out"
    src.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    todo = [name for name in docx_blobs if not (out / f"{name}.pdf").exists()]  # a cache across simulators
    for name in todo:
        (src / f"{name}.docx").write_bytes(docx_blobs[name])
    if not todo:
        return {p.stem: p.read_bytes() for p in out.glob("*.pdf") if p.stem in docx_blobs}
    with tempfile.TemporaryDirectory(prefix="lo-profile-", dir=workdir) as profile:
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", str(out), *sorted(str(src / f"{n}.docx") for n in todo)]
        subprocess.run(cmd, check=False, capture_output=True, timeout=180)
    return {p.stem: p.read_bytes() for p in out.glob("*.pdf") if p.stem in docx_blobs}


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
