"""The generator: six portals whose report pages carry the narrative and link the statistics tables.

Every case keeps its full truth: the model report (every printed cell of Tables 2–4, the narrative), the
URL and bytes of each member in each crawl (epoch), and for each cell the member that prints it. Pages
are TRS-style article pages (tests/blind/assembly/html_pages: 信息公开目录 metadata, TRS_Editor body,
`file_ul_fj` 附件 list); attachments are PDF (reportlab), XLSX (openpyxl) and DOCX (python-docx).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from html import escape
from urllib.parse import urljoin, urlsplit

from tests.blind.assembly import html_pages as pages
from tests.blind.assembly import pdfs, workbooks
from tests.blind.assembly.model import CellKey, ModelReport, Section, make_report

from .docx_tables import tables_docx
from .portal import Portal, Route

HTML = "text/html; charset=utf-8"
TYPES = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
COLUMN = "/zwgk/zfxxgk/zfxxgknb/"
DISAGREE_KEY: CellKey = ("t2", "t2.i5.lic", "decisions")
REVISION = "（本报告于2024年3月5日更正第五部分表述。）"


@dataclass(frozen=True, slots=True)
class Member:
    """One document of a report: its URL, what it serves in each crawl (None: 404), the tables it prints."""

    url: str
    bodies: tuple[bytes | None, ...]
    content_type: str
    tables: tuple[str, ...]

    def body(self, epoch: int) -> bytes | None:
        return self.bodies[min(epoch, len(self.bodies)) - 1]


@dataclass(frozen=True, slots=True)
class Case:
    """One agency-year report on a portal and what its assembled report must hold after the last crawl."""

    name: str
    source: str
    report: ModelReport  # the truth of every cell (and of the page's latest version)
    page: Member
    attachments: tuple[Member, ...]
    disagree: tuple[CellKey, float, float] | None = None  # key, value on the page, value in the attachment

    @property
    def members(self) -> tuple[Member, ...]:
        return (self.page, *self.attachments)

    def printer(self, key: CellKey) -> Member:
        """The member a cell's value must come from: the only one printing it, else the first in URL order."""
        holders = sorted((m for m in self.members if key[0] in m.tables), key=lambda m: m.url)
        return holders[0]


@dataclass(frozen=True, slots=True)
class Site:
    """One portal (one source): its host, name and the cases it publishes."""

    source: str
    host: str
    name: str
    cases: tuple[Case, ...]

    @property
    def home(self) -> str:
        return f"http://{self.host}/"


def _page_body(report: ModelReport, tables: tuple[str, ...], note: str) -> str:
    makers = {"proactive": ("t2", pages.table2_html), "requests": ("t3", pages.table3_html),
              "appeals": ("t4", pages.table4_html)}
    shown = {code: make(report) for code, (t, make) in makers.items() if t in tables}
    return pages.sections_html(report.sections, shown) + f'<p style="text-indent:2em">{escape(note)}</p>'


def _attachment(report: ModelReport, kind: str, tables: tuple[str, ...]) -> bytes:
    if kind == "pdf":
        return pdfs.tables_pdf(report, tables)
    if kind == "xlsx":
        return workbooks.tables_workbook(report, tables)
    return tables_docx(report, tables)


@dataclass(frozen=True, slots=True)
class _Spec:
    """How one case is laid out: page tables, attachments (kind, tables, served at crawl 1?)."""

    name: str
    agency: str
    serial: int
    page_tables: tuple[str, ...]
    attachments: tuple[tuple[str, tuple[str, ...], bool], ...]
    disagree: bool = False
    revised: bool = False


def _revise(report: ModelReport) -> ModelReport:
    """The page's second version: a corrected problems section and a later date; the tables unchanged."""
    sections = tuple(replace(s, paragraphs=(*s.paragraphs, REVISION)) if s.code == "problems" else s
                     for s in report.sections)
    return replace(report, published="2024-03-05", sections=sections)


def _case(rng: random.Random, site: str, host: str, spec: _Spec, prev_next: tuple[pages.Link, ...] = ()) -> Case:
    report = make_report(rng, agency=spec.agency, year=2023, published="2024-01-18",
                         index_number=f"1135012{spec.serial:04d}/2024-000{spec.serial}")
    page_url = f"http://{host}{COLUMN}202401/t20240118_{4120000 + spec.serial}.html"
    printed, disagree = report, None
    if spec.disagree:
        changed = int(report.cells[DISAGREE_KEY]) + 7
        printed = report.with_cell(DISAGREE_KEY, changed)
        disagree = (DISAGREE_KEY, report.cells[DISAGREE_KEY], float(changed))
    attachments, links = [], []
    for k, (kind, tables, first) in enumerate(spec.attachments):
        href = f"./P0202401186{spec.serial:03d}{k:05d}.{kind}"
        body = _attachment(printed, kind, tables)
        attachments.append(Member(url=urljoin(page_url, href), bodies=(body if first else None, body),
                                  content_type=TYPES[kind], tables=tables))
        links.append(pages.Link(href=href, text=f"附件{k + 1}：{spec.agency}2023年政府信息公开工作统计表.{kind}"))
    note = "本报告第二至四部分统计表详见附件。" if not spec.page_tables else "其余统计表详见附件。"
    versions = (report, _revise(report)) if spec.revised else (report,)
    bodies = tuple(pages.article_page(v, body=_page_body(v, spec.page_tables, note), attachments=links,
                                      prev_next=prev_next, site=site).encode() for v in versions)
    page = Member(url=page_url, bodies=bodies, content_type=HTML, tables=spec.page_tables)
    return Case(name=spec.name, source=host.split(".")[1], report=versions[-1],
                page=page, attachments=tuple(attachments), disagree=disagree)


