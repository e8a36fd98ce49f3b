"""Executors: a stuck, exploding or crashing document is killed and recorded; the rest go on; the
Dask cluster and the local pool give the same dataset; output may go anywhere fsspec reaches."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import fsspec
import pytest

from extractors import Member, SourceRef
from pipeline.normalise.report import Report
from pipeline.runs.executors import DaskCluster, InProcess, LocalPool
from pipeline.runs.inputs import iter_items
from pipeline.runs.process import process_item
from pipeline.store.dataset import open_dataset, write_dataset
from tests.conftest import FIXTURES

SEED = (FIXTURES / "text" / "jilin_tonghua_dongchang_science_bureau_2023.txt").read_bytes()


def item(name: str, data: bytes = SEED) -> Member:
    return Member(data=data, source=SourceRef(uri=name, sha256=hashlib.sha256(name.encode() + data).hexdigest()))


def troublesome(it: Member) -> Report:
    """A worker that misbehaves on purpose for some inputs (module level: picklable)."""
    if "stuck" in it.source.uri:
        time.sleep(60)
    if "bomb" in it.source.uri:
        _ = bytearray(8 * 1024**3)  # 8 GB: over the memory cap
    if "crash" in it.source.uri:
        os._exit(3)
    return process_item(it)


def by_uri(reports: list[Report]) -> dict[str, Report]:
    return {r.source: r for r in reports}


def test_local_pool_kills_stuck_exploding_and_crashing_documents() -> None:
    items = [item("a.txt"), item("stuck.txt"), item("bomb.txt"), item("crash.txt"), item("b.txt")]
    started = time.monotonic()
    got = by_uri(list(LocalPool(jobs=2, timeout=3, memory_mb=2048, worker=troublesome).map(items)))
    assert time.monotonic() - started < 40
    assert got["a.txt"].status == "ok" and got["b.txt"].status == "ok"
    assert got["stuck.txt"].status == "failed" and "timed out after 3 s" in got["stuck.txt"].error
    assert got["bomb.txt"].status == "failed" and "bomb.txt" in got["bomb.txt"].error
    assert "out of memory (over the 2048 MB cap" in got["bomb.txt"].error
    assert got["crash.txt"].status == "failed" and "worker died" in got["crash.txt"].error


def test_in_process_and_pool_agree() -> None:
    items = [item(f"{i}.txt") for i in range(4)]
    a = sorted((r.source, r.cells) for r in InProcess().map(items))
    b = sorted((r.source, r.cells) for r in LocalPool(jobs=2).map(items))
    assert a == b


def _digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.parquet"))}


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_dataset(tmp_path: Path) -> None:
    paths = [str(FIXTURES / "text"), str(FIXTURES / "records")]
    write_dataset(tmp_path / "local", LocalPool(jobs=2).map(iter_items(paths)))
    cluster = DaskCluster(jobs=2, timeout=60)
    write_dataset(tmp_path / "dask", cluster.map(iter_items(paths)))
    local, dask = _digests(tmp_path / "local"), _digests(tmp_path / "dask")
    assert local == dask and len(local) > 20
    stuck = list(DaskCluster(jobs=2, timeout=15, worker=troublesome).map([item("stuck.txt"), item("ok.txt")]))
    assert {r.source: r.status for r in stuck} == {"stuck.txt": "failed", "ok.txt": "ok"}


def test_output_anywhere_fsspec_reaches(tmp_path: Path) -> None:
    reports = list(InProcess().map(iter_items([str(FIXTURES / "text")])))
    write_dataset(tmp_path / "local", reports)
    url = "memory://xxgk-test/dataset"
    write_dataset(url, reports)
    write_dataset(url, reports)  # idempotent there too
    fs = fsspec.filesystem("memory")
    remote = {p.split("dataset/", 1)[1]: hashlib.sha256(fs.cat(p)).hexdigest()
              for p in sorted(fs.glob("/xxgk-test/dataset/**/*.parquet"))}
    assert remote == _digests(tmp_path / "local")
    d = open_dataset(url)
    assert len(d.reports) == len(reports) and len(d.cells) == sum(len(r.cells) for r in reports)
    fs.rm("/xxgk-test", recursive=True)
