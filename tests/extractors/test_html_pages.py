"""Portal page shapes: metadata signals, the article container, chrome, attachments, page kinds,
and hostile pages that must end as a clear error or a correct document — never a crash or a hang."""

from __future__ import annotations

import hashlib
import time

import pytest

from extractors import DocumentTooLarge, ExtractionError, MalformedDocument, Member, NoContent, SourceRef
from extractors.html import MAX_PAGE_BYTES, HtmlExtractor
from extractors.html_tables import MAX_TABLE_CELLS
from pipeline.runs.process import process_item

SRC = SourceRef(uri="https://www.example.gov.cn/zwgk/nb/202401/t20240126_1.html", sha256="0" * 64)
PARA = "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，政府信息公开工作取得新进展，公开内容不断深化。"


def extract(html: str, headers: dict[str, str] | None = None):
    return HtmlExtractor().extract(html.encode("utf-8"), source=SRC, headers=headers)


def hanweb_page(body: str, *, extra: str = "") -> str:
    return f"""<html><head><title>某某局2023年政府信息公开工作年度报告_政府信息公开年报_某某市人民政府</title></head>
    <body><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>
    <table class="xxgk_table"><tr><td>索引号：</td><td>113501000035-2024-00012</td><td>发布机构：</td><td>某某局</td></tr>
    <tr><td>发文日期：</td><td>2024-01-26</td><td>主题分类：</td><td>政务公开</td></tr>
    <tr><td>名称：</td><td colspan="3">某某局2023年政府信息公开工作年度报告</td></tr></table>
    <div id="zoom">{body}</div>{extra}
    <div class="footer">主办单位：某某市人民政府办公室　网站标识码：3501000001</div></body></html>"""


# --- metadata ----------------------------------------------------------------------------------

def test_meta_tags_are_hints() -> None:
    doc = extract(f"""<html><head><meta name="ArticleTitle" content="某区2023年政府信息公开工作年度报告">
      <meta name="PubDate" content="2024-01-20 15:22"><meta name="ContentSource" content="某区人民政府办公室">
      <meta name="ColumnName" content="政府信息公开年报"><meta name="ContentSource" content=""></head>
      <body><div class="TRS_Editor"><p>{PARA}</p></div></body></html>""")
    assert doc.hint("title") == "某区2023年政府信息公开工作年度报告"
    assert doc.hint("published") == "2024-01-20 15:22" and doc.hint("agency") == "某区人民政府办公室"
    assert doc.hint("column") == "政府信息公开年报"
    keys = [k for k, _ in doc.hints]
    assert len(keys) == len(set(keys))  # one value per key: dict(hints) and hint() agree


def test_catalogue_header_table_gives_hints_and_is_no_body_table() -> None:
    doc = extract(hanweb_page(f"<p>{PARA}</p>"))
    assert doc.hint("index_number") == "113501000035-2024-00012"
    assert doc.hint("agency") == "某某局" and doc.hint("topic") == "政务公开"
    assert doc.hint("title") == "某某局2023年政府信息公开工作年度报告"
    assert doc.hint("published") == "2024-01-26"  # 发文日期 stands in when no publication date is printed
    assert doc.tables == () and [b.text for b in doc.text_blocks] == [PARA]


def test_catalogue_table_inside_the_article_is_not_a_body_table() -> None:
    body = ('<table><tr><td>索引号：</td><td>X-1</td><td>发布日期：</td><td>2024年1月26日</td></tr></table>'
            f'<p>{PARA}</p><table border="1"><tr><td>行政许可</td><td>12</td></tr></table>')
    doc = extract(f'<html><body><div class="article-content" id="UCAP-CONTENT">{body}</div></body></html>')
    assert doc.hint("published") == "2024年1月26日" and doc.hint("index_number") == "X-1"
    assert [t.text_rows() for t in doc.tables] == [[["行政许可", "12"]]]


def test_source_and_time_line_outside_the_article() -> None:
    doc = extract(f"""<html><body><div class="article_title">标题</div>
      <div class="info"><span>来源：某某县人民政府</span>　<span>发布时间：2020-01-20 15:22</span></div>
      <div class="TRS_Editor"><p>{PARA}</p><p>信息来源：正文里的字不是元数据</p></div></body></html>""")
    assert doc.hint("agency") == "某某县人民政府" and doc.hint("published") == "2020-01-20 15:22"


