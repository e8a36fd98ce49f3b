"""Screenshots of every workbench page (docs/screenshots/*.png), taken with Debian's headless chromium.

    python scripts/workbench_screenshots.py --dataset DIR [--out docs/screenshots]

Starts `xxgk serve` on a free 127.0.0.1 port over DIR, opens each page (the report page with a PDF
cell, a scan cell, an HTML cell and a text cell clicked), saves a PNG per page, stops the server.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _by_source(base: str, suffix: str) -> str:
    for it in httpx.get(f"{base}/api/reports", params={"limit": 1000}).json()["items"]:
        if httpx.get(f"{base}/api/reports/{it['report_id']}").json()["report"]["source"].endswith(suffix):
            return str(it["report_id"])
    raise SystemExit(f"no report from {suffix}")


def _first_number(base: str, rid: str, table: str = "t3") -> str:
    cells = httpx.get(f"{base}/api/reports/{rid}").json()["cells"]
    c = next(c for c in cells if c["flag"] == "number" and c["table"] == table and (c["value"] or 0) > 0)
    return f"{c['table']}/{c['row']}/{c['col']}"


def shots(base: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    pdf = _by_source(base, "hongze_district_2024.pdf")
    scan, html, text = (_by_source(base, s) for s in ("hongze_scan.pdf", "zone_2021_page.html", "site/L05_2022.txt"))
    prev = _by_source(base, "site/L05_2021.txt")
    agency = httpx.get(f"{base}/api/reports/{_by_source(base, 'site/L01_2022.txt')}").json()["report"]["agency"]
    pages = [("find", "/", None), ("find-region", "/?region=33", None), ("report-pdf", f"/reports/{pdf}", pdf),
             ("report-scan", f"/reports/{scan}", scan), ("report-html", f"/reports/{html}", html),
             ("report-text", f"/reports/{text}", text), ("agency", f"/agency/{agency}", None),
             ("compare", f"/compare?a={prev}&b={text}", None), ("queue", "/queue", None),
             ("failures", "/failures", None), ("coverage", "/coverage", None)]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, path, rid in pages:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(base + path)
            if rid is not None:
                page.click(f'td[data-cell="{_first_number(base, rid)}"]')
                page.wait_for_selector("#source > *")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(300)
            page.screenshot(path=str(out / f"{name}.png"))
            page.close()
        browser.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = ap.parse_args()
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.commands.cli", "serve", "--dataset", args.dataset,
                             "--port", str(port)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        print(proc.stdout.readline().strip())
        shots(f"http://127.0.0.1:{port}", Path(args.out))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stdout is not None:
            proc.stdout.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
