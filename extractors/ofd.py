"""OFD (GB/T 33190-2016, the national fixed-layout format) → `Document` through the page model.

An OFD file is a zip of XML parts: ``OFD.xml`` names the document root, ``Document.xml`` lists the
pages and the default page area, each page's ``Content.xml`` holds layers of text objects
(``TextCode`` with X/Y and DeltaX/DeltaY advances) and path objects (``AbbreviatedData`` with M/L/C
commands). Text codes become glyphs and straight path segments become ruling lines, in
millimetres; templates of a page are drawn under it. The package is read defensively: member
count and size limits against zip bombs, no DTDs, entities or network access in the XML parser.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

from .errors import DocumentTooLarge, MalformedDocument, NoContent
from .model import Document, SourceRef
from .pages import Glyph, Page, Rule, segment_to_rule
from .reading import layouts_to_blocks, page_layout

NAME = "ofd"
VERSION = "1.1.0"

_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True, slots=True)
class OfdLimits:
    max_members: int = 20_000
    max_member_bytes: int = 50_000_000
    max_total_bytes: int = 400_000_000
    max_ratio: int = 200
    """Uncompressed/compressed size over which a member is a zip bomb."""
    max_pages: int = 2000
    max_glyphs_per_page: int = 60_000


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def _local(tag: object) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: etree._Element, name: str) -> Iterator[etree._Element]:
    for child in el:
        if _local(child.tag) == name:
            yield child


def _first(el: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        if el is None:
            return None
        el = next(_children(el, name), None)
    return el


def _floats(text: str | None) -> list[float]:
    return [float(v) for v in _NUM.findall(text or "")]


def _deltas(text: str | None) -> list[float]:
    """DeltaX/DeltaY with the "g n d" repetition shorthand expanded."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


class _Package:
    """The zip, its members checked against the limits before anything is decompressed."""

    def __init__(self, data: bytes, uri: str, limits: OfdLimits) -> None:
        self.uri, self.limits = uri, limits
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise MalformedDocument(uri, f"not a readable OFD package (zip): {exc}") from exc
        if len(infos) > limits.max_members:
            raise DocumentTooLarge(uri, f"the OFD package holds {len(infos):,} files (limit {limits.max_members:,})")
        total = sum(i.file_size for i in infos)
        if total > limits.max_total_bytes:
            raise DocumentTooLarge(uri, f"the OFD package unpacks to {total:,} bytes (limit {limits.max_total_bytes:,})")
        for info in infos:
            if info.file_size > limits.max_member_bytes or (
                    info.compress_size and info.file_size / info.compress_size > limits.max_ratio
                    and info.file_size > 1_000_000):
                raise DocumentTooLarge(uri, f"OFD member {info.filename!r} unpacks to {info.file_size:,} bytes "
                                       "(a zip bomb?)")
        self.names = {i.filename.lstrip("/"): i.filename for i in infos}
        self.lower = {n.lower(): n for n in self.names}

    def xml(self, path: str) -> etree._Element:
        key = posixpath.normpath(path.lstrip("/"))
        name = self.names.get(key) or self.names.get(self.lower.get(key.lower(), ""))
        if name is None:
            raise MalformedDocument(self.uri, f"the OFD package has no {path!r}")
        try:
            raw = self.zip.read(name)
            return etree.fromstring(raw, _parser())
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError) as exc:
            raise MalformedDocument(self.uri, f"OFD part {path!r} is not well-formed XML: {exc}") from exc


def _resolve(base: str, loc: str) -> str:
    loc = loc.strip()
    if loc.startswith("/"):
        return loc.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), loc))


def _box(el: etree._Element, attr: str = "Boundary") -> tuple[float, float, float, float]:
    v = _floats(el.get(attr))
    return (v[0], v[1], v[2], v[3]) if len(v) >= 4 else (0.0, 0.0, 0.0, 0.0)


def _ctm(el: etree._Element) -> tuple[float, ...] | None:
    v = _floats(el.get("CTM"))
    return tuple(v) if len(v) == 6 else None


def _apply(ctm: tuple[float, ...] | None, x: float, y: float) -> tuple[float, float]:
    if ctm is None:
        return x, y
    a, b, c, d, e, f = ctm
    return a * x + c * y + e, b * x + d * y + f


def _text_glyphs(obj: etree._Element) -> Iterator[Glyph]:
    bx, by, _, _ = _box(obj)
    size = float(obj.get("Size") or 3.5)
    ctm = _ctm(obj)
    scale = abs(ctm[3]) if ctm else 1.0
    weight = obj.get("Weight") or ""
    bold = obj.get("Bold") == "true" or (weight.isdigit() and int(weight) >= 700)
    x = y = 0.0
    for code in _children(obj, "TextCode"):
        if code.get("X") is not None:
            x = float(code.get("X") or 0)
        if code.get("Y") is not None:
            y = float(code.get("Y") or 0)
        text = code.text or ""
        dx, dy = _deltas(code.get("DeltaX")), _deltas(code.get("DeltaY"))
        for i, ch in enumerate(text):
            px, py = _apply(ctm, x, y)
            h = size * scale
            adv = dx[i] if i < len(dx) else size
            w = (adv if i < len(dx) else size) * (abs(ctm[0]) if ctm else 1.0)
            yield Glyph(text=ch, x0=bx + px, top=by + py - 0.88 * h, x1=bx + px + max(w, 0.3 * h),
                        bottom=by + py + 0.12 * h, size=h, bold=bold)
            x += adv
            y += dy[i] if i < len(dy) else 0.0


