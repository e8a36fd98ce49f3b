"""PDF → `Document` through the page model: pdfplumber's characters and ruling graphics per page.

Pages are read one at a time and released (pdfplumber caches every object of a page otherwise),
so memory stays flat over long reports. A page without a usable text layer (a scan, or text whose
font has no Unicode map) is rendered and read by OCR instead. Hostile files end as clear errors:
encrypted, truncated or looping cross-reference tables, too many pages, pages with absurd numbers
of glyphs or images too large to decode.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from .errors import DocumentTooLarge, ExtractionError, MalformedDocument, NoContent
from .model import Document, SourceRef
from .pages import Glyph, Page, Rule, rect_to_rules, segment_to_rule, text_quality
from .reading import PageLayout, layouts_to_blocks, page_layout

NAME = "pdf"
VERSION = "1.0.0"

_BOLD = re.compile(r"bold|black|heavy|hei|黑", re.I)


@dataclass(frozen=True, slots=True)
class PdfLimits:
    """What a sane annual report stays far below; over it the file is refused, not parsed."""

    max_pages: int = 2000
    max_glyphs_per_page: int = 60_000
    max_content_bytes: int = 512_000
    """Decoded content-stream bytes of one page over which its glyphs are counted before parsing."""
    max_image_pixels: int = 60_000_000
    ocr_dpi: int = 200

    def __post_init__(self) -> None:
        for name in ("max_pages", "max_glyphs_per_page", "max_content_bytes", "max_image_pixels", "ocr_dpi"):
            if getattr(self, name) <= 0:
                raise ValueError(f"PDF limit {name!r} must be positive")


def _glyph(ch: Mapping[str, Any]) -> Glyph:
    return Glyph(text=str(ch["text"]), x0=float(ch["x0"]), top=float(ch["top"]), x1=float(ch["x1"]),
                 bottom=float(ch["bottom"]), size=float(ch.get("size") or (ch["bottom"] - ch["top"])),
                 bold=bool(_BOLD.search(str(ch.get("fontname", "")))))


def _is_white(color: Any) -> bool:
    """White paint: WPS lays body text out in white, borderless boxes that are no table rules."""
    if not isinstance(color, (tuple, list)) or not color:
        return False
    try:
        values = [float(v) for v in color]
    except (TypeError, ValueError):
        return False
    if len(values) == 4:  # CMYK
        return all(v <= 0.01 for v in values)
    return all(v >= 0.99 for v in values)


def _rules(page: Any) -> list[Rule]:
    out: list[Rule] = []
    for ln in page.lines:
        pts = ln.get("pts") or [(ln["x0"], ln["top"]), (ln["x1"], ln["bottom"])]
        out += [r for a, b in itertools.pairwise(pts) if (r := segment_to_rule(a[0], a[1], b[0], b[1]))]
    for rc in page.rects:
        if rc.get("stroke") or (rc.get("fill") and not _is_white(rc.get("non_stroking_color"))):
            out += rect_to_rules(float(rc["x0"]), float(rc["top"]), float(rc["x1"]), float(rc["bottom"]))
    for cv in page.curves:
        pts = cv.get("pts") or []
        out += [r for a, b in itertools.pairwise(pts) if (r := segment_to_rule(a[0], a[1], b[0], b[1]))]
    return out


def _content(page: Any) -> bytes:
    """The page's decoded content streams, read before pdfminer interprets them."""
    from pdfminer.pdftypes import resolve1

    contents = resolve1(page.page_obj.attrs.get("Contents"))
    streams = contents if isinstance(contents, list) else [contents]
    out = bytearray()
    for s in streams:
        s = resolve1(s)
        if s is not None and hasattr(s, "get_data"):
            out += s.get_data()
    return bytes(out)


_INLINE_IMAGE = re.compile(rb"\bBI\b.*?\bID\b.*?\bEI\b", re.S)
_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>")


