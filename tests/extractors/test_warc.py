"""WarcContainer: the documents in WARC files — ours, Heritrix-style, Common Crawl-style."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extractors import WARC, MalformedDocument, SourceRef, container_for, sniff
from extractors.warc import WarcContainer
from scrapers import Archive, CaptureMeta, Exchange, Store
from tests.conftest import fixture_bytes

PAGE = fixture_bytes("html", "fujian_pingtan_zone_2021_page.html")
PDF = fixture_bytes("pdf", "jiangsu_huaian_hongze_district_2024.pdf")
SRC = SourceRef(uri="crawl.warc.gz", sha256="0")


def ours(tmp: Path) -> bytes:
    """A WARC written by our crawler: a list page, a report, its PDF, a 404, robots.txt, a revisit."""
    a = Archive(Store(tmp / "s.sqlite"), tmp / "warc")
    col = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"

    def ex(url: str, body: bytes, ctype: str = "text/html; charset=utf-8", status: int = 200) -> Exchange:
        return Exchange(url=url, status=status, reason="OK", headers=(("Content-Type", ctype),), raw=body, body=body)

    title = (("title", "平潭综合实验区2021年度政府信息公开工作年度报告"), ("published", "2022-02-08"))
    a.store_exchange(ex(col + "robots.txt", b"User-agent: *\n", "text/plain"), CaptureMeta(run_id=1, source_id="", role="robots"))
    a.store_exchange(ex(col, b"<html><ul><li>list</li></ul></html>"), CaptureMeta(run_id=1, source_id="s", role="list"))
    a.store_exchange(ex(col + "202202/t20220208_80613.htm", PAGE),
                     CaptureMeta(run_id=1, source_id="s", role="report", via=col, hints=title))
    a.store_exchange(ex(col + "202202/P0202202.pdf", PDF, "application/pdf"),
                     CaptureMeta(run_id=1, source_id="s", role="attachment", hints=title))
    a.store_exchange(ex(col + "copy.htm", PAGE), CaptureMeta(run_id=1, source_id="s", role="report"))  # revisit
    a.store_exchange(ex(col + "gone.htm", b"<html>404</html>", status=404), CaptureMeta(run_id=1, source_id="s",
                                                                                         role="report"))
    return b"".join(p.read_bytes() for p in sorted((tmp / "warc").glob("*.warc.gz")))


def test_our_warc_yields_the_report_and_its_attachment_with_provenance(tmp_path: Path) -> None:
    data = ours(tmp_path)
    members = list(WarcContainer().members(data, source=SRC))
    assert [m.source.uri.rsplit("/", 1)[1] for m in members] == ["t20220208_80613.htm", "P0202202.pdf"]
    page, pdf = members
    assert page.data == PAGE and pdf.data == PDF
    assert page.source.capture_id and page.source.capture_id.startswith("<urn:uuid:")
    assert page.source.captured_at and page.source.captured_at.endswith("Z")
    hints = dict(page.hints)
    assert hints["title"] == "平潭综合实验区2021年度政府信息公开工作年度报告" and hints["crawl_source"] == "s"
    assert hints["via"] == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
    assert hints["referrer"] == hints["via"]  # our crawler's via is the referrer assembly reads
    assert ("Content-Type", "text/html; charset=utf-8") in page.headers


def heritrix() -> bytes:
    """A Heritrix-like file: warcinfo, dns, request/response pairs, an image, CSS, metadata, a revisit."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    w.write_record(w.create_warcinfo_record("h.warc.gz", {"software": "Heritrix/3.4.0"}))
    w.write_record(w.create_warc_record("dns:www.fzja.gov.cn", "resource", payload=io.BytesIO(b"1.2.3.4"),
                                        length=7, warc_content_type="text/dns"))

    def resp(url: str, body: bytes, ctype: str, status: str = "200 OK") -> None:
        http = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                            http_headers=http))
        fields = b"via: http://www.fzja.gov.cn/\r\nhopsFromSeed: L\r\n"
        w.write_record(w.create_warc_record(url, "metadata", payload=io.BytesIO(fields), length=len(fields),
                                            warc_content_type="application/warc-fields"))

    resp("http://www.fzja.gov.cn/xjwz/zwgk/zfxxgk/zfxxgknb/201707/t20170721_1341809.htm", PAGE, "text/html")
    resp("http://www.fzja.gov.cn/images/logo.png", b"\x89PNG\r\n\x1a\nxxxx", "image/png")
    resp("http://www.fzja.gov.cn/css/main.css", b"body{}", "text/css")
    resp("http://www.fzja.gov.cn/xjwz/zwgk/zfxxgk/zfxxgknb/missing.htm", b"nope", "text/html", "404 Not Found")
    resp("http://www.fzja.gov.cn/robots.txt", b"User-agent: *", "text/plain")
    resp("http://www.fzja.gov.cn/xjwz/zwgk/zfxxgk/zfxxgknb/201707/P020170721.pdf", PDF, "application/pdf")
    w.write_record(w.create_revisit_record("http://www.fzja.gov.cn/copy.htm", "sha1:AAAA",
                                           "http://www.fzja.gov.cn/xjwz/a.htm", "2017-07-21T00:00:00Z"))
    return buf.getvalue()


