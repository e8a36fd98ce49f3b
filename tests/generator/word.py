"""The generated reports as Word files and spreadsheets, drawn from the shared grid layout.

`render_docx` writes a report the way Word users and WPS produce them: python-docx for the package
and the paragraphs, the tables as real WordprocessingML with `gridSpan`/`vMerge` merges (from
`layout.place`), plus the shapes the DOCX extractor must survive, chosen per report from its
``layout_seed`` (`word_style`): section headings and Table 3 labels numbered by Word lists
(`w:numPr`, the "一、" is not in the text), the vertical 自/然/人 header as one paragraph per
character or as rotated text, header rows marked to repeat, Table 3 cut in two (the merge restarted
or left dangling, the header repeated or not), tracked changes, the title in a text box, Table 4
inside a one-cell frame table. `libreoffice_convert` turns a batch of them into DOC or RTF in one
LibreOffice run; `render_xlsx` saves the report with its statistical tables as a spreadsheet.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from .layout import PCell, PTable, layouts, place
from .truth import GeneratedReport, format_date

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = (f'xmlns:w="{W_NS}" '
       'xmlns:v="urn:schemas-microsoft-com:vml" '
       'xmlns:o="urn:schemas-microsoft-com:office:office" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
SECTION_ORDER = ("overview", "proactive", "requests", "appeals", "problems", "other")
HEADING_LIST, LABEL_LIST = 90, 91
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class WordStyle:
    """How one report is laid out in Word (each choice is a real-world shape the extractor must read)."""

    numbered_headings: bool
    heading_suffix: Literal["nothing", "tab"]
    numbered_labels: bool
    vertical: Literal["paragraphs", "rotated"]
    split_t3_at: int | None
    split_kind: Literal["restart", "dangling", "repeat_header"]
    repeat_header: bool
    tracked: bool
    title_box: Literal["none", "vml", "alternate"]
    frame_t4: bool


def word_style(g: GeneratedReport) -> WordStyle:
    """A deterministic mix of shapes for report `g` (from its layout seed)."""
    rng = random.Random(g.layout_seed ^ 0x5EED)
    body_rows = [code for code, _ in _t3_rows(g)]
    # Cut Table 3 anywhere a leaf label still says which row it is: not inside （六）, where "3.其他"
    # needs its group label (the part after the cut would print that label empty).
    cuts = [i for i, code in enumerate(body_rows)
            if i >= 2 and not (code.startswith("t3.r3.6.") and code != "t3.r3.6.1")]
    split = rng.random() < 0.5
    return WordStyle(
        numbered_headings=rng.random() < 0.6,
        heading_suffix=rng.choice(["nothing", "tab"]),
        numbered_labels=rng.random() < 0.4,
        vertical=rng.choice(["paragraphs", "paragraphs", "rotated"]),
        split_t3_at=rng.choice(cuts) if split else None,
        split_kind=rng.choice(["restart", "dangling", "repeat_header"]),
        repeat_header=rng.random() < 0.5,
        tracked=rng.random() < 0.3,
        title_box=rng.choice(["none", "none", "vml", "alternate"]),
        frame_t4=rng.random() < 0.2,
    )


def _t3_rows(g: GeneratedReport) -> list[tuple[str, str]]:
    from .truth import t3_rows

    return list(t3_rows(g.era))


# --- paragraphs -----------------------------------------------------------------------------------


def _run(text: str) -> str:
    parts = text.split("\t")
    runs = []
    for i, part in enumerate(parts):
        if i:
            runs.append("<w:r><w:tab/></w:r>")
        if part:
            runs.append(f'<w:r><w:t xml:space="preserve">{escape(part)}</w:t></w:r>')
    return "".join(runs)


def _p(text: str, *, style: str | None = None, num: tuple[int, int] | None = None, jc: str | None = None,
       extra: str = "") -> str:
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{_run(text)}{extra}</w:p>"


def _tracked(old: str, new: str) -> str:
    """A tracked replacement: `old` deleted, `new` inserted (accepted text: `new`)."""
    meta = 'w:author="审核人" w:date="2024-01-10T09:00:00Z"'
    return (f'<w:del w:id="1" {meta}><w:r><w:delText xml:space="preserve">{escape(old)}</w:delText></w:r></w:del>'
            f'<w:ins w:id="2" {meta}><w:r><w:t xml:space="preserve">{escape(new)}</w:t></w:r></w:ins>')


def _text_box(text: str, kind: str) -> str:
    """An empty paragraph anchoring a text box that holds `text` (VML, or DrawingML with VML fallback)."""
    inner = f"<w:txbxContent>{_p(text, style='Title', jc='center')}</w:txbxContent>"
    vml = ('<w:pict><v:shape id="tb1" type="#_x0000_t202" style="width:420pt;height:40pt">'
           f"<v:textbox>{inner}</v:textbox></v:shape></w:pict>")
    if kind == "vml":
        return f"<w:p><w:r>{vml}</w:r></w:p>"
    drawing = (
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="5334000" cy="508000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
        '<wp:docPr id="1" name="标题框"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5334000" cy="508000"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx>{inner}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )
    return ('<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps">'
            f"{drawing}</mc:Choice><mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r></w:p>")


# --- tables ---------------------------------------------------------------------------------------

_CN_ORDINAL = re.compile(r"^（([一二三四五六七])）(.+)$")
_LEAF = re.compile(r"^(\d)([.、])(.+)$")


def _cell_paragraphs(cell: PCell, style: WordStyle, labels_sep: str) -> tuple[str, str]:
    """(tcPr extras, paragraphs) for one printed cell."""
    text = cell.text
    if "\n" in text:
        chars = text.split("\n")
        if style.vertical == "rotated":
            return '<w:textDirection w:val="tbRlV"/>', _p("".join(chars), jc="center")
        return "", "".join(_p(ch, jc="center") for ch in chars)
    if style.numbered_labels and cell.key is None and not cell.header:
        m = _CN_ORDINAL.match(text)
        if m:
            return "", _p(m.group(2), num=(LABEL_LIST, 0))
        m = _LEAF.match(text)
        if m and m.group(2) == labels_sep:
            return "", _p(m.group(3), num=(LABEL_LIST, 1))
    return "", _p(text, jc="center" if cell.key else None)


def _table_xml(layout: PTable, rows: range, style: WordStyle, *, labels_sep: str, dangling: bool,
               header_rows: range | None, tracked_keys: set[tuple[str, str, str]],
               old_values: dict[tuple[str, str, str], str]) -> str:
    """One w:tbl holding `rows` of `layout` (plus repeated `header_rows` first)."""
    anchors = place(layout)
    cover: dict[tuple[int, int], tuple[int, int, PCell]] = {}
    for r, c, cell in anchors:
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                cover[(r + dr, c + dc)] = (r, c, cell)
    order = [*(header_rows or []), *rows]
    first_body = rows.start  # the first row of this part: a merge from above the cut starts again here
    grid = '<w:gridCol w:w="600"/>' * layout.n_cols
    out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
           f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    for r in order:
        is_header = r < 3 and layout.name == "t3"
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if is_header and style.repeat_header else ""
        cells = []
        c = 0
        block_start = 0 if header_rows is not None and r in header_rows else first_body
        while c < layout.n_cols:
            ar, ac, cell = cover[(r, c)]
            span = f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else ""
            top_here = ar == r or (ar < block_start and r == block_start)
            if cell.rowspan > 1 and top_here and ar == r:
                vm = '<w:vMerge w:val="restart"/>'
            elif cell.rowspan > 1 and top_here:  # the merge crosses the cut: restarted empty, or left dangling
                vm = "<w:vMerge/>" if dangling else '<w:vMerge w:val="restart"/>'
            elif cell.rowspan > 1:
                vm = "<w:vMerge/>"
            else:
                vm = ""
            if ar == r:
                extra, paras = _cell_paragraphs(cell, style, labels_sep)
                if cell.key in tracked_keys:
                    paras = f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{_tracked(old_values[cell.key], cell.text)}</w:p>'
            else:
                extra, paras = "", "<w:p/>"
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{600 * cell.colspan}" w:type="dxa"/>{span}{vm}{extra}'
                         f"</w:tcPr>{paras}</w:tc>")
            c = ac + cell.colspan
        out.append(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _tables_xml(g: GeneratedReport, style: WordStyle, rng: random.Random) -> dict[str, list[str]]:
    """The three tables as body XML fragments (Table 3 possibly in two parts)."""
    t2, t3, t4 = layouts(g)
    sep = "、" if "numbering_dunhao" in g.label_variants else "."
    tracked: set[tuple[str, str, str]] = set()
    old: dict[tuple[str, str, str], str] = {}
    if style.tracked:
        value_keys = sorted(k for k in g.raw if k[0] == "t3" and g.raw[k] != "/")
        for key in rng.sample(value_keys, 3):
            tracked.add(key)
            old[key] = str(int(float(g.raw[key])) + 7) if g.raw[key].replace(".", "").isdigit() else "0"
    kw = {"labels_sep": sep, "tracked_keys": tracked, "old_values": old}
    out = {"t2": [_table_xml(t2, range(len(t2.rows)), style, dangling=False, header_rows=None, **kw)]}
    n3 = len(t3.rows)
    if style.split_t3_at is None:
        out["t3"] = [_table_xml(t3, range(n3), style, dangling=False, header_rows=None, **kw)]
    else:
        cut = 3 + style.split_t3_at
        second_header = range(3) if style.split_kind == "repeat_header" else None
        out["t3"] = [
            _table_xml(t3, range(cut), style, dangling=False, header_rows=None, **kw),
            _table_xml(t3, range(cut, n3), style, dangling=style.split_kind == "dangling",
                       header_rows=second_header, **kw),
        ]
    t4_xml = _table_xml(t4, range(len(t4.rows)), style, dangling=False, header_rows=None, **kw)
    if style.frame_t4:
        t4_xml = ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="9000"/>'
                  f'</w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="9000" w:type="dxa"/></w:tcPr>{t4_xml}<w:p/></w:tc>'
                  "</w:tr></w:tbl>")
    out["t4"] = [t4_xml]
    return out


# --- numbering ------------------------------------------------------------------------------------


def _numbering_xml(style: WordStyle, sep: str) -> list[str]:
    suff = f'<w:suff w:val="{style.heading_suffix}"/>'
    headings = (f'<w:abstractNum {_NS} w:abstractNumId="{HEADING_LIST}"><w:multiLevelType w:val="singleLevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>{suff}'
                '<w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>')
    labels = (f'<w:abstractNum {_NS} w:abstractNumId="{LABEL_LIST}"><w:multiLevelType w:val="multilevel"/>'
              '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
              '<w:lvlText w:val="（%1）"/><w:lvlJc w:val="left"/></w:lvl>'
              '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="nothing"/>'
              f'<w:lvlText w:val="%2{sep}"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>')
    nums = [f'<w:num {_NS} w:numId="{HEADING_LIST}"><w:abstractNumId w:val="{HEADING_LIST}"/></w:num>',
            f'<w:num {_NS} w:numId="{LABEL_LIST}"><w:abstractNumId w:val="{LABEL_LIST}"/></w:num>']
    return [headings, labels, *nums]


# --- the document ---------------------------------------------------------------------------------

_HEADING_NUMBER = re.compile(r"^[一二三四五六]、")


def render_docx(g: GeneratedReport, style: WordStyle | None = None) -> bytes:
    """Report `g` as DOCX bytes (deterministic: fixed zip timestamps)."""
    import docx
    from docx.oxml.parser import parse_xml

    style = style or word_style(g)
    rng = random.Random(g.layout_seed ^ 0xD0C)
    document = docx.Document()
    sep = "、" if "numbering_dunhao" in g.label_variants else "."
    numbering = document.part.numbering_part.element
    first, *rest = _numbering_xml(style, sep)
    abstract = [first, rest[0]]
    for i, xml in enumerate(abstract):
        numbering.insert(i, parse_xml(xml))
    for xml in rest[1:]:
        numbering.append(parse_xml(xml))

    tables = _tables_xml(g, style, rng)
    parts: list[str] = []
    if style.title_box != "none":
        parts.append(_text_box(g.title, style.title_box))
    else:
        parts.append(_p(g.title, style="Title", jc="center"))
    parts.append(_p(g.intro))
    for code in SECTION_ORDER:
        heading = g.sections[code]
        if style.numbered_headings and _HEADING_NUMBER.match(heading):
            parts.append(_p(heading[2:], style="Heading1", num=(HEADING_LIST, 0)))
        else:
            parts.append(_p(heading, style="Heading1"))
        if code == "proactive":
            parts += tables["t2"]
        elif code == "requests":
            t3 = tables["t3"]
            parts.append(t3[0])
            if len(t3) > 1:  # Word keeps a paragraph between the two parts of a split table
                parts.append("<w:p/>")
                parts.append(t3[1])
        elif code == "appeals":
            parts += tables["t4"]
        body = g.section_bodies.get(code)
        if body:
            extra = ""
            if style.tracked and code == "overview":
                extra = ('<w:del w:id="3" w:author="审核人" w:date="2024-01-10T09:00:00Z"><w:r>'
                         "<w:delText>（本句已删除：全年共收到政府信息公开申请99999件。）</w:delText></w:r></w:del>")
            parts.append(_p(body, extra=extra))
    parts.append(_p(g.agency, jc="right"))
    parts.append(_p(format_date(g.published, g.published_style), jc="right"))
    body_el = document.element.body
    sect = body_el[-1]
    for xml in parts:
        for el in parse_xml(f"<w:body {_NS}>{xml}</w:body>"):
            sect.addprevious(el)
    buf = io.BytesIO()
    document.save(buf)
    return fixed_zip(buf.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same zip with fixed entry timestamps, so equal documents are equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), src.read(info), zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- LibreOffice ------------------------------------------------------------------------------------


def libreoffice_convert(paths: list[Path], target: str, outdir: Path, *, soffice: str = "soffice",
                        timeout: float = 600) -> list[Path]:
    """Convert many files in ONE LibreOffice run (`target`: 'doc', 'rtf', …); returns the outputs in order."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xxgk-gen-lo-") as profile:
        subprocess.run([soffice, "--headless", "--norestore", "--nolockcheck",
                        f"-env:UserInstallation={Path(profile).as_uri()}", "--convert-to", target,
                        "--outdir", str(outdir), *map(str, paths)],
                       check=True, capture_output=True, timeout=timeout)
    outs = [outdir / (p.stem + "." + target.split(":")[0]) for p in paths]
    missing = [o.name for o in outs if not o.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    if target.startswith("rtf"):
        for out in outs:
            out.write_bytes(repair_rtf_level_text(out.read_bytes()))
    return outs


_LOST_LEVEL_CHAR = re.compile(rb"(\\leveltext[^;{}]*?)\\'3f;")


def repair_rtf_level_text(rtf: bytes) -> bytes:
    """Put back the "、" that LibreOffice 7.4's RTF writer loses from list level text.

    It writes `\\leveltext` in the ANSI code page, so the "%1、" of our heading list becomes "%1?"
    (its `\\listtext` keeps "一、"). Word writes `\\u12289 ?`; this makes the file say what Word
    would have written, so the RTF reader, not the converter that made the fixture, is under test.
    """
    return _LOST_LEVEL_CHAR.sub(rb"\1\\u12289 ?;", rtf)


# --- spreadsheets -----------------------------------------------------------------------------------


def _xlsx_value(text: str) -> str | int | float:
    """A printed cell as a spreadsheet would hold it: numbers as numbers, the rest as text."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text) and repr(float(text)) == text:
        return float(text)
    return text


def render_xlsx(g: GeneratedReport, *, sheets: Literal["one", "per_table"] = "one") -> bytes:
    """Report `g` as an XLSX workbook: text rows merged across the sheet, tables with their merges.

    ``one``: the whole report on one sheet, tables in place; ``per_table``: the text on the first
    sheet and each statistical table on a sheet of its own.
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "年度报告"
    width = 15
    t2, t3, t4 = layouts(g)
    row = 1

    def text_row(sheet: object, r: int, text: str) -> int:
        sheet.cell(row=r, column=1, value=text)  # type: ignore[attr-defined]
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)  # type: ignore[attr-defined]
        return r + 1

    def table_rows(sheet: object, r: int, layout: PTable) -> int:
        for ar, ac, cell in place(layout):
            value: str | int | float = _xlsx_value(cell.text) if cell.key else cell.text
            sheet.cell(row=r + ar, column=ac + 1, value=value)  # type: ignore[attr-defined]
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(start_row=r + ar, start_column=ac + 1,  # type: ignore[attr-defined]
                                  end_row=r + ar + cell.rowspan - 1, end_column=ac + cell.colspan)
        return r + len(layout.rows) + 1  # one blank row after a table

    row = text_row(ws, row, g.title)
    row = text_row(ws, row, g.intro)
    extra = {"proactive": t2, "requests": t3, "appeals": t4}
    for code in SECTION_ORDER:
        row = text_row(ws, row, g.sections[code])
        if code in extra and sheets == "one":
            row = table_rows(ws, row, extra[code])
        if g.section_bodies.get(code):
            row = text_row(ws, row, g.section_bodies[code])
    row = text_row(ws, row, g.agency)
    text_row(ws, row, format_date(g.published, g.published_style))
    if sheets == "per_table":
        for name, layout in (("表1", t2), ("表2", t3), ("表3", t4)):
            table_rows(wb.create_sheet(name), 1, layout)
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue())


# --- hostile packages -------------------------------------------------------------------------------


def with_part(package: bytes, name: str, data: bytes, *, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    """`package` with part `name` added or replaced (everything else copied as is)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), src.read(info), zipfile.ZIP_DEFLATED)
        dst.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), data, compress)
    return out.getvalue()


def zip_bomb(package: bytes, *, megabytes: int = 20, name: str = "word/media/image1.png") -> bytes:
    """A real package plus one part of zeros that deflates about 1000:1."""
    return with_part(package, name, bytes(megabytes * 1024 * 1024))


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + f']>\n<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
).encode()
"""A document part whose nine nested entities expand to 10^9 "lol"s."""


def bench_corpus(n: int) -> list[tuple[str, bytes, int]]:
    """(name, DOCX bytes, pages) for `make bench` (bench/run.py): generated reports, one per document."""
    from dataclasses import replace

    from .truth import generate

    docs = []
    for g in generate(seed=11, n=n):
        style = word_style(g)
        if style.split_kind == "dangling":  # bench/run.py's anchor, python-docx's row.cells, raises on these
            style = replace(style, split_kind="restart")
        docs.append((f"{g.key}.docx", render_docx(g, style), 1))
    return docs
