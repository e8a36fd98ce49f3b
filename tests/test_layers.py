"""The layer rules, checked on the source: extractors import neither pipeline nor scrapers; only
scrapers import httpx; scrapers know nothing of the template or extraction."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports_of(package: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        out[str(path.relative_to(ROOT))] = names
    return out


def test_extractors_import_neither_pipeline_nor_scrapers() -> None:
    bad = {f: n & {"pipeline", "scrapers"} for f, n in imports_of("extractors").items() if n & {"pipeline", "scrapers"}}
    assert not bad


def test_only_scrapers_import_httpx() -> None:
    for package in ("extractors", "pipeline"):
        bad = [f for f, n in imports_of(package).items() if "httpx" in n]
        assert not bad, f"httpx imported outside scrapers/: {bad}"


def test_scrapers_do_not_import_the_template() -> None:
    bad = [f for f, n in imports_of("scrapers").items() if n & {"pipeline", "extractors"}]
    assert not bad


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    # The walker must catch both import forms, or the tests above could never fail.
    src = "import httpx\nfrom pipeline.codebook import variables\n"
    names = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    assert names == {"httpx", "pipeline"}
