"""The six narrative sections (codes of sections.csv), found by their numbered headings.

Headings are searched in order (一 … 六) with whitespace-tolerant aliases, so the inner labels of
Table 3 ("三、本年度办理结果", "四、结转下年度继续办理") never pass for section headings. Pre-2019
reports keep their own headings as found, mapped to a code where the wording allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.normalise.report import SectionText
from pipeline.normalise.text_tables import Flat
from pipeline.template.codebook import aliases, sections
from pipeline.template.labels import loose, norm

NUMBERS = "一二三四五六七八九十"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ANY_HEADING = re.compile(r"(?:(?<=[\n。；;:：!！?？ \t\u3000])|^)\s*([一二三四五六七八九十]{1,2})\s*、\s*([^\n。，,：:；;\d]{2,30})")


@dataclass(frozen=True, slots=True)
class Heading:
    code: str
    start: int
    end: int
    text: str


@lru_cache(maxsize=64)
def _section_aliases(code: str) -> tuple[str, ...]:
    """A section's names, longest first (the codebook's: the same for every document)."""
    sec = next(s for s in sections() if s.code == code)
    names = [sec.label_zh, *sec.aliases, *(a for c, a in aliases("sections", "heading") if c == code)]
    return tuple(sorted({norm(n) for n in names}, key=len, reverse=True))


@lru_cache(maxsize=1024)
def _heading_pattern(number: str, alias: str) -> re.Pattern[str]:
    """A numbered heading of one section name, compiled once (not looked up in re's cache per document)."""
    return re.compile(number + r"\s*[、.]\s*(?:[^\n。、\d]{0,12}?)" + loose(alias).pattern)


def find_headings(flat: Flat) -> list[Heading]:
    """The six template headings in order; a heading not found is left out."""
    found: list[Heading] = []
    cursor = 0
    for sec in sections():
        hit = _find_one(flat, sec.number, sec.code, cursor)
        if hit is None:
            continue
        found.append(hit)
        cursor = hit.end
    return found


def _find_one(flat: Flat, number: str, code: str, start: int) -> Heading | None:
    best: tuple[int, int, int] | None = None
    for alias in _section_aliases(code):
        for m in _heading_pattern(number, alias).finditer(flat.s, start):
            if len(alias) < 8 and not _at_boundary(flat.s, m.start()):
                continue
            if best is None or m.start() < best[0] or (m.start() == best[0] and m.end() > best[1]):
                best = (m.start(), m.end(), len(alias))
            break
    if best is None:
        return None
    a, b, _ = best
    line_end = flat.s.find("\n", b)
    line_end = len(flat.s) if line_end < 0 else line_end
    rest = flat.s[b:line_end]
    # Take the rest of the line when it is blank, or when the heading simply continues there
    # ("…存在的主要问题" + "及改进情况"); body text after a gap is not part of the heading.
    if not rest.strip() or (len(rest) <= 16 and not re.search(r"[\s。，,.\d]", rest.rstrip())):
        b = line_end
    ra, rb = flat.raw_span(a, b)
    return Heading(code, a, b, flat.raw[ra:rb].strip())


def _at_boundary(s: str, pos: int) -> bool:
    """A heading starts a line, or follows the end of a sentence or a run of spaces."""
    if pos == 0:
        return True
    return not _CJK.match(s[pos - 1])


def split_sections(flat: Flat, headings: list[Heading]) -> list[SectionText]:
    out = []
    for i, h in enumerate(headings):
        stop = headings[i + 1].start if i + 1 < len(headings) else len(flat.s)
        ra, rb = flat.raw_span(h.end, stop)
        out.append(SectionText(ordinal=i + 1, code=h.code, heading=h.text, text=flat.raw[ra:rb].strip()))
    return out


_PRE_CODES = (("overview", ("概述", "总体", "基本情况")), ("proactive", ("主动公开",)),
              ("requests", ("依申请", "申请公开", "收到和处理")), ("appeals", ("复议", "诉讼")),
              ("problems", ("问题",)), ("other", ("其他",)))


def pre2019_sections(flat: Flat) -> list[SectionText]:
    """Numbered headings as found (一、概述 …), mapped to the code their wording matches, else `other`."""
    heads: list[Heading] = []
    expect = 0
    for m in _ANY_HEADING.finditer(flat.s):
        num = m.group(1)
        idx = NUMBERS.find(num[-1]) + (10 if len(num) == 2 else 0)
        if idx != expect:
            continue
        title = re.split(r"\s", m.group(2).strip())[0][:24]
        code = next((c for c, kws in _PRE_CODES if any(k in title for k in kws)), "other")
        end = m.start(2) + len(title)
        ra, rb = flat.raw_span(m.start(1), end)
        heads.append(Heading(code, m.start(1), end, flat.raw[ra:rb].strip()))
        expect += 1
    return split_sections(flat, heads)


__all__ = ["Heading", "find_headings", "pre2019_sections", "split_sections"]
