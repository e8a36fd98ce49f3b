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


@lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Comparable form of a label: NFKC, unified quotes and item numbering, no whitespace."""
    out = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    out = _WS.sub("", out)
    return _ITEM_SEP.sub(".", out)


def _one_to_one_table() -> dict[int, str]:
    """Characters whose NFKC form is one other character (full-width forms, Kangxi radicals,
    compatibility ideographs, odd spaces), plus quotes: a 1:1 mapping keeps offsets valid."""
    table: dict[int, str] = {}
    ranges = [(0x00A0, 0x00A1), (0x2000, 0x2070), (0x2E80, 0x2FE0), (0x3000, 0x3040), (0xF900, 0xFB00),
              (0xFE30, 0xFE70), (0xFF00, 0xFFF0)]
    for lo, hi in ranges:
        for cp in range(lo, hi):
            ch = chr(cp)
            n = unicodedata.normalize("NFKC", ch)
            if n.isspace() and ch not in "\n\r":
                n = " "
            if len(n) == 1 and n != ch:
                table[cp] = n
    for k, v in {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "\t": " "}.items():
        table[ord(k)] = v
    return table


_ONE_TO_ONE = _one_to_one_table()


def norm_with_map(text: str) -> tuple[str, list[int] | None]:
    """`text` in comparable form with whitespace kept, and the source offset of every char.

    The mapping is one character to one character, so offsets are the identity (returned as
    None); used to search labels in flattened text and point back at the printed characters.
    """
    s = _ITEM_SEP.sub(".", text.translate(_ONE_TO_ONE))
    return s, None


@lru_cache(maxsize=4096)
def loose(alias: str) -> re.Pattern[str]:
    """A regex matching `alias` with any whitespace between its characters (wrapped labels)."""
    key = norm(alias)
    return re.compile(r"\s*".join(re.escape(c) for c in key))
