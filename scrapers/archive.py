"""The archive: every exchange in WARC files (warcio) and a capture index in SQLite.

A capture is written as one group of gzip members — ``request``, then ``response`` (or
``revisit`` when the same payload is already archived under any URL), then a ``metadata`` record
that closes the group and carries what the crawler knew (source, role, anchor text, the page it
was found on). The group is appended and fsynced before its index row is committed (captures of
concurrent threads share one fsync and one transaction: group commit), so after a kill -9 the only possible damage is a tail past the last committed offset: `recover()` indexes
the complete groups found there and truncates a half-written one.

Versions: a URL whose status and payload are the same as its latest capture gets no new capture
(the refetch is only logged); a changed payload becomes the URL's next version. Identity of a
document is the SHA-256 of its decoded bytes, so the same report on two URLs is one document with
two captures.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]
from warcio.recordloader import ArcWarcRecord  # type: ignore[import-untyped]
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from .client import Exchange, Fetch
from .state import Store, now_iso
from .urls import path_of

_DROP = {"transfer-encoding", "content-length"}


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureMeta:
    """What the crawler knows about an exchange besides the bytes."""

    run_id: int
    source_id: str
    role: str
    via: str | None = None
    anchor: str | None = None
    hints: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    """One row of the capture index."""

    id: int
    run_id: int
    source_id: str
    url: str
    role: str
    captured_at: str
    http_status: int
    content_type: str | None
    sha256: str
    length: int
    payload_digest: str
    warc_file: str
    warc_offset: int
    warc_length: int
    record_id: str
    record_type: str
    refers_to: str | None
    version: int
    etag: str | None
    last_modified: str | None
    via: str | None
    anchor: str | None
    hints: dict[str, str]

    @classmethod
    def of_row(cls, row: sqlite3.Row) -> Capture:
        values = dict(row)
        values["hints"] = json.loads(values["hints"] or "{}")
        return cls(**values)


def payload_digest(raw: bytes) -> str:
    """WARC-Payload-Digest in the usual form: algorithm, colon, base32."""
    return "sha256:" + base64.b32encode(hashlib.sha256(raw).digest()).decode("ascii")


def _http_headers(ex: Exchange) -> StatusAndHeaders:
    # The body is stored de-chunked, so Transfer-Encoding goes and Content-Length is the stored length.
    headers = [(k, v) for k, v in ex.headers if k.lower() not in _DROP]
    headers.append(("Content-Length", str(len(ex.raw))))
    return StatusAndHeaders(f"{ex.status} {ex.reason}".strip(), headers, protocol=ex.http_version)


def _warc_date(iso: str) -> str:
    return iso if iso.endswith("Z") else iso + "Z"


class Archive:
    """WARC files under `folder` plus the capture index in `store`. Thread-safe (group commit)."""

    def __init__(self, store: Store, folder: Path, *, prefix: str = "xxgk", max_file_bytes: int = 1 << 30) -> None:
        self.store = store
        self.folder = folder
        self.prefix = prefix
        self.max_file_bytes = max_file_bytes
        folder.mkdir(parents=True, exist_ok=True)
        self._current: Path | None = None
        self._append = threading.Lock()
        """Held while a capture group is appended (and the dedup queries before it): no fsync inside."""
        self._leader = threading.Lock()
        """Held by the thread committing the queued captures for everyone."""
        self._queue: list[_Pending] = []
        self.recovered = self.recover()

    # -- files ------------------------------------------------------------------------------------
    def _new_file(self) -> Path:
        stamp = now_iso().replace("-", "").replace(":", "").replace("T", "").rstrip("Z")
        n = 0
        while True:
            path = self.folder / f"{self.prefix}-{stamp}-{os.getpid()}-{n:05d}.warc.gz"
            if not path.exists():
                break
            n += 1
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {
            "software": "xxgk/0.1 (warcio)", "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "description": "政府信息公开工作年度报告 crawl; each capture is request, response|revisit, metadata",
        }))
        with path.open("xb") as fh:
            fh.write(buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        _fsync(self.folder)
        with self.store.transaction() as db:
            db.execute("INSERT OR REPLACE INTO warc_files (name, committed) VALUES (?, ?)",
                       (path.name, len(buf.getvalue())))
        return path

    def _file(self) -> Path:
        if self._current is None or self._current.stat().st_size > self.max_file_bytes:
            self._current = self._new_file()
        return self._current

    # -- queries ----------------------------------------------------------------------------------
    def latest(self, url: str) -> Capture | None:
        rows = self.store.query("SELECT * FROM captures WHERE url = ? ORDER BY id DESC LIMIT 1", (url,))
        return Capture.of_row(rows[0]) if rows else None

    def in_run(self, run_id: int, source_id: str, url: str) -> Capture | None:
        rows = self.store.query("SELECT * FROM captures WHERE run_id = ? AND source_id = ? AND url = ? "
                                "ORDER BY id DESC LIMIT 1", (run_id, source_id, url))
        return Capture.of_row(rows[0]) if rows else None

    def validators(self, url: str) -> tuple[str | None, str | None]:
        rows = self.store.query("SELECT etag, last_modified FROM captures WHERE url = ? AND http_status = 200 "
                                "ORDER BY id DESC LIMIT 1", (url,))
        return (rows[0]["etag"], rows[0]["last_modified"]) if rows else (None, None)

    def captures(self, where: str = "1", params: tuple[object, ...] = ()) -> list[Capture]:
        return [Capture.of_row(r) for r in self.store.query(f"SELECT * FROM captures WHERE {where} ORDER BY id",
                                                            params)]

    def body(self, capture: Capture) -> bytes:
        """The decoded payload of a capture (a revisit reads its original's)."""
        if capture.record_type == "revisit" and capture.refers_to:
            rows = self.store.query("SELECT * FROM captures WHERE record_id = ?", (capture.refers_to,))
            if not rows:
                raise LookupError(f"{capture.url}: revisit refers to {capture.refers_to}, which is not indexed")
            return self.body(Capture.of_row(rows[0]))
        return read_payload(self.folder / capture.warc_file, capture.warc_offset)

    def archived_body(self, url: str) -> bytes | None:
        cap = self.latest(url)
        return self.body(cap) if cap is not None else None

    # -- writing ----------------------------------------------------------------------------------
    def store_exchange(self, ex: Exchange, meta: CaptureMeta,
                       on_commit: Callable[[sqlite3.Connection, Capture | None], None] | None = None
                       ) -> Capture | None:
        """Archive `ex` unless it repeats the URL's latest capture; commit the index row and
        whatever `on_commit` writes in one transaction. Returns the new capture, or None, once
        it is durable (group commit: one fsync and one transaction for every thread waiting)."""
        with self._append:
            capture, end = self._appended(ex, meta)
            pending = _Pending(capture, end, on_commit)
            self._queue.append(pending)
        self._settle(pending)
        if pending.error is not None:
            raise pending.error
        return pending.result

    def _appended(self, ex: Exchange, meta: CaptureMeta) -> tuple[Capture | None, int]:
        """Write the capture group of `ex` to the current WARC file (not yet synced): the capture and
        the file offset after it; (None, 0) when the URL's latest capture is the same."""
        if ex.status is None:
            raise ValueError(f"{ex.url}: no response to archive ({ex.state})")
        sha = hashlib.sha256(ex.body).hexdigest()
        latest = self.latest(ex.url)
        if latest is not None and latest.http_status == ex.status and latest.sha256 == sha:
            return None, 0
        digest = payload_digest(ex.raw)
        original = None
        if ex.raw:
            rows = self.store.query("SELECT * FROM captures WHERE payload_digest = ? AND record_type = "
                                    "'response' ORDER BY id LIMIT 1", (digest,))
            original = Capture.of_row(rows[0]) if rows else None
        version = 1 + int(self.store.query("SELECT COUNT(*) AS n FROM captures WHERE url = ?",
                                           (ex.url,))[0]["n"])
        path = self._file()
        start = path.stat().st_size
        data, rec = _group(ex, meta, digest=digest, sha=sha, version=version, original=original)
        with path.open("ab") as fh:
            fh.write(data)
        return Capture(
            id=0, run_id=meta.run_id, source_id=meta.source_id, url=ex.url, role=meta.role,
            captured_at=_warc_date(ex.started_at), http_status=ex.status, content_type=ex.header("content-type"),
            sha256=sha, length=len(ex.body), payload_digest=digest, warc_file=path.name,
            warc_offset=start + rec[0], warc_length=rec[1], record_id=rec[2],
            record_type="revisit" if original else "response", refers_to=original.record_id if original else None,
            version=version, etag=ex.header("etag"), last_modified=ex.header("last-modified"), via=meta.via,
            anchor=meta.anchor, hints=dict(meta.hints)), start + len(data)

    def _settle(self, pending: _Pending) -> None:
        """Make `pending` durable: the first waiter syncs the files and commits every capture queued."""
        with self._leader:
            if pending.done:
                return
            with self._append:
                batch, self._queue = self._queue, []
            ends: dict[str, int] = {}
            for p in batch:
                if p.capture is not None:
                    ends[p.capture.warc_file] = max(ends.get(p.capture.warc_file, 0), p.end)
            try:
                for name in sorted(ends):
                    _fsync(self.folder / name)
                with self.store.transaction() as db:
                    for p in batch:
                        _commit_one(db, p)
                    for name, end in ends.items():
                        db.execute("UPDATE warc_files SET committed = MAX(committed, ?) WHERE name = ?", (end, name))
            except Exception as exc:  # the batch is lost (disk full, I/O error): every waiter hears why
                for p in batch:
                    p.result, p.error = None, exc
            for p in batch:
                p.done = True

    def store_fetch(self, fetch: Fetch, meta: CaptureMeta) -> list[Capture]:
        """Archive the redirect hops and the final exchange of a fetch (robots.txt, redirects)."""
        out = []
        for ex in (*fetch.hops, fetch.final):
            if ex.status is not None and ex.state != "not_modified":
                cap = self.store_exchange(ex, meta)
                if cap is not None:
                    out.append(cap)
        return out

    # -- recovery ---------------------------------------------------------------------------------
    def recover(self) -> int:
        """Index complete capture groups past each file's committed offset; cut a torn tail."""
        recovered = 0
        known = {r["name"]: int(r["committed"]) for r in self.store.query("SELECT name, committed FROM warc_files")}
        for path in sorted(self.folder.glob(f"{self.prefix}-*.warc.gz")):
            committed = known.get(path.name, 0)
            size = path.stat().st_size
            if size <= committed and path.name in known:
                continue
            with path.open("rb") as fh:
                fh.seek(committed)
                tail = fh.read()
            good, groups = _complete_groups(tail)
            with self.store.transaction() as db:
                for cap in groups:
                    cap = _with_file(cap, path.name, committed)
                    if not db.execute("SELECT 1 FROM captures WHERE record_id = ?", (cap.record_id,)).fetchone():
                        _insert(db, cap)
                        recovered += 1
                db.execute("INSERT OR REPLACE INTO warc_files (name, committed) VALUES (?, ?)",
                           (path.name, committed + good))
            if committed + good < size:
                with path.open("r+b") as fh:
                    fh.truncate(committed + good)
                    fh.flush()
                    os.fsync(fh.fileno())
        return recovered


@dataclass(slots=True)
class _Pending:
    """A capture group written but not yet durable, and what its thread waits for."""

    capture: Capture | None
    end: int
    """Offset in the capture's WARC file just past its group."""
    on_commit: Callable[[sqlite3.Connection, Capture | None], None] | None
    done: bool = False
    result: Capture | None = None
    error: BaseException | None = None


def _commit_one(db: sqlite3.Connection, p: _Pending) -> None:
    """Index one capture and run its callback; a failing callback undoes only its own writes."""
    db.execute("SAVEPOINT capture")
    try:
        cap = _insert(db, p.capture) if p.capture is not None else None
        if p.on_commit:
            p.on_commit(db, cap)
    except Exception as exc:
        db.execute("ROLLBACK TO capture")
        p.error = exc
    else:
        p.result = cap
    db.execute("RELEASE capture")


def _fsync(path: Path) -> None:
    """Flush a file (written by another handle) or a folder's entries to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _insert(db: sqlite3.Connection, c: Capture) -> Capture:
    cur = db.execute(
        "INSERT INTO captures (run_id, source_id, url, role, captured_at, http_status, content_type, sha256, "
        "length, payload_digest, warc_file, warc_offset, warc_length, record_id, record_type, refers_to, version, "
        "etag, last_modified, via, anchor, hints) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)",
        (c.run_id, c.source_id, c.url, c.role, c.captured_at, c.http_status, c.content_type, c.sha256, c.length,
         c.payload_digest, c.warc_file, c.warc_offset, c.warc_length, c.record_id, c.record_type, c.refers_to,
         c.version, c.etag, c.last_modified, c.via, c.anchor,
         json.dumps(c.hints, ensure_ascii=False, sort_keys=True)))
    return _replace_id(c, int(cur.lastrowid or 0))


def _replace_id(c: Capture, new_id: int) -> Capture:
    return replace(c, id=new_id)


def _with_file(c: Capture, name: str, base: int) -> Capture:
    return replace(c, warc_file=name, warc_offset=base + c.warc_offset)


def _meta_fields(meta: CaptureMeta, *, sha: str, version: int, ex: Exchange) -> bytes:
    fields = [("via", meta.via or ""), ("xxgk-run", str(meta.run_id)), ("xxgk-source", meta.source_id),
              ("xxgk-role", meta.role), ("xxgk-anchor", (meta.anchor or "").replace("\n", " ")),
              ("xxgk-hints", json.dumps(dict(meta.hints), ensure_ascii=False, sort_keys=True)),
              ("xxgk-sha256", sha), ("xxgk-length", str(len(ex.body))), ("xxgk-version", str(version)), ("xxgk-state", ex.state),
              ("xxgk-elapsed", f"{ex.elapsed:.3f}")]
    return "".join(f"{k}: {v}\r\n" for k, v in fields).encode("utf-8")


def _group(ex: Exchange, meta: CaptureMeta, *, digest: str, sha: str, version: int,
           original: Capture | None) -> tuple[bytes, tuple[int, int, str]]:
    """The gzip members of one capture; returns (bytes, (offset, length, record id) of the response)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.1")
    date = _warc_date(ex.started_at)
    http = _http_headers(ex)
    if original is not None:
        resp = writer.create_revisit_record(ex.url, digest, original.url, original.captured_at, http_headers=http,
                                            warc_headers_dict={"WARC-Date": date})
        resp.rec_headers.replace_header("WARC-Refers-To", original.record_id)
    else:
        resp = writer.create_warc_record(ex.url, "response", payload=io.BytesIO(ex.raw), length=len(ex.raw),
                                         http_headers=http,
                                         warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest": digest})
    resp_id = resp.rec_headers.get_header("WARC-Record-ID")
    req_http = StatusAndHeaders(f"{ex.method} {path_of(ex.url) or '/'} HTTP/1.1", list(ex.request_headers),
                                is_http_request=True)
    req = writer.create_warc_record(ex.url, "request", http_headers=req_http,
                                    payload=io.BytesIO(ex.request_body) if ex.request_body else None,
                                    length=len(ex.request_body) if ex.request_body else None,
                                    warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": resp_id})
    writer.write_record(req)
    offset = buf.tell()
    writer.write_record(resp)
    length = buf.tell() - offset
    fields = _meta_fields(meta, sha=sha, version=version, ex=ex)
    md = writer.create_warc_record(ex.url, "metadata", payload=io.BytesIO(fields), length=len(fields),
                                   warc_content_type="application/warc-fields",
                                   warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": resp_id})
    writer.write_record(md)
    return buf.getvalue(), (offset, length, resp_id)


def read_payload(path: Path, offset: int) -> bytes:
    """The decoded HTTP payload of the record at `offset` (chunking and gzip undone by warcio)."""
    with path.open("rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            data: bytes = record.content_stream().read()
            return data
    raise LookupError(f"{path}: no WARC record at offset {offset}")


def _fields(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        k, sep, v = line.partition(":")
        if sep:
            out[k.strip()] = v.strip()
    return out


def _members(tail: bytes) -> Iterator[tuple[int, int, bytes]]:
    """Complete gzip members of `tail` as (offset, length, decompressed); stops at a torn one."""
    pos = 0
    while pos < len(tail):
        d = zlib.decompressobj(wbits=31)
        try:
            data = d.decompress(tail[pos:])
        except zlib.error:
            return
        if not d.eof:
            return
        end = len(tail) - len(d.unused_data)
        yield pos, end - pos, data
        pos = end


def _record(data: bytes) -> ArcWarcRecord | None:
    for record in ArchiveIterator(io.BytesIO(data), check_digests=False):
        return record
    return None


def _complete_groups(tail: bytes) -> tuple[int, list[Capture]]:
    """Captures of the complete groups in `tail`, and how many bytes they (and warcinfo) span."""
    good = 0
    out: list[Capture] = []
    pending: tuple[int, int, ArcWarcRecord, bytes] | None = None
    for offset, length, data in _members(tail):
        try:
            record = _record(data)
        except (ArchiveLoadFailed, ValueError):
            break
        if record is None:
            break
        if record.rec_type == "warcinfo":
            good = offset + length
        elif record.rec_type in ("response", "revisit"):
            body = record.content_stream().read() if record.rec_type == "response" else b""
            pending = (offset, length, record, body)
        elif record.rec_type == "metadata" and pending is not None:
            fields = _fields(record.content_stream().read().decode("utf-8", "replace"))
            out.append(_capture_of(pending, fields))
            pending = None
            good = offset + length
    return good, out


def _capture_of(p: tuple[int, int, ArcWarcRecord, bytes], f: dict[str, str]) -> Capture:
    offset, length, record, body = p
    wh, http = record.rec_headers, record.http_headers
    status = int(http.get_statuscode()) if http is not None else 0
    sha = hashlib.sha256(body).hexdigest() if record.rec_type == "response" else f.get("xxgk-sha256", "")
    return Capture(
        id=0, run_id=int(f.get("xxgk-run", "0")), source_id=f.get("xxgk-source", ""),
        url=wh.get_header("WARC-Target-URI"), role=f.get("xxgk-role", ""),
        captured_at=wh.get_header("WARC-Date"), http_status=status,
        content_type=http.get_header("Content-Type") if http is not None else None, sha256=sha,
        length=len(body) if record.rec_type == "response" else int(f.get("xxgk-length", "0")), payload_digest=wh.get_header("WARC-Payload-Digest"),
        warc_file="", warc_offset=offset, warc_length=length, record_id=wh.get_header("WARC-Record-ID"),
        record_type=record.rec_type, refers_to=wh.get_header("WARC-Refers-To"), version=int(f.get("xxgk-version", "1")),
        etag=http.get_header("ETag") if http is not None else None,
        last_modified=http.get_header("Last-Modified") if http is not None else None,
        via=f.get("via") or None, anchor=f.get("xxgk-anchor") or None, hints=json.loads(f.get("xxgk-hints") or "{}"))
