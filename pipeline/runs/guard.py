"""The guard every worker process runs under: a memory cap on resident memory, clean deaths.

`RLIMIT_AS` cannot cap a worker: it maps 1.5–1.9 GB of address space before its first document,
so a cap below that breaks start-up and one above it does not limit anything real. Instead a
small guardian process per worker (a thread could not act while the worker is inside one long C
call holding the GIL) samples the resident set of the worker and all its descendants (the
converters) and, when it grows past `memory_mb` above the baseline the worker had once started,
kills the converters' process groups and ends the worker with `MEMORY_SIGNAL`, which the parent
reads as "over the memory cap". When the worker dies any other way (timeout, crash, kill -9)
the guardian kills the converters it saw, so no LibreOffice outlives its document. A worker
also dies with its parent.

Page faults fill memory at well under 1 GB/s, so a single allocation many times the cap would
take seconds to be seen; an address-space limit of the worker's own mappings at start plus
`AS_HEADROOM` times the cap makes such an allocation fail at once (MemoryError) instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time
from pathlib import Path
from types import FrameType

from extractors.office import stop_conversions

MEMORY_SIGNAL = signal.SIGUSR2
"""Sent by the guardian to a worker over its memory cap (default action: terminate, no handler)."""
SAMPLE_SECONDS = 0.02
LIST_EVERY = 10
"""The worker's descendants are listed every this many samples (0.2 s)."""
AS_HEADROOM = 2
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes(pid: int | str = "self", field: int = 1) -> int:
    """Resident bytes of `pid` (`field=0`: its mapped address space)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[field]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (its converters and theirs), from the parent ids in /proc."""
    parent: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = Path(entry.path, "stat").read_bytes()
                parent[int(entry.name)] = int(stat[stat.rindex(b")") + 2:].split()[1])
    out: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        out.extend(kids)
        todo.extend(kids)
    return out


def _kill_groups(pgids: set[int]) -> None:
    for pgid in pgids:
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)


def _guardian(worker: int, limit: int) -> None:
    """Runs in its own process until the worker is gone."""
    baseline = rss_bytes(worker)
    mine = {os.getpgid(worker), os.getpgid(0)}
    groups: set[int] = set()
    kids: list[int] = []
    n = 0
    while True:
        time.sleep(SAMPLE_SECONDS)
        if os.getppid() != worker:  # the worker is gone: so must its converters be
            _kill_groups(groups)
            return
        n += 1
        if n % LIST_EVERY == 1:  # listing /proc is dear; sampling a known process is cheap
            kids = [k for k in descendants(worker) if k != os.getpid()]
            for k in kids:
                with contextlib.suppress(OSError):
                    groups.add(os.getpgid(k))
            groups -= mine
        if limit and rss_bytes(worker) + sum(rss_bytes(k) for k in kids) - baseline > limit:
            _kill_groups(groups)
            with contextlib.suppress(OSError):
                os.kill(worker, MEMORY_SIGNAL)


def _on_term(signum: int, frame: FrameType | None) -> None:
    stop_conversions()
    os._exit(128 + signum)


def _die_with_parent() -> None:
    """Linux: the kernel sends this process SIGTERM when its parent dies (even by kill -9)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_worker(memory_mb: int, tmpdir: str = "") -> None:
    """Pool initializer: Ctrl-C is the parent's to handle, SIGTERM kills converters, a guardian
    watches memory and cleans up after the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    _die_with_parent()
    if tmpdir:
        import tempfile

        os.environ["TMPDIR"] = tmpdir
        tempfile.tempdir = tmpdir
    import pipeline.runs.process  # noqa: F401  the worker's real baseline includes the pipeline

    worker = os.getpid()
    if memory_mb > 0:
        import resource

        limit = rss_bytes(field=0) + AS_HEADROOM * memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if os.fork() == 0:
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.setpgid(0, 0)  # not in the worker's group: a Ctrl-C or a group kill is not meant for it
            _guardian(worker, max(0, memory_mb) * 1024 * 1024)
        finally:
            os._exit(0)
