"""The page model every fixed-layout source produces: positioned glyphs and ruling lines per page.

PDF text layers (pdfplumber), OFD text and path objects and OCR boxes all become `Page`s, so one
table reconstructor (`layout_tables`) and one reading-order builder (`reading`) serve them all;
nothing after this module knows which format a page came from. Coordinates are in the page's
own units with the origin at the top left (points for PDF, millimetres for OFD, pixels for
scans); every threshold downstream is relative to the glyph size, so units do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .ocr_warp import Unwarp

Method = Literal["text", "ocr"]

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－_·•]+\s*\d{1,4}\s*[-—–－_·•]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|\d{1,3})\s*$"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Glyph:
    """One positioned character (or an OCR'd run split into characters)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool = False
    conf: float = 1.0
    """Recognition confidence: 1.0 for a text layer, the OCR engine's score for scans."""

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A ruling segment: a stroked line, the edge of a rectangle, or a line found in a scan."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page: its glyphs in content order and its ruling segments."""

    number: int
    width: float
    height: float
    glyphs: tuple[Glyph, ...]
    rules: tuple[Rule, ...] = ()
    method: Method = "text"
    to_source: Unwarp | None = None
    """For a page read off an image: boxes back into the image as given (None: they are there)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """Glyphs sharing a baseline, left to right."""

    glyphs: tuple[Glyph, ...]
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    text: str = field(init=False, repr=False, compare=False)
    """`glyphs_to_text` of the glyphs, made once: reading order asks for it several times."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", glyphs_to_text(self.glyphs))

    @property
    def bold(self) -> bool:
        marks = [g for g in self.glyphs if not g.text.isspace()]
        return bool(marks) and sum(g.bold for g in marks) * 2 > len(marks)

    @property
    def conf(self) -> float:
        return min((g.conf for g in self.glyphs), default=1.0)


def rect_to_rules(x0: float, top: float, x1: float, bottom: float, *, thin: float = 2.0) -> list[Rule]:
    """A drawn rectangle as ruling segments: itself when it is a thin bar, else its four edges.

    Word/WPS draw table borders as thin filled bars and cell shading as filled rectangles whose
    edges coincide with the borders; both are evidence of the grid.
    """
    w, h = x1 - x0, bottom - top
    if w <= 0 and h <= 0:
        return []
    if h <= thin:
        y = (top + bottom) / 2
        return [Rule(x0=x0, top=y, x1=x1, bottom=y)] if w > thin else []
    if w <= thin:
        x = (x0 + x1) / 2
        return [Rule(x0=x, top=top, x1=x, bottom=bottom)]
    return [Rule(x0=x0, top=top, x1=x1, bottom=top), Rule(x0=x0, top=bottom, x1=x1, bottom=bottom),
            Rule(x0=x0, top=top, x1=x0, bottom=bottom), Rule(x0=x1, top=top, x1=x1, bottom=bottom)]


def segment_to_rule(x0: float, y0: float, x1: float, y1: float, *, slope: float = 0.02) -> Rule | None:
    """A straight segment as a rule when it is (nearly) axis-aligned; diagonals are not rules."""
    dx, dy = abs(x1 - x0), abs(y1 - y0)
    if dx == 0 and dy == 0:
        return None
    if dy <= slope * dx:
        y = (y0 + y1) / 2
        return Rule(x0=min(x0, x1), top=y, x1=max(x0, x1), bottom=y)
    if dx <= slope * dy:
        x = (x0 + x1) / 2
        return Rule(x0=x, top=min(y0, y1), x1=x, bottom=max(y0, y1))
    return None


def _centre_x0(g: Glyph) -> tuple[float, float]:
    return ((g.top + g.bottom) / 2, g.x0)


def _x0(g: Glyph) -> float:
    return g.x0


