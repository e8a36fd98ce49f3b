"""Simulated portals, one per CMS family, with markup modelled on real pages.

The TRS markup follows the real 平潭 pages in tests/fixtures/html/ (meta tags, TRS_Editor body,
全真版/文字版 tabs with the PDF in a script array); list pages use the TRS page-bar script
`createPageHTML`. Hanweb columns embed `<datastore>` records and page through dataproxy.jsp;
广东 集约化 columns have year sub-columns `2023n/` and `content/post_N.html` articles; 湖南
集约化 articles are `YYYYMM/<32 hex>.shtml`. Each builder returns the routes of its host and
the ground truth: which reports and attachments exist, which years are blocked or missing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import FIXTURES

from .server import Host, Resp

CHALLENGE = (b"<html><script>document.cookie=('_')+('_j')+('sl_clearance_s=1700000000.123|0|'+"
             b"'abcdef');location.href=location.pathname+location.search</script></html>")


@dataclass
class Truth:
    """What a crawl of a portal must find."""

    source: dict[str, object]
    reports: dict[str, int] = field(default_factory=dict)
    """URL of a report page → report year."""
    attachments: set[str] = field(default_factory=set)
    found: set[int] = field(default_factory=set)
    blocked: set[int] = field(default_factory=set)
    missing: set[int] = field(default_factory=set)
    allowed: set[str] = field(default_factory=set)
    """Every path the crawler may request on the host (robots.txt, lists, reports, files)."""
    required: set[str] = field(default_factory=set)


def _hex(seed: str) -> str:
    return hashlib.md5(seed.encode()).hexdigest()


def report_html(title: str, agency: str, published: str, body: str = "", *, charset: str = "utf-8",
                apps: str = "", extra: str = "") -> bytes:
    """A TRS-style article page: meta tags, title block, TRS_Editor body."""
    text = body or (f"<p>本报告根据《中华人民共和国政府信息公开条例》要求编制。</p><p>一、总体情况</p>"
                    f"<p>{agency}坚持以公开为常态、不公开为例外。</p><p>二、主动公开政府信息情况</p>"
                    f"<p>三、收到和处理政府信息公开申请情况</p><p>本年新收政府信息公开申请{len(title)}件。</p>"
                    f"<p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p>"
                    f"<p>六、其他需要报告的事项</p><p>{agency}</p><p>{published}</p>")
    page = f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"/>
<meta name="SiteName" content="{agency}"/>
<meta name="ColumnName" content="政府信息公开年报"/>
<meta name="ArticleTitle" content="{title}"/>
<meta name="PubDate" content="{published} 09:30"/>
<title>{title}_政府信息公开年报_{agency}</title></head>
<body><div class="header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="https://www.gov.cn/">国务院</a></div>
<div class="article_title">{title}</div>
<span class="article_time">时间：{published}</span>
<div class="tabs_hd"><ul><li><a href="javascript:;">全真版</a></li><li><a href="javascript:;">文字版</a></li></ul></div>
<script>var qzbFile = ""; var apps1 = [{apps}];</script>
<div class="article_content"><div class=TRS_Editor>{text}</div></div>{extra}
<div class="footer"><a href="http://www.fujian.gov.cn/">福建省人民政府</a></div>
</body></html>"""
    return page.encode("gb18030" if charset.lower() in ("gbk", "gb2312") else "utf-8")


def trs_list(items: list[tuple[str, str, str]], *, total: int, current: int, column: str = "政府信息公开年报") -> bytes:
    lis = "\n".join(f'<li><a href="{href}" title="{title}" target="_blank">{title[:22]}{"..." if len(title) > 22 else ""}</a>'
                    f'<span class="date">{date}</span></li>' for href, title, date in items)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"/><meta name="ColumnName" content="{column}"/>
