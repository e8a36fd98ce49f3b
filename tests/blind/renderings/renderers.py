"""Renderers: a model Report → the bytes real agencies, CMSs and converters produce, plus per-cell truth.

Each public `render_*` returns a list of `Rendered` files (several for a page + attachment split).
`cells` lists the codebook cells a file holds (its truth values come from the model), `must_not`
lists values a cell must never get (fragments of a number split by a page break), `meta` says
whether title/agency/year/published are expected from that file.
"""

from __future__ import annotations

import gzip
import html
import io
import random
from dataclasses import dataclass, field

from .layout import (
    TABLE_TITLES,
    Cell,
    Fmt,
    Grid,
    expand,
    grids,
    keys_of,
    plain,
    t2_grid,
    t3_body,
    t3_grid,
    t4_grid,
    thousands,
)
from .model import Key, Report
from .narrative import Block, blocks
from .office import docx_bytes, soffice, xlsx_bytes


@dataclass
class Rendered:
    """One generated file and what it must yield."""

    name: str
    data: bytes
    format: str
    cells: list[Key]
    meta: bool = True
    must_not: dict[Key, list[float]] = field(default_factory=dict)
    may_fail_with: list[str] = field(default_factory=list)
    notes: dict[str, object] = field(default_factory=dict)


ALL_TABLES = ("t2", "t3", "t4")


def all_keys(rep: Report, tables: tuple[str, ...] = ALL_TABLES, fmt: Fmt = plain) -> list[Key]:
    g = grids(rep, fmt)
    return [k for t in tables for k in keys_of(g[t])]


# ---------------------------------------------------------------- HTML


def html_table(grid: Grid, word: bool = True) -> str:
    """A <table> with rowspan/colspan; `word` adds the MsoNormal markup Word's 'save as HTML' leaves."""
    out = [
        '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
        'style="border-collapse:collapse;border:none">'
        if word
        else '<table border="1">'
    ]
    for row in grid:
        out.append("<tr>")
        for cell in row:
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            text = html.escape(cell.text)
            if word:
                text = (
                    f'<p class="MsoNormal" align="center" style="text-align:center"><span '
                    f'style="font-size:10.5pt;font-family:宋体">{text}</span></p>'
                )
            out.append(f'<td{span} style="border:solid windowtext 1.0pt;padding:0cm 5.4pt">{text}</td>')
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def body_html(rep: Report, bl: list[Block], fmt: Fmt = plain) -> str:
    g = grids(rep, fmt)
    parts = []
    for b in bl:
        if b.kind == "table":
            parts.append(html_table(g[b.text]))
        elif b.kind == "title":
            continue
        elif b.kind in ("sig", "date"):
            parts.append(f'<p style="text-align:right">{html.escape(b.text)}</p>')
        else:
            parts.append(f'<p class="MsoNormal">{html.escape(b.text)}</p>')
    return "\n".join(parts)


