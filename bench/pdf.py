"""Fixed-layout extraction speed and memory: PDF (text layer), OCR'd scans, a 300-page report.

On the same PDFs in one run: our full extraction (page model → tables → reading order → Document)
per page next to bare pdfplumber ``page.extract_tables()`` per page (ratio = ours / pdfplumber,
target ≤ 1.0); OCR seconds per page on image-only scans of some of them; peak RSS of extracting a
300-page report in a fresh process. Run:

    .venv/bin/python -m bench.pdf [--docs 12] [--repeat 3] [--scans 2]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import SourceRef  # noqa: E402
from extractors.pdf import PdfExtractor  # noqa: E402

HONGZE = ROOT / "tests/fixtures/pdf/jiangsu_huaian_hongze_district_2024.pdf"


def ours(data: bytes) -> object:
    src = SourceRef(uri="bench.pdf", sha256=hashlib.sha256(data).hexdigest(), media_type="application/pdf")
    return PdfExtractor().extract(data, source=src)


def bare(data: bytes) -> object:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        out = []
        for page in pdf.pages:
            out.append(page.extract_tables())
            page.close()
        return out


def pages_of(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def timed(fn: object, docs: list[bytes], repeat: int) -> float:
    """Median over `repeat` rounds of the total seconds for all documents."""
    rounds = []
    for _ in range(repeat):
        t = time.perf_counter()
        for d in docs:
            fn(d)  # type: ignore[operator]
        rounds.append(time.perf_counter() - t)
    return statistics.median(rounds)


def big_report(pages: int) -> bytes:
    """The 洪泽 report repeated to `pages` pages (pypdfium2 page import)."""
    import pypdfium2

    src = pypdfium2.PdfDocument(HONGZE.read_bytes())
    out = pypdfium2.PdfDocument.new()
    while len(out) < pages:
        out.import_pages(src, list(range(min(len(src), pages - len(out)))))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


# The child reports its own high-water RSS (VmHWM): on Linux ru_maxrss survives fork and exec, so
# it would report this process's peak (over 900 MB once the OCR engine has run) instead.
_RSS_CHILD = """
import hashlib, resource, sys
sys.path.insert(0, {root!r})
from extractors import SourceRef
from extractors.pdf import PdfExtractor
data = open({path!r}, "rb").read()
doc = PdfExtractor().extract(data, source=SourceRef(uri="big.pdf", sha256=hashlib.sha256(data).hexdigest()))
try:
    kb = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
except (OSError, StopIteration):
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(kb, len(doc.blocks))
"""


def peak_rss_mb(data: bytes) -> tuple[float, float]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _RSS_CHILD.format(root=str(ROOT), path=f.name)],
                             check=True, capture_output=True, text=True).stdout.split()
        return int(out[0]) / 1024, time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=12, help="generated reports (converted by LibreOffice)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scans", type=int, default=2, help="reports scanned and OCR'd")
    ap.add_argument("--pages", type=int, default=300, help="pages of the memory test report")
    args = ap.parse_args()

    from tests.generator import generate
    from tests.generator.pdf import PDF_SEED, pdf_corpus
    from tests.generator.scan import scan_pdf

    reports = generate(seed=PDF_SEED, n=args.docs)
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        files = pdf_corpus(reports, Path(tmp))
    docs = [HONGZE.read_bytes()] + [files[g.key] for g in reports]
    n_pages = sum(pages_of(d) for d in docs)
    for d in docs[:2]:
        ours(d), bare(d)
    t_ours = timed(ours, docs, args.repeat)
    t_bare = timed(bare, docs, args.repeat)
    print(f"PDF text layer: {len(docs)} documents, {n_pages} pages")
    print(f"  ours (full extraction)          {1000 * t_ours / n_pages:7.1f} ms/page")
    print(f"  pdfplumber page.extract_tables  {1000 * t_bare / n_pages:7.1f} ms/page")
    print(f"  ratio ours / pdfplumber         {t_ours / t_bare:7.2f}  (target <= 1.0)")

    if args.scans:
        scans = [scan_pdf(g, files[g.key]) for g in reports[: args.scans]]
        scan_pages = sum(pages_of(s) for s in scans)
        t_ocr = timed(ours, scans, 1)
        print(f"OCR (image-only scans): {len(scans)} documents, {scan_pages} pages, "
              f"{t_ocr / scan_pages:.1f} s/page")

    if args.pages:
        rss, seconds = peak_rss_mb(big_report(args.pages))
        print(f"{args.pages}-page report: peak RSS {rss:.0f} MB (limit 300 MB), {seconds:.1f} s in a fresh process")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
