"""The agency × year panel and the longitudinal products built from a dataset.

One row per (agency_id, report_year): the report chosen by `versions.latest`, its metadata, and
the key indicators, read from the codebook cells through a crosswalk between the 2019 试行 and
the 2021 formats. An indicator is filled in an era only where `format_eras.md` says the measure
is the same; elsewhere it is null and an era-specific column carries the printed measure.

| column | 2021 format | 2019 format | unit |
|---|---|---|---|
| requests_new | t3.r1:tot | same | 件 |
| requests_new_person / requests_new_org | t3.r1:np / biz+sci+npo+law+oth | same | 件 |
| requests_carried_in | t3.r2:tot | same | 件 |
| granted / partial | t3.r3.1:tot / t3.r3.2:tot | same | 件 |
| denied (+ denied_secret … denied_query, 8 reasons) | Σ t3.r3.3.1–8:tot | same | 件 |
| unable (+ unable_not_held, unable_create, unable_unclear) | Σ t3.r3.4.1–3:tot | same | 件 |
| not_processed | Σ t3.r3.5.1–5:tot | same | 件 |
| other_processing | Σ t3.r3.6.1–3:tot | t3.r3.6:tot (single row) | 件 |
| other_no_correction / other_unpaid_fee / other_other | t3.r3.6.1 / .2 / .3 :tot | — (not printed) | 件 |
| processed_total | t3.r3.7:tot | same | 件 |
| carried_out | t3.r4:tot | same | 件 |
| grant_rate | (granted + partial) / processed_total | same | share |
| review_{upheld,corrected,other,pending,total} | t4.rev:{up,cor,oth,pend,tot} | same | 件 |
| suit_{upheld,corrected,other,pending,total} | t4.lit.dir + t4.lit.rev | same | 件 |
| suit_direct_total / suit_after_review_total | t4.lit.dir:tot / t4.lit.rev:tot | same | 件 |
| licensing_decisions / penalty_decisions / coercion_decisions | t2.i5.lic / t2.i6.pen / t2.i6.coe :decisions | same (处理决定数量) | 件 |
| fee_amount_wan | t2.i8.fee:amount_wan | — (2019 counts fee items) | 万元 |
| rules_{issued,repealed,in_force} | t2.i1.reg:{issued,repealed,in_force} | — | 件 |
| normative_{issued,repealed,in_force} | t2.i1.nds:{issued,repealed,in_force} | — | 件 |
| rules_made_2019 / normative_made_2019 | — | t2.i1.reg / t2.i1.nds :made_new (≈ issued, not the same measure) | 件 |
| rules_published_total_2019 / normative_published_total_2019 | — | :pub_total (documents disclosed, not in force) | 件 |

A printed blank, "/", "—" or "无" counts as 0; a cell that could not be read makes the indicator
(and any sum it enters) null.

Pre-2019 reports (2008–2018, table `p`) fill the indicators that have an approximate counterpart
(`_PRE`, format_eras.md §2.4: requests_new ← p.req.received, granted ← p.ans.granted, partial ←
p.ans.partial, denied ← p.ans.refused, unable_not_held ← p.ans.not_held + p.ans.not_exist,
unable_unclear ← p.ans.unclear, processed_total ← p.req.answered, review_* ← p.review.*, suit_* ←
p.litig.*, grant_rate from those); the rest stay null. Each such indicator has a flag column
`<name>_cmp`: `same` (2019+ definition), `approx` (pre-2019: no carry-over, other refusal reasons),
null when the indicator is null.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.products.agency import Identity, identify
from pipeline.products.counted import counted
from pipeline.products.crossyear import crossyear
from pipeline.products.versions import cell_fingerprints, latest, versions
from pipeline.store.dataset import Dataset

Kind = Literal["count", "amount", "rate"]


@dataclass(frozen=True, slots=True)
class Indicator:
    """One panel column: the cells it sums in each era (empty: not comparable, left null)."""

    name: str
    label_zh: str
    unit: str
    kind: Kind
    v2021: tuple[str, ...]
    v2019: tuple[str, ...]
    note: str = ""
    vpre: tuple[str, ...] = ()
    """Pre-2019 counterpart (table `p`, format_eras.md §2.4): an approximate, not identical, measure."""

    @property
    def table(self) -> str:
        return (self.v2021 or self.v2019)[0].split(":")[0]

    @property
    def eras(self) -> tuple[str, ...]:
        return tuple(e for e, cells in (("pre2019", self.vpre), ("2019", self.v2019), ("2021", self.v2021)) if cells)

    @property
    def flag_column(self) -> str | None:
        """The comparability flag column, for an indicator the pre-2019 reports fill too."""
        return f"{self.name}_cmp" if self.vpre else None


def _t3(row: str, cols: tuple[str, ...] = ("tot",)) -> tuple[str, ...]:
    return tuple(f"t3:{row}:{c}" for c in cols)


def _same(name: str, label: str, cells: tuple[str, ...], unit: str = "件", note: str = "") -> Indicator:
    return Indicator(name, label, unit, "count", cells, cells, note)


_DENIED = (("secret", "属于国家秘密"), ("law", "其他法律行政法规禁止公开"), ("safety", "危及“三安全一稳定”"),
           ("third", "保护第三方合法权益"), ("internal", "属于三类内部事务信息"), ("process", "属于四类过程性信息"),
           ("enforce", "属于行政执法案卷"), ("query", "属于行政查询事项"))
_UNABLE = (("not_held", "本机关不掌握相关政府信息"), ("create", "没有现成信息需要另行制作"),
           ("unclear", "补正后申请内容仍不明确"))
_T4 = (("upheld", "结果维持", "up"), ("corrected", "结果纠正", "cor"), ("other", "其他结果", "oth"),
       ("pending", "尚未审结", "pend"), ("total", "总计", "tot"))

INDICATORS: tuple[Indicator, ...] = (
    _same("requests_new", "本年新收政府信息公开申请数量", _t3("t3.r1")),
    _same("requests_new_person", "本年新收申请：自然人", _t3("t3.r1", ("np",))),
    _same("requests_new_org", "本年新收申请：法人或其他组织", _t3("t3.r1", ("biz", "sci", "npo", "law", "oth"))),
    _same("requests_carried_in", "上年结转政府信息公开申请数量", _t3("t3.r2")),
    _same("granted", "予以公开", _t3("t3.r3.1")),
    _same("partial", "部分公开", _t3("t3.r3.2")),
    _same("denied", "不予公开（合计）", tuple(c for i in range(1, 9) for c in _t3(f"t3.r3.3.{i}"))),
    *(_same(f"denied_{slug}", f"不予公开：{label}", _t3(f"t3.r3.3.{i}")) for i, (slug, label) in
      enumerate(_DENIED, start=1)),
    _same("unable", "无法提供（合计）", tuple(c for i in range(1, 4) for c in _t3(f"t3.r3.4.{i}"))),
    *(_same(f"unable_{slug}", f"无法提供：{label}", _t3(f"t3.r3.4.{i}")) for i, (slug, label) in
      enumerate(_UNABLE, start=1)),
    _same("not_processed", "不予处理（合计）", tuple(c for i in range(1, 6) for c in _t3(f"t3.r3.5.{i}"))),
    Indicator("other_processing", "其他处理（合计）", "件", "count",
              tuple(c for i in range(1, 4) for c in _t3(f"t3.r3.6.{i}")), _t3("t3.r3.6"),
              "2019: the single row （六）其他处理 = 2021 sum of its three items (format_eras.md)"),
    Indicator("other_no_correction", "其他处理：逾期不补正", "件", "count", _t3("t3.r3.6.1"), ()),
    Indicator("other_unpaid_fee", "其他处理：逾期未缴纳费用", "件", "count", _t3("t3.r3.6.2"), ()),
    Indicator("other_other", "其他处理：其他", "件", "count", _t3("t3.r3.6.3"), ()),
    _same("processed_total", "本年度办理结果：总计", _t3("t3.r3.7")),
    _same("carried_out", "结转下年度继续办理", _t3("t3.r4")),
    *(_same(f"review_{slug}", f"行政复议：{label}", (f"t4:t4.rev:{col}",)) for slug, label, col in _T4),
    *(_same(f"suit_{slug}", f"行政诉讼：{label}", (f"t4:t4.lit.dir:{col}", f"t4:t4.lit.rev:{col}"))
      for slug, label, col in _T4),
    _same("suit_direct_total", "行政诉讼：未经复议直接起诉（总计）", ("t4:t4.lit.dir:tot",)),
    _same("suit_after_review_total", "行政诉讼：复议后起诉（总计）", ("t4:t4.lit.rev:tot",)),
    _same("licensing_decisions", "行政许可：本年处理决定数量", ("t2:t2.i5.lic:decisions",),
          note="the one Table 2 measure the formats share (format_eras.md)"),
    _same("penalty_decisions", "行政处罚：本年处理决定数量", ("t2:t2.i6.pen:decisions",)),
    _same("coercion_decisions", "行政强制：本年处理决定数量", ("t2:t2.i6.coe:decisions",)),
    Indicator("fee_amount_wan", "行政事业性收费：本年收费金额", "万元", "amount", ("t2:t2.i8.fee:amount_wan",), (),
              "2019 reports count fee items, not an amount"),
    *(Indicator(f"{name}_{col}", f"{label}：{col_zh}", "件", "count", (f"t2:{row}:{col}",), (),
                "2021 format only")
      for name, label, row in (("rules", "规章", "t2.i1.reg"), ("normative", "行政规范性文件", "t2.i1.nds"))
      for col, col_zh in (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))),
    *(Indicator(f"{name}_{slug}_2019", f"{label}：{col_zh}", "件", "count", (), (f"t2:{row}:{col}",), note)
      for name, label, row in (("rules", "规章", "t2.i1.reg"), ("normative", "规范性文件", "t2.i1.nds"))
      for slug, col, col_zh, note in (
          ("made", "made_new", "本年新制作数量", "2019 format only; similar to, not the same as, 本年制发件数"),
          ("published_total", "pub_total", "对外公开总数量", "2019 format only; disclosed, not in force"))),
)
_PRE: dict[str, tuple[str, ...]] = {
    "requests_new": ("p.req.received",), "granted": ("p.ans.granted",), "partial": ("p.ans.partial",),
    "denied": ("p.ans.refused",), "unable_not_held": ("p.ans.not_held", "p.ans.not_exist"),
    "unable_unclear": ("p.ans.unclear",), "processed_total": ("p.req.answered",),
    "review_upheld": ("p.review.upheld",), "review_corrected": ("p.review.corrected",),
    "review_other": ("p.review.other",), "review_total": ("p.review.total",),
    "suit_upheld": ("p.litig.upheld",), "suit_corrected": ("p.litig.corrected",), "suit_other": ("p.litig.other",),
    "suit_total": ("p.litig.total",),
}
"""The crosswalk of format_eras.md §2.4: pre-2019 `p.*` codes (本年度 column) onto the panel's indicators."""
INDICATORS = tuple(replace(i, vpre=tuple(f"p:{c}:year" for c in _PRE[i.name])) if i.name in _PRE else i
                   for i in INDICATORS)
