"""Run work items in-process or in a process pool with a per-document timeout.

The pool (pebble) kills a worker stuck on one document and records the document as failed;
the rest of the run goes on. At most a few items per worker are in flight, so memory stays
flat however many documents a run has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout

from .process import WorkItem, failed, process_item
from .records import Report


def run_items(items: Iterable[WorkItem | Report], *, jobs: int = 1, timeout: float = 120.0,
              on_done: Callable[[Report], None] | None = None) -> Iterator[Report]:
    """Process `items`; yield one report per item (order of completion)."""
    if jobs <= 0:
        for item in items:
            report = item if isinstance(item, Report) else process_item(item)
            if on_done:
                on_done(report)
            yield report
        return
    from pebble import ProcessExpired, ProcessPool

    window = max(2, jobs * 4)
    with ProcessPool(max_workers=jobs) as pool:
        pending: list[tuple[WorkItem, object]] = []

        def drain(limit: int) -> Iterator[Report]:
            while len(pending) > limit:
                item, future = pending.pop(0)
                try:
                    report = future.result()  # type: ignore[attr-defined]
                except FutureTimeout:
                    report = failed(item.source, f"{item.source.uri}: timed out after {timeout:g} s (worker killed)",
                                    hints=dict(item.hints))
                except ProcessExpired as exc:
                    report = failed(item.source, f"{item.source.uri}: worker died ({exc}); likely out of memory",
                                    hints=dict(item.hints))
                except Exception as exc:  # pickling or pool trouble for this one item
                    report = failed(item.source, f"{item.source.uri}: {type(exc).__name__}: {exc}",
                                    hints=dict(item.hints))
                if on_done:
                    on_done(report)
                yield report

        for item in items:
            if isinstance(item, Report):
                if on_done:
                    on_done(item)
                yield item
                continue
            pending.append((item, pool.schedule(process_item, args=[item], timeout=timeout)))
            yield from drain(window)
        yield from drain(0)
