"""Where documents are processed: in-process, a local process pool, or a Dask cluster.

All three behind one small interface, `Executor.map(items) -> reports`, yielding one report per
item. The pool and the cluster guard every document: one that runs past `timeout` seconds or
grows past `memory_mb` is killed and recorded as a `failed` report naming it; the rest go on.
At most a few items per worker are in flight, so memory stays flat in the number of documents.
"""

from __future__ import annotations

import resource
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Protocol

from extractors import Member
from pipeline.normalise.report import Report
from pipeline.runs.process import failed, process_item
from pipeline.runs.settings import DEFAULTS

Worker = Callable[[Member], Report]


class Executor(Protocol):
    def map(self, items: Iterable[Member | Report]) -> Iterator[Report]: ...


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space, so an exploding document raises MemoryError here."""
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _killed(item: Member, exc: BaseException, timeout: float, memory_mb: int = 0) -> Report:
    from pebble import ProcessExpired

    hints = dict(item.hints)
    if isinstance(exc, MemoryError):
        return failed(item.source, f"{item.source.uri}: out of memory (over the {memory_mb} MB cap per document)",
                      hints=hints)
    if isinstance(exc, FutureTimeout):
        return failed(item.source, f"{item.source.uri}: timed out after {timeout:g} s (worker killed)", hints=hints)
    if isinstance(exc, ProcessExpired):
        return failed(item.source, f"{item.source.uri}: worker died ({exc}); likely out of memory", hints=hints)
    return failed(item.source, f"{item.source.uri}: {type(exc).__name__}: {exc}", hints=hints)


@dataclass(frozen=True, slots=True)
class InProcess:
    """No isolation: for debugging and for tiny inputs."""

    worker: Worker = process_item

    def map(self, items: Iterable[Member | Report]) -> Iterator[Report]:
        for item in items:
            yield item if isinstance(item, Report) else self.worker(item)


@dataclass(frozen=True, slots=True)
class LocalPool:
    """A pebble process pool: per-document timeout (the worker is killed) and memory cap."""

    jobs: int = DEFAULTS.jobs
    timeout: float = DEFAULTS.timeout
    memory_mb: int = DEFAULTS.memory_mb
    worker: Worker = process_item

    def map(self, items: Iterable[Member | Report]) -> Iterator[Report]:
        from pebble import ProcessPool

        window = max(2, self.jobs * 4)
        with ProcessPool(max_workers=self.jobs, initializer=limit_memory, initargs=(self.memory_mb,)) as pool:
            pending: list[tuple[Member, object]] = []

            def drain(limit: int) -> Iterator[Report]:
                while len(pending) > limit:
                    item, future = pending.pop(0)
                    try:
                        yield future.result()  # type: ignore[attr-defined]
                    except Exception as exc:
                        yield _killed(item, exc, self.timeout, self.memory_mb)

            for item in items:
                if isinstance(item, Report):
                    yield item
                    continue
                pending.append((item, pool.schedule(self.worker, args=[item], timeout=self.timeout or None)))
                yield from drain(window)
            yield from drain(0)


_GUARD_POOL: object | None = None
"""Per process (a Dask worker): one persistent child that runs documents, restarted when killed."""


def _guard_pool(memory_mb: int) -> object:
    from pebble import ProcessPool

    global _GUARD_POOL
    pool = _GUARD_POOL
    if pool is None or not pool.active:  # type: ignore[attr-defined]
        pool = _GUARD_POOL = ProcessPool(max_workers=1, initializer=limit_memory, initargs=(memory_mb,))
    return pool


def guarded(item: Member, timeout: float, memory_mb: int, worker: Worker = process_item) -> Report:
    """Run one document in this process's guard child: a timeout kills it, a memory cap bounds it.

    The child is persistent (pebble restarts it after a kill), so a cluster worker pays the start-up
    once, not per document.
    """
    if not timeout and not memory_mb:
        return worker(item)
    pool = _guard_pool(memory_mb)
    future = pool.schedule(worker, args=[item], timeout=timeout or None)  # type: ignore[attr-defined]
    try:
        return future.result()  # type: ignore[no-any-return]
    except Exception as exc:
        return _killed(item, exc, timeout, memory_mb)


@dataclass(frozen=True, slots=True)
class DaskCluster:
    """Dask distributed: a scheduler address, or a LocalCluster of `jobs` single-threaded workers."""

    scheduler: str | None = None
    jobs: int = 2
    timeout: float = DEFAULTS.timeout
    memory_mb: int = DEFAULTS.memory_mb
    worker: Worker = process_item

    def map(self, items: Iterable[Member | Report]) -> Iterator[Report]:
        import dask
        from distributed import Client, LocalCluster, as_completed

        # Workers must be allowed to start the per-document child processes.
        with dask.config.set({"distributed.worker.daemon": False}):
            if self.scheduler:
                client = Client(self.scheduler)  # type: ignore[no-untyped-call]
                cluster = None
            else:
                cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=self.jobs, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
                client = Client(cluster)  # type: ignore[no-untyped-call]
            try:
                window = max(4, self.jobs * 4)
                running = as_completed()  # type: ignore[no-untyped-call]
                n_pending = 0
                for item in items:
                    if isinstance(item, Report):
                        yield item
                        continue
                    future = client.submit(guarded, item, self.timeout, self.memory_mb, self.worker, pure=False)
                    running.add(future)  # type: ignore[no-untyped-call]
                    n_pending += 1
                    while n_pending >= window:
                        yield next(running).result()
                        n_pending -= 1
                for future in running:
                    yield future.result()
            finally:
                client.close()  # type: ignore[no-untyped-call]
                if cluster is not None:
                    cluster.close()


def make_executor(kind: str, *, jobs: int, timeout: float, memory_mb: int, scheduler: str | None = None,
                  worker: Worker = process_item) -> Executor:
    """`local` (default; `jobs=0` → in-process), `dask` (LocalCluster unless `scheduler` is given)."""
    if kind == "dask":
        return DaskCluster(scheduler=scheduler, jobs=max(1, jobs), timeout=timeout, memory_mb=memory_mb, worker=worker)
    if jobs <= 0:
        return InProcess(worker=worker)
    return LocalPool(jobs=jobs, timeout=timeout, memory_mb=memory_mb, worker=worker)


def run_items(items: Iterable[Member | Report], *, jobs: int = DEFAULTS.jobs, timeout: float = DEFAULTS.timeout,
              memory_mb: int = DEFAULTS.memory_mb, on_done: Callable[[Report], None] | None = None) -> Iterator[Report]:
    """Process `items` locally; yield one report per item (order of completion)."""
    for report in make_executor("local", jobs=jobs, timeout=timeout, memory_mb=memory_mb).map(items):
        if on_done:
            on_done(report)
        yield report
