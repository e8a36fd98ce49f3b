"""The layer rules, checked by import-linter on the real import graph (grimp), and a self-test that
the same check fails on a copy of the tree with a deliberate violation in each kind of contract.

The contracts themselves live in pyproject.toml ([tool.importlinter]): extractors know neither the
pipeline nor the scrapers, scrapers know neither the template nor extraction, only scrapers do HTTP,
and inside pipeline/ commands > products | runs > store > normalise > template.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("pipeline", "extractors", "scrapers")
LAYERS = ("template", "normalise", "store", "runs", "products", "commands")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_tree_shows_the_layers() -> None:
    found = {p.name for p in (ROOT / "pipeline").iterdir() if (p / "__init__.py").exists()}
    assert set(LAYERS) <= found
    loose = sorted(p.name for p in (ROOT / "pipeline").glob("*.py") if p.name != "__init__.py")
    assert loose == [], f"modules outside any layer of pipeline/: {loose}"


def test_the_contracts_hold() -> None:
    res = lint_imports(ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "BROKEN" not in res.stdout and res.stdout.count("KEPT") == 4


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("pipeline/template/values.py", "from pipeline.products import panel", "Layers inside pipeline/"),
    ("pipeline/normalise/checks.py", "from pipeline.store import dataset", "Layers inside pipeline/"),
    ("pipeline/runs/process.py", "from pipeline.products import audit", "Layers inside pipeline/"),
    ("extractors/text.py", "from pipeline.template import codebook", "Extractors know document shapes only"),
    ("scrapers/urls.py", "import extractors.sniff", "Scrapers know nothing"),
    ("extractors/sniff.py", "import httpx", "Only scrapers do HTTP"),
])
def test_a_deliberate_violation_fails(tree_copy: Path, module: str, line: str, contract: str) -> None:
    path = tree_copy / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{line}  # deliberate violation\n", encoding="utf-8")
    try:
        res = lint_imports(tree_copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert res.returncode != 0
    broken = [ln for ln in res.stdout.splitlines() if ln.endswith("BROKEN")]
    assert len(broken) == 1 and broken[0].startswith(contract), res.stdout
