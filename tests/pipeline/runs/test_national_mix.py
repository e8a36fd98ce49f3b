"""The national-year mix (bench/scale_corpus.py) through the real CLI on both executors.

A tiny corpus in the format mix (HTML, PDF, DOCX and DOC, and a scanned PNG page) goes
through `xxgk extract` with the local pool and with a Dask LocalCluster: both datasets are
byte-identical and every input file has a row. No timing: bench/scale.py measures speed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scale import digests, extract, reports_of
from bench.scale_corpus import corpus, plan
from tests.generator.pdf import soffice

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(soffice() is None, reason="LibreOffice prints the PDFs: run scripts/sysdeps.sh")]


def test_mix_through_both_executors_gives_one_dataset_with_a_row_per_input(tmp_path: Path) -> None:
    p = plan(20, with_doc=True)
    counts = corpus(tmp_path / "in", p, pdf_pool=2, scan_pool=1)
    assert counts == {"html": 10, "pdf": 6, "word": 3, "scan": 1}
    files = sorted(f for f in (tmp_path / "in").rglob("*") if f.is_file())
    assert {f.suffix for f in files} == {".html", ".pdf", ".docx", ".doc", ".png"}
    assert len({f.read_bytes() for f in files}) == len(files) == 20  # distinct bytes: nothing dedupes

    for executor in ("local", "dask"):
        *_, code = extract(tmp_path / "in", tmp_path / executor, executor, jobs=2)
        assert code == 0
    local, dask = digests(tmp_path / "local"), digests(tmp_path / "dask")
    assert local and local == dask
    sources = sorted(str(r["source"]) for r in reports_of(tmp_path / "local"))
    assert sources == sorted(str(f) for f in files)
