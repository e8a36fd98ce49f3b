"""Input paths (files, folders recursively) → units of work, in a deterministic order.

Only names are listed here; workers read the bytes. Every entry under an input folder ends as a
unit or as a failed report naming it and why: hidden files are inputs too; a special file (FIFO,
socket, device), an unreadable folder, a broken link or a link loop is a failed row; a link that
leaves the input tree is a failed row and is never read; a link to a folder inside the tree is
not followed (its files are read where they are). A name that is not valid UTF-8 keeps its bytes
as `\\xNN` escapes, so it can be stored and printed.
"""

# Names are handled as bytes: pathlib cannot hold a name that is not UTF-8 faithfully.
# ruff: noqa: PTH112, PTH113, PTH115, PTH116
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator

from extractors import SourceRef
from pipeline.normalise.report import Report
from pipeline.runs.process import failed
from pipeline.runs.units import FileUnit, Unit, kind_of, uri_digest


def display(path: bytes) -> str:
    """How the dataset names a path: its text, with bytes that are not UTF-8 as `\\xNN`."""
    return path.decode("utf-8", "backslashreplace")


def _fail(path: bytes, reason: str) -> Report:
    uri = display(path)
    return failed(SourceRef(uri=uri, sha256=uri_digest(uri)), f"{uri}: {reason}")


def _within(target: bytes, roots: list[bytes]) -> bool:
    return any(target == r or target.startswith(r.rstrip(b"/") + b"/") for r in roots)


def _link(path: bytes, roots: list[bytes]) -> Unit | Report | None:
    """A symbolic link: a unit for the file it names inside the tree; None for a folder; else a failed row."""
    target = os.readlink(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        what = "symlink loop" if exc.errno == errno.ELOOP else "broken symlink"
        return _fail(path, f"{what} → {display(target)} ({exc.strerror}); not read")
    real = os.path.realpath(path)
    if not _within(real, roots):
        return _fail(path, f"symlink → {display(target)} points outside the input tree; not read")
    if stat.S_ISDIR(st.st_mode):
        return _fail(path, f"symlink to the folder {display(target)} inside the input tree: not followed "
                     "(its files are read there)")
    if not stat.S_ISREG(st.st_mode):
        return _fail(path, f"symlink → {display(target)} names a {kind_of(st.st_mode)}, not a regular file; not read")
    return FileUnit(path=os.fsdecode(real), uri=display(path))


def _walk(folder: bytes, roots: list[bytes], skip: set[bytes]) -> Iterator[Unit | Report]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield _fail(folder, f"cannot read folder ({exc.strerror or exc}); its files are not read")
        return
    for entry in entries:
        path = entry.path
        if os.path.realpath(path) in skip:
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            yield _fail(path, f"cannot stat ({exc.strerror or exc})")
            continue
        if stat.S_ISLNK(mode):
            got = _link(path, roots)
            if got is not None:
                yield got
        elif stat.S_ISDIR(mode):
            yield from _walk(path, roots, skip)
        elif stat.S_ISREG(mode):
            yield FileUnit(path=os.fsdecode(path), uri=display(path))
        else:
            yield _fail(path, f"not a regular file ({kind_of(mode)}); not read")


def iter_units(paths: Iterable[str], *, skip: Iterable[str] = ()) -> Iterator[Unit | Report]:
    """Every entry under `paths` (folders recursively) as a unit or a failed report; `skip` folders
    (the output dataset inside an input folder) are left out."""
    given = [os.fsencode(p) for p in paths]
    roots = [os.path.realpath(p) for p in given]
    left_out = {os.path.realpath(os.fsencode(s)) for s in skip}
    for p in given:
        if os.path.isdir(p):
            yield from _walk(p.rstrip(b"/") or b"/", roots, left_out)
        elif os.path.isfile(p):  # a file named on the command line: the user chose it, links included
            yield FileUnit(path=os.fsdecode(p), uri=display(p))
        elif os.path.lexists(p):
            yield _fail(p, "not a regular file or folder; not read")
        else:
            yield _fail(p, "no such file or folder")


def missing(paths: Iterable[str]) -> list[str]:
    """The input paths that do not exist (the CLI refuses to run on them)."""
    return [p for p in paths if not os.path.lexists(os.fsencode(p))]


def iter_items(paths: list[str]) -> Iterator[Unit | Report]:
    """Units of every input under `paths` (kept for callers that list and run in one go)."""
    return iter_units(paths)

