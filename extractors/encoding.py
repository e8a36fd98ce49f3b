"""Bytes → str without mojibake: BOM, declared charset, strict UTF-8, then detection.

GB2312/GBK labels are decoded as GB18030, its superset: real pages declare gb2312 and use
characters outside it.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from .errors import MalformedDocument

_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030",
              "gb_2312-80": "gb18030", "euc-cn": "gb18030", "ascii": "utf-8", "us-ascii": "utf-8",
              "iso-8859-1": "cp1252", "latin-1": "cp1252"}

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def normalise_charset(label: str | None) -> str | None:
    """A Python codec name for a declared charset label, widened to its superset."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, *, declared: str | None = None, source: str = "<bytes>") -> tuple[str, str]:
    """Decode `data`; return (text, codec used). Raise `MalformedDocument` when nothing fits.

    Order: BOM, the declared charset (if it decodes cleanly), strict UTF-8, GB18030 when the
    bytes decode cleanly as it, then charset-normalizer's best guess.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    tried: list[str] = []
    declared_codec = normalise_charset(declared)
    for maybe in (declared_codec, "utf-8", "gb18030"):
        if maybe is None or maybe in tried:
            continue
        codec = maybe
        tried.append(codec)
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    # Last resort for mostly-valid text with a few bad bytes: keep what decodes.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(8, len(text) // 100):
        return text, "utf-8"
    raise MalformedDocument(source, f"no charset decodes these bytes (tried {', '.join(tried)} and detection)")
