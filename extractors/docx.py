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

import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any

from docx.opc.packuri import PACKAGE_URI, PackURI
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

from .errors import MalformedDocument, NoContent
from .model import Block, Document, Link, SourceRef, Table, TextBlock, new_cell
from .numbering import Numbering
from .ooxml import DEFAULT_LIMITS, ZipLimits, check_xml_part, open_package

NAME = "docx"
VERSION = "1.0.0"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
V = "{urn:schemas-microsoft-com:vml}"
OFFICE = "{urn:schemas-microsoft-com:office:office}"
MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"

# Containers whose children are read as if they stood in the parent (accepted revisions, fields,
# content controls, smart tags, hyperlinks).
_TRANSPARENT = {W + "ins", W + "moveTo", W + "smartTag", W + "customXml", W + "fldSimple", W + "dir", W + "bdo",
                W + "sdtContent"}
_DROPPED = {W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "proofErr", W + "bookmarkStart",
            W + "bookmarkEnd", W + "commentRangeStart", W + "commentRangeEnd", W + "sdtPr", W + "sdtEndPr"}
_BREAKS = {W + "br", W + "cr"}
_HEADING_STYLES = ("heading", "title", "标题")
_VAL = W + "val"
_TCPR, _TRPR, _PPR = W + "tcPr", W + "trPr", W + "pPr"
_GRIDSPAN, _VMERGE, _HMERGE, _CELLDEL = W + "gridSpan", W + "vMerge", W + "hMerge", W + "cellDel"


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    based_on: str | None
    outline: int | None
    num: tuple[str, int] | None


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
        pkg = _read_package(zf, source.uri)
    body = pkg.main.find(W + "body")
    if body is None:
        raise MalformedDocument(source.uri, "the DOCX main part has no w:body")
    walk = _Walk(numbering=Numbering.from_xml(pkg.numbering), styles=pkg.styles, rels=pkg.rels)
    blocks = list(_blocks(body, walk))
    if not blocks:
        raise NoContent(source.uri, "the DOCX body holds no text and no table")
    return Document(source=source, blocks=tuple(blocks), links=tuple(dict.fromkeys(walk.links)),
                    hints=pkg.hints, extractor=NAME, extractor_version=VERSION)


@dataclass(frozen=True, slots=True)
class Rel:
    """A relationship of a part: external URL or internal part name."""

    target: str
    external: bool
    type: str = ""


@dataclass(frozen=True, slots=True)
class _Package:
    main: etree._Element
    styles: dict[str, Style]
    numbering: etree._Element | None
    rels: dict[str, Rel]
    hints: tuple[tuple[str, str], ...]


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _read_package(zf: zipfile.ZipFile, uri: str) -> _Package:
    """The parts a report needs, found through the package relationships as OPC defines them.

    Only these parts are inflated and parsed (python-docx's reader inflates every part, the
    thumbnail and a 400 KB ``stylesWithEffects`` included); part names are resolved with
    python-docx's `PackURI`. The XML is parsed with a plain, non-resolving lxml parser:
    python-docx's element classes make every node access several times slower.
    """
    try:
        package_rels = _rels(zf, PACKAGE_URI, uri)
        main_name = next((r.target for r in package_rels.values()
                          if r.type == RT_OFFICE_DOCUMENT and not r.external), None)
        if main_name is None:
            raise MalformedDocument(uri, "not a readable DOCX package: no main document part (_rels/.rels "
                                         "names no officeDocument)")
        main = _parse(_part(zf, main_name, uri), main_name, uri)
        rels = _rels(zf, PackURI(main_name), uri)
        related: dict[str, str] = {}
        for r in rels.values():
            if not r.external:
                related.setdefault(r.type, r.target)
        styles_name, numbering_name = related.get(RT_STYLES), related.get(RT_NUMBERING)
        styles = (_styles_of(_part(zf, styles_name, uri), styles_name, uri, _used_styles(main))
                  if styles_name and _has(zf, styles_name) else {})
        numbering = (_parse(_part(zf, numbering_name, uri), numbering_name, uri)
                     if numbering_name and _has(zf, numbering_name) else None)
        core = next((r.target for r in package_rels.values() if r.type == RT_CORE and not r.external), None)
        hints = _core_hints(_part(zf, core, uri)) if core and _has(zf, core) else ()
    except (MalformedDocument, MemoryError, RecursionError):
        raise
    except Exception as exc:  # broken zip members, bad part names, undecodable XML
        raise MalformedDocument(uri, f"not a readable DOCX package ({type(exc).__name__}: {exc})") from exc
    return _Package(main, styles, numbering, rels, hints)


