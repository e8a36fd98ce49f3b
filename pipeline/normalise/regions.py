"""Region and administrative level of an agency, from a maintained division table.

The table is the one the `cpca` package ships (民政部 行政区划代码, with names and codes down to
county level); its matcher resolves "通化市东昌区科学技术局" to 吉林省/通化市/东昌区, 220502. Names
that the matcher misses ("平潭综合实验区") are tried against the table's short county names.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str


@cache
def _table() -> dict[str, str]:
    text = resources.files("cpca").joinpath("resources", "adcodes.csv").read_text(encoding="utf-8")
    return {r["adcode"][:6]: r["name"] for r in csv.DictReader(io.StringIO(text))}


@cache
def _short_names() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for code, name in _table().items():
        if code.endswith("00"):
            continue
        short = re.sub(r"(自治县|自治旗|林区|特区|新区|县|区|市|旗)$", "", name)
        if len(short) >= 2:
            out.setdefault(short, []).append(code)
    return {k: tuple(v) for k, v in out.items()}


def _level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def _path(code: str) -> str:
    t = _table()
    parts = [t.get(code[:2] + "0000", ""), t.get(code[:4] + "00", ""), t.get(code, "")]
    out: list[str] = []
    for p in parts:
        if p and p not in out:
            out.append(p)
    return "/".join(out)


@cache
def region_of(agency: str) -> Region | None:
    """The division an agency belongs to, or None when the name names no region unambiguously."""
    import cpca  # imported lazily: it loads its tables at import time

    name = agency.strip()
    if not name:
        return None
    df = cpca.transform([name])
    code = df["adcode"].iloc[0]
    if isinstance(code, str) and code:
        code6 = code[:6]
        if _grounded(name, code6):
            return Region(code6, _path(code6), _level_of(code6))
        return None
    hits = [(short, codes) for short, codes in _short_names().items() if name.startswith(short)]
    if hits:
        _, codes = max(hits, key=lambda h: len(h[0]))
        if len(codes) == 1:
            return Region(codes[0], _path(codes[0]), _level_of(codes[0]))
    return None


def _short(name: str) -> str:
    return re.sub(r"(省|市|自治区|特别行政区|壮族|回族|维吾尔|自治州|地区|盟)+$", "", name) or name


def _grounded(agency: str, code: str) -> bool:
    """A county name shared by several divisions counts only if its city or province is named too."""
    t = _table()
    name = t.get(code, "")
    if _level_of(code) != "county" or sum(1 for n in t.values() if n == name) == 1:
        return True
    parents = [t.get(code[:4] + "00", ""), t.get(code[:2] + "0000", "")]
    return any(p and _short(p) in agency for p in parents)


_TOWNSHIP = re.compile(r"(镇|乡|街道)(人民政府|办事处|党委|政府)?$|(镇|乡)人民政府|街道办事处")
_NATIONAL = re.compile(r"^(国务院|国家|中华人民共和国|中国)")


def admin_level(agency: str | None, region: Region | None) -> str | None:
    """national | province | prefecture | county | township (the level of the government)."""
    if not agency:
        return None
    if _TOWNSHIP.search(agency):
        return "township"
    if region is None:
        return "national" if _NATIONAL.search(agency) else None
    return region.level
