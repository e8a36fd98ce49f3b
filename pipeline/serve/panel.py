"""The agency × year panel with reviewed values: a correction replaces the extracted value of its
cell, the report's indicators are recomputed by the panel's own code, and the row says which
indicators a review changed (`<indicator>_reviewed` true, and `reviewed` naming them, comma-separated). The extracted data is untouched."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd

from pipeline.products.panel import GRANT_RATE, INDICATORS, indicator_values
from pipeline.products.versions import cell_fingerprints
from pipeline.serve.db import Db
from pipeline.serve.reviews import Review

_USES = {i.name: {*i.v2021, *i.v2019, *i.vpre} for i in INDICATORS}
_USES[GRANT_RATE.name] = _USES["granted"] | _USES["partial"] | _USES["processed_total"]


def reviewed_panel(panel: pd.DataFrame, db: Db, latest: dict[tuple[str, str, str, str], Review]) -> pd.DataFrame:
    out = panel.copy()
    out["reviewed"] = ""
    corrections: dict[str, dict[str, Review]] = defaultdict(dict)
    for (rid, table, row, col), review in latest.items():
        if review.kind == "correct":
            corrections[rid][f"{table}:{row}:{col}"] = review
    index = {rid: i for i, rid in zip(out.index, out["report_id"], strict=True) if rid in corrections}
    for rid, i in index.items():
        cells = pd.DataFrame(db.rows('SELECT report_id, "table", "row", col, value, flag FROM cells '
                                     "WHERE report_id = ?", [rid]))
        if cells.empty:
            continue
        keys = cells["table"] + ":" + cells["row"] + ":" + cells["col"]
        changed = keys.isin(corrections[rid].keys())
        cells.loc[changed, "value"] = [corrections[rid][k].value for k in keys[changed]]
        cells.loc[changed, "flag"] = "number"
        values = cell_fingerprints(cells)[rid]
        new = indicator_values(values, pre=bool(out.at[i, "template"] == "pre2019"))
        touched = sorted(n for n, uses in _USES.items() if uses & corrections[rid].keys())
        for name in touched:
            out.at[i, name] = new[name]  # type: ignore[assignment]  # a float or None, as the panel holds
            if f"{name}_reviewed" not in out.columns:
                out[f"{name}_reviewed"] = False
            out.at[i, f"{name}_reviewed"] = True
        out.at[i, "reviewed"] = ",".join(touched)
    return out


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-able rows (NA → None, numpy scalars → Python, dates → ISO text)."""
    clean = df.astype(object).where(df.notna(), None)
    rows: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in clean.to_dict("records")]
    for row in rows:
        for k, v in row.items():
            if hasattr(v, "isoformat"):
                row[k] = v.isoformat()
            elif hasattr(v, "item"):
                row[k] = v.item()
    return rows


def frame_json(df: pd.DataFrame) -> str:
    """The rows as a JSON array, written by pandas in one pass (the 10^4-row panel: ~1 s → ~0.1 s
    against `records`); dates as ISO days, NA as null."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            first = out[col].dropna().head(1).tolist()
            if first and hasattr(first[0], "isoformat"):
                out[col] = out[col].map(lambda d: d.isoformat() if d is not None and not pd.isna(d) else None)
    text: str = out.to_json(orient="records", force_ascii=False, date_format="iso")
    return text
