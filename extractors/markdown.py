"""Markdown as PDF converters and LLM OCR write it (MinerU, docling, marker…) → `Document`.

Parsed with markdown-it-py (CommonMark + GFM tables), never with regexes over lines: headings
and paragraphs become text blocks, pipe tables and the HTML ``<table>`` blocks MinerU embeds
become grids. The damage converters leave is undone here, as document shapes, not template
knowledge: a header row of placeholders (``数据1 … 数据6``, ``Column 1``) or an empty fake header
block says nothing and is dropped; a two-level header flattened into one row with dots
(``申请人情况.法人或其他组织.商业企业``) is stacked back into its levels. Tables split into
pieces (one per row group, page footers between them) stay separate grids in document order;
the pipeline reads them on as one table.

`Document.text` is the document as plain lines (table rows as their cells separated by spaces),
so the token aligner can read a table that no grid header identifies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from lxml import html as lxml_html  # type: ignore[import-untyped]  # lxml ships no type stubs
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .encoding import decode
from .errors import NoContent
from .html_tables import html_table_to_table
from .model import Cell, Document, SourceRef, Table, TextBlock, new_cell

NAME = "markdown"
VERSION = "1.0.0"

_PLACEHOLDER = re.compile(r"(数据|列|字段|栏|column|col|field)\s*_?\d{1,3}", re.I)
"""A header cell a converter invents when the real header is elsewhere."""
_GENERIC = frozenset({"", "项目", "序号"})
_LEVEL_DOT = re.compile(r"(?<=[^\d\s.])\.(?=[^\d\s.])")
"""A dot joining two header levels (``申请人情况.自然人``), not an item number (``1.属于``)."""


@dataclass(frozen=True, slots=True)
class Piece:
    """One block of the Markdown in reading order: a line of text or a table's rows."""

    kind: str  # "heading" | "paragraph" | "table"
    lines: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    html: str = ""


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _inline_lines(token: Token) -> list[str]:
    """The text of an inline token, cut at its line breaks, markup dropped."""
    out: list[str] = []
    line: list[str] = []
    for child in token.children or ():
        if child.type in ("softbreak", "hardbreak"):
            out.append("".join(line))
            line = []
        elif child.type in ("text", "code_inline", "html_inline"):
            line.append(child.content if child.type != "html_inline" else "")
    out.append("".join(line))
    return [s.strip() for s in out if s.strip()]


def tokens_to_pieces(tokens: list[Token], source_lines: list[str]) -> Iterator[Piece]:
    """Headings, paragraphs (list items too), pipe tables and HTML blocks, in order."""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in ("heading_open", "paragraph_open") and i + 1 < len(tokens):
            lines = tuple(_inline_lines(tokens[i + 1]))
            if lines:
                yield Piece("heading" if tok.type == "heading_open" else "paragraph", lines=lines)
            i += 3
            continue
        if tok.type == "table_open":
            rows, i = _pipe_rows(tokens, i, source_lines)
            yield Piece("table", rows=rows)
            continue
        if tok.type == "html_block":
            yield Piece("html", html=tok.content)
        elif tok.type in ("fence", "code_block"):
            yield Piece("paragraph", lines=tuple(s.strip() for s in tok.content.splitlines() if s.strip()))
        i += 1


_PIPE = re.compile(r"(?<!\\)\|")


def _source_cells(line: str) -> list[str]:
    """The cells of a pipe-table source line, outer pipes dropped."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.strip() for c in _PIPE.split(body)]


def _pipe_rows(tokens: list[Token], i: int, lines: list[str]) -> tuple[tuple[tuple[str, ...], ...], int]:
    """Rows of one pipe table. GFM cuts a row to the header's width; converters write rows wider
    than a piece's header (a table pasted on below another), so a wider source row is kept whole."""
    rows: list[tuple[str, ...]] = []
    row: list[str] = []
    source: list[str] = []
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "tr_open":
            row = []
            source = _source_cells(lines[tok.map[0]]) if tok.map else []
        elif tok.type == "inline":
            row.append(" ".join(_inline_lines(tok)))
        elif tok.type == "tr_close":
            rows.append(tuple(row) if len(source) <= len(row) else tuple(source))
        i += 1
    return tuple(rows), i + 1