def trs_page(
    rep: Report, body: str, charset: str = "utf-8", attachments: tuple[tuple[str, str], ...] = ()
) -> str:
    """A TRS-style article page: meta tags, breadcrumb chrome, TRS_Editor body, attachment links."""
    links = "".join(
        f'<p>附件：<a href="./{href}" OLDSRC="./{href}">{html.escape(text)}</a></p>'
        for href, text in attachments
    )
    pub = rep.published.isoformat()
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(rep.title)}_{html.escape(rep.agency)}</title>
<meta name="ArticleTitle" content="{html.escape(rep.title)}">
<meta name="PubDate" content="{pub} 09:30">
<meta name="ContentSource" content="{html.escape(rep.agency)}">
<meta name="ColumnName" content="政府信息公开年报">
</head><body>
<div class="header"><a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; <a href="/xxgk/ndbg/">年度报告</a></div>
<div class="article"><h1 class="title">{html.escape(rep.title)}</h1>
<div class="info">发布日期：{pub} 来源：{html.escape(rep.agency)} 浏览次数：<span id="hits">1024</span></div>
<div class="TRS_Editor">
{body}
{links}
</div></div>
<div class="footer">版权所有：{html.escape(rep.agency)} 网站标识码：3401110001 ICP备案号：皖ICP备05001234号</div>
</body></html>"""


def vsb_page(rep: Report, body: str) -> str:
    """A VSB/博达 article page: the body sits in <form name="_newscontent_fromname"> → #vsb_content."""
    pub = rep.published.isoformat()
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{html.escape(rep.title)}-{html.escape(rep.agency)}</title>
<META Name="keywords" Content="{html.escape(rep.agency)},信息公开">
<meta name="PubDate" content="{pub}">
<script type="text/javascript" src="/system/resource/js/counter.js"></script>
<script type="text/javascript">_jsq_(1164,'/content.jsp',291239,1585742398)</script>
</head><body>
<div class="nav"><ul><li><a href="../../index.htm">首页</a></li><li><a href="../../xxgk.htm">信息公开</a></li></ul></div>
<div class="weizhi">当前位置: <a href="../../index.htm">首页</a> &gt;&gt; <a href="../xxgknb.htm">信息公开年报</a> &gt;&gt; 正文</div>
<script language="javascript" src="/system/resource/js/dynclicks.js"></script>
<script language="javascript" src="/system/resource/js/news/newscontent.js"></script>
<form name="_newscontent_fromname">
<div class="content-title"><h3>{html.escape(rep.title)}</h3>
<i>发布时间：{pub}&nbsp;&nbsp;点击数：<script>_showDynClicks("wbnews", 1585742398, 291239)</script></i></div>
<div id="vsb_content"><div class="v_news_content">
{body}
</div></div>
<div id="div_vote_id"></div>
</form>
<div class="footer">Copyright © {html.escape(rep.agency)} 技术支持：博达软件</div>
</body></html>"""


def render_html_split(rep: Report, stem: str, attach: str) -> list[Rendered]:
    """Article page with the narrative and Table 2; Tables 3 and 4 only in the attached DOCX or PDF."""
    att_name = f"{stem}_附件.{attach}"
    page_blocks = blocks(rep, tables=("t2",))
    page = trs_page(
        rep,
        body_html(rep, page_blocks),
        attachments=((att_name, f"{rep.year}年政府信息公开工作年度报告统计表"),),
    )
    g = grids(rep)
    att_blocks = [
        Block("p", f"附件：{rep.year}年度政府信息公开统计表"),
        Block("h", TABLE_TITLES["t3"]),
        Block("table", "t3"),
        Block("h", TABLE_TITLES["t4"]),
        Block("table", "t4"),
    ]
    docx = docx_bytes(att_blocks, {"t3": g["t3"], "t4": g["t4"]}, WIDTHS)
    data = docx if attach == "docx" else soffice(docx, "docx", "pdf")
    return [
        Rendered(f"{stem}.html", page.encode(), "html", all_keys(rep, ("t2",)), notes={"role": "page"}),
        Rendered(
            att_name, data, attach, all_keys(rep, ("t3", "t4")), meta=False, notes={"role": "attachment"}
        ),
    ]


def render_html_vsb(rep: Report, stem: str) -> list[Rendered]:
    page = vsb_page(rep, body_html(rep, blocks(rep)))
    return [Rendered(f"{stem}.html", page.encode(), "html-vsb", all_keys(rep))]


def render_html_gzip(rep: Report, stem: str) -> list[Rendered]:
    """A page saved gzip-compressed (Content-Encoding kept by a crawler), no extension hint."""
    page = trs_page(rep, body_html(rep, blocks(rep)))
    data = gzip.compress(page.encode(), mtime=0)
    return [Rendered(f"{stem}.bin", data, "html-gzip", all_keys(rep))]


ENCODING_WORDS = ["encod", "charset", "decod", "编码", "乱码", "mojibake", "big5"]


def render_html_big5(rep: Report, stem: str) -> list[Rendered]:
    """A traditional-Chinese site's page in Big5 that declares gb2312 (misdeclared charset)."""
    page = trs_page(rep, body_html(rep, blocks(rep)), charset="gb2312")
    data = page.encode("big5", errors="xmlcharrefreplace")
    return [
        Rendered(f"{stem}.html", data, "html-big5-misdeclared", all_keys(rep), may_fail_with=ENCODING_WORDS)
    ]


