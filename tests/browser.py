"""Waiting for a browser page to go quiet, for the tests that drive the workbench in Chromium."""

from __future__ import annotations

from typing import Any


class InFlight:
    """The requests of a page and its frames that have been sent and not yet finished or failed.

    Playwright's `networkidle` is discouraged by its docs and timed out on CI (Chromium 156, two busy
    cores) with nothing to say; this counts the page's own request events, and a wait that gives up
    names the requests still pending."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.pending: dict[int, str] = {}
        page.on("request", lambda r: self.pending.__setitem__(id(r), r.url))
        page.on("requestfinished", lambda r: self.pending.pop(id(r), None))
        page.on("requestfailed", lambda r: self.pending.pop(id(r), None))

    def settle(self, quiet_ms: int = 500, timeout_ms: int = 30_000) -> None:
        """Return once no request has been in flight for `quiet_ms`."""
        quiet = waited = 0
        while quiet < quiet_ms:
            assert waited < timeout_ms, f"requests in flight after {timeout_ms} ms: {sorted(self.pending.values())}"
            self.page.wait_for_timeout(50)
            waited += 50
            quiet = quiet + 50 if not self.pending else 0