def _is_white(color: etree._Element | None) -> bool:
    if color is None:
        return False
    v = _floats(color.get("Value"))
    return len(v) == 3 and all(c >= 250 for c in v)


def _path_rules(obj: etree._Element) -> Iterator[Rule]:
    stroke = obj.get("Stroke", "true") != "false"
    fill = obj.get("Fill", "false") == "true"
    if not stroke and not (fill and not _is_white(_first(obj, "FillColor"))):
        return
    bx, by, _, _ = _box(obj)
    ctm = _ctm(obj)
    data = _first(obj, "AbbreviatedData")
    tokens = (data.text or "").split() if data is not None else []
    start = cur = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in {"M", "S"} and i + 2 < len(tokens):
            cur = start = _apply(ctm, float(tokens[i + 1]), float(tokens[i + 2]))
            i += 3
        elif op == "L" and i + 2 < len(tokens):
            nxt = _apply(ctm, float(tokens[i + 1]), float(tokens[i + 2]))
            if cur is not None and (r := segment_to_rule(bx + cur[0], by + cur[1], bx + nxt[0], by + nxt[1])):
                yield r
            cur = nxt
            i += 3
        elif op == "C":
            if cur is not None and start is not None and (
                    r := segment_to_rule(bx + cur[0], by + cur[1], bx + start[0], by + start[1])):
                yield r
            cur = start
            i += 1
        elif op in {"Q"}:
            cur = _apply(ctm, float(tokens[i + 3]), float(tokens[i + 4])) if i + 4 < len(tokens) else cur
            i += 5
        elif op in {"B"}:
            cur = _apply(ctm, float(tokens[i + 5]), float(tokens[i + 6])) if i + 6 < len(tokens) else cur
            i += 7
        elif op == "A":
            cur = _apply(ctm, float(tokens[i + 6]), float(tokens[i + 7])) if i + 7 < len(tokens) else cur
            i += 8
        else:
            i += 1


def _walk(el: etree._Element, glyphs: list[Glyph], rules: list[Rule], limit: int, uri: str, number: int) -> None:
    for child in el:
        tag = _local(child.tag)
        if tag == "TextObject":
            glyphs.extend(_text_glyphs(child))
            if len(glyphs) > limit:
                raise DocumentTooLarge(uri, f"page {number} has over {limit:,} glyphs")
        elif tag == "PathObject":
            rules.extend(_path_rules(child))
        elif tag in {"Layer", "PageBlock", "Content", "CompositeObject"}:
            _walk(child, glyphs, rules, limit, uri, number)


def ofd_to_pages(data: bytes, *, uri: str, limits: OfdLimits | None = None) -> Iterator[Page]:
    lim = limits or OfdLimits()
    pkg = _Package(data, uri, lim)
    root = pkg.xml("OFD.xml")
    body = _first(root, "DocBody")
    doc_root = _first(body, "DocRoot") if body is not None else None
    if doc_root is None or not (doc_root.text or "").strip():
        raise MalformedDocument(uri, "OFD.xml names no DocRoot")
    doc_path = _resolve("OFD.xml", doc_root.text or "")
    document = pkg.xml(doc_path)
    area = _first(document, "CommonData", "PageArea", "PhysicalBox")
    default_box = _floats(area.text) if area is not None else [0, 0, 210, 297]
    templates: dict[str, str] = {}
    common = _first(document, "CommonData")
    if common is not None:
        for tpl in _children(common, "TemplatePage"):
            if tpl.get("ID") and tpl.get("BaseLoc"):
                templates[tpl.get("ID") or ""] = _resolve(doc_path, tpl.get("BaseLoc") or "")
    listing = _first(document, "Pages")
    pages = list(_children(listing, "Page")) if listing is not None else []
    if not pages:
        raise NoContent(uri, "the OFD document has no pages")
    if len(pages) > lim.max_pages:
        raise DocumentTooLarge(uri, f"{len(pages):,} pages (limit {lim.max_pages:,})")
    for number, entry in enumerate(pages, start=1):
        loc = entry.get("BaseLoc")
        if not loc:
            raise MalformedDocument(uri, f"page {number} has no BaseLoc")
        path = _resolve(doc_path, loc)
        page_xml = pkg.xml(path)
        own = _first(page_xml, "Area", "PhysicalBox")
        box = (_floats(own.text) if own is not None else []) or default_box
        glyphs: list[Glyph] = []
        rules: list[Rule] = []
        for tpl in _children(page_xml, "Template"):
            tpath = templates.get(tpl.get("TemplateID") or "")
            if tpath:
                _walk(pkg.xml(tpath), glyphs, rules, lim.max_glyphs_per_page, uri, number)
        content = _first(page_xml, "Content")
        if content is not None:
            _walk(content, glyphs, rules, lim.max_glyphs_per_page, uri, number)
        yield Page(number=number, width=box[2] if len(box) > 2 else 210, height=box[3] if len(box) > 3 else 297,
                   glyphs=tuple(glyphs), rules=tuple(rules))


def ofd_to_document(data: bytes, *, source: SourceRef, limits: OfdLimits | None = None) -> Document:
    layouts = [page_layout(p) for p in ofd_to_pages(data, uri=source.uri, limits=limits)]
    blocks = layouts_to_blocks(layouts)
    if not blocks:
        raise NoContent(source.uri, "no text on any OFD page")
    return Document(source=source, blocks=tuple(blocks), extractor=NAME, extractor_version=VERSION, bbox_unit="mm")


class OfdExtractor:
    name = NAME
    version = VERSION

    def __init__(self, limits: OfdLimits | None = None) -> None:
        self.limits = limits or OfdLimits()

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        return ofd_to_document(data, source=source, limits=self.limits)