<title>{column}</title></head><body>
<div class="header"><a href="/">首页</a> <a href="../../">政务公开</a> <a href="https://www.gov.cn/">国务院</a></div>
<div class="position">当前位置：<a href="../../../">首页</a> &gt; <a href="../../">政务公开</a> &gt; <a href="../">政府信息公开</a> &gt; <a href="./">{column}</a></div>
<div class="list_base"><ul>
{lis}
</ul></div>
<div class="page"><script type="text/javascript">createPageHTML({total}, {current}, "index", "html");</script></div>
</body></html>""".encode()


# -- TRS --------------------------------------------------------------------------------------------
def trs_portal(host: Host, other: Host) -> Truth:
    """平潭-like TRS column: 3 list pages, real report pages, a 全真版 PDF, a report only in a .doc,
    a report under a folder robots.txt disallows, a year never published, a non-report item."""
    col = "/zwgk/zfxxgk/zfxxgknb/"
    agency = "平潭综合实验区管理委员会"
    pdf = (FIXTURES / "pdf" / "jiangsu_huaian_hongze_district_2024.pdf").read_bytes()
    doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00" + \
        "平潭综合实验区2020年度政府信息公开工作年度报告".encode("utf-16-le")
    t = Truth(source={"id": "sim-trs", "agency": agency, "region": "350128", "adapter": "trs",
                      "start": host.url(col), "since": 2013})
    items: list[tuple[str, str, str]] = []
    routes = host.routes

    def add(year: int, path: str, published: str, page: bytes, *, blocked: bool = False, title: str = "") -> None:
        title = title or f"平潭综合实验区{year}年度政府信息公开工作年度报告"
        items.append((path.replace(col, "./"), title, published))
        routes[path] = Resp(body=page)
        if blocked:
            t.blocked.add(year)
            return
        t.reports[host.url(path)] = year
        t.found.add(year)

    for year in (2023, 2022, 2021, 2020, 2019, 2018, 2017, 2015, 2014, 2013):
        pub = f"{year + 1}-01-{15 + year % 10:02d}"
        ym, d = f"{year + 1}01", f"{year + 1}01{15 + year % 10:02d}"
        path = f"{col}{ym}/t{d}_{90000 + year}.html"
        title = f"平潭综合实验区{year}年度政府信息公开工作年度报告"
        if year == 2021:
            path = f"{col}202202/t20220208_80613.htm"
            add(year, path, "2022-02-08", (FIXTURES / "html" / "fujian_pingtan_zone_2021_page.html").read_bytes())
        elif year == 2019:
            path = f"{col}202001/t20200120_80576.htm"
            add(year, path, "2020-01-20", (FIXTURES / "html" / "fujian_pingtan_zone_2019_page.html").read_bytes())
        elif year == 2022:
            pdf_path = f"{col}{ym}/P020230120612345678901.pdf"
            routes[pdf_path] = Resp(body=pdf, content_type="application/pdf")
            t.attachments.add(host.url(pdf_path))
            apps = f'{{url:"http://{host.base[7:]}{pdf_path}", name:"{title}（原件）.pdf"}}'
            add(year, path, pub, report_html(title, agency, pub, apps=apps,
                                             extra=f'<iframe class="isofd" src="/generic2/web/viewer.html?file={pdf_path}"></iframe>'))
        elif year == 2020:
            doc_path = f"{col}{ym}/W020210125398765432101.doc"
            routes[doc_path] = Resp(body=doc, content_type="application/msword")
            t.attachments.add(host.url(doc_path))
            add(year, path, pub, report_html(title, agency, pub, body=(
                f'<p>附件：<a href="./W020210125398765432101.doc">{title}.doc</a></p>')))
        elif year == 2014:
            path = f"{col}nbk/201503/t20150301_90014.html"
            add(year, path, pub, report_html(title, agency, pub), blocked=True)
        else:
            add(year, path, pub, report_html(title, agency, pub))
    # A look-alike in the same column (classified by the pipeline, captured like any item).
    odd = f"{col}201505/t20150506_80801.html"
    routes[odd] = Resp(body=report_html("关于2014年政府信息公开工作要点落实情况的函", agency, "2015-05-06"))
    items.insert(7, (odd.replace(col, "./"), "关于2014年政府信息公开工作要点落实情况的函", "2015-05-06"))
    t.reports[host.url(odd)] = 0
    t.missing = {2016}
    pages = [items[i:i + 4] for i in range(0, len(items), 4)]
    for n, chunk in enumerate(pages):
        body = trs_list(chunk, total=len(pages), current=n)
        routes[f"{col}index.html" if n else col] = Resp(body=body)
        if n:
            routes[f"{col}index_{n}.html"] = Resp(body=body)
    routes[f"{col}index.html"] = routes[col]
    # A link to a mirror on another host must never be followed.
    routes[col] = Resp(body=routes[col].body.replace(  # type: ignore[union-attr]
        b"</ul>", f'<li><a href="{other.url("/zwgk/zfxxgk/zfxxgknb/202401/t20240118_1.html")}">镜像：平潭综合实验区2023年度政府信息公开工作年度报告</a></li></ul>'.encode()))
    routes["/robots.txt"] = Resp(body=b"User-agent: *\nDisallow: /zwgk/zfxxgk/zfxxgknb/nbk/\nDisallow: /search/\n",
                                 content_type="text/plain")
    t.allowed = {"/robots.txt", col, *(f"{col}index_{n}.html" for n in range(1, len(pages))),
                 *(u[len(host.base):] for u in t.reports), *(u[len(host.base):] for u in t.attachments)}
    t.required = set(t.allowed)
    return t


# -- Hanweb -----------------------------------------------------------------------------------------
def _hanweb_record(href: str, title: str, date: str) -> str:
    return (f'<record><![CDATA[\n<li><a href="{href}" title="{title}" target="_blank">{title}</a>'
            f'<span class="bt-data-time">{date}</span></li>\n]]></record>')


def hanweb_portal(host: Host) -> Truth:
    """宁波江北-like Hanweb column in GBK: 3 embedded records, 5 more via dataproxy.jsp, a .docx."""
    colid, unitid, webid = "1229214366", "4567890", "3180"
    agency = "宁波市江北区人民政府"
    t = Truth(source={"id": "sim-hanweb", "agency": agency, "region": "330205", "adapter": "hanweb",
                      "start": host.url(f"/col/col{colid}/index.html"), "since": 2016})
    docx = (FIXTURES / "docx" / "blank_template_2021_layout_wps.docx").read_bytes()
    recs = []
    for i, year in enumerate(range(2023, 2015, -1)):
        date = f"{year + 1}-01-{10 + i:02d}"
        path = f"/art/{year + 1}/1/{10 + i}/art_{colid}_{58900000 + year}.html"
        title = f"{agency}{year}年政府信息公开工作年度报告"
        extra = ""
        if year == 2022:
            fpath = "/module/download/downfile.jsp?classid=0&filename=2301201530123.docx"
            host.routes[fpath] = Resp(body=docx, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            t.attachments.add(host.url(fpath))
            extra = f'<p>附件：<a href="{fpath.replace("&", "&amp;")}">{title}.docx</a></p>'
        host.routes[path] = Resp(body=report_html(title, agency, date, charset="gbk", extra=extra),
                                 content_type="text/html; charset=GBK")
        t.reports[host.url(path)] = year
        t.found.add(year)
        recs.append(_hanweb_record(path, title, date))
    params = (f"appid=1&amp;webid={webid}&amp;path=%2F&amp;columnid={colid}&amp;unitid={unitid}"
              f"&amp;webname=%E5%AE%81%E6%B3%A2%E5%B8%82%E6%B1%9F%E5%8C%97%E5%8C%BA&amp;permissiontype=0")
    datastore = (f'<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&amp;{params}"></a>]]></nextgroup>'
                 f"<recordset>{''.join(recs[:3])}</recordset></datastore></script>")
    page = f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>政府信息公开年报</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/col/col1229214300/index.html">政务公开</a></div>
<div id="{unitid}">{datastore}</div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>$(document).ready(function(){{ $('#{unitid}').jpage({{ dataStore: dataStore, perPage: 3, totalRecord: 8,
  groupSize: 1, proxyUrl: '/module/web/jpage/dataproxy.jsp', barPosition: 'bottom', pageInfo: {{ perPage: 3 }} }}); }});</script>
</body></html>""".encode("gb18030")
    host.routes[f"/col/col{colid}/index.html"] = Resp(body=page, content_type="text/html; charset=GBK")

    def proxy(path: str, headers: dict[str, str]) -> Resp | None:
        if not path.startswith("/module/web/jpage/dataproxy.jsp?"):
            return None
        m = re.search(r"startrecord=(\d+)&endrecord=(\d+)", path)
        if not m or f"columnid={colid}" not in path or f"unitid={unitid}" not in path:
            return Resp(400, b"bad request", validators=False)
        s, e = int(m.group(1)), int(m.group(2))
        xml = ('<?xml version="1.0" encoding="UTF-8"?><datastore><nextgroup><![CDATA[]]></nextgroup><recordset>'
               + "".join(recs[s - 1:e]) + "</recordset></datastore>")
        return Resp(body=xml.encode(), content_type="text/xml; charset=UTF-8")

    host.handlers.append(proxy)
    host.routes["/robots.txt"] = Resp(body=b"User-agent: *\nDisallow: /module/search/\n", content_type="text/plain")
    pages = {f"/module/web/jpage/dataproxy.jsp?startrecord={s}&endrecord={e}&perpage=3" for s, e in ((4, 6), (7, 8))}
    t.allowed = {"/robots.txt", f"/col/col{colid}/index.html", *(u[len(host.base):] for u in t.reports),
                 *(u[len(host.base):] for u in t.attachments)}
    t.required = set(t.allowed)
    t.allowed |= {"dataproxy"}  # the proxy paths carry parameters; matched by prefix in the tests
    t.source["_proxy_pages"] = sorted(pages)
    return t


