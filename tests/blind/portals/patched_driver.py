"""A stand-in for the unwired hook, to measure the current crawler NOW: the documented CLI run in-process
with httpx's own transports patched to go through the simulator's transport.

It knows nothing about the crawler's internals: it patches httpx (the documented HTTP library) and
socket.getaddrinfo (so a name outside the simulator cannot even be resolved), then calls the `xxgk` console
entry point with the documented arguments. Select it with XXGK_BLIND_PORTALS_DRIVER=patched.
"""

from __future__ import annotations

import contextlib
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import httpx

from .sim import AsyncLoopbackTransport, LoopbackTransport
from .sources_file import SOURCES_NAME, write_sources

EXIT_FILE = "blind_exit_code.txt"


@contextlib.contextmanager
def loopback_only(transport: LoopbackTransport) -> Iterator[None]:
    """Every httpx transport in the process answers through `transport`; DNS only for loopback names."""
    aio = AsyncLoopbackTransport(transport.sim)
    real_getaddrinfo = socket.getaddrinfo

    def sync(_self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        return transport.handle_request(request)

    async def asyn(_self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        return await aio.handle_async_request(request)

    def getaddrinfo(host: Any, *args: Any, **kw: Any) -> Any:
        if str(host) not in ("127.0.0.1", "localhost", "::1"):
            raise socket.gaierror(f"blind portals: refusing to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kw)

    with mock.patch.object(httpx.HTTPTransport, "handle_request", sync), \
            mock.patch.object(httpx.AsyncHTTPTransport, "handle_async_request", asyn), \
            mock.patch.object(socket, "getaddrinfo", getaddrinfo):
        yield


def run_cli(argv: list[str]) -> int:
    """Call the `xxgk` console script in-process; its exit code."""
    from pipeline.cli import main  # the documented entry point (pyproject [project.scripts])

    old = sys.argv
    sys.argv = ["xxgk", *argv]
    try:
        rc = main()
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.argv = old
    return int(rc or 0)


def crawl(sources: list[dict[str, str]], data_dir: Path, transport: httpx.BaseTransport,
          settings: dict[str, object]) -> None:
    """Same contract as crawl_hook.crawl."""
    if not isinstance(transport, LoopbackTransport):
        raise TypeError("patched_driver needs the simulator's LoopbackTransport")
    data_dir.mkdir(parents=True, exist_ok=True)
    registry = write_sources(sources, settings, data_dir / SOURCES_NAME)
    with loopback_only(transport):
        rc = run_cli(["crawl", "--sources", str(registry), "--all", "--data", str(data_dir), "--quiet"])
    (data_dir / EXIT_FILE).write_text(f"{rc}\n")
