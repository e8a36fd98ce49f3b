"""The three statistical tables of a report as logical grids (cells with row/col spans).

Every renderer (HTML, DOCX/PDF, XLSX, Markdown, text) draws from these grids, so a label or span
mistake shows up everywhere at once and the truth (which value sits in which cell) is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import T3_COLS_ALL, T4_COLS, T4_ROWS, Key, Report

Fmt = Callable[[Key, float], str]

T3_LABELS = {
    "t3.r1": "一、本年新收政府信息公开申请数量",
    "t3.r2": "二、上年结转政府信息公开申请数量",
    "t3.r3.1": "（一）予以公开",
    "t3.r3.2": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "t3.r3.3.1": "1.属于国家秘密",
    "t3.r3.3.2": "2.其他法律行政法规禁止公开",
    "t3.r3.3.3": "3.危及“三安全一稳定”",
    "t3.r3.3.4": "4.保护第三方合法权益",
    "t3.r3.3.5": "5.属于三类内部事务信息",
    "t3.r3.3.6": "6.属于四类过程性信息",
    "t3.r3.3.7": "7.属于行政执法案卷",
    "t3.r3.3.8": "8.属于行政查询事项",
    "t3.r3.4.1": "1.本机关不掌握相关政府信息",
    "t3.r3.4.2": "2.没有现成信息需要另行制作",
    "t3.r3.4.3": "3.补正后申请内容仍不明确",
    "t3.r3.5.1": "1.信访举报投诉类申请",
    "t3.r3.5.2": "2.重复申请",
    "t3.r3.5.3": "3.要求提供公开出版物",
    "t3.r3.5.4": "4.无正当理由大量反复申请",
    "t3.r3.5.5": "5.要求行政机关确认或重新出具已获取信息",
    "t3.r3.6": "（六）其他处理",
    "t3.r3.6.1": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "t3.r3.6.2": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "t3.r3.6.3": "3.其他",
    "t3.r3.7": "（七）总计",
    "t3.r4": "四、结转下年度继续办理",
}
T3_GROUPS = {
    "t3.r3.3": "（三）不予公开",
    "t3.r3.4": "（四）无法提供",
    "t3.r3.5": "（五）不予处理",
    "t3.r3.6": "（六）其他处理",
}
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_ORG = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T4_RES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

T2_LABELS = {
    "t2.i1.reg": "规章",
    "t2.i1.nds": "行政规范性文件",
    "t2.i5.lic": "行政许可",
    "t2.i5.svc": "其他对外管理服务事项",
    "t2.i6.pen": "行政处罚",
    "t2.i6.coe": "行政强制",
    "t2.i8.fee": "行政事业性收费",
    "t2.i9.proc": "政府集中采购",
}
T2_COL_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_wan": "本年收费金额（单位：万元）",
    "made_new": "本年新制作数量",
    "pub_new": "本年新公开数量",
    "pub_total": "对外公开总数量",
    "items_prev": "上一年项目数量",
    "items_delta": "本年增/减",
    "proc_items": "采购项目数量",
    "proc_amount": "采购总金额",
}

TABLE_TITLES = {
    "t2": "二、主动公开政府信息情况",
    "t3": "三、收到和处理政府信息公开申请情况",
    "t4": "四、政府信息公开行政复议、行政诉讼情况",
}


@dataclass
class Cell:
    """A printed cell; `key` is set on value cells so renderers can record truth per cell."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    key: Key | None = None


Grid = list[list[Cell]]  # HTML-style: positions covered by a span are omitted


def plain(_key: Key, value: float) -> str:
    """Numbers as agencies usually print them: integers bare, decimals as stored."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def thousands(_key: Key, value: float) -> str:
    """1,347 / 24,252.31 — Excel/Word 'number with separator' formatting."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def _val(rep: Report, key: Key, fmt: Fmt, colspan: int = 1) -> Cell:
    return Cell(fmt(key, rep.cells[key]), colspan=colspan, key=key)


def t2_grid(rep: Report, fmt: Fmt = plain) -> Grid:
    """Table 2: four (2021) or five (2019) blocks, caption row + header row + data rows each."""
    rows: Grid = []
    blocks = _t2_blocks_2019() if rep.t2_era == "2019" else _t2_blocks_2021()
    for caption, cols, members in blocks:
        rows.append([Cell(caption, colspan=4)])
        spans = _spread(len(cols))
        rows.append(
            [Cell("信息内容")] + [Cell(T2_COL_LABELS[c], colspan=s) for c, s in zip(cols, spans, strict=True)]
        )
        for row in members:
            label = T2_LABELS[row]
            if rep.t2_era == "2019" and row == "t2.i1.nds":
                label = "规范性文件"
            rows.append(
                [Cell(label)] + [_val(rep, ("t2", row, c), fmt, s) for c, s in zip(cols, spans, strict=True)]
            )
    return rows