def glyph_estimate(content: bytes) -> int:
    """An upper bound on the glyphs a content stream shows: the bytes of its string operands."""
    text = _INLINE_IMAGE.sub(b"", content)
    return sum(len(m) - 2 if m[:1] == b"(" else (len(m) - 2) // 2 for m in _STRING.findall(text))


def _image_too_large(page: Any, limits: PdfLimits) -> str | None:
    for im in page.images:
        w, h = (im.get("srcsize") or (0, 0))[:2]
        if w and h and w * h > limits.max_image_pixels:
            return f"page {page.page_number} holds a {w}×{h} image (over {limits.max_image_pixels:,} pixels)"
    return None


def _page_model(page: Any, number: int, uri: str, limits: PdfLimits) -> Page:
    content = _content(page)
    if len(content) > limits.max_content_bytes:
        # Bound the glyphs before pdfminer builds a dict for every one of them.
        n = glyph_estimate(content)
        if n > limits.max_glyphs_per_page:
            raise DocumentTooLarge(uri, f"page {number} shows about {n:,} glyphs (limit {limits.max_glyphs_per_page:,})")
    del content
    chars = page.chars
    if len(chars) > limits.max_glyphs_per_page:
        raise DocumentTooLarge(uri, f"page {number} has {len(chars):,} glyphs (limit {limits.max_glyphs_per_page:,})")
    glyphs = tuple(_glyph(c) for c in chars)
    return Page(number=number, width=float(page.width), height=float(page.height), glyphs=glyphs,
                rules=tuple(_rules(page)))


def _needs_ocr(model: Page, page: Any) -> str | None:
    """Why the page's text layer cannot be trusted (then it is read by OCR), or None."""
    text = "".join(g.text for g in model.glyphs)
    if len(text.strip()) < 5:
        if page.images:
            return "image-only page"
        return None
    quality = text_quality(text)
    return quality.reason if quality.garbled else None


def _ocr_page(data_pdf: Any, number: int, page: Any, uri: str, limits: PdfLimits) -> Page:
    from .ocr import ocr_pdf_page

    too_large = _image_too_large(page, limits)
    if too_large:
        raise DocumentTooLarge(uri, too_large)
    return ocr_pdf_page(data_pdf, number, width=float(page.width), height=float(page.height), dpi=limits.ocr_dpi,
                        uri=uri)


def _flush(pdf: Any, max_fonts: int = 24) -> None:
    """Bound pdfminer's caches: parsed objects always, fonts once there are many of them."""
    for owner, name, keep in ((pdf.doc, "_cached_objs", 0), (pdf.doc, "_parsed_objs", 0),
                              (pdf.rsrcmgr, "_cached_fonts", max_fonts)):
        cache = getattr(owner, name, None)
        if isinstance(cache, dict) and len(cache) > keep:
            cache.clear()


def _open_error(uri: str, exc: BaseException) -> ExtractionError:
    # pdfplumber wraps pdfminer's exception as the first argument of PdfminerException.
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__context__
    if isinstance(inner, BaseException):
        exc = inner
    name = type(exc).__name__
    text = f"{name}: {exc}".strip()
    low = text.lower()
    if "password" in low or "encrypt" in low or "security" in low:
        return MalformedDocument(uri, "the PDF is encrypted and needs a password")
    if isinstance(exc, RecursionError) or "loop" in low or "circular" in low:
        return MalformedDocument(uri, f"the PDF's cross-reference structure loops ({name})")
    return MalformedDocument(uri, f"not a readable PDF (truncated or damaged): {text[:200]}")


def pdf_to_pages(data: bytes, *, uri: str, limits: PdfLimits | None = None) -> Iterator[tuple[Page, str]]:
    """The page models of a PDF, one at a time, each with how it was read ("text" or "ocr")."""
    import pdfplumber
    from pdfminer.pdftypes import resolve1

    lim = limits or PdfLimits()
    if b"%%EOF" not in data[-4096:]:
        raise MalformedDocument(uri, f"truncated PDF: no %%EOF marker at the end of its {len(data):,} bytes")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        raise _open_error(uri, exc) from exc
    rasters: list[Any] = []

    def raster() -> Any:
        if not rasters:
            import pypdfium2  # type: ignore[import-untyped]

            rasters.append(pypdfium2.PdfDocument(data))
        return rasters[0]

    try:
        try:
            count = int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
        except Exception as exc:
            raise _open_error(uri, exc) from exc
        if count > lim.max_pages:
            raise DocumentTooLarge(uri, f"{count:,} pages (limit {lim.max_pages:,})")
        try:
            pages = pdf.pages
        except Exception as exc:
            raise _open_error(uri, exc) from exc
        if not pages:
            raise NoContent(uri, "the PDF has no pages")
        if len(pages) > lim.max_pages:
            raise DocumentTooLarge(uri, f"{len(pages):,} pages (limit {lim.max_pages:,})")
        for number, page in enumerate(pages, start=1):
            try:
                model = _page_model(page, number, uri, lim)
                why = _needs_ocr(model, page)
                if why:
                    logging.getLogger(__name__).info("%s: page %d read by OCR (%s)", uri, number, why)
                    model = _ocr_page(raster(), number, page, uri, lim)
            except ExtractionError:
                raise
            except Exception as exc:
                raise MalformedDocument(uri, f"page {number} cannot be read: {type(exc).__name__}: {exc}"[:300]) from exc
            finally:
                page.close()
            yield model, model.method
            # Drop pdfplumber's page, and every few pages pdfminer's caches of parsed objects and
            # fonts: they grow with every page otherwise (300 pages of a converted report: ~900 MB);
            # between flushes, pages sharing fonts do not parse them again.
            cast("list[Any]", pages)[number - 1] = None
            _flush(pdf)
    finally:
        for r in rasters:
            r.close()
        pdf.close()


def pdf_to_document(data: bytes, *, source: SourceRef, limits: PdfLimits | None = None) -> Document:
    layouts: list[PageLayout] = []
    methods: dict[int, str] = {}
    for model, how in pdf_to_pages(data, uri=source.uri, limits=limits):
        layouts.append(page_layout(model))
        if how == "ocr":
            methods[model.number] = "ocr"
    blocks = layouts_to_blocks(layouts, methods=methods)
    if not blocks:
        raise NoContent(source.uri, "no text on any page (blank pages, or images OCR found no text in)")
    return Document(source=source, blocks=tuple(blocks), extractor=NAME,
                    extractor_version=VERSION + ("+ocr" if methods else ""))


class PdfExtractor:
    name = NAME
    version = VERSION

    def __init__(self, limits: PdfLimits | None = None) -> None:
        self.limits = limits or PdfLimits()

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        return pdf_to_document(data, source=source, limits=self.limits)
