"""The simulated portals, one builder per CMS family, each returning its sites and its truth.

URL shapes and page structures follow spec/portals.md and real crawlers' code for these CMSs (TRS
createPageHTML lists, Hanweb datastore + dataproxy.jsp POST, gkmlpt JSON API, VSB info/N/M.htm with
_newscontent_fromname, …). The 开普云 (ucap) site is modelled loosely: no real page was found to copy.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

from .content import ReportSpec, report_body_html, report_docx
from .site import UTF8_HTML, Req, Resp, Site, html_doc

GBK_HTML = "text/html"  # old CMS: no charset in the header


@dataclass
class SourceTruth:
    """What a crawler started at `home` must (and must not) do."""

    id: str
    home: str
    family: str
    hosts: list[str]
    reports: list[dict[str, object]] = field(default_factory=list)
    lookalikes: list[dict[str, object]] = field(default_factory=list)
    forbidden: list[dict[str, str]] = field(default_factory=list)  # host, prefix, reason
    js_challenge: bool = False
    edited: list[str] = field(default_factory=list)
    crawl_delay: dict[str, float] = field(default_factory=dict)
    traps: list[dict[str, object]] = field(default_factory=list)  # host, prefix, max_requests
    note: str = ""


@dataclass
class Entry:
    """One item of a report column: a report (spec) or a look-alike."""

    title: str
    date: str
    spec: ReportSpec | None = None
    attach: str | None = None  # pdf | docx: the report exists only as an attachment
    lookalike: str | None = None
    edited: bool = False


@dataclass
class Build:
    """Collects sites and truths; PDF attachments are converted in one batch afterwards."""

    sites: dict[str, Site] = field(default_factory=dict)
    sources: list[SourceTruth] = field(default_factory=list)
    pending_pdf: list[tuple[Site, str, ReportSpec]] = field(default_factory=list)

    def site(self, host: str, **kw: object) -> Site:
        s = Site(host=host, **kw)  # type: ignore[arg-type]
        self.sites[host] = s
        return s


LOOKALIKE_TITLES = {
    "website": "{a}{y}年度政府网站工作年度报表",
    "rule_of_law": "{a}{y}年法治政府建设年度报告",
    "enterprise": "关于开展{y}年度企业年报公示工作的通告",
    "stats": "{a}{y}年上半年政府信息公开数据统计",
}


def entries(agencies: dict[str, list[int]], lookalikes: list[tuple[str, str, int]],
            attach: dict[tuple[str, int], str] | None = None, edited: tuple[str, int] | None = None,
            ) -> list[Entry]:
    """Reports for every (agency, year) plus look-alikes, newest first as list pages show them."""
    attach = attach or {}
    out = []
    for agency, years in agencies.items():
        for y in years:
            spec = ReportSpec(agency, y)
            day = 10 + (hash_int(agency + str(y)) % 18)
            out.append(Entry(spec.title, f"{y + 1}-01-{day:02d}", spec, attach.get((agency, y)),
                             edited=(agency, y) == edited))
    for kind, agency, y in lookalikes:
        title = LOOKALIKE_TITLES[kind].format(a=agency, y=y)
        out.append(Entry(title, f"{y + 1}-02-{10 + hash_int(title) % 15:02d}", lookalike=kind))
    return sorted(out, key=lambda e: (e.date, e.title), reverse=True)


def hash_int(text: str) -> int:
    """A stable small hash (Python's hash() is salted per process)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(text))


def lookalike_body(e: Entry) -> str:
    if e.lookalike == "website":
        return ("<table border='1'><tr><td>网站名称</td><td>首页网址</td><td>信息发布总数（条）</td></tr>"
                "<tr><td>门户网站</td><td>/</td><td>1523</td></tr></table>")
    if e.lookalike == "rule_of_law":
        return "<p>一、主要举措和成效</p><p>二、存在的不足</p><p>三、下一年度工作安排</p>"
    if e.lookalike == "stats":
        return "<p>上半年共主动公开政府信息312条，收到政府信息公开申请14件。</p>"
    return "<p>各类企业应当于每年1月1日至6月30日报送上一年度年度报告。</p>"


def item_body(b: Build, site: Site, art_target: str, e: Entry, truth: SourceTruth,
              url_of: str, attach_target: str | None = None, attach_href: str | None = None) -> tuple[str, list[bytes] | None]:
    """Body of an article page; registers the attachment and the truth rows. Returns (html, edited bodies)."""
    if e.spec is None:
        truth.lookalikes.append({"url": url_of, "title": e.title, "kind": e.lookalike})
        return lookalike_body(e), None
    if e.attach:
        assert attach_target and attach_href
        name = f"{e.spec.title}.{e.attach}"
        if e.attach == "docx":
            site.add(attach_target, report_docx(e.spec), validators="both",
                     ctype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     extra={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
        else:
            site.add(attach_target, b"", ctype="application/pdf")
            b.pending_pdf.append((site, attach_target, e.spec))
        base = url_of.split("/", 3)[:3]
        truth.reports.append({"url": "/".join(base) + attach_target, "year": e.spec.year,
                              "agency": e.spec.agency, "kind": "attachment", "format": e.attach,
                              "article": url_of, "title": e.spec.title})
        link = f'<p>详见附件：</p><p><a href="{escape(attach_href)}">{escape(name)}</a></p>'
        return link, None
    truth.reports.append({"url": url_of, "year": e.spec.year, "agency": e.spec.agency, "kind": "article",
                          "format": "html", "title": e.spec.title})
    if e.edited:
        truth.edited.append(url_of)
        return report_body_html(e.spec), [report_body_html(ReportSpec(e.spec.agency, e.spec.year, 1))]
    return report_body_html(e.spec), None


def meta_table(e: Entry, agency: str, index_prefix: str, n: int) -> str:
    """The 信息公开目录 header most platforms print above the body."""
    return ("<table class='xxgk_table'><tr><td>索引号：</td><td>"
            f"{index_prefix}/{e.date[:4]}-{n:05d}</td><td>分类：</td><td>政府信息公开年报</td></tr>"
            f"<tr><td>发布机构：</td><td>{escape(agency)}</td><td>发布日期：</td><td>{e.date}</td></tr>"
            f"<tr><td>名称：</td><td colspan='3'>{escape(e.title)}</td></tr></table>")


def nav(links: list[tuple[str, str]]) -> str:
    return "<div class='nav'><ul>" + "".join(f"<li><a href='{h}'>{escape(t)}</a></li>" for h, t in links) + "</ul></div>"


def footer(extra: list[tuple[str, str]] | None = None) -> str:
    links = [("http://www.gov.cn/", "中国政府网"), *(extra or [])]
    return "<div class='footer'>" + " | ".join(f"<a href='{h}'>{escape(t)}</a>" for h, t in links) + "</div>"


def add_article(site: Site, target: str, title: str, inner: str, edited: list[bytes] | None,
                charset: str | None = "utf-8", encoding: str = "utf-8", **kw: object) -> None:
    """Register an article page; an edited page gets a second epoch body."""
    bodies = [html_doc(title, inner, charset).encode(encoding)]
    if edited:
        bodies.append(html_doc(title, edited[0], charset).encode(encoding))
    site.add(target, bodies, **kw)


# --------------------------------------------------------------------------- TRS WCM


def build_trs(b: Build) -> None:
    """TRS WCM: createPageHTML JS pagination, tYYYYMMDD_N.html, TRS_Editor, 301 column move, robots."""
    host = "www.qingshui.gov.cn"
    home = f"http://{host}/"
    robots = "User-agent: *\nDisallow: /zwgk/zfxxgk/zfxxgknb/nbbak/\nDisallow: /search/\n"
    site = b.site(host, robots=robots)
    t = SourceTruth("blind-trs", home, "trs", [host], note="createPageHTML pagination; column moved (301)")
    gov = "清水市人民政府"
    agencies = {gov: list(range(2008, 2025)), "清水市教育局": [2021, 2022, 2023], "清水市财政局": [2022, 2023],
                "清水市统计局": [2023]}
    es = entries(agencies, [("website", gov, 2023), ("rule_of_law", "清水市", 2023),
                            ("enterprise", "", 2023)],
                 attach={("清水市财政局", 2022): "pdf", ("清水市统计局", 2023): "docx"}, edited=(gov, 2023))
    nav_links = [("/", "首页"), ("/zwgk/", "政务公开"), ("/xwzx/", "新闻中心"), ("/hdjl/", "互动交流")]
    site.add("/", html_doc("清水市人民政府门户网站", nav(nav_links) + "<div>欢迎访问</div>" + footer()).encode())
    site.pages["/index.html"] = site.pages["/"]
    site.add("/zwgk/", html_doc("政务公开", nav(nav_links) + nav([
        ("/zwgk/zfxxgk/", "政府信息公开"), ("/search/?q=年报", "站内搜索")])).encode())
    site.add("/xwzx/", html_doc("新闻中心", nav(nav_links) + "<p>今日要闻</p>").encode())
    site.add("/hdjl/", html_doc("互动交流", nav(nav_links) + "<p>领导信箱</p>").encode())
    site.add("/zwgk/zfxxgk/", html_doc("政府信息公开", nav(nav_links) + nav([
        ("./zfxxgkzn/", "政府信息公开指南"), ("./zfxxgkzd/", "政府信息公开制度"),
        ("./fdzdgknr/", "法定主动公开内容"), ("./ndbg/", "政府信息公开年报")])).encode())
    for slug, label in [("zfxxgkzn", "政府信息公开指南"), ("zfxxgkzd", "政府信息公开制度"), ("fdzdgknr", "法定主动公开内容")]:
        site.add(f"/zwgk/zfxxgk/{slug}/", html_doc(label, nav(nav_links) + f"<p>{label}</p>").encode())
    col = "/zwgk/zfxxgk/zfxxgknb/"
    site.redirects["/zwgk/zfxxgk/ndbg/"] = (301, f"http://{host}{col}")
    site.redirects["/zwgk/zfxxgk/ndbg/index.html"] = (301, f"http://{host}{col}index.html")
    per_page = 10
    pages = [es[i:i + per_page] for i in range(0, len(es), per_page)]
    for p, chunk in enumerate(pages):
        items = []
        for n, e in enumerate(chunk):
            d = e.date.replace("-", "")
            art_id = 2_300_000 + p * 100 + n * 7 + hash_int(e.title) % 7
            rel = f"./{d[:6]}/t{d}_{art_id}.html"
            target = f"{col}{d[:6]}/t{d}_{art_id}.html"
            att = f"{col}{d[:6]}/P0{d}{art_id:09d}.{e.attach}" if e.attach else None
            att_href = f"./P0{d}{art_id:09d}.{e.attach}" if e.attach else None
            body, edited = item_body(b, site, target, e, t, f"http://{host}{target}", att, att_href)
            agency = e.spec.agency if e.spec else gov
            wrap = (f"<div class='title'>{escape(e.title)}</div>{meta_table(e, agency, '11350100MB0000000X', n)}"
                    f"<div class='TRS_Editor'>{{}}</div>")
            add_article(site, target, e.title, wrap.format(body), [wrap.format(x) for x in edited or []] or None)
            items.append(f"<li><a href='{rel}' title='{escape(e.title)}'>{escape(e.title)}</a><span>{e.date}</span></li>")
        extra = "<p><a href='./nbbak/index.html'>历史年报（旧版栏目备份）</a></p>" if p == 0 else ""
        pager = f'<script type="text/javascript">createPageHTML({len(pages)}, {p}, "index", "html");</script>'
        html = html_doc("政府信息公开年报", nav(nav_links) + "<ul class='list'>" + "".join(items) + "</ul>"
                        + extra + pager, meta={"ColumnName": "政府信息公开年报"}).encode()
        site.add(f"{col}index{'' if p == 0 else f'_{p}'}.html", html)
    site.pages[col] = site.pages[f"{col}index.html"]
    bak = html_doc("年报备份", "<a href='./t20200110_1.html'>清水市人民政府2019年政府信息公开工作年度报告</a>")
    site.add(f"{col}nbbak/index.html", bak.encode())
    t.forbidden += [{"host": host, "prefix": f"{col}nbbak/", "reason": "robots"},
                    {"host": host, "prefix": "/search/", "reason": "robots"}]
    b.sources.append(t)


def build_challenge(b: Build) -> None:
    """A TRS site behind a 521 加速乐 JS challenge: must be reported js_challenge, never bypassed."""
    host = "www.baiyun.gov.cn"
    b.site(host, challenge=True)
    b.sources.append(SourceTruth("blind-trs-waf", f"http://{host}/", "trs_js_challenge", [host],
                                 js_challenge=True, note="every answer is 521 + cookie script"))


# --------------------------------------------------------------------------- Hanweb JCMS


def hanweb_record(href: str, title: str, date: str) -> str:
    return (f"<record><![CDATA[<li><a href=\"{href}\" target=\"_blank\" title=\"{escape(title)}\">"
            f"{escape(title)}</a><span class=\"bt-data-time\">{date}</span></li>]]></record>")


def hanweb_column(b: Build, site: Site, t: SourceTruth, prefix: str, colid: int, unitid: int, webid: int,
                  webname: str, es: list[Entry], first: int, perpage: int, index_prefix: str) -> str:
    """A JCMS column: first `first` records inline, the rest ONLY from a POST to dataproxy.jsp."""
    host = site.host
    records = []
    for n, e in enumerate(es):
        y, m, d = (int(x) for x in e.date.split("-"))
        art_id = 4_100_000 + n * 13 + hash_int(e.title) % 13
        target = f"{prefix}/art/{y}/{m}/{d}/art_{colid}_{art_id}.html"
        fname = f"{y}{m:02d}{d:02d}{art_id}"
        att = f"{prefix}/module/download/downfile.jsp?classid=0&filename={fname}.{e.attach}" if e.attach else None
        body, edited = item_body(b, site, target, e, t, f"http://{host}{target}", att, att)
        agency = e.spec.agency if e.spec else webname
        wrap = (f"<div class='main-txt'><h1 class='title'>{escape(e.title)}</h1>"
                f"{meta_table(e, agency, index_prefix, n)}<div id='zoom'>{{}}</div></div>")
        add_article(site, target, e.title, wrap.format(body), [wrap.format(x) for x in edited or []] or None)
        records.append(hanweb_record(target, e.title, e.date))
    total = len(records)
    params = (f"col=1&appid=1&webid={webid}&path={quote(prefix + '/')}&columnid={colid}&sourceContentType=1"
              f"&unitid={unitid}&webname={quote(webname)}&permissiontype=0")
    proxy = f"{prefix}/module/web/jpage/dataproxy.jsp"

    def dataproxy(req: Req, _epoch: int) -> Resp | None:
        if req.path != proxy:
            return None
        if req.method != "POST":
            return Resp(405, {"Content-Type": UTF8_HTML}, b"<html>HTTP Status 405 - GET not supported</html>")
        p = req.params()
        if p.get("columnid") != str(colid) or p.get("unitid") != str(unitid):
            chosen: list[str] = []
        else:
            start = max(int(p.get("startrecord", "1") or 1), 1)
            end = min(int(p.get("endrecord", str(start + perpage - 1)) or start), total)
            chosen = records[start - 1:end]
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{total}</totalrecord>'
               f"<totalpage>{-(-total // perpage)}</totalpage><recordset>{''.join(chosen)}</recordset></datastore>")
        return Resp(200, {"Content-Type": "text/xml;charset=UTF-8"}, xml.encode())

    site.handlers.append(dataproxy)
    inline = "".join(records[:first])
    script = (
        f"<div id=\"{unitid}\"><script type=\"text/xml\"><datastore><nextgroup><![CDATA[<a href=\"{proxy}?"
        f"{params}\"></a>]]></nextgroup><recordset>{inline}</recordset></datastore></script></div>"
        f"<script language=\"javascript\" src=\"{prefix}/module/web/jpage/jpage.js\"></script>"
        f"<script>$(document).ready(function(){{ new jpage({{ unitid:{unitid}, proxyUrl:'{proxy}',"
        f" perPage:{perpage}, totalRecord:{total}, dataStore:'{unitid}', "
        f"query:{{col:1,appid:1,webid:{webid},path:'{prefix}/',columnid:{colid},sourceContentType:1,"
        f"unitid:{unitid},webname:'{webname}',permissiontype:0}} }}); }});</script>"
    )
    target = f"{prefix}/col/col{colid}/index.html"
    site.add(target, html_doc("政府信息公开年报", script, meta={"ColumnName": "政府信息公开年报"}).encode())
    return target


def build_hanweb(b: Build) -> None:
    """Hanweb JCMS at the host root, Crawl-delay in robots.txt, a DOCX via downfile.jsp."""
    host = "www.jinxi.gov.cn"
    site = b.site(host, robots="User-agent: *\nCrawl-delay: 0.2\nDisallow: /module/search/\n")
    t = SourceTruth("blind-hanweb", f"http://{host}/", "hanweb", [host], crawl_delay={host: 0.2},
                    note="datastore first 5 of 16; rest only via POST dataproxy.jsp")
    gov = "金溪县人民政府"
    es = entries({gov: list(range(2017, 2025)), "金溪县卫生健康局": [2021, 2022, 2023], "金溪县教育体育局": [2023, 2024]},
                 [("website", gov, 2023), ("rule_of_law", "金溪县", 2022), ("enterprise", "", 2024)],
                 attach={("金溪县卫生健康局", 2022): "docx"})
    col = hanweb_column(b, site, t, "", 1229100123, 7654321, 3, gov, es, first=5, perpage=5,
                        index_prefix="001008001/2024")
    site.add("/col/col1229100001/index.html", html_doc("政务公开", nav([
        ("/col/col1229100005/index.html", "政府信息公开指南"), (col, "政府信息公开年报"),
        ("/module/search/index.jsp?q=年报", "检索")])).encode())
    site.add("/col/col1229100005/index.html", html_doc("政府信息公开指南", "<p>指南</p>").encode())
    site.add("/", html_doc("金溪县人民政府", nav([("/", "首页"), ("/col/col1229100001/index.html", "政务公开")])
                           + footer()).encode())
    t.forbidden.append({"host": host, "prefix": "/module/search/", "reason": "robots"})
    b.sources.append(t)


def build_hanweb_mounted(b: Build) -> None:
    """A Hanweb 平台 mounted under /zfxxgk/ of a portal host: /zfxxgk/col/…, /zfxxgk/module/…"""
    host = "www.dongpu.gov.cn"
    site = b.site(host)
    t = SourceTruth("blind-hanweb-mounted", f"http://{host}/", "hanweb_mounted", [host],
                    note="JCMS under /zfxxgk/; the root /module/ dataproxy does not exist")
    gov = "东浦区人民政府"
    es = entries({gov: [2020, 2021, 2022, 2023, 2024], "东浦区民政局": [2023, 2024]},
                 [("website", gov, 2024)])
    col = hanweb_column(b, site, t, "/zfxxgk", 2005, 88123, 11, gov, es, first=3, perpage=3,
                        index_prefix="11330700MB1234567K/2024")
    site.add("/zfxxgk/col/col2001/index.html", html_doc("东浦区政府信息公开平台", nav([
        ("/zfxxgk/col/col2002/index.html", "政府信息公开指南"), (col, "政府信息公开年报")])).encode())
    site.add("/zfxxgk/col/col2002/index.html", html_doc("指南", "<p>指南</p>").encode())
    site.add("/", html_doc("东浦区人民政府", nav([("/", "首页"), ("/zfxxgk/col/col2001/index.html", "政府信息公开")])
                           + footer()).encode())
    b.sources.append(t)


# --------------------------------------------------------------------------- 广东 gkmlpt


def build_gd(b: Build) -> None:
    """广东 集约化: gkmlpt single-page app, articles listed only by the JSON API."""
    host = "www.nanling.gov.cn"
    site = b.site(host)
    t = SourceTruth("blind-gd", f"http://{host}/", "gd_gkmlpt", [host], note="gkmlpt api/all/{cat}?page&sid")
    sid, cat = "760123", 2466
    gov = "南岭市人民政府"
    es = entries({gov: [2019, 2020, 2021, 2022, 2023, 2024], "南岭市司法局": [2023]},
                 [("rule_of_law", "南岭市", 2023), ("stats", gov, 2024)], attach={("南岭市司法局", 2023): "pdf"})
    arts = []
    for n, e in enumerate(es):
        pid = 4_012_000 + n * 17 + hash_int(e.title) % 17
        target = f"/gkmlpt/content/4/{pid // 1000}/post_{pid}.html"
        att = f"/attachment/0/{pid % 1000}/{pid}/{pid}.pdf" if e.attach else None
        body, edited = item_body(b, site, target, e, t, f"http://{host}{target}", att, att)
        agency = e.spec.agency if e.spec else gov
        wrap = (f"<div class='content'><h1>{escape(e.title)}</h1>{meta_table(e, agency, '006939756/2024', n)}"
                f"<div class='article-content'>{{}}</div></div>")
        add_article(site, target, e.title, wrap.format(body), [wrap.format(x) for x in edited or []] or None)
        y, m, d = (int(x) for x in e.date.split("-"))
        stamp = 1_600_000_000 + (y - 2020) * 31_536_000 + m * 2_592_000 + d * 86_400
        arts.append({"id": pid, "title": e.title, "url": f"http://{host}{target}#{cat}", "publisher": agency,
                     "display_publish_time": stamp, "create_time": stamp, "identifier": f"006939756/{y}-{n:05d}"})
    size = 4

    def api(req: Req, _epoch: int) -> Resp | None:
        if req.path != f"/gkmlpt/api/all/{cat}":
            return None
        p = req.params()
        page = max(int(p.get("page", "1") or 1), 1)
        chosen = arts[(page - 1) * size: page * size] if p.get("sid") == sid else []
        payload = {"total": len(arts) if p.get("sid") == sid else 0, "page": page, "articles": chosen}
        return Resp(200, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(payload, ensure_ascii=False).encode())

    site.handlers.append(api)
    app = (f"<div id='app'></div><script>window._CONFIG = {{ SID: '{sid}', SITE_NAME: '{gov}' }};</script>"
           f"<ul class='catalog'><li><a href='/gkmlpt/index#2460'>政府信息公开指南</a></li>"
           f"<li><a href='/gkmlpt/index#{cat}'>政府信息公开年报</a></li></ul>"
           "<script src='/gkmlpt/static/js/app.js'></script>")
    site.add("/gkmlpt/index", html_doc("政府信息公开", app).encode())
    site.add("/", html_doc(gov, nav([("/", "首页"), ("/gkmlpt/index", "政府信息公开")]) + footer()).encode())
    b.sources.append(t)


# --------------------------------------------------------------------------- 湖南 集约化


def build_hunan(b: Build) -> None:
    """湖南 集约化: /xxgk/…/content_N.html, list index.html then index_2.html with static links."""
    host = "www.xiangyun.gov.cn"
    site = b.site(host)
    t = SourceTruth("blind-hunan", f"http://{host}/", "hunan", [host])
    gov = "湘云县人民政府"
    es = entries({gov: [2018, 2019, 2020, 2021, 2022, 2023, 2024], "湘云县自然资源局": [2024]},
                 [("website", gov, 2024)])
    col = "/xxgk/zfxxgknb/"
    pages = [es[:5], es[5:]]
    for p, chunk in enumerate(pages):
        items = []
        for n, e in enumerate(chunk):
            cid = 3_120_000 + p * 50 + n * 3 + hash_int(e.title) % 3
            target = f"{col}{e.date[:4]}{e.date[5:7]}/content_{cid}.html"
            body, edited = item_body(b, site, target, e, t, f"http://{host}{target}")
            wrap = f"<div class='main_content'><h2>{escape(e.title)}</h2><div id='j-show-body'>{{}}</div></div>"
            add_article(site, target, e.title, wrap.format(body), [wrap.format(x) for x in edited or []] or None)
            items.append(f"<li><a href='{target}'>{escape(e.title)}</a><span>{e.date}</span></li>")
        pager = "<div class='page'>" + ("<a href='index_2.html'>下一页</a>" if p == 0 else "<a href='index.html'>上一页</a>") + "</div>"
        site.add(f"{col}index{'' if p == 0 else '_2'}.html",
                 html_doc("政府信息公开年报", "<ul>" + "".join(items) + "</ul>" + pager).encode())
    site.add("/xxgk/index.html", html_doc("政府信息公开", nav([(f"{col}index.html", "政府信息公开年报"),
                                                           ("/xxgk/zfxxgkzn/index.html", "政府信息公开指南")])).encode())
    site.add("/xxgk/zfxxgkzn/index.html", html_doc("指南", "<p>指南</p>").encode())
    site.add("/", html_doc(gov, nav([("/", "首页"), ("/xxgk/index.html", "政务公开")]) + footer()).encode())
    b.sources.append(t)


# --------------------------------------------------------------------------- VSB / 博达


def build_vsb(b: Build) -> None:
    """VSB: list zfxxgknb.htm then zfxxgknb/2.htm, zfxxgknb/1.htm; info/N/M.htm; download.jsp attachments."""
    host = "www.hexi.gov.cn"
    site = b.site(host)
    t = SourceTruth("blind-vsb", f"http://{host}/index.htm", "vsb", [host])
    gov = "河西区人民政府"
    es = entries({gov: [2019, 2020, 2021, 2022, 2023, 2024], "河西区审计局": [2023]},
                 [("rule_of_law", "河西区", 2024), ("website", gov, 2023)], attach={(gov, 2020): "docx"})
    chunks = [es[i:i + 3] for i in range(0, len(es), 3)]
    n_pages = len(chunks)
    names = ["/xxgk/zfxxgknb.htm"] + [f"/xxgk/zfxxgknb/{n_pages - p}.htm" for p in range(1, n_pages)]
    for p, chunk in enumerate(chunks):
        items = []
        for n, e in enumerate(chunk):
            owner, nid = 1234, 5600 + p * 10 + n
            target = f"/info/{owner}/{nid}.htm"
            att = (f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1234567890&wbfileid={nid}77"
                   if e.attach else None)
            body, edited = item_body(b, site, target, e, t, f"http://{host}{target}", att, att)
            wrap = ("<form name=\"_newscontent_fromname\"><h1 class='title'>" + escape(e.title) + "</h1>"
                    "<div id=\"vsb_content\"><div class=\"v_news_content\">{}</div></div></form>")
            add_article(site, target, e.title, wrap.format(body), [wrap.format(x) for x in edited or []] or None)
            rel = ".." + target if p == 0 else "../.." + target
            items.append(f"<li id='line_u8_{n}'><a href='{rel}' title='{escape(e.title)}'>{escape(e.title)}</a>"
                         f"<span>{e.date}</span></li>")
        nums = "".join(f"<span class='p_no_d'>{q + 1}</span>" if q == p else
                       f"<span class='p_no'><a href='{vsb_href(p, q, n_pages)}'>{q + 1}</a></span>"
                       for q in range(n_pages))
        pager = f"<span class='p_pages'><span class='p_t'>共{len(es)}条</span>{nums}</span>"
        site.add(names[p], html_doc("政府信息公开年报", "<ul>" + "".join(items) + "</ul>" + pager).encode())
    site.add("/xxgk.htm", html_doc("信息公开", nav([("xxgk/zfxxgknb.htm", "政府信息公开年报"),
                                                 ("xxgk/zfxxgkzn.htm", "政府信息公开指南")])).encode())
    site.add("/xxgk/zfxxgkzn.htm", html_doc("指南", "<p>指南</p>").encode())
    site.add("/index.htm", html_doc(gov, nav([("index.htm", "首页"), ("xxgk.htm", "信息公开")]) + footer()).encode())
    site.redirects["/"] = (302, f"http://{host}/index.htm")
    b.sources.append(t)


def vsb_href(src: int, dst: int, n_pages: int) -> str:
    """Relative link between VSB list pages: page 0 is zfxxgknb.htm, page k is zfxxgknb/(n-k).htm."""
    name = "zfxxgknb.htm" if dst == 0 else f"{n_pages - dst}.htm"
    if src == 0:
        return name if dst == 0 else f"zfxxgknb/{name}"
    return f"../{name}" if dst == 0 else name


# --------------------------------------------------------------------------- 开普云 / ucap (loose)


def build_ucap(b: Build) -> None:
    """开普云-style: query-string pagination (?pageIndex=N), 32-hex article ids, Last-Modified only."""
    host = "www.fengyi.gov.cn"
    site = b.site(host)
    t = SourceTruth("blind-ucap", f"http://{host}/", "ucap", [host], note="modelled loosely; LM validators only")
    gov = "凤仪县人民政府"
    es = entries({gov: [2020, 2021, 2022, 2023, 2024], "凤仪县交通运输局": [2024]}, [("stats", gov, 2023)])
    rng = random.Random("ucap")
    col = "/zfxxgk/zfxxgknb/"
    chunks = [es[:4], es[4:]]
    for p, chunk in enumerate(chunks):
        items = []
        for e in chunk:
            hexid = f"{rng.getrandbits(128):032x}"
            target = f"{col}{e.date[:4]}{e.date[5:7]}/{hexid}.shtml"
            body, edited = item_body(b, site, target, e, t, f"http://{host}{target}")
            wrap = f"<div class='ucap-article'><h1>{escape(e.title)}</h1><div class='ucapContent'>{{}}</div></div>"
            add_article(site, target, e.title, wrap.format(body), [wrap.format(x) for x in edited or []] or None,
                        validators="lm")
            items.append(f"<li><a href='{target}'>{escape(e.title)}</a><em>{e.date}</em></li>")
        pager = "".join(f"<a href='{col}index.shtml?pageIndex={q + 1}'>{q + 1}</a>" for q in range(len(chunks)))
        page = html_doc("政府信息公开年报", "<ul>" + "".join(items) + f"</ul><div class='pagination'>{pager}</div>")
        site.add(f"{col}index.shtml?pageIndex={p + 1}", page.encode(), validators="lm")
        if p == 0:
            site.add(f"{col}index.shtml", page.encode(), validators="lm")
    site.add("/zfxxgk/index.shtml", html_doc("政府信息公开", nav([(f"{col}index.shtml", "政府信息公开年报")])).encode(),
             validators="lm")
    site.add("/", html_doc(gov, nav([("/", "首页"), ("/zfxxgk/index.shtml", "政府信息公开")]) + footer()).encode(),
             validators="lm")
    b.sources.append(t)


# --------------------------------------------------------------------------- old CMS, GBK


def build_old_gbk(b: Build) -> None:
    """An old CMS: page number in the file name (1.html, 2.html), GBK, no charset header, no validators."""
    host = "www.gucheng.gov.cn"
    site = b.site(host)
    t = SourceTruth("blind-old-gbk", f"http://{host}/index.html", "old_gbk", [host],
                    note="text/html without charset; meta gb2312 on lists, none on articles; no ETag/LM")
    gov = "古城县人民政府"
    es = entries({gov: list(range(2012, 2020)), "古城县农业农村局": [2019]}, [("website", gov, 2019)])
    chunks = [es[i:i + 4] for i in range(0, len(es), 4)]
    for p, chunk in enumerate(chunks):
        items = []
        for n, e in enumerate(chunk):
            target = f"/cms/html/gucheng/{e.date}/{880 + p * 10 + n}.html"
            body, _ = item_body(b, site, target, e, t, f"http://{host}{target}")
            wrap = f"<table><tr><td class='bt'>{escape(e.title)}</td></tr><tr><td class='nr'>{{}}</td></tr></table>"
            add_article(site, target, e.title, wrap.format(body), None, charset=None, encoding="gbk",
                        ctype=GBK_HTML, validators="none")
            items.append(f"<tr><td><a href='{target}'>{escape(e.title)}</a></td><td>{e.date}</td></tr>")
        nxt = f"<a href='{p + 2}.html'>下一页</a>" if p + 1 < len(chunks) else ""
        html = html_doc("政府信息公开年报", "<table>" + "".join(items) + "</table>" + nxt, charset="gb2312")
        site.add(f"/zfxxgk/zfxxgknb/{p + 1}.html", html.encode("gbk"), ctype=GBK_HTML, validators="none")
    site.add("/zfxxgk/index.html", html_doc("信息公开", nav([("/zfxxgk/zfxxgknb/1.html", "政府信息公开年报")]),
                                            charset="gb2312").encode("gbk"), ctype=GBK_HTML, validators="none")
    site.add("/index.html", html_doc(gov, nav([("/index.html", "首页"), ("/zfxxgk/index.html", "信息公开")]),
                                     charset="gb2312").encode("gbk"), ctype=GBK_HTML, validators="none")
    b.sources.append(t)


# --------------------------------------------------------------------------- generic, separate 平台 host


def build_generic(b: Build) -> None:
    """Reports only through the navigation, on a separate 政府信息公开平台 host, in year sub-columns."""
    www, xxgk = "www.pingyuan.gov.cn", "xxgk.pingyuan.gov.cn"
    site = b.site(www, robots="User-agent: *\nDisallow: /search/\n")
    plat = b.site(xxgk, robots="User-agent: *\nDisallow: /so/\n")
    mirror = b.site("www.mirror-news.com")
    b.site("www.gov.cn")
    t = SourceTruth("blind-generic", f"http://{www}/", "generic", [www, xxgk],
                    note="www → 政务公开 → 政府信息公开 (xxgk host) → 年报 → year sub-columns; calendar trap")
    gov = "平原县人民政府"
    years = [2021, 2022, 2023, 2024]
    es = entries({gov: years, "平原县水利局": [2023, 2024], "平原县城关镇人民政府": [2024]},
                 [("stats", gov, 2024), ("website", gov, 2024)])
    year_links = []
    for y in sorted(years, reverse=True):
        chunk = [e for e in es if e.date.startswith(str(y + 1))]
        items = []
        for e in chunk:
            target = f"/zfxxgknb/{y}n/{1_706_000_000_000 + hash_int(e.title) * 1000}.html"
            body, edited = item_body(b, plat, target, e, t, f"http://{xxgk}{target}")
            wrap = f"<div class='article'><h1>{escape(e.title)}</h1><div class='con'>{{}}</div></div>"
            add_article(plat, target, e.title, wrap.format(body), [wrap.format(x) for x in edited or []] or None)
            items.append(f"<li><a href='{target}'>{escape(e.title)}</a></li>")
        plat.add(f"/zfxxgknb/{y}n/", html_doc(f"{y}年度", "<ul>" + "".join(items) + "</ul>").encode())
        year_links.append((f"/zfxxgknb/{y}n/", f"{y}年度"))
    plat.add("/zfxxgknb/", html_doc("政府信息公开年报", nav(year_links)).encode())
    plat.add("/", html_doc("平原县政府信息公开平台", nav([
        ("/zfxxgkzn/", "政府信息公开指南"), ("/fdzdgknr/", "法定主动公开内容"), ("/zfxxgknb/", "政府信息公开年报"),
        ("/so/?kw=年报", "搜索")])).encode())
    plat.add("/zfxxgkzn/", html_doc("指南", "<p>指南</p>").encode())
    plat.add("/fdzdgknr/", html_doc("法定主动公开内容", "<p>规范性文件</p>").encode())
    copy = f"http://www.mirror-news.com/copy/{gov}2023.html"
    mirror.add(f"/copy/{gov}2023.html", html_doc("转载", "<p>转载</p>").encode())

    def calendar(req: Req, _epoch: int) -> Resp | None:
        if req.path != "/ldhd/rl.html":
            return None
        import datetime as dt

        day = dt.date.fromisoformat(req.params().get("d", "2024-01-15"))
        links = [(f"/ldhd/rl.html?d={day + dt.timedelta(days=k)}", t) for k, t in [(-1, "前一天"), (1, "后一天")]]
        links.append((f"/ldhd/rl.html?d={day + dt.timedelta(days=31)}", "下个月"))
        return Resp(200, {"Content-Type": UTF8_HTML}, html_doc(f"领导活动 {day}", nav(links)).encode())

    site.handlers.append(calendar)
    site.add("/zwgk/", html_doc("政务公开", nav([(f"http://{xxgk}/", "政府信息公开"),
                                             ("/ldhd/rl.html?d=2024-01-15", "领导活动日历"),
                                             ("/search/?q=年报", "搜索")])).encode())
    site.add("/", html_doc(gov, nav([("/", "首页"), ("/zwgk/", "政务公开"), ("/ldhd/rl.html?d=2024-01-15", "领导活动")])
                           + footer([(copy, "媒体转载")])).encode())
    t.forbidden += [
        {"host": www, "prefix": "/search/", "reason": "robots"},
        {"host": xxgk, "prefix": "/so/", "reason": "robots"},
        {"host": "www.mirror-news.com", "prefix": "/", "reason": "off_scope"},
        {"host": "www.gov.cn", "prefix": "/", "reason": "off_scope"},
    ]
    t.traps.append({"host": www, "prefix": "/ldhd/rl.html", "max_requests": 10})
    b.sources.append(t)


FAMILIES = [build_trs, build_challenge, build_hanweb, build_hanweb_mounted, build_gd, build_hunan, build_vsb,
            build_ucap, build_old_gbk, build_generic]


def build_all() -> Build:
    """Every family; the off-scope hosts are forbidden for every source."""
    b = Build()
    for fam in FAMILIES:
        fam(b)
    for src in b.sources:
        for host in ("www.gov.cn", "www.mirror-news.com"):
            rule = {"host": host, "prefix": "/", "reason": "off_scope"}
            if rule not in src.forbidden:
                src.forbidden.append(rule)
    return b