def render_html_double_utf8(rep: Report, stem: str) -> list[Rendered]:
    """UTF-8 bytes once mis-read as Latin-1 and saved again as UTF-8 (double encoding)."""
    page = trs_page(rep, body_html(rep, blocks(rep)))
    data = page.encode("utf-8").decode("latin-1").encode("utf-8")
    return [Rendered(f"{stem}.html", data, "html-double-utf8", all_keys(rep), may_fail_with=ENCODING_WORDS)]


# ---------------------------------------------------------------- crawled text with chrome


def flat_cells(grid: Grid) -> list[str]:
    return [cell.text for row in grid for cell in row]


def render_chrome_text(rep: Report, stem: str) -> list[Rendered]:
    """Page text as a crawler strips it: chrome runs into the title, one table cell per line."""
    pub = rep.published.isoformat()
    g = grids(rep)
    lines = [
        f"首页>信息公开>年度报告{rep.title}发布日期：{pub}来源：{rep.agency}浏览次数：{317 + rep.year % 97}"
        "【字体：大中小】【打印】【关闭】"
    ]
    for b in blocks(rep, signature=False):
        if b.kind == "title":
            continue
        if b.kind == "table":
            lines.append("")
            lines += [f"\t{t}" for t in flat_cells(g[b.text])]
            lines.append("")
        else:
            lines.append(f"\u3000\u3000{b.text}" if b.kind == "p" else b.text)
    lines.append("扫一扫在手机打开当前页【关闭窗口】主办单位：" + rep.agency + "网站标识码：3401110001")
    return [Rendered(f"{stem}.txt", "\n".join(lines).encode(), "text-chrome", all_keys(rep))]


# ---------------------------------------------------------------- Markdown from converters


def _pipe(rows: list[list[str]], header: list[str] | None = None) -> str:
    head = header if header is not None else rows[0]
    body = rows if header is not None else rows[1:]
    width = len(head)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join((r + [""] * width)[:width]) + " |" for r in body]
    return "\n".join(lines)


def _dense_text(grid: Grid) -> list[list[str]]:
    return [[cell.text for cell, _ in row] for row in expand(grid)]


def md_mineru(rep: Report) -> str:
    """MinerU: headings as '#', prose as paragraphs, tables as inline HTML with rowspan/colspan."""
    g = grids(rep)
    out = []
    for b in blocks(rep):
        if b.kind == "title" or b.kind == "h":
            out.append(f"# {b.text}")
        elif b.kind == "table":
            out.append(
                "<html><body>" + html_table(g[b.text], word=False).replace("\n", "") + "</body></html>"
            )
        else:
            out.append(b.text)
    return "\n\n".join(out) + "\n"


def md_docling(rep: Report) -> str:
    """docling: pipe tables, spanned cells repeated in every covered position, two-level headers
    flattened into one header row ('申请人情况.法人或其他组织.商业企业' style dot-joined)."""
    g = grids(rep)
    out = []
    for b in blocks(rep):
        if b.kind == "table":
            dense = _dense_text(g[b.text])
            n_head = {"t2": 0, "t3": 3, "t4": 3}[b.text]
            if n_head:
                header = [
                    ".".join(dict.fromkeys(dense[r][c] for r in range(n_head))) for c in range(len(dense[0]))
                ]
                out.append(_pipe(dense[n_head:], header))
            else:
                out.append(_pipe(dense))
        elif b.kind in ("title", "h"):
            out.append(f"## {b.text}")
        else:
            out.append(b.text)
    return "\n\n".join(out) + "\n"


