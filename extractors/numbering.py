"""Word automatic numbering (numbering.xml) → the label Word prints before a paragraph.

Chinese reports often number their headings with Word lists ("一、" from a `chineseCounting`
level with `lvlText="%1、"`), so the text of the paragraph lacks the number the reader sees. The
section finder needs it: `Numbering.label()` replays the counters in document order and formats
them the way Word does (counter per abstract list, deeper levels restart, `%n` placeholders).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"


def chinese_count(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (up to 9999; beyond, digit by digit)."""
    if n <= 0 or n > 9999:
        return "".join(digits[int(d)] for d in str(max(n, 0)))
    parts: list[str] = []
    text = str(n)
    zero = False
    for i, ch in enumerate(text):
        d = int(ch)
        place = len(text) - 1 - i
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append(digits[0])
            zero = False
        unit = units[place - 1] if place else ""
        if not (d == 1 and place == 1 and i == 0 and digits is _CN_DIGITS):
            parts.append(digits[d])
        parts.append(unit)
    return "".join(parts)


def _roman(n: int) -> str:
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: 27 → AA, 28 → BB.
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def _cycle(symbols: str, n: int) -> str:
    return symbols[(n - 1) % len(symbols)] if n > 0 else ""


def format_number(n: int, fmt: str) -> str:
    """One counter in a Word `numFmt` (ST_NumberFormat); unknown formats print as decimal."""
    if fmt in {"chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting"}:
        return chinese_count(n)
    if fmt in {"chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"}:
        return chinese_count(n, _CN_LEGAL, "拾佰仟")
    if fmt in {"ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"}:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _cycle(_TIANGAN, n)
    if fmt == "ideographZodiac":
        return _cycle(_DIZHI, n)
    if fmt in {"decimalEnclosedCircle", "decimalEnclosedCircleChinese"} and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedParen" and 1 <= n <= len(_PAREN):
        return _PAREN[n - 1]
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= len(_FULLSTOP):
        return _FULLSTOP[n - 1]
    if fmt in {"decimalFullWidth", "decimalFullWidth2"}:
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    return str(n)


@dataclass(frozen=True, slots=True)
class Level:
    """One list level: start value, number format, label template, what follows the label."""

    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    suffix: str = "tab"
    legal: bool = False


@dataclass(frozen=True, slots=True)
class ListDef:
    """A `w:num`: its abstract list (shared counters) and its level overrides."""

    abstract: str
    levels: dict[int, Level]
    restarts: frozenset[int]
    """Levels with a `startOverride`: this list instance counts on its own."""


def _val(el: etree._Element | None, name: str = "val") -> str | None:
    if el is None:
        return None
    v = el.get(W + name)
    return None if v is None else str(v)


def _level(lvl: etree._Element) -> Level:
    start = _val(lvl.find(W + "start"))
    return Level(
        start=int(start) if start and start.lstrip("-").isdigit() else 1,
        fmt=_val(lvl.find(W + "numFmt")) or "decimal",
        text=_val(lvl.find(W + "lvlText")) or "",
        suffix=_val(lvl.find(W + "suff")) or "tab",
        legal=lvl.find(W + "isLgl") is not None,
    )


def _levels(parent: etree._Element) -> dict[int, Level]:
    out: dict[int, Level] = {}
    for lvl in parent.iter(W + "lvl"):
        ilvl = _val(lvl, "ilvl")
        if ilvl is not None and ilvl.isdigit():
            out[int(ilvl)] = _level(lvl)
    return out


@dataclass
class Numbering:
    """The lists of one document and their running counters (mutable: replayed in reading order)."""

    lists: dict[str, ListDef] = field(default_factory=dict)
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, root: etree._Element | None) -> Numbering:
        if root is None:
            return cls()
        abstract = {str(a.get(W + "abstractNumId")): _levels(a) for a in root.iterchildren(W + "abstractNum")}
        lists: dict[str, ListDef] = {}
        for num in root.iterchildren(W + "num"):
            num_id = num.get(W + "numId")
            abs_id = _val(num.find(W + "abstractNumId"))
            if num_id is None or abs_id is None:
                continue
            levels = dict(abstract.get(abs_id, {}))
            restarts: set[int] = set()
            for ov in num.iterchildren(W + "lvlOverride"):
                ilvl = _val(ov, "ilvl")
                if ilvl is None or not ilvl.isdigit():
                    continue
                i = int(ilvl)
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    levels[i] = _level(lvl)
                start = _val(ov.find(W + "startOverride"))
                if start is not None and start.lstrip("-").isdigit():
                    base = levels.get(i, Level())
                    levels[i] = Level(int(start), base.fmt, base.text, base.suffix, base.legal)
                    restarts.add(i)
            lists[str(num_id)] = ListDef(abs_id, levels, frozenset(restarts))
        return cls(lists)

    def label(self, num_id: str, ilvl: int) -> str:
        """The printed label of the next paragraph in list `num_id` at level `ilvl` ('' for none).

        Bullets and unnumbered levels print nothing useful to a reader of the text and give ''.
        Counters are shared by the list instances of one abstract list, unless an instance
        restarts its numbering (`startOverride`).
        """
        ldef = self.lists.get(num_id)
        if ldef is None or num_id == "0":
            return ""
        key = f"num:{num_id}" if ldef.restarts else f"abs:{ldef.abstract}"
        counts = self.counters.get(key)
        if counts is None:
            counts = self.counters[key] = [ldef.levels.get(i, Level()).start - 1 for i in range(9)]
        ilvl = min(max(ilvl, 0), 8)
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = ldef.levels.get(deeper, Level()).start - 1
        level = ldef.levels.get(ilvl, Level())
        if level.fmt in {"bullet", "none"} or not level.text:
            return ""
        out = level.text
        for i in range(9):
            token = f"%{i + 1}"
            if token in out:
                lv = ldef.levels.get(i, Level())
                fmt = "decimal" if level.legal and i != ilvl else lv.fmt
                out = out.replace(token, format_number(counts[i], fmt))
        return out + _suffix(out, level.suffix)


def _suffix(label: str, suffix: str) -> str:
    """What separates label and text: nothing after CJK punctuation ("一、总体情况"), else a space."""
    if suffix == "nothing" or not label:
        return ""
    if label[-1] in "、．.）)]】」》：:，,":
        return "" if suffix == "tab" else " "
    return " "