PRE2019_NOTE = ("approx: a pre-2019 figure (table p); definitions differ — no carry-over, requests counted as "
                "received, other refusal reasons, 不属于本机关 and 信息不存在 together")
GRANT_RATE = Indicator("grant_rate", "公开率（予以公开与部分公开 / 办理总计）", "share", "rate",
                       ("t3:t3.r3.1:tot", "t3:t3.r3.2:tot", "t3:t3.r3.7:tot"),
                       ("t3:t3.r3.1:tot", "t3:t3.r3.2:tot", "t3:t3.r3.7:tot"),
                       "(granted + partial) / processed_total; null when nothing was processed",
                       ("p:p.ans.granted:year", "p:p.ans.partial:year", "p:p.req.answered:year"))

META = ("agency_id", "report_year", "agency", "region_code", "region_name", "admin_level", "parent_id",
        "template", "t2_era", "t3_era", "report_id", "source", "published", "status", "n_checks_failed",
        "n_versions", "n_sources")


def table_eras(values: dict[str, float | None]) -> dict[str, str | None]:
    """Era of each statistical table of one report, from the cells it has."""
    t3 = "2021" if "t3:t3.r3.6.1:tot" in values else "2019" if "t3:t3.r3.6:tot" in values else None
    t2 = "2021" if "t2:t2.i1.reg:issued" in values else "2019" if "t2:t2.i1.reg:made_new" in values else None
    t4 = "2021" if "t4:t4.rev:tot" in values else None  # Table 4 is the same in both formats
    return {"t2": t2, "t3": t3, "t4": t4}


