"""The generator checks itself: truths hold their identities, and every rendering reads back as its truth.

Each check reads the rendering with a tool of its own (openpyxl, pdfplumber, warcio, BeautifulSoup
with a rowspan/colspan grid), never with xxgk, so a failure here is the generator's, not the code's.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from urllib.parse import urljoin

import openpyxl
import pdfplumber
import pytest
from bs4 import BeautifulSoup
from warcio.archiveiterator import ArchiveIterator

from tests.blind.assembly import corpus
from tests.blind.assembly.model import (
    T3_APPLICANTS,
    T3_COLS,
    T3_LEAVES,
    T3_ROWS,
    T4_COLS,
    T4_ROWS,
    ModelReport,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[corpus.Scenario, ...]]:
    folder = tmp_path_factory.mktemp("assembly-corpus")
    return folder, corpus.build(folder)


def _by_name(scenarios: tuple[corpus.Scenario, ...], prefix: str) -> corpus.Scenario:
    return next(s for s in scenarios if s.name.startswith(prefix))


def _reports(scenarios: tuple[corpus.Scenario, ...]) -> list[ModelReport]:
    return [r for s in scenarios for r in s.truths.values()]


def _broken(r: ModelReport) -> set[str]:
    """The hard identities of Tables 3 and 4 that `r` breaks, recomputed here from the codebook."""
    c, out = r.cells, set()
    for col in T3_COLS:
        if c[("t3", "t3.r1", col)] + c[("t3", "t3.r2", col)] != c[("t3", "t3.r3.7", col)] + c[("t3", "t3.r4", col)]:
            out.add(f"T3-FLOW {col}")
        if c[("t3", "t3.r3.7", col)] != sum(c[("t3", leaf, col)] for leaf in T3_LEAVES):
            out.add(f"T3-LEAF {col}")
    out |= {f"T3-COL {row}" for row in T3_ROWS
            if c[("t3", row, "tot")] != sum(c[("t3", row, a)] for a in T3_APPLICANTS)}
    out |= {f"T4-SUM {row}" for row in T4_ROWS if c[("t4", row, "tot")] != sum(c[("t4", row, x)] for x in T4_COLS[:-1])}
    out |= {f"DOM {k}" for k, v in c.items() if v < 0 or float(r.raw[k]) != v}
    return out


def test_truths_hold_every_hard_identity(built) -> None:
    shifted = _shifted(built[1])
    for r in _reports(built[1]):
        assert len(r.table("t2")) == 10 and len(r.table("t3")) == 175 and len(r.table("t4")) == 15
        assert _broken(r) == ({"T3-LEAF np", "T3-COL t3.r3.1"} if r is shifted else set()), r.title


def _shifted(scenarios: tuple[corpus.Scenario, ...]) -> ModelReport:
    """The 文字版 of c, which prints one cell off (its own T3-LEAF and T3-COL break, as they must)."""
    c = _by_name(scenarios, "c_")
    return c.truths[c.assemblies[0].disagreement.urls[1]]  # type: ignore[union-attr]


def test_the_injected_disagreement_is_one_cell(built) -> None:
    c = _by_name(built[1], "c_")
    conflict = c.assemblies[0].disagreement
    assert conflict is not None
    one, two = (c.truths[u] for u in conflict.urls)
    differ = {k for k in one.cells if one.cells[k] != two.cells[k]}
    assert differ == {conflict.key}
    assert (one.cells[conflict.key], two.cells[conflict.key]) == conflict.values and conflict.values[0] != conflict.values[1]
    assert all(a.disagreement is None for s in built[1] if s is not c for a in s.assemblies)


def _records(path: Path) -> list[tuple[str, str, dict[str, str], bytes]]:
    out = []
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            headers = dict(rec.http_headers.headers) if rec.http_headers else {}
            out.append((rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI") or "", headers,
                        rec.content_stream().read()))
    return out


def test_warc_files_hold_each_capture_with_its_referer(built) -> None:
    folder, scenarios = built
    for s in scenarios:
        recs = _records(folder / s.warc_name)
        assert recs[0][0] == "warcinfo"
        for cap in s.captures:
            responses = [r for r in recs if r[0] == "response" and r[1] == cap.url]
            requests = [r for r in recs if r[0] == "request" and r[1] == cap.url]
            assert len(responses) == 1 and len(requests) == 1, (s.name, cap.url)
            assert responses[0][3] == cap.body
            assert requests[0][2].get("Referer") == cap.referer
        assert len({r[1] for r in recs if r[0] == "response"}) == len(s.captures)
    kinds = {s.style: {r[0] for r in _records(folder / s.warc_name)} for s in scenarios}
    assert kinds["heritrix"] == {"warcinfo", "response", "request", "metadata"}
    assert kinds["wget"] == {"warcinfo", "response", "request"}
    with_referer = [c for s in scenarios for a in s.assemblies for c in s.captures if c.referer == a.page]
    without = [c for s in scenarios for a in s.assemblies for c in s.captures if c.url != a.page and not c.referer]
    assert with_referer and without  # both ways of finding a member are exercised


def test_no_url_is_captured_twice_across_the_corpus(built) -> None:
    urls = [c.url for s in built[1] for c in s.captures]
    assert len(urls) == len(set(urls))
    bodies = [hashlib.sha256(c.body).hexdigest() for s in built[1] for c in s.captures]
    assert len(bodies) == len(set(bodies))  # no two documents share a report_id


def _page(s: corpus.Scenario, url: str) -> BeautifulSoup:
    cap = next(c for c in s.captures if c.url == url)
    return BeautifulSoup(cap.body.decode("utf-8"), "html.parser")


def _hrefs(s: corpus.Scenario, url: str) -> set[str]:
    return {urljoin(url, a["href"]) for a in _page(s, url).find_all("a", href=True)}


def test_members_are_linked_or_name_the_page_as_referer(built) -> None:
    for s in built[1]:
        for a in s.assemblies:
            hrefs = _hrefs(s, a.page)
            for m in a.members:
                cap = next(c for c in s.captures if c.url == m.url)
                assert m.url == a.page or m.url in hrefs or cap.referer == a.page, (s.name, m.url)
    a3 = _by_name(built[1], "a3_")
    pdf = next(m.url for m in a3.assemblies[0].members if m.url.endswith(".pdf"))
    assert pdf not in _hrefs(a3, a3.assemblies[0].page)  # found only through the Referer
    assert any("filename=" in u for u in _hrefs(a3, a3.assemblies[0].page))


def test_nothing_to_assemble_cases_are_what_they_claim(built) -> None:
    d, d2, e, f = (_by_name(built[1], p) for p in ("d_", "d2_", "e_", "f_"))
    one, two = d.standalone
    assert two not in _hrefs(d, one) and one not in _hrefs(d, two)
    assert d2.standalone[1] in _hrefs(d2, d2.standalone[0])
    assert {r.agency for r in d.truths.values()} | {r.agency for r in d2.truths.values()} == {
        "福清市卫生健康局", "福清市住房和城乡建设局"}
    page, old = e.standalone
    assert old in _hrefs(e, page) and (e.truths[page].year, e.truths[old].year) == (2023, 2022)
    page, listing, blank = f.standalone
    assert {listing, blank} <= _hrefs(f, page)
    assert not _page(f, listing).find("table")
    with pdfplumber.open(io.BytesIO(next(c.body for c in f.captures if c.url == blank))) as pdf:
        assert [p.extract_text() for p in pdf.pages] == [""]


def _grid(table) -> list[list[str]]:  # bs4 Tag -> rows with spans expanded
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for i, tr in enumerate(table.find_all("tr")):
        row: list[str] = []
        cells = iter(tr.find_all("td"))
        j = 0
        while True:
            if (i, j) in pending:
                row.append(pending.pop((i, j)))
                j += 1
                continue
            td = next(cells, None)
            if td is None:
                break
            text = td.get_text(strip=True)
            for di in range(int(td.get("rowspan", 1))):
                for dj in range(int(td.get("colspan", 1))):
                    if di or dj:
                        pending[(i + di, j + dj)] = text
            row.append(text)
            j += 1
        rows.append(row)
    return rows


def _numbers_of_html(report_html: bytes) -> dict[str, list[list[str]]]:
    tables = BeautifulSoup(report_html.decode("utf-8"), "html.parser").select("div.TRS_Editor table")
    return {name: _grid(t) for name, t in zip(("t2", "t3", "t4"), tables, strict=True)}


def test_html_tables_read_back_as_the_truth(built) -> None:
    d = _by_name(built[1], "d_")
    url = d.standalone[0]
    truth = d.truths[url]
    grids = _numbers_of_html(next(c.body for c in d.captures if c.url == url))
    t3 = grids["t3"][3:]
    assert len(t3) == 25 and all(len(r) == 10 for r in t3)
    assert [r[3:] for r in t3] == [[truth.raw[("t3", row, c)] for c in T3_COLS] for row in T3_ROWS]
    assert grids["t4"][3] == [truth.raw[("t4", row, c)] for row in T4_ROWS for c in T4_COLS]
    fee = next(r for r in grids["t2"] if r[0] == "行政事业性收费")
    assert fee[1:] == [truth.raw[("t2", "t2.i8.fee", "amount_wan")]] * 3


def test_workbooks_read_back_as_the_truth(built) -> None:
    a1 = _by_name(built[1], "a1_")
    cap = next(c for c in a1.captures if c.url.endswith(".xlsx"))
    truth = a1.truths[cap.url]
    wb = openpyxl.load_workbook(io.BytesIO(cap.body))
    t3, t4 = wb.worksheets
    assert "年度报告" not in str(t3["A1"].value) and str(t3["A1"].value).startswith("（本列数据")  # no title row
    got = [[t3.cell(4 + i, 4 + j).value for j in range(7)] for i in range(25)]
    assert got == [[int(truth.cells[("t3", row, c)]) for c in T3_COLS] for row in T3_ROWS]
    assert [t4.cell(4, 1 + j).value for j in range(15)] == [int(truth.cells[("t4", r, c)]) for r in T4_ROWS for c in T4_COLS]
    assert "A1:C3" in {str(m) for m in t3.merged_cells.ranges}


def test_pdfs_read_back_as_the_truth(built) -> None:
    a2 = _by_name(built[1], "a2_")
    cap = next(c for c in a2.captures if c.url.endswith(".pdf"))
    truth = a2.truths[cap.url]
    with pdfplumber.open(io.BytesIO(cap.body)) as pdf:
        t3, t4 = (p.extract_tables()[0] for p in pdf.pages)
    numbers = [r[3:] for r in t3 if r[-1] and r[-1].isdigit()]
    assert numbers == [[truth.raw[("t3", row, c)] for c in T3_COLS] for row in T3_ROWS]
    assert t4[-1] == [truth.raw[("t4", r, c)] for r in T4_ROWS for c in T4_COLS]
    b = _by_name(built[1], "b_")
    full = next(c for c in b.captures if c.url.endswith(".pdf"))
    with pdfplumber.open(io.BytesIO(full.body)) as pdf:
        text = "".join((p.extract_text() or "") for p in pdf.pages).replace("\n", "")
    report = b.truths[full.url]
    assert report.title in text and all(s.heading in text for s in report.sections)
    assert all(p in text for s in report.sections for p in s.paragraphs if len(p) < 30)


def test_the_corpus_is_byte_identical_when_built_twice(built, tmp_path: Path) -> None:
    folder, _ = built
    again = tmp_path / "again"
    corpus.build(again)
    for p in folder.iterdir():
        assert (again / p.name).read_bytes() == p.read_bytes(), p.name


def test_expected_cells_take_the_first_member_in_url_order(built) -> None:
    b = _by_name(built[1], "b_")
    a = b.assemblies[0]
    expected = a.expected_cells()
    first = min(m.url for m in a.members if m.printed)
    assert first.endswith(".pdf") and len(expected) == 200
    assert all(url == first for _, url in expected.values())
    a1 = _by_name(built[1], "a1_").assemblies[0]
    by_table = {k[0]: url for k, (_, url) in a1.expected_cells().items()}
    assert by_table["t2"] == a1.page and by_table["t3"] == by_table["t4"] != a1.page