def md_pieces(rep: Report) -> str:
    """A layout converter's worst case: one small pipe table per row group, placeholder headers
    数据1…数据N, empty fake header blocks, and page footers '- 3 -' between the pieces."""
    out = []
    page = 2
    for b in blocks(rep):
        if b.kind != "table":
            out.append(f"## {b.text}" if b.kind in ("title", "h") else b.text)
            continue
        if b.text == "t3":
            out += _t3_pieces(rep, page)
            page += 1
        elif b.text == "t4":
            dense = _dense_text(t4_grid(rep))
            out.append(_pipe([[""] * 15], [""] * 15))  # empty fake header block
            out.append(_pipe(dense[3:], [f"数据{i}" for i in range(1, 16)]))
        else:
            dense = _dense_text(t2_grid(rep))
            out.append(_pipe(dense, [f"数据{i}" for i in range(1, 5)]))
    return "\n\n".join(out) + "\n"


def _t3_pieces(rep: Report, page: int) -> list[str]:
    body = t3_body(rep)
    groups: list[list[list[Cell]]] = []
    for row in body:
        key = row[-1].key
        assert key
        start = key[1] in (
            "t3.r1",
            "t3.r3.1",
            "t3.r3.3.1",
            "t3.r3.4.1",
            "t3.r3.5.1",
            "t3.r3.6",
            "t3.r3.6.1",
            "t3.r3.7",
        )
        if start or not groups:
            groups.append([])
        groups[-1].append(row)
    out = [
        "申请人情况\n\n自然人 法人或其他组织 总计\n\n商业企业 科研机构 社会公益组织 法律服务机构 其他",
        _pipe([[""] * 8], [""] * 8),
    ]
    for i, group in enumerate(groups):
        rows = [[" ".join(c.text for c in r[:-7])] + [c.text for c in r[-7:]] for r in group]
        out.append(_pipe(rows, ["项目"] + [f"数据{j}" for j in range(1, 8)]))
        if i == len(groups) // 2:
            out.append(f"- {page} -")
    return out


def render_markdown(rep: Report, stem: str, style: str) -> list[Rendered]:
    text = {"mineru": md_mineru, "docling": md_docling, "pieces": md_pieces}[style](rep)
    return [Rendered(f"{stem}.md", text.encode(), f"md-{style}", all_keys(rep))]


# ---------------------------------------------------------------- Word / PDF

WIDTHS = {
    "t2": [4.0, 4.0, 4.0, 4.0],
    "t3": [1.1, 1.6, 3.6] + [1.3] * 6 + [1.5],
    "t4": [1.05] * 15,
}
NARROW_NP = {**WIDTHS, "t3": [1.1, 1.6, 3.6, 0.95] + [1.3] * 5 + [1.75]}


def render_docx(rep: Report, stem: str, fmt: Fmt = thousands) -> list[Rendered]:
    """A Word document as agencies attach it (real merged cells, thousands separators)."""
    g = grids(rep, fmt)
    data = docx_bytes(blocks(rep), g, WIDTHS)
    return [Rendered(f"{stem}.docx", data, "docx", all_keys(rep))]


def render_pdf_word(rep: Report, stem: str, borders: bool = True, fmt: Fmt = thousands) -> list[Rendered]:
    """Word-made PDF (DOCX → LibreOffice): Table 3 rows break naturally across pages."""
    g = grids(rep, fmt)
    data = soffice(docx_bytes(blocks(rep), g, WIDTHS, borders=borders), "docx", "pdf")
    fmt_name = "pdf-word" if borders else "pdf-unruled"
    return [Rendered(f"{stem}.pdf", data, fmt_name, all_keys(rep))]


