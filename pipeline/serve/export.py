"""Any list view as CSV or XLSX (`?format=csv|xlsx`): the same rows the JSON answer carries."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from starlette.responses import Response

FORMATS = ("json", "csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _columns(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None) -> list[str]:
    if columns:
        return list(columns)
    return list(dict.fromkeys(k for r in rows for k in r))


def _cell(v: object) -> object:
    if isinstance(v, list | tuple | dict):
        return str(v)
    return v


def export(rows: Sequence[dict[str, Any]], fmt: str, name: str, columns: Sequence[str] | None = None) -> Response:
    cols = _columns(rows, columns)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else _cell(r.get(c)) for c in cols])
        return Response(("\ufeff" + buf.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(name[:31])
    ws.append(cols)
    for r in rows:
        ws.append([_cell(r.get(c)) for c in cols])
    buf2 = io.BytesIO()
    wb.save(buf2)
    return Response(buf2.getvalue(), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
