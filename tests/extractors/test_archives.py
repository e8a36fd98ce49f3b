"""gzip and zip wrappers are expanded like WARC: each document inside is a member, then a row."""

from __future__ import annotations

import gzip
import hashlib
import io
import zipfile

import pytest

from extractors import DocumentTooLarge, MalformedDocument, SourceRef, container_for, sniff
from extractors.archives import gunzip
from pipeline.runs.process import expand

PAGE = "<html><head><title>某局2023年政府信息公开工作年度报告</title></head><body><p>正文</p></body></html>".encode()


def _src(data: bytes, uri: str) -> SourceRef:
    return SourceRef(uri=uri, sha256=hashlib.sha256(data).hexdigest(), media_type=sniff(data))


def test_gzip_page_is_one_member_under_the_files_uri() -> None:
    data = gzip.compress(PAGE)
    assert sniff(data) == "application/gzip" and container_for("application/gzip") is not None
    [m] = expand(data, _src(data, "/in/page.bin"))
    assert m.data == PAGE and m.source.uri == "/in/page.bin" and m.source.media_type == "text/html"  # type: ignore[union-attr]


def test_zip_members_each_a_row_with_their_names() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("附件1.html", PAGE)
        zf.writestr("说明.txt", "附件说明".encode())
        zf.writestr("__MACOSX/._附件1.html", b"junk")
    data = buf.getvalue()
    members = expand(data, _src(data, "/in/bundle.zip"))
    assert [m.source.uri for m in members] == ["/in/bundle.zip#member=附件1.html", "/in/bundle.zip#member=说明.txt"]  # type: ignore[union-attr]


def test_broken_and_bomb_gzip_fail_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MalformedDocument, match="truncated gzip"):
        gunzip(gzip.compress(PAGE)[:-12], source="x.gz")
    monkeypatch.setattr("extractors.archives.MAX_MEMBER_BYTES", 1000)
    with pytest.raises(DocumentTooLarge, match="MAX_MEMBER_BYTES"):
        gunzip(gzip.compress(b"0" * 100_000), source="x.gz")
