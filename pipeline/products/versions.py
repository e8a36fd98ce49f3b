"""Versions and duplicates: one report per agency and year, every edit kept and queryable.

The dataset keys a report by the digest of its bytes, so the same report captured from two URLs
(an HTML page and its PDF attachment, a page re-crawled with different chrome) arrives as two
rows, and an agency that corrects its published report leaves two different reports for one
year. Within one (agency_id, report_year):

* two reports are **the same content** when no statistical cell read in both disagrees (printed
  blanks and marks count as 0) and their narrative sentences overlap by at least
  `SAME_TEXT` (Jaccard; reports without narrative compare on cells alone). Each content group
  has one *canonical* report — the best read: status ok before partial, fewest null cells, then
  the smallest report_id — and lists every source it was found at;
* different contents are **versions**, ordered by publication date, then capture time (unknown
  dates first), then report_id. The panel uses the canonical report of the latest version; the
  earlier ones stay in the dataset and in this table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pandas as pd

from pipeline.products.crossyear import narrative_sentences, records

SAME_TEXT = 0.8
_BLANKISH = {"blank", "slash", "dash", "none", "zero_or_blank"}
COLUMNS = ("report_id", "agency_id", "report_year", "version", "n_versions", "is_latest", "canonical_id",
           "is_canonical", "n_sources", "sources", "published")

Fingerprint = dict[str, float | None]


def cell_fingerprints(cells: pd.DataFrame) -> dict[str, Fingerprint]:
    """report_id → {"table:row:col": value as used in identities (None when unreadable)}."""
    out: dict[str, Fingerprint] = defaultdict(dict)
    if cells.empty:
        return out
    value = cells["value"].where(cells["flag"] == "number")
    value = value.where(~cells["flag"].isin(_BLANKISH), 0.0)
    keys = cells["table"] + ":" + cells["row"] + ":" + cells["col"]
    for rid, key, v in zip(cells["report_id"], keys, value, strict=True):
        out[str(rid)][str(key)] = None if pd.isna(v) else float(v)
    return out


def same_content(a: Fingerprint, b: Fingerprint, text_a: frozenset[str], text_b: frozenset[str]) -> bool:
    """No statistical cell disagrees, and the narratives are (nearly) the same."""
    for key in a.keys() & b.keys():
        va, vb = a[key], b[key]
        if va is not None and vb is not None and abs(va - vb) > 1e-9:
            return False
    if not a and not b and not (text_a or text_b):
        return True
    if text_a or text_b:
        union = len(text_a | text_b)
        return union > 0 and len(text_a & text_b) / union >= SAME_TEXT
    return bool(a.keys() & b.keys())


def _quality(row: Mapping[str, object]) -> tuple[int, int, str]:
    status_rank = {"ok": 0, "partial": 1}.get(str(row["status"]), 2)
    n_null = row.get("n_cells_null")
    return status_rank, int(n_null) if isinstance(n_null, int | float) and n_null == n_null else 0, str(
        row["report_id"])


def _when(row: Mapping[str, object]) -> tuple[str, str, str]:
    pub, cap = row.get("published"), row.get("captured_at")
    return ("" if pub is None or pub != pub else str(pub), "" if cap is None or cap != cap else str(cap),
            str(row["report_id"]))


def versions(reports: pd.DataFrame, cells: pd.DataFrame, sections: pd.DataFrame,
             report_agency: pd.DataFrame) -> pd.DataFrame:
    """One row per annual report with an agency and a year: its version, group and canonical copy."""
    rep = reports.merge(report_agency, on="report_id", how="inner")
    rep = rep[(rep["doc_kind"] == "annual_report") & (rep["status"] != "failed") & rep["report_year"].notna()]
    if rep.empty:
        return _empty()
    fps = cell_fingerprints(cells[cells["report_id"].isin(rep["report_id"])])
    texts = narrative_sentences(sections[sections["report_id"].isin(rep["report_id"])])
    out: list[dict[str, object]] = []
    for (agency_id, year), group in rep.sort_values("report_id").groupby(["agency_id", "report_year"], sort=True):
        rows = records(group)
        contents: list[list[dict[str, Any]]] = []
        for row in rows:
            rid = str(row["report_id"])
            for content in contents:
                first = str(content[0]["report_id"])
                if same_content(fps.get(rid, {}), fps.get(first, {}), texts.get(rid, frozenset()),
                                texts.get(first, frozenset())):
                    content.append(row)
                    break
            else:
                contents.append([row])
        ordered = sorted(contents, key=lambda c: min(_when(r) for r in c))
        for number, content in enumerate(ordered, start=1):
            canonical = min(content, key=_quality)
            sources = sorted({str(r["source"]) for r in content})
            for row in content:
                pub = row.get("published")
                out.append({
                    "report_id": row["report_id"], "agency_id": agency_id, "report_year": int(str(year)),
                    "version": number, "n_versions": len(ordered), "is_latest": number == len(ordered),
                    "canonical_id": canonical["report_id"], "is_canonical": row is canonical,
                    "n_sources": len(sources), "sources": "|".join(sources),
                    "published": None if pub is None or pub != pub else pub,
                })
    df = pd.DataFrame(out, columns=list(COLUMNS))
    return _types(df.sort_values(["agency_id", "report_year", "version", "report_id"], ignore_index=True))


def latest(table: pd.DataFrame) -> pd.DataFrame:
    """The report the panel uses for each (agency_id, report_year)."""
    return table[table["is_latest"] & table["is_canonical"]].reset_index(drop=True)


def _types(df: pd.DataFrame) -> pd.DataFrame:
    df["report_year"] = df["report_year"].astype("Int16")
    for col in ("version", "n_versions", "n_sources"):
        df[col] = df[col].astype("int16")
    for col in ("is_latest", "is_canonical"):
        df[col] = df[col].astype(bool)
    return df


def _empty() -> pd.DataFrame:
    return _types(pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS}))


__all__ = ["COLUMNS", "SAME_TEXT", "cell_fingerprints", "latest", "same_content", "versions"]
