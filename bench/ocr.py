"""OCR accuracy on the scanned test corpus: every cell that is not exact, and CPU seconds per page.

The reports of ``tests/extractors/test_ocr.py`` (generated, printed to PDF by LibreOffice, scanned
to image-only PDFs by ``tests/generator/scan.py``) are extracted and normalised; each codebook
cell is compared with the generator's truth. The converted PDFs are kept in a cache folder so a
second run skips LibreOffice. Run:

    .venv/bin/python -m bench.ocr [--keys g0005 g0010] [--cache DIR] [--json]

With ``--json`` the last line printed is the `ocr` row of bench/results/latest.json (bench/run.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import SourceRef  # noqa: E402
from extractors.pdf import PdfExtractor  # noqa: E402


def pages_of(data: bytes) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def main() -> int:
    from pipeline.normalise.document import normalise
    from tests.extractors.test_ocr import SCANNED
    from tests.generator.pdf import PDF_N, PDF_SEED, pdf_corpus, shared_cache
    from tests.generator.scan import scan_pdf, scan_style
    from tests.generator.truth import generate
    from tests.truth import compare, hard_failures

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keys", nargs="*", default=list(SCANNED), help="report keys to scan, or 'all' (default: the tests')")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / f"xxgk-bench-{os.getuid()}",
                    help="folder for the converted PDFs")
    ap.add_argument("--json", action="store_true", help="end with the figures as one JSON line")
    args = ap.parse_args()

    reports = generate(seed=PDF_SEED, n=PDF_N)
    pdfs = shared_cache(args.cache, f"pdf-{PDF_SEED}-{PDF_N}", lambda folder: pdf_corpus(reports, folder / "work"))
    from extractors.ocr import RapidEngine

    t = time.process_time()
    RapidEngine()._get()  # once per worker process: loading and compiling the two models
    startup = time.process_time() - t
    scans = []
    for g in reports:
        if g.key in args.keys or args.keys == ["all"]:
            data = scan_pdf(g, pdfs[g.key])
            scans.append((g, data, SourceRef(uri=f"gen://{g.key}.scan.pdf", sha256=hashlib.sha256(data).hexdigest())))
    n_pages = sum(pages_of(data) for _, data, _ in scans)
    # Two passes: the first meets every recogniser input width for the first time (OpenVINO
    # compiles each width it sees), the second is what a worker that has read many pages spends.
    passes = []
    for _ in range(2):
        t = time.process_time()
        docs = [PdfExtractor().extract(data, source=src) for _, data, src in scans]
        passes.append(time.process_time() - t)
    total = exact = 0
    for (g, _, _), doc in zip(scans, docs, strict=True):
        r = normalise(doc, media_type="application/pdf")
        n, problems = compare(g, r, set())  # the tests' own comparison with the generator's truth
        total += len(g.cells)
        exact += n
        style = scan_style(g)
        print(f"{g.key}: {style.dpi} dpi, skew {style.skew}°, era {g.era}, hard failures "
              f"{sorted(hard_failures(r)) or '-'} (expected {sorted(g.violations) or '-'})")
        for problem in problems:
            print(f"  {problem}")
    load = os.getloadavg()
    first, cpu = (p / max(n_pages, 1) for p in passes)
    print(f"exact {exact}/{total} = {100 * exact / max(total, 1):.2f} %  (target >= 99.5 %)")
    print(f"OCR extraction: {n_pages} pages, {cpu:.2f} CPU s/page ({first:.2f} on the first pass; engine "
          f"start-up {startup:.2f} CPU s once) (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})")
    if args.json:
        print(json.dumps({"pages": n_pages, "cells": total, "exact": exact,
                          "exact_pct": round(100 * exact / max(total, 1), 2),
                          "ms_per_page": round(1000 * cpu, 1), "ms_per_page_first_pass": round(1000 * first, 1),
                          "startup_ms": round(1000 * startup, 1),
                          "ms_per_cell": round(1000 * cpu * n_pages / max(total, 1), 2),
                          "cpu": "process time, one core, second pass"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
