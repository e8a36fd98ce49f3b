"""Containers are scanned inside the worker: damaged WARC stretches and oversized CSV records are rows,
and the records after them are kept."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.normalise.report import Report
from pipeline.runs.executors import InProcess, LocalPool
from pipeline.runs.inputs import iter_units
from tests.conftest import FIXTURES

SEED = (FIXTURES / "text" / "jilin_tonghua_dongchang_science_bureau_2023.txt").read_bytes()


def warc(n: int) -> list[bytes]:
    out = io.BytesIO()
    w = WARCWriter(out, gzip=True)
    for i in range(n):
        body = SEED + f"\nrecord {i}\n".encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/plain; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"http://x.gov.cn/{i}.html", "response", payload=io.BytesIO(body), length=len(body),
                                            http_headers=http))
    data, members, pos = out.getvalue(), [], 0
    while pos < len(data):
        d = zlib.decompressobj(31)
        d.decompress(data[pos:])
        used = len(data) - pos - len(d.unused_data)
        members.append(data[pos:pos + used])
        pos += used
    return members


def by_source(reports: list[Report]) -> dict[str, Report]:
    return {r.source: r for r in reports}


def test_records_after_a_corrupt_gzip_member_are_kept(tmp_path: Path) -> None:
    m = warc(5)
    bad = bytearray(m[2])
    bad[len(bad) // 2: len(bad) // 2 + 32] = b"\x00" * 32
    (tmp_path / "c.warc.gz").write_bytes(b"".join([m[0], m[1], bytes(bad), m[3], m[4]]))
    got = by_source(list(LocalPool(jobs=1, timeout=60).map(iter_units([str(tmp_path)]))))
    for i in (0, 1, 3, 4):
        assert got[f"http://x.gov.cn/{i}.html"].status in ("ok", "partial")
    damaged = [r for s, r in got.items() if "#offset=" in s]
    assert damaged and "damaged at byte" in damaged[0].error and damaged[0].status == "failed"
    assert got[str(tmp_path / "c.warc.gz")].status == "partial"  # the container's own row


def test_a_warc_cut_inside_a_record_header_keeps_what_came_before(tmp_path: Path) -> None:
    m = warc(3)
    plain = gzip.decompress(m[2])
    cut = gzip.compress(plain[: plain.index(b"WARC-Target-URI") + 10])
    (tmp_path / "cut.warc.gz").write_bytes(m[0] + m[1] + cut[: len(cut) // 2])
    got = by_source(list(InProcess().map(iter_units([str(tmp_path)]))))
    assert {s for s, r in got.items() if r.status != "failed" and s.startswith("http")} == {
        "http://x.gov.cn/0.html", "http://x.gov.cn/1.html"}
    assert any("the rest of the file is lost" in r.error for r in got.values())


def test_a_csv_record_over_the_limit_is_a_row_and_the_next_one_is_kept(tmp_path: Path, monkeypatch) -> None:
    import extractors.records as records

    monkeypatch.setattr(records, "MAX_RECORD_BYTES", 1000)
    body = SEED.decode().replace('"', '""')
    text = ("标题,时间,内容,访问地址\r\n"
            f'东昌区科学技术局2023年政府信息公开工作年度报告,2024-01-15,"{body}",http://a\r\n'
            f'short,2024-01-16,"x",http://b\r\n')
    (tmp_path / "r.csv").write_text(text, encoding="utf-8")
    got = by_source(list(InProcess().map(iter_units([str(tmp_path)]))))
    row1 = got[f"{tmp_path / 'r.csv'}#row=1"]
    assert row1.status == "failed" and "over the 1000 byte limit" in row1.error
    assert got[f"{tmp_path / 'r.csv'}#row=2"].status in ("ok", "partial", "failed")
    assert "#row=2" in got[f"{tmp_path / 'r.csv'}#row=2"].source
