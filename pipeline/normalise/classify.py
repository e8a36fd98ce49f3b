"""Is this document an annual report, or a look-alike found in the same column?

A 政府信息公开年报 column also holds 政府网站工作年度报表, 法治政府建设情况报告, a 统计表 published
alone and 工作要点落实情况 letters; a crawl of it also meets the column's list pages and article
pages that are only a shell around an attachment. The title decides first; the body's opening
decides when the title is silent; the extractor's ``page_kind`` hint (the shape of the page:
``list_page``, ``attachment_shell``) decides for pages that hold no report text at all.
"""

from __future__ import annotations

import re

KINDS = ("annual_report", "website_report", "rule_of_law_report", "statistics_table", "work_plan",
         "list_page", "attachment_shell", "empty", "other")
"""Every value `classify` returns (the ``doc_kind`` column of the dataset)."""

PAGE_KINDS = frozenset({"list_page", "attachment_shell"})
"""``page_kind`` hints of the extractors that name a page without report text."""

_ANNUAL = re.compile(r"(政府|政务)?信息公开(工作)?(年度)?(报告|年报|总结)|信息公开年度报告|信息公开工作报告")
_LOOKALIKES = (
    ("website_report", re.compile(r"网站.{0,6}(年度)?报表|网站工作年度报表")),
    ("rule_of_law_report", re.compile(r"法治政府建设")),
    ("statistics_table", re.compile(r"^(政府)?信息公开(情况)?统计表|统计表[（(]|信息公开(情况)?统计表$")),
    ("work_plan", re.compile(r"工作要点|落实情况的函")),
)
_BODY_LOOKALIKES = (
    ("website_report", re.compile(r"政府网站工作年度报表|独立用户访问总量|网站总访问量")),
    ("rule_of_law_report", re.compile(r"法治政府建设(情况|工作)?(报告|情况)")),
    ("work_plan", re.compile(r"政务公开工作要点")),
)
_BODY_HEAD = 400


def classify(title: str | None, body: str, *, page_kind: str | None = None) -> str:
    """One of `KINDS`. `page_kind` is the extractor's hint on the shape of the page, if any."""
    t = (title or "").replace(" ", "")
    for kind, pat in _LOOKALIKES:
        if pat.search(t):
            return kind
    if page_kind in PAGE_KINDS:
        return page_kind
    if len(body.strip()) < 20:
        return "empty"
    if _ANNUAL.search(t):
        return "annual_report"
    head = re.sub(r"\s+", "", body[:_BODY_HEAD])
    if _ANNUAL.search(head):
        return "annual_report"
    for kind, pat in _BODY_LOOKALIKES:
        if pat.search(head):
            return kind
    return "other"
