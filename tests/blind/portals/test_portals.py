"""Blind tests of the crawler against the simulated portals (tests/blind/portals/sim.py).

The crawler is reached only through crawl_hook.crawl. Assertions read the simulator's
request log, the coverage CSV and the WARC files — nothing of the crawler's internals.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
import pytest

from . import score
from .sim import LoopbackTransport, Simulator
from .sources_file import SOURCES_NAME

SETTINGS: dict[str, object] = {"delay": 0.05, "max_delay": 1.0}
BASE_DELAY = 0.05
CrawlFn = Callable[[list[dict[str, str]], Path, httpx.BaseTransport, dict[str, object]], None]


def crawl_fn() -> CrawlFn:
    from .crawl_hook import crawl

    return crawl


def _crawl(sim: Simulator, data: Path) -> None:
    transport = LoopbackTransport(sim)
    try:
        crawl_fn()(sim.sources(), data, transport, dict(SETTINGS))
    finally:
        transport.close()


def _save(sim: Simulator, root: Path) -> dict[str, Any]:
    sim.write_truth(root / "truth.json")
    sim.write_log(root / "requests.jsonl")
    return {"truth": sim.truth(), "log": [asdict(e) for e in sim.log]}


@pytest.fixture(scope="module")
def pdf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("blind-portals-cache")


@pytest.fixture(scope="module")
def normal_run(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> dict[str, Any]:
    """Crawl 1, the edit, crawl 2 (same data directory), no faults."""
    root = tmp_path_factory.mktemp("blind-portals")
    with Simulator(pdf_cache, seed=0) as sim:
        _crawl(sim, root / "data")
        sim.advance("crawl2")
        _crawl(sim, root / "data")
        run = _save(sim, root)
    run["data"] = root / "data"
    run["coverage"] = score.run_coverage(root / "data", root / "data" / SOURCES_NAME, root / "coverage.csv")
    return run


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> dict[str, Any]:
    """One crawl with fault_rate=0.5 (503 + Retry-After: 1 among each host's first answers)."""
    root = tmp_path_factory.mktemp("blind-portals-faults")
    with Simulator(pdf_cache, seed=1, fault_rate=0.5) as sim:
        _crawl(sim, root / "data")
        return _save(sim, root)


def _assert(check: score.Check) -> None:
    assert check.passed, f"{check.name}: {check.value} — {check.detail}"


def test_simulator_serves_its_truth(pdf_cache: Path) -> None:
    """Self-test, no crawler: every report URL answers 200, robots-denied paths exist, hosts are refused."""
    with Simulator(pdf_cache) as sim:
        truth = sim.truth()
        with httpx.Client(transport=LoopbackTransport(sim)) as client:
            for src in truth["sources"]:
                for rep in src["reports"]:
                    assert client.get(str(rep["url"])).status_code == 200, rep["url"]
            assert client.get("http://www.baiyun.gov.cn/").status_code == 521
            with pytest.raises(httpx.ConnectError):
                client.get("http://example.com/")
            first = client.get(truth["validated_urls"][0])
            again = client.get(truth["validated_urls"][0], headers={"If-None-Match": first.headers["ETag"]})
            assert again.status_code == 304
    assert truth["counts"]["reports"] >= 80 and truth["counts"]["edited"] == 1
    json.dumps(truth, ensure_ascii=False)


def test_every_report_found(normal_run: dict[str, Any]) -> None:
    _assert(score.check_reports_found(normal_run["truth"], normal_run["log"], "crawl1"))


def test_challenge_reported(normal_run: dict[str, Any]) -> None:
    _assert(score.check_js_challenge(normal_run["truth"], normal_run["log"], normal_run["coverage"]))


def test_nothing_forbidden_requested(normal_run: dict[str, Any]) -> None:
    _assert(score.check_forbidden(normal_run["truth"], normal_run["log"]))


def test_calendar_trap_bounded(normal_run: dict[str, Any]) -> None:
    _assert(score.check_traps(normal_run["truth"], normal_run["log"]))


def test_one_request_in_flight_per_host(normal_run: dict[str, Any]) -> None:
    _assert(score.check_one_in_flight(normal_run["log"]))


def test_crawl_delay_honoured(normal_run: dict[str, Any]) -> None:
    _assert(score.check_crawl_delay(normal_run["truth"], normal_run["log"]))


def test_recrawl_is_conditional(normal_run: dict[str, Any]) -> None:
    _assert(score.check_conditional(normal_run["truth"], normal_run["log"]))


def test_edit_refetched_and_versioned(normal_run: dict[str, Any]) -> None:
    _assert(score.check_edit_refetched(normal_run["truth"], normal_run["log"]))
    _assert(score.check_edit_versioned(normal_run["truth"], normal_run["data"]))


def test_faults_every_report_found(fault_run: dict[str, Any]) -> None:
    _assert(score.check_faults_seen(fault_run["log"], "crawl1"))
    _assert(score.check_reports_found(fault_run["truth"], fault_run["log"], "crawl1"))


def test_faults_backoff_relaxes(fault_run: dict[str, Any]) -> None:
    _assert(score.check_backoff_recovery(fault_run["truth"], fault_run["log"], BASE_DELAY, "crawl1"))
    _assert(score.check_one_in_flight(fault_run["log"]))
