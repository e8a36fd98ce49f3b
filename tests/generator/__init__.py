"""Deterministic synthetic corpus of annual reports with known truth, for testing the extractors.

``generate(seed, n)`` returns ``GeneratedReport`` records (metadata, narrative, every printed cell,
injected identity violations); ``render_text(report, style)`` flattens one into plain text shaped
like real crawls; ``expected_ambiguous(report, style)`` is an independent brute-force oracle for
the cells that glued ("run") text cannot determine.
"""

from .oracle import Ambiguity, ambiguity_analysis, digit_splits, expected_ambiguous
from .text import TEXT_STYLES, TextStyle, render_text
from .truth import (
    ERAS,
    RULES,
    CellKey,
    Era,
    GeneratedReport,
    cell_order,
    failing_rules,
    format_date,
    generate,
    t2_blocks,
    t3_leaves,
    t3_rows,
)

__all__ = [
    "ERAS",
    "RULES",
    "TEXT_STYLES",
    "Ambiguity",
    "CellKey",
    "Era",
    "GeneratedReport",
    "TextStyle",
    "ambiguity_analysis",
    "cell_order",
    "digit_splits",
    "expected_ambiguous",
    "failing_rules",
    "format_date",
    "generate",
    "render_text",
    "t2_blocks",
    "t3_leaves",
    "t3_rows",
]
