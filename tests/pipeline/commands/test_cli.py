from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.store.dataset import open_dataset
from tests.conftest import FIXTURES


def xxgk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.commands.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)


def test_extract_with_a_process_pool_prints_a_summary(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes((FIXTURES / "text" / "jilin_tonghua_dongchang_science_bureau_2023.txt").read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    res = xxgk("extract", str(folder), "--dataset", str(tmp_path / "d"), "--jobs", "2", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "2 inputs" in res.stdout and "annual_report" in res.stdout and "failed" in res.stdout
    d = open_dataset(tmp_path / "d")
    assert sorted(d.reports["status"]) == ["failed", "ok"]
    failed = d.reports.loc[d.reports["status"] == "failed", "error"].iloc[0]
    assert "broken.pdf" in failed


def test_a_run_that_cannot_proceed_exits_non_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    res = xxgk("extract", str(empty), "--dataset", str(tmp_path / "d"), cwd=tmp_path)
    assert res.returncode == 2 and "no input files" in res.stdout
