"""Decoding portal pages: BOM, HTTP header, <meta>, detection; GBK declared gb2312; no mojibake."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from extractors import MalformedDocument, SourceRef
from extractors.encoding import repair_double_utf8
from extractors.html import HtmlExtractor
from extractors.html_decode import header_charset, html_bytes_to_text, meta_charset

SRC = SourceRef(uri="mem://page.html", sha256="0" * 64)
BODY = "<p>联系人：王喆</p><p>平潭综合实验区2019年度政府信息公开工作年度报告，本报告所列数据的统计期限自2019年1月1日起。</p>"
"""喆 is in GBK but not in GB2312, as on real pages that declare gb2312."""


def page(meta: str = "") -> str:
    return f"<html><head>{meta}<title>年报</title></head><body>{BODY}</body></html>"


def texts(data: bytes, headers: dict[str, str] | None = None) -> list[str]:
    return [b.text for b in HtmlExtractor().extract(data, source=SRC, headers=headers).text_blocks]


def test_gbk_page_declared_gb2312_keeps_characters_outside_gb2312() -> None:
    data = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # the declared charset cannot read it: a decoder must widen it
    assert html_bytes_to_text(data)[1] == "gb18030"
    assert texts(data)[0] == "联系人：王喆"


def test_beautifulsoup_on_the_same_bytes_is_why_we_decode_first() -> None:
    data = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk")
    soup_text = BeautifulSoup(data, "lxml").get_text()
    assert "王喆" not in soup_text  # lost (or the whole tree empty), silently
    assert "王喆" in texts(data)[0]


@pytest.mark.parametrize("headers", [{"Content-Type": "text/html; charset=GBK"},
                                     {"content-type": "text/html;charset=\"gbk\""},
                                     {"CONTENT-TYPE": "text/html; charset=x-gbk"}])
def test_charset_from_the_http_header_only(headers: dict[str, str]) -> None:
    data = page().encode("gbk")
    assert header_charset(headers) is not None and meta_charset(data) is None
    assert texts(data, headers)[0] == "联系人：王喆"


def test_undeclared_gbk_and_utf8() -> None:
    assert texts(page().encode("gbk"))[0] == "联系人：王喆"
    assert texts(page().encode("utf-8"))[0] == "联系人：王喆"


def test_utf8_bytes_win_over_a_wrong_gb2312_declaration() -> None:
    # UTF-8 Chinese often decodes as GB18030 without error — into mojibake. Valid UTF-8 is UTF-8.
    text = "<html><head><meta charset=\"gb2312\"></head><body><p>政府信息公开工作年度报告</p></body></html>"
    data = text.encode("utf-8")
    assert "鏀垮簻" in data.decode("gb18030", errors="strict")  # the trap: it "decodes", as mojibake
    assert html_bytes_to_text(data, headers={"Content-Type": "text/html; charset=gb2312"})[1] == "utf-8"
    assert texts(data) == ["政府信息公开工作年度报告"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-8-sig"])
def test_byte_order_mark_first(codec: str) -> None:
    data = page('<meta charset="gbk">').encode(codec)
    assert texts(data)[0] == "联系人：王喆"


def test_a_few_bad_bytes_are_replaced_not_guessed_into_another_charset() -> None:
    good = page().encode("utf-8")
    data = good.replace(b"</body>", b"\xff\xfe</body>")
    text, codec = html_bytes_to_text(data)
    assert codec == "utf-8" and "王喆" in text and text.count("\ufffd") == 2


def test_bytes_no_charset_reads_are_a_clear_error() -> None:
    import random

    rng = random.Random(3)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(6000))
    with pytest.raises(MalformedDocument, match=r"mem://page\.html: no charset decodes this page"):
        HtmlExtractor().extract(b"<html><body><p>" + noise + b"</p></body></html>", source=SRC)


_BODY = "淮安市洪泽区人民政府2024年政府信息公开工作年度报告。本年度共收到政府信息公开申请十五件，全部按期答复。" * 3


def _page(charset: str, body: bytes) -> bytes:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>'
            '<body><p>').encode() + body + b"</p></body></html>"


def test_big5_page_declared_gb2312_is_decoded_as_big5() -> None:
    data = _page("gb2312", _BODY.encode("big5", errors="xmlcharrefreplace"))
    text, codec = html_bytes_to_text(data)
    assert codec.startswith("big5") and "淮安市" in text and "人民政府" in text


def test_double_encoded_utf8_is_repaired() -> None:
    twice = _BODY.encode("utf-8").decode("latin-1").encode("utf-8")
    text, codec = html_bytes_to_text(_page("utf-8", twice))
    assert _BODY in text and "double-encoded" in codec
    via_cp1252 = "年度报告，工作报告，统计报告".encode().decode("cp1252")  # Š ‘ ¥: cp1252 continuation bytes
    assert repair_double_utf8(via_cp1252) == "年度报告，工作报告，统计报告"


def test_real_latin_text_is_left_alone() -> None:
    text = "Café, naïve, Zürich: résumé"
    assert repair_double_utf8(text) is None
    assert html_bytes_to_text(_page("utf-8", text.encode()))[0].count("Café") == 1
