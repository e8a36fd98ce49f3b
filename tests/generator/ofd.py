"""An OFD writer for tests: a PDF's printed marks re-issued as a GB/T 33190 package.

Converters used by portals (数科, 福昕) turn a Word/PDF original into OFD the same way: every run of
characters on one baseline becomes a ``TextObject`` with ``TextCode`` X/Y and ``DeltaX`` advances
(repeats written with the ``g`` shorthand), every ruling line a stroked ``PathObject``; units are
millimetres. Text comes from pdfplumber's characters and lines of the PDF, so the OFD prints the
same report as the PDF it came from.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from xml.sax.saxutils import escape

import pdfplumber

MM = 25.4 / 72
NS = "http://www.ofdspec.org/2016"


def _n(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".")


def _deltas(values: list[float]) -> str:
    out: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and abs(values[j] - values[i]) < 1e-3:
            j += 1
        if j - i >= 3:
            out.append(f"g {j - i} {_n(values[i])}")
        else:
            out += [_n(v) for v in values[i:j]]
        i = j
    return " ".join(out)


def _page_xml(page: pdfplumber.page.Page, next_id: list[int]) -> str:
    objects: list[str] = []
    runs: list[list[dict[str, object]]] = []
    for ch in sorted(page.chars, key=lambda c: (round(float(c["bottom"]), 1), float(c["x0"]))):
        last = runs[-1][-1] if runs else None
        if (last is not None and abs(float(last["bottom"]) - float(ch["bottom"])) < 0.5
                and abs(float(last["size"]) - float(ch["size"])) < 0.1 and 0 <= float(ch["x0"]) - float(last["x1"]) < 6):
            runs[-1].append(ch)
        else:
            runs.append([ch])
    for run in runs:
        x0 = float(run[0]["x0"]) * MM
        size = float(run[0]["size"]) * MM
        base = float(run[0]["bottom"]) * MM - 0.12 * size
        x1 = float(run[-1]["x1"]) * MM
        top = base - size
        adv = [(float(b["x0"]) - float(a["x0"])) * MM for a, b in itertools.pairwise(run)]
        text = "".join(str(c["text"]) for c in run)
        next_id[0] += 1
        objects.append(
            f'<ofd:TextObject ID="{next_id[0]}" Boundary="{_n(x0)} {_n(top)} {_n(x1 - x0 + size)} {_n(size * 1.2)}" '
            f'Font="1" Size="{_n(size)}"><ofd:TextCode X="0" Y="{_n(base - top)}"'
            + (f' DeltaX="{_deltas(adv)}"' if adv else "") + f">{escape(text)}</ofd:TextCode></ofd:TextObject>")
    segments = [(ln["x0"], ln["top"], ln["x1"], ln["bottom"]) for ln in page.lines]
    for rc in page.rects:
        x0, t, x1, b = rc["x0"], rc["top"], rc["x1"], rc["bottom"]
        if rc.get("stroke") or (rc.get("fill") and rc.get("non_stroking_color") not in ((1,), (1, 1, 1), [1, 1, 1])):
            segments += [(x0, t, x1, t), (x0, b, x1, b), (x0, t, x0, b), (x1, t, x1, b)]
    for x0, t, x1, b in segments:
        fx0, ft, fx1, fb = (float(v) * MM for v in (x0, t, x1, b))
        next_id[0] += 1
        objects.append(
            f'<ofd:PathObject ID="{next_id[0]}" Boundary="{_n(min(fx0, fx1))} {_n(min(ft, fb))} '
            f'{_n(abs(fx1 - fx0) + 0.2)} {_n(abs(fb - ft) + 0.2)}" LineWidth="0.2">'
            f"<ofd:AbbreviatedData>M 0 0 L {_n(abs(fx1 - fx0))} {_n(abs(fb - ft))}</ofd:AbbreviatedData>"
            "</ofd:PathObject>")
    w, h = float(page.width) * MM, float(page.height) * MM
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{NS}"><ofd:Area>'
            f"<ofd:PhysicalBox>0 0 {_n(w)} {_n(h)}</ofd:PhysicalBox></ofd:Area><ofd:Content>"
            f'<ofd:Layer ID="{next_id[0] + 1}">' + "".join(objects) + "</ofd:Layer></ofd:Content></ofd:Page>")


def pdf_to_ofd(pdf: bytes, *, title: str = "") -> bytes:
    """The PDF's pages as an OFD package (one Document, one font, one layer per page)."""
    out = io.BytesIO()
    next_id = [10]
    with pdfplumber.open(io.BytesIO(pdf)) as doc, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{NS}" Version="1.0" '
                    f'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID><ofd:Title>{escape(title)}'
                    "</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        pages = []
        for i, page in enumerate(doc.pages):
            zf.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", _page_xml(page, next_id))
            pages.append(f'<ofd:Page ID="{next_id[0] + 2}" BaseLoc="Pages/Page_{i}/Content.xml"/>')
            next_id[0] += 3
            page.close()
        zf.writestr("Doc_0/PublicRes.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{NS}" '
                    'BaseLoc="Res"><ofd:Fonts><ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
        zf.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{NS}">'
                    "<ofd:CommonData><ofd:MaxUnitID>{}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
                    "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
                    "<ofd:Pages>{}</ofd:Pages></ofd:Document>".format(next_id[0], "".join(pages)))
    return out.getvalue()
