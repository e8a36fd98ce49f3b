"""The normaliser alone: per format, ms per document of `normalise(document)` on documents extracted
beforehand, and a fingerprint of every normalised Report so a speed change can be shown to leave the
output byte-identical.

    python -m bench.normalise_compare --dump before.json     # on the old code
    python -m bench.normalise_compare --dump after.json --against before.json

The corpus is bench/run.py's generated documents per format plus the files under tests/fixtures/
(docx, html, pdf, text). The generated files are kept under ``--cache`` and reused: a PDF printed
again by LibreOffice carries a new /CreationDate, so new bytes and a new report id, and its
fingerprint would differ between two runs of unchanged code. A Report's fingerprint is the SHA-256 of its repr (every field: cells,
checks, sections, metadata), so any change in any record shows.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import Doc, _source, corpus_optional, corpus_text, extract  # noqa: E402
from pipeline.normalise.document import normalise  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def fixture_docs() -> list[Doc]:
    return [(str(p.relative_to(ROOT)), p.read_bytes(), 1)
            for sub in ("docx", "html", "pdf", "text") for p in sorted((FIXTURES / sub).glob("*")) if p.is_file()]


def cached(fmt: str, n: int, cache: Path) -> list[Doc]:
    """The generated documents of a format, built once into `cache` and read back on later runs."""
    folder = cache / f"{fmt}-{n}"
    index = folder / "index.json"
    if not index.exists():
        docs = corpus_text(n) if fmt == "text" else corpus_optional(fmt, n)
        folder.mkdir(parents=True, exist_ok=True)
        for k, (_, data, _) in enumerate(docs):
            (folder / f"{k:05d}.bin").write_bytes(data)
        index.write_text(json.dumps([[name, pages] for name, _, pages in docs], ensure_ascii=False))
    return [(name, (folder / f"{k:05d}.bin").read_bytes(), pages)
            for k, (name, pages) in enumerate(json.loads(index.read_text()))]


def corpora(n: int, formats: list[str], cache: Path) -> dict[str, list[Doc]]:
    out: dict[str, list[Doc]] = {fmt: cached(fmt, n, cache) for fmt in formats}
    out["fixtures"] = fixture_docs()
    return out


def fingerprint(doc: Doc, document: object) -> str:
    mt, _ = _source(doc)
    return hashlib.sha256(repr(normalise(document, media_type=mt)).encode("utf-8")).hexdigest()  # type: ignore[arg-type]


def time_normalise(docs: list[tuple[Doc, object]], repeat: int) -> list[float]:
    """Best of `repeat` runs per document, in ms."""
    out = []
    for doc, document in docs:
        mt, _ = _source(doc)
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            normalise(document, media_type=mt)  # type: ignore[arg-type]
            best = min(best, (time.perf_counter() - t) * 1000)
        out.append(best)
    return out


def profile(docs: list[tuple[Doc, object]], top: int) -> None:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(3):
        for doc, document in docs:
            normalise(document, media_type=_source(doc)[0])  # type: ignore[arg-type]
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=60)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--only", nargs="*", default=["text", "html", "docx", "pdf"])
    p.add_argument("--dump", help="write fingerprints and timings to this JSON file")
    p.add_argument("--against", help="compare fingerprints with this earlier dump")
    p.add_argument("--profile", type=int, default=0, help="print cProfile's top N functions per format")
    p.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / f"xxgk-normalise-compare-{os.getuid()}",
                   help="folder the generated documents are kept in between runs")
    args = p.parse_args(argv)
    result: dict[str, dict[str, object]] = {}
    for fmt, docs in corpora(args.n, args.only, args.cache).items():
        extracted = [(d, extract(d)) for d in docs]
        prints = {d[0]: fingerprint(d, e) for d, e in extracted}
        ms = time_normalise(extracted, args.repeat)
        result[fmt] = {"docs": len(docs), "normalise_ms_per_doc": round(statistics.median(ms), 3) if ms else None,
                       "mean_ms": round(statistics.fmean(ms), 3) if ms else None, "fingerprints": prints}
        print(f"{fmt:9} {len(docs):4} docs  normalise median {result[fmt]['normalise_ms_per_doc']} ms"
              f"  mean {result[fmt]['mean_ms']} ms")
        if args.profile:
            profile(extracted, args.profile)
    if args.dump:
        Path(args.dump).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.against:
        return compare(json.loads(Path(args.against).read_text(encoding="utf-8")), result)
    return 0


def compare(before: dict[str, dict[str, object]], after: dict[str, dict[str, object]]) -> int:
    differ = 0
    for fmt, row in after.items():
        old: dict[str, str] = before.get(fmt, {}).get("fingerprints", {})  # type: ignore[assignment]
        new: dict[str, str] = row["fingerprints"]  # type: ignore[assignment]
        bad = sorted(k for k in new if old.get(k) != new[k])
        differ += len(bad)
        print(f"{fmt:9} {len(new) - len(bad)}/{len(new)} identical" + (f"; differ: {bad[:5]}" if bad else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
