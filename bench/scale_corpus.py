"""The national-year corpus: generated reports in the mix of formats real portals serve.

HTML 50 %, PDF 30 %, Word 15 % (DOCX, and a share of DOC when LibreOffice is installed), scans 5 %
(image-only PDFs and page PNGs from tests/generator/scan.py). Every file has distinct bytes, so none
dedupes by hash (a report's id is the digest of its bytes).

HTML and DOCX are rendered one per generated report (distinct agency, year and numbers). A PDF needs
a LibreOffice run and a scan a render + noise + JPEG pass, far too slow for 10^5 files, so a pool of
`pdf_pool` reports is printed once and each PDF or scan in the corpus is a pool member with a
trailing comment after its ``%%EOF`` naming its index (PNGs: a ``tEXt`` chunk): distinct bytes, the
same pages, so exactly the extraction cost of the pool member. DOC files are converted one per report.
"""

from __future__ import annotations

import struct
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MIX = (("html", 50), ("pdf", 30), ("word", 15), ("scan", 5))
"""Percent of documents per format (issue #18, target 5)."""

DOC_EVERY = 10
"""One Word document in DOC_EVERY is a DOC (legacy binary, converted by LibreOffice at extraction)."""

PNG_EVERY = 5
"""One scan in PNG_EVERY is a single page PNG; the rest are image-only PDFs."""

