"""The generated portal pages (tests/generator/html.py) through extractor and pipeline, against the
generator's full truth: three CMS families with full site chrome, UTF-8 and GBK declared by header
only, by <meta> only (GBK declared gb2312) or not at all, Table 3 cut in two by a page break, bodies
in containers no extractor knows. 100 % of cells exact, 0 wrong, six sections, metadata right, and
no chrome text anywhere in the extracted text.
"""

from __future__ import annotations

from functools import cache

from extractors import SourceRef, sniff
from extractors.html import HtmlExtractor
from extractors.model import Document
from pipeline.normalise.document import normalise
from pipeline.normalise.report import Report
from tests.generator import GeneratedReport, generate
from tests.generator.html import CHARSETS, CHROME_MARKERS, CONTACT, FAMILIES, HtmlPage, html_corpus
from tests.truth import compare, hard_failures

N = 54
"""Every family × charset combination three times (18 combinations)."""
SECTION_CODES = ["overview", "proactive", "requests", "appeals", "problems", "other"]


@cache
def corpus() -> list[tuple[GeneratedReport, HtmlPage, Document, Report]]:
    out = []
    for g, page in html_corpus(generate(seed=23, n=N)):
        assert sniff(page.data) == "text/html", page.key
        src = SourceRef(uri=page.url, sha256=g.key, media_type="text/html")
        doc = HtmlExtractor().extract(page.data, source=src, headers=dict(page.headers))
        out.append((g, page, doc, normalise(doc, media_type="text/html")))
    return out


def test_the_corpus_covers_what_it_claims() -> None:
    pages = [p for _, p, _, _ in corpus()]
    assert {(p.family, p.charset) for p in pages} == {(f, c) for f in FAMILIES for c in CHARSETS}
    assert {p.family for p in pages if p.split_t3_at is not None} == set(FAMILIES)
    assert {p.family for p in pages if not p.container} == set(FAMILIES)
    assert {g.era for g, *_ in corpus()} == {"2021", "2019", "hybrid"}
    gb2312 = next(p for p in pages if p.charset == "gbk2312-meta")
    assert b"charset=gb2312" in gb2312.data and "王喆".encode("gbk") in gb2312.data


def test_every_cell_exact_none_wrong() -> None:
    total = exact = 0
    for g, page, _, r in corpus():
        n, problems = compare(g, r, set())
        assert not problems, f"{page.key}: {problems[:5]}"
        total += len(g.cells)
        exact += n
        assert all(c.locator.startswith("table[") for c in r.cells), page.key
    assert exact == total  # 100 % of cells exact


def test_metadata_sections_and_checks() -> None:
    for g, page, doc, r in corpus():
        assert (r.agency, r.report_year, r.published, r.region_code) == (
            g.agency, g.report_year, g.published, g.region_code), page.key
        assert r.template == g.era and r.doc_kind == "annual_report", page.key
        assert [s.code for s in r.sections] == SECTION_CODES, page.key
        assert [s.heading for s in r.sections] == [g.sections[c] for c in SECTION_CODES], page.key
        for code in ("overview", "problems", "other"):
            section = next(s for s in r.sections if s.code == code)
            assert g.section_bodies[code] in section.text, (page.key, code)
        assert hard_failures(r) == set(g.violations), page.key
        assert doc.hint("page_kind") == "article"
        assert doc.hint("region") == ("container" if page.container else "density"), page.key


def test_no_chrome_text_anywhere_and_the_gbk_only_character_survives() -> None:
    for _, page, doc, r in corpus():
        leaked = [m for m in CHROME_MARKERS if m in doc.text]
        leaked += [m for m in CHROME_MARKERS for t in doc.tables for c in t.cells if m in c.text]
        leaked += [m for m in CHROME_MARKERS for s in r.sections if m in s.text or m in s.heading]
        assert not leaked, f"{page.key}: {leaked}"
        assert CONTACT in doc.text, page.key  # 喆: GBK, not GB2312


def test_metadata_tables_are_hints_not_tables() -> None:
    for g, page, doc, _ in corpus():
        assert len(doc.tables) == (4 if page.split_t3_at is not None else 3), page.key
        if page.family != "trs":
            assert (doc.hint("index_number") or "").startswith(g.region_code), page.key