# --- the article container and the chrome -----------------------------------------------------

def test_widget_lines_inside_the_container_are_dropped() -> None:
    doc = extract(f"""<html><body><div class="TRS_Editor"><p>{PARA}</p>
      <p>【打印本页】【关闭窗口】</p><div class="bdsharebuttonbox">分享到：微信 微博</div>
      <p>相关链接：</p><p>某某县人民政府</p><p>2024年1月26日</p></div></body></html>""")
    assert [b.text for b in doc.text_blocks] == [PARA, "某某县人民政府", "2024年1月26日"]


def test_density_finds_the_body_when_no_container_is_known() -> None:
    nav = "".join(f'<li><a href="/c{i}.html">栏目名称第{i}个</a></li>' for i in range(30))
    doc = extract(f"""<html><body><ul class="topmenu">{nav}</ul>
      <div class="wrap"><div class="left"><p>网站声明：本网站所载内容版权所有，未经许可不得转载，违者必究。</p></div>
      <div class="mid"><p>一、总体情况</p><p>{PARA}</p><p>{PARA}</p><p>二、主动公开政府信息情况</p><p>{PARA}</p></div></div>
      <p class="copy">版权所有：某某市人民政府　地址：某某路1号　联系电话：0591-0000000，技术支持：某某公司。</p>
      </body></html>""")
    assert doc.hint("region") == "density"
    assert [b.text for b in doc.text_blocks] == ["一、总体情况", PARA, PARA, "二、主动公开政府信息情况", PARA]


def test_inner_container_wins_over_the_wrapper_that_holds_the_same_text() -> None:
    doc = extract(f"""<html><body><div class="article_content"><div class="share">分享到：微信</div>
      <div class="TRS_Editor"><p>{PARA}</p><p>{PARA}</p></div></div></body></html>""")
    assert [b.text for b in doc.text_blocks] == [PARA, PARA]


def test_hidden_elements_scripts_and_comments_are_not_text() -> None:
    doc = extract(f"""<html><body><div class="TRS_Editor"><p>{PARA}</p><script>var a = "脚本内容";</script>
      <!-- 注释内容 --><p style="display: none">隐藏内容</p><span style="mso-hide:all">Word隐藏</span>
      <p>结尾<span hidden>隐</span>段落</p><style>p {{color: red}}</style></div></body></html>""")
    assert [b.text for b in doc.text_blocks] == [PARA, "结尾段落"]


def test_headings_are_marked() -> None:
    doc = extract(f"<html><body><div class='TRS_Editor'><h2>一、总体情况</h2><p>{PARA}</p></div></body></html>")
    assert [(b.kind, b.text) for b in doc.text_blocks] == [("heading", "一、总体情况"), ("paragraph", PARA)]


# --- links, attachments, images, page kinds ---------------------------------------------------

def test_attachments_and_body_images_are_listed_with_their_text() -> None:
    body = f"""<p>{PARA}</p><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p><p><img src="/pic/t3.png" alt="收到和处理政府信息公开申请情况表"></p>
      <p>附件：<a href="./P020240126.pdf">1.年度报告（全文）.pdf</a> <a href="/f/b.docx">2.统计表</a>
      <a href="/f/c.wps">c</a> <a href="/f/d.et">d</a> <a href="/f/e.ofd">e</a> <a href="/f/f.ZIP">f</a>
      <a href="/f/g.rar">g</a> <a href="/f/h.xls">h</a> <a href="/f/i.xlsx">i</a> <a href="/f/j.doc">j</a>
      <a href="http://jyt.hebei.gov.cn/download.jsp?pathfile=/atm/7/20230131173706156.docx;">教育厅年报</a>
      <a href="/zwgk/other.html">相关文章</a> <a href="javascript:void(0)">打印</a></p>"""
    extra = '<div class="fjxz"><a href="/upload/2024/report.pdf">附件下载：年度报告.pdf</a></div>'
    doc = extract(hanweb_page(body, extra=extra))
    att = [(ln.href, ln.text) for ln in doc.links if ln.kind == "attachment"]
    assert att[0] == ("https://www.example.gov.cn/zwgk/nb/202401/P020240126.pdf", "1.年度报告（全文）.pdf")
    assert [h.rsplit(".", 1)[-1] for h, _ in att[1:11]] == ["docx", "wps", "et", "ofd", "ZIP", "rar", "xls", "xlsx",
                                                             "doc", "docx;"]
    assert att[-1] == ("https://www.example.gov.cn/upload/2024/report.pdf", "附件下载：年度报告.pdf")
    images = [(ln.href, ln.text) for ln in doc.links if ln.kind == "image"]
    assert images == [("https://www.example.gov.cn/pic/t3.png", "收到和处理政府信息公开申请情况表")]
    assert ("https://www.example.gov.cn/zwgk/other.html", "相关文章", "link") in {
        (ln.href, ln.text, ln.kind) for ln in doc.links}
    assert not any("javascript" in ln.href for ln in doc.links)
    assert doc.hint("page_kind") == "article"


