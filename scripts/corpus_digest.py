"""Build the whole generated test corpus plus the real fixtures, extract it, print a digest per file.

A refactor that intends no behaviour change must leave this output unchanged:

    python scripts/corpus_digest.py /tmp/corpus > before.txt   # on the old commit (builds the corpus once)
    python scripts/corpus_digest.py /tmp/corpus > after.txt    # on the new one (same input files)
    diff before.txt after.txt

Every format the generator renders is in it (text in every style, HTML pages, DOCX, XLSX, PDF via
LibreOffice, a few scans), with the fixtures and the bundled sample archive.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.generator import TEXT_STYLES, generate, render_text  # noqa: E402
from tests.generator.html import html_corpus  # noqa: E402
from tests.generator.pdf import pdf_corpus  # noqa: E402
from tests.generator.scan import scan_pdf  # noqa: E402
from tests.generator.word import render_docx, render_xlsx  # noqa: E402


def build(folder: Path, n: int = 24) -> Path:
    """Write the corpus under ``folder/in`` and return that folder."""
    inp = folder / "in"
    shutil.rmtree(folder, ignore_errors=True)
    for sub in ("text", "html", "docx", "xlsx", "pdf", "scan"):
        (inp / sub).mkdir(parents=True)
    reports = generate(seed=1, n=n)
    for i, g in enumerate(reports):
        style = TEXT_STYLES[i % len(TEXT_STYLES)]
        (inp / "text" / f"{i:03d}.txt").write_text(render_text(g, style), encoding="utf-8")
        (inp / "docx" / f"{i:03d}.docx").write_bytes(render_docx(g))
        (inp / "xlsx" / f"{i:03d}.xlsx").write_bytes(render_xlsx(g))
    for i, (_, page) in enumerate(html_corpus(reports)):
        (inp / "html" / f"{i:03d}.html").write_bytes(page.data)
    pdfs = pdf_corpus(reports[:8], folder / "soffice")
    for key, data in sorted(pdfs.items()):
        (inp / "pdf" / f"{key}.pdf").write_bytes(data)
    for i, (key, data) in enumerate(sorted(pdfs.items())[:2]):
        (inp / "scan" / f"{key}.pdf").write_bytes(scan_pdf(reports[i], data))
    shutil.copytree(ROOT / "tests" / "fixtures", inp / "fixtures", ignore=shutil.ignore_patterns("*.md"))
    shutil.copy(ROOT / "data" / "samples" / "xxgk-samples.warc.gz", inp / "samples.warc.gz")
    return inp


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folder = Path(args[0] if args else "/tmp/xxgk-corpus")
    inp = folder / "in"
    if "--rebuild" in sys.argv or not inp.exists():  # LibreOffice and openpyxl stamp times: build once, reuse
        inp = build(folder)
    shutil.rmtree(folder / "dataset", ignore_errors=True)
    out = folder / "dataset"
    cli = "pipeline.commands.cli" if (ROOT / "pipeline" / "commands" / "cli.py").exists() else "pipeline.cli"
    xxgk = [sys.executable, "-m", cli]
    opt = "--dataset" if "--dataset" in subprocess.run([*xxgk, "extract", "--help"], capture_output=True,
                                                      text=True).stdout else "--out"
    # no timeout: on a loaded machine a scan could time out in one run and not in the other
    subprocess.run([*xxgk, "extract", str(inp), opt, str(out), "--jobs", "2", "--timeout", "0", "--quiet"],
                   check=False, cwd=folder, stdout=sys.stderr)
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.suffix == ".parquet":
            print(hashlib.sha256(path.read_bytes()).hexdigest()[:16], path.relative_to(out))


if __name__ == "__main__":
    main()
