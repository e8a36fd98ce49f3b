"""The audit page: self-contained HTML checked in a real headless Chromium.

The browser is driven over the DevTools protocol (a websocket on 127.0.0.1): the page is loaded
from a file, every console message, exception, log entry and network request is recorded, and
the rendered figures are measured in the page. A negative control (the same page with an inline
script and an external image added) proves the harness sees what it must reject.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import websocket

from pipeline.commands.cli import main
from pipeline.products.audit import OUTLIER_Z, PLOTS, audit_html, failing_by_agency, outliers
from pipeline.products.panel import build_products
from pipeline.store.dataset import open_dataset
from tests.generator.longitudinal import built_dataset, longitudinal

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def page() -> str:
    ds = open_dataset(built_dataset())
    return audit_html(ds, build_products(ds))


# ---------------------------------------------------------------------------------------------
# A minimal DevTools-protocol client


class Browser:
    """Headless Chromium with a fresh profile; `load(path)` returns what happened on the page."""

    FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=1280,2000")

    def __init__(self, profile: Path) -> None:
        if not Path(CHROMIUM).exists():
            pytest.fail(f"Chromium not installed at {CHROMIUM}: run scripts/sysdeps.sh")
        self.proc = subprocess.Popen([CHROMIUM, *self.FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                pytest.fail("Chromium did not open its DevTools port")
            time.sleep(0.1)
        self.port = int(port_file.read_text().split()[0])
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=10).read())
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(method)
            self.events.append(json.loads(self.ws.recv()))

    def load(self, path: Path) -> dict[str, Any]:
        self.events = []
        self.call("Page.navigate", url=path.as_uri())
        self.wait_for("Page.loadEventFired")
        time.sleep(0.3)  # late console messages
        self.call("Runtime.evaluate", expression="0")  # drains queued events
        figures = self.call("Runtime.evaluate", returnByValue=True, expression="""
            [...document.querySelectorAll('figure[data-plot]')].map(f => {
              const s = f.querySelector('svg'); const r = s ? s.getBoundingClientRect() : null;
              return {plot: f.dataset.plot, svg: !!s, width: r ? r.width : 0, height: r ? r.height : 0,
                      marks: s ? s.querySelectorAll('path, use, rect').length : 0};
            })""")["result"]["value"]
        shot = self.call("Page.captureScreenshot", format="png")["data"]
        problems = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                problems.append(("exception", p["exceptionDetails"].get("text", "")))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in {"error", "warning", "assert"}:
                problems.append(("console", " ".join(str(a.get("value", "")) for a in p.get("args", []))))
            elif m == "Log.entryAdded" and p["entry"]["level"] in {"error", "warning"}:
                problems.append(("log", p["entry"]["text"]))
        requests = [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]
        url_of = {e["params"]["requestId"]: e["params"]["request"]["url"] for e in self.events
                  if e.get("method") == "Network.requestWillBeSent"}
        failed = [(url_of.get(e["params"]["requestId"], "?"), e["params"].get("blockedReason", e["params"]["errorText"]))
                  for e in self.events if e.get("method") == "Network.loadingFailed"]
        return {"figures": figures, "problems": problems, "requests": requests, "failed": failed,
                "png": base64.b64decode(shot)}

    def close(self) -> None:
        if getattr(self, "ws", None):
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Browser:
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


# ---------------------------------------------------------------------------------------------


def test_the_page_renders_in_chromium_with_every_plot(page: str, browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    got = browser.load(path)
    assert got["problems"] == [] and got["failed"] == []
    # Nothing is fetched but the page itself and the heatmaps' inline data: images.
    assert got["requests"][0] == path.as_uri()
    assert all(u.startswith("data:image/png;base64,") for u in got["requests"][1:])
    assert [f["plot"] for f in got["figures"]] == list(PLOTS)
    for f in got["figures"]:
        assert f["svg"] and f["width"] > 200 and f["height"] > 100 and f["marks"] > 20, f
    assert got["png"][:8] == b"\x89PNG\r\n\x1a\n" and len(got["png"]) > 20_000
    (tmp_path / "report.png").write_bytes(got["png"])


def test_the_harness_sees_errors_and_fetches(page: str, browser: Browser, tmp_path: Path) -> None:
    """Negative control: an inline script and an external image are refused by the page's CSP."""
    bad = page.replace("</body>", "<script>throw new Error('boom')</script>"
                                  "<img src='http://127.0.0.1:9/x.png'></body>")
    path = tmp_path / "bad.html"
    path.write_text(bad, encoding="utf-8")
    got = browser.load(path)
    texts = " ".join(t for _, t in got["problems"])
    assert "Content Security Policy" in texts and "script" in texts and "img-src" in texts
    assert got["failed"] == [("http://127.0.0.1:9/x.png", "csp")]  # refused by the page's policy


def test_the_page_is_self_contained_and_deterministic(page: str) -> None:
    ds = open_dataset(built_dataset())
    assert audit_html(ds, build_products(ds)) == page
    body = page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    assert "http://" not in body and "https://" not in body and "<script" not in body
    assert "Content-Security-Policy" in page and page.count("<svg") == len(PLOTS)
    for plot in PLOTS:
        assert f"data-plot='{plot}'" in page


def test_failing_checks_by_agency_carry_the_injected_findings() -> None:
    ds = open_dataset(built_dataset())
    products = build_products(ds)
    table = failing_by_agency(ds, products)
    corpus = longitudinal()
    for f in corpus.findings:
        assert table.loc[corpus.expected_agency_id(f.body), f.rule] >= 1, f
    # Only the agencies with an injected finding appear (identities hold in every latest version).
    assert set(table.index) == {corpus.expected_agency_id(f.body) for f in corpus.findings}
    assert table.loc[corpus.expected_agency_id("L09"), "T3-XYEAR"] == 4  # np and tot, 2021 and 2023


def test_outliers_against_peers() -> None:
    rows = [{"agency_id": f"a{i}", "agency": f"局{i}", "report_year": 2023, "admin_level": "county",
             "requests_new": 20 + i, "grant_rate": 0.5 + 0.01 * i} for i in range(8)]
    rows.append({"agency_id": "big", "agency": "大局", "report_year": 2023, "admin_level": "county",
                 "requests_new": 5000, "grant_rate": 0.52})
    rows += [{"agency_id": f"p{i}", "agency": f"省{i}", "report_year": 2023, "admin_level": "province",
              "requests_new": 10 ** i, "grant_rate": 0.5} for i in range(4)]  # too few peers to judge
    found = outliers(pd.DataFrame(rows))
    assert found[["agency_id", "metric"]].values.tolist() == [["big", "requests_new"]]
    assert found["z"].iloc[0] > OUTLIER_Z and found["peer_median"].iloc[0] == 24  # 20…27 and 5000


def test_cli_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "audit" / "report.html"
    assert main(["audit", "--dataset", str(built_dataset()), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count("<svg") == len(PLOTS)
    assert main(["audit", "--dataset", str(tmp_path / "none"), "--out", str(out)]) == 2
