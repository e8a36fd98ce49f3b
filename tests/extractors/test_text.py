from __future__ import annotations

import pytest

from extractors import MalformedDocument, NoContent, SourceRef, TextExtractor
from extractors.encoding import decode
from extractors.records import RecordsCsv
from tests.conftest import fixture_bytes

SRC = SourceRef(uri="mem://t", sha256="0" * 64)


def test_lines_keep_their_offsets() -> None:
    doc = TextExtractor().extract("年度报告标题行\n\n\t0\n\t15\n".encode(), source=SRC)
    assert [b.text for b in doc.text_blocks] == ["年度报告标题行", "\t0", "\t15"]
    assert [doc.text[b.offset: b.offset + len(b.text)] for b in doc.text_blocks if b.offset is not None] == \
        ["年度报告标题行", "\t0", "\t15"]


def test_archiver_header_becomes_hints_not_body() -> None:
    doc = TextExtractor().extract(fixture_bytes("text", "fujian_pingtan_zone_2021_page.txt"), source=SRC)
    assert doc.hint("title") == "平潭综合实验区2021年度政府信息公开工作年度报告"
    assert doc.hint("published") == "2022-02-08 16:34"
    assert doc.hint("url") == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202202/t20220208_80613.htm"
    assert not any(b.text.startswith("标题:") for b in doc.text_blocks)


def test_gbk_text_decodes_without_mojibake() -> None:
    raw = "科技局2023年政府信息公开工作年度报告\n一、总体情况".encode("gbk")
    doc = TextExtractor().extract(raw, source=SRC)
    assert doc.text_blocks[0].text == "科技局2023年政府信息公开工作年度报告"
    assert decode("碁".encode("gb18030"), declared="gb2312")[0] == "碁"  # outside GB2312, inside GB18030


def test_empty_text_is_a_clear_error() -> None:
    with pytest.raises(NoContent, match="mem://t"):
        TextExtractor().extract(b"\n \r\n", source=SRC)


def test_undecodable_bytes_are_a_clear_error() -> None:
    with pytest.raises(MalformedDocument, match="mem://t"):
        decode(bytes(range(128, 256)) * 50 + b"\x81\x00\xff" * 500, source="mem://t")


def test_record_csv_members_carry_their_columns_as_hints() -> None:
    data = fixture_bytes("records", "hebei_jyt_education_dept_reports_2013-2023.csv")
    members = list(RecordsCsv().members(data, source=SourceRef(uri="x.csv", sha256="0" * 64)))
    assert len(members) == 17
    first = dict(members[0].hints)
    assert first["title"] == "河北省教育厅2023年政府信息公开工作年度报告"
    assert first["url"].startswith("http://jyt.hebei.gov.cn/col/")
    assert members[0].source.uri == "x.csv#row=1"
    assert len({m.source.sha256 for m in members}) == 17


@pytest.mark.parametrize("data", [b"\x9c", b"a", b"\xe4\xb8\x80", b"ab \x01 cd", bytes(range(200, 207))])
def test_a_few_stray_bytes_are_no_document(data: bytes) -> None:
    with pytest.raises(NoContent, match="too few for a document"):
        TextExtractor().extract(data, source=SourceRef(uri="r01.txt", sha256="0" * 64))


def test_a_short_real_text_is_still_a_document() -> None:
    doc = TextExtractor().extract("政府信息公开年报".encode(), source=SourceRef(uri="t.txt", sha256="0" * 64))
    assert doc.text == "政府信息公开年报"
