"""Every entry under an input folder is a unit or a failed row; links never leave the tree; odd names survive."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.normalise.report import Report
from pipeline.runs.executors import InProcess
from pipeline.runs.inputs import iter_units
from pipeline.runs.units import FileUnit
from tests.conftest import FIXTURES

SEED = (FIXTURES / "text" / "jilin_tonghua_dongchang_science_bureau_2023.txt").read_bytes()


def tree(tmp_path: Path) -> tuple[Path, Path]:
    root, outside = tmp_path / "in", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SEED + b"\nSECRET\n")
    (root / ".hidden.txt").write_bytes(SEED + b"\nhidden\n")
    os.symlink(outside / "secret.txt", root / "escape.txt")
    os.symlink("/nonexistent/x.pdf", root / "broken.pdf")
    os.symlink("loop", root / "loop")
    (root / "sub").mkdir()
    os.symlink("..", root / "sub" / "up")
    os.mkfifo(root / "pipe.fifo")
    with open(os.path.join(os.fsencode(root), b"gbk-\xd5\xfe.txt"), "wb") as fh:
        fh.write(SEED + b"\ngbk\n")
    (root / "a|b.txt").write_bytes(SEED + b"\npipe\n")
    return root, outside


def test_every_entry_is_a_unit_or_a_failed_row(tmp_path: Path) -> None:
    root, _ = tree(tmp_path)
    got = list(iter_units([str(root)]))
    units = {u.uri.rsplit("/", 1)[1] for u in got if isinstance(u, FileUnit)}
    rows = {r.source.rsplit("/", 1)[1]: r.error for r in got if isinstance(r, Report)}
    assert units == {".hidden.txt", "gbk-\\xd5\\xfe.txt", "a|b.txt"}
    assert "outside the input tree" in rows["escape.txt"]
    assert "broken symlink" in rows["broken.pdf"] and "symlink loop" in rows["loop"]
    assert "not followed" in rows["up"] and "FIFO" in rows["pipe.fifo"]


def test_nothing_outside_the_tree_is_read_and_odd_names_are_rows(tmp_path: Path) -> None:
    root, _ = tree(tmp_path)
    reports = list(InProcess().map(iter_units([str(root)])))
    assert not any("SECRET" in (s.text or "") for r in reports for s in r.sections)
    by_name = {r.source.rsplit("/", 1)[1]: r for r in reports}
    assert by_name["gbk-\\xd5\\xfe.txt"].status in ("ok", "partial")
    assert by_name["a|b.txt"].status in ("ok", "partial")
    assert len(reports) == 8


def test_a_missing_path_is_a_row_naming_it(tmp_path: Path) -> None:
    [r] = list(iter_units([str(tmp_path / "nope.pdf")]))
    assert isinstance(r, Report) and "nope.pdf: no such file" in r.error
