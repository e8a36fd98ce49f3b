"""Proof that a change to the PDF reader keeps every extracted record the same: a digest per PDF.

Extracts every PDF given (files or folders, recursively) plus the hostile PDFs of
tests/generator/hostile.py and writes one line per file: its name and the SHA-256 of the full
`repr` of the extracted `Document`'s blocks (every cell, text and unrounded bbox), or of the error
it ends in. Run it on two checkouts and diff the outputs:

    .venv/bin/python -m bench.pdf_identity tests/fixtures /tmp/corpus > new.txt
    (cd /work/main && .venv/bin/python -m bench.pdf_identity ... ) > old.txt && diff old.txt new.txt

`--dump DIR` also writes each repr, to find where two readings part.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import SourceRef  # noqa: E402
from extractors.errors import ExtractionError  # noqa: E402
from extractors.pdf import PdfExtractor, PdfLimits  # noqa: E402


def hostile() -> Iterator[tuple[str, bytes]]:
    """The hostile PDFs, small enough to build here (the limits refuse them before any heavy work)."""
    from tests.generator import hostile as h

    yield "hostile/glyph_bomb", h.glyph_bomb()
    yield "hostile/many_pages", h.many_pages()
    yield "hostile/huge_image", h.huge_image_pdf()
    yield "hostile/encrypted", h.encrypted_pdf()
    yield "hostile/xref_loop", h.xref_loop()


def pdfs(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    for p in paths:
        files = sorted(p.rglob("*.pdf")) if p.is_dir() else [p]
        for f in files:
            yield str(f), f.read_bytes()


def reading(data: bytes, name: str) -> str:
    src = SourceRef(uri=name, sha256=hashlib.sha256(data).hexdigest(), media_type="application/pdf")
    try:
        doc = PdfExtractor(PdfLimits()).extract(data, source=src)
    except ExtractionError as exc:
        return f"error {type(exc).__name__}: {exc}"
    return f"{doc.extractor} {doc.extractor_version}\n" + "\n".join(repr(b) for b in doc.blocks)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--no-hostile", action="store_true")
    ap.add_argument("--dump", type=Path)
    args = ap.parse_args()
    items = list(pdfs(args.paths)) + ([] if args.no_hostile else list(hostile()))
    for name, data in items:
        text = reading(data, name)
        if args.dump:
            out = args.dump / (name.strip("/").replace("/", "__") + ".txt")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text)
        print(name, hashlib.sha256(text.encode()).hexdigest()[:16], flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
