"""The audit report: one self-contained HTML page about a dataset, for auditors.

Five plots, each an inline SVG in a ``<figure data-plot="…">`` (no script, no external URL, a
Content-Security-Policy that forbids fetching anything), and the tables behind them:

* ``failing-checks`` — failing checks by agency and rule (the identities of every report's latest
  version and the cross-year findings);
* ``coverage`` — annual reports by year and province; ``status`` — reports by year and status;
* ``requests`` — request volumes and grant rates over time (sum and median over agencies);
* ``outliers`` — agency-years far from their peers (same year and level of government) in
  request volume or grant rate: modified z-score |z| > `OUTLIER_Z` (median/MAD, Iglewicz–Hoaglin),
  in peer groups of at least `MIN_PEERS` agencies.

Same dataset → same bytes (SVG ids salted, no dates).
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from functools import cache

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from pipeline import __version__
from pipeline.products.counted import counted
from pipeline.products.panel import Products
from pipeline.store.dataset import Dataset

OUTLIER_Z = 3.5
MIN_PEERS = 5
TOP_AGENCIES = 25
PLOTS: tuple[str, ...] = ("failing-checks", "coverage", "status", "requests", "outliers")
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei",
              "Microsoft YaHei", "Noto Serif CJK SC")
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@cache
def cjk_font() -> str | None:
    """An installed font with Chinese glyphs (fonts-noto-cjk), or None."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in _CJK_FONTS if n in names), None)


def _label(text: str) -> str:
    """Chinese labels need a CJK font; without one, keep the ASCII part (codes) readable."""
    if cjk_font() is not None:
        return text
    return re.sub(r"[^\x00-\x7f]+", "…", text)


