"""The scheduled job: `xxgk run` replays the bundled archive end to end; lock, logs, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.runs.jobs import DataDir, LockHeld, data_lock
from pipeline.store.dataset import open_dataset

ROOT = Path(__file__).resolve().parents[3]
APPS = ("np", "biz", "sci", "npo", "law", "oth", "tot")


def xxgk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.commands.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data = tmp_path_factory.mktemp("demo")
    return data, xxgk("run", "--demo", "--data", str(data), "--jobs", "0")


def t3_r1(data: Path, source_end: str) -> list[float]:
    ds = open_dataset(data / "dataset")
    rid = ds.reports.loc[ds.reports["source"].str.endswith(source_end), "report_id"].iloc[0]
    cells = ds.cells[(ds.cells["report_id"] == rid) & (ds.cells["row"] == "t3.r1")].set_index("col")["value"]
    return [cells[c] for c in APPS]


def test_demo_replays_the_bundled_archive(demo) -> None:
    data, res = demo
    assert res.returncode == 0, res.stdout + res.stderr
    assert "replaying the bundled archive" in res.stdout
    reports = open_dataset(data / "dataset").reports
    assert len(reports) == 23  # 5 pingtan pages/texts, 1 PDF, 17 rows of the 河北省教育厅 column
    # Values as printed (corpus README ground truth), through crawl → WARC → extract.
    assert t3_r1(data, "t20220208_80613.htm") == [64, 0, 0, 2, 0, 4, 70]  # 平潭 2021, HTML page
    assert t3_r1(data, "t20200120_80576.htm") == [23, 0, 0, 0, 0, 0, 23]  # 平潭 2019, HTML page
    assert t3_r1(data, "hzq2024_working.pdf") == [95, 0, 0, 0, 0, 0, 95]  # 洪泽区 2024, PDF attachment
    assert t3_r1(data, ".csv#row=1") == [18, 1, 0, 0, 0, 0, 19]  # 河北省教育厅 2023, crawled record
    pingtan = reports[reports["source"].str.endswith("t20220208_80613.htm")].iloc[0]
    assert pingtan["source"] == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202202/t20220208_80613.htm"
    assert pingtan["captured_at"].endswith("Z")


def test_a_second_run_extracts_nothing_new(demo) -> None:
    data, _ = demo
    before = sorted((data / "raw" / "warc").glob("*.warc.gz"))
    res = xxgk("run", "--demo", "--data", str(data), "--jobs", "0")
    assert res.returncode == 0 and "nothing new to extract" in res.stdout and "holds 23 reports" in res.stdout
    after = sorted((data / "raw" / "warc").glob("*.warc.gz"))
    assert sum(p.stat().st_size for p in after) == sum(p.stat().st_size for p in before)


def test_json_lines_log(demo) -> None:
    data, _ = demo
    lines = [json.loads(line) for line in (data / "logs" / "xxgk.jsonl").read_text(encoding="utf-8").splitlines()]
    events = {e["event"] for e in lines}
    assert {"crawl_start", "fetch", "crawl_end", "extracted", "run_end"} <= events
    fetch = next(e for e in lines if e["event"] == "fetch")
    assert {"ts", "level", "source", "url", "role", "state", "status", "outcome"} <= set(fetch)


def test_two_runs_never_share_a_data_directory(tmp_path: Path) -> None:
    with data_lock(DataDir(tmp_path)):
        with pytest.raises(LockHeld, match="another xxgk job holds the lock"), data_lock(DataDir(tmp_path)):
            pass
        res = xxgk("run", "--demo", "--data", str(tmp_path), "--quiet")
        assert res.returncode == 3 and "holds the lock" in res.stdout
    with data_lock(DataDir(tmp_path)):  # released: the next scheduled run gets it
        pass


def test_crawl_exit_codes(tmp_path: Path) -> None:
    assert xxgk("crawl", "--data", str(tmp_path)).returncode == 2  # neither --source nor --all
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nid = "x-y"\nagency = "a"\nregion = "350128"\nadapter = "trs"\n'
                   'start = "http://a.gov.cn/"\nsettings = { dely = 1 }\n', encoding="utf-8")
    res = xxgk("crawl", "--sources", str(bad), "--all", "--data", str(tmp_path))
    assert res.returncode == 2 and "unknown key 'dely'" in res.stdout
    res = xxgk("crawl", "--source", "no-such-source", "--data", str(tmp_path))
    assert res.returncode == 2 and "unknown source id 'no-such-source'" in res.stdout
    res = xxgk("crawl", "--site", "http://a.gov.cn/", "--data", str(tmp_path))
    assert res.returncode == 2 and "expected ID=URL" in res.stdout
    res = xxgk("crawl", "--site", "Bad ID=http://a.gov.cn/", "--data", str(tmp_path))
    assert res.returncode == 2 and "'id' must be" in res.stdout


def test_coverage_command(demo, tmp_path: Path) -> None:
    data, _ = demo
    out = tmp_path / "coverage.csv"
    res = xxgk("coverage", "--data", str(data), "--sources", str(ROOT / "data" / "samples" / "sources.toml"),
               "--since", "2019", "--until", "2024", "--csv", str(out))
    assert res.returncode == 0, res.stdout
    import pandas as pd

    cov = pd.read_csv(out)
    hebei = cov[cov["source_id"] == "sample-hebei-jyt"].set_index("year")["status"]
    # The CSV holds the 2019–2023 reports; 2020's row has an empty body (extraction failed).
    assert hebei.to_dict() == {2019: "found", 2020: "unparsed", 2021: "found", 2022: "found", 2023: "found",
                               2024: "missing"}
    assert xxgk("coverage", "--data", str(tmp_path / "none")).returncode == 2
    # Without --sources: the sources crawled into DATA, as they were given (not the shipped registry).
    mine = tmp_path / "mine.csv"
    assert xxgk("coverage", "--data", str(data), "--since", "2019", "--until", "2024", "--csv", str(mine)).returncode == 0
    crawled = pd.read_csv(mine)
    assert set(crawled["source_id"]) == set(cov["source_id"])
    assert crawled[crawled["source_id"] == "sample-hebei-jyt"].set_index("year")["status"].to_dict() == hebei.to_dict()
    # A source of a registry that was never crawled here is not_crawled, not blocked.
    extra = tmp_path / "extra.toml"
    extra.write_text('[[source]]\nid = "never-crawled"\nstart = "http://www.example.gov.cn/"\n', encoding="utf-8")
    never = tmp_path / "never.csv"
    assert xxgk("coverage", "--data", str(data), "--sources", str(extra), "--since", "2023", "--until", "2024",
                "--csv", str(never)).returncode == 0
    assert set(pd.read_csv(never)["status"]) == {"not_crawled"}



def test_run_without_a_source_selection_is_an_error(tmp_path: Path) -> None:
    res = xxgk("run", "--data", str(tmp_path / "data"))
    assert res.returncode == 2 and "--all" in res.stdout and "--demo" in res.stdout
    assert not (tmp_path / "data" / "dataset").exists()
