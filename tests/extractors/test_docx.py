"""DOCX → Document → Report against the generator's truth, the real blank template, and hostile packages.

The generated corpus covers what Word and WPS files do to a report (merged cells, vertical 自/然/人,
auto-numbered headings and labels, repeated header rows, Table 3 cut in two, tracked changes, a
title in a text box, Table 4 inside a frame table); every cell must come back exact.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections import Counter
from functools import cache

import pytest

from extractors import Document, DocumentTooLarge, MalformedDocument, Member, SourceRef, sniff
from extractors.docx import DocxExtractor, _Walk
from extractors.docx_package import Style
from extractors.numbering import Numbering, chinese_count, format_number
from pipeline.normalise.report import Report
from pipeline.runs.process import process_item
from pipeline.template.codebook import cells_for
from tests.conftest import fixture_bytes, report_of
from tests.generator import GeneratedReport, generate
from tests.generator.word import BILLION_LAUGHS, W_NS, render_docx, with_part, word_style, zip_bomb
from tests.truth import SECTION_CODES, assert_matches_truth

N = 48


@cache
def corpus() -> list[tuple[GeneratedReport, bytes]]:
    return [(g, render_docx(g)) for g in generate(seed=41, n=N)]


def source(data: bytes, uri: str = "mem://doc.docx") -> SourceRef:
    return SourceRef(uri=uri, sha256=hashlib.sha256(data).hexdigest(), media_type=sniff(data))


def extract(data: bytes, uri: str = "mem://doc.docx") -> Document:
    return DocxExtractor().extract(data, source=source(data, uri))


# --- the generated corpus -------------------------------------------------------------------------


def test_generated_docx_corpus_every_cell_exact() -> None:
    total = 0
    for g, data in corpus():
        assert sniff(data) == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        r = report_of(data, uri=f"gen://{g.key}.docx")
        assert r.extractor == "docx"
        total += assert_matches_truth(g, r)
    assert total == sum(len(g.cells) for g, _ in corpus())  # 100 % exact, 0 wrong


def test_the_corpus_exercises_every_word_shape() -> None:
    styles = [word_style(g) for g, _ in corpus()]
    assert {g.era for g, _ in corpus()} == {"2021", "2019", "hybrid"}
    assert Counter(s.numbered_headings for s in styles)[True] >= 10
    assert Counter(s.heading_suffix for s in styles).keys() == {"nothing", "tab"}
    assert sum(s.numbered_labels for s in styles) >= 10
    assert {s.vertical for s in styles} == {"paragraphs", "rotated"}
    assert {s.split_kind for s in styles if s.split_t3_at is not None} == {"restart", "dangling", "repeat_header"}
    assert sum(s.repeat_header for s in styles) >= 5 and sum(s.tracked for s in styles) >= 5
    assert {s.title_box for s in styles} == {"none", "vml", "alternate"}
    assert sum(s.frame_t4 for s in styles) >= 3
    assert any(g.violations for g, _ in corpus()) and any(g.blank_style == "slash" for g, _ in corpus())


def test_generated_docx_is_deterministic() -> None:
    g, data = corpus()[0]
    assert render_docx(g) == data
    assert extract(data) == extract(data)


def _find(gs: list[tuple[GeneratedReport, bytes]], **want: object) -> tuple[GeneratedReport, bytes]:
    for g, data in gs:
        st = word_style(g)
        if all(getattr(st, k) == v for k, v in want.items()):
            return g, data
    raise AssertionError(f"no generated report with {want}")


def test_numbered_headings_get_the_label_word_prints() -> None:
    g, data = _find(corpus(), numbered_headings=True, heading_suffix="tab")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "一、总体情况" not in xml and "总体情况" in xml  # the number is not in the text ...
    headings = [b.text for b in extract(data).text_blocks if b.kind == "heading"]
    assert g.sections["overview"] in headings and g.sections["other"] in headings  # ... but read as printed


def test_numbered_table_labels_restart_per_group() -> None:
    g, data = _find(corpus(), numbered_labels=True, split_t3_at=None, vertical="paragraphs")
    t3 = extract(data).tables[1]
    labels = [c.text for c in t3.cells if c.col in (1, 2) and c.text and not c.text.isdigit()]
    assert labels[:4] == ["（一）予以公开", g.labels["t3.r3.2"], "（三）不予公开", g.labels["t3.r3.3.1"]]
    assert g.labels["t3.r3.4.1"] in labels and "（四）无法提供" in labels


def test_merged_cells_are_real_spans_and_vertical_header_reads() -> None:
    g, data = _find(corpus(), split_t3_at=None, vertical="paragraphs", numbered_labels=False)
    t3 = extract(data).tables[1]
    by_text = {c.text: c for c in t3.cells}
    assert (by_text["申请人情况"].colspan, by_text["法人或其他组织"].colspan) == (7, 5)
    assert by_text["自\n然\n人"].rowspan == 2 and by_text["总计"].rowspan == 2
    result = by_text["三、本年度办理结果"]
    assert result.rowspan == sum(1 for code in g.labels if code.startswith("t3.r3.")) and result.col == 0
    assert len(t3.cells) == len({(c.row, c.col) for c in t3.cells})  # one cell per anchor, none repeated


def test_rotated_vertical_text_is_one_label() -> None:
    _, data = _find(corpus(), vertical="rotated", split_t3_at=None)
    t3 = extract(data).tables[1]
    assert any(c.text == "自然人" and c.rowspan == 2 for c in t3.cells)


def _cut_inside_results(g: GeneratedReport) -> bool:
    """The cut falls inside 三、本年度办理结果, so its vertical merge crosses it."""
    from tests.generator import t3_rows

    at = word_style(g).split_t3_at
    return at is not None and t3_rows(g.era)[at][0] not in ("t3.r1", "t3.r2", "t3.r3.1", "t3.r4")


def test_a_dangling_vertical_merge_joins_the_two_parts_into_one_grid() -> None:
    g, data = _find([x for x in corpus() if _cut_inside_results(x[0])], split_kind="dangling", frame_t4=False)
    tables = extract(data).tables
    assert len(tables) == 3  # Table 2, Table 3 joined again, Table 4
    result = next(c for c in tables[1].cells if c.text == "三、本年度办理结果")
    assert result.rowspan == sum(1 for code in g.labels if code.startswith("t3.r3."))


def test_a_restarted_cut_keeps_two_tables_on_one_grid() -> None:
    _, data = _find([x for x in corpus() if word_style(x[0]).split_t3_at is not None], split_kind="repeat_header",
                    frame_t4=False)
    tables = extract(data).tables
    assert len(tables) == 4 and tables[1].n_cols == tables[2].n_cols == 10
    assert [c.text for c in tables[2].cells[:2]] == [tables[1].cells[0].text, "申请人情况"]  # header repeated


def test_tracked_changes_read_as_accepted() -> None:
    _, data = _find(corpus(), tracked=True)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<w:delText>" in xml and "99999" in xml
    doc = extract(data)
    text = "\n".join(doc.iter_text()) + "".join(c.text for t in doc.tables for c in t.cells)
    assert "99999" not in text and "本句已删除" not in text


def test_title_in_a_text_box_is_read_once() -> None:
    for kind in ("vml", "alternate"):
        g, data = _find(corpus(), title_box=kind)
        texts = [b.text for b in extract(data).text_blocks]
        assert texts[0] == g.title and texts.count(g.title) == 1, kind


def test_a_one_cell_frame_table_is_unwrapped() -> None:
    _, data = _find(corpus(), frame_t4=True)
    t4 = extract(data).tables[-1]
    assert t4.n_cols == 15 and t4.cells[0].text == "行政复议"


def test_core_properties_are_hints_never_the_title() -> None:
    doc = extract(fixture_bytes("docx", "blank_template_2021_layout_wps.docx"))
    assert doc.hint("title") is None
    assert doc.hint("doc_author") == "张幸瑾" and doc.hint("doc_created") == "2025-12-03T06:30:00+00:00"


def test_hyperlinks_become_links() -> None:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml

    d = docx.Document()
    rid = d.part.relate_to("https://www.gov.cn/zhengce/", RT.HYPERLINK, is_external=True)
    p = d.add_paragraph("详见")
    p._p.append(parse_xml(f'<w:hyperlink xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/'
                          f'officeDocument/2006/relationships" r:id="{rid}"><w:r><w:t>条例全文</w:t></w:r>'
                          "</w:hyperlink>"))
    buf = io.BytesIO()
    d.save(buf)
    doc = extract(buf.getvalue())
    assert doc.text_blocks[0].text == "详见条例全文"
    assert [(lk.href, lk.text) for lk in doc.links] == [("https://www.gov.cn/zhengce/", "条例全文")]


@pytest.mark.parametrize(("n", "fmt", "want"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (23, "chineseCountingThousand", "二十三"), (105, "chineseCounting", "一百〇五"),
    (3, "ideographTraditional", "丙"), (2, "decimalEnclosedCircle", "②"), (4, "upperRoman", "IV"),
    (28, "lowerLetter", "bb"), (7, "decimal", "7"), (3, "chineseLegalSimplified", "叁"),
])
def test_number_formats(n: int, fmt: str, want: str) -> None:
    assert format_number(n, fmt) == want
    assert chinese_count(1234) == "一千二百三十四"


# --- the real blank template ------------------------------------------------------------------------


def test_blank_template_spans_come_back_once() -> None:
    doc = extract(fixture_bytes("docx", "blank_template_2021_layout_wps.docx"))
    t2, t3, t4 = doc.tables
    assert (t2.n_rows, t2.n_cols, t3.n_rows, t3.n_cols, t4.n_rows, t4.n_cols) == (14, 4, 28, 10, 4, 15)
    spans = {c.text: (c.row, c.col, c.rowspan, c.colspan) for c in t3.cells if c.text}
    assert spans["三、本年度办理结果"] == (5, 0, 22, 1)
    assert spans["（三）不予公开"] == (7, 1, 8, 1) and spans["（七）总计"] == (26, 1, 1, 2)
    assert spans["申请人情况"] == (0, 3, 1, 7) and spans["自然人"] == (1, 3, 2, 1)
    assert sum(1 for c in t4.cells if c.row == 3 and c.text == "") == 15  # the empty data row, 15 cells
    assert [b.text for b in doc.text_blocks if b.text.startswith(("一、", "六、"))] == [
        "一、总体情况", "六、其他需要报告的事项"]


def test_blank_template_maps_every_cell_to_null_era_2021() -> None:
    r = report_of(fixture_bytes("docx", "blank_template_2021_layout_wps.docx"), uri="blank.docx")
    assert r.template == "2021" and r.error == "" and r.doc_kind == "annual_report"
    expected = {(t, row, col) for t in ("t2", "t3", "t4") for row, col in cells_for(t, "2021")}
    assert {(c.table, c.row, c.col) for c in r.cells} == expected
    assert all(c.value is None for c in r.cells)
    assert all(c.flag == "blank" for c in r.cells if c.table in ("t2", "t3"))
    assert [s.code for s in r.sections] == SECTION_CODES


def test_blank_template_table_4_cells_are_printed_blanks() -> None:
    r = report_of(fixture_bytes("docx", "blank_template_2021_layout_wps.docx"), uri="blank.docx")
    assert all(c.flag == "blank" and c.method == "grid" for c in r.cells if c.table == "t4")
    assert r.status == "ok"


# --- hostile packages -------------------------------------------------------------------------------


def failed_row(data: bytes, uri: str) -> Report:
    r = process_item(Member(data=data, source=source(data, uri)))
    assert r.status == "failed" and r.error.startswith(f"{uri}: "), r.error
    return r


def small_docx() -> bytes:
    return corpus()[0][1]


def test_zip_bomb_is_refused_before_inflating() -> None:
    bomb = zip_bomb(small_docx(), megabytes=20)
    assert len(bomb) < 200_000
    r = failed_row(bomb, "bomb.docx")
    assert "zip bomb suspected" in r.error and "word/media/image1.png" in r.error


def test_part_over_the_size_limit_is_refused() -> None:
    from extractors.ooxml import ZipLimits

    limits = ZipLimits(max_part_bytes=1024 * 1024, max_total_bytes=4 * 1024 * 1024)
    data = with_part(small_docx(), "word/media/big.bin", bytes(range(256)) * 8192, compress=zipfile.ZIP_STORED)
    with pytest.raises(DocumentTooLarge, match=r"part 'word/media/big\.bin' inflates to 2,097,152 bytes"):
        DocxExtractor(limits).extract(data, source=source(data))


def test_billion_laughs_is_refused() -> None:
    data = with_part(small_docx(), "word/document.xml", BILLION_LAUGHS)
    r = failed_row(data, "laughs.docx")
    assert "word/document.xml" in r.error and "DTD" in r.error


def test_external_entity_is_refused() -> None:
    xxe = (f'<?xml version="1.0"?><!-- a comment first --><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    data = with_part(small_docx(), "word/document.xml", xxe.encode())
    with pytest.raises(MalformedDocument, match="declares a DTD"):
        extract(data)


def test_truncated_docx_is_a_clear_error() -> None:
    data = small_docx()[: len(small_docx()) // 2]
    assert sniff(data) == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    r = failed_row(data, "cut.docx")
    assert "truncated or corrupt" in r.error


def test_two_hundred_megabyte_file_is_refused_by_size() -> None:
    data = small_docx() + bytes(200 * 1024 * 1024)
    r = failed_row(data, "huge.docx")
    assert "209,7" in r.error and "over the 104,857,600-byte limit" in r.error


def test_package_without_a_main_part_is_a_clear_error() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}"/>')
    r = failed_row(buf.getvalue(), "bare.docx")
    assert "not a readable DOCX package: no main document part" in r.error


def test_encrypted_docx_is_named_as_such_by_the_office_extractor() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    from extractors.office import LegacyWordExtractor

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(small_docx())).encrypt("secret", out)
    data = out.getvalue()
    with pytest.raises(MalformedDocument, match="password-protected"):
        LegacyWordExtractor().extract(data, source=source(data, "locked.docx"))


def test_encrypted_docx_is_a_clear_error_row() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(small_docx())).encrypt("secret", out)
    r = failed_row(out.getvalue(), "locked.docx")
    assert "password-protected" in r.error


def test_same_bytes_same_document() -> None:
    data = fixture_bytes("docx", "blank_template_2021_layout_wps.docx")
    assert extract(data) == extract(data)


# --- styles: only the used ones are parsed --------------------------------------------------------


def _effective(styles: dict[str, Style], used: set[str]) -> dict[str, tuple[object, ...]]:
    """What the body walk reads of each used style: its name and its inherited outline and numbering."""
    walk = _Walk(numbering=Numbering.from_xml(None), styles=styles, rels={})
    return {sid: (styles[sid].name if sid in styles else None, walk.inherited(sid, "outline"),
                  walk.inherited(sid, "num")) for sid in used}


def _packages() -> list[tuple[str, bytes]]:
    return [(g.key, data) for g, data in corpus()[:12]] + [
        ("blank", fixture_bytes("docx", "blank_template_2021_layout_wps.docx"))]


@pytest.mark.parametrize("i", range(13))
def test_styles_cut_to_the_used_ones_equal_the_full_parse(i: int) -> None:
    from extractors.docx_package import _parse, _styles, _styles_of, _used_styles

    name, data = _packages()[i]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        main = _parse(zf.read("word/document.xml"), "document", name)
        blob = zf.read("word/styles.xml")
    used = _used_styles(main)
    full = _styles(_parse(blob, "styles", name))
    cut = _styles_of(blob, "styles", name, used)
    assert used
    assert _effective(cut, used) == _effective(full, used)


def test_a_used_style_missing_from_the_part_takes_the_full_parse() -> None:
    from extractors.docx_package import _style_subset, _styles_of

    blob = (f'<?xml version="1.0"?><w:styles xmlns:w="{W_NS}"><w:style w:type="paragraph" w:styleId="H1">'
            '<w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr>'
            '</w:style><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
            '<w:style w:type="paragraph" w:styleId="Empty"/></w:styles>').encode()
    assert _style_subset(blob, {"Gone"}) is None
    styles = _styles_of(blob, "styles", "x", {"Gone", "H1"})
    assert styles["H1"].outline == 0 and styles["H1"].based_on == "Normal" and "Empty" in styles
    cut = _styles_of(blob, "styles", "x", {"H1", "Empty"})
    assert set(cut) == {"H1", "Normal", "Empty"} and cut["H1"] == styles["H1"]


def test_plain_tables_read_the_same_through_the_fast_path() -> None:
    """Cells of tables with no revision, label, break, box or link: `w:t` texts = the general walk."""
    from extractors.docx import _cell_text
    from extractors.docx_package import W, _parse, _styles_of, _used_styles
    from extractors.docx_tables import plain, plain_cell_text

    plain_tables = other_tables = cells = 0
    for name, data in _packages():
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            main = _parse(zf.read("word/document.xml"), "document", name)
            styles = _styles_of(zf.read("word/styles.xml"), "styles", name, _used_styles(main))
        walk = _Walk(numbering=Numbering.from_xml(None), styles=styles, rels={})
        for tbl in main.iter(W + "tbl"):
            if not plain(tbl, walk.numbered_styles):
                other_tables += 1
                continue
            plain_tables += 1
            for tc in tbl.iter(W + "tc"):
                cells += 1
                assert plain_cell_text(tc) == _cell_text(tc, walk)[0]
    assert plain_tables >= 30 and other_tables >= 3 and cells >= 2500


def test_a_numbered_style_in_a_cell_takes_the_general_walk() -> None:
    from extractors.docx_package import W, _parse
    from extractors.docx_tables import plain

    styles = {"L": Style("List Number", None, None, ("1", 0))}
    walk = _Walk(numbering=Numbering.from_xml(None), styles=styles, rels={})
    tbl = _parse((f'<w:tbl xmlns:w="{W_NS}"><w:tr><w:tc><w:p><w:pPr><w:pStyle w:val="L"/></w:pPr>'
                  '<w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>').encode(), "t", "x")
    assert not plain(tbl, walk.numbered_styles)
    assert plain(tbl, _Walk(numbering=Numbering.from_xml(None), styles={}, rels={}).numbered_styles)
    assert next(tbl.iter(W + "tc")) is not None