def glyphs_to_lines(glyphs: Iterable[Glyph]) -> list[Line]:
    """Group glyphs into visual lines: vertical overlap with the line's core, then sort by x."""
    ordered = sorted((g for g in glyphs if g.text), key=_centre_x0)
    rows: list[list[Glyph]] = []
    bands: list[tuple[float, float]] = []
    # Written out (no min()/max() calls): this runs for every cell of every table.
    for g in ordered:
        g_top, g_bottom = g.top, g.bottom
        placed = False
        # Only the last few open lines can overlap a glyph when glyphs are sorted by centre.
        for i in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            top, bottom = bands[i]
            h = bottom - top
            if g_bottom - g_top < h:
                h = g_bottom - g_top
            overlap = (g_bottom if g_bottom < bottom else bottom) - (g_top if g_top > top else top)
            if overlap >= 0.5 * (h or 1.0):
                rows[i].append(g)
                if not g.text.isspace():
                    bands[i] = (g_top if g_top < top else top, g_bottom if g_bottom > bottom else bottom)
                placed = True
                break
        if not placed:
            rows.append([g])
            bands.append((g_top, g_bottom))
    lines = []
    for row in rows:
        row.sort(key=_x0)
        marks = [g for g in row if not g.text.isspace()] or row
        first = marks[0]
        x0, top, x1, bottom = first.x0, first.top, first.x1, first.bottom
        for g in marks:
            if g.x0 < x0:
                x0 = g.x0
            if g.top < top:
                top = g.top
            if g.x1 > x1:
                x1 = g.x1
            if g.bottom > bottom:
                bottom = g.bottom
        sizes = sorted(g.size for g in marks)
        lines.append(Line(glyphs=tuple(row), x0=x0, top=top, x1=x1, bottom=bottom, size=sizes[len(sizes) // 2]))
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".,%")


def glyphs_to_text(glyphs: Sequence[Glyph]) -> str:
    """Text of one line's glyphs: a space only where the PDF has one or Latin words stand apart.

    Chinese is set without spaces and justified text opens gaps between CJK characters, so a
    gap alone never makes a space, except between two Latin/digit runs (separate numbers).
    """
    out: list[str] = []
    prev: Glyph | None = None
    for g in glyphs:
        if prev is not None and not g.text.isspace() and not prev.text.isspace():
            gap = g.x0 - prev.x1
            if gap > 0.4 * min(g.size, prev.size) and _is_word_char(prev.text[-1]) and _is_word_char(g.text[0]):
                out.append(" ")
        out.append(g.text)
        prev = g
    return re.sub(r"[ \t\u3000\xa0]+", " ", "".join(out)).strip()


def is_page_number(text: str) -> bool:
    """A page folio ("- 3 -", "— 3 —", "第3页 共5页", "3/5")."""
    return bool(_PAGE_NUMBER.match(unicodedata.normalize("NFKC", text)))


@dataclass(frozen=True, slots=True)
class Quality:
    """How trustworthy a page's text layer is."""

    garbled: bool
    reason: str = ""


_CID = re.compile(r"\(cid:\d+\)")


def undecodable(text: str) -> str:
    """Why `text` is noise rather than writing (replacement, private-use, unassigned code points), or "".

    Bytes that are not text in their declared encoding come out this way from any decoder that
    tolerates them (a font without a ToUnicode map, LibreOffice importing random bytes as RTF).
    """
    body = re.sub(r"\s+", "", text)
    n = len(body)
    bad = sum(1 for ch in body if ch == "\ufffd" or unicodedata.category(ch) in {"Co", "Cs", "Cn", "Cc"})
    if bad > max(2, 0.05 * n):
        return f"{bad} of {n} characters are replacement, private-use or unassigned code points"
    return ""


def text_quality(text: str) -> Quality:
    """Detect a broken text layer: (cid:n) codes, U+FFFD, private-use glyphs, too little Chinese.

    Broken font encodings (no ToUnicode map, subset fonts with custom codes) are the usual
    cause; such pages are re-read by OCR instead of trusting their text.
    """
    body = re.sub(r"\s+", "", text)
    if not body:
        return Quality(False)
    n = len(body)
    cids = len(_CID.findall(body))
    if cids and cids * 4 >= n * 0.05:
        return Quality(True, f"{cids} (cid:n) glyph codes")
    noise = undecodable(body)
    if noise:
        return Quality(True, noise)
    if n >= 40:
        cjk = sum(1 for ch in body if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")
        digits = sum(1 for ch in body if ch.isdigit() or ch in ".-/%")
        letters = sum(1 for ch in body if ch.isascii() and ch.isalpha())
        if cjk < 0.1 * n and letters > 0.5 * n and digits < 0.5 * n and not is_latin_prose(text):
            return Quality(True, f"only {cjk} of {n} characters are Chinese (mis-encoded font?)")
    return Quality(False)


_WORD = re.compile(r"[A-Za-z]+")
_UNPRONOUNCEABLE = re.compile(r"[^aeiouy]{5,}", re.I)
MIN_WORDS = 8
MIN_WORDLIKE_SHARE = 0.8
"""Share of a page's words (3+ letters) that have a vowel and no run of five consonants. Prose in
any Latin-script language is far above it; the letters a mis-encoded CJK font maps to are not."""


def is_latin_prose(text: str) -> bool:
    """A Latin-script text layer (an English manual, a translated annex): words of ordinary length
    between spaces, and they read as words. Such a page is text, not a broken font to OCR."""
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS:
        return False
    if not 2.5 <= sum(map(len, words)) / len(words) <= 12:
        return False
    long_words = [w for w in words if len(w) >= 3]
    wordlike = sum(1 for w in long_words if not _UNPRONOUNCEABLE.search(w) and re.search("[aeiouy]", w, re.I))
    return bool(long_words) and wordlike >= MIN_WORDLIKE_SHARE * len(long_words)
