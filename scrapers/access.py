"""Access states: what happened when we asked a server for one URL.

A state is recorded for every URL a crawl touches. The states that mean "we could not see"
(`BLOCKING`) are kept apart from "there is nothing there" (`not_found`, `gone`), so a blocked
portal is never reported as a portal without a report.
"""

from __future__ import annotations

import re
from typing import Literal

AccessState = Literal[
    "ok",             # 2xx with a body
    "not_modified",   # 304 to a conditional request: the archived copy is current
    "not_found",      # 404
    "gone",           # 410
    "redirected",     # 3xx; the target is recorded (followed only within scope)
    "robots_denied",  # robots.txt disallows it (or robots.txt itself could not be read)
    "js_challenge",   # 521/412/200 with an anti-bot JavaScript challenge: logged, never bypassed
    "blocked",        # 401/403/429, or 412 without challenge markers
    "server_error",   # 5xx after the retries
    "timeout",        # no answer within the timeout, after the retries
    "too_large",      # body over the configured maximum
    "unreachable",    # DNS, connection refused, TLS failure
    "http_error",     # any other 4xx
]

STATES: tuple[AccessState, ...] = (
    "ok", "not_modified", "not_found", "gone", "redirected", "robots_denied", "js_challenge", "blocked",
    "server_error", "timeout", "too_large", "unreachable", "http_error",
)
BLOCKING: frozenset[AccessState] = frozenset(
    {"robots_denied", "js_challenge", "blocked", "server_error", "timeout", "too_large", "unreachable"})
"""States after which we cannot tell whether a report exists."""

REFUSED: frozenset[AccessState] = frozenset({"robots_denied", "js_challenge", "blocked"})
"""The site would not let us see (robots.txt, a challenge, 401/403/429): retrying will not help."""
FAILED: frozenset[AccessState] = BLOCKING - REFUSED
"""The site failed to answer after the retries (5xx, timeout, unreachable, too large): try again later."""

TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
"""Statuses worth a retry (with back-off); challenges, 403 and 404 are not."""

# Markers of the JavaScript challenges Chinese government portals sit behind: 加速乐 (__jsl_clearance,
# answered with 521), 瑞数 (412 with $_ts / FSSBBIl1UgzbN7N cookies), 云锁 (yunsuo), 安全狗, Aliyun WAF.
_CHALLENGE = re.compile(
    rb"__jsl_clearance|_?jsl_|\$_ts\s*=|FSSBBIl1UgzbN7N|yunsuo_session_verify|safedog|acw_sc__v2|"
    rb"challenge-platform|document\.cookie\s*=.{0,400}location\.(?:href|reload|replace)",
    re.S | re.I,
)


def has_challenge(body: bytes) -> bool:
    """Does the body look like an anti-bot JavaScript challenge page?"""
    return bool(_CHALLENGE.search(body[:65536]))


def state_of_status(status: int, body: bytes = b"") -> AccessState:
    """The access state for an HTTP status (and, for the ambiguous ones, the body)."""
    if status in (521, 412) or (status in (200, 202, 403) and len(body) < 32768 and has_challenge(body)):
        if has_challenge(body):
            return "js_challenge"
        return "blocked" if status == 412 else "server_error"
    if 200 <= status < 300:
        return "ok"
    if status == 304:
        return "not_modified"
    if 300 <= status < 400:
        return "redirected"
    if status == 404:
        return "not_found"
    if status == 410:
        return "gone"
    if status in (401, 403, 429, 451):
        return "blocked"
    if status >= 500:
        return "server_error"
    return "http_error"
