"""Where units of work run: in-process, a local process pool, or a Dask cluster.

All three behind one small interface, `Executor.map(units) -> reports`, yielding every report of
every unit (a container's members are scheduled as units of their own as they are found). The
pool and the cluster guard every unit (`pipeline.runs.guard`): one that runs past `timeout`
seconds or whose resident memory grows past `memory_mb` is killed, with its converters, and
recorded as a `failed` report naming it; the rest go on. At most a few units per worker are in
flight, so memory stays flat in the number of documents.

`map(..., should_stop=flag)`: once the flag is set no new unit starts; units in flight get
`GRACE_SECONDS` to finish, then they are cancelled (their workers killed) and left for the next
run, and `map` returns.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from typing import Protocol

from extractors import Member
from pipeline.normalise.report import Report
from pipeline.runs.guard import MEMORY_SIGNAL, start_worker
from pipeline.runs.process import failed, process_item
from pipeline.runs.settings import DEFAULTS
from pipeline.runs.units import FileUnit, MemberUnit, Outcome, Unit, run_unit, uri_digest

Worker = Callable[[Member], Report]
Stop = Callable[[], bool]
GRACE_SECONDS = 3.0
"""After a stop request, how long units in flight may take to finish before they are cancelled."""


def _never() -> bool:
    return False


class Executor(Protocol):
    def map(self, items: Iterable[Unit | Report], *, should_stop: Stop = _never,
            on_found: Callable[[int], None] | None = None) -> Iterator[Report]: ...


def unit_name(unit: Unit) -> str:
    if isinstance(unit, FileUnit):
        return unit.uri
    if isinstance(unit, MemberUnit):
        return unit.source.uri if unit.source is not None else unit.locator.uri
    return unit.source.uri


def unit_failed(unit: Unit, error: str) -> Report:
    if isinstance(unit, Member):
        return failed(unit.source, f"{unit.source.uri}: {error}", hints=dict(unit.hints))
    name = unit_name(unit)
    source = unit.source if isinstance(unit, MemberUnit) and unit.source is not None else None
    from extractors import SourceRef

    report = failed(source or SourceRef(uri=name, sha256=uri_digest(name)), f"{name}: {error}")
    return replace(report, part=unit.part) if isinstance(unit, MemberUnit) else report


def _killed(unit: Unit, exc: BaseException, timeout: float, memory_mb: int = 0) -> Report:
    from pebble import ProcessExpired

    if isinstance(exc, MemoryError) or (isinstance(exc, ProcessExpired) and exc.exitcode == -MEMORY_SIGNAL):
        return unit_failed(unit, f"out of memory (over the {memory_mb} MB cap per document; worker killed)")
    if isinstance(exc, FutureTimeout):
        return unit_failed(unit, f"timed out after {timeout:g} s (worker killed)")
    if isinstance(exc, ProcessExpired):
        return unit_failed(unit, f"worker died ({exc}); likely out of memory")
    return unit_failed(unit, f"{type(exc).__name__}: {exc}")


@dataclass(frozen=True, slots=True)
class InProcess:
    """No isolation: for debugging and for tiny inputs."""

    worker: Worker = process_item

    def map(self, items: Iterable[Unit | Report], *, should_stop: Stop = _never,
            on_found: Callable[[int], None] | None = None) -> Iterator[Report]:
        for item in items:
            if should_stop():
                return
            if isinstance(item, Report):
                yield item
                continue
            queue = deque([item])
            while queue:
                out = run_unit(queue.popleft(), self.worker)
                yield from out.reports
                queue.extendleft(reversed(out.units))
                if out.units and on_found:
                    on_found(len(out.units))


@dataclass(frozen=True, slots=True)
class LocalPool:
    """A pebble process pool of guarded workers: per-unit timeout and resident-memory cap."""

    jobs: int = DEFAULTS.jobs
    timeout: float = DEFAULTS.timeout
    memory_mb: int = DEFAULTS.memory_mb
    worker: Worker = process_item
    tmpdir: str = ""

    def map(self, items: Iterable[Unit | Report], *, should_stop: Stop = _never,
            on_found: Callable[[int], None] | None = None) -> Iterator[Report]:
        from pebble import ProcessPool

        window = max(2, self.jobs * 4)
        source = iter(items)
        found: deque[Unit] = deque()  # members of containers: run before more inputs are listed
        running: dict[Future[Outcome], Unit] = {}
        pool = ProcessPool(max_workers=self.jobs, initializer=start_worker, initargs=(self.memory_mb, self.tmpdir))
        try:
            exhausted = False
            while True:
                while not should_stop() and len(running) < window and (found or not exhausted):
                    unit = found.popleft() if found else next(source, None)
                    if unit is None:
                        exhausted = True
                        break
                    if isinstance(unit, Report):
                        yield unit
                        continue
                    running[pool.schedule(run_unit, args=[unit, self.worker], timeout=self.timeout or None)] = unit
                if not running or (should_stop() and not running):
                    return
                if should_stop():
                    yield from self._finish(running)
                    return
                done, _ = wait(list(running), timeout=0.2, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: unit_name(running[f])):
                    unit = running.pop(future)
                    out = self._outcome(future, unit)
                    yield from out.reports
                    found.extend(out.units)
                    if out.units and on_found:
                        on_found(len(out.units))
        finally:
            pool.stop()  # type: ignore[no-untyped-call]
            pool.join(timeout=10)

    def _outcome(self, future: Future[Outcome], unit: Unit) -> Outcome:
        try:
            return future.result()
        except Exception as exc:
            return Outcome((_killed(unit, exc, self.timeout, self.memory_mb),))

    def _finish(self, running: dict[Future[Outcome], Unit]) -> Iterator[Report]:
        """A stop was asked for: what finishes within the grace period is kept, the rest cancelled."""
        done, late = wait(list(running), timeout=GRACE_SECONDS)
        for future in done:
            yield from self._outcome(future, running[future]).reports
        for future in late:
            future.cancel()


_GUARD_POOL: object | None = None
"""Per process (a Dask worker): one persistent child that runs units, restarted when killed."""


def _guard_pool(memory_mb: int) -> object:
    from pebble import ProcessPool

    global _GUARD_POOL
    pool = _GUARD_POOL
    if pool is None or not pool.active:  # type: ignore[attr-defined]
        pool = _GUARD_POOL = ProcessPool(max_workers=1, initializer=start_worker, initargs=(memory_mb,))
    return pool


def guarded(unit: Unit, timeout: float, memory_mb: int, worker: Worker = process_item) -> Outcome:
    """Run one unit in this process's guard child: a timeout kills it, a memory cap bounds it.

    The child is persistent (pebble restarts it after a kill), so a cluster worker pays the start-up
    once, not per unit.
    """
    if not timeout and not memory_mb:
        return run_unit(unit, worker)
    pool = _guard_pool(memory_mb)
    future = pool.schedule(run_unit, args=[unit, worker], timeout=timeout or None)  # type: ignore[attr-defined]
    try:
        return future.result()  # type: ignore[no-any-return]
    except Exception as exc:
        return Outcome((_killed(unit, exc, timeout, memory_mb),))


@dataclass(frozen=True, slots=True)
class DaskCluster:
    """Dask distributed: a scheduler address, or a LocalCluster of `jobs` single-threaded workers."""

    scheduler: str | None = None
    jobs: int = 2
    timeout: float = DEFAULTS.timeout
    memory_mb: int = DEFAULTS.memory_mb
    worker: Worker = process_item

    def map(self, items: Iterable[Unit | Report], *, should_stop: Stop = _never,
            on_found: Callable[[int], None] | None = None) -> Iterator[Report]:
        import dask
        from distributed import Client, LocalCluster, as_completed

        # Workers must be allowed to start the per-unit child processes.
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
                source = iter(items)
                found: deque[Unit] = deque()
                while True:
                    while not should_stop() and n_pending < window:
                        unit = found.popleft() if found else next(source, None)
                        if unit is None:
                            break
                        if isinstance(unit, Report):
                            yield unit
                            continue
                        running.add(client.submit(guarded, unit, self.timeout, self.memory_mb, self.worker,  # type: ignore[no-untyped-call]
                                                  pure=False))
                        n_pending += 1
                    if not n_pending or should_stop():
                        return
                    out: Outcome = next(running).result()
                    n_pending -= 1
                    yield from out.reports
                    found.extend(out.units)
                    if out.units and on_found:
                        on_found(len(out.units))
            finally:
                client.close()  # type: ignore[no-untyped-call]
                if cluster is not None:
                    cluster.close()


def make_executor(kind: str, *, jobs: int, timeout: float, memory_mb: int, scheduler: str | None = None,
                  worker: Worker = process_item, tmpdir: str = "") -> Executor:
    """`local` (default; `jobs=0` → in-process), `dask` (LocalCluster unless `scheduler` is given)."""
    if kind == "dask":
        return DaskCluster(scheduler=scheduler, jobs=max(1, jobs), timeout=timeout, memory_mb=memory_mb, worker=worker)
    if jobs <= 0:
        return InProcess(worker=worker)
    return LocalPool(jobs=jobs, timeout=timeout, memory_mb=memory_mb, worker=worker, tmpdir=tmpdir)


def run_items(items: Iterable[Unit | Report], *, jobs: int = DEFAULTS.jobs, timeout: float = DEFAULTS.timeout,
              memory_mb: int = DEFAULTS.memory_mb, on_done: Callable[[Report], None] | None = None) -> Iterator[Report]:
    """Process `items` locally; yield one report per item (order of completion)."""
    for report in make_executor("local", jobs=jobs, timeout=timeout, memory_mb=memory_mb).map(items):
        if on_done:
            on_done(report)
        yield report
