"""The reports a product counts: an assembled report instead of its members, so no agency-year twice.

A member (`reports.assembly == "member"`) is one document of an assembled report; its content is
already in the assembled report's rows. Products (agency identity, versions, panel, audit) read
the dataset through `counted`, which leaves the members' rows out of all four tables.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.store.dataset import Dataset


def counted(ds: Dataset) -> Dataset:
    """`ds` without the rows of reports that are members of an assembled report."""
    if "assembly" not in ds.reports.columns:
        return ds
    members = set(ds.reports.loc[ds.reports["assembly"] == "member", "report_id"])
    if not members:
        return ds
    return replace(ds, **{name: frame[~frame["report_id"].isin(members)].reset_index(drop=True)
                          for name, frame in (("reports", ds.reports), ("sections", ds.sections),
                                              ("cells", ds.cells), ("checks", ds.checks))})
