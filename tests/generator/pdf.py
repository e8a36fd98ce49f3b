"""Generated reports as PDFs made the way portals make them: a Word document converted by LibreOffice.

`report_docx(g)` writes a 公文-style DOCX with python-docx (centred title, 仿宋 body with a two-
character first-line indent, 黑体 headings, the three tables of `layout.py` with their merged cells,
a "— n —" page folio in the footer, the signing agency and date). Per report (from its
``layout_seed``) the filler before Table 3 moves the page break through the table, the header rows
of Table 3 are repeated on the next page in some, and the table font size varies so that some rows
wrap and break across pages. `pdf_corpus(reports, folder)` converts them all in ONE ``soffice``
call and returns the PDF bytes per report key.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .layout import PTable, layouts, place
from .truth import SECTION_CODES, GeneratedReport, format_date

SONG, FANGSONG, HEI = "宋体", "仿宋_GB2312", "黑体"


@dataclass(frozen=True, slots=True)
class PdfStyle:
    """The layout choices of one rendered report (all drawn from its layout_seed)."""

    filler_lines: int
    repeat_header: bool
    table_pt: float
    body_pt: float
    label_cm: float
    """Width of Table 3's leaf-label column: narrow ones wrap labels into tall rows that break."""


def style_of(g: GeneratedReport) -> PdfStyle:
    rng = random.Random(g.layout_seed * 31 + 5)
    return PdfStyle(filler_lines=rng.randint(0, 14), repeat_header=rng.random() < 0.5,
                    table_pt=rng.choice([9.0, 10.5, 10.5]), body_pt=rng.choice([14.0, 16.0]),
                    label_cm=rng.choice([4.5, 3.0, 2.4]))


def _font(run: object, name: str, size: float, bold: bool = False) -> None:
    r = run  # a docx Run
    r.font.size = Pt(size)  # type: ignore[attr-defined]
    r.font.bold = bold  # type: ignore[attr-defined]
    r.font.name = name  # type: ignore[attr-defined]
    rpr = r._element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _para(doc: object, text: str, *, font: str, size: float, indent: bool = True, align: str = "justify",
          bold: bool = False) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(size * 1.75)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    p.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    _font(p.add_run(text), font, size, bold)


def _footer_folio(section: object) -> None:
    """"— n —" centred in the footer, n being Word's PAGE field."""
    p = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), SONG, 14)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    _font(p.add_run(" —"), SONG, 14)


_WIDTHS_CM: dict[str, tuple[float, ...]] = {
    "t2": (5.0, 3.5, 3.5, 3.6),
    "t3": (1.0, 2.1, 4.5, *(1.14,) * 7),
    "t4": (1.04,) * 15,
}


def _table(doc: object, layout: PTable, style: PdfStyle) -> None:
    anchors = place(layout)
    n_rows = max(r + c.rowspan for r, _, c in anchors)
    table = doc.add_table(rows=n_rows, cols=layout.n_cols)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _WIDTHS_CM[layout.name]
    if layout.name == "t3":
        widths = (1.0, 2.1, style.label_cm, *((15.6 - 3.1 - style.label_cm) / 7,) * 7)
    for i, column in enumerate(table.columns):
        column.width = Cm(widths[i])
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(widths[i])
    size = style.table_pt if layout.name != "t4" else min(style.table_pt, 9.0)
    for r, c, pc in anchors:
        cell = table.cell(r, c)
        if pc.rowspan > 1 or pc.colspan > 1:
            cell = cell.merge(table.cell(r + pc.rowspan - 1, c + pc.colspan - 1))
        para = cell.paragraphs[0]
        para.paragraph_format.space_before = para.paragraph_format.space_after = Pt(0)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER if (pc.key or pc.header) else WD_ALIGN_PARAGRAPH.LEFT
        for k, part in enumerate(pc.text.split("\n")):
            if k:
                para.add_run().add_break()
            _font(para.add_run(part), SONG, size, bold=pc.header and layout.name != "t4")
    if layout.name == "t3" and style.repeat_header:
        for row in table.rows[:3]:
            trpr = row._tr.get_or_add_trPr()
            el = OxmlElement("w:tblHeader")
            el.set(qn("w:val"), "true")
            trpr.append(el)