def indicator_value(ind: Indicator, values: dict[str, float | None], era: str | None) -> float | None:
    cells = ind.v2021 if era == "2021" else ind.v2019 if era == "2019" else ind.vpre if era == "pre2019" else ()
    if not cells or any(c not in values or values[c] is None for c in cells):
        return None
    return float(sum(values[c] or 0.0 for c in cells))


def indicator_values(values: dict[str, float | None], *, pre: bool,
                     eras: dict[str, str | None] | None = None) -> dict[str, object]:
    """Every indicator (and comparability flag) of one report from its cell values (`cell_fingerprints`):
    the panel's columns, also recomputed by the workbench from reviewed values."""
    eras = eras if eras is not None else table_eras(values)
    row: dict[str, object] = {}
    for ind in INDICATORS:
        era = "pre2019" if pre else eras["t2"] if ind.table == "t2" else eras["t3"] if ind.table == "t3" else (
            "2021" if eras["t4"] else None)
        row[ind.name] = indicator_value(ind, values, era)
        if ind.flag_column:
            row[ind.flag_column] = None if row[ind.name] is None else "approx" if pre else "same"
    done = row["processed_total"]
    granted, partial = row["granted"], row["partial"]
    row["grant_rate"] = (float(granted) + float(partial)) / float(done) if (  # type: ignore[arg-type]
        done and granted is not None and partial is not None) else None
    if GRANT_RATE.flag_column:
        row[GRANT_RATE.flag_column] = None if row["grant_rate"] is None else "approx" if pre else "same"
    return row


