"""kill -9 at 20 random moments of `xxgk run` (crawl and load), then resume: nothing lost, nothing
duplicated, nothing archived fetched again, WARC files clean, the dataset equal to an
uninterrupted run's."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.store.dataset import open_dataset
from scrapers import Archive, Store

from .conftest import Sim, build
from .portals import write_sources

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20
SOURCES = ("sim-trs", "sim-hanweb", "sim-gd", "sim-hunan", "sim-generic")


def xxgk_run(sources: Path, data: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "pipeline.commands.cli", "run", "--sources", str(sources), "--all",
                             "--data", str(data), "--jobs", "0", "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def completed(sources: Path, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.commands.cli", "run", "--sources", str(sources), "--all",
                           "--data", str(data), "--jobs", "0", "--quiet"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


def wait_for_event(log: Path, proc: subprocess.Popen[bytes], event: str, timeout: float = 60.0) -> None:
    """Until the JSON log shows `event` from `proc` (or the process ended)."""
    marker = f'"event": "{event}", "pid": {proc.pid},'
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if log.exists() and marker in log.read_text(encoding="utf-8"):
            return
        time.sleep(0.02)


def captures(data: Path) -> list:
    store = Store(data / "raw" / "crawl.sqlite")
    try:
        return Archive(store, data / "raw" / "warc").captures()
    finally:
        store.close()


def table(data: Path, name: str) -> pd.DataFrame:
    df = getattr(open_dataset(data / "dataset"), name)
    df = df.drop(columns=[c for c in ("captured_at",) if c in df.columns])
    keys = [c for c in ("report_id", "table", "row", "col", "ordinal", "rule", "scope") if c in df.columns]
    return df.astype(str).sort_values(keys + [c for c in df.columns if c not in keys]).reset_index(drop=True)


@pytest.fixture(scope="module")
def crash_sim(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("crash")
    sim: Sim = build(tmp)
    chosen = [t for t in sim.truths if t.source["id"] in SOURCES]
    sources = write_sources(tmp / "crash.toml", chosen, {"delay": 0.01, "timeout": 2.0, "retries": 2,
                                                        "backoff": 0.02, "max_pages": 20})
    yield sim, sources, tmp
    sim.servers.close()


@pytest.mark.slow
def test_kill_9_twenty_times_then_resume(crash_sim) -> None:
    sim, sources, tmp = crash_sim
    ref = tmp / "ref"
    t0 = time.monotonic()
    res = completed(sources, ref)
    # Exit 1: the run completed, and a source was partly blocked (sim-trs's robots-denied report).
    assert res.returncode == 1, res.stderr
    duration = time.monotonic() - t0  # about 7 s on 2 cores
    sim.servers.reset_logs()

    crash = tmp / "crashed"
    rng = random.Random(20261126)
    kills = attempts = 0
    while kills < KILLS and attempts < 3 * KILLS:
        attempts += 1
        proc = xxgk_run(sources, crash)
        if kills % 2:  # at a random moment of the load: shortly after this process's crawl ended
            wait_for_event(crash / "logs" / "xxgk.jsonl", proc, "crawl_end")
            time.sleep(rng.uniform(0.0, 0.8))
        else:  # at a random moment of the crawl (the first runs fetch, later ones recrawl conditionally)
            wait_for_event(crash / "logs" / "xxgk.jsonl", proc, "crawl_start")
            time.sleep(rng.uniform(0.0, min(duration / 3, 1.5)))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    assert kills == KILLS
    res = completed(sources, crash)
    assert res.returncode == 1, res.stderr

    # 0 captures lost, 0 duplicated: the same (url, payload) captures as the uninterrupted run.
    got, want = captures(crash), captures(ref)
    key = lambda c: (c.source_id, c.url, c.role, c.http_status, c.sha256)  # noqa: E731
    assert sorted(map(key, got)) == sorted(map(key, want))
    assert len({(c.url, c.version) for c in got}) == len(got)

    # The WARC files read cleanly, and every indexed capture is exactly one record there.
    records: dict[str, tuple[str, int]] = {}
    for path in sorted((crash / "raw" / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            it = ArchiveIterator(fh, check_digests=True)
            for record in it:
                record.content_stream().read()
                if record.rec_type in ("response", "revisit"):
                    rid = record.rec_headers.get_header("WARC-Record-ID")
                    assert rid not in records
                    records[rid] = (path.name, it.get_record_offset())
    assert {c.record_id: (c.warc_file, c.warc_offset) for c in got} == records

    # Nothing already archived was fetched again: after a URL's capture, only conditional requests.
    first_capture: dict[str, float] = {}
    for c in got:
        if c.http_status != 200:  # a 404 or a redirect has no validators to send
            continue
        t = datetime.fromisoformat(c.captured_at.replace("Z", "+00:00")).timestamp()
        first_capture[c.url] = min(first_capture.get(c.url, t), t)
    refetched = [(name, e.path) for name, h in sim.servers.hosts.items() for e in h.log
                 if not e.conditional and h.base + e.path in first_capture
                 and e.wall > first_capture[h.base + e.path] + 0.5]
    assert refetched == []

    # The kills landed in both phases: some processes died crawling, some while loading the dataset.
    last: dict[int, str] = {}
    for line in (crash / "logs" / "xxgk.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        last[entry["pid"]] = entry["event"]
    phases = {"load" if ev == "crawl_end" else "crawl" for ev in last.values() if ev != "run_end"}
    assert phases == {"crawl", "load"}

    # The dataset equals the uninterrupted run's (capture times aside).
    for name in ("reports", "sections", "cells", "checks"):
        pd.testing.assert_frame_equal(table(crash, name), table(ref, name), check_dtype=False)
    assert len(table(crash, "reports")) >= 20
