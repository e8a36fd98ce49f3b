"""Office-file builders: DOCX (python-docx), XLSX (openpyxl), LibreOffice conversions, byte normalising.

LibreOffice stamps dates and ids into its PDFs and zip writers stamp times into archives; both are
normalised so the same seed gives the same bytes.
"""

from __future__ import annotations

import atexit
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .layout import TABLE_TITLES, Grid, expand
from .narrative import Block

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_PROFILE: list[str] = []


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry times (python-docx/openpyxl stamp the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps dcterms:modified with the save time
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2024-01-01T00:00:00Z\g<2>", body)
            dst.writestr(fixed, body)
    return out.getvalue()


def normalize_pdf(data: bytes) -> bytes:
    """Blank LibreOffice's conversion time and random /ID with same-length constants."""
    data = re.sub(
        rb"\(D:[0-9+\-Z']+\)", lambda m: b"(D:20240101000000" + b"0" * (len(m.group()) - 18) + b")", data
    )
    return re.sub(rb"<[0-9A-Fa-f]{32}>", b"<" + b"0" * 32 + b">", data)


def soffice(data: bytes, in_ext: str, out_fmt: str) -> bytes:
    """Convert with headless LibreOffice under a private profile (other users run soffice too)."""
    if not _PROFILE:
        _PROFILE.append(tempfile.mkdtemp(prefix="blind-lo-profile-"))
        atexit.register(shutil.rmtree, _PROFILE[0], True)
    with tempfile.TemporaryDirectory(prefix="blind-lo-") as tmp:
        src = Path(tmp) / f"doc.{in_ext}"
        src.write_bytes(data)
        cmd = [
            "soffice",
            f"-env:UserInstallation=file://{_PROFILE[0]}",
            "--headless",
            "--norestore",
            "--convert-to",
            out_fmt,
            "--outdir",
            tmp,
            str(src),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=240)
        out_ext = out_fmt.split(":")[0]
        out = (Path(tmp) / f"doc.{out_ext}").read_bytes()
    return normalize_pdf(out) if out_ext == "pdf" else out


def _set_fonts(doc: DocxDocument, size: float = 10.5) -> None:
    style = doc.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Serif CJK SC")
    style.paragraph_format.widow_control = False
    style.paragraph_format.space_after = Pt(0)


def _margins(doc: DocxDocument) -> None:
    for section in doc.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin = section.bottom_margin = Cm(2.54)
        section.left_margin = section.right_margin = Cm(2.5)


def add_grid(
    doc: DocxDocument, grid: Grid, widths_cm: list[float] | None, borders: bool, size: float = 9
) -> None:
    """A Word table with real merges; `widths_cm` fixes column widths (narrow ones make numbers wrap)."""
    dense = expand(grid)
    n_rows, n_cols = len(dense), len(dense[0])
    table = doc.add_table(rows=n_rows, cols=n_cols)
    if borders:
        table.style = "Table Grid"
    table.autofit = False
    if widths_cm:
        for i, w in enumerate(widths_cm):
            table.columns[i].width = Cm(w)
            for cell in table.columns[i].cells:
                cell.width = Cm(w)
    for r, row in enumerate(dense):
        for c, (cell, origin) in enumerate(row):
            if not origin:
                continue
            target = table.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            target.text = ""
            run = target.paragraphs[0].add_run(cell.text)
            run.font.size = Pt(size)


def docx_bytes(
    blocks: list[Block],
    tables: dict[str, Grid],
    widths: dict[str, list[float]],
    borders: bool = True,
    spacer_before: dict[str, float] | None = None,
) -> bytes:
    """A Word document: narrative blocks with the given tables; `spacer_before` pushes a table down."""
    doc = Document()
    _set_fonts(doc)
    _margins(doc)
    for block in blocks:
        if block.kind == "table":
            if block.text not in tables:
                continue
            if spacer_before and block.text in spacer_before:
                doc.add_page_break()
                spacer = doc.add_paragraph("")
                spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                spacer.paragraph_format.line_spacing = Pt(spacer_before[block.text])
            add_grid(doc, tables[block.text], widths.get(block.text), borders)
            doc.add_paragraph("")
        elif block.kind == "title":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(block.text).font.size = Pt(16)
        elif block.kind in ("sig", "date"):
            doc.add_paragraph(block.text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            doc.add_paragraph(block.text)
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_zip(buf.getvalue())


def xlsx_bytes(tables: dict[str, Grid], one_sheet: bool) -> bytes:
    """Only the three tables (no title row), one sheet per table or stacked on one sheet."""
    wb = Workbook()
    wb.properties.creator = "Administrator"
    import datetime as dt

    wb.properties.created = wb.properties.modified = dt.datetime(2024, 1, 1)
    ws = wb.active
    assert ws is not None
    top = 1
    for i, (name, grid) in enumerate(tables.items()):
        if not one_sheet:
            ws = wb.active if i == 0 else wb.create_sheet()
            assert ws is not None
            ws.title = TABLE_TITLES[name][2:12]
            top = 1
        top = _write_grid(ws, grid, top) + 2
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue())


def _write_grid(ws: object, grid: Grid, top: int) -> int:
    dense = expand(grid)
    for r, row in enumerate(dense):
        for c, (cell, origin) in enumerate(row):
            if not origin:
                continue
            target = ws.cell(row=top + r, column=c + 1)  # type: ignore[attr-defined]
            target.value = _xl_value(cell.text) if cell.key else cell.text
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=top + r,
                    start_column=c + 1,  # type: ignore[attr-defined]
                    end_row=top + r + cell.rowspan - 1,
                    end_column=c + cell.colspan,
                )
    for c in range(len(dense[0])):
        ws.column_dimensions[get_column_letter(c + 1)].width = 14  # type: ignore[attr-defined]
    return top + len(dense)


def _xl_value(text: str) -> float | int | str:
    """Numbers stored as numbers (as Excel would), keeping decimals."""
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(number) if number.is_integer() else number