def test_a_heritrix_warc_yields_only_documents() -> None:
    members = list(WarcContainer().members(heritrix(), source=SRC))
    assert [m.source.uri.rsplit("/", 1)[1] for m in members] == ["t20170721_1341809.htm", "P020170721.pdf"]
    assert members[1].data == PDF


def test_common_crawl_payload_type_and_truncation() -> None:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True, warc_version="1.0")
    body = PDF[:50000]
    http = StatusAndHeaders("200 OK", [("Content-Type", "application/octet-stream")], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record(
        "https://www.gz.gov.cn/attachment/0/123.pdf", "response", payload=io.BytesIO(body), length=len(body),
        http_headers=http, warc_headers_dict={"WARC-Identified-Payload-Type": "application/pdf",
                                              "WARC-Truncated": "length"}))
    [m] = list(WarcContainer().members(buf.getvalue(), source=SRC))
    assert dict(m.hints)["warc_truncated"] == "length" and m.data == body


def test_a_torn_tail_keeps_the_records_before_it_and_garbage_is_an_error(tmp_path: Path) -> None:
    data = heritrix()
    members = list(WarcContainer().members(data[: len(data) - 100_000], source=SRC))  # cut inside the PDF
    assert [m.source.uri.rsplit("/", 1)[1] for m in members] == ["t20170721_1341809.htm"]
    with pytest.raises(MalformedDocument, match=r"crawl\.warc\.gz: not a readable WARC"):
        list(WarcContainer().members(b"WARC/1.0\r\nthis is not a record", source=SRC))


def test_members_become_reports_through_the_pipeline(tmp_path: Path) -> None:
    from extractors import Member
    from pipeline.runs.process import process_item

    members = list(WarcContainer().members(ours(tmp_path), source=SRC))
    reports = [process_item(Member(data=m.data, source=m.source, hints=m.hints, headers=m.headers)) for m in members]
    assert all(r.status in ("ok", "partial", "failed") for r in reports)
    page = reports[0]
    assert page.report_year == 2021 and page.source.endswith("t20220208_80613.htm")
    assert page.captured_at == members[0].source.captured_at


def test_plain_warc_is_sniffed_and_registered() -> None:
    buf = io.BytesIO()
    WARCWriter(buf, gzip=False).write_record(WARCWriter(buf, gzip=False).create_warcinfo_record("x", {"a": "b"}))
    assert sniff(buf.getvalue()) == WARC
    assert isinstance(container_for(WARC), WarcContainer)


def test_gzipped_warc_is_sniffed_as_warc() -> None:
    assert sniff(heritrix()) == WARC


def referrers(order: str) -> dict[str, str]:
    """Members' `referrer` hints of a page and its PDF whose request names the page as Referer.

    `heritrix`: the response first, then its request pointing at it (WARC-Concurrent-To);
    `wget`: the request first, the response pointing at it; `loose`: a request with no
    concurrency header before the response of the same URL.
    """
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    page, pdf = "http://www.fzja.gov.cn/nb/t1.htm", "http://www.fzja.gov.cn/nb/P01.pdf"

    def request(url: str, to: str | None) -> object:
        http = StatusAndHeaders("GET /nb HTTP/1.1", [("Host", "www.fzja.gov.cn"), ("Referer", page)],
                                is_http_request=True)
        return w.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0, http_headers=http,
                                    warc_headers_dict={"WARC-Concurrent-To": to} if to else None)

    def response(url: str, body: bytes, ctype: str, to: str | None = None) -> object:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        return w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                                    warc_headers_dict={"WARC-Concurrent-To": to} if to else None)

    w.write_record(response(page, PAGE, "text/html"))
    if order == "heritrix":
        resp = response(pdf, PDF, "application/pdf")
        w.write_record(resp)
        w.write_record(request(pdf, resp.rec_headers.get_header("WARC-Record-ID")))  # type: ignore[attr-defined]
    else:
        req = request(pdf, None)
        w.write_record(req)
        to = req.rec_headers.get_header("WARC-Record-ID") if order == "wget" else None  # type: ignore[attr-defined]
        w.write_record(response(pdf, PDF, "application/pdf", to))
    return {m.source.uri: dict(m.hints).get("referrer", "") for m in WarcContainer().members(buf.getvalue(), source=SRC)}


@pytest.mark.parametrize("order", ["heritrix", "wget", "loose"])
def test_the_request_records_referer_is_the_members_referrer(order: str) -> None:
    assert referrers(order) == {"http://www.fzja.gov.cn/nb/t1.htm": "",
                                "http://www.fzja.gov.cn/nb/P01.pdf": "http://www.fzja.gov.cn/nb/t1.htm"}
