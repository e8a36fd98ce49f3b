"""Adapters on real pages (tests/fixtures/html) and on the family markup they target."""

from __future__ import annotations

from scrapers.adapters import FetchedPage, adapter_for
from scrapers.adapters.base import decode_html, is_file
from scrapers.adapters.hanweb import proxy_pages, records
from scrapers.adapters.trs import pager_pages
from tests.conftest import fixture_bytes

PINGTAN = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"


def test_a_real_trs_report_page_yields_no_links_but_its_attachments() -> None:
    # The 2019 page has 100+ links (nav, footer, other portals) and an empty 全真版 script array.
    page = FetchedPage(url=PINGTAN + "202001/t20200120_80576.htm", role="report",
                body=fixture_bytes("html", "fujian_pingtan_zone_2019_page.html"),
                hints={"title": "平潭综合实验区2019年度政府信息公开工作年度报告"})
    assert adapter_for("trs").links(page) == []


def test_a_real_trs_page_as_a_list_follows_nothing_outside_the_column() -> None:
    page = FetchedPage(url=PINGTAN + "202001/t20200120_80576.htm", role="list",
                body=fixture_bytes("html", "fujian_pingtan_zone_2019_page.html"))
    assert adapter_for("trs").links(page) == []  # breadcrumbs and navigation are not the column's pages


def test_trs_pager_and_article_pattern() -> None:
    html = ('<ul><li><a href="./202401/t20240118_1.html" title="某县2023年度政府信息公开工作年度报告">某县2023年度政府信息公开工作...</a>'
            '<span>2024-01-18</span></li></ul><script>createPageHTML(4, 0, "index", "shtml");</script>').encode()
    links = adapter_for("trs").links(FetchedPage(url=PINGTAN, role="list", body=html))
    report = next(link for link in links if link.role == "report")
    assert report.url == PINGTAN + "202401/t20240118_1.html"
    assert dict(report.hints) == {"title": "某县2023年度政府信息公开工作年度报告", "published": "2024-01-18"}
    assert [link.url.rsplit("/", 1)[1] for link in links if link.role == "list"] == [
        "index_1.shtml", "index_2.shtml", "index_3.shtml"]
    old = b'<script>var countPage = 3;createPageHTML(countPage, 0, "index", "htm");</script>'
    assert len(pager_pages(FetchedPage(url=PINGTAN, role="list", body=old), old.decode())) == 2


def test_trs_full_version_pdf_in_a_script_array_is_an_attachment() -> None:
    html = ('<script>var apps1 = [{url:"http://www.pingtan.gov.cn/zwgk/P020230120.pdf", name:"报告（原件）.pdf"}];</script>'
            '<iframe src="/generic2/web/viewer.html?file={{qzbFile}}"></iframe>'
            '<a href="./W0202301.docx">附件：报告.docx</a><a href="/index.html">首页</a>').encode()
    links = adapter_for("trs").links(FetchedPage(url=PINGTAN + "202301/t1.html", role="report", body=html,
                                          hints={"title": "某县2022年度政府信息公开工作年度报告"}))
    assert {link.url for link in links} == {"http://www.pingtan.gov.cn/zwgk/P020230120.pdf",
                                            PINGTAN + "202301/W0202301.docx"}
    pdf = next(link for link in links if link.url.endswith(".pdf"))
    assert dict(pdf.hints)["rendition"] == "全真版" and dict(pdf.hints)["title"].startswith("某县2022")


def test_hanweb_datastore_records_and_dataproxy_pages() -> None:
    text = ('<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1'
            '&appid=1&webid=3180&path=/&columnid=1229214366&unitid=4567&webname=%E6%B1%9F%E5%8C%97&permissiontype=0">'
            '</a>]]></nextgroup><recordset><record><![CDATA[<li><a href="/art/2024/1/20/art_1229214366_589.html" '
            'title="江北区2023年政府信息公开工作年度报告">江北区2023年…</a><span>2024-01-20</span></li>]]></record>'
            '</recordset></datastore></script><script>$("#4567").jpage({perPage: 15, totalRecord: 100, '
            'groupSize: 3});</script>')
    base = "http://www.nbjb.gov.cn/col/col1229214366/index.html"
    items = records(text, base)
    assert [(i.url, i.role) for i in items] == [("http://www.nbjb.gov.cn/art/2024/1/20/art_1229214366_589.html",
                                                "report")]
    pages = proxy_pages(text, base, n_embedded=1)
    assert [p.url.split("?")[1].split("&")[:3] for p in pages][:2] == [
        ["startrecord=2", "endrecord=46", "perpage=15"], ["startrecord=47", "endrecord=91", "perpage=15"]]
    assert len(pages) == 3 and all("unitid=4567" in p.url and "columnid=1229214366" in p.url for p in pages)


