"""pdfminer's content-stream parser with its tokenizer done by one compiled pattern.

pdfminer reads a content stream one character class at a time, several Python calls per token:
on a text page that is about 60 % of the page's time. `FastContentParser` hands pdfminer's
interpreter the very objects, in the very order, that `PDFContentParser` would (a test holds the two
equal on every content stream of the test corpus), tokenised by one regular expression. What it does
not reproduce exactly — inline images, ``#`` escapes in names, an octal escape pdfminer rejects,
unbalanced arrays or dictionaries, a string or token cut across two streams, strict mode — is left
to pdfminer's own parser for that content, so the objects never differ.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from io import BytesIO
from typing import Any, BinaryIO

import pdfminer.pdffont as _font
import pdfminer.pdfinterp as _interp
from pdfminer import settings
from pdfminer.cmapdb import CMapParser
from pdfminer.pdffont import Type1FontHeaderParser
from pdfminer.pdfinterp import PDFContentParser
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import (
    ESC_STRING,
    KEYWORD_ARRAY_BEGIN,
    KEYWORD_ARRAY_END,
    KEYWORD_DICT_BEGIN,
    KEYWORD_DICT_END,
    KEYWORD_PROC_BEGIN,
    KEYWORD_PROC_END,
    KWD,
    LIT,
    PSEOF,
    PSKeyword,
    literal_name,
)
from pdfminer.utils import choplist

_ORIGINAL = PDFContentParser

# One alternative per state of pdfminer's tokenizer (psparser.PSBaseParser._parse_*), in its order.
_TOKEN = re.compile(rb"""
  [ \t\n\r\x0b\x0c\x00]*
  (?:(?P<n>/[^\#/%\[\]()<>{}\s]*)
   |(?P<f>[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+))
   |(?P<i>[-+]?[0-9]+)
   |(?P<nil>[-+]\.?|\.)  # "-", "+.", ".": a number without digits, which pdfminer drops
   |(?P<k>[A-Za-z][^\#/%\[\]()<>{}\s]*)
   |(?P<s>\([^()\\]*\))
   |(?P<S>\()
   |(?P<db><<)
   |(?P<de>>>)
   |(?P<x><[0-9A-Fa-f\s]*)
   |(?P<gt>>)
   |(?P<c>%[^\r\n]*)
   |(?P<o>[^ \t\n\r\x0b\x0c\x00]))""", re.X | re.S)
_STRING_STOP = re.compile(rb"[()\\]")
_OCTAL = re.compile(rb"[0-7]{1,3}")
_SPACES = b" \t\n\r\x0b\x0c"
_WHITE = frozenset(_SPACES)
_BUFSIZ = 4096  # pdfminer's read size: a "\r\n" after a backslash is skipped only within one read
_BI, _ID = KWD(b"BI"), KWD(b"ID")
_KEYWORDS: dict[bytes, Any] = {}  # keyword bytes → pdfminer's interned keyword (or a boolean)
_UNSEEN = object()
_OPEN = {KEYWORD_ARRAY_BEGIN: "a", KEYWORD_DICT_BEGIN: "d", KEYWORD_PROC_BEGIN: "p"}
_CLOSE = {KEYWORD_ARRAY_END: "a", KEYWORD_DICT_END: "d", KEYWORD_PROC_END: "p"}


class _Fallback(Exception):
    """The content needs pdfminer's own parser to come out exactly as pdfminer reads it."""


def _string(data: bytes, i: int) -> tuple[bytes | None, int]:
    """A literal string whose '(' ends at `i`, as pdfminer decodes it; None if it never closes."""
    out = bytearray()
    depth = 1
    n = len(data)
    while True:
        m = _STRING_STOP.search(data, i)
        if m is None:
            return None, n
        j = m.start()
        out += data[i:j]
        c = data[j]
        if c == 0x5C:  # backslash
            k = j + 1
            if k >= n:
                return None, n
            octal = _OCTAL.match(data, k)
            if octal:
                code = int(octal.group(), 8)
                if code > 255:
                    raise _Fallback  # pdfminer raises here
                out.append(code)
                i = octal.end()
                continue
            esc = data[k:k + 1]
            if esc in ESC_STRING:
                out.append(ESC_STRING[esc])
            elif esc == b"\r" and data[k + 1:k + 2] == b"\n" and (k + 1) % _BUFSIZ:
                k += 1
            i = k + 1
        elif c == 0x28:  # (
            depth += 1
            out.append(c)
            i = j + 1
        else:  # )
            depth -= 1
            if not depth:
                return bytes(out), j + 1
            out.append(c)
            i = j + 1


def _name(token: bytes) -> Any:
    try:
        return LIT(str(token, "utf-8"))
    except UnicodeDecodeError:
        return LIT(token)


def _hex(body: bytes) -> bytes:
    """A hex string's bytes as pdfminer decodes them: whitespace dropped, a last odd digit as its value."""
    digits = body.translate(None, _SPACES)
    if len(digits) % 2:
        return bytes.fromhex(digits[:-1].decode()) + bytes((int(digits[-1:], 16),))
    return bytes.fromhex(digits.decode())


def ps_tokens(data: bytes, *, last: bool = True) -> list[tuple[int, Any]]:  # noqa: C901 - a branch per kind
    """pdfminer's (position, token) sequence for `data` read from its start (PSBaseParser.nexttoken).

    A string or hex string still open at the end is dropped where the data is the `last` of its
    parser's input, as pdfminer drops it at EOF; elsewhere it would run on, and that is left to it.
    """
    out: list[tuple[int, Any]] = []
    add = out.append
    keyword = _KEYWORDS.get
    pos, n = 0, len(data)
    while pos < n:
        for m in _TOKEN.finditer(data, pos):
            kind = m.lastgroup
            if kind == "k":
                tok = m.group(kind)
                word = keyword(tok, _UNSEEN)
                if word is _UNSEEN:
                    word = _KEYWORDS[tok] = True if tok == b"true" else False if tok == b"false" else KWD(tok)
                add((m.start(kind), word))
            elif kind == "i":
                add((m.start(kind), int(m.group(kind))))
            elif kind == "f":
                add((m.start(kind), float(m.group(kind))))
            elif kind == "x":
                if m.end() >= n:  # never closed
                    if not last:
                        raise _Fallback
                    return out
                add((m.start(kind), _hex(m.group(kind)[1:])))
            elif kind == "s":
                add((m.start(kind), m.group(kind)[1:-1]))
            elif kind == "n":
                if data[m.end():m.end() + 1] == b"#":
                    raise _Fallback
                add((m.start(kind), _name(m.group(kind)[1:])))
            elif kind == "db":
                add((m.start(kind), KEYWORD_DICT_BEGIN))
            elif kind == "de":
                add((m.start(kind), KEYWORD_DICT_END))
            elif kind == "o":
                add((m.start(kind), KWD(m.group(kind))))
            elif kind == "S":  # a string with escapes or parentheses: read on from its '('
                text, pos = _string(data, m.end())
                if text is None:
                    if not last:
                        raise _Fallback
                    return out
                add((m.start(kind), text))
                break
            # "gt" (a lone '>'), "nil" and "c" (a comment) make no token
        else:
            return out
    return out


def _objects(tokens: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    """What PSStackParser.nextobject makes of the tokens of a content stream: the top-level objects."""
    out: list[tuple[int, Any]] = []
    context: list[tuple[int, str, list[tuple[int, Any]]]] = []
    items = out
    for pos, tok in tokens:
        if not isinstance(tok, PSKeyword):
            items.append((pos, tok))
        elif tok in _OPEN:
            context.append((pos, _OPEN[tok], items))
            items = []
        elif tok in _CLOSE:
            if not context or context[-1][1] != _CLOSE[tok]:
                raise _Fallback  # pdfminer drops the token with a type error; left to it
            start, kind, parent = context.pop()
            objs = [obj for _, obj in items]
            if kind == "d":
                if len(objs) % 2:
                    raise _Fallback  # pdfminer raises on an odd dictionary
                parent.append((start, {literal_name(k): v for k, v in choplist(2, objs) if v is not None}))
            else:
                parent.append((start, objs))
            items = parent
        elif tok is _BI or tok is _ID:
            raise _Fallback  # inline image data: pdfminer reads it raw
        else:
            items.append((pos, tok))
    if context:
        raise _Fallback  # pdfminer keeps an unclosed array's tokens to itself
    return out


def content_objects(datas: Sequence[bytes]) -> list[tuple[int, Any]]:
    """The (position, object) sequence pdfminer's content parser yields for these stream bodies.

    Raises _Fallback where only pdfminer's parser gives it exactly.
    """
    datas = [d for d in datas if d]
    if settings.STRICT or any(d[-1] not in _WHITE for d in datas[:-1]):
        raise _Fallback  # strict errors, or a token running from one stream into the next
    tokens: list[tuple[int, Any]] = []
    for k, data in enumerate(datas):
        tokens += ps_tokens(data, last=k == len(datas) - 1)
    return _objects(tokens)


class FastContentParser(PDFContentParser):
    """`PDFContentParser` whose objects come from `content_objects` (pdfminer's parser as fallback)."""

    def __init__(self, streams: Sequence[object]) -> None:
        super().__init__(streams)
        self._objects: Iterator[tuple[int, Any]] | None
        try:
            self._objects = iter(content_objects([stream_value(s).get_data() for s in streams]))
        except Exception:  # _Fallback, or a stream that does not decode (pdfminer reports it as it reaches it)
            self._objects = None

    def nextobject(self) -> tuple[int, Any]:
        if self._objects is None:
            return super().nextobject()
        try:
            return next(self._objects)
        except StopIteration:
            raise PSEOF("Unexpected EOF") from None


class _FromTokens:
    """nexttoken() for a PSStackParser reading one BytesIO from its start: `ps_tokens` of its bytes."""

    _tokens: Iterator[tuple[int, Any]] | None = None

    def _tokenise(self, fp: object) -> None:
        self._tokens = None
        if isinstance(fp, BytesIO):
            with suppress(_Fallback):
                self._tokens = iter(ps_tokens(fp.getvalue()))

    def seek(self, pos: int) -> None:
        self._tokens = None  # read from elsewhere than the start: pdfminer's own tokenizer
        super().seek(pos)  # type: ignore[misc]

    def nexttoken(self) -> tuple[int, Any]:
        if self._tokens is None:
            return super().nexttoken()  # type: ignore[misc, no-any-return]
        try:
            return next(self._tokens)
        except StopIteration:
            raise PSEOF("Unexpected EOF") from None


class FastCMapParser(_FromTokens, CMapParser):  # type: ignore[misc]
    """pdfminer's ToUnicode CMap parser over `ps_tokens`."""

    def __init__(self, cmap: Any, fp: BinaryIO) -> None:
        CMapParser.__init__(self, cmap, fp)
        self._tokenise(fp)


class FastType1FontHeaderParser(_FromTokens, Type1FontHeaderParser):  # type: ignore[misc]
    """pdfminer's Type 1 font-program header parser (a simple font's encoding) over `ps_tokens`."""

    def __init__(self, data: BinaryIO) -> None:
        Type1FontHeaderParser.__init__(self, data)
        self._tokenise(data)


_PATCHES = ((_interp, "PDFContentParser", FastContentParser), (_font, "CMapParser", FastCMapParser),
            (_font, "Type1FontHeaderParser", FastType1FontHeaderParser))
_ORIGINALS = tuple((module, name, getattr(module, name)) for module, name, _ in _PATCHES)
_lock = threading.Lock()
_users = 0


@contextmanager
def fast_content_parser() -> Iterator[None]:
    """pdfminer parses content streams and fonts with the classes above while inside (nesting and
    threads counted: the originals are back when the last user leaves)."""
    global _users
    with _lock:
        _users += 1
        for module, name, fast in _PATCHES:
            setattr(module, name, fast)
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if not _users:
                for module, name, original in _ORIGINALS:
                    setattr(module, name, original)
