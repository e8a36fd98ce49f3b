"""Drive `xxgk extract` as a black box: own process group, peak memory, survivors, left-over files, signals.

What a run exposes while it works (found by watching it, not by reading the code): nothing on a pipe until
the end; on a terminal a progress line `extracting  N/? h:mm:ss` (N = documents finished), so `run_pty`
uses a pseudo-terminal to know when N documents are done. The dataset folder only shows a
`.staging-<pid>/` folder and `.part-0.parquet.<n>.tmp` files once extraction has finished (the write
phase), which is what `kill_during_write` waits for.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pty
import random
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

XXGK = Path(sys.executable).parent / "xxgk"
"""The console script beside the interpreter running the tests: the clone's own .venv, wherever it is."""
TABLES = ("reports", "sections", "cells", "checks")
PROGRESS = re.compile(rb"extracting\s+(\d+)/")
ANSI = re.compile(rb"\x1b\[[0-9;?]*[a-zA-Z]")


def progress_counts(raw: bytes) -> list[int]:
    """Finished-document counts in pty output (colour codes and bar glyphs removed)."""
    clean = ANSI.sub(b"", raw).replace("\u2501".encode(), b"").replace("\u2578".encode(), b"")
    return [int(n) for n in PROGRESS.findall(clean)]


@functools.cache
def out_option() -> str:
    """`--dataset` if this build of the CLI knows it (the option is being renamed), else `--out`."""
    try:
        helptext = subprocess.run([str(XXGK), "extract", "--help"], capture_output=True, text=True,
                                  timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "--out"
    return "--dataset" if "--dataset" in helptext else "--out"


def extract_cmd(paths: Sequence[Path | str | bytes], out: Path, *extra: str) -> list[str | bytes]:
    """The one place that spells the `xxgk extract` invocation."""
    return [str(XXGK), "extract", *[os.fsencode(p) if isinstance(p, bytes) else str(p) for p in paths],
            out_option(), str(out), *extra]


@dataclass
class RunResult:
    """What one CLI run did, as seen from outside."""

    rc: int | None
    seconds: float
    stdout: bytes = b""
    stderr: bytes = b""
    parent_peak_kb: int = 0
    child_peak_kb: dict[int, int] = field(default_factory=dict)
    child_names: dict[int, str] = field(default_factory=dict)
    survivors: list[str] = field(default_factory=list)
    tmp_opened: set[str] = field(default_factory=set)
    signal_at: float | None = None
    stopped_after: float | None = None  # seconds from the signal to the exit
    progress: int = 0

    @property
    def text(self) -> str:
        return (self.stdout + self.stderr).decode("utf-8", "replace")


def private_env(base: Path) -> dict[str, str]:
    """TMPDIR and HOME private to the run, so left-overs can be attributed to it."""
    tmp, home = base / "tmpdir", base / "home"
    tmp.mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmp), HOME=str(home), PYTHONHASHSEED="0")
    env.pop("COLUMNS", None)
    return env


