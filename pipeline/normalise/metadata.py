"""Report metadata: title, agency, report year (from the title), publication date, region, level."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.normalise.regions import Region, admin_level, region_of

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "0": 0, "０": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "〇○零ＯO0０一二三四五六七八九十"
_ARABIC_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_CN_DATE = re.compile(rf"([{_CN_NUM}]{{4}})\s*年\s*([{_CN_NUM}]{{1,3}})\s*月\s*([{_CN_NUM}]{{1,3}})\s*日")
_TITLE_YEAR = re.compile(r"(\d{4})\s*年")
_TITLE_CN_YEAR = re.compile(rf"([{_CN_NUM}]{{4}})\s*年")
_PERIOD_YEAR = re.compile(r"(\d{4})\s*年\s*1\s*月\s*1\s*日")
_REPORT_WORDS = re.compile(r"报告|年报|总结|报表|统计表")
_AGENCY_END = re.compile(
    r"(人民政府|政府|办公室|办公厅|委员会|管委会|管理委员会|局|厅|委|办|院|署|中心|站|所|处|街道办事处|"
    r"实验区|新区|开发区|高新区|示范区|公司|部|会|队|馆|总队|支队|大队|集团)$")
_TITLE_STOP = re.compile(r"(关于|公布|发布)")


def cn_number(text: str) -> int | None:
    """二〇二四 → 2024 (digit by digit); 十五 / 二十 / 二十一 → 15 / 20 / 21."""
    if not text:
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens, 1) if tens else 1
        o = _CN_DIGITS.get(ones, 0) if ones else 0
        return t * 10 + o
    try:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    except KeyError:
        return None


def _valid(y: int, m: int, d: int) -> str | None:
    import datetime as dt

    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first date in `text` (2024-01-15, 2024年1月15日, 二〇二四年一月十五日) as ISO."""
    t = unicodedata.normalize("NFKC", text)
    m = _ARABIC_DATE.search(t)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _CN_DATE.search(text)
    if m:
        y, mo, d = (cn_number(g) for g in m.groups())
        if y and mo and d:
            return _valid(y, mo, d)
    return None


def year_of_title(title: str | None) -> int | None:
    """The report (data) year printed in the title; never the publication year."""
    if not title:
        return None
    t = unicodedata.normalize("NFKC", title)
    m = _TITLE_YEAR.search(t)
    if m and 1990 <= int(m.group(1)) <= 2100:
        return int(m.group(1))
    m = _TITLE_CN_YEAR.search(title)
    if m:
        y = cn_number(m.group(1))
        return y if y and 1990 <= y <= 2100 else None
    return None


_CHROME_SIGNS = re.compile(r"[>＞»【】]|(?:发布|发文|成文)(?:日期|时间)|来源[:：]|浏览次数|首页")
_TITLE_CORE = re.compile(rf"(?:\d{{4}}|[{_CN_NUM}]{{4}})\s*年度?[^。；;，,>＞:：【】\s]{{0,30}}?(?:报告|年报)")
_HEAD_CUT = re.compile(r".*(?:[>＞»:：】\]|\s]|报告|年报|信息公开|首页)")


def title_in_chrome(line: str) -> str | None:
    """A report title inside site chrome run into one line (breadcrumb, title, 发布日期, 来源 …):
    the year-to-报告 core, with the issuer before it up to the breadcrumb's last separator."""
    m = _TITLE_CORE.search(line)
    if not m:
        return None
    before = line[: m.start()]
    cut = _HEAD_CUT.match(before)
    head = before[cut.end():] if cut else before
    return (head if 2 <= len(head) <= 40 else "") + m.group(0)


_PUBLISHED_LABEL = re.compile(r"(?:发布|发文|成文|公开)(?:日期|时间)\s*[:：]\s*([^\s来浏]{6,20})")


def published_in_chrome(lines: list[str]) -> str | None:
    """The date a page's chrome prints beside its title ("发布日期：2025-03-09")."""
    for line in lines[:5]:
        m = _PUBLISHED_LABEL.search(line)
        if m and (date := parse_date(m.group(1))):
            return date
    return None


def guess_title(lines: list[str], hint: str | None) -> str | None:
    if hint:
        return hint.strip()
    for line in lines[:5]:
        s = line.strip()
        if s and _CHROME_SIGNS.search(s) and (inner := title_in_chrome(s)):
            return inner
        if s and len(s) <= 80 and _REPORT_WORDS.search(s):
            return s
        if s:
            # A title wrapped over two lines ("2024 年上海市科委政府信息公开工作" / "年度报告").
            continue
    joined = "".join(x.strip() for x in lines[:3])
    m = re.search(r"^.{0,60}?(?:报告|年报|总结)", joined)
    return m.group(0) if m else None


@dataclass(frozen=True, slots=True)
class Signature:
    agency: str | None
    date: str | None


def signature(lines: list[str]) -> Signature:
    """The signing agency and date printed at the end of the report, where there is one."""
    tail = [x.strip() for x in lines[-6:] if x.strip()]
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        date = parse_date(line) if len(line) <= 20 else None
        if date:
            agency = None
            if i > 0 and _looks_like_agency(tail[i - 1]):
                agency = tail[i - 1]
            else:
                head = _ARABIC_DATE.split(unicodedata.normalize("NFKC", line))[0].strip()
                agency = head if _looks_like_agency(head) else None
            return Signature(agency, date)
    return Signature(None, None)


def _looks_like_agency(text: str) -> bool:
    t = text.strip()
    return 3 <= len(t) <= 40 and not re.search(r"[。，,；;：:！!？?（(）)\d]", t) and bool(_AGENCY_END.search(t))


def agency_from_title(title: str | None) -> str | None:
    """The issuer named before the year in the title ("平潭综合实验区2021年度…" → 平潭综合实验区)."""
    if not title:
        return None
    t = unicodedata.normalize("NFKC", title).strip()
    m = _TITLE_YEAR.search(t) or _TITLE_CN_YEAR.search(t)
    if not m:
        return None
    head = _TITLE_STOP.split(t[: m.start()])[0].strip(" 《》\"")
    if len(head) >= 2:
        return head
    tail = re.match(r"^\s*(?:年度?)?(.{2,30}?)(?:政府信息公开|政务公开|信息公开)", t[m.end():])
    return tail.group(1).strip() if tail else None


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None
    agency: str | None
    report_year: int | None
    published: str | None
    region: Region | None
    admin_level: str | None


def extract_metadata(lines: list[str], body: str, hints: dict[str, str]) -> Metadata:
    title = guess_title(lines, hints.get("title"))
    sig = signature(lines)
    title_agency = agency_from_title(title)
    agency = sig.agency or title_agency or hints.get("agency")
    year = year_of_title(title)
    if year is None:
        m = _PERIOD_YEAR.search(unicodedata.normalize("NFKC", body[:3000]))
        year = int(m.group(1)) if m else None
    published = parse_date(hints["published"]) if hints.get("published") else None
    published = published or sig.date or published_in_chrome(lines)
    region = None
    for name in (agency, title_agency, title):
        if name:
            region = region_of(name)
            if region:
                break
    return Metadata(title, agency, year, published, region, admin_level(agency, region))
