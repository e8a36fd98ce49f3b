"""The crawl: sources → frontier → polite fetches → WARC captures, resumable after any crash.

Sources wait in a schedule ordered by when their next URL's host is due; a bounded pool of workers
takes whichever is due first and does one step of it (read the host's robots.txt, or process one
frontier item), so no worker sleeps out a host's delay while another host could be asked (the
fetcher still keeps one request in flight per host and the delay between them). A frontier item is processed as: fetch (or, if
a crash left its capture archived but the item open, read the capture back), archive, let the
source's adapter read the page, then commit the capture, the item's state and the new links in
one transaction. Limits against traps: list pages per source (`max_pages`), navigation pages
(`max_nav`), URL length, and no further pagination from a list page that brought no new item.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import sqlite3
import threading
import traceback
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from .access import BLOCKING, state_of_status
from .adapters import Adapter, FetchedPage, FoundLink, adapter_for
from .adapters.base import looks_like_list, under
from .adapters.detect import detect
from .archive import Archive, Capture, CaptureMeta
from .client import Fetch, Fetcher
from .identity import SiteIdentity, site_identity
from .sources import Source
from .state import CrawlState, Item, NewLink
from .urls import directory, host_of, site_of

LOG = logging.getLogger("xxgk.crawl")
MAX_DEPTH = 12
STOP_POLL = 1.0
"""Longest a waiting worker goes without looking at `should_stop`."""


def log_event(event: str, **fields: object) -> None:
    """A structured log event (the job's handler writes it as one JSON line)."""
    LOG.info(event, extra={"fields": fields})


class RunMemory:
    """The fetcher's view of the archive for one run (validators, bodies, robots.txt captures)."""

    def __init__(self, archive: Archive, run_id: int) -> None:
        self.archive = archive
        self.run_id = run_id

    def validators(self, url: str) -> tuple[str | None, str | None]:
        return self.archive.validators(url)

    def archived_body(self, url: str) -> bytes | None:
        return self.archive.archived_body(url)

    def record_robots(self, fetch: Fetch) -> None:
        self.archive.store_fetch(fetch, CaptureMeta(run_id=self.run_id, source_id="", role="robots"))
        log_event("robots", url=fetch.url, state=fetch.final.state, status=fetch.final.status)


@dataclass(slots=True)
class Scope:
    """Where a source may go: its hosts, and for list/report pages its path prefixes.

    A navigation or column link to another host of the same site (`site_of`: a county's separate
    政府信息公开平台 `xxgk.<county>.gov.cn` beside `www.<county>.gov.cn`) adds that host; any other
    host (a news mirror, www.gov.cn) stays out."""

    hosts: set[str]
    prefixes: set[str]
    max_url_length: int
    sites: set[str] = field(default_factory=set)

    def allows(self, url: str, role: str) -> bool:
        if len(url) > self.max_url_length:
            return False
        host = host_of(url)
        if host not in self.hosts:
            if role not in ("nav", "list") or site_of(host) not in self.sites:
                return False
            self.hosts.add(host)
        return role in ("attachment", "nav", "robots") or under(url, tuple(sorted(self.prefixes)))


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceResult:
    source_id: str
    run_id: int
    states: dict[str, dict[str, int]] = field(default_factory=dict)
    """role → access state → number of URLs."""
    new_captures: int = 0

    @property
    def blocked(self) -> bool:
        """Did any URL of the source end in a state that hides content (see `access.BLOCKING`)?"""
        return any(s in BLOCKING for by_state in self.states.values() for s in by_state)


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlResult:
    run_id: int
    resumed: bool
    sources: tuple[SourceResult, ...]
    recovered: int = 0


MAX_AUTO_WORKERS = 128


def auto_workers(sources: int) -> int:
    """Default workers: one per source up to `MAX_AUTO_WORKERS`. A worker only runs a source whose host
    is due, so a few suffice while answers are fast; more cover slow answers (a request waiting on
    the network holds its worker), and the bound keeps threads and sockets (one each) bounded."""
    return max(1, min(sources, MAX_AUTO_WORKERS))


@dataclass(slots=True, eq=False)
class _SourceRun:
    """One source within a run: what its steps need between them."""

    source: Source
    adapter: Adapter
    scope: Scope
    run_id: int
    item: Item | None = None
    """The next frontier item, once read (only this source's own steps add to its frontier)."""
    new: int = 0


class _Schedule:
    """Sources waiting for their host, ordered by when it is due: `take` hands out the source due
    first and waits only while none is due, so no worker sleeps while another host could be asked.
    A source is either here or with one worker, never with two."""

    def __init__(self, runs: list[_SourceRun], *, clock: Callable[[], float],
                 should_stop: Callable[[], bool]) -> None:
        self._heap = [(0.0, i, r) for i, r in enumerate(runs)]
        self._seq = itertools.count(len(runs))
        self._busy = 0
        self._cond = threading.Condition()
        self.clock = clock
        self.should_stop = should_stop

    def take(self) -> _SourceRun | None:
        """The source due first, once due; None when every source is done (or the crawl stops)."""
        with self._cond:
            while not self.should_stop():
                if self._heap:
                    wait = self._heap[0][0] - self.clock()
                    if wait <= 0:
                        self._busy += 1
                        return heapq.heappop(self._heap)[2]
                elif self._busy == 0:
                    break
                else:
                    wait = STOP_POLL
                self._cond.wait(min(wait, STOP_POLL))
            self._cond.notify_all()
            return None

    def put_back(self, run: _SourceRun, due: float | None) -> None:
        """A worker is done with `run`'s step: queue it again at `due`, or drop it (None: finished)."""
        with self._cond:
            self._busy -= 1
            if due is not None:
                heapq.heappush(self._heap, (due, next(self._seq), run))
                self._cond.notify()
            elif self._busy == 0 and not self._heap:
                self._cond.notify_all()


class Crawler:
    def __init__(self, *, fetcher: Fetcher, archive: Archive, state: CrawlState,
                 should_stop: Callable[[], bool] = lambda: False) -> None:
        self.fetcher = fetcher
        self.archive = archive
        self.state = state
        self.should_stop = should_stop

    def run(self, sources: list[Source], *, workers: int = 0) -> CrawlResult:
        """Crawl `sources` with `workers` threads (0: `auto_workers`), whichever source is due next."""
        run_id, resumed = self.state.open_run([s.id for s in sources])
        self.fetcher.memory = RunMemory(self.archive, run_id)
        log_event("crawl_start", run=run_id, resumed=resumed, sources=len(sources),
                  recovered=self.archive.recovered)
        runs = self._start(sources, run_id)
        schedule = _Schedule(runs, clock=self.fetcher.clock, should_stop=self.should_stop)
        n = min(workers or auto_workers(len(sources)), len(runs))
        with ThreadPoolExecutor(max_workers=max(1, n), thread_name_prefix="crawl") as pool:
            futures = [pool.submit(self._work, schedule) for _ in range(n)]
        for f in futures:
            f.result()  # a worker's failure (the database gone) is the crawl's
        results = tuple(self._result(r) for r in runs)
        if not self.should_stop():
            self.state.finish_run(run_id)
        log_event("crawl_end", run=run_id, new_captures=sum(r.new_captures for r in results))
        return CrawlResult(run_id=run_id, resumed=resumed, sources=results, recovered=self.archive.recovered)

    # -- scheduling -------------------------------------------------------------------------------
    def _start(self, sources: list[Source], run_id: int) -> list[_SourceRun]:
        """Every source's scope, and its record and seeds in one transaction (not one per source)."""
        runs = []
        for source in sources:
            adapter = adapter_for(source.adapter)
            runs.append(_SourceRun(source, adapter, self._scope(source, adapter, run_id), run_id))
        with self.state.store.transaction() as db:
            for r in runs:
                s = r.source
                CrawlState.record_source(db, source_id=s.id, start=s.start, agency=s.agency, region=s.region,
                                         adapter=s.adapter, since=s.since)
                self.state.add(db, run_id, s.id, [NewLink(url=link.url, role=link.role, hints=link.hints)
                                                  for link in r.adapter.seeds(s)])
        return runs

    def _work(self, schedule: _Schedule) -> None:
        """One worker: take the source due first, do one step of it, hand it back with its next due time."""
        while (run := schedule.take()) is not None:
            due: float | None = None
            try:
                due = self._step(run)
            finally:
                schedule.put_back(run, due)

    def _step(self, run: _SourceRun) -> float | None:
        """One step of a source: read the robots.txt its next URL needs, or process that URL.
        Returns when the source may go on (on the fetcher's clock), or None when it is done."""
        item = run.item or self.state.next_item(run.run_id, run.source.id)
        if item is None:
            return None
        run.item = item
        settings = run.source.settings
        if self.fetcher.robots_pending(item.url, settings) and \
                self.archive.in_run(item.run_id, run.source.id, item.url) is None:
            self.fetcher.allowed(item.url, settings)
        else:
            run.new += self._guarded(run, item)
            run.item = self.state.next_item(run.run_id, run.source.id)
            if run.item is None:
                return None
        return self.fetcher.due(run.item.url)

    def _guarded(self, run: _SourceRun, item: Item) -> int:
        """`_process`, with a bug on one page recorded on its item instead of ending the source's crawl."""
        source = run.source
        try:
            return self._process(source, run.adapter, run.scope, item)
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            log_event("crawl_error", source=source.id, url=item.url, error=f"{type(exc).__name__}: {exc}",
                      at=f"{where.filename.rsplit('/', 1)[-1]}:{where.lineno}")
            with self.state.store.transaction() as db:
                CrawlState.done(db, item, state="http_error", http_status=None,
                                detail=f"internal error {type(exc).__name__}: {exc}", final_url=None)
            return 0

    def _result(self, run: _SourceRun) -> SourceResult:
        states: dict[str, Counter[str]] = {}
        for row in self.state.store.query("SELECT role, state, COUNT(*) AS n FROM frontier WHERE run_id = ? AND "
                                          "source_id = ? AND status = 'done' GROUP BY role, state",
                                          (run.run_id, run.source.id)):
            states.setdefault(row["role"], Counter())[row["state"]] += row["n"]
        return SourceResult(source_id=run.source.id, run_id=run.run_id, new_captures=run.new,
                            states={k: dict(v) for k, v in states.items()})

    # -- one source -------------------------------------------------------------------------------
    def _scope(self, source: Source, adapter: Adapter, run_id: int) -> Scope:
        prefixes = set(source.settings.prefixes or adapter.prefixes(source))
        # A seed that redirected (a migrated column) widens the scope to its new folder.
        for row in self.state.store.query("SELECT final_url FROM frontier WHERE run_id = ? AND source_id = ? AND "
                                          "depth = 0 AND final_url IS NOT NULL", (run_id, source.id)):
            prefixes.add(directory(row["final_url"]))
        hosts = {host_of(u) for u in source.start} | set(source.settings.hosts)
        # Hosts of the same site the run already went to (a resumed run keeps its widened scope).
        hosts |= {host_of(row["url"]) for row in self.state.store.query(
            "SELECT url FROM frontier WHERE run_id = ? AND source_id = ?", (run_id, source.id))}
        return Scope(hosts=hosts, prefixes=prefixes, max_url_length=source.settings.max_url_length,
                     sites={site_of(h) for h in hosts})

    def _links(self, source: Source, scope: Scope, item: Item, found: list[FoundLink],
               db: sqlite3.Connection) -> None:
        """Adapter links → frontier links within scope and limits (reports first, then lists)."""
        allowed = [link for link in found if scope.allows(link.url, link.role)]
        depth = item.depth + 1
        if depth > MAX_DEPTH:
            return

        def new_link(link: FoundLink) -> NewLink:
            hints = link.hints
            if link.role == "attachment" and not any(k == "title" for k, _ in hints) and "title" in item.hints:
                hints = (*hints, ("title", item.hints["title"]))
            return NewLink(url=link.url, role=link.role, depth=depth, via=item.url, anchor=link.anchor or None,
                           hints=hints)

        items = [new_link(link) for link in allowed if link.role in ("report", "attachment")]
        added = self.state.add(db, item.run_id, source.id, items)
        lists = [link for link in allowed if link.role in ("list", "nav")]
        if item.role == "list" and item.hints.get("list") == "page" and added == 0:
            lists = [link for link in lists if dict(link.hints).get("list") != "page"]
        for role, limit in (("list", source.settings.max_pages), ("nav", source.settings.max_nav)):
            have = int(db.execute("SELECT COUNT(*) FROM frontier WHERE run_id = ? AND source_id = ? AND role = ?",
                                  (item.run_id, source.id, role)).fetchone()[0])
            for link in lists:
                if link.role != role:
                    continue
                if have >= limit:
                    log_event("limit", source=source.id, role=role, limit=limit, url=link.url)
                    break
                if self.state.add(db, item.run_id, source.id, [new_link(link)]):
                    have += 1

    def _process(self, source: Source, adapter: Adapter, scope: Scope, item: Item) -> int:
        meta = CaptureMeta(run_id=item.run_id, source_id=source.id, role=item.role, via=item.via,
                           anchor=item.anchor, hints=tuple(sorted(item.hints.items())))
        recovered = self.archive.in_run(item.run_id, source.id, item.url)
        if recovered is not None and recovered.role == item.role:
            self._finish_from_capture(source, adapter, scope, item, recovered)
            return 0

        def follow(target: str) -> bool:
            return scope.allows(target, item.role) or (item.depth == 0 and host_of(target) in scope.hosts)

        form = item.hints.get("form")
        fetch = self.fetcher.fetch(item.url, source.settings, follow=follow,
                                   form=form.encode("utf-8") if form is not None else None)
        for hop in fetch.hops:
            self.archive.store_exchange(hop, replace(meta, role="redirect"))
        final = fetch.final
        if item.depth == 0 and fetch.hops and final.url != item.url:
            scope.prefixes.add(directory(final.url))
        conditional = any(k.lower() in ("if-none-match", "if-modified-since") for k, _ in final.request_headers)
        state = fetch.state
        detail = final.detail or (f"→ {final.url}" if fetch.hops else "")
        final_url = final.url if fetch.hops else (final.location if final.state == "redirected" else None)

        def page_links(body: bytes) -> list[FoundLink]:
            page = FetchedPage(url=final.url, role=item.role, body=body, content_type=final.header("content-type") or "",
                        depth=item.depth, hints=item.hints)
            learned.append(page)
            if item.depth == 0 and item.role == "list" and not looks_like_list(page):
                # A family adapter reads its start URL as the column: say so when it is not one (a home
                # page), instead of taking its news for reports. `auto` judges every page itself.
                log_event("start_not_a_list", source=source.id, url=final.url, adapter=source.adapter,
                          families=list(detect(page)))
            return adapter.links(page)

        learned: list[FetchedPage] = []

        log: dict[str, object] = {
            "source": source.id, "url": item.url, "role": item.role, "state": state, "status": final.status,
            "elapsed": round(final.elapsed, 3), "attempts": final.attempts, "conditional": conditional}
        if final.state == "not_modified":
            body = self.archive.archived_body(final.url)
            found = page_links(body) if body is not None else []
            with self.state.store.transaction() as db:
                self._mark(db, item, state, final.status, detail, final_url, final.url)
                self._links(source, scope, item, found, db)
                _learn(db, source.id, learned, final.headers)
                CrawlState.log_fetch(db, item.run_id, item.url, state, final.status, conditional, "not_modified")
            log_event("fetch", outcome="not_modified", **log)
            return 0
        if final.status is None or final.state == "too_large":
            with self.state.store.transaction() as db:
                self._mark(db, item, state, final.status, detail, final_url, final.url)
                CrawlState.log_fetch(db, item.run_id, item.url, state, final.status, conditional, "none")
            log_event("fetch", outcome="none", detail=detail, **log)
            return 0
        found = page_links(final.body) if final.state == "ok" else []
        outcome = "unchanged"

        def commit(db: sqlite3.Connection, cap: Capture | None) -> None:
            nonlocal outcome
            if cap is not None:
                outcome = "revisit" if cap.record_type == "revisit" else ("version" if cap.version > 1 else "new")
            self._mark(db, item, state, final.status, detail, final_url, final.url)
            self._links(source, scope, item, found, db)
            _learn(db, source.id, learned, final.headers)
            CrawlState.log_fetch(db, item.run_id, item.url, state, final.status, conditional, outcome)

        cap = self.archive.store_exchange(final, meta, on_commit=commit)
        log_event("fetch", outcome=outcome, **log)
        return 1 if cap is not None else 0

    def _mark(self, db: sqlite3.Connection, item: Item, state: str, status: int | None, detail: str,
              final_url: str | None, fetched: str) -> None:
        CrawlState.done(db, item, state=state, http_status=status, detail=detail, final_url=final_url)
        if fetched != item.url:  # the redirect target is fetched: never fetch it again in this run
            db.execute("INSERT OR IGNORE INTO frontier (run_id, source_id, url, role, depth, via, status, state, "
                       "http_status) VALUES (?, ?, ?, ?, ?, ?, 'done', ?, ?)",
                       (item.run_id, item.source_id, fetched, item.role, item.depth, item.url,
                        "ok" if state == "redirected" else state, status))

    def _finish_from_capture(self, source: Source, adapter: Adapter, scope: Scope, item: Item,
                             cap: Capture) -> None:
        """A capture archived before a crash: read it back instead of fetching again."""
        state = state_of_status(cap.http_status)
        found: list[FoundLink] = []
        pages: list[FetchedPage] = []
        if state == "ok":
            body = self.archive.body(cap)
            pages.append(FetchedPage(url=cap.url, role=item.role, body=body, content_type=cap.content_type or "",
                                     depth=item.depth, hints=item.hints))
            found = adapter.links(pages[0])
        with self.state.store.transaction() as db:
            self._mark(db, item, state, cap.http_status, "resumed from the archive", None, item.url)
            self._links(source, scope, item, found, db)
            _learn(db, source.id, pages, ())
        log_event("fetch", source=source.id, url=item.url, role=item.role, state=state, status=cap.http_status,
                  outcome="resumed")


def _learn(db: sqlite3.Connection, source_id: str, pages: list[FetchedPage], headers: tuple[tuple[str, str], ...]) -> None:
    """Navigation and list pages tell the site's CMS families; a start page its name and region."""
    for page in pages:
        if page.role not in ("nav", "list"):
            continue
        ident = site_identity(page) if page.depth == 0 else SiteIdentity()
        CrawlState.learn_site(db, source_id, agency=ident.agency, region=ident.region,
                              families=detect(page, headers))
