"""WARC archive and capture index: digests, revisits, versions, and recovery of a torn tail."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from scrapers import Archive, CaptureMeta, Exchange, Store
from scrapers.archive import _group, payload_digest

META = CaptureMeta(run_id=1, source_id="fj-pingtan", role="report", anchor="平潭综合实验区2021年度政府信息公开工作年度报告")


def page(url: str, body: bytes, etag: str = '"1"') -> Exchange:
    return Exchange(url=url, status=200, reason="OK", headers=(("Content-Type", "text/html"), ("ETag", etag),
                                                               ("Transfer-Encoding", "chunked")),
                    raw=body, body=body, request_headers=(("User-Agent", "xxgk/0.1 (+x)"),))


def open_archive(tmp: Path) -> Archive:
    return Archive(Store(tmp / "s.sqlite"), tmp / "warc")


def test_versions_revisits_and_unchanged_refetches(tmp_path: Path) -> None:
    a = open_archive(tmp_path)
    v1 = a.store_exchange(page("http://h/a.html", b"<p>v1</p>"), META)
    assert v1 is not None and (v1.version, v1.record_type) == (1, "response")
    assert a.store_exchange(page("http://h/a.html", b"<p>v1</p>"), META) is None  # same payload: no capture
    v2 = a.store_exchange(page("http://h/a.html", b"<p>v2</p>", '"2"'), META)
    assert v2 is not None and v2.version == 2 and a.validators("http://h/a.html") == ('"2"', None)
    dup = a.store_exchange(page("http://h/b.html", b"<p>v1</p>"), META)
    assert dup is not None and (dup.record_type, dup.refers_to) == ("revisit", v1.record_id)
    assert a.body(dup) == b"<p>v1</p>" and dup.sha256 == hashlib.sha256(b"<p>v1</p>").hexdigest()
    records = []
    with (tmp_path / "warc" / v1.warc_file).open("rb") as fh:
        for r in ArchiveIterator(fh, check_digests=True):
            r.content_stream().read()
            records.append((r.rec_type, r.rec_headers.get_header("WARC-Payload-Digest")))
    assert [t for t, _ in records] == ["warcinfo", "request", "response", "metadata", "request", "response",
                                       "metadata", "request", "revisit", "metadata"]
    digest = "sha256:" + base64.b32encode(hashlib.sha256(b"<p>v1</p>").digest()).decode()
    assert records[2][1] == digest == payload_digest(b"<p>v1</p>") == records[8][1]


def test_a_torn_tail_is_recovered_or_cut(tmp_path: Path) -> None:
    a = open_archive(tmp_path)
    first = a.store_exchange(page("http://h/a.html", b"a"), META)
    assert first is not None
    path = tmp_path / "warc" / first.warc_file
    whole, _ = _group(page("http://h/c.html", b"c"), META, digest=payload_digest(b"c"), sha="", version=1,
                      original=None)
    torn, _ = _group(page("http://h/d.html", b"d"), META, digest=payload_digest(b"d"), sha="", version=1,
                     original=None)
    with path.open("ab") as fh:  # a crash after the WARC write, before the commit … and one mid-write
        fh.write(whole + torn[: len(torn) // 2])
    a.store.close()
    b = open_archive(tmp_path)
    assert b.recovered == 1
    assert [c.url for c in b.captures()] == ["http://h/a.html", "http://h/c.html"]
    assert b.body(b.latest("http://h/c.html")) == b"c"  # type: ignore[arg-type]
    with path.open("rb") as fh:
        assert sum(1 for r in ArchiveIterator(fh) if r.rec_type == "response") == 2