def test_attachment_in_site_furniture_is_not_the_reports() -> None:
    doc = extract(f"""<html><body><div class="TRS_Editor"><p>{PARA}</p></div>
      <div class="footer"><a href="/guide.pdf">政府信息公开指南.pdf</a></div></body></html>""")
    assert [ln for ln in doc.links if ln.kind == "attachment"] == []


def test_a_shell_around_an_attachment() -> None:
    doc = extract(hanweb_page('<p>某某局2023年政府信息公开工作年度报告</p><p><a href="/f/nb2023.pdf">点击下载</a></p>'))
    assert doc.hint("page_kind") == "attachment_shell"
    assert [ln.href for ln in doc.links if ln.kind == "attachment"] == ["https://www.example.gov.cn/f/nb2023.pdf"]
    embedded = extract('<html><body><div class="TRS_Editor"><iframe src="/viewer/nb.ofd"></iframe>'
                       '<p>年度报告</p></div></body></html>')
    assert embedded.hint("page_kind") == "attachment_shell"


def test_a_column_list_page() -> None:
    items = "".join(f'<li><a href="/nb/{y}.html">某某局{y}年政府信息公开工作年度报告</a><span>{y + 1}-01-20</span></li>'
                    for y in range(2010, 2024))
    doc = extract(f'<html><body><div class="nav"><a href="/">首页</a></div><ul class="list">{items}</ul>'
                  '<div class="page">共14条 第1页</div></body></html>')
    assert doc.hint("page_kind") == "list_page"
    assert len([ln for ln in doc.links if ln.href.endswith(".html")]) >= 14


def test_an_empty_shell_is_no_content() -> None:
    with pytest.raises(NoContent, match="empty page"):
        extract('<html><body><div class="nav"></div><div class="TRS_Editor"><p>&nbsp;</p></div></body></html>')


# --- hostile pages ------------------------------------------------------------------------------

