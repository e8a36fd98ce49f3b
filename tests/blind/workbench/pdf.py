"""The text PDF (reportlab, STSong-Light CID font), with each value's box as pdfplumber reports its word.

pdfminer gives a glyph the box from baseline + descent to baseline + descent + size (the font's
descriptor descent), and the advance widths the PDF declares: the truth box is computed the same way,
so a reader that reports words reports exactly this box.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .document import compose
from .layout import Box, Flow, Page, Style
from .model import Report

FONT = "STSong-Light"


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a value was printed: page (1-based), the box of its digits, the ruled cell around it."""

    cell: str
    page: int
    bbox: Box
    rect: Box


def _font() -> float:
    """Registers the CID font once; returns its descent as a fraction of the size (negative)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return float(pdfmetrics.getFont(FONT).face.descent) / 1000.0


def measure(text: str, size: float) -> float:
    _font()
    return float(pdfmetrics.stringWidth(text, FONT, size))


def layout(report: Report) -> list[Page]:
    flow = Flow(Style(), measure)
    compose(flow, report)
    return flow.pages


def render_pdf(report: Report, path: Path) -> list[Placed]:
    """Write the PDF; the truth of every value's position."""
    descent = _font()
    style = Style()
    pages = layout(report)
    c = canvas.Canvas(str(path), pagesize=(style.width, style.height), invariant=1)
    c.setTitle(report.title)
    c.setAuthor(report.agency)
    truth = []
    for n, page in enumerate(pages, start=1):
        c.setLineWidth(0.6)
        for x0, top, x1, bottom in page.rules:
            c.rect(x0, style.height - bottom, x1 - x0, bottom - top, stroke=1, fill=0)
        for t in page.texts:
            c.setFont(FONT, t.size)
            c.drawString(t.x, style.height - t.baseline, t.text)
            if t.cell and t.rect:
                w = measure(t.text, t.size)
                bottom = t.baseline - descent * t.size
                truth.append(Placed(t.cell, n, (t.x, bottom - t.size, t.x + w, bottom), t.rect))
        c.showPage()
    c.save()
    return truth