def plot_style() -> AbstractContextManager[None]:
    """Matplotlib settings of every plot: a CJK font, glyphs as paths, deterministic SVG ids."""
    font = cjk_font()
    return matplotlib.rc_context({
        "svg.hashsalt": "xxgk-audit", "svg.fonttype": "path", "font.size": 9,
            "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False})


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buf.getvalue()
    # Drop the XML prologue and the RDF metadata block (namespace URLs, nothing to show).
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg"):], flags=re.S)


# ---------------------------------------------------------------------------------------------
# The data behind each plot


def failing_by_agency(ds: Dataset, products: Products) -> pd.DataFrame:
    """agency_id × rule → number of failing checks, on the reports the panel uses."""
    chosen = products.panel[["report_id", "agency_id"]]
    hard = ds.checks[(ds.checks["status"] == "fail")].merge(chosen, on="report_id")[["agency_id", "rule"]]
    cross = products.crossyear[products.crossyear["status"] == "fail"][["agency_id", "rule"]]
    both = pd.concat([hard, cross], ignore_index=True)
    if both.empty:
        return pd.DataFrame()
    table = both.groupby(["agency_id", "rule"]).size().unstack(fill_value=0)
    order = table.sum(axis=1).sort_values(ascending=False, kind="mergesort").index
    return table.loc[order].sort_index(axis=1)


def coverage(ds: Dataset) -> pd.DataFrame:
    """Annual reports by province (rows) and report year (columns)."""
    rep = ds.reports[(ds.reports["doc_kind"] == "annual_report") & ds.reports["report_year"].notna()]
    if rep.empty:
        return pd.DataFrame()
    province = rep["region_name"].fillna("(unknown region)").astype(str).str.split("/").str[0]
    return pd.crosstab(province, rep["report_year"].astype(int)).sort_index()


def status_by_year(ds: Dataset) -> pd.DataFrame:
    rep = ds.reports
    year = rep["report_year"].astype("Float64").fillna(-1).astype(int).astype(str).replace("-1", "unknown")
    return pd.crosstab(year, rep["status"])


def requests_over_time(panel: pd.DataFrame) -> pd.DataFrame:
    """Per year: agencies reporting, requests received (sum), grant rate (median, quartiles)."""
    if panel.empty:
        return pd.DataFrame()
    g = panel.groupby("report_year")
    out = pd.DataFrame({
        "agencies": g["agency_id"].nunique(),
        "requests_new": g["requests_new"].sum(min_count=1),
        "grant_rate_median": g["grant_rate"].median(),
        "grant_rate_q1": g["grant_rate"].quantile(0.25),
        "grant_rate_q3": g["grant_rate"].quantile(0.75),
    })
    return out.astype("float64")


def outliers(panel: pd.DataFrame, metrics: Sequence[str] = ("requests_new", "grant_rate")) -> pd.DataFrame:
    """Agency-years whose metric is far from their peers' (see the module docstring)."""
    rows = []
    for metric in metrics:
        df = panel[["agency_id", "agency", "report_year", "admin_level", metric]].dropna(subset=[metric])
        values = df[metric].astype("float64")
        x = np.log1p(values) if metric == "requests_new" else values
        df = df.assign(xval=x, admin_level=df["admin_level"].fillna("?"))
        for (year, level), grp in df.groupby(["report_year", "admin_level"]):
            if len(grp) < MIN_PEERS:
                continue
            med = float(grp["xval"].median())
            mad = float((grp["xval"] - med).abs().median())
            if mad == 0:
                continue
            peer = float(grp[metric].astype("float64").median())
            for agency_id, agency, xval, value in zip(grp["agency_id"], grp["agency"], grp["xval"], grp[metric],
                                                       strict=True):
                z = 0.6745 * (float(xval) - med) / mad
                if abs(z) > OUTLIER_Z:
                    rows.append({"agency_id": agency_id, "agency": agency, "report_year": int(str(year)),
                                 "admin_level": level, "metric": metric, "value": float(value),
                                 "peer_median": peer, "n_peers": len(grp), "z": round(z, 2)})
    cols = ["agency_id", "agency", "report_year", "admin_level", "metric", "value", "peer_median", "n_peers", "z"]
    return pd.DataFrame(rows, columns=cols).sort_values(["report_year", "metric", "agency_id"], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Plots


def _empty(fig: Figure, message: str) -> None:
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#555")
    ax.set_axis_off()


def _heatmap(fig: Figure, table: pd.DataFrame, xlabel: str, ylabel: str, cmap: str) -> None:
    ax = fig.add_subplot()
    data = table.to_numpy(dtype=float)
    ax.imshow(data, aspect="auto", cmap=cmap, vmin=0)
    ax.set_xticks(range(len(table.columns)), [_label(str(c)) for c in table.columns], rotation=45, ha="right")
    ax.set_yticks(range(len(table.index)), [_label(str(i)) for i in table.index])
    peak = data.max() if data.size else 0
    for (i, j), v in np.ndenumerate(data):
        if v:
            ax.text(j, i, f"{int(v)}", ha="center", va="center", fontsize=8,
                    color="white" if v > peak / 2 else "black")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def plot_failing(table: pd.DataFrame, names: dict[str, str]) -> str:
    with plot_style():
        top = table.head(TOP_AGENCIES)
        fig = Figure(figsize=(max(6.0, 0.7 * len(table.columns) + 4), max(2.5, 0.32 * len(top) + 1.5)))
        if table.empty:
            _empty(fig, "no failing check")
        else:
            top = top.rename(index=lambda a: names.get(a, a))
            _heatmap(fig, top, "rule", "agency", "Reds")
        return _svg(fig)


def plot_coverage(table: pd.DataFrame) -> str:
    with plot_style():
        fig = Figure(figsize=(max(5.0, 0.6 * len(table.columns) + 3), max(2.5, 0.32 * len(table) + 1.5)))
        if table.empty:
            _empty(fig, "no annual report with a year")
        else:
            _heatmap(fig, table, "report year", "province", "Blues")
        return _svg(fig)


def plot_status(table: pd.DataFrame) -> str:
    colors = {"ok": "#2e7d32", "partial": "#f9a825", "failed": "#c62828"}
    with plot_style():
        fig = Figure(figsize=(7.0, 3.2))
        if table.empty:
            _empty(fig, "no report")
            return _svg(fig)
        ax = fig.add_subplot()
        bottom = np.zeros(len(table))
        for status in [s for s in ("ok", "partial", "failed") if s in table.columns]:
            vals = table[status].to_numpy(dtype=float)
            ax.bar(table.index.astype(str), vals, bottom=bottom, label=status, color=colors[status])
            bottom += vals
        ax.set_xlabel("report year")
        ax.set_ylabel("reports")
        ax.legend(frameon=False)
        return _svg(fig)


def plot_requests(table: pd.DataFrame) -> str:
    with plot_style():
        fig = Figure(figsize=(8.0, 3.4))
        if table.empty or table["requests_new"].isna().all():
            _empty(fig, "no Table 3 in the dataset")
            return _svg(fig)
        years = table.index.astype(int)
        ax1, ax2 = fig.subplots(1, 2)
        ax1.bar(years, table["requests_new"].fillna(0), color="#1565c0")
        ax1.set_title(_label("requests received (本年新收, sum)"))
        ax1.set_xlabel("report year")
        ax2.plot(years, table["grant_rate_median"], marker="o", color="#2e7d32", label="median")
        ax2.fill_between(years, table["grant_rate_q1"], table["grant_rate_q3"], color="#2e7d32", alpha=0.2,
                         label="quartiles")
        ax2.set_ylim(0, 1)
        ax2.set_title(_label("grant rate ((予以公开+部分公开)/总计)"))
        ax2.set_xlabel("report year")
        ax2.legend(frameon=False)
        for ax in (ax1, ax2):
            ax.set_xticks(list(years))
        return _svg(fig)


def plot_outliers(panel: pd.DataFrame, found: pd.DataFrame) -> str:
    with plot_style():
        fig = Figure(figsize=(7.5, 4.0))
        df = panel.dropna(subset=["requests_new", "grant_rate"])
        if df.empty:
            _empty(fig, "no agency-year with requests")
            return _svg(fig)
        ax = fig.add_subplot()
        flagged = set(zip(found["agency_id"], found["report_year"], strict=True))
        is_out = np.array([(a, int(y)) in flagged for a, y in zip(df["agency_id"], df["report_year"], strict=True)],
                          dtype=bool)
        x = df["requests_new"].astype("float64").to_numpy()
        y = df["grant_rate"].astype("float64").to_numpy()
        ax.scatter(x[~is_out], y[~is_out], s=14, color="#90a4ae", label="agency-year")
        ax.scatter(x[is_out], y[is_out], s=30, color="#c62828", label=f"outlier (|z| > {OUTLIER_Z})")
        out = df[is_out]
        for agency, year, xv, yv in zip(out["agency"], out["report_year"], x[is_out], y[is_out], strict=True):
            ax.annotate(_label(f"{agency} {year}"), (float(xv), float(yv)), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")
        ax.set_xscale("symlog", linthresh=10)
        ax.set_xlabel("requests received (本年新收)" if cjk_font() else "requests received")
        ax.set_ylabel("grant rate")
        ax.set_ylim(-0.05, 1.05)
        ax.legend(frameon=False, loc="lower right")
        return _svg(fig)


# ---------------------------------------------------------------------------------------------
# The page


def _table_html(df: pd.DataFrame, columns: Iterable[str], limit: int = 200) -> str:
    cols = [c for c in columns if c in df.columns]
    if df.empty:
        return "<p class='none'>none</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = []
    for r in df[cols].head(limit).itertuples(index=False):
        cells = []
        for v in r:
            if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
                text = ""
            elif isinstance(v, float):
                text = f"{v:.4g}"
            else:
                text = str(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p class='none'>… {len(df) - limit} more rows in the dataset</p>" if len(df) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _figure(plot: str, caption: str, svg: str) -> str:
    return (f"<figure class='plot' id='plot-{plot}' data-plot='{plot}'>{svg}"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;
max-width:1200px;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
figure.plot{margin:1rem 0}figure.plot svg{max-width:100%;height:auto}figcaption{color:#555;font-size:.85rem}
table{border-collapse:collapse;font-size:.8rem;margin:.5rem 0}td,th{border:1px solid #ddd;padding:2px 6px;
text-align:left;vertical-align:top}th{background:#f5f5f5}.kpi{display:flex;gap:1.5rem;flex-wrap:wrap}
.kpi div{background:#f5f7fa;padding:.6rem 1rem;border-radius:4px}.kpi b{display:block;font-size:1.3rem}
.none{color:#777;font-size:.85rem}
"""


def audit_html(ds: Dataset, products: Products, *, title: str = "xxgk audit report") -> str:
    """The whole page as a string (see the module docstring); an assembled report counts, not its members."""
    ds = counted(ds)
    panel = products.panel
    names = dict(zip(products.agencies["agency_id"], products.agencies["name"], strict=True))
    failing = failing_by_agency(ds, products)
    cov = coverage(ds)
    found = outliers(panel)
    trend = requests_over_time(panel)
    annual = ds.reports[ds.reports["doc_kind"] == "annual_report"]
    cy_fail = products.crossyear[products.crossyear["status"] == "fail"].merge(
        products.agencies[["agency_id", "name"]], on="agency_id", how="left")
    hard = ds.checks[(ds.checks["status"] == "fail") & (ds.checks["severity"] == "hard")].merge(
        ds.reports[["report_id", "agency", "report_year", "source"]], on="report_id", how="left")
    hard = hard.assign(superseded=~hard["report_id"].isin(panel["report_id"]))
    kpis = [("reports", len(ds.reports)), ("annual reports", len(annual)),
            ("failed inputs", int((ds.reports["status"] == "failed").sum())),
            ("agencies", len(products.agencies)), ("agency-years", len(panel)),
            ("hard checks failing", len(hard)), ("cross-year findings", len(cy_fail)), ("outliers", len(found))]
    years = panel["report_year"].dropna()
    span = f"{int(years.min())}–{int(years.max())}" if len(years) else "no year"
    parts = [
        "<!DOCTYPE html>", "<html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{_CSP}\">",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Report years {span}; xxgk {html.escape(__version__)}. Checks never change printed numbers: "
        "a failing check is a finding about the report or its extraction.</p>",
        "<div class='kpi'>" + "".join(f"<div><b>{v}</b>{html.escape(k)}</div>" for k, v in kpis) + "</div>",
        "<h2>Failing checks by agency and rule</h2>",
        _figure("failing-checks", f"Failing checks (identities and cross-year) of the {TOP_AGENCIES} agencies "
                "with most failures; reports used by the panel.", plot_failing(failing, names)),
        "<h3>Cross-year findings</h3>",
        _table_html(cy_fail, ["rule", "name", "agency_id", "report_year", "prev_year", "scope", "lhs", "rhs",
                              "detail"]),
        "<h3>Hard identity failures</h3>",
        "<p>Every report; <i>superseded</i> marks a report the panel does not use (an earlier version or a "
        "duplicate capture).</p>",
        _table_html(hard, ["rule", "agency", "report_year", "scope", "lhs", "rhs", "superseded", "source"]),
        "<h2>Coverage by year and region</h2>",
        _figure("coverage", "Annual reports by province and report year.", plot_coverage(cov)),
        _figure("status", "Every input by report year and status.", plot_status(status_by_year(ds))),
        "<h2>Request volumes and grant rates over time</h2>",
        _figure("requests", "Requests received (sum over agencies) and grant rate (median and quartiles over "
                "agencies), per report year.", plot_requests(trend)),
        _table_html(trend.reset_index(), ["report_year", "agencies", "requests_new", "grant_rate_median",
                                          "grant_rate_q1", "grant_rate_q3"]),
        "<h2>Outliers against peer agencies</h2>",
        _figure("outliers", f"Agency-years whose request volume (log) or grant rate is more than {OUTLIER_Z} "
                f"robust z-scores from the median of their peers (same year and level, ≥ {MIN_PEERS} agencies).",
                plot_outliers(panel, found)),
        _table_html(found, ["agency", "agency_id", "report_year", "admin_level", "metric", "value", "peer_median",
                            "n_peers", "z"]),
        "<h2>Agencies: renames and mergers</h2>",
        _table_html(products.links, ["kind", "year", "from_name", "to_name", "from_id", "to_id", "evidence",
                                     "detail"]),
        "<h2>Reports with several versions or captures</h2>",
        _table_html(products.versions[(products.versions["n_versions"] > 1) | (products.versions["n_sources"] > 1)],
                    ["agency_id", "report_year", "version", "is_latest", "is_canonical", "published", "n_sources",
                     "sources"]),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


__all__ = ["OUTLIER_Z", "PLOTS", "audit_html", "cjk_font", "coverage", "failing_by_agency", "outliers", "plot_style",
           "requests_over_time", "status_by_year"]
