"""Bytes → str without mojibake: BOM, declared charset, strict UTF-8, then detection.

GB2312/GBK labels are decoded as GB18030, its superset: real pages declare gb2312 and use
characters outside it.
"""

from __future__ import annotations

import codecs
import re

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


_CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
_CONT = f"[\u0080-\u00bf{_CP1252_HIGH}]"
_DOUBLE_UTF8 = re.compile(f"(?:[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}})+")
"""UTF-8 sequences read as Latin-1/cp1252 and stored again as UTF-8 ("å®\x81æ³¢" for 宁波)."""
MIN_DOUBLE_UTF8_CHARS = 9
"""Characters of such runs needed before a text is taken as double-encoded: three CJK characters'
worth (a lone "Ã©" may be a real word)."""
DOUBLE_UTF8 = "utf-8 (double-encoded, repaired)"
_LEAD = re.compile("[\u00c2-\u00f4]")
"""A lead byte read as Latin-1: a text without one holds no double-encoded run (one C-side scan,
where the run pattern costs milliseconds on every page)."""


def _latin_bytes(run: str) -> bytes:
    return bytes(ord(c) if ord(c) < 256 else c.encode("cp1252")[0] for c in run)


def repair_double_utf8(text: str) -> str | None:
    """Undo a UTF-8 → Latin-1 → UTF-8 round trip, run by run; None when the text shows none."""
    if _LEAD.search(text, 0, 200_000) is None:
        return None
    if sum(len(run) for run in _DOUBLE_UTF8.findall(text, 0, 200_000)) < MIN_DOUBLE_UTF8_CHARS:
        return None

    def fix(m: re.Match[str]) -> str:
        try:
            return _latin_bytes(m.group(0)).decode("utf-8")
        except UnicodeDecodeError:
            return m.group(0)

    fixed = _DOUBLE_UTF8.sub(fix, text)
    return fixed if fixed != text else None


_MOJIBAKE = re.compile(r"[\ue000-\uf8ff\ufffd\u3040-\u30ff\u2500-\u257f]")
"""What CJK bytes decoded in the wrong double-byte codec turn into: private-use code points,
kana and box drawing (Big5 read as GB18030), replacement characters."""
MIN_MOJIBAKE = 5
_CJK_CODECS = ("gb18030", "big5hkscs", "utf-8")


def mojibake(text: str) -> int:
    return len(_MOJIBAKE.findall(text))


def settle(data: bytes, text: str, codec: str) -> tuple[str, str]:
    """Second look at a decoding: a double-encoded UTF-8 text is repaired; a double-byte text full
    of mojibake is decoded by the CJK codec that leaves the least (a Big5 page declared gb2312)."""
    repaired = repair_double_utf8(text)
    if repaired is not None:
        return repaired, DOUBLE_UTF8
    bad = mojibake(text)
    if bad < MIN_MOJIBAKE:
        return text, codec
    best = (bad, text, codec)
    for other in _CJK_CODECS:
        if other == codec:
            continue
        try:
            alt = data.decode(other)
        except UnicodeDecodeError:
            continue
        if (n := mojibake(alt)) * 4 < best[0]:
            best = (n, alt, other)
    return best[1], best[2]


def decode(data: bytes, *, declared: str | None = None, source: str = "<bytes>") -> tuple[str, str]:
    """Decode `data` (see `decode_first`), then `settle` it."""
    text, codec = decode_first(data, declared=declared, source=source)
    return settle(data, text, codec)


def decode_first(data: bytes, *, declared: str | None = None, source: str = "<bytes>") -> tuple[str, str]:
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