def render_pdf_wrap(rep: Report, stem: str, target: Key) -> list[Rendered]:
    """Word-made PDF where the (large) `target` number wraps in its narrow cell and the row breaks
    across the page, so its digits are split between the bottom of page N and the top of page N+1."""
    g = grids(rep, thousands)
    bl = blocks(rep)
    probe = soffice(docx_bytes(bl, g, NARROW_NP, spacer_before={"t3": 1}), "docx", "pdf")
    shift = _shift_to_page_bottom(probe, target)
    data = soffice(docx_bytes(bl, g, NARROW_NP, spacer_before={"t3": max(shift, 1)}), "docx", "pdf")
    value = int(rep.cells[target])
    split = _split_fragments(data, value)
    must_not = sorted({float(x) for x in _fragments(value)})
    return [
        Rendered(
            f"{stem}.pdf",
            data,
            "pdf-word-wrap",
            all_keys(rep),
            must_not={target: must_not},
            notes={"wrapped_cell": "|".join(target), "page_fragments": split},
        )
    ]


def _fragments(value: int) -> list[int]:
    s = str(value)
    return [int(s[:i]) for i in range(1, len(s))] + [int(s[i:]) for i in range(1, len(s))]


def _label_top(pdf: bytes, word: str) -> tuple[int, float, float]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for i, page in enumerate(doc.pages):
            text_words = page.extract_words()
            for w in text_words:
                if word in w["text"]:
                    return i, float(w["top"]), float(page.height)
    raise LookupError(word)


def _shift_to_page_bottom(pdf: bytes, target: Key) -> float:
    """Points to push Table 3 down so the target row's first text line is the page's last line."""
    from .layout import T3_LABELS

    label = T3_LABELS[target[1]][2:8]
    _page, top, height = _label_top(pdf, label)
    bottom = height - 72.0  # 2.54 cm margin
    line = 9 * 1.17
    return bottom - top - 1.5 * line


def _split_fragments(pdf: bytes, value: int) -> list[str]:
    """Which pieces of the number's digits show on which page (for the truth notes)."""
    import pdfplumber

    digits = str(value)
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for i, page in enumerate(doc.pages):
            for w in page.extract_words():
                t = w["text"].replace(",", "")
                if t and t.isdigit() and t != digits and (digits.startswith(t) or digits.endswith(t)):
                    found.append(f"p{i + 1}:{w['text']}@{round(float(w['top']))}")
    return found


# ---------------------------------------------------------------- spreadsheets


def render_xlsx(rep: Report, stem: str, one_sheet: bool, xls: bool = False) -> list[Rendered]:
    """统计表 workbook: only the three tables, no title row (as agencies attach them)."""
    g = grids(rep)
    data = xlsx_bytes({t: g[t] for t in ALL_TABLES}, one_sheet)
    fmt = "xlsx-one-sheet" if one_sheet else "xlsx-sheets"
    if xls:
        data, fmt = soffice(data, "xlsx", "xls"), "xls"
    return [Rendered(f"{stem}.{'xls' if xls else 'xlsx'}", data, fmt, all_keys(rep), meta=False)]


# ---------------------------------------------------------------- photos / scans


