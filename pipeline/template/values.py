"""Printed cell text → value, keeping blank, 0, "/", "—" and "无" apart."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_UNIT = re.compile(r"(万元|元|件|项|条|个|次|人次|人)$")
_SLASH = {"/", "／", "\\"}
_DASH = {"-", "—", "–", "－", "--", "——", "―", "一", "－－"}
_NONE = {"无", "暂无", "没有"}


@dataclass(frozen=True, slots=True)
class Parsed:
    value: float | None
    flag: str
    unit: str = ""


@lru_cache(maxsize=1 << 16)
def parse_cell(raw: str) -> Parsed:
    """Read one printed cell. `flag`: number | blank | slash | dash | none | text."""
    text = unicodedata.normalize("NFKC", raw).replace("\u00a0", " ")
    text = re.sub(r"\s+", "", text)
    if not text:
        return Parsed(None, "blank")
    if text in _SLASH:
        return Parsed(None, "slash")
    if text in _DASH:
        return Parsed(None, "dash")
    if text in _NONE:
        return Parsed(None, "none")
    unit = ""
    m_unit = _UNIT.search(text)
    if m_unit and m_unit.start() > 0:
        unit = m_unit.group(1)
        text = text[: m_unit.start()]
    m = _NUMBER.match(text)
    if not m:
        return Parsed(None, "text", unit)
    sign, digits, frac = m.groups()
    value = float(digits.replace(",", "") + (frac or ""))
    return Parsed(-value if sign == "-" else value, "number", unit)
