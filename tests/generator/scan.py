"""Image-only "scans" of generated PDFs: rendered at 150–200 dpi, skewed, noisy, packed back as a PDF.

The way a 图片版 report is made: print, scan (a slight rotation, speckle, a little blur, JPEG),
and save the page images as a PDF without a text layer. Every choice comes from the report's
``layout_seed``, so a scan is a pure function of (report, PDF bytes).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import numpy as np
import pypdfium2
from PIL import Image, ImageFilter

from .truth import GeneratedReport


@dataclass(frozen=True, slots=True)
class ScanStyle:
    dpi: int
    skew: float
    """Degrees, counter-clockwise."""
    speckle: float
    """Share of pixels flipped to black or white."""
    blur: float
    jpeg: int


def scan_style(g: GeneratedReport) -> ScanStyle:
    rng = random.Random(g.layout_seed * 13 + 3)
    return ScanStyle(dpi=rng.choice([150, 180, 200]), skew=round(rng.uniform(-1.2, 1.2), 2),
                     speckle=rng.choice([0.001, 0.002, 0.004]), blur=rng.choice([0.0, 0.4, 0.6]),
                     jpeg=rng.choice([75, 85, 92]))


def scan_images(pdf: bytes, style: ScanStyle, seed: int) -> list[Image.Image]:
    """The pages as greyscale scanner images."""
    rng = np.random.default_rng(seed)
    doc = pypdfium2.PdfDocument(pdf)
    out = []
    try:
        for page in doc:
            image = page.render(scale=style.dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            image = image.rotate(style.skew, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
            if style.blur:
                image = image.filter(ImageFilter.GaussianBlur(style.blur))
            arr = np.array(image, dtype=np.uint8)
            flips = rng.random(arr.shape)
            arr[flips < style.speckle / 2] = 0
            arr[flips > 1 - style.speckle / 2] = 255
            arr = np.clip(arr.astype(np.int16) + rng.normal(0, 6, arr.shape).astype(np.int16), 0, 255).astype(np.uint8)
            buf = io.BytesIO()
            Image.fromarray(arr).save(buf, format="JPEG", quality=style.jpeg)
            out.append(Image.open(io.BytesIO(buf.getvalue())).convert("L"))
    finally:
        doc.close()
    return out


def scan_pdf(g: GeneratedReport, pdf: bytes) -> bytes:
    """An image-only PDF of the report's pages (no text layer)."""
    style = scan_style(g)
    images = scan_images(pdf, style, g.layout_seed)
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=float(style.dpi))
    return buf.getvalue()


def scan_png(g: GeneratedReport, pdf: bytes, page: int) -> bytes:
    """One page of the scan as a PNG attachment."""
    images = scan_images(pdf, scan_style(g), g.layout_seed)
    buf = io.BytesIO()
    images[page - 1].save(buf, format="PNG")
    return buf.getvalue()