def panel_rows(chosen: pd.DataFrame, reports: pd.DataFrame, fingerprints: dict[str, dict[str, float | None]],
               identity: Identity, table_versions: pd.DataFrame) -> pd.DataFrame:
    """The panel (see the module docstring) for the chosen report of every agency-year."""
    meta = reports.set_index("report_id")
    parents = identity.agencies.set_index("agency_id")["parent_id"]
    nver = table_versions.groupby(["agency_id", "report_year"])["version"].max()
    rows = []
    for c in chosen.sort_values(["agency_id", "report_year"]).to_dict("records"):
        rid = str(c["report_id"])
        m = meta.loc[rid]
        values = fingerprints.get(rid, {})
        eras = table_eras(values)
        row: dict[str, object] = {
            "agency_id": c["agency_id"], "report_year": int(c["report_year"]), "agency": m["agency"],
            "region_code": m["region_code"], "region_name": m["region_name"], "admin_level": m["admin_level"],
            "parent_id": parents.get(c["agency_id"]), "template": m["template"], "t2_era": eras["t2"],
            "t3_era": eras["t3"], "report_id": rid, "source": m["source"], "published": m["published"],
            "status": m["status"], "n_checks_failed": m["n_checks_failed"],
            "n_versions": int(nver.get((c["agency_id"], c["report_year"]), 1)), "n_sources": c["n_sources"],
        }
        row.update(indicator_values(values, pre=bool(m["template"] == "pre2019"), eras=eras))
        rows.append(row)
    cols = [*META, *panel_indicator_columns()]
    df = pd.DataFrame(rows, columns=cols)
    return _panel_types(df)


def panel_indicator_columns() -> list[str]:
    """Indicator columns in order, each followed by its comparability flag where it has one."""
    return [c for i in (*INDICATORS, GRANT_RATE) for c in (i.name, i.flag_column) if c]


def _panel_types(df: pd.DataFrame) -> pd.DataFrame:
    df["report_year"] = df["report_year"].astype("Int16")
    for col in ("n_checks_failed", "n_versions", "n_sources"):
        df[col] = df[col].astype("Int32")
    for ind in INDICATORS:
        df[ind.name] = df[ind.name].astype("Int64" if ind.kind == "count" else "Float64")
    df[GRANT_RATE.name] = df[GRANT_RATE.name].astype("Float64")
    return df


# ---------------------------------------------------------------------------------------------
# All products of one dataset


@dataclass(frozen=True)
class Products:
    """The longitudinal and audit tables derived from one dataset."""

    agencies: pd.DataFrame
    links: pd.DataFrame
    versions: pd.DataFrame
    panel: pd.DataFrame
    crossyear: pd.DataFrame


