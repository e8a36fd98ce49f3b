"""The workbench's test dataset: the real pipeline run over real fixtures (a PDF, an HTML page, a
text page) and the generated multi-year corpus (agencies over years, renames, copied narrative);
optionally a scan of the PDF (image-only PDF) and one page of it as a PNG, read by OCR."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from tests.conftest import fixture_path
from tests.generator.longitudinal import Longitudinal, longitudinal, render_capture

PDF = fixture_path("pdf", "jiangsu_huaian_hongze_district_2024.pdf")
HTML = fixture_path("html", "fujian_pingtan_zone_2021_page.html")
TEXT = fixture_path("text", "jilin_tonghua_dongchang_science_bureau_2023.txt")
WARC_PAGE = fixture_path("html", "fujian_pingtan_zone_2019_page.html")
WARC_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgknb/2019.htm"
SEED = 2024
GAP = ("L01", 2021)
"""The body-year left out of the corpus: its agency's page must show that year as a gap."""


def corpus() -> Longitudinal:
    return longitudinal(SEED)


def _write_corpus(folder: Path) -> None:
    for cap in corpus().captures:
        if cap.report.key == f"{GAP[0]}-{GAP[1]}":
            continue
        path = folder / cap.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_capture(cap), encoding="utf-8")


def scan_of(pdf: bytes, pages: list[int], dpi: int = 200) -> tuple[bytes, list[bytes]]:
    """An image-only PDF of `pages` of `pdf` (rendered at `dpi`, no text layer) and the same pages as PNGs."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    images = [doc[p - 1].render(scale=dpi / 72).to_pil().convert("L") for p in pages]
    doc.close()
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    pngs = []
    for im in images:
        b = io.BytesIO()
        im.save(b, format="PNG")
        pngs.append(b.getvalue())
    return buf.getvalue(), pngs


def warc_of(url: str, body: bytes) -> bytes:
    """A crawl's WARC file holding one captured page (a response record, as scrapers/archive.py writes)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
                            protocol="HTTP/1.1")
    w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http))
    return buf.getvalue()


def build(folder: Path, *, scans: bool = False) -> Path:
    from pipeline.runs.executors import run_items
    from pipeline.runs.inputs import iter_items
    from pipeline.store.dataset import write_dataset

    inp = folder / "in"
    _write_corpus(inp / "long")
    files = inp / "files"
    files.mkdir(parents=True)
    for f in (PDF, HTML, TEXT):
        shutil.copy(f, files / f.name)
    (files / "crawl.warc.gz").write_bytes(warc_of(WARC_URL, WARC_PAGE.read_bytes()))
    (files / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")  # a failed input (failures page)
    if scans:
        pdf, pngs = scan_of(PDF.read_bytes(), [3, 4])
        (files / "hongze_scan.pdf").write_bytes(pdf)
        (files / "hongze_page3.png").write_bytes(pngs[0])
    out = folder / "ds"
    write_dataset(out, list(run_items(iter_items([str(inp)]), jobs=0)))
    return out