def report_docx(g: GeneratedReport) -> bytes:
    """The report as a DOCX a portal would upload (before converting it to PDF)."""
    style = style_of(g)
    doc = docx.Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.start_type = WD_SECTION.NEW_PAGE
    _footer_folio(section)
    body = style.body_pt
    _para(doc, g.title, font="方正小标宋简体", size=22, indent=False, align="center")
    _para(doc, "", font=FANGSONG, size=body, indent=False)
    _para(doc, g.intro, font=FANGSONG, size=body)
    t2, t3, t4 = layouts(g)
    rng = random.Random(g.layout_seed * 31 + 7)
    for code in SECTION_CODES:
        _para(doc, g.sections[code], font=HEI, size=body)
        if code == "proactive":
            _table(doc, t2, style)
        elif code == "requests":
            fillers = [
                "本机关严格按照《条例》规定的时限和程序办理政府信息公开申请，做到依法答复、规范答复。",
                "对申请人提出的申请，及时登记、分类办理，确保每件申请均有记录、可追溯。",
            ]
            for k in range(style.filler_lines):
                _para(doc, fillers[k % 2] if rng.random() < 0.7 else fillers[(k + 1) % 2], font=FANGSONG, size=body)
            _table(doc, t3, style)
        elif code == "appeals":
            _table(doc, t4, style)
        else:
            _para(doc, g.section_bodies[code], font=FANGSONG, size=body)
    _para(doc, "", font=FANGSONG, size=body, indent=False)
    _para(doc, g.agency, font=FANGSONG, size=body, indent=False, align="right")
    _para(doc, format_date(g.published, g.published_style), font=FANGSONG, size=body, indent=False, align="right")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docs: dict[str, bytes], folder: Path, *, timeout: float = 600) -> dict[str, bytes]:
    """Convert many DOCX files with ONE headless LibreOffice run; returns PDF bytes per name."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: run scripts/sysdeps.sh")
    src = folder / "docx"
    out = folder / "pdf"
    src.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in docs.items():
        (src / f"{name}.docx").write_bytes(data)
    with tempfile.TemporaryDirectory(prefix="xxgk-lo-") as profile:
        subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out), *sorted(str(p) for p in src.glob("*.docx"))],
                       check=True, capture_output=True, timeout=timeout)
    missing = [n for n in docs if not (out / f"{n}.pdf").exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not convert {missing}")
    return {name: (out / f"{name}.pdf").read_bytes() for name in docs}


def pdf_corpus(reports: list[GeneratedReport], folder: Path) -> dict[str, bytes]:
    """PDF bytes per report key, converted in one LibreOffice run into `folder`."""
    return docx_to_pdf({g.key: report_docx(g) for g in reports}, folder)


def shared_cache(base: Path, name: str, build: Callable[[Path], dict[str, bytes]]) -> dict[str, bytes]:
    """Build the files of `name` once under `base` (shared by pytest-xdist workers, behind a lock)."""
    import fcntl
    import json

    folder = base / f"xxgk-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "index.json"
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not index.exists():
            files = build(folder)
            for key, data in files.items():
                (folder / f"{key}.bin").write_bytes(data)
            index.write_text(json.dumps(sorted(files)))
        keys = json.loads(index.read_text())
    return {k: (folder / f"{k}.bin").read_bytes() for k in keys}


def session_base(tmp_path_factory: object) -> Path:
    """The temp root shared by all xdist workers of this run (their own roots are popen-gwN/)."""
    root: Path = tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    return root.parent if root.name.startswith("popen-gw") else root


PDF_SEED, PDF_N = 11, 12
"""The generated PDF corpus of the tests: small enough for one LibreOffice run of ~20 s."""


def cached_pdf_corpus(tmp_path_factory: object) -> tuple[list[GeneratedReport], dict[str, bytes]]:
    """The reports and their PDFs, converted once per test run."""
    from .truth import generate

    reports = generate(seed=PDF_SEED, n=PDF_N)
    if soffice() is None:
        raise RuntimeError("LibreOffice (soffice) is required for the generated PDF corpus: run scripts/sysdeps.sh")
    files = shared_cache(session_base(tmp_path_factory), f"pdf-{PDF_SEED}-{PDF_N}",
                         lambda folder: pdf_corpus(reports, folder / "work"))
    return reports, files


def bench_corpus(n: int) -> list[tuple[str, bytes, int]]:
    """(name, PDF bytes, pages) of `n` generated reports, for bench/run.py."""
    import io as _io

    import pdfplumber

    from .truth import generate

    with tempfile.TemporaryDirectory(prefix="xxgk-bench-pdf-") as tmp:
        files = pdf_corpus(generate(seed=PDF_SEED, n=n), Path(tmp))
    out = []
    for key, data in sorted(files.items()):
        with pdfplumber.open(_io.BytesIO(data)) as pdf:
            out.append((f"{key}.pdf", data, len(pdf.pages)))
    return out