def _has(zf: zipfile.ZipFile, partname: str) -> bool:
    try:
        zf.getinfo(partname.lstrip("/"))
    except KeyError:
        return False
    return True


def _part(zf: zipfile.ZipFile, partname: str, uri: str) -> bytes:
    """The bytes of an XML part, refused when its prolog declares a DTD."""
    try:
        blob = zf.read(partname.lstrip("/"))
    except KeyError as exc:
        raise MalformedDocument(uri, f"the DOCX package names a part it does not hold: {partname}") from exc
    check_xml_part(blob, part=partname.lstrip("/"), source=uri)
    return blob


def _rels(zf: zipfile.ZipFile, source_uri: PackURI, uri: str) -> dict[str, Rel]:
    """The relationships of a part by rId (none when it has no rels part)."""
    rels_name = source_uri.rels_uri
    if not _has(zf, rels_name):
        return {}
    root = _parse(_part(zf, rels_name, uri), rels_name, uri)
    out: dict[str, Rel] = {}
    for rel in root.iterchildren(_RELATIONSHIP):
        rid, target = rel.get("Id"), rel.get("Target")
        if not rid or target is None:
            continue
        external = rel.get("TargetMode") == "External"
        resolved = target if external else str(PackURI.from_rel_ref(source_uri.baseURI, target))
        out[rid] = Rel(resolved, external, rel.get("Type") or "")
    return out


