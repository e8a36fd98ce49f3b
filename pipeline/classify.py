"""Is this document an annual report, or a look-alike found in the same column?"""

from __future__ import annotations

import re

_ANNUAL = re.compile(r"(政府|政务)?信息公开(工作)?(年度)?(报告|年报|总结)|信息公开年度报告|信息公开工作报告")
_LOOKALIKES = (
    ("website_report", re.compile(r"网站.{0,6}(年度)?报表|网站工作年度报表")),
    ("rule_of_law_report", re.compile(r"法治政府建设")),
    ("statistics_table", re.compile(r"^(政府)?信息公开(情况)?统计表|统计表[（(]")),
    ("work_plan", re.compile(r"工作要点|落实情况的函")),
)


def classify(title: str | None, body: str) -> str:
    """annual_report | website_report | rule_of_law_report | statistics_table | work_plan | empty | other."""
    t = (title or "").replace(" ", "")
    for kind, pat in _LOOKALIKES:
        if pat.search(t):
            return kind
    if len(body.strip()) < 20:
        return "empty"
    if _ANNUAL.search(t):
        return "annual_report"
    head = body[:400].replace(" ", "")
    if _ANNUAL.search(head):
        return "annual_report"
    return "other"
