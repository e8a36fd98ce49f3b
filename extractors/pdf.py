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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from .errors import DocumentTooLarge, ExtractionError, MalformedDocument, NoContent
from .model import Document, SourceRef
from .ocr_warp import Unwarp, blocks_to_source
from .pages import Glyph, Page, Rule, rect_to_rules, segment_to_rule, text_quality
from .reading import PageLayout, layouts_to_blocks, page_layout

NAME = "pdf"
VERSION = "1.1.0"

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


@dataclass(frozen=True, slots=True)
class _Drawn:
    """What pdfminer laid out on one page: glyphs, ruling segments and the source sizes of images."""

    glyphs: tuple[Glyph, ...]
    rules: tuple[Rule, ...]
    images: tuple[tuple[Any, Any], ...]


def _leaves(objs: Iterable[Any]) -> Iterator[Any]:
    """Layout objects in pdfplumber's order: depth first through figures (Form XObjects)."""
    from pdfminer.layout import LTContainer

    for obj in objs:
        if isinstance(obj, LTContainer):
            yield from _leaves(obj._objs)
        else:
            yield obj


def _drawn(page: Any, uri: str, number: int, limits: PdfLimits) -> _Drawn:
    """Glyphs, rules and images straight from pdfminer's layout of the page.

    pdfplumber's ``page.chars``/``page.rects`` would first turn every layout object into a dict of
    all its resolved attributes (a fifth of the page's cost); the few attributes the page model
    needs are read here instead, converted to top-left coordinates exactly as pdfplumber does
    (tests/extractors/test_pdf.py holds the two readings equal).
    """
    from pdfminer.layout import LTChar, LTCurve, LTImage, LTLine, LTRect
    from pdfplumber.page import fix_fontname_bytes
    from pdfplumber.utils.pdfinternals import resolve_all

    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    mb_y = page.mediabox[1] + height

    def box(obj: Any) -> tuple[float, float, float, float]:
        x0, x1 = (obj.x0 + mb_x0, obj.x1 + mb_x0) if mb_x0 != 0 else (obj.x0, obj.x1)
        return float(x0), float((height - obj.y1) + mb_top), float(x1), float((height - obj.y0) + mb_top)

    def path_rules(pts: Any) -> list[Rule]:
        xy = [(mb_x0 + x, mb_y - y) for x, y in pts]
        return [r for a, b in itertools.pairwise(xy) if (r := segment_to_rule(a[0], a[1], b[0], b[1]))]

    chars: list[Any] = []
    lines: list[Rule] = []
    rects: list[Rule] = []
    curves: list[Rule] = []
    images: list[tuple[Any, Any]] = []
    for obj in _leaves(page.layout._objs):
        kind = type(obj)  # exact classes: pdfplumber files objects by class name
        if kind is LTChar:
            chars.append(obj)
        elif kind is LTRect:
            if obj.stroke or (obj.fill and not _is_white(resolve_all(obj.non_stroking_color))):
                rects += rect_to_rules(*box(obj))
        elif kind is LTLine:
            lines += path_rules(obj.pts)
        elif kind is LTCurve:
            curves += path_rules(obj.pts)
        elif kind is LTImage:
            images.append(resolve_all(obj.srcsize))
    if len(chars) > limits.max_glyphs_per_page:
        raise DocumentTooLarge(uri, f"page {number} has {len(chars):,} glyphs (limit {limits.max_glyphs_per_page:,})")
    bold: dict[Any, bool] = {}
    glyphs = []
    for ch in chars:
        font = ch.fontname
        if font not in bold:
            bold[font] = bool(_BOLD.search(fix_fontname_bytes(font) if isinstance(font, bytes) else str(font)))
        x0, top, x1, bottom = box(ch)
        glyphs.append(Glyph(text=str(ch.get_text()), x0=x0, top=top, x1=x1, bottom=bottom,
                            size=float(ch.size or (bottom - top)), bold=bold[font]))
    return _Drawn(tuple(glyphs), (*lines, *rects, *curves), tuple(images))


def _content(page: Any) -> bytes:
    """The page's decoded content streams, read before pdfminer interprets them.

    The streams are pdfminer's own objects for the page, so their decoded data is cached where the
    interpreter will look for it (each is inflated once).
    """
    from pdfminer.pdftypes import resolve1

    out = bytearray()
    for s in page.page_obj.contents:
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


def _image_too_large(number: int, drawn: _Drawn, limits: PdfLimits) -> str | None:
    for size in drawn.images:
        w, h = (size or (0, 0))[:2]
        if w and h and w * h > limits.max_image_pixels:
            return f"page {number} holds a {w}×{h} image (over {limits.max_image_pixels:,} pixels)"
    return None


def _noop(*args: object, **kwargs: object) -> None:
    return None


@contextmanager
def _debug_calls_skipped() -> Iterator[None]:
    """pdfminer's loggers skip their DEBUG calls while a page is read, unless DEBUG is on for them.

    pdfminer logs every token of a content stream at DEBUG (about 14,000 calls a page, 5-7% of the
    page's time, each only to find the level off). A logger with DEBUG off gets a no-op ``debug``
    for the duration; the class's own method is back afterwards (and if another thread got there
    first, it just runs the ordinary, slower way). Nothing is logged differently.
    """
    quiet = [lg for name, lg in list(logging.root.manager.loggerDict.items())
             if name.startswith("pdfminer") and isinstance(lg, logging.Logger) and not lg.isEnabledFor(logging.DEBUG)]
    for lg in quiet:
        lg.debug = _noop  # type: ignore[method-assign]
    try:
        yield
    finally:
        for lg in quiet:
            lg.__dict__.pop("debug", None)


