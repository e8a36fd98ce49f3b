"""HTML bytes → text without mojibake or an empty result.

The order is BOM, strict UTF-8, the HTTP ``Content-Type`` charset, the page's own ``<meta>``
declaration, strict GB18030, then "mostly valid" decodings and charset detection. Strict UTF-8
comes before any declaration because real portals declare gb2312 on pages saved as UTF-8 (and
GBK bytes practically never validate as UTF-8), while UTF-8 bytes often *do* decode as GB18030,
into mojibake. GB2312/GBK labels are widened to GB18030 (pages declare gb2312 and use characters
outside it). BeautifulSoup with the lxml builder returns an empty tree for GBK bytes declared
gb2312, which is one more reason the extractor decodes first and parses text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from bs4.dammit import EncodingDetector
from charset_normalizer import from_bytes

from .encoding import normalise_charset, settle
from .errors import MalformedDocument

MAX_BAD_SHARE = 0.005
"""Share of undecodable characters tolerated when no codec decodes the page cleanly."""
MAX_DETECT_BYTES = 2_000_000
"""charset detection is slow; past this size only the cheap decodings are tried."""
MAX_DETECT_CHAOS = 0.25
"""charset-normalizer's mess ratio above which its guess is treated as noise, not text."""

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    """The charset parameter of an HTTP ``Content-Type`` header (header names are case-insensitive)."""
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type":
            m = _HEADER_CHARSET.search(value or "")
            return m.group(1) if m else None
    return None


def meta_charset(data: bytes) -> str | None:
    """The charset the page declares in ``<meta charset>`` / ``http-equiv`` or an XML declaration."""
    return EncodingDetector.find_declared_encoding(data, is_html=True)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _lenient(data: bytes, codec: str) -> str | None:
    """Decode with replacement when only a few bytes are bad (a truncated or patched page)."""
    try:
        text = data.decode(codec, errors="replace")
    except LookupError:
        return None
    if text.count("\ufffd") <= max(4, int(len(text) * MAX_BAD_SHARE)):
        return text
    return None


def html_bytes_to_text(data: bytes, *, headers: Mapping[str, str] | None = None,
                       source: str = "<bytes>") -> tuple[str, str]:
    """Decode a page; return (text, codec). Raise `MalformedDocument` naming `source` when nothing fits.

    The first decoding that fits is `settle`d: a misdeclared page (Big5 declared gb2312, UTF-8
    stored twice) is decoded right rather than kept as mojibake.
    """
    text, codec = _first_fit(data, headers=headers, source=source)
    return settle(data, text, codec)


def _first_fit(data: bytes, *, headers: Mapping[str, str] | None, source: str) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    text = _strict(data, "utf-8")  # first, and before reading any declaration: the common case
    if text is not None:
        return text, "utf-8"
    declared = [c for c in (normalise_charset(header_charset(headers)), normalise_charset(meta_charset(data))) if c]
    order = list(dict.fromkeys(["utf-8", *declared, "gb18030"]))
    for codec in order[1:]:
        text = _strict(data, codec)
        if text is not None:
            return text, codec
    for codec in order:
        text = _lenient(data, codec)
        if text is not None:
            return text, codec
    if len(data) <= MAX_DETECT_BYTES:
        best = from_bytes(data).best()
        if best is not None and best.encoding and best.chaos <= MAX_DETECT_CHAOS:
            return str(best), best.encoding
    raise MalformedDocument(source, f"no charset decodes this page (tried {', '.join(order)} and detection); "
                                    "the bytes are not text in any supported encoding")