SEED = 505
"""Generator seed of the corpus (distinct from the tests' and bench/run.py's corpora)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """How many documents of each format, and how many of them are DOC / PNG."""

    html: int
    pdf: int
    word: int
    scan: int
    doc: int
    png: int

    @property
    def total(self) -> int:
        return self.html + self.pdf + self.word + self.scan


def plan(n: int, *, with_doc: bool, max_scans: int | None = None) -> Plan:
    """n documents split by MIX (rounding left to HTML); scans capped at `max_scans` if given."""
    pdf, word, scan = (n * share // 100 for _, share in MIX[1:])
    if max_scans is not None:
        scan = min(scan, max_scans)
    doc = -(-word // DOC_EVERY) if with_doc else 0  # rounded up: a small corpus has one of each kind
    return Plan(html=n - pdf - word - n * MIX[3][1] // 100, pdf=pdf, word=word, scan=scan, doc=doc,
                png=-(-scan // PNG_EVERY))


def pdf_variant(data: bytes, i: int) -> bytes:
    """The same PDF with distinct bytes: a comment after %%EOF (offsets and pages unchanged)."""
    return data + f"%xxgk-variant {i:07d}\n".encode()


def png_variant(data: bytes, i: int) -> bytes:
    """The same PNG with distinct bytes: a tEXt chunk before IEND (pixels unchanged)."""
    body = b"tEXt" + b"variant\x00" + f"{i:07d}".encode()
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    return data[:-12] + chunk + data[-12:]


CONVERT_BATCH = 100
"""Files per LibreOffice run: one run over 1,500 files stopped after 246 without an error."""


def _soffice_convert(files: list[Path], to: str, out: Path) -> None:
    from tests.generator.pdf import soffice

    with tempfile.TemporaryDirectory(prefix="xxgk-lo-") as profile:
        subprocess.run([str(soffice()), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", to, "--outdir", str(out), *map(str, files)],
                       check=True, capture_output=True, timeout=1800)


def _convert(docs: dict[str, bytes], to: str, folder: Path) -> dict[str, bytes]:
    """Many DOCX → `to` (pdf, doc) in headless LibreOffice runs of CONVERT_BATCH files, the missing retried once."""
    from tests.generator.pdf import docx_to_pdf

    if to == "pdf":
        return docx_to_pdf(docs, folder)
    src, out = folder / "docx", folder / to
    src.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in docs.items():
        (src / f"{name}.docx").write_bytes(data)
    names = sorted(docs)
    for step in (CONVERT_BATCH, 1):
        todo = [n for n in names if not (out / f"{n}.{to}").exists()]
        for i in range(0, len(todo), step):
            _soffice_convert([src / f"{n}.docx" for n in todo[i:i + step]], to, out)
    missing = [n for n in names if not (out / f"{n}.{to}").exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no {to} for {len(missing)} files, first {src / missing[0]}.docx")
    return {name: (out / f"{name}.{to}").read_bytes() for name in docs}


@dataclass(frozen=True, slots=True)
class Pools:
    """Printed PDFs and their scans, to derive variants from."""

    pdfs: tuple[bytes, ...]
    scan_pdfs: tuple[bytes, ...]
    scan_pngs: tuple[bytes, ...]


def pools(pdf_pool: int, scan_pool: int, work: Path) -> Pools:
    """`pdf_pool` reports printed to PDF (one LibreOffice run); the first `scan_pool` also scanned."""
    from tests.generator.pdf import report_docx
    from tests.generator.scan import scan_pdf, scan_png
    from tests.generator.truth import generate

    reports = generate(seed=SEED + 1, n=pdf_pool)
    printed = _convert({g.key: report_docx(g) for g in reports}, "pdf", work / "pool")
    pdfs = tuple(printed[g.key] for g in reports)
    scanned = reports[:scan_pool]
    pngs = scanned[: max(1, scan_pool // PNG_EVERY)] if scanned else []
    return Pools(pdfs=pdfs, scan_pdfs=tuple(scan_pdf(g, printed[g.key]) for g in scanned),
                 scan_pngs=tuple(scan_png(g, printed[g.key], 1) for g in pngs))


def _html(n: int) -> Iterator[tuple[str, bytes]]:
    from tests.generator.html import html_corpus
    from tests.generator.truth import generate

    for i, (_, page) in enumerate(html_corpus(generate(seed=SEED, n=n))):
        yield f"{i:06d}-{page.key}.html", page.data


def _word(n: int, doc: int, work: Path) -> Iterator[tuple[str, bytes]]:
    from tests.generator.truth import generate
    from tests.generator.word import render_docx, word_style

    reports = generate(seed=SEED + 2, n=n)
    as_doc = {f"{i:06d}-{g.key}": render_docx(g, word_style(g)) for i, g in enumerate(reports) if i % DOC_EVERY == 0}
    converted = _convert(dict(list(as_doc.items())[:doc]), "doc", work / "doc") if doc else {}
    for i, g in enumerate(reports):
        name = f"{i:06d}-{g.key}"
        yield (f"{name}.doc", converted[name]) if name in converted else (f"{name}.docx", render_docx(g, word_style(g)))


def _variants(pool: tuple[bytes, ...], n: int, ext: str, start: int = 0) -> Iterator[tuple[str, bytes]]:
    vary = png_variant if ext == "png" else pdf_variant
    for i in range(n):
        yield f"{start + i:06d}-p{i % len(pool):03d}.{ext}", vary(pool[i % len(pool)], start + i)


def corpus(folder: Path, p: Plan, *, pdf_pool: int = 60, scan_pool: int = 20) -> dict[str, int]:
    """Write the corpus of plan `p` under folder/<format>/; returns the number of files per format."""
    work = folder.parent / f".{folder.name}-work"
    pool = pools(min(pdf_pool, max(p.pdf, p.scan, 1)), min(scan_pool, p.scan), work)
    parts = {
        "html": _html(p.html),
        "pdf": _variants(pool.pdfs, p.pdf, "pdf"),
        "word": _word(p.word, p.doc, work),
        "scan": iter([*_variants(pool.scan_pdfs, p.scan - p.png, "pdf"),
                      *_variants(pool.scan_pngs, p.png, "png", start=p.scan - p.png)]),
    }
    counts = {}
    for fmt, files in parts.items():
        (folder / fmt).mkdir(parents=True, exist_ok=True)
        counts[fmt] = 0
        for name, data in files:
            (folder / fmt / name).write_bytes(data)
            counts[fmt] += 1
    return counts
