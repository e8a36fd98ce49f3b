"""DOCX package parts: the main document, its relationships, styles, numbering and core properties.

Only the parts a report needs are found (through the package relationships, part names resolved
with python-docx's `PackURI`) and inflated; every part is parsed with a non-resolving parser after
its prolog is checked for a DTD (`ooxml.check_xml_part`).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from docx.opc.packuri import PACKAGE_URI, PackURI
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type stubs

from .errors import MalformedDocument
from .ooxml import check_xml_part

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
VAL = W + "val"


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    based_on: str | None
    outline: int | None
    num: tuple[str, int] | None



@dataclass(frozen=True, slots=True)
class Rel:
    """A relationship of a part: external URL or internal part name."""

    target: str
    external: bool
    type: str = ""


@dataclass(frozen=True, slots=True)
class Package:
    main: etree._Element
    styles: dict[str, Style]
    numbering: etree._Element | None
    rels: dict[str, Rel]
    hints: tuple[tuple[str, str], ...]


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def read_package(zf: zipfile.ZipFile, uri: str) -> Package:
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
    return Package(main, styles, numbering, rels, hints)


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
    return {str(v) for el in main.iter(W + "pStyle") if (v := el.get(VAL))}


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
            num = num_pr(ppr)
        out[str(sid)] = Style(str(name.get(W + "val", "")) if name is not None else "",
                              str(based.get(W + "val")) if based is not None else None, outline, num)
    return out


def num_pr(ppr: etree._Element) -> tuple[str, int] | None:
    numpr = ppr.find(W + "numPr")
    if numpr is None:
        return None
    num_id = numpr.find(W + "numId")
    ilvl = numpr.find(W + "ilvl")
    nid = str(num_id.get(W + "val", "")) if num_id is not None else ""
    lvl = str(ilvl.get(W + "val", "0")) if ilvl is not None else "0"
    return (nid, int(lvl) if lvl.isdigit() else 0) if nid else None

