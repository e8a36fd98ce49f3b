"""Scheduled jobs: crawl → extract only new captures → update the dataset, safely unattended.

A data directory holds everything a job touches:

    DATA/raw/warc/*.warc.gz     the archive (scrapers.archive)
    DATA/raw/crawl.sqlite       crawl state + capture index + which captures were extracted
    DATA/logs/xxgk.jsonl        JSON-lines log, one event per line
    DATA/.xxgk.lock             flock held for the whole job: two scheduled runs never share DATA

Extraction picks the captures of report pages and attachments whose document (SHA-256 of the
decoded bytes) has not been extracted yet; a document seen under several URLs is extracted once,
under its smallest URL, so an interrupted job ends with the same dataset as an uninterrupted one.
A report page and the attachments found on it are extracted together and assembled into one
report (`runs.page_groups`, `runs.assemble`); a group is marked extracted only once it is whole.
The dataset is written before the documents are marked extracted, so a crash in between only
means extracting them again (the dataset writer replaces by report id). Extraction runs through
the same streaming, guarded executor as `xxgk extract`: the parent holds record offsets, never
documents' bytes.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from extractors import Locator, SourceRef
from extractors.sniff import WARC
from pipeline.normalise.report import Part, Report
from pipeline.runs.assemble import assembled
from pipeline.runs.executors import make_executor
from pipeline.runs.page_groups import Doc, Group, documents_to_groups
from pipeline.runs.process import failed
from pipeline.runs.settings import DEFAULTS, RunLimits
from pipeline.runs.units import MemberUnit, Unit
from pipeline.store.dataset import DatasetWriter
from scrapers import (
    Archive,
    Capture,
    Crawler,
    CrawlResult,
    CrawlState,
    Fetcher,
    Source,
    Store,
    Transport,
    WarcReplayTransport,
    auto_workers,
    make_client,
)
from scrapers.state import now_iso

LOG = logging.getLogger("xxgk.jobs")
EXIT_STOPPED = 130
"""Exit code of a run stopped by SIGINT/SIGTERM (128 + SIGINT, as shells report Ctrl-C)."""
EXTRACT_ROLES = ("report", "attachment")


class LockHeld(RuntimeError):
    """Another job holds the data directory."""


@dataclass(frozen=True, slots=True)
class DataDir:
    root: Path

    @property
    def warc(self) -> Path:
        return self.root / "raw" / "warc"

    @property
    def db(self) -> Path:
        return self.root / "raw" / "crawl.sqlite"

    @property
    def log(self) -> Path:
        return self.root / "logs" / "xxgk.jsonl"

    @property
    def lock(self) -> Path:
        return self.root / ".xxgk.lock"


@contextmanager
def data_lock(data: DataDir) -> Iterator[None]:
    """An exclusive flock on DATA/.xxgk.lock (released by the kernel even after kill -9)."""
    data.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(data.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            raise LockHeld(f"{data.root}: another xxgk job holds the lock (pid {holder or '?'})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


class JsonLines(logging.Handler):
    """One JSON object per line: time, level, logger, event and the event's fields."""

    def __init__(self, path: Path) -> None:
        super().__init__(logging.INFO)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("a", encoding="utf-8")
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname.lower(), "logger": record.name, "event": record.getMessage(),
            "pid": record.process,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        line = json.dumps(entry, ensure_ascii=False, default=str)
        with self._guard:
            self._fh.write(line + "\n")
            self._fh.flush()

    def close(self) -> None:
        with self._guard:
            self._fh.close()
        super().close()


LOG_LEVELS = ("debug", "info", "warning", "error")


def add_log_arguments(p: argparse.ArgumentParser) -> None:
    """`--log FILE` and `--log-level`: every command writes a JSON-lines log, run stats at the end."""
    g = p.add_argument_group("Logging")
    g.add_argument("--log", default=None, metavar="FILE",
                   help="JSON-lines log file (default: DATA/logs/xxgk.jsonl, or DATASET/logs/xxgk.jsonl for extract)")
    g.add_argument("--log-level", choices=LOG_LEVELS, default="info", help="least severe level logged (default: info)")


