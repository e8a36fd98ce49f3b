"""The original bytes of a report, and the views of them a reviewer sees beside a value.

The bytes are found through the dataset alone: the report's `source` (and every path in
`sources`) when it is a file; a member of a container (WARC record, zip member, records-CSV row)
by scanning the container files the dataset names (their own rows, `doc_kind` container) and any
`--archive` folder, read through the extractors' container readers and accepted only when the
sha256 of the bytes is the report's id. Nothing is fetched from the network.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

from extractors import SourceRef, container_for, sniff
from extractors.base import Locator

MAX_PAGE_PIXELS = 2400
"""Longer side of a rendered page image (about 200 dpi for A4): enough to read a cell, small to send."""


@dataclass(frozen=True, slots=True)
class Original:
    """The bytes of a report and where they were found (a path, or a container and its record)."""

    data: bytes
    member: str
    container: str | None = None
    record: str | None = None


def _candidates(report: dict[str, object]) -> list[str]:
    out = [str(report.get("source") or "")]
    out += [s for s in str(report.get("sources") or "").split("|") if s]
    return list(dict.fromkeys(s for s in out if s))


def _file(path: str) -> bytes | None:
    p = Path(path)
    try:
        return p.read_bytes() if p.is_file() else None
    except OSError:
        return None


def _scan(path: Path) -> Iterator[tuple[Locator, object]]:
    try:
        with path.open("rb") as fh:
            container = container_for(sniff(fh.read(4096)))
            if container is None:
                return
            src = SourceRef(uri=str(path), sha256="", media_type="")
            for found in list(container.scan(fh, source=src)):
                if isinstance(found, Locator):
                    yield found, container
    except OSError:
        return


def _read(path: Path, container: object, loc: Locator) -> bytes | None:
    try:
        with path.open("rb") as fh:
            member = container.read(fh, loc, source=SourceRef(uri=str(path), sha256=""))  # type: ignore[attr-defined]
    except Exception:  # a damaged record is simply not this report's bytes
        return None
    data: bytes = member.data
    return data


class Originals:
    """Finds a report's original bytes (cached per report: a page view asks for them repeatedly)."""

    def __init__(self, containers: Iterable[Path], *, cache: int = 64) -> None:
        self.containers = list(dict.fromkeys(containers))
        self._cache: dict[str, Original | None] = {}
        self._size = cache

    def find(self, report: dict[str, object]) -> Original | None:
        rid = str(report["report_id"])
        if rid not in self._cache:
            if len(self._cache) >= self._size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[rid] = self._find(report, rid)
        return self._cache[rid]

    def _find(self, report: dict[str, object], rid: str) -> Original | None:
        names = _candidates(report)
        for name in names:
            data = _file(name)
            if data is not None and hashlib.sha256(data).hexdigest() == rid:
                return Original(data=data, member=name)
        wanted = set(names) | {str(report.get("url") or "")}
        for path in self._container_paths(names):
            for loc, container in _scan(path):
                if loc.uri not in wanted:
                    continue
                data = _read(path, container, loc)
                if data is not None and hashlib.sha256(data).hexdigest() == rid:
                    record = dict(loc.context).get("record_id") or f"offset {loc.offset}"
                    return Original(data=data, member=loc.uri, container=str(path), record=record)
        return None

    def _container_paths(self, names: list[str]) -> list[Path]:
        own = [Path(n.split("#", 1)[0]) for n in names if "#" in n]
        return [p for p in [*own, *self.containers] if p.is_file()]


def archive_files(folder: Path | None) -> list[Path]:
    """WARC (and other container) files of an `--archive` folder, in a stable order."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".warc", ".gz", ".zip", ".csv"})


def render_page(pdf: bytes, page: int) -> tuple[bytes, float]:
    """PNG of page `page` (1-based) and its scale in pixels per PDF point (the box is drawn in points)."""
    import pypdfium2  # type: ignore[import-untyped]  # no stubs

    doc = pypdfium2.PdfDocument(pdf)
    try:
        if not 1 <= page <= len(doc):
            raise IndexError(f"page {page} of {len(doc)}")
        p = doc[page - 1]
        width, height = p.get_size()
        scale = min(2.0, MAX_PAGE_PIXELS / max(width, height, 1.0))
        image = p.render(scale=scale).to_pil()
        p.close()
    finally:
        doc.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue(), scale


def image_page(data: bytes, page: int) -> bytes:
    """Frame `page` of an image file as PNG at its own pixels (the boxes are in those pixels)."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.seek(page - 1)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG")
    return buf.getvalue()


_STRIP = ("script", "iframe", "frame", "object", "embed", "link", "base", "noscript", "form", "video", "audio")
MARK_CSS = ".xxgk-mark{outline:3px solid #d33;background:#ffe08a !important}"


def marked_html(data: bytes, *, source: str, locator: str | None) -> bytes:
    """The archived page as the extractor read it, with the cell of `locator` (``table[i]/r<row>/c<col>``)
    given class `xxgk-mark`; scripts, frames and every external reference are taken out, so the page
    shows offline and sends no request."""
    from extractors.html import page_tables
    from extractors.html_tables import cell_element

    root, tables = page_tables(data, source=source)
    target = _locate(tables, locator, cell_element)
    if target is not None:
        target.set("class", (target.get("class", "") + " xxgk-mark").strip())
        target.set("id", "xxgk-mark")
    _sanitise(root)
    head = root.find("head")
    if head is None:
        head = etree.SubElement(root, "head")
        root.insert(0, head)
    style = etree.SubElement(head, "style")
    style.text = MARK_CSS
    meta = etree.Element("meta", charset="utf-8")
    head.insert(0, meta)
    out: bytes = etree.tostring(root, method="html", encoding="utf-8", doctype="<!DOCTYPE html>")
    return out


def _locate(tables: list[etree._Element], locator: str | None, cell_element: object) -> etree._Element | None:
    import re

    m = re.fullmatch(r"table\[(\d+)\]/r(\d+)/c(\d+)", locator or "")
    if m is None:
        return None
    i, row, col = (int(g) for g in m.groups())
    if i >= len(tables):
        return None
    found: etree._Element | None = cell_element(tables[i], row, col)  # type: ignore[operator]
    return found


def _sanitise(root: etree._Element) -> None:
    for el in list(root.iter(*_STRIP)):
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:  # lxml keeps the tail with the element: hand the text after it to what precedes it
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in list(el.attrib):
            value = el.attrib[attr]
            if attr.startswith("on") or attr in {"src", "srcset", "background", "action", "data", "poster"} or (
                    attr == "style" and "url(" in value) or (attr == "href" and el.tag != "a"):
                del el.attrib[attr]
            elif attr == "href":
                el.attrib["href"] = "#"
    for style in root.iter("style"):
        if style.text and ("url(" in style.text or "@import" in style.text):
            style.text = ""
