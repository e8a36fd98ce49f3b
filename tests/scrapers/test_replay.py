"""Replay: the crawl runs on a WARC instead of the network (the bundled samples)."""

from __future__ import annotations

from pathlib import Path

import httpx

from scrapers import WarcReplayTransport, load_sources

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_the_bundled_archive_serves_its_documents_under_their_urls() -> None:
    t = WarcReplayTransport(sorted(SAMPLES.glob("*.warc.gz")))
    sources = load_sources(SAMPLES / "sources.toml")
    urls = [u for s in sources for u in s.start]
    assert len(urls) == 7 and set(urls) == set(t.responses)
    with httpx.Client(transport=t) as client:
        page = client.get("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202202/t20220208_80613.htm")
        assert page.status_code == 200 and "平潭综合实验区2021年度政府信息公开工作年度报告" in page.text
        assert client.get("https://www.pingtan.gov.cn/robots.txt").status_code == 404
    pdf = next(u for u in urls if u.endswith(".pdf"))
    assert t.responses[pdf].body.startswith(b"%PDF") and t.responses[pdf].headers == (("Content-Type",
                                                                                        "application/pdf"),)


def test_the_samples_archive_is_rebuilt_byte_for_byte() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_samples", SAMPLES.parents[1] / "scripts" / "build_samples.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.build_warc() == (SAMPLES / "xxgk-samples.warc.gz").read_bytes()
    assert mod.build_sources() == (SAMPLES / "sources.toml").read_text(encoding="utf-8")
