"""Build data/samples/: a small WARC archive of real report pages and attachments under their
original URLs, and the sources file that replays it (`xxgk run` without sources).

The documents are the project's real fixtures (tests/fixtures/, sources in SOURCES.md). They were
obtained as copies (an archive repository, a repository of sample PDFs, a crawler's CSV export),
not by an HTTP capture of ours, so each is stored as a WARC `resource` record — the record type
for content captured outside an HTTP exchange — under the URL the bytes came from: the portal URL
where the archive says the page was published, else the repository file's raw URL. Record dates
and ids are fixed, so the archive is byte-identical on every build.

    .venv/bin/python scripts/build_samples.py
"""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path
from urllib.parse import quote

from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
OUT = ROOT / "data" / "samples"
DATE = "2025-12-01T00:00:00Z"
"""Fixed WARC-Date (the day the corpus copies were taken into the project), for reproducible bytes."""

PINGTAN = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
ARCHIVE = ("https://raw.githubusercontent.com/changwu/pingtan-gov-zwgk-archive/"
           "12f00b4205da89f3fa531f747c608e88308a046c/pingtan/zwgk/zfxxgk/zfxxgknb/")
KIRO = "https://raw.githubusercontent.com/zxj6827111-blip/KIROGOVCOMPARE/ed9cb5d7de4e4dcd72191c8e12e7ec3e2b4749a6/"
SPIDER = "https://raw.githubusercontent.com/gerry0208/spider_project/8102fc51c040412959a095c447500aff899f5f05/"

# (source id, agency, region, URL, fixture, media type)
DOCUMENTS = [
    ("sample-pingtan", "平潭综合实验区管理委员会", "350128", PINGTAN + "202001/t20200120_80576.htm",
     "html/fujian_pingtan_zone_2019_page.html", "text/html; charset=utf-8"),
    ("sample-pingtan", "平潭综合实验区管理委员会", "350128", PINGTAN + "202202/t20220208_80613.htm",
     "html/fujian_pingtan_zone_2021_page.html", "text/html; charset=utf-8"),
    ("sample-pingtan", "平潭综合实验区管理委员会", "350128", PINGTAN + "201204/t20120418_80716.htm",
     "html/fujian_pingtan_county_2011_page.html", "text/html; charset=utf-8"),
    ("sample-pingtan", "平潭综合实验区管理委员会", "350128",
     ARCHIVE + quote("201901/80529_平潭综合实验区2018年度政府信息公开工作年度报告/page.txt"),
     "text/fujian_pingtan_zone_2018_page.txt", "text/plain; charset=utf-8"),
    ("sample-pingtan", "平潭综合实验区管理委员会", "350128",
     ARCHIVE + quote("201402/80774_平潭综合实验区地方税务局2013年信息公开年度报告/page.txt"),
     "text/fujian_pingtan_local_tax_bureau_2013_page.txt", "text/plain; charset=utf-8"),
    ("sample-hongze", "淮安市洪泽区人民政府", "320813", KIRO + "sample_pdfs_v1/hzq2024_working.pdf",
     "pdf/jiangsu_huaian_hongze_district_2024.pdf", "application/pdf"),
    ("sample-hebei-jyt", "河北省教育厅", "130000",
     SPIDER + quote("河北政府网站/7教育厅-政府信息公开/政府信息公开年报.csv"),
     "records/hebei_jyt_education_dept_reports_2013-2023.csv", "text/csv; charset=utf-8"),
]


def record_id(url: str, data: bytes) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url + '#' + hashlib.sha256(data).hexdigest())}>"


def build_warc() -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.1")
    info = writer.create_warcinfo_record("xxgk-samples.warc.gz", {
        "software": "xxgk scripts/build_samples.py (warcio)",
        "description": "real 政府信息公开工作年度报告 documents (tests/fixtures, see tests/fixtures/SOURCES.md) "
                       "as resource records under the URL each copy came from",
    })
    info.rec_headers.replace_header("WARC-Date", DATE)
    info.rec_headers.replace_header("WARC-Record-ID", record_id("warcinfo", b""))
    writer.write_record(info)
    for _, _, _, url, fixture, media_type in DOCUMENTS:
        data = (FIXTURES / fixture).read_bytes()
        rec = writer.create_warc_record(url, "resource", payload=io.BytesIO(data), length=len(data),
                                        warc_content_type=media_type,
                                        warc_headers_dict={"WARC-Date": DATE, "WARC-Record-ID": record_id(url, data)})
        writer.write_record(rec)
    return buf.getvalue()


def build_sources() -> str:
    lines = ["# Replays data/samples/xxgk-samples.warc.gz (built by scripts/build_samples.py): `xxgk run`",
             "# without sources. Adapter `pages`: the start URLs are the documents themselves.", "",
             "[defaults]", "delay = 0.0", "respect_robots = true", ""]
    seen: dict[str, list[str]] = {}
    meta: dict[str, tuple[str, str]] = {}
    for sid, agency, region, url, _, _ in DOCUMENTS:
        seen.setdefault(sid, []).append(url)
        meta[sid] = (agency, region)
    for sid, urls in seen.items():
        agency, region = meta[sid]
        lines += ["[[source]]", f'id = "{sid}"', f'agency = "{agency}"', f'region = "{region}"', 'adapter = "pages"',
                  "since = 2011", "start = ["] + [f'  "{u}",' for u in urls] + ["]", ""]
    return "\n".join(lines)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "xxgk-samples.warc.gz").write_bytes(build_warc())
    (OUT / "sources.toml").write_text(build_sources(), encoding="utf-8")
    print(f"wrote {OUT / 'xxgk-samples.warc.gz'} ({len(DOCUMENTS)} documents) and {OUT / 'sources.toml'}")


if __name__ == "__main__":
    main()
