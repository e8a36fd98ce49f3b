from __future__ import annotations

import io
import zipfile

from extractors import sniff
from extractors.sniff import CSV_RECORDS, DOCX, HTML, PDF, TEXT, ZIP
from tests.conftest import fixture_bytes


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "x")
    return buf.getvalue()


def test_real_fixtures_by_content() -> None:
    assert sniff(fixture_bytes("pdf", "jiangsu_huaian_hongze_district_2024.pdf")) == PDF
    assert sniff(fixture_bytes("docx", "blank_template_2021_layout_wps.docx")) == DOCX
    assert sniff(fixture_bytes("html", "fujian_pingtan_zone_2021_page.html")) == HTML
    assert sniff(fixture_bytes("text", "jilin_tonghua_dongchang_science_bureau_2023.txt")) == TEXT
    assert sniff(fixture_bytes("records", "hebei_jyt_education_dept_reports_2013-2023.csv")) == CSV_RECORDS


def test_extension_is_never_consulted() -> None:
    assert sniff(_zip(["word/document.xml"])) == DOCX
    assert sniff(_zip(["a.txt"])) == ZIP
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "WordDocument".encode("utf-16-le")) == "application/msword"
    assert sniff("<!DOCTYPE html><html><body>年度报告</body></html>".encode("gb18030")) == HTML