def _hostile() -> dict[str, tuple[bytes, type[ExtractionError] | None, str]]:
    rows = "".join("<tr>" + "".join(f"<td>{r * 10 + c}</td>" for c in range(10)) + "</tr>" for r in range(10_000))
    return {
        "cells_1e5": (f"<html><body><p>{PARA}</p><table>{rows}</table></body></html>".encode(),
                      DocumentTooLarge, f"over the limit of {MAX_TABLE_CELLS} \\(MAX_TABLE_CELLS\\)"),
        "nesting_1e4": (("<html><body>" + "<div>" * 10_000 + PARA + "</div>" * 10_000 + "</body></html>").encode(),
                        DocumentTooLarge, "nested more than 255 deep \\(MAX_DEPTH\\)"),
        "tables_nested_1e4": (("<html><body>" + "<table><tr><td>" * 10_000 + PARA).encode(),
                              DocumentTooLarge, "MAX_DEPTH"),
        "invalid_bytes": (b"<html><body><p>" + bytes(range(0x80, 0x100)) * 40 + b"</p></body></html>",
                          MalformedDocument, "no charset decodes this page"),
        "page_50MB": (b"<html><body>" + b"<p>0</p>" * (50 * 1024 * 1024 // 8) + b"</body></html>",
                      DocumentTooLarge, f"over the limit of {MAX_PAGE_BYTES} \\(MAX_PAGE_BYTES\\)"),
        "table_0_rows": (f"<html><body><p>{PARA}</p><table></table><table><tbody></tbody></table></body></html>"
                         .encode(), None, ""),
    }


@pytest.mark.parametrize("name", list(_hostile()))
def test_hostile_pages_end_as_a_clear_error_or_a_correct_document(name: str) -> None:
    data, error, message = _hostile()[name]
    src = SourceRef(uri=f"mem://{name}.html", sha256=hashlib.sha256(data).hexdigest(), media_type="text/html")
    t0 = time.perf_counter()
    if error is None:
        doc = HtmlExtractor().extract(data, source=src)
        assert [b.text for b in doc.text_blocks] == [PARA] and doc.tables == ()
    else:
        with pytest.raises(error, match=f"^mem://{name}\\.html: .*{message}"):
            HtmlExtractor().extract(data, source=src)
    assert time.perf_counter() - t0 < 10
    report = process_item(Member(data=data, source=src))  # the pipeline's unit of work: a row, never an exception
    assert (report.status == "failed") == (error is not None)
    assert report.error.startswith(f"mem://{name}.html: ") or error is None
    assert "internal error" not in report.error


def test_same_bytes_same_document() -> None:
    data = hanweb_page(f"<p>{PARA}</p><table border='1'><tr><td>a</td><td>1</td></tr></table>").encode("gbk")
    a = HtmlExtractor().extract(data, source=SRC, headers={"Content-Type": "text/html; charset=gbk"})
    b = HtmlExtractor().extract(data, source=SRC, headers={"Content-Type": "text/html; charset=gbk"})
    assert a == b and a.hint("charset") == "gb18030"


def test_a_trs_column_list_page_with_dl_entries() -> None:
    # the shape of www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/ (dl/dd entries, a long footer, no article)
    entries = "".join(
        f'<dl><dd class="text_align_left"><a href="./{y + 1}01/t{y + 1}0120_{y}.htm" title="平潭综合实验区{y}年度报告">'
        f'平潭综合实验区{y}年度政府信息公开工作年度报告</a></dd><dd class="trt-col-4">\n {y + 1}-01-20\n</dd></dl>'
        for y in range(2016, 2026))
    html = f"""<html><head><title>政府信息公开年报_政府信息公开_平潭综合实验区党工委管委会</title></head><body>
      <div class="header"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
      <div class="info_menu_list"><ul><li><h3><a href="/zfxxgkzn/">政府信息公开指南</a></h3></li></ul></div>
      <div class="tabs info_tabs"><div class="rules_tabs_01"><dl><dt>标题</dt><dt>发布日期</dt></dl>{entries}</div></div>
      <div class="footer"><p>网站标识码：3590000001</p></div>
      <div class="copyright_info"><p>为确保最佳浏览效果，建议您使用以下浏览器版本：IE浏览器9.0版本及以上； Google Chrome浏览器 63版本及以上。</p>
      </div></body></html>"""
    doc = extract(html)
    assert doc.hint("page_kind") == "list_page" and doc.hint("title") == "政府信息公开年报"
    entries_found = [ln.href for ln in doc.links if "/t20" in ln.href]
    assert len(entries_found) == 10 and entries_found[0].endswith("/201701/t20170120_2016.htm")


def test_an_article_with_a_dated_sidebar_is_no_list_page() -> None:
    side = "".join(f'<li><a href="/n{i}.html">相关新闻标题第{i}条</a><span>2024-01-{i + 10}</span></li>' for i in range(12))
    doc = extract(f'<html><body><ul class="newslist">{side}</ul><div class="text-box">'
                  f'{"".join(f"<p>{PARA}</p>" for _ in range(25))}</div></body></html>')
    assert doc.hint("region") == "density" and doc.hint("page_kind") == "article"


def test_an_article_split_over_sibling_containers_is_read_whole() -> None:
    doc = extract(f"""<html><body><div class="article"><h1>标题</h1>
      <div class="TRS_Editor"><p>一、总体情况</p><p>{PARA}</p></div>
      <div class="share">分享到：微信</div>
      <div class="TRS_Editor"><p>六、其他需要报告的事项</p><p>本机关未收取信息处理费。</p></div></div>
      <div class="footer">网站标识码：3501000001</div></body></html>""")
    assert [b.text for b in doc.text_blocks] == ["标题", "一、总体情况", PARA, "六、其他需要报告的事项",
                                                 "本机关未收取信息处理费。"]
