"""Agency identity across years: one stable `agency_id` per reporting body, renames and mergers as links.

The printed name of an agency drifts from year to year ("东昌区科技局", "通化市东昌区科学技术局"), and
bodies are renamed or merged in 机构改革. Researchers need one id per body so that a panel row
series does not break on a spelling, and auditors need to see where a series really ends. The
rules, in order:

1. **Normalised name.** NFKC, no whitespace; the region prefix ("通化市东昌区") is cut off using
   the report's region path, and the rest (the *kind*: 科学技术局, 人民政府 …) is expanded from its
   common abbreviation (`ABBREVIATIONS`: 科技局 → 科学技术局, 政府办 → 人民政府办公室 …). The name key
   is ``<region_code>:<kind>`` — ``CN:<name>`` for a national body, ``?:<name>`` when the name
   names no region unambiguously (never guessed: "西湖区科技局" exists in two cities).
2. **Renames** join two name keys into one agency only on evidence, and only when the two names
   never report in the same year: the same organisation code in the 索引号 prefix (unified social
   credit code or 组织机构代码, check digit verified), or a sentence of the newer report that names the
   older body with 更名 / 名称变更.
3. **Mergers** (整合 / 划入 / 并入 / 不再保留 … in a sentence of the successor's report naming a body
   whose series has ended) are recorded as links from the absorbed body to its successor; both
   keep their own ids.

The `agency_id` of a renamed body is the name key of its earliest name, so adding later years
never changes it. The parent government is the 人民政府 of the agency's region (for a government,
the one of the region above; a province's is ``CN:国务院``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

ABBREVIATIONS: Mapping[str, str] = {
    # kind as printed → kind in full (exact match on what is left after the region prefix)
    "政府": "人民政府", "政府办": "人民政府办公室", "政府办公室": "人民政府办公室", "政府办公厅": "人民政府办公厅",
    "办公厅": "人民政府办公厅",
    "科技局": "科学技术局", "科技厅": "科学技术厅", "科委": "科学技术委员会",
    "人社局": "人力资源和社会保障局", "人社厅": "人力资源和社会保障厅",
    "住建局": "住房和城乡建设局", "住建厅": "住房和城乡建设厅",
    "卫健局": "卫生健康局", "卫健委": "卫生健康委员会",
    "市场监管局": "市场监督管理局", "医保局": "医疗保障局",
    "发改委": "发展和改革委员会", "发改局": "发展和改革局",
    "工信局": "工业和信息化局", "工信厅": "工业和信息化厅",
    "资规局": "自然资源和规划局", "文旅局": "文化和旅游局", "文旅厅": "文化和旅游厅",
    "应急局": "应急管理局", "退役军人局": "退役军人事务局", "城管局": "城市管理局",
    "交通局": "交通运输局", "交通厅": "交通运输厅", "教体局": "教育体育局",
    "林草局": "林业和草原局", "人防办": "人民防空办公室", "管委会": "管理委员会",
}

_SPACE = re.compile(r"\s+")
_RENAME = re.compile(r"更名|改名|名称变更|名称调整")
_MERGE = re.compile(r"整合|划入|并入|合并|撤并|不再保留|撤销|组建|职责划转")
_SENTENCE = re.compile(r"[^。!?;\n]+")
_SELF = re.compile(r"[我本](?:局|委|办|厅|署|院|中心|机关|单位|部门)")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_ORG = re.compile(r"^([0-9A-Z]{8})-?([0-9X])(?![0-9A-Z])")
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_PSEUDO_PARENTS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


# ---------------------------------------------------------------------------------------------
# Names


def clean_name(name: str) -> str:
    """Comparable form of a printed name: NFKC, no whitespace, no surrounding quotes or brackets."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name)).strip("《》\"'“”")


def region_parts(region_name: str | None) -> tuple[str, ...]:
    """"吉林省/通化市/东昌区" → the printed components, without pseudo levels such as 市辖区."""
    if not region_name:
        return ()
    return tuple(p for p in region_name.split("/") if p and p not in _PSEUDO_PARENTS)


def _short(part: str) -> str:
    return re.sub(r"(省|市|自治区|特别行政区|自治州|地区|盟|壮族|回族|维吾尔)+$", "", part)


