"""The assembly corpus: one WARC file per scenario, with the truth of what must be assembled from it.

Scenarios (docs/assembly-contract.md):
  a1  article page (narrative + Table 2) + tables-only XLSX (Tables 3, 4); Referer on the XLSX (wget)
  a2  集约化 page (narrative + Table 2) + tables-only PDF (Tables 3, 4) by absolute path; no Referer
  a3  Hanweb page (narrative + Table 2) + XLSX (Table 3, download servlet with a query string) + PDF
      (Table 4) linked only from an onclick, found through its Referer (Heritrix, with metadata records)
  b   全真版/文字版 pair: a notice page linking a full PDF and a full HTML version that agree
  c   the same pair with one injected disagreement (which cell, both values, both URLs are the truth)
  d   two independent complete reports of different agencies in one WARC: no link between them
  d2  the same, but one's 下一篇 link points at the other (a different agency): still no assembly
  e   a complete report page linking the same agency's previous-year report (a PDF): not a member
  f   a complete report page whose attachments are a column list page and a blank PDF: no assembly

A member "prints" a cell when its rendering shows the number; the assembled value of a cell comes
from the first member in URL order that prints it (plain string order; every URL here is ASCII).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from tests.blind.assembly import html_pages as pages
from tests.blind.assembly import pdfs, workbooks
from tests.blind.assembly.model import CellKey, ModelReport, make_report
from tests.blind.assembly.warcs import Capture, Style, write_warc

HTML = "text/html; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """One document of an assembled report: its URL, the cells it prints, the headings it prints."""

    url: str
    printed: dict[CellKey, float] = field(hash=False)
    raw: dict[CellKey, str] = field(hash=False)
    headings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Disagreement:
    """The injected conflict: one cell, printed as `values[i]` by the member at `urls[i]` (URL order)."""

    key: CellKey
    values: tuple[float, float]
    urls: tuple[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Assembly:
    """The assembled report a page and its members must give."""

    page: str
    report: ModelReport
    members: tuple[Member, ...]
    disagreement: Disagreement | None = None

    def expected_cells(self) -> dict[CellKey, tuple[float | None, str | None]]:
        """cell -> (assembled value, URL of the member it is taken from); (None, None) on the conflict."""
        out: dict[CellKey, tuple[float | None, str | None]] = {}
        for m in sorted(self.members, key=lambda m: m.url):
            for key, value in m.printed.items():
                out.setdefault(key, (value, m.url))
        if self.disagreement:
            out[self.disagreement.key] = (None, None)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """One WARC file: its captures, the reports to assemble, and the documents that must stay alone."""

    name: str
    style: Style
    captures: tuple[Capture, ...]
    assemblies: tuple[Assembly, ...] = ()
    standalone: tuple[str, ...] = ()  # URLs whose rows keep assembly null
    truths: dict[str, ModelReport] = field(hash=False, default_factory=dict)  # URL -> what it prints

    @property
    def warc_name(self) -> str:
        return f"{self.name}.warc.gz"


def _cells(report: ModelReport, tables: tuple[str, ...]) -> tuple[dict[CellKey, float], dict[CellKey, str]]:
    keys = [k for k in report.cells if k[0] in tables]
    return {k: report.cells[k] for k in keys}, {k: report.raw[k] for k in keys}


def _member(url: str, report: ModelReport, tables: tuple[str, ...], *, narrative: bool = False) -> Member:
    printed, raw = _cells(report, tables)
    headings = tuple(s.heading for s in report.sections) if narrative else ()
    return Member(url=url, printed=printed, raw=raw, headings=headings)


def _page_body(report: ModelReport, tables: tuple[str, ...], note: str = "") -> str:
    """The narrative with the named tables printed under their parts (the others 详见附件)."""
    makers = {"proactive": ("t2", pages.table2_html), "requests": ("t3", pages.table3_html), "appeals": ("t4", pages.table4_html)}
    shown = {code: make(report) for code, (t, make) in makers.items() if t in tables}
    body = pages.sections_html(report.sections, shown)
    return body + (f'<p style="text-indent:2em">{note}</p>' if note else "")


def _agency(rng: random.Random, agency: str, year: int = 2023, published: str = "2024-01-18",
            code: str = "11350125003") -> ModelReport:
    return make_report(rng, agency=agency, year=year, published=published, index_number=f"{code}/2024-00012")


# ---------------------------------------------------------------- a: article page + tables-only attachments


def scenario_a1(rng: random.Random) -> Scenario:
    r = _agency(rng, "永泰县市场监督管理局")
    page = "http://www.fzyt.gov.cn/zwgk/zfxxgk/zfxxgknb/202401/t20240118_4123456.htm"
    href = "./P020240118612345678901.xlsx"
    xlsx = urljoin(page, href)
    links = [pages.Link(href=href, text="附件：永泰县市场监督管理局2023年政府信息公开工作统计表.xlsx")]
    prev_next = [pages.Link(href="./t20240116_4121111.htm", text="永泰县教育局2023年政府信息公开工作年度报告")]
    html = pages.article_page(r, body=_page_body(r, ("t2",), "第三、四部分统计表详见附件。"), attachments=links,
                          prev_next=prev_next, site="永泰县人民政府")
    caps = (Capture(url=page, body=html.encode(), content_type=HTML, referer="http://www.fzyt.gov.cn/zwgk/zfxxgk/zfxxgknb/"),
            Capture(url=xlsx, body=workbooks.tables_workbook(r, ("t3", "t4")), content_type=XLSX, referer=page))
    members = (_member(page, r, ("t2",), narrative=True), _member(xlsx, r, ("t3", "t4")))
    return Scenario(name="a1_page_xlsx_referer", style="wget", captures=caps,
                    assemblies=(Assembly(page=page, report=r, members=members),), truths={page: r, xlsx: r})


def scenario_a2(rng: random.Random) -> Scenario:
    r = _agency(rng, "广州市从化区人力资源和社会保障局", published="2024-01-25", code="11440184MB2C12345X")
    page = "https://www.conghua.gov.cn/zfxxgk/zfxxgknb/bm/2023n/content/post_9471234.html"
    href = "/attachment/0/541/541234/9471234.pdf"
    pdf = urljoin(page, href)
    links = [pages.Link(href=href, text="从化区人力资源和社会保障局2023年政府信息公开工作年度报告统计表.pdf")]
    html = pages.article_page(r, body=_page_body(r, ("t2",), "附表：收到和处理政府信息公开申请情况、行政复议行政诉讼情况（见附件）。"),
                          attachments=links, site="广州市从化区人民政府")
    caps = (Capture(url=page, body=html.encode(), content_type=HTML),
            Capture(url=pdf, body=pdfs.tables_pdf(r, ("t3", "t4")), content_type="application/pdf"))
    members = (_member(page, r, ("t2",), narrative=True), _member(pdf, r, ("t3", "t4")))
    return Scenario(name="a2_page_pdf_no_referer", style="wget", captures=caps,
                    assemblies=(Assembly(page=page, report=r, members=members),), truths={page: r, pdf: r})


def scenario_a3(rng: random.Random) -> Scenario:
    r = _agency(rng, "南京市江宁区水务局", published="2024-01-22", code="11320115014123456K")
    page = "http://www.jiangning.gov.cn/art/2024/1/22/art_46355_3912345.html"
    xlsx_href = "/module/download/downfile.jsp?classid=0&filename=2401221530123456.xlsx"
    pdf_path = "/picture/0/2401221530234567.pdf"
    xlsx, pdf = urljoin(page, xlsx_href), urljoin(page, pdf_path)
    links = [pages.Link(href=xlsx_href, text="附件1：收到和处理政府信息公开申请情况统计表.xlsx"),
             pages.Link(href="javascript:void(0);", onclick=f"window.open('{pdf_path}')",
                    text="附件2：政府信息公开行政复议、行政诉讼情况统计表.pdf")]
    html = pages.article_page(r, body=_page_body(r, ("t2",)), attachments=links, site="南京市江宁区人民政府")
    column = "http://www.jiangning.gov.cn/col/col46355/index.html"
    caps = (Capture(url=page, body=html.encode(), content_type=HTML, referer=column, outlinks=(xlsx, pdf)),
            Capture(url=xlsx, body=workbooks.tables_workbook(r, ("t3",)), content_type="application/octet-stream",
                    referer=page),
            Capture(url=pdf, body=pdfs.tables_pdf(r, ("t4",)), content_type="application/pdf", referer=page))
    members = (_member(page, r, ("t2",), narrative=True), _member(xlsx, r, ("t3",)), _member(pdf, r, ("t4",)))
    return Scenario(name="a3_hanweb_xlsx_pdf_referer_only", style="heritrix", captures=caps,
                    assemblies=(Assembly(page=page, report=r, members=members),),
                    truths={page: r, xlsx: r, pdf: r})


# ---------------------------------------------------------------- b, c: 全真版 / 文字版


def _pair(rng: random.Random, name: str, agency: str, site_path: str, change: int) -> Scenario:
    """A notice page linking the 全真版 PDF and the 文字版 page; the 文字版 shifts one cell by `change`."""
    r = _agency(rng, agency, published="2024-01-26", code="114301810064212345")
    page = f"http://www.liuyang.gov.cn/{site_path}/202401/a3f0c2d1e4b5968778695a4b3c2d1e0f.shtml"
    pdf_href, text_href = "./P020240126301234567890.pdf", "./b7c1d2e3f4a5968778695a4b3c2d1e0f.shtml"
    pdf, text = urljoin(page, pdf_href), urljoin(page, text_href)
    key: CellKey = ("t3", "t3.r3.1", "np")
    shown = r.with_cell(key, int(r.cells[key]) + change) if change else r
    lead = f"根据《中华人民共和国政府信息公开条例》规定，现公布{r.title}。本报告提供全真版和文字版，请点击查阅。"
    links = [pages.Link(href=pdf_href, text=f"{r.title}（全真版）.pdf"), pages.Link(href=text_href, text=f"{r.title}（文字版）")]
    notice = pages.notice_page(r, lead=lead, attachments=links)
    text_page = pages.article_page(shown, body=_page_body(shown, ("t2", "t3", "t4")), site="浏阳市人民政府")
    caps = (Capture(url=page, body=notice.encode(), content_type=HTML, outlinks=(pdf, text)),
            Capture(url=pdf, body=pdfs.full_pdf(r), content_type="application/pdf", referer=page),
            Capture(url=text, body=text_page.encode(), content_type=HTML, referer=page))
    tables = ("t2", "t3", "t4")
    members = (Member(url=page, printed={}, raw={}), _member(pdf, r, tables, narrative=True),
               _member(text, shown, tables, narrative=True))
    conflict = None
    if change:
        conflict = Disagreement(key=key, values=(r.cells[key], shown.cells[key]), urls=(pdf, text))
        assert pdf < text
    return Scenario(name=name, style="heritrix", captures=caps,
                    assemblies=(Assembly(page=page, report=r, members=members, disagreement=conflict),),
                    truths={pdf: r, text: shown})


def scenario_b(rng: random.Random) -> Scenario:
    return _pair(rng, "b_full_text_pair_agree", "浏阳市财政局", "lyszf/c100283", 0)


def scenario_c(rng: random.Random) -> Scenario:
    return _pair(rng, "c_full_text_pair_disagree", "浏阳市交通运输局", "lyszf/c100284", 3)


# ---------------------------------------------------------------- d, e, f: nothing to assemble


def _full_page(r: ModelReport, **kw: object) -> str:
    return pages.article_page(r, body=_page_body(r, ("t2", "t3", "t4")), **kw)  # type: ignore[arg-type]


def _two_reports(rng: random.Random, name: str, *, linked: bool, column: str) -> Scenario:
    one = _agency(rng, "福清市卫生健康局", published="2024-01-19", code="11350181003456789A")
    two = _agency(rng, "福清市住房和城乡建设局", published="2024-01-23", code="11350181003456790B")
    u1, u2 = f"{column}202401/t20240119_4534567.htm", f"{column}202401/t20240123_4539876.htm"
    nav = [pages.Link(href="./t20240123_4539876.htm", text=two.title)] if linked else []
    caps = (Capture(url=u1, body=_full_page(one, prev_next=nav, site="福清市人民政府").encode(), content_type=HTML,
                    referer=column),
            Capture(url=u2, body=_full_page(two, site="福清市人民政府").encode(), content_type=HTML))
    return Scenario(name=name, style="wget", captures=caps, standalone=(u1, u2), truths={u1: one, u2: two})


def scenario_d(rng: random.Random) -> Scenario:
    return _two_reports(rng, "d_two_reports_no_link", linked=False,
                        column="http://www.fuqing.gov.cn/xjwz/zwgk/zfxxgk/zfxxgknb/")


def scenario_d2(rng: random.Random) -> Scenario:
    return _two_reports(rng, "d2_two_reports_next_link", linked=True,
                        column="http://www.fuqing.gov.cn/zwgk/xxgkml/bmxxgknb/")


def scenario_e(rng: random.Random) -> Scenario:
    now = _agency(rng, "闽侯县自然资源局", published="2024-01-17", code="11350121MB1234567C")
    prev = _agency(rng, "闽侯县自然资源局", year=2022, published="2023-01-16", code="11350121MB1234567C")
    page = "http://www.minhou.gov.cn/xjwz/zwgk/zfxxgk/zfxxgknb/202401/t20240117_4812345.htm"
    href = "../202301/P020230116555123456789.pdf"
    old = urljoin(page, href)
    related = [pages.Link(href=href, text=prev.title)]
    caps = (Capture(url=page, body=_full_page(now, related=related, site="闽侯县人民政府").encode(), content_type=HTML),
            Capture(url=old, body=pdfs.full_pdf(prev), content_type="application/pdf", referer=page))
    return Scenario(name="e_link_to_previous_year", style="heritrix", captures=caps, standalone=(page, old),
                    truths={page: now, old: prev})


def scenario_f(rng: random.Random) -> Scenario:
    r = _agency(rng, "连江县民政局", published="2024-01-24", code="11350122003398765D")
    page = "http://www.lianjiang.gov.cn/xjwz/zwgk/zfxxgk/zfxxgknb/202401/t20240124_4923456.htm"
    list_href, blank_href = "../", "./P020240124399887766554.pdf"
    listing, blank = urljoin(page, list_href), urljoin(page, blank_href)
    items = [(pages.Link(href=f"./202401/t2024012{i}_49{i}0000.htm", text=f"连江县{d}2023年政府信息公开工作年度报告"), f"2024-01-2{i}")
             for i, d in enumerate(("财政局", "教育局", "农业农村局"), start=1)]
    links = [pages.Link(href=list_href, text="政府信息公开年报"), pages.Link(href=blank_href, text="附件.pdf")]
    caps = (Capture(url=page, body=_full_page(r, attachments=links, site="连江县人民政府").encode(), content_type=HTML),
            Capture(url=listing, body=pages.list_page("政府信息公开年报", items).encode(), content_type=HTML, referer=page),
            Capture(url=blank, body=pdfs.blank_pdf(), content_type="application/pdf"))
    return Scenario(name="f_junk_attachments", style="wget", captures=caps, standalone=(page, listing, blank),
                    truths={page: r})


SCENARIOS = (scenario_a1, scenario_a2, scenario_a3, scenario_b, scenario_c, scenario_d, scenario_d2,
             scenario_e, scenario_f)


def build(folder: Path, seed: int = 20240201) -> tuple[Scenario, ...]:
    """Write every scenario's WARC file into `folder`; the scenarios with their truth."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, make in enumerate(SCENARIOS):
        scenario = make(random.Random(seed + i))
        write_warc(folder / scenario.warc_name, scenario.captures, style=scenario.style)
        out.append(scenario)
    return tuple(out)