def test_generic_adapter_finds_the_column_from_navigation_labels() -> None:
    home = ('<a href="/xwzx/">新闻中心</a><a href="/zwgk/">政务公开</a><a href="https://www.gov.cn/">国务院</a>').encode()
    g = adapter_for("generic")
    assert [(x.url, x.role) for x in g.links(FetchedPage(url="https://www.xjwq.gov.cn/", role="nav", body=home))] == [
        ("https://www.xjwq.gov.cn/zwgk/", "nav")]
    col = ('<a href="/zwgk/zfxxgkzn.htm">政府信息公开指南</a><a href="/zwgk/zfxxgknb.htm">政府信息公开年报</a>'
           '<a href="/zwgk/tzgg.htm">政务公开</a>').encode()
    assert [(x.url, x.role) for x in g.links(FetchedPage(url="https://www.xjwq.gov.cn/zwgk/", role="nav", body=col))] == [
        ("https://www.xjwq.gov.cn/zwgk/zfxxgknb.htm", "list")]  # once the column is found, stop exploring


def test_gbk_pages_decode_and_files_are_recognised() -> None:
    body = '<meta charset="gb2312"><a href="a.pdf">温泉县2023年报</a>'.encode("gb18030")
    assert "温泉县" in decode_html(body)
    assert "温泉县" in decode_html('<p>温泉县</p>'.encode("gbk"), "text/html; charset=GBK")
    assert is_file("http://jyt.hebei.gov.cn/download.jsp?pathfile=/atm/7/20230131173706156.docx;")
    assert is_file("http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=2301.pdf")
    assert not is_file("http://x.gov.cn/art/2023/1/1/art_1_2.html")


def test_families_are_detected_from_the_pages_own_fingerprints() -> None:
    from scrapers.adapters.detect import detect

    def fam(url: str, html: str) -> tuple[str, ...]:
        return detect(FetchedPage(url=url, role="nav", body=html.encode()))

    assert fam("http://a.gov.cn/zfxxgknb/", '<script>createPageHTML(3, 0, "index", "html");</script>') == ("trs",)
    assert fam("http://a.gov.cn/zfxxgk/col/col2005/index.html", "<datastore><recordset/></datastore>") == ("hanweb",)
    assert fam("http://a.gov.cn/gkmlpt/index", "<script>window._CONFIG = { SID: '760123' };</script>") == ("gkmlpt",)
    assert fam("http://a.gov.cn/xxgk.htm", "<a href='info/1234/5600.htm'>x</a>") == ("vsb",)
    assert fam("http://a.gov.cn/", "<a href='/cms/html/x/2020-01-15/880.html'>x</a>") == ()  # generic only


def test_gkmlpt_catalogue_and_json_api() -> None:
    from scrapers.adapters.gkmlpt import api_links, catalogue_links

    app = ("<script>window._CONFIG = { SID: '760123', SITE_NAME: '南岭市人民政府' };</script>"
           "<a href='/gkmlpt/index#2460'>政府信息公开指南</a><a href='/gkmlpt/index#2466'>政府信息公开年报</a>")
    [col] = catalogue_links(FetchedPage(url="http://www.nanling.gov.cn/gkmlpt/index", role="nav", body=app.encode()))
    assert col.url == "http://www.nanling.gov.cn/gkmlpt/api/all/2466?page=1&sid=760123" and col.role == "list"
    answer = ('{"total": 9, "page": 1, "articles": [{"title": "南岭市人民政府2023年政府信息公开工作年度报告", '
              '"url": "http://www.nanling.gov.cn/gkmlpt/content/4/4012/post_4012017.html#2466", '
              '"display_publish_time": 1706745600}, {"title": "x", "post_url": "/gkmlpt/content/4/4012/post_2.html"}]}')
    links = api_links(FetchedPage(url=col.url, role="list", body=answer.encode()))
    reports = [link for link in links if link.role == "report"]
    assert reports[0].url == "http://www.nanling.gov.cn/gkmlpt/content/4/4012/post_4012017.html"
    assert dict(reports[0].hints) == {"title": "南岭市人民政府2023年政府信息公开工作年度报告", "published": "2024-02-01"}
    assert [link.url.split("?")[1] for link in links if link.role == "list"] == [
        "page=2&sid=760123", "page=3&sid=760123", "page=4&sid=760123", "page=5&sid=760123"]