def _parse(blob: bytes, part: str, uri: str) -> etree._Element:
    try:
        root = etree.fromstring(blob, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(uri, f"XML part {part} does not parse: {exc}") from exc
    if root.getroottree().docinfo.internalDTD is not None:
        raise MalformedDocument(uri, f"XML part {part} declares a DTD; refused (entity expansion attack)")
    return root


def _core_hints(blob: bytes) -> tuple[tuple[str, str], ...]:
    """Core properties (python-docx) as ``doc_*`` hints: often a template's, so never ``title``."""
    from docx.opc.coreprops import CoreProperties
    from docx.oxml.parser import parse_xml

    try:
        props = CoreProperties(parse_xml(blob))
        pairs = (("doc_title", props.title), ("doc_author", props.author), ("doc_subject", props.subject),
                 ("doc_keywords", props.keywords), ("doc_last_modified_by", props.last_modified_by),
                 ("doc_created", props.created.isoformat() if props.created else ""),
                 ("doc_modified", props.modified.isoformat() if props.modified else ""))
    except (ValueError, TypeError, AttributeError, etree.XMLSyntaxError):  # bad dates: not worth failing over
        return ()
    return tuple((k, str(v).strip()) for k, v in pairs if v and str(v).strip())


_STYLE_NAME = re.compile(rb'<w:style\b[^>]*?w:styleId="([^"]*)"[^>]*>\s*<w:name w:val="([^"]*)"')
_STYLES_ROOT = re.compile(rb"<w:styles\b[^>]*>")
_BASED_ON = re.compile(rb'<w:basedOn w:val="([^"]*)"')


def _used_styles(main: etree._Element) -> set[str]:
    """Paragraph style ids the body refers to."""
    return {str(v) for el in main.iter(W + "pStyle") if (v := el.get(_VAL))}


def _styles_of(blob: bytes, part: str, uri: str, used: set[str]) -> dict[str, Style]:
    """Paragraph styles: name, parent, outline level, list numbering.

    A template's styles part (python-docx's is 350 KB) costs more to parse than the whole body,
    and a report uses a handful of its styles. When the part defines no numbering and no outline
    level, only the style names matter and they are read by pattern; otherwise only the styles
    the body uses (and those they are based on) are cut out and parsed. Anything unusual (another
    prefix, a style not found, a cut that does not parse) takes the full parse.
    """
    if b"numPr" not in blob and b"outlineLvl" not in blob:
        names = {sid.decode("utf-8", "replace"): Style(name.decode("utf-8", "replace"), None, None, None)
                 for sid, name in _STYLE_NAME.findall(blob)}
        if names:
            return names
    subset = _style_subset(blob, used)
    if subset is not None:
        try:
            return _styles(_parse(subset, part, uri))
        except MalformedDocument:
            pass
    return _styles(_parse(blob, part, uri))


def _style_subset(blob: bytes, used: set[str]) -> bytes | None:
    """The styles part cut down to the root tag and the `used` styles with their parents."""
    root = _STYLES_ROOT.search(blob)
    if root is None:
        return None
    chunks = [blob[:root.end()]]
    todo, seen = sorted(used), set()
    while todo:
        sid = todo.pop()
        if sid in seen:
            continue
        seen.add(sid)
        m = re.search(rb'<w:style\b[^>]*?\bw:styleId="' + re.escape(sid.encode("utf-8")) + rb'"[^>]*>', blob)
        if m is None:
            return None
        if m.group().endswith(b"/>"):
            chunk = m.group()
        else:
            end = blob.find(b"</w:style>", m.end())
            if end == -1:
                return None
            chunk = blob[m.start():end + len(b"</w:style>")]
        chunks.append(chunk)
        todo += [b.decode("utf-8") for b in _BASED_ON.findall(chunk)]
    chunks.append(b"</w:styles>")
    return b"".join(chunks)


def _styles(root: etree._Element | None) -> dict[str, Style]:
    out: dict[str, Style] = {}
    if root is None:
        return out
    for st in root.iterchildren(W + "style"):
        sid = st.get(W + "styleId")
        if sid is None:
            continue
        name = st.find(W + "name")
        based = st.find(W + "basedOn")
        ppr = st.find(W + "pPr")
        outline = num = None
        if ppr is not None:
            ol = ppr.find(W + "outlineLvl")
            if ol is not None and str(ol.get(W + "val", "")).isdigit():
                outline = int(str(ol.get(W + "val")))
            num = _num_pr(ppr)
        out[str(sid)] = Style(str(name.get(W + "val", "")) if name is not None else "",
                              str(based.get(W + "val")) if based is not None else None, outline, num)
    return out


def _num_pr(ppr: etree._Element) -> tuple[str, int] | None:
    numpr = ppr.find(W + "numPr")
    if numpr is None:
        return None
    num_id = numpr.find(W + "numId")
    ilvl = numpr.find(W + "ilvl")
    nid = str(num_id.get(W + "val", "")) if num_id is not None else ""
    lvl = str(ilvl.get(W + "val", "0")) if ilvl is not None else "0"
    return (nid, int(lvl) if lvl.isdigit() else 0) if nid else None


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
            edges = [_edges(el)]
            j = i + 1
            while True:
                k = j
                while k < len(children) and children[k].tag == W + "p" and _is_blank(children[k]):
                    k += 1
                if k < len(children) and children[k].tag == W + "tbl" and _compatible(edges, _edges(children[k])):
                    cluster.append(children[k])
                    edges.append(_edges(children[k]))
                    j = k + 1
                else:
                    break
            common = _union(edges)
            run = [cluster[0]]
            for tbl in cluster[1:]:
                if _continues(tbl):
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
        if _int_val(ppr, "outlineLvl", 9) < 9:
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
    ppr = _first(p, _PPR)
    joins = False
    if ppr is not None:
        rpr = ppr.find(W + "rPr")
        joins = rpr is not None and rpr.find(W + "del") is not None
    label = _label(ppr, walk) if text.strip() else ""
    return label + text, floating, joins


def _label(ppr: etree._Element | None, walk: _Walk) -> str:
    num = _num_pr(ppr) if ppr is not None else None
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


# --- tables ---------------------------------------------------------------------------------------


@dataclass
class _Anchor:
    row: int
    col: int
    colspan: int
    text: str
    rowspan: int = 1
    nested: list[etree._Element] = field(default_factory=list)
    body: etree._Element | None = None


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    for el in tbl:
        if el.tag == W + "tr":
            trpr = el.find(W + "trPr")
            if trpr is not None and trpr.find(W + "del") is not None:
                continue  # a tracked row deletion: gone once accepted
            yield el
        elif el.tag in (W + "sdt", W + "customXml", W + "ins"):
            inner = el.find(W + "sdtContent") if el.tag == W + "sdt" else el
            if inner is not None:
                yield from _rows(inner)


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    for el in tr:
        if el.tag == W + "tc":
            yield el
        elif el.tag in (W + "sdt", W + "customXml"):
            inner = el.find(W + "sdtContent") if el.tag == W + "sdt" else el
            if inner is not None:
                yield from _cells(inner)


def _int_val(parent: etree._Element | None, tag: str, default: int) -> int:
    if parent is None:
        return default
    el = parent.find(W + tag)
    if el is None:
        return default
    v = str(el.get(W + "val", ""))
    return int(v) if v.isdigit() else default


def _n_grid_cols(tbl: etree._Element) -> int:
    grid = tbl.find(W + "tblGrid")
    return 0 if grid is None else sum(1 for c in grid if c.tag == W + "gridCol")


def _merge_state(tc: etree._Element) -> tuple[int, str | None, str | None, bool]:
    """(gridSpan, vMerge 'restart'|'continue'|None, legacy hMerge, tracked cell deletion)."""
    tcpr = _first(tc, _TCPR)
    span, vmerge, hmerge, deleted = 1, None, None, False
    if tcpr is None:
        return span, vmerge, hmerge, deleted
    for el in tcpr:
        tag = el.tag
        if tag == _GRIDSPAN:
            v = str(el.get(_VAL, ""))
            span = max(1, int(v)) if v.isdigit() else 1
        elif tag == _VMERGE:
            vmerge = str(el.get(_VAL, "continue"))
        elif tag == _HMERGE:
            hmerge = str(el.get(_VAL, "continue"))
        elif tag == _CELLDEL:
            deleted = True
    return span, vmerge, hmerge, deleted


def _first(el: etree._Element, tag: str) -> etree._Element | None:
    """The properties child (`w:pPr`, `w:tcPr`, `w:trPr`), which the schema puts first."""
    if len(el) and el[0].tag == tag:
        return el[0]
    return el.find(tag) if tag == _TRPR else None


def _edges(tbl: etree._Element) -> list[int] | None:
    """Column edges (cumulative `gridCol` widths, twips) of a table, or None when widths are missing."""
    grid = tbl.find(W + "tblGrid")
    if grid is None:
        return None
    edges = [0]
    for col in grid.iterchildren(W + "gridCol"):
        w = str(col.get(W + "w", ""))
        if not w.isdigit() or int(w) == 0:
            return None
        edges.append(edges[-1] + int(w))
    return edges if len(edges) > 1 else None


def _tolerance(edges: list[int]) -> int:
    return max(20, edges[-1] // 100)


def _compatible(cluster: list[list[int] | None], edges: list[int] | None) -> bool:
    """Same total width, and at least 80 % of the smaller table's column edges shared."""
    first = cluster[0]
    if first is None or edges is None:
        return False
    tol = _tolerance(first)
    if abs(first[-1] - edges[-1]) > tol:
        return False
    for other in cluster:
        if other is None:
            return False
        small, big = sorted((other, edges), key=len)
        shared = sum(1 for e in small if any(abs(e - b) <= tol for b in big))
        if shared < 0.8 * len(small):
            return False
    return True


def _union(cluster: list[list[int] | None]) -> list[int] | None:
    """The column edges of all parts together (edges closer than the tolerance are one edge)."""
    if len(cluster) < 2 or any(e is None for e in cluster):
        return None
    every = sorted(e for edges in cluster if edges is not None for e in edges)
    tol = _tolerance(every)
    out = [every[0]]
    for e in every[1:]:
        if e - out[-1] > tol:
            out.append(e)
    return out


def _remap(own: list[int] | None, ref: list[int] | None) -> list[int] | None:
    """Own column edge index → index of the same edge in `ref` (None: same grid, or not mappable).

    A table cut in parts and saved again (LibreOffice, WPS) gets a grid per part, each with only
    the column edges its own rows use; mapping edges puts the parts on one grid.
    """
    if own is None or ref is None or own == ref:
        return None
    tol = _tolerance(ref)
    out: list[int] = []
    j = 0
    for edge in own:
        while j < len(ref) and ref[j] < edge - tol:
            j += 1
        if j == len(ref) or abs(ref[j] - edge) > tol:
            return None
        out.append(j)
    return out if all(b > a for a, b in pairwise(out)) else None


def _continues(second: etree._Element) -> bool:
    """The table's first row continues a vertical merge from the part above it."""
    top = next(_rows(second), None)
    if top is None:
        return False
    return any(_merge_state(tc)[1] == "continue" for tc in _cells(top))


def _grid(tables: list[etree._Element], maps: list[list[int] | None]) -> tuple[list[_Anchor], int, int]:
    """Anchors with real spans for the rows of `tables` (one table, or one cut in several).

    `maps[i]` re-expresses table i's grid columns on a reference grid (see `_remap`).
    """
    anchors: list[_Anchor] = []
    open_v: dict[int, _Anchor] = {}  # grid column → anchor of a vertical merge still open
    n_rows = 0
    width = 0
    for tbl, edge_map in zip(tables, maps, strict=True):

        def at(c: int, m: list[int] | None = edge_map) -> int:
            if m is None:
                return c
            return m[c] if c < len(m) else m[-1] + c - (len(m) - 1)

        width = max(width, at(_n_grid_cols(tbl)))
        for tr in _rows(tbl):
            r = n_rows
            n_rows += 1
            trpr = _first(tr, _TRPR)
            col = _int_val(trpr, "gridBefore", 0)
            still_open: dict[int, _Anchor] = {}
            last: _Anchor | None = None
            for tc in _cells(tr):
                span, vmerge, hmerge, deleted = _merge_state(tc)
                if deleted:
                    continue
                start, end = at(col), at(col + span)
                col += span
                if hmerge == "continue" and last is not None and last.row == r:
                    last.colspan = end - last.col
                    continue
                above = open_v.get(start)
                if vmerge == "continue" and above is not None and above.colspan == end - start:
                    above.rowspan = r - above.row + 1
                    still_open[start] = above
                    last = above
                    continue
                anchor = _Anchor(r, start, end - start, "", body=tc)
                anchors.append(anchor)
                if vmerge in ("restart", "continue"):
                    still_open[start] = anchor
                last = anchor
            width = max(width, at(col + _int_val(trpr, "gridAfter", 0)))
            open_v = still_open
    return anchors, n_rows, width


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


_NOT_PLAIN = (W + "del", W + "moveFrom", W + "moveTo", W + "ins", W + "numPr", W + "tab", W + "ptab", W + "br",
              W + "cr", W + "noBreakHyphen", W + "drawing", W + "pict", W + "object", MC + "AlternateContent",
              W + "hyperlink", W + "sdt", W + "ruby", W + "tbl", W + "txbxContent", W + "customXml", W + "smartTag",
              W + "fldSimple", W + "dir", W + "bdo", MATH + "oMath", MATH + "oMathPara")
"""Elements under which a cell's text is more than its paragraphs' ``w:t`` texts: revisions, list
labels, tabs and breaks, text boxes, links, content controls, nested tables, ruby, math."""


def _plain(tbl: etree._Element, walk: _Walk) -> bool:
    """Whether every cell of `tbl` reads as its paragraphs' ``w:t`` texts (one C-side scan).

    Most statistical tables are; their cells then skip the general walk (`_cell_text`), which
    gives the same text at several times the cost.
    """
    if next(tbl.iterdescendants(*_NOT_PLAIN), None) is not None:
        return False
    return not walk.numbered_styles or next(tbl.iterdescendants(W + "pStyle"), None) is None


def _plain_cell_text(tc: etree._Element) -> str:
    return "\n".join("".join(p.itertext(W + "t", with_tail=False)) for p in tc.iterchildren(W + "p")).strip()


def _table_blocks(tables: list[etree._Element], walk: _Walk, common: list[int] | None) -> Iterator[Block]:
    """The Table of one table (or of parts joined into one grid), laid on `common` column edges."""
    maps = [_remap(_edges(t), common) for t in tables]
    anchors, n_rows, n_cols = _grid(tables, maps)
    if not anchors:
        return
    if len(anchors) == 1 and anchors[0].body is not None:
        # A one-cell layout table (a frame around the real content): read what it holds.
        yield from _blocks(anchors[0].body, walk)
        return
    if all(_plain(t, walk) for t in tables):
        for a in anchors:
            if a.body is not None:
                a.text = _plain_cell_text(a.body)
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
