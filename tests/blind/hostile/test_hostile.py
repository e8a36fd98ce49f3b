"""Black-box hostility tests of `xxgk extract`: can a run be stopped, lose anything, or lie to the operator?

The assertions are the targets of the public contract (README, docs/crawling.md); they are not tuned to
what the code does today.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import harness as h
from .corpus import FIXTURES, HONGZE_PDF, JILIN_TXT, Truth, build, build_fixtures_only, restore_permissions
from .score import failures, score


def test_the_console_script_is_installed_beside_the_interpreter() -> None:
    """Every test here runs the `xxgk` of this checkout's .venv: a missing one is a failure, not a skip."""
    assert h.XXGK.exists(), f"{h.XXGK} is missing: run `make venv`"


JOBS = ("--jobs", "2", "--timeout", "30")
PARENT_RSS_MB = 400


@dataclass
class HostileRun:
    corpus: Path
    truth: Truth
    dataset: Path
    result: h.RunResult
    env_dir: Path
    inputs_before: set[str]
    inputs_after: set[str]
    dest_before: set[str]
    dest_after: set[str]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Truth]]:
    dest = tmp_path_factory.mktemp("hostile") / "corpus"
    truth = build(dest, seed=0)
    yield dest, truth
    restore_permissions(dest)


@pytest.fixture(scope="module")
def hostile_run(corpus: tuple[Path, Truth], tmp_path_factory: pytest.TempPathFactory) -> HostileRun:
    dest, truth = corpus
    work = tmp_path_factory.mktemp("hostile-run")
    env_dir, dataset = work / "env", work / "dataset"
    env = h.private_env(env_dir)
    inputs_before, dest_before = h.snapshot(dest / "inputs"), h.snapshot(dest)
    result = h.run(h.extract_cmd([dest / "inputs"], dataset, *JOBS), env=env, timeout=900)
    return HostileRun(dest, truth, dataset, result, env_dir, inputs_before, h.snapshot(dest / "inputs"),
                      dest_before, h.snapshot(dest))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real fixtures alone (same bytes as the copies inside the hostile corpus)."""
    work = tmp_path_factory.mktemp("baseline")
    inputs = build_fixtures_only(work / "in")
    dataset = work / "dataset"
    result = h.run(h.extract_cmd([inputs], dataset, *JOBS), env=h.private_env(work / "env"), timeout=600)
    assert result.rc == 0, result.text[-2000:]
    return dataset


# ---------------------------------------------------------------- the corpus itself


@pytest.mark.slow
def test_corpus_is_big_and_varied(corpus: tuple[Path, Truth]) -> None:
    _, truth = corpus
    inputs = [e for e in truth.entries if e.kind != "member"]
    assert len(inputs) >= 250
    assert len(truth.classes()) >= 15


# ---------------------------------------------------------------- one hostile run


@pytest.mark.slow
def test_hostile_run_exits_zero(hostile_run: HostileRun) -> None:
    r = hostile_run.result
    assert r.rc == 0, f"exit {r.rc} after {r.seconds:.0f}s: {r.text[-3000:]}"
    assert "Traceback" not in r.text, r.text[-3000:]


@pytest.mark.slow
def test_every_input_is_a_truthful_row(hostile_run: HostileRun) -> None:
    res = score(hostile_run.corpus, hostile_run.dataset, hostile_run.truth)
    bad = failures(hostile_run.truth, res)
    assert not bad, f"{len(bad)} of {len(hostile_run.truth.entries)} entries wrong:\n" + "\n".join(bad)


@pytest.mark.slow
def test_files_outside_the_tree_are_never_read(hostile_run: HostileRun) -> None:
    res = score(hostile_run.corpus, hostile_run.dataset, hostile_run.truth)
    assert not res["leaks"], res["leaks"]


@pytest.mark.slow
def test_real_fixtures_cells_unchanged_by_hostile_neighbours(hostile_run: HostileRun, baseline: Path) -> None:
    base = h.read_table(baseline, "cells")
    ids = set(h.read_table(baseline, "reports")["report_id"])
    got = h.read_table(hostile_run.dataset, "cells")
    got = got[got["report_id"].isin(ids)] if len(got) else got
    keys = ["report_id", "table", "row", "col"]
    cols = [c for c in base.columns if c != "report_year"]
    assert len(got) == len(base), f"{len(got)} cells of the fixtures in the hostile run, {len(base)} alone"
    # pandas 3's astype(str) keeps missing values missing (and NaN != NaN): nulls get a token first.
    a = base[cols].sort_values(keys).reset_index(drop=True).astype(str).fillna("<null>")
    b = got[cols].sort_values(keys).reset_index(drop=True).astype(str).fillna("<null>")
    diff = (a != b).any(axis=1)
    assert not diff.any(), f"{int(diff.sum())} cells differ, e.g.\n{a[diff].head(5)}\n{b[diff].head(5)}"


@pytest.mark.slow
def test_parent_memory_stays_small(hostile_run: HostileRun) -> None:
    r = hostile_run.result
    assert r.parent_peak_kb // 1024 <= PARENT_RSS_MB, (
        f"parent peak RSS {r.parent_peak_kb // 1024} MB; children max "
        f"{max(r.child_peak_kb.values(), default=0) // 1024} MB")


@pytest.mark.slow
def test_no_process_outlives_the_run(hostile_run: HostileRun) -> None:
    assert not hostile_run.result.survivors, hostile_run.result.survivors


@pytest.mark.slow
def test_nothing_left_behind(hostile_run: HostileRun) -> None:
    tmpdir = hostile_run.env_dir / "tmpdir"
    left = sorted(str(p) for p in tmpdir.rglob("*"))
    # The inputs and the dataset may themselves lie under /tmp (pytest's basetemp does): reading an
    # input or writing under --out is not a left-over; anything else the run opened there is.
    mine = (str(hostile_run.corpus) + os.sep, str(hostile_run.dataset) + os.sep)
    opened = sorted(p for p in hostile_run.result.tmp_opened if os.path.lexists(p) and not p.startswith(mine))
    assert not left, f"left in TMPDIR: {left[:20]}"
    assert not opened, f"files the run opened under /tmp still exist: {opened[:20]}"
    assert hostile_run.inputs_after == hostile_run.inputs_before, "the input tree was changed"
    assert hostile_run.dest_after == hostile_run.dest_before, "files appeared next to the inputs"


# ---------------------------------------------------------------- Ctrl-C


def slow_inputs(dest: Path, n: int = 24) -> Path:
    """Distinct copies of the real PDF (one comment appended after %%EOF), slow enough to interrupt."""
    root = dest / "pdfs"
    root.mkdir(parents=True)
    data = HONGZE_PDF.read_bytes()
    for i in range(n):
        (root / f"copy-{i:02d}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())
    shutil.copy(JILIN_TXT, root / JILIN_TXT.name)
    return root


@pytest.mark.slow
def test_sigint_after_n_documents(tmp_path: Path) -> None:
    """Ctrl-C once N documents are finished: exit 130 within 10 s, and at least N reports are kept."""
    n = 3
    inputs, dataset = slow_inputs(tmp_path), tmp_path / "dataset"
    r = h.run_pty(h.extract_cmd([inputs], dataset, *JOBS), after_docs=n, env=h.private_env(tmp_path / "env"),
                  timeout=300)
    assert r.signal_at is not None, f"the progress line never showed {n} finished documents: {r.text[-500:]}"
    assert r.rc == 130, f"exit {r.rc} {r.stopped_after:.1f}s after SIGINT; output: {r.text[-1500:]}"
    assert r.stopped_after is not None and r.stopped_after <= 10, f"exit took {r.stopped_after:.1f}s"
    reports = h.read_table(dataset, "reports")
    assert len(reports) >= n, f"{len(reports)} reports kept after {r.progress} were finished"
    assert not r.survivors, r.survivors


@pytest.mark.slow
def test_sigterm_is_130_too(tmp_path: Path) -> None:
    """docs/crawling.md: 130 = stopped by SIGINT/SIGTERM."""
    inputs, dataset = slow_inputs(tmp_path, n=8), tmp_path / "dataset"
    r = h.run_pty(h.extract_cmd([inputs], dataset, *JOBS), after_docs=1, sig=signal.SIGTERM,
                  env=h.private_env(tmp_path / "env"), timeout=300)
    assert r.rc == 130, f"exit {r.rc}"
    assert not r.survivors, r.survivors


# ---------------------------------------------------------------- kill -9


def small_inputs(dest: Path) -> Path:
    root = dest / "small"
    root.mkdir(parents=True)
    for p in [*sorted((FIXTURES / "text").glob("*")), FIXTURES / "html" / "fujian_pingtan_zone_2021_page.html"]:
        shutil.copy(p, root / p.name)
    return root


@pytest.mark.slow
def test_kill9_at_random_moments_then_resume(tmp_path: Path) -> None:
    inputs = small_inputs(tmp_path)
    env = h.private_env(tmp_path / "env")
    ref_ds = tmp_path / "reference"
    ref = h.run(h.extract_cmd([inputs], ref_ds, *JOBS), env=env, timeout=300)
    assert ref.rc == 0, ref.text[-2000:]
    reference = h.parquet_bytes(ref_ds)
    rng = random.Random(14)
    problems: list[str] = []
    for trial in range(20):
        ds = tmp_path / f"killed-{trial:02d}"
        watcher = (h.after_delay(rng.uniform(0.3, ref.seconds)) if trial < 10
                   else h.during_write(ds, rng, max_lag=0.6))
        killed = h.run(h.extract_cmd([inputs], ds, *JOBS), env=env, watcher=watcher, timeout=300)
        where = f"trial {trial} ({'random' if trial < 10 else 'during write'}, rc {killed.rc})"
        if killed.survivors:
            problems.append(f"{where}: processes survived kill -9 of the group: {killed.survivors}")
        if any((ds / t).exists() for t in h.TABLES):
            problems += [f"{where}: unreadable {k}: {v}" for k, v in h.readers_ok(ds).items()]
            problems += [f"{where}: {n} orphan rows in {t}" for t, n in h.orphans(ds).items() if n]
        resumed = h.run(h.extract_cmd([inputs], ds, *JOBS), env=env, timeout=300)
        if resumed.rc != 0:
            problems.append(f"{where}: resumed run exit {resumed.rc}: {resumed.text[-300:]}")
            continue
        got = h.parquet_bytes(ds)
        if got != reference:
            differ = sorted(k for k in set(got) | set(reference) if got.get(k) != reference.get(k))
            problems.append(f"{where}: resumed dataset differs from an uninterrupted run: {differ[:6]}")
        if h.stray_files(ds):
            problems.append(f"{where}: stray files after resume: {h.stray_files(ds)[:5]}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- CLI contract


def test_nonexistent_path_is_exit_2_naming_it(tmp_path: Path) -> None:
    missing = "/nonexistent/xxgk-hostile-input"
    r = h.run(h.extract_cmd([missing], tmp_path / "ds"), env=h.private_env(tmp_path / "env"), timeout=120)
    assert r.rc == 2, f"exit {r.rc}: {r.text[-800:]}"
    assert missing in r.text


def test_run_without_all_or_source_is_an_error(tmp_path: Path) -> None:
    proc = subprocess.run([str(h.XXGK), "run", "--data", str(tmp_path / "data")], capture_output=True,
                          text=True, timeout=300, env=h.private_env(tmp_path / "env"), stdin=subprocess.DEVNULL)
    assert proc.returncode == 2, f"exit {proc.returncode}: {(proc.stdout + proc.stderr)[-800:]}"


def test_pandas_reads_reports_when_a_report_has_no_year(tmp_path: Path) -> None:
    import pandas as pd

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(JILIN_TXT, inputs / JILIN_TXT.name)
    (inputs / "empty.txt").write_bytes(b"")
    ds = tmp_path / "ds"
    r = h.run(h.extract_cmd([inputs], ds), env=h.private_env(tmp_path / "env"), timeout=300)
    assert r.rc == 0, r.text[-1000:]
    assert (ds / "reports" / "report_year=__HIVE_DEFAULT_PARTITION__").exists()
    df = pd.read_parquet(ds / "reports")
    assert len(df) == 2