def photo_pages(pdf: bytes, rng: random.Random, dpi: int = 115) -> list[bytes]:
    """Phone photos of each page: low dpi, perspective warp, 1–4° rotation, shadow, JPEG q 30–50."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    out = []
    for i in range(len(doc)):
        img = doc[i].render(scale=dpi / 72).to_pil().convert("RGB")
        out.append(_photo(img, rng))
    doc.close()
    return out


def _photo(img: object, rng: random.Random) -> bytes:
    from PIL import Image, ImageDraw

    assert isinstance(img, Image.Image)
    w, h = img.size
    d = [rng.uniform(0.01, 0.04) * w for _ in range(8)]
    quad = (d[0], d[1], d[2], h - d[3], w - d[4], h - d[5], w - d[6], d[7])
    warped = img.transform(
        (w, h), Image.Transform.QUAD, quad, Image.Resampling.BILINEAR, fillcolor=(96, 92, 88)
    )
    angle = rng.choice((-1, 1)) * rng.uniform(1.0, 4.0)
    rotated = warped.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=(96, 92, 88))
    shadow = Image.new("L", rotated.size, 0)
    draw = ImageDraw.Draw(shadow)
    for x in range(rotated.size[0]):
        draw.line([(x, 0), (x, rotated.size[1])], fill=int(90 * x / rotated.size[0]))
    dark = Image.new("RGB", rotated.size, (0, 0, 0))
    shaded = Image.composite(dark, rotated, shadow)
    buf = io.BytesIO()
    shaded.save(buf, "JPEG", quality=rng.randint(30, 50))
    return buf.getvalue()


def render_photo_pdf(rep: Report, stem: str, rng: random.Random) -> list[Rendered]:
    """An image-only PDF of phone photos of every page (what a scanned upload looks like)."""
    from PIL import Image

    pdf = soffice(docx_bytes(blocks(rep), grids(rep, plain), WIDTHS), "docx", "pdf")
    photos = [Image.open(io.BytesIO(p)) for p in photo_pages(pdf, rng)]
    buf = io.BytesIO()
    photos[0].save(buf, "PDF", save_all=True, append_images=photos[1:], resolution=115)
    return [Rendered(f"{stem}.pdf", buf.getvalue(), "pdf-photo", all_keys(rep))]


def render_photo_jpeg(rep: Report, stem: str, rng: random.Random) -> list[Rendered]:
    """A single phone photo (JPEG) of a page holding Table 3 and 4 only (attachment photo)."""
    g = grids(rep, plain)
    bl = [
        Block("h", TABLE_TITLES["t3"]),
        Block("table", "t3"),
        Block("h", TABLE_TITLES["t4"]),
        Block("table", "t4"),
    ]
    pdf = soffice(docx_bytes(bl, {"t3": g["t3"], "t4": g["t4"]}, WIDTHS), "docx", "pdf")
    first = photo_pages(pdf, rng)[0]
    keys = [k for k in all_keys(rep, ("t3", "t4")) if k[0] == "t3"]  # Table 4 may spill to page 2
    return [
        Rendered(
            f"{stem}.jpg",
            first,
            "jpeg-photo",
            keys,
            meta=False,
            notes={"page": 1, "holds": "Table 3 (page 1 of the table print)"},
        )
    ]


# ---------------------------------------------------------------- negatives


def render_manual(stem: str, pages: int = 6) -> list[Rendered]:
    """An English software manual PDF: must be classified as not a report, quickly."""
    rng = random.Random(99)
    words = (
        "configure",
        "server",
        "install",
        "package",
        "option",
        "network",
        "user",
        "file",
        "backup",
        "restore",
        "service",
        "log",
        "module",
        "default",
        "parameter",
        "system",
    )
    bl = [Block("title", "Acme Backup Server 4.2 Administrator Manual")]
    for chapter in range(1, pages + 1):
        bl.append(Block("h", f"Chapter {chapter}. {rng.choice(words).title()} {rng.choice(words)}"))
        for _ in range(9):
            sentence = " ".join(rng.choice(words) for _ in range(60))
            bl.append(Block("p", sentence.capitalize() + "."))
    data = soffice(docx_bytes(bl, {}, {}), "docx", "pdf")
    return [
        Rendered(
            f"{stem}.pdf",
            data,
            "pdf-english-manual",
            [],
            meta=False,
            notes={"negative": True, "pages": _pdf_pages(data)},
        )
    ]


def _pdf_pages(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    n = len(doc)
    doc.close()
    return n


__all__ = ["Rendered", "t3_grid"]