def split_name(name: str, region_name: str | None) -> tuple[str, str]:
    """(printed region prefix, kind in full): "东昌区科技局" in 吉林省/通化市/东昌区 → ("东昌区", "科学技术局")."""
    rest = clean_name(name)
    parts = region_parts(region_name)
    prefix = ""
    changed = True
    while changed and rest:
        changed = False
        for part in sorted({*parts, *(_short(p) for p in parts if len(_short(p)) >= 2)}, key=len, reverse=True):
            if rest.startswith(part) and len(rest) > len(part):
                prefix, rest, changed = prefix + part, rest[len(part):], True
                break
    return prefix, ABBREVIATIONS.get(rest, rest)


def name_key(name: str, region_code: str | None, region_name: str | None, admin_level: str | None) -> str:
    """The identity key of one printed name (see the module docstring, rule 1)."""
    if region_code:
        return f"{region_code}:{split_name(name, region_name)[1]}"
    _, kind = split_name(name, None)
    return f"{'CN' if admin_level == 'national' else '?'}:{kind}"


# ---------------------------------------------------------------------------------------------
# 索引号 → organisation code


def _org_check(code8: str) -> str:
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(code8, weights, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _uscc_ok(code: str) -> bool:
    total = sum(_USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


def org_code(index_number: str | None) -> str | None:
    """The 组织机构代码 (9 characters) at the head of a 索引号, or None.

    A 统一社会信用代码 prefix (18 characters, whose characters 9–17 are the organisation code) and a
    bare organisation code are accepted only when their check digits are right, so a portal's own
    running numbers ("001003001/2024-00007") are never taken for an agency's identity.
    """
    if not index_number:
        return None
    text = clean_name(index_number).upper()
    m = _USCC.match(text)
    if m and _uscc_ok(m.group(0)) and _org_check(m.group(0)[8:16]) == m.group(0)[16]:
        return m.group(0)[8:17]
    m = _ORG.match(text)
    if m and _org_check(m.group(1)) == m.group(2):
        return m.group(1) + m.group(2)
    return None


# ---------------------------------------------------------------------------------------------
# Parents


def parent_of(agency_key: str, region_name: str | None, admin_level: str | None) -> str | None:
    """The id of the government an agency reports under (see the module docstring)."""
    code, _, kind = agency_key.partition(":")
    if code == "CN":
        return None if kind == "国务院" else "CN:国务院"
    if code == "?" or not code.isdigit():
        return None
    if kind != "人民政府":  # a department, or a township (its region code is the county's)
        return f"{code}:人民政府"
    if code.endswith("0000"):
        return "CN:国务院"
    if code.endswith("00"):
        return f"{code[:2]}0000:人民政府"
    names = (region_name or "").split("/")
    if len(names) >= 2 and names[1] in _PSEUDO_PARENTS:  # a district of 北京市 / 上海市 …
        return f"{code[:2]}0000:人民政府"
    return f"{code[:4]}00:人民政府"


# ---------------------------------------------------------------------------------------------
# Identity


@dataclass(frozen=True)
class Identity:
    """`reports`: report_id → agency_id; `agencies`: one row per agency; `links`: renames and mergers."""

    reports: pd.DataFrame
    agencies: pd.DataFrame
    links: pd.DataFrame


AGENCY_COLUMNS = ("agency_id", "name", "names", "region_code", "region_name", "admin_level", "parent_id",
                  "org_code", "first_year", "last_year", "n_reports")
LINK_COLUMNS = ("from_id", "to_id", "from_name", "to_name", "kind", "year", "evidence", "report_id", "detail")


@dataclass
class _Node:
    key: str
    names: list[str]
    years: set[int]
    region_code: str | None
    region_name: str | None
    admin_level: str | None
    org_codes: set[str]
    kinds: set[str]

    @property
    def first(self) -> int:
        return min(self.years) if self.years else 9999

    @property
    def last(self) -> int:
        return max(self.years) if self.years else -1


class _Union:
    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, k: str) -> str:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _opt(v: object) -> str | None:
    return None if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v == "" else str(v)


def _year(v: object) -> int | None:
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else int(v)  # type: ignore[call-overload]


def _nodes(reports: pd.DataFrame) -> tuple[dict[str, _Node], dict[str, str]]:
    nodes: dict[str, _Node] = {}
    of_report: dict[str, str] = {}
    has_index = "index_number" in reports.columns
    for row in reports.sort_values(["report_id"]).itertuples(index=False):
        name = _opt(row.agency)
        if name is None:
            continue
        code, rname, level = _opt(row.region_code), _opt(row.region_name), _opt(row.admin_level)
        key = name_key(name, code, rname, level)
        node = nodes.setdefault(key, _Node(key, [], set(), code, rname, level, set(), set()))
        if clean_name(name) not in node.names:
            node.names.append(clean_name(name))
        node.kinds.add(split_name(name, rname)[1])
        year = _year(row.report_year)
        if year is not None:
            node.years.add(year)
        if has_index:
            oc = org_code(_opt(row.index_number))
            if oc:
                node.org_codes.add(oc)
        of_report[str(row.report_id)] = key
    for node in nodes.values():
        node.names.sort()
    return nodes, of_report


def _sentences(text: str) -> list[str]:
    flat = unicodedata.normalize("NFKC", text)
    return [s for s in (_SPACE.sub("", x) for x in _SENTENCE.findall(flat)) if len(s) >= 6]


def _mentions(sentence: str, node: _Node) -> bool:
    """Does the sentence name this body (full printed name, or its kind of ≥ 3 characters)?"""
    if any(n in sentence for n in node.names):
        return True
    kinds = {k for k in node.kinds if len(k) >= 3 and k not in {"人民政府", "人民政府办公室"}}
    return any(k in sentence for k in kinds)


def _text_links(nodes: dict[str, _Node], of_report: dict[str, str], reports: pd.DataFrame,
                sections: pd.DataFrame | None) -> list[dict[str, object]]:
    if sections is None or sections.empty:
        return []
    years = {str(r.report_id): _year(r.report_year) for r in reports.itertuples(index=False)}
    text_of: dict[str, str] = defaultdict(str)
    for s in sections.sort_values(["report_id", "ordinal"]).itertuples(index=False):
        if str(s.report_id) in of_report:
            text_of[str(s.report_id)] += "\n" + str(s.text or "")
    by_region: dict[str, list[_Node]] = defaultdict(list)
    for node in nodes.values():
        if node.region_code:
            by_region[node.region_code].append(node)
    links: list[dict[str, object]] = []
    seen: set[tuple[str, str]] = set()
    for rid in sorted(text_of):
        me = nodes[of_report[rid]]
        year = years.get(rid)
        if year is None or not me.region_code:
            continue
        for sentence in _sentences(text_of[rid]):
            rename, merge = bool(_RENAME.search(sentence)), bool(_MERGE.search(sentence))
            if not (rename or merge) or not (_SELF.search(sentence) or _mentions(sentence, me)):
                continue
            for other in by_region[me.region_code]:
                if other.key == me.key or other.last >= year or (other.key, me.key) in seen:
                    continue
                if not _mentions(sentence, other):
                    continue
                if rename and not other.years & me.years:
                    kind = "rename"
                elif merge:
                    kind = "merger"
                else:
                    continue
                seen.add((other.key, me.key))
                links.append({"from": other.key, "to": me.key, "kind": kind, "year": other.last + 1,
                              "evidence": "text", "report_id": rid, "detail": sentence[:200]})
    return links


def _index_links(nodes: dict[str, _Node]) -> list[dict[str, object]]:
    """Names sharing an organisation code and never reporting in the same year: one body, renamed."""
    by_code: dict[str, list[_Node]] = defaultdict(list)
    for node in nodes.values():
        for oc in node.org_codes:
            by_code[oc].append(node)
    links: list[dict[str, object]] = []
    for oc, group in sorted(by_code.items()):
        chain = sorted(group, key=lambda n: (n.first, n.key))
        for a, b in itertools.pairwise(chain):
            if a.years & b.years or a.last >= b.first:
                continue
            links.append({"from": a.key, "to": b.key, "kind": "rename", "year": b.first,
                          "evidence": "index_number", "report_id": None, "detail": f"组织机构代码 {oc}"})
    return links


def identify(reports: pd.DataFrame, sections: pd.DataFrame | None = None) -> Identity:
    """Assign every report with an agency name its `agency_id`; list agencies and their links.

    `reports` needs report_id, agency, region_code, region_name, admin_level, report_year (and
    uses doc_kind and index_number when the columns exist: only annual reports are identified);
    `sections` (report_id, ordinal, text) supplies
    the sentences that evidence renames and mergers.
    """
    if "doc_kind" in reports.columns:  # look-alikes (统计表, 网站年报) name no reporting body reliably
        reports = reports[reports["doc_kind"] == "annual_report"]
    nodes, of_report = _nodes(reports)
    raw_links = _index_links(nodes) + _text_links(nodes, of_report, reports, sections)
    union = _Union(nodes)
    for link in raw_links:
        if link["kind"] == "rename":
            union.join(str(link["from"]), str(link["to"]))
    clusters: dict[str, list[_Node]] = defaultdict(list)
    for node in nodes.values():
        clusters[union.find(node.key)].append(node)
    id_of: dict[str, str] = {}
    rows = []
    for members in clusters.values():
        members.sort(key=lambda n: (n.first, n.key))
        first, latest = members[0], max(members, key=lambda n: (n.last, n.key))
        agency_id = first.key
        for n in members:
            id_of[n.key] = agency_id
        years = set().union(*(n.years for n in members))
        names = sorted({nm for n in members for nm in n.names})
        region_code = next((n.region_code for n in reversed(members) if n.region_code), None)
        region_name = next((n.region_name for n in reversed(members) if n.region_name), None)
        level = next((n.admin_level for n in reversed(members) if n.admin_level), None)
        codes = sorted(set().union(*(n.org_codes for n in members)))
        rows.append({
            "agency_id": agency_id, "name": _display_name(latest), "names": "|".join(names),
            "region_code": region_code, "region_name": region_name, "admin_level": level,
            "parent_id": parent_of(agency_id, region_name, level), "org_code": codes[0] if codes else None,
            "first_year": min(years) if years else None, "last_year": max(years) if years else None,
        })
    counts = pd.Series([id_of[k] for k in of_report.values()], dtype="object").value_counts()
    for row in rows:
        row["n_reports"] = int(counts.get(row["agency_id"], 0))
    agencies = pd.DataFrame(rows, columns=list(AGENCY_COLUMNS)).sort_values("agency_id", ignore_index=True)
    for col in ("first_year", "last_year"):
        agencies[col] = agencies[col].astype("Int16")
    agencies["n_reports"] = agencies["n_reports"].astype("int32")
    merged: dict[tuple[object, ...], dict[str, object]] = {}
    for lk in raw_links:  # one row per link; every kind of evidence found for it is kept
        entry: dict[str, object] = {
            "from_id": id_of[str(lk["from"])], "to_id": id_of[str(lk["to"])],
            "from_name": _display_name(nodes[str(lk["from"])]), "to_name": _display_name(nodes[str(lk["to"])]),
            "kind": lk["kind"], "year": lk["year"], "evidence": lk["evidence"], "report_id": lk["report_id"],
            "detail": lk["detail"]}
        key = (entry["from_id"], entry["to_id"], entry["from_name"], entry["to_name"], entry["kind"], entry["year"])
        if key in merged:
            old = merged[key]
            pairs = sorted({(str(old["evidence"]), str(old["detail"])), (str(entry["evidence"]), str(entry["detail"]))})
            old["evidence"] = "+".join(dict.fromkeys(e for e, _ in pairs))
            old["detail"] = " | ".join(d for _, d in pairs)
            old["report_id"] = old["report_id"] or entry["report_id"]
        else:
            merged[key] = entry
    links = pd.DataFrame(list(merged.values()), columns=list(LINK_COLUMNS))
    links = links.sort_values(["year", "from_id", "to_id", "evidence"], ignore_index=True)
    links["year"] = links["year"].astype("Int16")
    mapping = pd.DataFrame(sorted((rid, id_of[k]) for rid, k in of_report.items()),
                           columns=["report_id", "agency_id"])
    return Identity(reports=mapping, agencies=agencies, links=links)


def _display_name(node: _Node) -> str:
    """The longest printed name of a body (the full form, region prefix included)."""
    return max(node.names, key=lambda n: (len(n), n))


__all__ = ["ABBREVIATIONS", "Identity", "clean_name", "identify", "name_key", "org_code", "parent_of",
           "split_name"]
