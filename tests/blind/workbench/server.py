"""Run `xxgk extract` over the corpus and `xxgk serve` over the dataset, as black boxes (harness.py's way)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from tests.blind.hostile.harness import XXGK, extract_cmd, private_env, run

SERVING = "serving http://"


def extract(corpus: Path, dataset: Path, base: Path) -> None:
    """The dataset the server reads; fails the test with the CLI's output if extraction does."""
    result = run(extract_cmd([corpus], dataset, "--jobs", "2", "--quiet"), env=private_env(base), timeout=1200)
    if result.rc != 0:
        raise AssertionError(f"xxgk extract exited {result.rc}:\n{result.text[-3000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(dataset: Path, base: Path, timeout: float = 90.0) -> Iterator[str]:
    """`xxgk serve` in its own session; yields its base URL once it printed `serving http://…/`.

    A missing subcommand or a server that never says it serves is an AssertionError carrying its output,
    so the tests fail (never skip) while `xxgk serve` does not exist.
    """
    port = free_port()
    cmd = [str(XXGK), "serve", "--dataset", str(dataset), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=private_env(base), start_new_session=True, text=True, bufsize=1)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if SERVING in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    t0 = time.monotonic()
    while not ready.is_set() and proc.poll() is None and time.monotonic() - t0 < timeout:
        ready.wait(0.1)
    try:
        if not ready.is_set():
            raise AssertionError(f"`{' '.join(cmd)}` did not print '{SERVING}…' (exit {proc.poll()}):\n"
                                 + "".join(lines)[-3000:])
        url = next(line for line in lines if SERVING in line).strip().split()[-1]
        yield url.rstrip("/")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        reader.join(5)
        if proc.stdout:
            proc.stdout.close()
