"""Cross-year and cross-report checks as data: soft findings, never corrections.

One row per check instance (rule, agency_id, report_year, prev_year, report_id, other_report_id,
scope, lhs, rhs, status pass|fail|uncertain, severity, detail), on the report the panel uses for
each agency and year (`versions.latest`). Printed values are never changed.

| rule | what | lhs / rhs |
|---|---|---|
| T3-XYEAR | carry-over chain: 二、上年结转 (Y) = 四、结转下年度 (Y-1), per applicant column; after a merger the absorbed bodies' carry-out is added | r2(Y) / r4(Y-1) |
| T2-STOCK | documents in force: 现行有效 (Y) = 现行有效 (Y-1) + 本年制发 (Y) − 本年废止 (Y), rows 规章 and 行政规范性文件 (2021 format both years) | in_force(Y) / expected |
| T2v19-ITEMS | 2019 format: 上一年项目数量 (Y) = 上一年项目数量 (Y-1) + 本年增/减 (Y-1) | items_prev(Y) / expected |
| NARR-COPY-PREV | share of the report's distinctive narrative sentences found in the agency's previous report | share / `COPY_SHARE` |
| NARR-COPY-OTHER | the same share against the best-matching earlier report of another agency | share / `COPY_SHARE` |
| NARR-YEAR | a sentence announcing plans for the report year or earlier ("2023年，我局将…" in the 2023 report) | year printed / report year + 1 |

Checks compare consecutive years only (a gap in the series gives no T3-XYEAR row). All are
soft: restatements, scope changes and legitimate re-use of wording exist.

Narrative sentences are those of every section but the three that hold the tables (二、三、四 —
their labels are the same in every report), split at 。！？；, compared with digits and Chinese numerals
masked (a copier changes the year) and punctuation dropped; fragments without a comma or a final
stop (headings, the signature) and sentences under `MIN_CHARS` characters are ignored.
Sentences printed by several agencies (at least `BOILERPLATE_AGENCIES` of them, or 10 % of the
agencies of the dataset) are boilerplate and never count as copied.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from pipeline.template.codebook import T3_COLS

COPY_SHARE = 0.5
MIN_SENTENCES = 3
MIN_CHARS = 12
BOILERPLATE_AGENCIES = 3
TABLE_SECTIONS = frozenset({"proactive", "requests", "appeals"})
COLUMNS = ("rule", "agency_id", "report_year", "prev_year", "report_id", "other_report_id", "scope", "lhs",
           "rhs", "status", "severity", "detail")

_SENT = re.compile(r"[^。!?;！？；\n]+[。!?;！？；]?")
_MASK = re.compile(r"[0-9]+(?:\.[0-9]+)?|[〇○零一二三四五六七八九十百千万]{2,}(?=年|月|日|件|条|次|个|项)")
_PUNCT = re.compile(r"[\s,，、:：;；\"'“”‘’()（）《》〈〉【】\[\]<>·.。!?！？-]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FUTURE_YEAR = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]{1,2}[)）、.]\s*)?(?:(?:下一步|今后|新的一年|明年)[,，]?\s*)?"
    r"(\d{4})\s*年度?\s*[,，]?\s*([^,，。;；]{0,12}?)将(.{0,3})")
_FUTURE_WORDS = re.compile(r"^(?:以|继续|进一步|持续|不断|着力|努力|切实|坚持|全面|深入|积极|加大|加强|紧紧|重点|认真|围绕)")
_PLAN_WORDS = re.compile(r"下一步|今后|新的一年|明年|计划|力争|拟")

Values = Mapping[str, Mapping[str, float | None]]


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts keyed by column name."""
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


# ---------------------------------------------------------------------------------------------
# Narrative sentences


_ITEM = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十]{1,3}[)）、]|\d{1,2}[.、．](?!\d))")


def _unwrapped(text: str) -> str:
    """Lines a page layout wrapped mid-sentence joined again: a line break ends a sentence only after
    a stop, or before a new item (一、 （二） 3.); otherwise the same sentence wrapped differently in
    two reports would never compare equal."""
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1].rstrip()
        if prev and prev[-1] not in "。!?;！？；:：" and line.strip() and not _ITEM.match(line):
            out[-1] = prev + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


def _fragments(text: str) -> Iterable[str]:
    """Sentences of a narrative as printed (compared by `sentence_key`), with at least a comma or a stop."""
    flat = _unwrapped(text)
    for m in _SENT.finditer(flat):
        s = re.sub(r"\s+", "", m.group(0))
        if s and (s[-1] in "。!?;！？；" or "," in s or "，" in s):
            yield s


def sentence_key(sentence: str) -> str:
    """Comparable form: numbers masked, punctuation and spaces dropped."""
    return _PUNCT.sub("", _MASK.sub("#", unicodedata.normalize("NFKC", sentence)))


def _narrative_sections(sections: pd.DataFrame) -> pd.DataFrame:
    if sections.empty:
        return sections
    return sections[~sections["code"].isin(TABLE_SECTIONS)].sort_values(["report_id", "ordinal"])