def is_placeholder_row(row: tuple[str, ...]) -> bool:
    """A header of invented names or nothing at all: ``| 项目 | 数据1 | 数据2 |``, ``|  |  |``."""
    cells = [c.strip() for c in row]
    if all(c in _GENERIC for c in cells):
        return all(not c for c in cells)
    return all(c in _GENERIC or _PLACEHOLDER.fullmatch(c) for c in cells)


def unflatten_header(row: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A header row whose cells join their levels with dots → one row per level (leaf last)."""
    split = [_LEVEL_DOT.split(c) for c in row]
    depth = max(len(s) for s in split)
    if depth == 1:
        return [row]
    return [tuple(s[level] if level < len(s) else "" for s in split) for level in range(depth)]


_DELIMITER_CELL = re.compile(r":?-{3,}:?")


def split_pieces(rows: tuple[tuple[str, ...], ...]) -> list[list[tuple[str, ...]]]:
    """Pipe tables written back to back with no blank line parse as one: each delimiter row
    (``|---|---|``) inside the body starts a new table whose header is the row above it."""
    pieces: list[list[tuple[str, ...]]] = [[]]
    for row in rows:
        cells = [c.strip() for c in row if c.strip()]
        if cells and all(_DELIMITER_CELL.fullmatch(c) for c in cells) and pieces[-1]:
            header = pieces[-1].pop()
            pieces.append([header])
        else:
            pieces[-1].append(row)
    return [p for p in pieces if p]


def rows_to_table(rows: list[tuple[str, ...]], *, index: int) -> Table | None:
    """Pipe-table rows (header first) → a grid; None when nothing but placeholders is left."""
    if rows and is_placeholder_row(rows[0]):
        rows = rows[1:]
    elif rows:
        rows = [*unflatten_header(rows[0]), *rows[1:]]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return None
    cells: list[Cell] = [new_cell(r, c, text.strip()) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(cells=tuple(cells), n_rows=len(rows), n_cols=max(len(r) for r in rows), index=index,
                 method="markdown")


def html_tables(fragment: str, *, index: int, source: str) -> tuple[list[Table], list[str]]:
    """The ``<table>`` grids of an HTML block, and its other text lines."""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml_html.etree.ParserError):
        return [], []
    tables: list[Table] = []
    for el in list(root.iter("table")):
        if el.find(".//table") is not None:
            continue
        table = html_table_to_table(el, index=index + len(tables), source=source)
        if table is not None:
            tables.append(table)
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    text = [s.strip() for s in root.text_content().splitlines() if s.strip()]
    return tables, text


def _table_lines(table: Table) -> list[str]:
    return [" ".join(t for t in row if t.strip()) for row in table.text_rows() if any(t.strip() for t in row)]


def markdown_to_document(text: str, *, source: SourceRef) -> Document:
    """Parse Markdown into text blocks and grids; `text` holds both as plain lines."""
    blocks: list[TextBlock | Table] = []
    lines: list[str] = []
    pos = 0

    def add_line(line: str, kind: str) -> None:
        nonlocal pos
        blocks.append(TextBlock(text=line, offset=pos, kind="heading" if kind == "heading" else "line"))
        lines.append(line)
        pos += len(line) + 1

    def add_table(table: Table) -> None:
        nonlocal pos
        blocks.append(table)
        for line in _table_lines(table):
            lines.append(line)
            pos += len(line) + 1

    n_tables = 0
    for piece in tokens_to_pieces(_parser().parse(text), text.split("\n")):
        if piece.kind == "table":
            for rows in split_pieces(piece.rows):
                table = rows_to_table(rows, index=n_tables)
                if table is not None:
                    add_table(table)
                    n_tables += 1
        elif piece.kind == "html":
            tables, rest = html_tables(piece.html, index=n_tables, source=source.uri)
            for line in rest:
                add_line(line, "paragraph")
            for table in tables:
                add_table(table)
            n_tables += len(tables)
        else:
            for line in piece.lines:
                add_line(line, piece.kind)
    if not blocks:
        raise NoContent(source.uri, "empty Markdown document: no text and no table")
    return Document(source=source, blocks=tuple(blocks), extractor=NAME, extractor_version=VERSION,
                    text="\n".join(lines))


class MarkdownExtractor:
    name = NAME
    version = VERSION

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        text, _ = decode(data, source=source.uri)
        return markdown_to_document(text.replace("\r\n", "\n").replace("\r", "\n"), source=source)
