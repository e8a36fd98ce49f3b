"""The scan: the report's tables drawn as a page image (Pillow, Noto Sans CJK), and that image as a PDF.

Truth is the ink box of each value's digits in image pixels (what an OCR engine boxes), and the same
box in points for the one-page PDF that wraps the image (the page is the image at `DPI`).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .document import compose
from .layout import Box, Flow, Page, Style
from .model import Report

DPI = 200
SCALE = DPI / 72.0
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SC = 2  # the Simplified Chinese face in the collection
STYLE = Style(margin=30.0, body=9.0, title=12.0, cell=7.2, pad=2.0)


@dataclass(frozen=True, slots=True)
class Inked:
    """A value in the scan: its digits' ink box ([x0, top, x1, bottom), pixel edges) and its ruled cell."""

    cell: str
    bbox: Box
    rect: Box

    def in_points(self) -> tuple[Box, Box]:
        return _scaled(self.bbox, 1 / SCALE), _scaled(self.rect, 1 / SCALE)


def _scaled(b: Box, k: float) -> Box:
    return (b[0] * k, b[1] * k, b[2] * k, b[3] * k)


@functools.cache
def font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, px, index=SC)


def _px(size: float) -> int:
    return round(size * SCALE)


def measure(text: str, size: float) -> float:
    return float(font(_px(size)).getlength(text)) / SCALE


def layout(report: Report) -> Page:
    flow = Flow(STYLE, measure)
    compose(flow, report, narrative=False)
    if len(flow.pages) != 1:
        raise ValueError(f"the scan of {report.name} needs {len(flow.pages)} pages, not one")
    return flow.pages[0]


def draw(report: Report) -> tuple[Image.Image, list[Inked]]:
    """The page image (greyscale, slightly off-white as scanners give) and the truth."""
    page = layout(report)
    size = (round(STYLE.width * SCALE), round(STYLE.height * SCALE))
    img = Image.new("L", size, 246)
    pen = ImageDraw.Draw(img)
    for rect in page.rules:
        pen.rectangle(_scaled(rect, SCALE), outline=30, width=2)
    truth = []
    for t in page.texts:
        f = font(_px(t.size))
        xy = (t.x * SCALE, t.baseline * SCALE)
        pen.text(xy, t.text, fill=20, font=f, anchor="ls")
        if t.cell and t.rect:
            truth.append(Inked(t.cell, _ink(t.text, f, xy, _scaled(t.rect, SCALE)), _scaled(t.rect, SCALE)))
    return img, truth


def _ink(text: str, f: ImageFont.FreeTypeFont, xy: tuple[float, float], rect: Box) -> Box:
    """The ink box of `text` drawn alone at `xy` (same sub-pixel offset), in page pixels."""
    ox, oy = int(rect[0]), int(rect[1])
    scratch = Image.new("L", (int(rect[2]) - ox + 2, int(rect[3]) - oy + 2), 0)
    ImageDraw.Draw(scratch).text((xy[0] - ox, xy[1] - oy), text, fill=255, font=f, anchor="ls")
    box = scratch.getbbox()
    if box is None:
        raise ValueError(f"{text!r} left no ink")
    return (float(box[0] + ox), float(box[1] + oy), float(box[2] + ox), float(box[3] + oy))


def render_scan(report: Report, png: Path, pdf: Path) -> list[Inked]:
    """Write the PNG and the one-page PDF of the same image; the truth in pixels."""
    img, truth = draw(report)
    img.save(png, "PNG", dpi=(DPI, DPI))
    fixed = time.strptime("2023-01-20", "%Y-%m-%d")  # byte-identical reruns
    img.convert("RGB").save(pdf, "PDF", resolution=float(DPI), quality=92, creationDate=fixed, modDate=fixed)
    return truth
