"""Who runs a site, read from the site itself: its name and its 网站标识码.

Chinese government sites carry `<meta name="SiteName" content="清水市人民政府">` and
`<meta name="SiteIdcode" content="3501000001">` (the 10-digit 网站标识码 of the national site census:
the first 6 digits are the 行政区划代码 of the owner), and print "网站标识码：3501000001" in the
footer; failing those, the home page's `<title>` names the site ("清水市人民政府门户网站"). A
source's `agency` and `region`, when not given, are taken from here (and the region, when still
unknown, from the division table by the pipeline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .adapters.base import FetchedPage, clean, tree

_IDCODE = re.compile(r"网站标识码\s*[:：]?\s*(\d{10})")
_SUFFIX = re.compile(r"(?:门户网站|政府网站|官方网站|官网|网站|首页|主页)$")
_ISSUER = re.compile(r"(?:人民政府|政府|委员会|办公室|办公厅|局|厅|委|部|署|院|中心)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteIdentity:
    agency: str = ""
    region: str = ""
    """6-digit 行政区划代码 from the 网站标识码, '' when the site does not show one."""


def _meta(root: object, name: str) -> str:
    for el in root.iter("meta"):  # type: ignore[attr-defined]
        if (el.get("name") or "").lower() == name.lower():
            return clean(el.get("content") or "")
    return ""


def _title_name(title: str) -> str:
    """The issuer in a page title: "首页_清水市人民政府门户网站" → 清水市人民政府."""
    parts = [_SUFFIX.sub("", p.strip()) for p in re.split(r"[_|｜\-—–·]+", title) if p.strip()]
    issuers = [p for p in parts if _ISSUER.search(p)]
    return issuers[-1] if issuers else (parts[-1] if parts else "")


def site_identity(page: FetchedPage) -> SiteIdentity:
    root = tree(page)
    if root is None:
        return SiteIdentity()
    name = _meta(root, "SiteName")
    if not name:
        title = root.find(".//title")
        name = _title_name(clean(title.text_content())) if title is not None else ""
    code = _meta(root, "SiteIdcode")
    if not re.fullmatch(r"\d{10}", code):
        m = _IDCODE.search(clean(root.text_content()))
        code = m.group(1) if m else ""
    return SiteIdentity(agency=name[:60], region=code[:6])
