"""Scores a crawl of the simulated portals from the simulator's own request log (no crawler knowledge),
plus the two things only the archive can tell: the coverage CSV (js_challenge) and the WARC versions.

Every function takes the truth dict (Simulator.truth()) and log rows (LogEntry as dicts) and returns a
Check; `python -m tests.blind.portals.score TRUTH LOG [--settings JSON]` prints them for saved runs.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import itertools
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

Row = dict[str, Any]
GAP_SLACK = 0.1  # seconds of scheduling noise allowed on top of twice the base delay


@dataclass
class Check:
    name: str
    passed: bool
    value: float | int | str
    detail: str


def url_of(row: Row) -> str:
    return f"http://{row['host']}{row['target']}"


def rows_of(log: list[Row], phase: str | None = None) -> list[Row]:
    return [r for r in log if phase is None or r["phase"] == phase]


def check_reports_found(truth: dict[str, Any], log: list[Row], phase: str) -> Check:
    """Every findable report URL (article or attachment) answered 200 to a GET in this phase."""
    got = {url_of(r) for r in rows_of(log, phase) if r["status"] == 200 and r["method"] == "GET"}
    missing: dict[str, list[str]] = {}
    total = found = 0
    for src in truth["sources"]:
        urls = [str(rep["url"]) for rep in src["reports"]]
        total += len(urls)
        miss = [u for u in urls if u not in got]
        found += len(urls) - len(miss)
        if miss:
            missing[src["id"]] = miss
    per = {s: f"{len(m)} missing" for s, m in missing.items()}
    return Check(f"reports_found[{phase}]", not missing, f"{found}/{total}",
                 json.dumps(per, ensure_ascii=False) + " first: " + json.dumps(
                     {s: m[:2] for s, m in missing.items()}, ensure_ascii=False))


def check_forbidden(truth: dict[str, Any], log: list[Row]) -> Check:
    """No request (any phase, refused ones included) to a robots-denied path or an off-scope host."""
    rules = {(f["host"], f["prefix"], f["reason"]) for s in truth["sources"] for f in s["forbidden"]}
    bad = [f"{r['method']} {url_of(r)} ({reason})" for r in log for host, prefix, reason in rules
           if r["host"] == host and r["target"].startswith(prefix)]
    sim_hosts = set(truth["hosts"])
    bad += [f"{r['method']} {url_of(r)} (not simulated)" for r in log if r["host"] not in sim_hosts]
    return Check("forbidden_requests", not bad, len(bad), "; ".join(sorted(set(bad))[:8]))


def check_traps(truth: dict[str, Any], log: list[Row]) -> Check:
    over = []
    for src in truth["sources"]:
        for trap in src["traps"]:
            n = sum(1 for r in log if r["host"] == trap["host"] and r["target"].startswith(trap["prefix"]))
            if n > trap["max_requests"]:
                over.append(f"{trap['host']}{trap['prefix']}: {n} > {trap['max_requests']}")
    return Check("calendar_trap", not over, len(over), "; ".join(over))


def check_one_in_flight(log: list[Row]) -> Check:
    """≤ 1 request in flight per host: no two [t_start, t_end] intervals of a host overlap."""
    overlaps = []
    for host, rows in _by_host(log).items():
        end = float("-inf")
        for r in rows:
            if r["t_start"] < end:
                overlaps.append(f"{host} {r['target']}")
            end = max(end, r["t_end"])
    return Check("one_request_in_flight_per_host", not overlaps, len(overlaps), "; ".join(overlaps[:6]))


def _by_host(log: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for r in log:
        if r["status"] != 0:
            out[r["host"]].append(r)
    for rows in out.values():
        rows.sort(key=lambda r: r["t_start"])
    return out


def gaps(rows: list[Row]) -> list[tuple[Row, float]]:
    """(request, idle time since the previous request to the host ended)."""
    return [(b, b["t_start"] - a["t_end"]) for a, b in itertools.pairwise(rows)]


def check_crawl_delay(truth: dict[str, Any], log: list[Row]) -> Check:
    """robots.txt Crawl-delay honoured: no gap shorter than 90 % of it (phase by phase)."""
    delays = {h: d for s in truth["sources"] for h, d in s["crawl_delay"].items()}
    short = []
    for phase in sorted({r["phase"] for r in log}):
        hosts = _by_host(rows_of(log, phase))
        for host, delay in delays.items():
            short += [f"{host} {g:.3f}s<{delay}" for _r, g in gaps(hosts.get(host, [])) if g < 0.9 * delay]
    return Check("crawl_delay_honoured", not short, len(short), "; ".join(short[:5]))


def check_conditional(truth: dict[str, Any], log: list[Row], phase: str = "crawl2") -> Check:
    """≥ 95 % of recrawl GETs to pages that gave validators in crawl 1 carry If-None-Match/If-Modified-Since."""
    validated = set(truth["validated_urls"])
    first_ok = {url_of(r) for r in rows_of(log, "crawl1") if r["status"] == 200}
    eligible = [r for r in rows_of(log, phase) if r["method"] == "GET" and url_of(r) in validated
                and url_of(r) in first_ok]
    cond = [r for r in eligible if "if-none-match" in r["headers"] or "if-modified-since" in r["headers"]]
    ratio = len(cond) / len(eligible) if eligible else 0.0
    plain = [r["target"] for r in eligible if r not in cond][:5]
    return Check("recrawl_conditional", bool(eligible) and ratio >= 0.95, f"{len(cond)}/{len(eligible)}",
                 f"ratio {ratio:.2f}; unconditional e.g. {plain}")


def check_edit_refetched(truth: dict[str, Any], log: list[Row], phase: str = "crawl2") -> Check:
    """The recrawl received the edited body of every edited report (a 200 with the epoch-2 digest)."""
    missing = [u for u, (_old, new) in truth["edited_sha1"].items()
               if not any(url_of(r) == u and r["status"] == 200 and r["body_sha1"] == new
                          for r in rows_of(log, phase))]
    return Check("edited_report_refetched", not missing, len(truth["edited_sha1"]) - len(missing),
                 f"not refetched: {missing}")


def check_edit_versioned(truth: dict[str, Any], data_dir: Path) -> Check:
    """The archive holds both versions of an edited report: two response records with different payloads."""
    payloads = warc_payloads(data_dir)
    short = {u: len(payloads.get(u, set())) for u, shas in truth["edited_sha1"].items()
             if not set(shas) <= payloads.get(u, set())}
    return Check("edited_report_new_version", not short, len(truth["edited_sha1"]) - len(short),
                 f"versions archived (want both): {short}; warc files: {len(list(warc_files(data_dir)))}")


def warc_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "raw" / "warc").glob("*.warc*"))


def warc_payloads(data_dir: Path) -> dict[str, set[str]]:
    """URL → sha1 of every response payload archived (warcio, the documented archive format)."""
    from warcio.archiveiterator import ArchiveIterator

    out: dict[str, set[str]] = defaultdict(set)
    for path in warc_files(data_dir):
        opener = gzip.open if path.suffix == ".gz" else open
        try:
            with opener(path, "rb") as fh:
                for rec in ArchiveIterator(fh):
                    if rec.rec_type == "response":
                        uri = rec.rec_headers.get_header("WARC-Target-URI") or ""
                        out[uri].add(hashlib.sha1(rec.content_stream().read()).hexdigest())
        except Exception:
            continue
    return out


def check_js_challenge(truth: dict[str, Any], log: list[Row], coverage_rows: list[dict[str, str]]) -> Check:
    """Challenged sources show `js_challenge` in the coverage CSV and were never 'solved' (no clearance cookie)."""
    problems = []
    for src in (s for s in truth["sources"] if s["js_challenge"]):
        rows = [r for r in coverage_rows if src["id"] in r.values()]
        if not any("js_challenge" in v for r in rows for v in r.values() if v):
            problems.append(f"{src['id']}: coverage rows {rows[:2]}")
        hosts = set(src["hosts"])
        if any("jsl_clearance" in r["headers"].get("cookie", "") for r in log if r["host"] in hosts):
            problems.append(f"{src['id']}: sent the challenge cookie (bypass)")
    return Check("js_challenge_reported", not problems, len(problems), "; ".join(problems)[:600])


def run_coverage(data_dir: Path, sources_file: Path | None, out_csv: Path) -> list[dict[str, str]]:
    """`xxgk coverage --data DATA --csv F` as documented; rows as dicts ([] when it fails)."""
    exe = shutil.which("xxgk") or str(Path(sys.executable).with_name("xxgk"))
    cmd = [exe, "coverage", "--data", str(data_dir), "--csv", str(out_csv)]
    if sources_file is not None and sources_file.exists():
        cmd += ["--sources", str(sources_file), "--since", "2008"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    if not out_csv.exists():
        return [{"error": f"rc={proc.returncode} {proc.stderr[-300:]}"}]
    with out_csv.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def check_backoff_recovery(truth: dict[str, Any], log: list[Row], base_delay: float, phase: str) -> Check:
    """After a host's last 503 the idle gap is back near the base delay within 20 good answers, and stays there.

    A host whose crawl ends sooner without having relaxed is inconclusive, not failed.
    """
    delays = {h: d for s in truth["sources"] for h, d in s["crawl_delay"].items()}
    checked, slow, inconclusive = [], [], []
    for host, rows in _by_host(rows_of(log, phase)).items():
        last_fault = max((i for i, r in enumerate(rows) if r["fault"]), default=None)
        if last_fault is None:
            continue
        limit = 2 * max(base_delay, delays.get(host, 0.0)) + GAP_SLACK
        tail = [g for _r, g in gaps(rows[last_fault:])]  # tail[i]: gap before good answer i+1
        relaxed_at = next((i + 1 for i in range(len(tail)) if all(g <= limit for g in tail[i:])), None)
        if relaxed_at is None and len(tail) < 20:
            inconclusive.append(f"{host} ({len(tail)} answers)")
            continue
        checked.append(f"{host}@{relaxed_at}")
        if relaxed_at is None or relaxed_at > 20:
            slow.append(f"{host}: relaxed at answer {relaxed_at} (limit {limit:.2f}s, tail {[round(g, 2) for g in tail][:25]})")
    return Check("backoff_relaxes_within_20", bool(checked) and not slow, len(checked),
                 f"hosts relaxed at answer #: {checked}; slow: {slow}; inconclusive: {inconclusive}")


def check_faults_seen(log: list[Row], phase: str) -> Check:
    n = sum(r["fault"] for r in rows_of(log, phase))
    return Check(f"faults_injected[{phase}]", n > 0, n, "503 + Retry-After: 1 answers served")


def load_log(path: Path) -> list[Row]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str]) -> int:
    truth = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    log = load_log(Path(argv[1]))
    checks = [check_reports_found(truth, log, "crawl1"), check_forbidden(truth, log), check_traps(truth, log),
              check_one_in_flight(log), check_crawl_delay(truth, log)]
    for c in checks:
        print(json.dumps(asdict(c), ensure_ascii=False))
    return 0 if all(c.passed for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
