"""Input paths (files, folders recursively) → work items, in a deterministic order."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from extractors import Member, SourceRef
from pipeline.normalise.report import Report
from pipeline.runs.process import expand, failed

MAX_BYTES = 512 * 1024 * 1024


def iter_files(paths: list[str]) -> Iterator[str]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts):
                    yield f.as_posix()
        else:
            yield path.as_posix()


def iter_items(paths: list[str]) -> Iterator[Member | Report]:
    """Every input file under `paths` becomes work items, or a failed report naming it and the reason."""
    return items_of_files(iter_files(paths))


def items_of_files(files: Iterable[str]) -> Iterator[Member | Report]:
    """Work items of files already listed (by `iter_files`): the tree is walked once."""
    for uri in files:
        path = Path(uri)
        src = SourceRef(uri=uri, sha256=hashlib.sha256(uri.encode()).hexdigest())
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                yield failed(src, f"{uri}: file of {size} bytes is over the {MAX_BYTES} byte limit")
                continue
            data = path.read_bytes()
        except FileNotFoundError:
            yield failed(src, f"{uri}: no such file")
            continue
        except OSError as exc:
            yield failed(src, f"{uri}: cannot read ({exc.strerror or exc})")
            continue
        yield from expand(data, SourceRef(uri=uri, sha256=hashlib.sha256(data).hexdigest()))