@contextmanager
def json_logging(target: DataDir | Path | None, level: str = "info") -> Iterator[JsonLines | None]:
    """Log `xxgk.*` events as JSON lines to `target` (a data directory's log, a file; None: nowhere)."""
    if target is None:
        yield None
        return
    handler = JsonLines(target.log if isinstance(target, DataDir) else target)
    handler.setLevel(getattr(logging, level.upper()))
    root = logging.getLogger("xxgk")
    root.addHandler(handler)
    old = root.level
    root.setLevel(getattr(logging, level.upper()))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
        handler.close()


@contextmanager
def run_tmpdir(dataset: str) -> Iterator[str]:
    """A temporary folder for the run's workers and converters, removed whatever happens.

    Inside a local dataset (a hidden `.tmp-<pid>` folder no table reader looks into), so a run
    leaves nothing outside its dataset; a crashed run's folder is removed by the next writer.
    """
    if "://" in dataset:
        folder = tempfile.mkdtemp(prefix="xxgk-run-")
    else:
        folder = str(Path(dataset) / f".tmp-{os.getpid()}")
        Path(folder).mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def event(name: str, **fields: object) -> None:
    LOG.info(name, extra={"fields": fields})


class StopFlag:
    """Set by the first SIGTERM/SIGINT: work in hand finishes and the run stops cleanly. A second
    signal aborts at once (exit 130); the dataset stays consistent (atomic renames)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def __call__(self) -> bool:
        return self._event.is_set()

    def set(self, signum: int = 0, frame: FrameType | None = None) -> None:
        if self._event.is_set() and signum:
            os._exit(EXIT_STOPPED)
        self._event.set()
        if signum:
            event("stop_requested", signal=signal.Signals(signum).name)

    @contextmanager
    def installed(self) -> Iterator[StopFlag]:
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        old = {s: signal.signal(s, self.set) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield self
        finally:
            for s, h in old.items():
                signal.signal(s, h)


# -- crawl -------------------------------------------------------------------------------------------
def crawl(data: DataDir, sources: list[Source], *, workers: int = 0, replay: list[Path] | None = None,
          transport: Transport | None = None, should_stop: Callable[[], bool] = lambda: False) -> CrawlResult:
    """Crawl `sources` into DATA's archive (resuming an interrupted run of the same sources).

    With `replay`, the same crawl runs against those WARC files instead of the network; with
    `transport` (any `httpx.BaseTransport`, e.g. a test server's), every request goes through it.
    `workers` 0 scales them with the sources (`auto_workers`); the client has a socket for each."""
    if replay is not None and transport is not None:
        raise ValueError("crawl: give `replay` or `transport`, not both")
    store = Store(data.db)
    try:
        archive = Archive(store, data.warc)
        if archive.recovered:
            event("archive_recovered", captures=archive.recovered)
        settings = sources[0].settings if sources else None
        workers = workers or auto_workers(len(sources))
        client = make_client(settings, transport=WarcReplayTransport(replay) if replay is not None else transport,
                             connections=workers)
        try:
            fetcher = Fetcher(client, log=lambda name, **kw: event(name, **kw))
            crawler = Crawler(fetcher=fetcher, archive=archive, state=CrawlState(store), should_stop=should_stop)
            return crawler.run(sources, workers=workers)
        finally:
            client.close()
    finally:
        store.close()


# -- extract -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ExtractStats:
    documents: int
    reports: int
    added: int
    replaced: int
    partitions: int = 0


def archived_documents(archive: Archive) -> tuple[list[Doc], dict[str, str]]:
    """Every extractable document (sha256, canonical URL, captures) and the URL each was extracted under."""
    placeholders = ",".join("?" for _ in EXTRACT_ROLES)
    caps = archive.captures(f"role IN ({placeholders}) AND http_status BETWEEN 200 AND 299 AND length > 0",
                            EXTRACT_ROLES)
    by_sha: dict[str, list[Capture]] = {}
    for c in caps:
        by_sha.setdefault(c.sha256, []).append(c)
    done = {r["sha256"]: r["url"] for r in archive.store.query("SELECT sha256, url FROM extracted")}
    return [(sha, min(c.url for c in group), group) for sha, group in sorted(by_sha.items())], done


def pending_groups(archive: Archive) -> list[Group]:
    """The page groups holding a document not yet extracted under its URL (each extracted whole)."""
    docs, done = archived_documents(archive)
    return [g for g in documents_to_groups(docs) if any(done.get(sha) != url for sha, url, _ in g.docs)]


def group_units(archive: Archive, group: Group) -> Iterator[Unit | Report]:
    """The units of one group; with more than one document each names its place (`Part`), so the
    run holds the members until the group is done and assembles them."""
    n = len(group.docs)
    for i, (sha, url, caps) in enumerate(group.docs):
        unit = _work_unit(archive, sha, url, caps)
        part = Part(container=group.key, of=n, index=i) if n > 1 else None
        yield replace(unit, part=part)


def _stored(archive: Archive, capture: Capture) -> Capture:
    """The capture whose record holds the bytes (a revisit's original); index lookups only."""
    if capture.record_type == "revisit" and capture.refers_to:
        rows = archive.store.query("SELECT * FROM captures WHERE record_id = ?", (capture.refers_to,))
        if not rows:
            raise LookupError(f"{capture.url}: revisit refers to {capture.refers_to}, which is not indexed")
        return _stored(archive, Capture.of_row(rows[0]))
    return capture


def _work_unit(archive: Archive, sha: str, url: str, group: list[Capture]) -> MemberUnit | Report:
    """The unit that reads one pending document from its WARC record: names and offsets, no bytes."""
    first = min(group, key=lambda c: (c.url != url, c.captured_at, c.id))
    captured = min(c.captured_at for c in group)
    hints = [("url", url)]
    for key in ("title", "published", "rendition", "parent"):
        value = first.hints.get(key)
        if value:
            hints.append((key, value))
    if first.via:
        hints.append(("referrer", first.via))
    source = SourceRef(uri=url, sha256=sha, captured_at=captured, capture_id=first.record_id)
    try:
        stored = _stored(archive, first)
    except LookupError as exc:
        return failed(source, str(exc))
    path = archive.folder / stored.warc_file
    headers = (("Content-Type", first.content_type),) if first.content_type else ()
    return MemberUnit(path=str(path), container=str(path), media_type=WARC, source=source,
                      locator=Locator(uri=url, offset=stored.warc_offset, hints=tuple(hints), headers=headers))


def extract_new(data: DataDir, out: Path, *, limits: RunLimits = DEFAULTS, executor: str = "local",
                scheduler: str | None = None, should_stop: Callable[[], bool] = lambda: False,
                on_report: Callable[[Report], None] | None = None,
                on_found: Callable[[int], None] | None = None) -> ExtractStats:
    """Extract the documents captured since the last extraction and merge them into `out`.

    The same streaming executor as `xxgk extract`: each pending document is a unit naming its
    WARC record, read by a guarded worker; reports stream into the dataset writer.
    """
    store = Store(data.db)
    try:
        archive = Archive(store, data.warc)
        groups = pending_groups(archive)
        pending = [doc for g in groups for doc in g.docs]
        if not pending:
            return ExtractStats(0, 0, 0, 0)
        if on_found:
            on_found(len(pending))
        units = (u for g in groups for u in group_units(archive, g))
        run = make_executor(executor, jobs=limits.jobs, timeout=limits.timeout, memory_mb=limits.memory_mb,
                            scheduler=scheduler)
        writer = DatasetWriter(out)
        wanted = {sha for sha, _, _ in pending}
        status: dict[str, str] = {}
        n = 0
        for report in assembled(run.map(units, should_stop=should_stop, on_found=on_found)):
            writer.add(report)
            n += 1
            if report.report_id in wanted:
                status[report.report_id] = report.status
            if on_report:
                on_report(report)
        stats = writer.close()
        done = [(sha, url) for g in groups if all(sha in status for sha, _, _ in g.docs) or not should_stop()
                for sha, url, _ in g.docs]
        with store.transaction() as db:
            for sha, url in done:
                db.execute("INSERT OR REPLACE INTO extracted (sha256, url, status, at) VALUES (?, ?, ?, ?)",
                           (sha, url, status.get(sha, "container"), now_iso()))
        event("extracted", documents=len(done), reports=n, added=stats.added, replaced=stats.replaced)
        return ExtractStats(len(done), n, stats.added, stats.replaced, stats.partitions)
    finally:
        store.close()