def narrative_text(sections: pd.DataFrame) -> dict[str, list[str]]:
    """report_id → its narrative sentences as printed (see the module docstring)."""
    out: dict[str, list[str]] = defaultdict(list)
    for rid, text in zip(*(_narrative_sections(sections)[c] for c in ("report_id", "text")), strict=True):
        out[str(rid)] += [s for s in _fragments(str(text or "")) if len(_CJK.findall(s)) >= MIN_CHARS]
    return out


def narrative_sentences(sections: pd.DataFrame) -> dict[str, frozenset[str]]:
    """report_id → the set of its narrative sentences in comparable form."""
    return {rid: frozenset(sentence_key(s) for s in ss) for rid, ss in narrative_text(sections).items()}


# ---------------------------------------------------------------------------------------------
# Checks


def _row(rule: str, cur: Mapping[str, object], prev: Mapping[str, object] | None, scope: str,
         lhs: float | None, rhs: float | None, status: str, detail: str = "") -> dict[str, object]:
    return {"rule": rule, "agency_id": cur["agency_id"], "report_year": cur["report_year"],
            "prev_year": prev["report_year"] if prev is not None else None, "report_id": cur["report_id"],
            "other_report_id": prev["report_id"] if prev is not None else None, "scope": scope, "lhs": lhs,
            "rhs": rhs, "status": status, "severity": "soft", "detail": detail or None}


def _compare(lhs: float | None, rhs: float | None) -> str:
    if lhs is None or rhs is None:
        return "uncertain"
    return "pass" if abs(lhs - rhs) < 1e-6 else "fail"


def _sum(values: Iterable[float | None]) -> float | None:
    vs = list(values)
    return None if any(v is None for v in vs) else float(sum(v for v in vs if v is not None))


def _chain_checks(chosen: pd.DataFrame, values: Values, links: pd.DataFrame) -> list[dict[str, object]]:
    by_key = {(r["agency_id"], int(r["report_year"])): r for r in records(chosen)}
    merged_into: dict[tuple[str, int], list[str]] = defaultdict(list)
    for link in records(links[links["kind"] == "merger"]):
        merged_into[(str(link["to_id"]), int(link["year"]))].append(str(link["from_id"]))
    out: list[dict[str, object]] = []
    for (agency, year), cur in sorted(by_key.items()):
        prev = by_key.get((agency, year - 1))
        preds = sorted(set(merged_into.get((agency, year), [])))
        sources = ([prev] if prev is not None else []) + [by_key.get((p, year - 1)) for p in preds]
        if not sources:
            continue
        known = [s for s in sources if s is not None]
        v = values.get(str(cur["report_id"]), {})
        pv = [values.get(str(s["report_id"]), {}) for s in known]
        note = f"incl. carry-over of merged {', '.join(preds)}" if preds else ""
        missing_pred = len(known) < len(sources)
        anchor = prev if prev is not None else known[0] if known else None

        def status(lhs: float | None, rhs: float | None, missing: bool = missing_pred) -> str:
            return "uncertain" if missing else _compare(lhs, rhs)

        if "t3:t3.r2:tot" in v and pv and all("t3:t3.r4:tot" in p for p in pv):
            for c in T3_COLS:
                lhs, rhs = v.get(f"t3:t3.r2:{c}"), _sum(p.get(f"t3:t3.r4:{c}") for p in pv)
                out.append(_row("T3-XYEAR", cur, anchor, c, lhs, rhs, status(lhs, rhs), note))
        if "t2:t2.i1.reg:in_force" in v and pv and all("t2:t2.i1.reg:in_force" in p for p in pv):
            for r in ("t2.i1.reg", "t2.i1.nds"):
                base = _sum(p.get(f"t2:{r}:in_force") for p in pv)
                issued, repealed = v.get(f"t2:{r}:issued"), v.get(f"t2:{r}:repealed")
                rhs = None if base is None or issued is None or repealed is None else base + issued - repealed
                lhs = v.get(f"t2:{r}:in_force")
                out.append(_row("T2-STOCK", cur, anchor, r, lhs, rhs, status(lhs, rhs), note))
        if prev is not None and not preds and "t2:t2.i5.lic:items_prev" in v:
            p = values.get(str(prev["report_id"]), {})
            if "t2:t2.i5.lic:items_prev" in p:
                for r in ("t2.i5.lic", "t2.i5.svc", "t2.i6.pen", "t2.i6.coe", "t2.i8.fee"):
                    a, d = p.get(f"t2:{r}:items_prev"), p.get(f"t2:{r}:items_delta")
                    lhs = v.get(f"t2:{r}:items_prev")
                    rhs = None if a is None or d is None else a + d
                    out.append(_row("T2v19-ITEMS", cur, prev, r, lhs, rhs, _compare(lhs, rhs)))
    return out