def test_hanweb_mounted_under_a_path_posts_to_its_own_proxy() -> None:
    page = ('<div id="88123"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/zfxxgk/module/web/jpage/'
            'dataproxy.jsp?col=1&appid=1&webid=11&path=%2Fzfxxgk%2F&columnid=2005&unitid=88123"></a>]]></nextgroup>'
            '<recordset></recordset></datastore></script></div><script>new jpage({ unitid:88123, proxyUrl:'
            "'/zfxxgk/module/web/jpage/dataproxy.jsp', perPage:3, totalRecord:8, query:{col:1,appid:1,webid:11,"
            "path:'/zfxxgk/',columnid:2005,sourceContentType:1,unitid:88123,webname:'东浦区人民政府',permissiontype:0} });"
            "</script>")
    url = "http://www.dongpu.gov.cn/zfxxgk/col/col2005/index.html"
    [p] = proxy_pages(page, url, n_embedded=0)
    assert p.url == ("http://www.dongpu.gov.cn/zfxxgk/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=8"
                     "&perpage=3&columnid=2005&unitid=88123")
    form = dict(x.split("=", 1) for x in dict(p.hints)["form"].split("&"))
    assert form["sourceContentType"] == "1" and form["webname"] == "%E4%B8%9C%E6%B5%A6%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C"
    assert set(form) == {"col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
                         "permissiontype"}
    from scrapers.adapters.hanweb import HanwebAdapter
    from scrapers.sources import Source

    assert HanwebAdapter().prefixes(Source(id="x-y", start=(url,))) == ("/zfxxgk/art/", "/zfxxgk/col/", "/zfxxgk/module/")


def test_a_column_is_judged_by_its_structure_not_by_one_links_text() -> None:
    auto = adapter_for("auto")
    nav = '<a href="/nb/">政府信息公开年度报告</a><a href="/zwgk/">政务公开</a>'.encode()
    assert [(x.url, x.role) for x in auto.links(FetchedPage(url="http://a.gov.cn/", role="nav", body=nav))] == [
        ("http://a.gov.cn/nb/", "list")]  # no year in it: the column, not a report
    lis = "".join(f'<li><a href="/nb/{y}.html">某县{y}年政府信息公开工作年度报告</a></li>' for y in (2021, 2022, 2023))
    links = auto.links(FetchedPage(url="http://a.gov.cn/nb/", role="report", body=lis.encode()))
    assert {x.role for x in links} == {"report"} and len(links) == 3  # linked as a report, read as the list it is
    real = FetchedPage(url=PINGTAN + "202001/t20200120_80576.htm", role="report",
                       body=fixture_bytes("html", "fujian_pingtan_zone_2019_page.html"))
    assert auto.links(real) == []  # a real report page stays a report


def test_sites_and_identity() -> None:
    from scrapers.identity import site_identity
    from scrapers.urls import site_of

    assert site_of("xxgk.pingyuan.gov.cn") == site_of("www.pingyuan.gov.cn") == "pingyuan.gov.cn"
    assert site_of("www.gov.cn") == "www.gov.cn" and site_of("www.mirror-news.com") == "mirror-news.com"
    assert site_of("122.137.242.24:8080") == "122.137.242.24"
    home = ('<html><head><meta name="SiteName" content="平潭综合实验区管理委员会"><meta name="SiteIdcode" '
            'content="3501280001"><title>首页</title></head><body></body></html>').encode()
    ident = site_identity(FetchedPage(url="http://a.gov.cn/", role="nav", body=home))
    assert (ident.agency, ident.region) == ("平潭综合实验区管理委员会", "350128")
    titled = "<title>清水市人民政府门户网站</title><p>网站标识码：3501000001</p>".encode()
    ident = site_identity(FetchedPage(url="http://a.gov.cn/", role="nav", body=titled))
    assert (ident.agency, ident.region) == ("清水市人民政府", "350100")