# -- 广东 集约化 --------------------------------------------------------------------------------------
def gd_list(items: list[tuple[str, str, str]], years: list[int], pager: str = "") -> bytes:
    lis = "\n".join(f'<li><a href="{h}" title="{ti}">{ti}</a><span>{d}</span></li>' for h, ti, d in items)
    yl = "".join(f'<li><a href="../{y}n/">{y}年</a></li>' for y in years)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>部门政府信息公开年报</title></head><body>
<div class="crumb"><a href="/">首页</a> &gt; <a href="/zfjgzy/">政府机构</a> &gt; 部门政府信息公开年报</div>
<ul class="year-tabs">{yl}</ul>
<div class="news_list"><ul>{lis}</ul></div>
<div class="page">{pager}</div></body></html>""".encode()


def gd_portal(host: Host, other: Host) -> Truth:
    """广州-like column: a migrated column URL (301), year sub-columns with pages, a report posted
    twice (same bytes, two URLs), a link to a mirror host."""
    col = "/zfjgzy/gzsrmzfbgt/zfxxgknb/bm/"
    old = "/gzsrmzfbgt/zfxxgknb/bm/"
    t = Truth(source={"id": "sim-gd", "agency": "广州市人民政府办公厅", "region": "440100", "adapter": "gd",
                      "start": host.url(old), "since": 2021})
    host.routes[old] = Resp(301, b"", headers=(("Location", host.url(col)),), validators=False)
    years = [2023, 2022, 2021]
    root_items: list[tuple[str, str, str]] = []
    host.routes[col] = Resp(body=gd_list(root_items, years).replace(b'href="../', b'href="./'))
    posts = {2023: [("广州市教育局", 9469010), ("广州市民政局", 9469011), ("广州市财政局", 9469012)],
             2022: [("广州市教育局", 8800001), ("广州市卫生健康委员会", 8800002)],
             2021: [("广州市教育局", 7700001)]}
    bodies: dict[tuple[int, str], bytes] = {}
    for year, entries in posts.items():
        items = []
        for dept, pid in entries:
            path = f"{col}{year}n/content/post_{pid}.html"
            title = f"{dept}{year}年政府信息公开工作年度报告"
            body = report_html(title, dept, f"{year + 1}-01-20")
            bodies[(year, dept)] = body
            host.routes[path] = Resp(body=body)
            t.reports[host.url(path)] = year
            items.append((f"./content/post_{pid}.html", title, f"{year + 1}-01-20"))
        if year == 2022:  # the 2021 教育局 report re-posted under 2022n: same bytes, second URL
            dup = f"{col}2022n/content/post_8800003.html"
            host.routes[dup] = Resp(body=bodies[(2021, "广州市教育局")]) if (2021, "广州市教育局") in bodies else Resp()
            t.reports[host.url(dup)] = 2021
            items.append(("./content/post_8800003.html", "广州市教育局2021年政府信息公开工作年度报告", "2022-03-01"))
            items.append((other.url(f"{col}2022n/content/post_8800001.html"), "转载：广州市教育局2022年政府信息公开工作年度报告", "2023-01-21"))
        if year == 2023:
            pager = '<a href="index.html">1</a> <a href="index_2.html">2</a> <a href="index_2.html">下一页</a>'
            host.routes[f"{col}{year}n/"] = Resp(body=gd_list(items[:2], years, pager))
            host.routes[f"{col}{year}n/index_2.html"] = Resp(body=gd_list(items[2:], years, '<a href="index.html">上一页</a>'))
        else:
            host.routes[f"{col}{year}n/"] = Resp(body=gd_list(items, years))
        t.found.add(year)
    # 2022n is built after 2021 in `posts` order, so fix the duplicate's bytes now.
    host.routes[f"{col}2022n/content/post_8800003.html"] = Resp(body=bodies[(2021, "广州市教育局")])
    host.routes["/robots.txt"] = Resp(404, b"not found", validators=False)
    t.allowed = {"/robots.txt", old, col, *(f"{col}{y}n/" for y in years), f"{col}2023n/index_2.html",
                 f"{col}2023n/index.html", *(u[len(host.base):] for u in t.reports)}
    t.required = t.allowed - {f"{col}2023n/index.html"}
    return t


# -- 湖南 集约化 --------------------------------------------------------------------------------------
def hunan_portal(host: Host) -> Truth:
    """A 湖南 column whose pager never ends (index_N.shtml for every N): a pagination trap."""
    col = "/chnzj/c133076/"
    agency = "怀化市中方县人民政府"
    t = Truth(source={"id": "sim-hunan", "agency": agency, "region": "431221", "adapter": "hunan",
                      "start": host.url(col), "since": 2022})
    items = []
    for year in (2023, 2022):
        path = f"{col}{year + 1}01/{_hex(f'hunan{year}')}.shtml"
        title = f"{agency}{year}年政府信息公开工作年度报告"
        host.routes[path] = Resp(body=report_html(title, agency, f"{year + 1}-01-25"))
        t.reports[host.url(path)] = year
        t.found.add(year)
        items.append(f'<li><a href="{path}" target="_blank" title="{title}">{title}</a><span>{year + 1}-01-25</span></li>')

    def page(n: int) -> bytes:
        return (f"<html><head><meta charset='utf-8'><title>政府信息公开年报</title></head><body>"
                f"<ul class='list'>{''.join(items)}</ul><div class='pages'><a href='index_{n + 1}.shtml'>下一页</a>"
                f"<a href='index_{n + 1}.shtml'>{n + 1}</a></div></body></html>").encode()

    host.routes[col] = Resp(body=page(1))

    def trap(path: str, headers: dict[str, str]) -> Resp | None:
        m = re.fullmatch(re.escape(col) + r"index_(\d+)\.shtml", path)
        return Resp(body=page(int(m.group(1)))) if m else None

    host.handlers.append(trap)
    host.routes["/robots.txt"] = Resp(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
    t.allowed = {"/robots.txt", col, f"{col}index_2.shtml", *(u[len(host.base):] for u in t.reports)}
    t.required = set(t.allowed)
    return t


# -- generic (VSB/博达-like), discovered from the navigation --------------------------------------------
def generic_portal(host: Host, other: Host) -> tuple[Truth, Truth]:
    """Home → 政务公开 → 政府信息公开 → 政府信息公开年报 → year sub-columns and pages; plus a second
    source on the same host whose column is gone (404)."""
    agency = "温泉县人民政府"
    t = Truth(source={"id": "sim-generic", "agency": agency, "region": "652723", "adapter": "generic",
                      "start": host.url("/"), "since": 2020})
    nav = ('<div class="nav"><a href="/">首页</a><a href="/xwzx/">新闻中心</a><a href="/zwgk/">政务公开</a>'
           f'<a href="/hdjl/">互动交流</a><a href="{other.url("/")}">博州政府网</a></div>')
    host.routes["/"] = Resp(body=f"<html><head><meta charset='utf-8'><title>{agency}</title></head><body>{nav}"
                                 "<div><a href='/info/1001/1.htm'>温泉县召开会议</a></div></body></html>".encode())
    host.routes["/zwgk/"] = Resp(body=f"<html><head><meta charset='utf-8'></head><body>{nav}<ul>"
                                      "<li><a href='/zwgk/zfxxgk/'>政府信息公开</a></li><li><a href='/zwgk/tzgg/'>通知公告</a></li>"
                                      "</ul></body></html>".encode())
    host.routes["/zwgk/zfxxgk/"] = Resp(body=f"<html><head><meta charset='utf-8'></head><body>{nav}<ul>"
                                             "<li><a href='/zwgk/zfxxgk/zfxxgkzn/'>政府信息公开指南</a></li>"
                                             "<li><a href='/zwgk/zfxxgk/zfxxgkzd/'>政府信息公开制度</a></li>"
                                             "<li><a href='/zwgk/zfxxgk/fdzdgknr/'>法定主动公开内容</a></li>"
                                             "<li><a href='/zwgk/zfxxgk/zfxxgknb.htm'>政府信息公开年报</a></li>"
                                             "</ul></body></html>".encode())
    reports = {2023: "/info/1050/64208.htm", 2022: "/info/1050/60111.htm", 2021: "/info/1050/55120.htm",
               2020: "/info/1050/50007.htm"}
    for year, path in reports.items():
        title = f"{agency}{year}年政府信息公开工作年度报告"
        host.routes[path] = Resp(body=report_html(title, agency, f"{year + 1}-01-28"))
        t.reports[host.url(path)] = year
        t.found.add(year)

    def li(year: int) -> str:
        return (f"<li><a href='{reports[year]}' title='{agency}{year}年政府信息公开工作年度报告'>"
                f"{agency}{year}年政府信息公开工作年度报告</a><span>{year + 1}-01-28</span></li>")

    host.routes["/zwgk/zfxxgk/zfxxgknb.htm"] = Resp(body=(
        f"<html><head><meta charset='utf-8'><title>政府信息公开年报</title></head><body>{nav}"
        f"<div class='sub'><a href='/zwgk/zfxxgk/zfxxgknb/2021.htm'>2021年</a></div>"
        f"<ul>{li(2023)}{li(2022)}</ul><div class='pb'><a href='/zwgk/zfxxgk/zfxxgknb/2.htm'>下一页</a>"
        f"<a href='/zwgk/zfxxgk/zfxxgknb/2.htm'>2</a></div></body></html>").encode())
    host.routes["/zwgk/zfxxgk/zfxxgknb/2.htm"] = Resp(body=(
        f"<html><head><meta charset='utf-8'></head><body><ul>{li(2020)}</ul></body></html>").encode())
    host.routes["/zwgk/zfxxgk/zfxxgknb/2021.htm"] = Resp(body=(
        f"<html><head><meta charset='utf-8'></head><body><ul>{li(2021)}</ul></body></html>").encode())
    host.routes["/robots.txt"] = Resp(body=b"User-agent: *\nDisallow: /system/\n", content_type="text/plain")
    t.allowed = {"/robots.txt", "/", "/zwgk/", "/zwgk/zfxxgk/", "/zwgk/zfxxgk/zfxxgknb.htm",
                 "/zwgk/zfxxgk/zfxxgknb/2.htm", "/zwgk/zfxxgk/zfxxgknb/2021.htm", *reports.values()}
    t.required = set(t.allowed)
    gone = Truth(source={"id": "sim-gone", "agency": "温泉县教育局", "region": "652723", "adapter": "trs",
                         "start": host.url("/jyj/zfxxgk/zfxxgknb/"), "since": 2022},
                 missing={2022, 2023}, allowed={"/jyj/zfxxgk/zfxxgknb/"}, required={"/jyj/zfxxgk/zfxxgknb/"})
    return t, gone


# -- hosts that misbehave ----------------------------------------------------------------------------
def challenge_portal(host: Host) -> Truth:
    """Every answer is a 加速乐-style 521 JavaScript challenge."""
    host.handlers.append(lambda path, headers: Resp(521, CHALLENGE, validators=False))
    return Truth(source={"id": "sim-js", "agency": "某市人民政府", "region": "350100", "adapter": "trs",
                         "start": host.url("/xxgk/zfxxgknb/"), "since": 2022},
                 blocked={2022, 2023}, allowed={"/robots.txt"}, required={"/robots.txt"})


def slow_portal(host: Host, *, slow: float, hang: float) -> Truth:
    """A slow TRS host; one report answers after `hang` seconds (more than the timeout)."""
    col = "/xxgk/zfxxgknb/"
    agency = "福州市晋安区人民政府"
    t = Truth(source={"id": "sim-slow", "agency": agency, "region": "350111", "adapter": "trs",
                      "start": host.url(col), "since": 2022})
    items = []
    for year in (2023, 2022):
        path = f"{col}{year + 1}01/t{year + 1}0120_{year}.html"
        title = f"{agency}{year}年政府信息公开工作年度报告"
        host.routes[path] = Resp(body=report_html(title, agency, f"{year + 1}-01-20"))
        items.append((path.replace(col, "./"), title, f"{year + 1}-01-20"))
        if year == 2022:
            host.slow[path] = hang
            t.blocked.add(year)
        else:
            t.reports[host.url(path)] = year
            t.found.add(year)
    host.routes[col] = Resp(body=trs_list(items, total=1, current=0))
    host.routes["/robots.txt"] = Resp(body=b"User-agent: *\nDisallow:\n", content_type="text/plain")
    host.delay = slow
    t.allowed = {"/robots.txt", col, *(i[0].replace("./", col) for i in items)}
    t.required = set(t.allowed)
    return t


def flapping_portal(host: Host) -> Truth:
    """A TRS host that answers 503 to the first two requests of every path."""
    col = "/zfxxgk/zfxxgknb/"
    agency = "吉林市龙潭区人民政府"
    t = Truth(source={"id": "sim-flap", "agency": agency, "region": "220203", "adapter": "trs",
                      "start": host.url(col), "since": 2022})
    items = []
    for year in (2023, 2022):
        path = f"{col}{year + 1}02/t{year + 1}0205_{year}.html"
        title = f"{agency}{year}年政府信息公开工作年度报告"
        host.routes[path] = Resp(body=report_html(title, agency, f"{year + 1}-02-05"))
        items.append((path.replace(col, "./"), title, f"{year + 1}-02-05"))
        t.reports[host.url(path)] = year
        t.found.add(year)
    host.routes[col] = Resp(body=trs_list(items, total=1, current=0))
    host.flap = 2
    t.allowed = {"/robots.txt", col, *(u[len(host.base):] for u in t.reports)}
    t.required = set(t.allowed)
    return t


def write_sources(path: Path, truths: list[Truth], settings: dict[str, object]) -> Path:
    """A sources.toml for the simulated portals (the registry format under test)."""
    lines = ["[defaults]"]
    for k, v in settings.items():
        lines.append(f"{k} = {_toml(v)}")
    for t in truths:
        lines.append("\n[[source]]")
        for k, v in t.source.items():
            if not k.startswith("_"):
                lines.append(f"{k} = {_toml(v)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