def _copy_checks(chosen: pd.DataFrame, sentences: Mapping[str, frozenset[str]]) -> list[dict[str, object]]:
    rows = sorted(records(chosen), key=lambda r: (r["agency_id"], int(r["report_year"])))
    agencies_of: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        for s in sentences.get(str(r["report_id"]), ()):
            agencies_of[s].add(str(r["agency_id"]))
    n_agencies = len({r["agency_id"] for r in rows})
    limit = max(BOILERPLATE_AGENCIES, math.ceil(0.1 * n_agencies))
    distinctive = {str(r["report_id"]): frozenset(s for s in sentences.get(str(r["report_id"]), ())
                                                  if len(agencies_of[s]) < limit) for r in rows}
    holders: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        for s in distinctive[str(r["report_id"])]:
            holders[s].append(r)

    def when(r: Mapping[str, object]) -> tuple[int, str]:
        pub = r.get("published")
        return int(str(r["report_year"])), "" if pub is None or pub != pub else str(pub)

    out: list[dict[str, object]] = []
    previous: dict[str, dict[str, Any]] = {}
    for r in rows:
        mine = distinctive[str(r["report_id"])]
        enough = len(mine) >= MIN_SENTENCES
        prev = previous.get(str(r["agency_id"]))
        if prev is not None:
            share = len(mine & distinctive[str(prev["report_id"])]) / len(mine) if mine else None
            status = "uncertain" if not enough or share is None else "fail" if share >= COPY_SHARE else "pass"
            out.append(_row("NARR-COPY-PREV", r, prev, "narrative", share, COPY_SHARE, status,
                            f"{len(mine)} distinctive sentences"))
        previous[str(r["agency_id"])] = r
        counts: dict[str, int] = defaultdict(int)
        by_id: dict[str, dict[str, Any]] = {}
        for s in mine:
            for other in holders[s]:
                if other["agency_id"] != r["agency_id"] and when(other) < when(r):
                    counts[str(other["report_id"])] += 1
                    by_id[str(other["report_id"])] = other
        best = max(sorted(counts), key=lambda k: counts[k]) if counts else None
        share = counts[best] / len(mine) if best and mine else 0.0 if mine else None
        status = "uncertain" if not enough or share is None else "fail" if share >= COPY_SHARE else "pass"
        src = by_id[best] if best else None
        detail = f"best match {src['agency_id']} {src['report_year']}" if src is not None else "no shared sentence"
        out.append(_row("NARR-COPY-OTHER", r, src, "narrative", share, COPY_SHARE, status, detail))
    return out


def wrong_year_sentences(sentences: Iterable[str], report_year: int) -> list[tuple[int, str]]:
    """(year printed, sentence) for every sentence announcing plans for `report_year` or earlier."""
    out = []
    for s in sentences:
        flat = unicodedata.normalize("NFKC", s)  # full-width digits and commas as printed
        m = _FUTURE_YEAR.match(flat)
        if not m:
            continue
        year = int(m.group(1))
        if year <= report_year and (_FUTURE_WORDS.match(m.group(3)) or _PLAN_WORDS.search(flat)):
            out.append((year, s))
    return out


def _year_checks(chosen: pd.DataFrame, text: Mapping[str, list[str]]) -> list[dict[str, object]]:
    out = []
    for r in sorted(records(chosen), key=lambda r: (r["agency_id"], int(r["report_year"]))):
        sentences = text.get(str(r["report_id"]), [])
        if not sentences:
            continue
        year = int(r["report_year"])
        bad = wrong_year_sentences(sentences, year)
        if bad:
            out.append(_row("NARR-YEAR", r, None, "narrative", float(bad[0][0]), float(year + 1), "fail",
                            " | ".join(s[:80] for _, s in bad)))
        else:
            out.append(_row("NARR-YEAR", r, None, "narrative", None, float(year + 1), "pass"))
    return out


def crossyear(chosen: pd.DataFrame, values: Values, sections: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Every cross-year and narrative check on the chosen reports (agency_id, report_year, report_id, published)."""
    if chosen.empty:
        return _types(pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS}))
    text = narrative_text(sections[sections["report_id"].isin(chosen["report_id"])])
    sentences = {rid: frozenset(sentence_key(s) for s in ss) for rid, ss in text.items()}
    rows = _chain_checks(chosen, values, links) + _copy_checks(chosen, sentences) + _year_checks(chosen, text)
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    order = {rule: i for i, rule in enumerate(("T3-XYEAR", "T2-STOCK", "T2v19-ITEMS", "NARR-COPY-PREV",
                                               "NARR-COPY-OTHER", "NARR-YEAR"))}
    df = df.assign(_o=df["rule"].map(order)).sort_values(["agency_id", "report_year", "_o"], kind="mergesort")
    return _types(df.drop(columns="_o").reset_index(drop=True))


def _types(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("report_year", "prev_year"):
        df[col] = df[col].astype("Int16")
    for col in ("lhs", "rhs"):
        df[col] = df[col].astype("float64")
    return df


__all__ = ["COLUMNS", "COPY_SHARE", "crossyear", "narrative_sentences", "narrative_text", "sentence_key",
           "wrong_year_sentences"]