def _vm_hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Samples the parent's and every descendant's peak RSS, and files they hold open under /tmp."""

    def __init__(self, pid: int, result: RunResult, period: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.result, self.period = pid, result, period
        self.stop = threading.Event()
        self.seen: dict[int, float] = {}

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.period)

    def sample(self) -> None:
        r = self.result
        r.parent_peak_kb = max(r.parent_peak_kb, _vm_hwm_kb(self.pid))
        try:
            kids = psutil.Process(self.pid).children(recursive=True)
        except psutil.Error:
            return
        for k in kids:
            try:
                self.seen.setdefault(k.pid, k.create_time())
                r.child_names.setdefault(k.pid, " ".join(k.cmdline()[:3])[:120])
                r.child_peak_kb[k.pid] = max(r.child_peak_kb.get(k.pid, 0), _vm_hwm_kb(k.pid))
                r.tmp_opened.update(f.path for f in k.open_files() if f.path.startswith("/tmp"))
            except psutil.Error:
                continue

    def survivors(self) -> list[str]:
        """Descendants seen during the run, or members of its session/group, still alive after it ended."""
        alive = []
        for pid, created in self.seen.items():
            try:
                p = psutil.Process(pid)
                if abs(p.create_time() - created) < 0.01 and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{pid} {self.result.child_names.get(pid, '')}")
            except psutil.Error:
                continue
        for p in psutil.process_iter(["pid"]):
            try:
                ours = os.getpgid(p.pid) == self.pid or os.getsid(p.pid) == self.pid
                known = any(a.split()[0] == str(p.pid) for a in alive)
                if p.pid != self.pid and ours and not known and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{p.pid} {' '.join(p.cmdline()[:3])[:120]}")
            except (psutil.Error, OSError):
                continue
        return alive


def kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    """Signal the run's process group (it was started in its own session, so pgid == pid)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def run(cmd: Sequence[str | bytes], env: dict[str, str] | None = None, timeout: float = 600,
        watcher: Callable[[subprocess.Popen[bytes], float], bool] | None = None,
        cwd: Path | None = None) -> RunResult:
    """Run the CLI in its own session; `watcher(proc, t0)` is polled and may signal it (returns True once)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env=env, cwd=cwd, start_new_session=True)
    result = RunResult(rc=None, seconds=0.0)
    sampler = Sampler(proc.pid, result)
    sampler.start()
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out), (proc.stderr, err))]
    for t in readers:
        t.start()
    fired = False
    while proc.poll() is None:
        if watcher and not fired and watcher(proc, t0):
            fired, result.signal_at = True, time.monotonic()
        if time.monotonic() - t0 > timeout:
            kill_group(proc.pid)
            break
        time.sleep(0.002 if watcher and not fired else 0.05)
    result.rc = proc.wait()
    result.seconds = time.monotonic() - t0
    if result.signal_at is not None:
        result.stopped_after = time.monotonic() - result.signal_at
    _finish(result, sampler)
    for t in readers:
        t.join(5)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    result.stdout, result.stderr = b"".join(out), b"".join(err)
    return result


def _finish(result: RunResult, sampler: Sampler) -> None:
    sampler.stop.set()
    sampler.join(2)
    time.sleep(0.3)  # let orphans that are about to exit do so
    result.survivors = sampler.survivors()
    for line in result.survivors:
        kill_group(int(line.split()[0]))  # never leave them behind us, but report them


def run_pty(cmd: Sequence[str | bytes], after_docs: int, sig: int = signal.SIGINT,
            env: dict[str, str] | None = None, timeout: float = 600) -> RunResult:
    """Run on a pseudo-terminal (to see the progress line); send `sig` once `after_docs` are finished."""
    master, slave = pty.openpty()
    t0 = time.monotonic()
    proc = subprocess.Popen(list(cmd), stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    os.close(slave)
    result = RunResult(rc=None, seconds=0.0)
    sampler = Sampler(proc.pid, result)
    sampler.start()
    buf = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            if not chunk and proc.poll() is not None:
                break
            buf += chunk
            counts = progress_counts(buf[-8192:])
            result.progress = max([result.progress, *counts])
            if result.signal_at is None and result.progress >= after_docs:
                result.signal_at = time.monotonic()
                kill_group(proc.pid, sig)
        elif proc.poll() is not None:
            break
        if time.monotonic() - t0 > timeout:
            kill_group(proc.pid)
    os.close(master)
    result.rc = proc.wait()
    result.seconds = time.monotonic() - t0
    if result.signal_at is not None:
        result.stopped_after = time.monotonic() - result.signal_at
    result.stdout = buf
    _finish(result, sampler)
    return result


def after_delay(delay: float) -> Callable[[subprocess.Popen[bytes], float], bool]:
    """A watcher that kill -9s the group `delay` seconds after the start."""
    def watch(proc: subprocess.Popen[bytes], t0: float) -> bool:
        if time.monotonic() - t0 >= delay:
            kill_group(proc.pid)
            return True
        return False
    return watch


def writing(out: Path) -> bool:
    """The write phase is visible as a staging folder or a temporary part file in the dataset folder."""
    try:
        with os.scandir(out) as entries:
            if any(e.name.startswith(".staging") or e.name.endswith(".tmp") for e in entries):
                return True
    except OSError:
        return False
    return any(p.name.endswith(".tmp") for t in TABLES for p in (out / t).glob("*/.*"))


def during_write(out: Path, rng: random.Random, max_lag: float = 0.8) -> Callable[[subprocess.Popen[bytes],
                                                                                  float], bool]:
    """A watcher that kill -9s the group a random moment after the write phase begins."""
    state: dict[str, float] = {}

    def watch(proc: subprocess.Popen[bytes], t0: float) -> bool:
        now = time.monotonic()
        if "at" not in state and writing(out):
            state["at"] = now + rng.uniform(0.0, max_lag)
        if "at" in state and now >= state["at"]:
            kill_group(proc.pid)
            return True
        return False
    return watch


# ---------------------------------------------------------------- the dataset, read three ways


def read_table(dataset: Path, table: str):  # -> pandas.DataFrame
    """A table through pyarrow's hive dataset (robust to the pandas dictionary-unification problem)."""
    import pyarrow.dataset as pads

    path = dataset / table
    if not path.exists():
        import pandas as pd
        return pd.DataFrame()
    return pads.dataset(str(path), format="parquet", partitioning="hive").to_table().to_pandas()


def readers_ok(dataset: Path) -> dict[str, str]:
    """Read every table with pyarrow, DuckDB and pandas.read_parquet(DIR/<table>); the errors, by reader."""
    import duckdb
    import pandas as pd
    import pyarrow.dataset as pads

    errors: dict[str, str] = {}
    for t in TABLES:
        path = dataset / t
        if not path.exists():
            errors[f"{t}:exists"] = "missing"
            continue
        for name, fn in (
            ("pyarrow", lambda p=path: pads.dataset(str(p), format="parquet", partitioning="hive").to_table()),
            ("duckdb", lambda p=path: duckdb.sql(
                f"select count(*) from read_parquet('{p}/**/*.parquet', hive_partitioning=true)").fetchall()),
            ("pandas", lambda p=path: pd.read_parquet(p)),
        ):
            try:
                fn()
            except Exception as exc:
                errors[f"{t}:{name}"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    return errors


def parquet_bytes(dataset: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under the table folders (temporaries included on purpose)."""
    out = {}
    for t in TABLES:
        for p in sorted((dataset / t).rglob("*")):
            if p.is_file():
                out[str(p.relative_to(dataset))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def stray_files(dataset: Path) -> list[str]:
    """Staging folders and temporaries a finished run should not leave in the dataset."""
    return sorted(str(p.relative_to(dataset)) for p in dataset.rglob("*")
                  if p.name.startswith(".staging") or p.name.endswith(".tmp"))


def orphans(dataset: Path) -> dict[str, int]:
    """Rows of sections/cells/checks whose report_id has no reports row."""
    reports = read_table(dataset, "reports")
    ids = set(reports["report_id"]) if len(reports) else set()
    out = {}
    for t in ("sections", "cells", "checks"):
        df = read_table(dataset, t)
        if len(df):
            out[t] = int((~df["report_id"].isin(ids)).sum())
    return out


def snapshot(root: Path) -> set[str]:
    """Every path under root (lstat only: never follows links, never reads)."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for n in dirnames + filenames:
            found.add(os.path.join(dirpath, n))
    return found


def tmp_top() -> set[str]:
    return set(os.listdir("/tmp"))