def _spread(n: int) -> list[int]:
    """Spread n columns over the 3 value columns of the 4-column table (last one takes the rest)."""
    return [1] * (n - 1) + [3 - (n - 1)]


def _t2_blocks_2021() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [
        ("第二十条第（一）项", ("issued", "repealed", "in_force"), ("t2.i1.reg", "t2.i1.nds")),
        ("第二十条第（五）项", ("decisions",), ("t2.i5.lic",)),
        ("第二十条第（六）项", ("decisions",), ("t2.i6.pen", "t2.i6.coe")),
        ("第二十条第（八）项", ("amount_wan",), ("t2.i8.fee",)),
    ]


def _t2_blocks_2019() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    items = ("items_prev", "items_delta", "decisions")
    return [
        ("第二十条第（一）项", ("made_new", "pub_new", "pub_total"), ("t2.i1.reg", "t2.i1.nds")),
        ("第二十条第（五）项", items, ("t2.i5.lic", "t2.i5.svc")),
        ("第二十条第（六）项", items, ("t2.i6.pen", "t2.i6.coe")),
        ("第二十条第（八）项", ("items_prev", "items_delta"), ("t2.i8.fee",)),
        ("第二十条第（九）项", ("proc_items", "proc_amount"), ("t2.i9.proc",)),
    ]


def t3_header() -> Grid:
    """The three header rows of Table 3 (corner note, 申请人情况, 法人或其他组织 sub-columns)."""
    return [
        [Cell(T3_NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell(x) for x in T3_ORG],
    ]


def t3_body(rep: Report, fmt: Fmt = plain) -> Grid:
    """Table 3 data rows with the vertical group labels as row-spanning cells."""
    leaves = rep.t3_leaves()
    n_result = len(leaves) + 1
    body: Grid = []
    for row in rep.t3_rows():
        lead = _t3_lead(row, rep, n_result)
        body.append(lead + [_val(rep, ("t3", row, c), fmt) for c in T3_COLS_ALL])
    return body


def _t3_lead(row: str, rep: Report, n_result: int) -> list[Cell]:
    label = T3_LABELS[row]
    if row in ("t3.r1", "t3.r2", "t3.r4"):
        return [Cell(label, colspan=3)]
    lead: list[Cell] = []
    if row == "t3.r3.1":
        lead.append(Cell("三、本年度办理结果", rowspan=n_result))
    group = row.rsplit(".", 1)[0]
    is_item = group in T3_GROUPS and row != "t3.r3.6"
    if not is_item:
        return [*lead, Cell(label, colspan=2)]
    first = row.endswith(".1")
    if first:
        size = sum(1 for r in rep.t3_leaves() if r.startswith(group + "."))
        lead.append(Cell(T3_GROUPS[group], rowspan=size))
    return [*lead, Cell(label)]


def t3_grid(rep: Report, fmt: Fmt = plain) -> Grid:
    return t3_header() + t3_body(rep, fmt)


def t4_grid(rep: Report, fmt: Fmt = plain) -> Grid:
    """Table 4: 15 value columns under a two-level header."""
    return [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [Cell(x, rowspan=2) for x in T4_RES]
        + [Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(x) for x in T4_RES * 2],
        [_val(rep, ("t4", row, c), fmt) for row in T4_ROWS for c in T4_COLS],
    ]


def grids(rep: Report, fmt: Fmt = plain) -> dict[str, Grid]:
    return {"t2": t2_grid(rep, fmt), "t3": t3_grid(rep, fmt), "t4": t4_grid(rep, fmt)}


def expand(grid: Grid) -> list[list[tuple[Cell, bool]]]:
    """Dense matrix: each position → (cell, is_origin). Spanned positions repeat their cell."""
    dense: dict[tuple[int, int], tuple[Cell, bool]] = {}
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in dense:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    dense[(r + dr, c + dc)] = (cell, dr == 0 and dc == 0)
            c += cell.colspan
    n_rows = max(r for r, _ in dense) + 1
    n_cols = max(c for _, c in dense) + 1
    return [[dense.get((r, c), (Cell(""), True)) for c in range(n_cols)] for r in range(n_rows)]


def keys_of(grid: Grid) -> list[Key]:
    return [cell.key for row in grid for cell in row if cell.key]