ALL = ("t2", "t3", "t4")
SPECS: tuple[tuple[str, str, tuple[_Spec, ...]], ...] = (
    ("www.minqing.gov.cn", "闽清县人民政府",
     (_Spec(name="c1_one_pdf", agency="闽清县市场监督管理局", serial=1, page_tables=(),
            attachments=(("pdf", ALL, True),)),)),
    ("www.luoyuan.gov.cn", "罗源县人民政府",
     (_Spec(name="c2_split_xlsx", agency="罗源县教育局", serial=2, page_tables=("t2",),
            attachments=(("xlsx", ("t3", "t4"), True),)),)),
    ("www.lianjiang.gov.cn", "连江县人民政府",
     (_Spec(name="c3_disagree_docx", agency="连江县卫生健康局", serial=3, page_tables=("t2",),
            attachments=(("docx", ALL, True),), disagree=True),)),
    ("www.yongtai.gov.cn", "永泰县人民政府",
     (_Spec(name="c4_late_xlsx", agency="永泰县民政局", serial=4, page_tables=("t2",),
            attachments=(("xlsx", ("t3", "t4"), False),)),)),
    ("www.changle.gov.cn", "福州市长乐区人民政府",
     (_Spec(name="c5_revised_page", agency="福州市长乐区人力资源和社会保障局", serial=5, page_tables=(),
            attachments=(("pdf", ALL, True),), revised=True),)),
    ("www.pingnan.gov.cn", "屏南县人民政府",
     (_Spec(name="c6_finance", agency="屏南县财政局", serial=6, page_tables=("t2",),
            attachments=(("xlsx", ("t3", "t4"), True),)),
      _Spec(name="c6_land", agency="屏南县自然资源局", serial=7, page_tables=("t2",),
            attachments=(("xlsx", ("t3", "t4"), True),)))),
)


def build(seed: int = 20240213) -> tuple[Site, ...]:
    """Every site with its cases (deterministic for a seed); the two 屏南 pages link each other (上一篇/下一篇)."""
    rng = random.Random(seed)
    sites = []
    for host, name, specs in SPECS:
        source = host.split(".")[1]
        neighbours = [pages.Link(href=f"./t20240118_{4120000 + s.serial}.html",
                                 text=f"{s.agency}2023年政府信息公开工作年度报告") for s in specs]
        cases = tuple(_case(rng, name, host, spec, tuple(n for n in neighbours if str(4120000 + spec.serial) not in n.href))
                      for spec in specs)
        sites.append(Site(source=source, host=host, name=name, cases=cases))
    return tuple(sites)


def _nav_page(site: Site, title: str, links: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<li><a href="{href}">{escape(text)}</a></li>' for href, text in links)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"/>'
            f'<meta name="SiteName" content="{escape(site.name)}"/><title>{escape(title)}_{escape(site.name)}</title>'
            f'</head><body><div class="header"><ul class="nav"><li><a href="/">首页</a></li>'
            f'<li><a href="/zwgk/">政务公开</a></li></ul></div><div class="list"><ul>{items}</ul></div>'
            f'<div class="footer">主办单位：{escape(site.name)}</div></body></html>').encode()


def portal(site: Site) -> Portal:
    """The site's routes: home → 政务公开 → 政府信息公开 → 年报 column → article pages → attachments."""
    reports = [(urlsplit(c.page.url).path, c.report.title) for c in site.cases]
    routes = {
        "/": Route((_nav_page(site, "首页", [("/zwgk/", "政务公开"), ("/hdjl/", "互动交流")]),), HTML),
        "/zwgk/": Route((_nav_page(site, "政务公开", [("/zwgk/zfxxgk/", "政府信息公开")]),), HTML),
        "/zwgk/zfxxgk/": Route((_nav_page(site, "政府信息公开", [(COLUMN, "政府信息公开年报"),
                                                               ("/zwgk/zfxxgk/zn/", "政府信息公开指南")]),), HTML),
        COLUMN: Route((_nav_page(site, "政府信息公开年报", reports),), HTML),
    }
    for case in site.cases:
        for m in case.members:
            routes[urlsplit(m.url).path] = Route(m.bodies, m.content_type)
    return Portal(host=site.host, routes=routes)


__all__ = ["REVISION", "Case", "Member", "Section", "Site", "build", "portal"]
