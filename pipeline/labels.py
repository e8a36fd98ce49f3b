"""Label normalisation: the many printed spellings of one template label → one comparable form.

Full/half width, 1、/1./1．, “”/"", wrapped and vertically spaced labels all normalise to the same
string, so aliases can be compared as plain substrings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_WS = re.compile(r"\s+")
_ITEM_SEP = re.compile(r"(?<=\d)[、．,，](?=\D)")


def norm_char(ch: str) -> str:
    """One character in comparable form (NFKC, quotes unified); may be empty or longer."""
    return unicodedata.normalize("NFKC", ch).translate(_QUOTES)


def norm(text: str) -> str:
    """Comparable form of a label: NFKC, unified quotes and item numbering, no whitespace."""
    out = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    out = _WS.sub("", out)
    return _ITEM_SEP.sub(".", out)


def norm_with_map(text: str) -> tuple[str, list[int]]:
    """`text` normalised char by char, keeping whitespace, with the source offset of every char.

    Used to search labels in flattened text and point back at the printed characters.
    """
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        n = norm_char(ch)
        if n.isspace() or ch.isspace():
            n = " " if ch not in "\n\r" else "\n"
        for c in n:
            chars.append(c)
            offsets.append(i)
    s = "".join(chars)
    # Item numbering 1、/1．/1, → 1. (same length, so offsets stay valid).
    s = _ITEM_SEP.sub(".", s)
    return s, offsets


@lru_cache(maxsize=4096)
def loose(alias: str) -> re.Pattern[str]:
    """A regex matching `alias` with any whitespace between its characters (wrapped labels)."""
    key = norm(alias)
    return re.compile(r"\s*".join(re.escape(c) for c in key))