def _page_model(page: Any, number: int, uri: str, limits: PdfLimits) -> tuple[Page, _Drawn]:
    content = _content(page)
    if len(content) > limits.max_content_bytes:
        # Bound the glyphs before pdfminer builds an object for every one of them.
        n = glyph_estimate(content)
        if n > limits.max_glyphs_per_page:
            raise DocumentTooLarge(uri, f"page {number} shows about {n:,} glyphs (limit {limits.max_glyphs_per_page:,})")
    del content
    from .pdf_content import fast_content_parser

    with _debug_calls_skipped(), fast_content_parser():
        drawn = _drawn(page, uri, number, limits)
    return Page(number=number, width=float(page.width), height=float(page.height), glyphs=drawn.glyphs,
                rules=drawn.rules), drawn


def _needs_ocr(model: Page, drawn: _Drawn) -> str | None:
    """Why the page's text layer cannot be trusted (then it is read by OCR), or None."""
    text = "".join(g.text for g in model.glyphs)
    if len(text.strip()) < 5:
        if drawn.images:
            return "image-only page"
        return None
    quality = text_quality(text)
    return quality.reason if quality.garbled else None


def _ocr_page(data_pdf: Any, model: Page, drawn: _Drawn, uri: str, limits: PdfLimits) -> Page:
    from .ocr import ocr_pdf_page

    too_large = _image_too_large(model.number, drawn, limits)
    if too_large:
        raise DocumentTooLarge(uri, too_large)
    return ocr_pdf_page(data_pdf, model.number, width=model.width, height=model.height, dpi=limits.ocr_dpi, uri=uri)


def _flush(pdf: Any, *, max_objs: int = 2000, max_fonts: int = 24) -> None:
    """Bound pdfminer's caches after a page; they grow with every page otherwise.

    Streams (page contents with their inflated data, images) hold the bulk of the bytes and are
    dropped after every page. The small objects (font dictionaries with their glyph widths,
    resources), which every later page would otherwise parse from the file again, are kept until
    there are many of them; fonts likewise.
    """
    from pdfminer.pdftypes import PDFStream

    objs = getattr(pdf.doc, "_cached_objs", None)
    parsed = getattr(pdf.doc, "_parsed_objs", None)  # object streams, parsed whole
    if isinstance(objs, dict) and isinstance(parsed, dict):
        if len(objs) > max_objs or sum(len(p[0]) for p in parsed.values()) > 10 * max_objs:
            objs.clear()
            parsed.clear()
        else:
            for objid in [k for k, v in objs.items() if isinstance(v[0], PDFStream)]:
                del objs[objid]
    fonts = getattr(pdf.rsrcmgr, "_cached_fonts", None)
    if isinstance(fonts, dict) and len(fonts) > max_fonts:
        fonts.clear()


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
                model, drawn = _page_model(page, number, uri, lim)
                why = _needs_ocr(model, drawn)
                if why:
                    logging.getLogger(__name__).info("%s: page %d read by OCR (%s)", uri, number, why)
                    model = _ocr_page(raster(), model, drawn, uri, lim)
            except ExtractionError:
                raise
            except Exception as exc:
                raise MalformedDocument(uri, f"page {number} cannot be read: {type(exc).__name__}: {exc}"[:300]) from exc
            finally:
                page.close()
            yield model, model.method
            # Drop pdfplumber's page and bound pdfminer's caches of parsed objects and fonts: they
            # grow with every page otherwise (the 300-page report of bench/pdf.py: 132 MB peak, 65 MB).
            cast("list[Any]", pages)[number - 1] = None
            _flush(pdf)
    finally:
        for r in rasters:
            r.close()
        pdf.close()


def pdf_to_document(data: bytes, *, source: SourceRef, limits: PdfLimits | None = None) -> Document:
    layouts: list[PageLayout] = []
    methods: dict[int, str] = {}
    maps: dict[int, Unwarp] = {}
    for model, how in pdf_to_pages(data, uri=source.uri, limits=limits):
        layouts.append(page_layout(model))
        if how == "ocr":
            methods[model.number] = "ocr"
        if model.to_source is not None:  # a scan deskewed before it was read: boxes back onto the page
            maps[model.number] = model.to_source
    blocks = layouts_to_blocks(layouts, methods=methods)
    if not blocks:
        raise NoContent(source.uri, "no text on any page (blank pages, or images OCR found no text in)")
    version = VERSION
    if methods:  # a page read by OCR: the OCR's version is part of what the file yields
        from .ocr import VERSION as OCR_VERSION

        version += f"+ocr{OCR_VERSION}"
    return Document(source=source, blocks=blocks_to_source(blocks, maps), extractor=NAME,
                    extractor_version=version)


class PdfExtractor:
    name = NAME
    version = VERSION

    def __init__(self, limits: PdfLimits | None = None) -> None:
        self.limits = limits or PdfLimits()

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        return pdf_to_document(data, source=source, limits=self.limits)
