"""The dataset written straight to an object store (`--dataset s3://bucket/prefix`), against a real S3
server on 127.0.0.1 (moto's server mode): the same bytes as a local run, merges included.

An object store has no folders and no rename: a writer that moves a staged folder into place, or
asks whether a folder exists, works on a disk and on `memory://` but not on S3.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import FIXTURES

moto_server = pytest.importorskip("moto.server")
s3fs = pytest.importorskip("s3fs")

TEXTS = [str(FIXTURES / "text" / n) for n in (
    "jilin_tonghua_dongchang_science_bureau_2023.txt", "fujian_pingtan_zone_2021_page.txt")]
MORE = [str(FIXTURES / "text" / "fujian_pingtan_zone_2019_page.txt")]
BUCKET = "xxgk-test"


@pytest.fixture(scope="module")
def s3_env() -> Iterator[dict[str, str]]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    env = {"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "test",
           "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": env["AWS_ENDPOINT_URL"]})
        fs.mkdir(BUCKET)
        yield env
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.stop()


def extract(paths: list[str], dataset: str, env: dict[str, str]) -> None:
    cmd = [sys.executable, "-m", "pipeline.commands.cli", "extract", *paths, "--dataset", dataset, "--jobs", "0"]
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def local_digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.parquet"))}


def s3_digests(prefix: str, env: dict[str, str]) -> dict[str, str]:
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": env["AWS_ENDPOINT_URL"]})
    fs.invalidate_cache()
    return {p[len(prefix) + 1:]: hashlib.sha256(fs.cat_file(p)).hexdigest()
            for p in sorted(fs.find(prefix)) if p.endswith(".parquet")}


def s3_keys(prefix: str, env: dict[str, str]) -> list[str]:
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": env["AWS_ENDPOINT_URL"]})
    fs.invalidate_cache()
    return sorted(p[len(prefix) + 1:] for p in fs.find(prefix))


def test_s3_dataset_matches_a_local_one_byte_for_byte(s3_env: dict[str, str], tmp_path: Path) -> None:
    prefix = f"{BUCKET}/first/xxgk"
    extract(TEXTS, f"s3://{prefix}", s3_env)
    extract(TEXTS, str(tmp_path / "local"), s3_env)
    remote, local = s3_digests(prefix, s3_env), local_digests(tmp_path / "local")
    assert remote == local
    assert {k.split("/", 1)[0] for k in remote} == {"reports", "sections", "cells", "checks"}
    # Nothing left behind: no staging objects, no journal.
    assert all(not k.startswith(".") for k in s3_keys(prefix, s3_env))


def test_s3_merge_and_rerun(s3_env: dict[str, str], tmp_path: Path) -> None:
    prefix = f"{BUCKET}/merge/xxgk"
    extract(TEXTS, f"s3://{prefix}", s3_env)
    extract(MORE, f"s3://{prefix}", s3_env)
    extract(MORE, f"s3://{prefix}", s3_env)  # the same input again changes nothing
    extract([*TEXTS, *MORE], str(tmp_path / "local"), s3_env)
    assert s3_digests(prefix, s3_env) == local_digests(tmp_path / "local")
    assert all(not k.startswith(".") for k in s3_keys(prefix, s3_env))


def test_s3_dataset_reads_back(s3_env: dict[str, str], tmp_path: Path) -> None:
    from pipeline.store.dataset import open_dataset

    prefix = f"{BUCKET}/read/xxgk"
    extract([*TEXTS, *MORE], f"s3://{prefix}", s3_env)
    extract([*TEXTS, *MORE], str(tmp_path / "local"), s3_env)
    ds, local = open_dataset(f"s3://{prefix}"), open_dataset(tmp_path / "local")
    for name in ("reports", "sections", "cells", "checks"):
        pd.testing.assert_frame_equal(getattr(ds, name), getattr(local, name))
    assert len(ds.reports) == 3 and set(ds.reports["status"]) <= {"ok", "partial"}
    years = sorted(int(y) for y in ds.reports["report_year"].dropna())
    assert years == [2019, 2021, 2023]
    assert len(ds.cells) > 100 and set(ds.cells["report_id"]) == set(ds.reports["report_id"])


def test_s3_commit_cut_short_is_rolled_forward(s3_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    """Killed after the first move of a commit on S3: the next writer finishes it from the journal."""
    from pipeline.runs.executors import run_items
    from pipeline.runs.inputs import iter_items
    from pipeline.store import dataset as ds_mod

    prefix = f"{BUCKET}/cut/xxgk"
    real = ds_mod._apply

    def cut(fs: object, moves: list[tuple[str, str]]) -> None:
        real(fs, moves[:1])
        raise KeyboardInterrupt("killed mid-commit")

    reports = list(run_items(iter_items(TEXTS), jobs=0))
    monkeypatch.setattr(ds_mod, "_apply", cut)
    with pytest.raises(KeyboardInterrupt):
        ds_mod.write_dataset(f"s3://{prefix}", reports)
    assert ds_mod.JOURNAL in s3_keys(prefix, s3_env)
    monkeypatch.setattr(ds_mod, "_apply", real)
    ds_mod.DatasetWriter(f"s3://{prefix}")  # any next writer rolls the commit forward
    extract(TEXTS, str(tmp_path / "local"), s3_env)
    assert ds_mod.JOURNAL not in s3_keys(prefix, s3_env)
    remote = s3_digests(prefix, s3_env)
    assert remote == local_digests(tmp_path / "local")
