"""Crawl state in SQLite: runs, the frontier, the latest access state per URL.

Crash safety rests on two rules. (1) Every change a fetched page causes — its capture row, the
frontier item marked done, the links it adds — is committed in one transaction, after the WARC
bytes it refers to are on disk (see `archive.py`). (2) A run that did not finish is resumed, not
restarted: its frontier is still there, and an item whose capture is already archived is
processed from the archive instead of being fetched again. The database runs in WAL mode with
`synchronous=FULL`, so a commit that returned survives kill -9 and power loss.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .sources import Source

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
    sources TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS frontier (
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, source_id TEXT NOT NULL, url TEXT NOT NULL,
    role TEXT NOT NULL, depth INTEGER NOT NULL DEFAULT 0, via TEXT, anchor TEXT, hints TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending', state TEXT, http_status INTEGER, detail TEXT, final_url TEXT,
    UNIQUE (run_id, source_id, url));
CREATE INDEX IF NOT EXISTS frontier_pending ON frontier (run_id, source_id, status, id);
CREATE TABLE IF NOT EXISTS access (
    source_id TEXT NOT NULL, url TEXT NOT NULL, role TEXT NOT NULL, state TEXT NOT NULL, http_status INTEGER,
    detail TEXT, final_url TEXT, checked_at TEXT NOT NULL, run_id INTEGER NOT NULL, anchor TEXT,
    hints TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (source_id, url));
CREATE TABLE IF NOT EXISTS fetches (
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, url TEXT NOT NULL, at TEXT NOT NULL, state TEXT NOT NULL,
    http_status INTEGER, conditional INTEGER NOT NULL DEFAULT 0, outcome TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS warc_files (name TEXT PRIMARY KEY, committed INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, source_id TEXT NOT NULL, url TEXT NOT NULL,
    role TEXT NOT NULL, captured_at TEXT NOT NULL, http_status INTEGER NOT NULL, content_type TEXT,
    sha256 TEXT NOT NULL, length INTEGER NOT NULL, payload_digest TEXT NOT NULL, warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL, warc_length INTEGER NOT NULL, record_id TEXT NOT NULL UNIQUE,
    record_type TEXT NOT NULL, refers_to TEXT, version INTEGER NOT NULL, etag TEXT, last_modified TEXT,
    via TEXT, anchor TEXT, hints TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS captures_url ON captures (url, id);
CREATE INDEX IF NOT EXISTS captures_digest ON captures (payload_digest, id);
CREATE INDEX IF NOT EXISTS captures_sha ON captures (sha256);
CREATE TABLE IF NOT EXISTS sites (
    source_id TEXT PRIMARY KEY, start TEXT NOT NULL, agency TEXT NOT NULL DEFAULT '', region TEXT NOT NULL DEFAULT '',
    adapter TEXT NOT NULL DEFAULT 'auto', since INTEGER NOT NULL DEFAULT 2019, found_agency TEXT NOT NULL DEFAULT '',
    found_region TEXT NOT NULL DEFAULT '', families TEXT NOT NULL DEFAULT '[]', crawled_at TEXT);
CREATE TABLE IF NOT EXISTS extracted (
    sha256 TEXT PRIMARY KEY, url TEXT NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL);
"""


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """One SQLite database for the crawl state and the capture index, shared by threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=60)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.executescript(SCHEMA)
        self.lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT under the store's lock; rolled back on any exception."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return list(self.conn.execute(sql, params))

    def close(self) -> None:
        with self.lock:
            self.conn.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One frontier entry: a URL a source wants fetched, with why (role) and from where (via)."""

    id: int
    run_id: int
    source_id: str
    url: str
    role: str
    depth: int
    via: str | None
    anchor: str | None
    hints: dict[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class NewLink:
    url: str
    role: str
    depth: int = 0
    via: str | None = None
    anchor: str | None = None
    hints: tuple[tuple[str, str], ...] = ()


class CrawlState:
    """Runs and the frontier on top of a `Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def open_run(self, sources: list[str]) -> tuple[int, bool]:
        """The unfinished run to resume, or a new one: (run id, resumed?)."""
        rows = self.store.query("SELECT id, sources FROM runs WHERE status = 'running' ORDER BY id DESC LIMIT 1")
        if rows and sorted(json.loads(rows[0]["sources"])) == sorted(sources):
            return int(rows[0]["id"]), True
        with self.store.transaction() as db:
            db.execute("UPDATE runs SET status = 'abandoned' WHERE status = 'running'")
            cur = db.execute("INSERT INTO runs (started_at, status, sources) VALUES (?, 'running', ?)",
                             (now_iso(), json.dumps(sorted(sources))))
            return int(cur.lastrowid or 0), False

    def finish_run(self, run_id: int, status: str = "finished") -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE runs SET status = ?, finished_at = ? WHERE id = ?", (status, now_iso(), run_id))

    def add(self, db: sqlite3.Connection, run_id: int, source_id: str, links: list[NewLink]) -> int:
        """Queue links not yet in this run's frontier for the source; returns how many were new."""
        added = 0
        for link in links:
            cur = db.execute(
                "INSERT OR IGNORE INTO frontier (run_id, source_id, url, role, depth, via, anchor, hints) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, source_id, link.url, link.role, link.depth, link.via, link.anchor,
                 json.dumps(dict(link.hints), ensure_ascii=False, sort_keys=True)))
            added += cur.rowcount
        return added

    def crawled_sources(self) -> list[Source]:
        """Every source a crawl into this store was given, with what its site told about itself
        (agency and region fill in what the registry left empty)."""
        out = []
        for r in self.store.query("SELECT * FROM sites ORDER BY source_id"):
            out.append(Source(id=r["source_id"], start=tuple(json.loads(r["start"])),
                              agency=r["agency"] or r["found_agency"], region=r["region"] or r["found_region"],
                              adapter=r["adapter"], since=int(r["since"])))
        return out

    def site(self, source_id: str) -> dict[str, str]:
        """found_agency, found_region and families (JSON) of a crawled source; empty when never crawled."""
        rows = self.store.query("SELECT found_agency, found_region, families FROM sites WHERE source_id = ?",
                                (source_id,))
        return {k: str(rows[0][k]) for k in ("found_agency", "found_region", "families")} if rows else {}

    def known(self, run_id: int, source_id: str, url: str) -> bool:
        return bool(self.store.query("SELECT 1 FROM frontier WHERE run_id = ? AND source_id = ? AND url = ?",
                                     (run_id, source_id, url)))

    def count(self, run_id: int, source_id: str, role: str) -> int:
        rows = self.store.query("SELECT COUNT(*) AS n FROM frontier WHERE run_id = ? AND source_id = ? AND role = ?",
                                (run_id, source_id, role))
        return int(rows[0]["n"])

    def next_item(self, run_id: int, source_id: str) -> Item | None:
        rows = self.store.query(
            "SELECT * FROM frontier WHERE run_id = ? AND source_id = ? AND status = 'pending' ORDER BY id LIMIT 1",
            (run_id, source_id))
        if not rows:
            return None
        r = rows[0]
        return Item(id=r["id"], run_id=r["run_id"], source_id=r["source_id"], url=r["url"], role=r["role"],
                    depth=r["depth"], via=r["via"], anchor=r["anchor"], hints=json.loads(r["hints"]))

    @staticmethod
    def done(db: sqlite3.Connection, item: Item, *, state: str, http_status: int | None, detail: str,
             final_url: str | None) -> None:
        db.execute("UPDATE frontier SET status = 'done', state = ?, http_status = ?, detail = ?, final_url = ? "
                   "WHERE id = ?", (state, http_status, detail, final_url, item.id))
        db.execute(
            "INSERT INTO access (source_id, url, role, state, http_status, detail, final_url, checked_at, run_id, "
            "anchor, hints) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_id, url) DO UPDATE SET "
            "role = excluded.role, state = excluded.state, http_status = excluded.http_status, "
            "detail = excluded.detail, final_url = excluded.final_url, checked_at = excluded.checked_at, "
            "run_id = excluded.run_id, anchor = excluded.anchor, hints = excluded.hints",
            (item.source_id, item.url, item.role, state, http_status, detail, final_url, now_iso(), item.run_id,
             item.anchor, json.dumps(item.hints, ensure_ascii=False, sort_keys=True)))

    @staticmethod
    def record_source(db: sqlite3.Connection, *, source_id: str, start: tuple[str, ...], agency: str, region: str,
                      adapter: str, since: int) -> None:
        """The source as this crawl was given it (coverage reads the crawled sources from here)."""
        db.execute("INSERT INTO sites (source_id, start, agency, region, adapter, since, crawled_at) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_id) DO UPDATE SET start = excluded.start, "
                   "agency = excluded.agency, region = excluded.region, adapter = excluded.adapter, "
                   "since = excluded.since, crawled_at = excluded.crawled_at",
                   (source_id, json.dumps(list(start)), agency, region, adapter, since, now_iso()))

    @staticmethod
    def learn_site(db: sqlite3.Connection, source_id: str, *, agency: str = "", region: str = "",
                   families: tuple[str, ...] = ()) -> None:
        """What the site's pages told: its name and region (first seen wins), the CMS families seen."""
        row = db.execute("SELECT found_agency, found_region, families FROM sites WHERE source_id = ?",
                         (source_id,)).fetchone()
        if row is None:
            return
        fams = list(json.loads(row["families"]))
        fams += [f for f in families if f not in fams]
        db.execute("UPDATE sites SET found_agency = ?, found_region = ?, families = ? WHERE source_id = ?",
                   (row["found_agency"] or agency, row["found_region"] or region, json.dumps(fams), source_id))

    @staticmethod
    def log_fetch(db: sqlite3.Connection, run_id: int, url: str, state: str, http_status: int | None,
                  conditional: bool, outcome: str) -> None:
        db.execute("INSERT INTO fetches (run_id, url, at, state, http_status, conditional, outcome) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", (run_id, url, now_iso(), state, http_status, int(conditional),
                                                    outcome))