def build_products(ds: Dataset) -> Products:
    """Agency identity → versions → the panel and the cross-year checks, from the dataset alone.

    An assembled report counts, its members do not (`counted`)."""
    ds = counted(ds)
    identity = identify(ds.reports, ds.sections)
    table_versions = versions(ds.reports, ds.cells, ds.sections, identity.reports)
    chosen = latest(table_versions)
    chosen_ids = set(chosen["report_id"])
    fps = cell_fingerprints(ds.cells[ds.cells["report_id"].isin(chosen_ids)])
    panel = panel_rows(chosen, ds.reports, fps, identity, table_versions)
    checks = crossyear(chosen, fps, ds.sections, identity.links)
    return Products(identity.agencies, identity.links, table_versions, panel, checks)


_COUNTS = frozenset(i.name for i in INDICATORS if i.kind == "count")

# Arrow schemas of the product files (DIR/<name>.parquet); `datapackage.py` documents each column.
_STR = pa.string()
SCHEMAS: dict[str, pa.Schema] = {
    "agencies": pa.schema([("agency_id", _STR), ("name", _STR), ("names", _STR), ("region_code", _STR),
                           ("region_name", _STR), ("admin_level", _STR), ("parent_id", _STR),
                           ("org_code", _STR), ("first_year", pa.int16()), ("last_year", pa.int16()),
                           ("n_reports", pa.int32())]),
    "agency_links": pa.schema([("from_id", _STR), ("to_id", _STR), ("from_name", _STR), ("to_name", _STR),
                               ("kind", _STR), ("year", pa.int16()), ("evidence", _STR), ("report_id", _STR),
                               ("detail", _STR)]),
    "versions": pa.schema([("report_id", _STR), ("agency_id", _STR), ("report_year", pa.int16()),
                           ("version", pa.int16()), ("n_versions", pa.int16()), ("is_latest", pa.bool_()),
                           ("canonical_id", _STR), ("is_canonical", pa.bool_()), ("n_sources", pa.int16()),
                           ("sources", _STR), ("published", pa.date32())]),
    "panel": pa.schema([
        ("agency_id", _STR), ("report_year", pa.int16()), ("agency", _STR), ("region_code", _STR),
        ("region_name", _STR), ("admin_level", _STR), ("parent_id", _STR), ("template", _STR), ("t2_era", _STR),
        ("t3_era", _STR), ("report_id", _STR), ("source", _STR), ("published", pa.date32()), ("status", _STR),
        ("n_checks_failed", pa.int32()), ("n_versions", pa.int32()), ("n_sources", pa.int32()),
        *((c, pa.string() if c.endswith("_cmp") else pa.int64() if c in _COUNTS else pa.float64())
          for c in panel_indicator_columns())]),
    "crossyear": pa.schema([("rule", _STR), ("agency_id", _STR), ("report_year", pa.int16()),
                            ("prev_year", pa.int16()), ("report_id", _STR), ("other_report_id", _STR),
                            ("scope", _STR), ("lhs", pa.float64()), ("rhs", pa.float64()), ("status", _STR),
                            ("severity", _STR), ("detail", _STR)]),
}


def _frame(products: Products, name: str) -> pd.DataFrame:
    return {"agencies": products.agencies, "agency_links": products.links, "versions": products.versions,
            "panel": products.panel, "crossyear": products.crossyear}[name]


def write_table(df: pd.DataFrame, schema: pa.Schema, path: Path) -> None:
    """Write one frame deterministically (no pandas metadata, fixed options), atomically."""
    table = pa.Table.from_pandas(df, schema=schema, preserve_index=False).replace_schema_metadata(None)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd", use_dictionary=True, write_statistics=True,
                   row_group_size=1 << 20, store_schema=True)
    tmp.replace(path)


def write_products(out: Path, products: Products) -> list[Path]:
    """Write every product as DIR/<name>.parquet; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in SCHEMAS.items():
        path = out / f"{name}.parquet"
        write_table(_frame(products, name), schema, path)
        paths.append(path)
    return paths


def read_product(out: Path, name: str) -> pd.DataFrame:
    """One product file back as a DataFrame with the nullable types the panel is built with."""
    df: pd.DataFrame = pq.read_table(out / f"{name}.parquet").to_pandas(types_mapper=_nullable)
    return df


def _nullable(t: pa.DataType) -> object:
    return {pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(),
            pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype()}.get(t)


__all__ = ["GRANT_RATE", "INDICATORS", "SCHEMAS", "Indicator", "Products", "build_products", "indicator_value",
           "panel_indicator_columns", "panel_rows", "read_product", "table_eras", "write_products", "write_table"]
