"""DOCX → `Document`: paragraphs and tables in reading order, merged cells as real spans.

The parts a report needs (main document, its relationships, styles, numbering, core properties)
are found through the package relationships, part names resolved with python-docx's `PackURI`,
and only they are inflated; python-docx reads the core properties. The body is read from its XML
with a plain non-resolving lxml parser, because python-docx has no API for what reports need,
its cell API repeats a merged cell once per grid slot (and raises on a table that starts inside
a vertical merge), and its element classes make every node access several times slower:

- horizontal (`gridSpan`, legacy `hMerge`) and vertical (`vMerge`) merges become real spans;
- auto-numbered paragraphs get the label Word prints ("一、" from `w:numPr`, see `numbering`);
- tracked changes read as accepted: insertions kept, deletions and moved-away text dropped;
- text boxes (DrawingML or VML, one of `mc:AlternateContent`'s choices) follow their anchor;
- a one-cell layout table is unwrapped; nested tables follow their parent table;
- tables cut in parts (only blank paragraphs between) are laid on one common column grid, so a
  part LibreOffice or WPS re-gridded still lines up; a part that continues a vertical merge is
  joined back into one grid.

Core properties are often wrong (a template's title, the clerk's name), so they are kept as
``doc_*`` hints and never as ``title``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

from .docx_package import MC, OFFICE, A, R, Rel, Style, V, W, num_pr, read_package
from .docx_tables import (
    PPR,
    compatible,
    continues,
    edges,
    first_child,
    grid,
    int_val,
    plain,
    plain_cell_text,
    remap,
    union,
)
from .errors import MalformedDocument, NoContent
from .model import Block, Document, Link, SourceRef, Table, TextBlock, new_cell
from .numbering import Numbering
from .ooxml import DEFAULT_LIMITS, ZipLimits, open_package

NAME = "docx"
VERSION = "1.0.0"

# Containers whose children are read as if they stood in the parent (accepted revisions, fields,
# content controls, smart tags, hyperlinks).
_TRANSPARENT = {W + "ins", W + "moveTo", W + "smartTag", W + "customXml", W + "fldSimple", W + "dir", W + "bdo",
                W + "sdtContent"}
_DROPPED = {W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "proofErr", W + "bookmarkStart",
            W + "bookmarkEnd", W + "commentRangeStart", W + "commentRangeEnd", W + "sdtPr", W + "sdtEndPr"}
_BREAKS = {W + "br", W + "cr"}
_HEADING_STYLES = ("heading", "title", "标题")


@dataclass
class _Walk:
    """State of one body walk: numbering counters, styles, relationships, links, table count."""

    numbering: Numbering
    styles: dict[str, Style]
    rels: Mapping[str, Rel]
    links: list[Link] = field(default_factory=list)
    n_tables: int = 0

    @cached_property
    def numbered_styles(self) -> bool:
        """Whether any style gives its paragraphs a list label (then ``w:pStyle`` matters for text)."""
        return any(self.inherited(sid, "num") is not None for sid in self.styles)

    def style(self, style_id: str | None) -> Style | None:
        return self.styles.get(style_id) if style_id else None

    def inherited(self, style_id: str | None, attr: str) -> Any:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            st = self.styles.get(style_id)
            if st is None:
                return None
            value = getattr(st, attr)
            if value is not None:
                return value
            style_id = st.based_on
        return None


class DocxExtractor:
    name = NAME
    version = VERSION

    def __init__(self, limits: ZipLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        return docx_to_document(data, source=source, limits=self.limits)


def docx_to_document(data: bytes, *, source: SourceRef, limits: ZipLimits = DEFAULT_LIMITS) -> Document:
    """Check the package (bombs), read the parts a report needs (DTDs refused) and walk the body."""
    with open_package(data, source=source.uri, what="DOCX", limits=limits) as zf:
        pkg = read_package(zf, source.uri)
    body = pkg.main.find(W + "body")
    if body is None:
        raise MalformedDocument(source.uri, "the DOCX main part has no w:body")
    walk = _Walk(numbering=Numbering.from_xml(pkg.numbering), styles=pkg.styles, rels=pkg.rels)
    blocks = list(_blocks(body, walk))
    if not blocks:
        raise NoContent(source.uri, "the DOCX body holds no text and no table")
    return Document(source=source, blocks=tuple(blocks), links=tuple(dict.fromkeys(walk.links)),
                    hints=pkg.hints, extractor=NAME, extractor_version=VERSION)


# --- body -----------------------------------------------------------------------------------------


def _blocks(container: etree._Element, walk: _Walk) -> Iterator[Block]:
    """Blocks of a body, cell or text box in reading order."""
    children = list(_block_children(container))
    pending = ""  # text of a paragraph whose mark was deleted: it joins the next paragraph
    i = 0
    while i < len(children):
        el = children[i]
        if el.tag == W + "p":
            text, floating, joins = _paragraph(el, walk)
            if joins:
                pending += text
                i += 1
                yield from floating
                continue
            text = pending + text
            pending = ""
            if text.strip():
                yield TextBlock(text=text, kind=_kind(el, walk))
            yield from floating
            i += 1
        elif el.tag == W + "tbl":
            # Tables separated only by blank paragraphs, on compatible columns: one table cut in
            # parts. They are laid on one common grid, and parts that continue a vertical merge
            # are joined into one grid.
            cluster = [el]
            part_edges = [edges(el)]
            j = i + 1
            while True:
                k = j
                while k < len(children) and children[k].tag == W + "p" and _is_blank(children[k]):
                    k += 1
                if k < len(children) and children[k].tag == W + "tbl" and compatible(part_edges, edges(children[k])):
                    cluster.append(children[k])
                    part_edges.append(edges(children[k]))
                    j = k + 1
                else:
                    break
            common = union(part_edges)
            run = [cluster[0]]
            for tbl in cluster[1:]:
                if continues(tbl):
                    run.append(tbl)
                else:
                    yield from _table_blocks(run, walk, common)
                    run = [tbl]
            yield from _table_blocks(run, walk, common)
            i = j
        else:
            i += 1
    if pending.strip():
        yield TextBlock(text=pending, kind="paragraph")


def _is_blank(p: etree._Element) -> bool:
    """A paragraph with no text and nothing anchored (the spacer Word leaves between tables)."""
    for el in p.iter(W + "t", W + "drawing", W + "pict", W + "object"):
        if el.tag != W + "t" or (el.text or "").strip():
            return False
    return True


def _block_children(container: etree._Element) -> Iterator[etree._Element]:
    for el in container:
        tag = el.tag
        if tag in (W + "p", W + "tbl"):
            yield el
        elif tag == W + "sdt":
            content = el.find(W + "sdtContent")
            if content is not None:
                yield from _block_children(content)
        elif tag in (W + "customXml", W + "ins", W + "moveTo"):
            yield from _block_children(el)
        elif tag == MC + "AlternateContent":
            chosen = _choice(el)
            if chosen is not None:
                yield from _block_children(chosen)


def _choice(alt: etree._Element) -> etree._Element | None:
    """The branch of `mc:AlternateContent` to read: the first choice, else the fallback."""
    chosen = alt.find(MC + "Choice")
    return chosen if chosen is not None else alt.find(MC + "Fallback")


def _kind(p: etree._Element, walk: _Walk) -> Any:
    ppr = p.find(W + "pPr")
    style_id = None
    if ppr is not None:
        if int_val(ppr, "outlineLvl", 9) < 9:
            return "heading"
        ps = ppr.find(W + "pStyle")
        style_id = str(ps.get(W + "val")) if ps is not None else None
    if style_id:
        st = walk.style(style_id)
        name = (st.name if st else style_id).lower()
        if name.startswith(_HEADING_STYLES):
            return "heading"
        outline = walk.inherited(style_id, "outline")
        if outline is not None and outline < 9:
            return "heading"
    return "paragraph"


def _paragraph(p: etree._Element, walk: _Walk) -> tuple[str, list[Block], bool]:
    """(text with its list label, blocks of text boxes anchored here, paragraph mark deleted)."""
    parts: list[str] = []
    floating: list[Block] = []
    _inline(p, walk, parts, floating)
    text = "".join(parts)
    ppr = first_child(p, PPR)
    joins = False
    if ppr is not None:
        rpr = ppr.find(W + "rPr")
        joins = rpr is not None and rpr.find(W + "del") is not None
    label = _label(ppr, walk) if text.strip() else ""
    return label + text, floating, joins


def _label(ppr: etree._Element | None, walk: _Walk) -> str:
    num = num_pr(ppr) if ppr is not None else None
    if num is None and ppr is not None:
        ps = ppr.find(W + "pStyle")
        if ps is not None:
            num = walk.inherited(str(ps.get(W + "val")), "num")
    if num is None:
        return ""
    ilvl = num[1]
    if ppr is not None and (numpr := ppr.find(W + "numPr")) is not None and numpr.find(W + "ilvl") is None:
        ilvl = 0
    return walk.numbering.label(num[0], ilvl)


def _inline(el: etree._Element, walk: _Walk, out: list[str], floating: list[Block]) -> None:
    for child in el:
        tag = child.tag
        if tag == W + "r":
            _run(child, walk, out, floating)
        elif tag in _TRANSPARENT:
            _inline(child, walk, out, floating)
        elif tag == W + "hyperlink":
            start = len(out)
            _inline(child, walk, out, floating)
            rid = child.get(R + "id")
            rel = walk.rels.get(rid) if rid else None
            if rel is not None and rel.external:
                walk.links.append(Link(href=rel.target, text="".join(out[start:]).strip()))
        elif tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                _inline(content, walk, out, floating)
        elif tag == MC + "AlternateContent":
            chosen = _choice(child)
            if chosen is not None:
                _inline(chosen, walk, out, floating)


def _run(r: etree._Element, walk: _Walk, out: list[str], floating: list[Block]) -> None:
    for child in r:
        tag = child.tag
        if tag == W + "t":
            if child.text:
                out.append(child.text)
        elif tag == W + "tab" or tag == W + "ptab":
            out.append("\t")
        elif tag in _BREAKS:
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag in (W + "drawing", W + "pict", W + "object"):
            _embedded(child, walk, floating)
        elif tag == MC + "AlternateContent":
            chosen = _choice(child)
            if chosen is not None:
                _run(chosen, walk, out, floating)


def _embedded(el: etree._Element, walk: _Walk, floating: list[Block]) -> None:
    """Text boxes anchored in a run become blocks after the paragraph; images become links."""
    for box in el.iter(W + "txbxContent"):
        floating.extend(_blocks(box, walk))
    for blip in el.iter(A + "blip", V + "imagedata"):
        rid = blip.get(R + "embed") or blip.get(R + "id")
        _link_part(rid, walk, "image")
    for ole in el.iter(OFFICE + "OLEObject"):
        _link_part(ole.get(R + "id"), walk, "attachment")


def _link_part(rid: str | None, walk: _Walk, kind: Any) -> None:
    rel = walk.rels.get(rid) if rid else None
    if rel is None:
        return
    walk.links.append(Link(href=rel.target, kind=kind))


def _cell_text(tc: etree._Element, walk: _Walk) -> tuple[str, list[etree._Element]]:
    """Paragraph texts of a cell joined by newlines (vertical "自/然/人" stays readable); nested tables aside."""
    lines: list[str] = []
    nested: list[etree._Element] = []
    for el in _block_children(tc):
        if el.tag == W + "p":
            text, floating, _ = _paragraph(el, walk)
            lines.append(text)
            lines.extend(b.text for b in floating if isinstance(b, TextBlock))
        else:
            nested.append(el)
    return "\n".join(lines).strip(), nested



def _table_blocks(tables: list[etree._Element], walk: _Walk, common: list[int] | None) -> Iterator[Block]:
    """The Table of one table (or of parts joined into one grid), laid on `common` column edges."""
    maps = [remap(edges(t), common) for t in tables]
    anchors, n_rows, n_cols = grid(tables, maps)
    if not anchors:
        return
    if len(anchors) == 1 and anchors[0].body is not None:
        # A one-cell layout table (a frame around the real content): read what it holds.
        yield from _blocks(anchors[0].body, walk)
        return
    if all(plain(t, walk.numbered_styles) for t in tables):
        for a in anchors:
            if a.body is not None:
                a.text = plain_cell_text(a.body)
    else:
        for a in anchors:  # in document order, so list numbering inside cells counts right
            if a.body is not None:
                a.text, a.nested = _cell_text(a.body, walk)
    cells = tuple(new_cell(a.row, a.col, a.text, a.rowspan, a.colspan) for a in anchors)
    yield Table(cells=cells, n_rows=n_rows, n_cols=max(n_cols, len(common) - 1 if common else 0),
                index=walk.n_tables)
    walk.n_tables += 1
    for a in anchors:
        for inner in a.nested:
            yield from _table_blocks([inner], walk, None)
