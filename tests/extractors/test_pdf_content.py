"""The fast content-stream parser against pdfminer's own, which is the oracle: on hand-picked edge
cases, on thousands of random streams made of PDF fragments, and on every content stream the test
corpus's pages execute, the two must hand the interpreter the same objects in the same order."""

from __future__ import annotations

import io
import random
from io import BytesIO
from typing import Any

import pdfminer.pdffont as pdffont
import pdfminer.pdfinterp as interp
import pdfplumber
import pytest
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psparser import PSEOF, PSBaseParser, PSKeyword, PSLiteral

from extractors.pdf_content import (
    _ORIGINAL,
    FastCMapParser,
    FastContentParser,
    FastType1FontHeaderParser,
    _Fallback,
    content_objects,
    fast_content_parser,
    ps_tokens,
)
from tests.conftest import fixture_bytes
from tests.generator.pdf import cached_pdf_corpus

HONGZE = "jiangsu_huaian_hongze_district_2024.pdf"


def canon(obj: Any) -> Any:
    """An object with its type spelled out: 1 and 1.0 and True are different operands."""
    if isinstance(obj, list):
        return ("array", tuple(canon(x) for x in obj))
    if isinstance(obj, dict):
        return ("dict", tuple((k, canon(v)) for k, v in obj.items()))
    if isinstance(obj, PSLiteral):
        return ("name", obj.name)
    if isinstance(obj, PSKeyword):
        return ("keyword", obj.name)
    if isinstance(obj, PDFStream):
        return ("stream", tuple(sorted(obj.attrs)), obj.rawdata)
    return (type(obj).__name__, obj)


def drain(parser: Any) -> list[Any]:
    out = []
    while True:
        try:
            out.append(canon(parser.nextobject()[1]))
        except PSEOF:
            return out


def streams(*datas: bytes) -> list[PDFStream]:
    out = []
    for k, d in enumerate(datas):
        s = PDFStream({}, d)
        s.set_objid(k + 1, 0)
        out.append(s)
    return out


def both(*datas: bytes) -> tuple[list[Any], list[Any]]:
    return drain(FastContentParser(streams(*datas))), drain(_ORIGINAL(streams(*datas)))


def fast_path(*datas: bytes) -> bool:
    try:
        content_objects(list(datas))
    except _Fallback:
        return False
    return True


TYPICAL = [
    b"BT /F1 12 Tf 72 712.5 Td (Hello) Tj ET\n",
    b"q 0.5 0 0 -0.5 .25 -1. cm [(A) -250 (B)] TJ Q",
    b"BT /F2 10.5 Tf <0021 00FE 3> Tj <4142> Tj T* ET",
    b"/Span <</MCID 3 /ActualText (x)>> BDC EMC 1 0 0 RG 0 0 m 10 10 l S",
    b"% a comment\r\n1 2 re f* true false null",
    b"(nested (paren) and \\( escapes \\\\ \\n \\t \\101\\7 \\x) Tj",
    b"(line\\\r\ncontinued) Tj (\\\ncontinued too) Tj",
    b"1.2.3 --5 + - . -.5 +.5 5. 0012",
    b"[1 [2 [3]] <<>>] {proc} \x00 \x80\xff \" ' *",
    b"<< /A 1 /B [2 3] /C << /D (e) >> >> gs",
    b"<< /K <41>>> <4 1> > > gs",
]


@pytest.mark.parametrize("data", TYPICAL)
def test_typical_content_is_parsed_as_pdfminer_parses_it_without_falling_back(data: bytes) -> None:
    fast, original = both(data)
    assert fast == original
    assert fast_path(data)


FALLBACKS = [
    (b"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q",),  # inline image: raw bytes
    (b"/Na#20me Do",),                                 # '#' escape in a name
    (b"(\\777) Tj",),                                  # octal over 255: pdfminer raises
    (b"[1 2 Tj",),                                     # array never closed
    (b"1 2] Tj",),                                     # closed, never opened
    (b"<< /A >> gs",),                                 # odd dictionary
    (b"ID 1 Tj",),                                     # ID without BI
    (b"(split ", b"string) Tj"),                       # a string running into the next stream
    (b"1 2 3", b"4 re"),                               # a token cut at a stream's end
]


@pytest.mark.parametrize("datas", FALLBACKS)
def test_what_only_pdfminer_reads_exactly_is_left_to_it(datas: tuple[bytes, ...]) -> None:
    assert not fast_path(*datas)
    try:
        original = drain(_ORIGINAL(streams(*datas)))
    except Exception as exc:  # pdfminer's own error must surface unchanged
        with pytest.raises(type(exc)):
            drain(FastContentParser(streams(*datas)))
    else:
        assert drain(FastContentParser(streams(*datas))) == original


def test_streams_are_joined_as_pdfminer_joins_them() -> None:
    parts = (b"BT /F1 12 Tf\n", b"", b"[(a) 3 (b)] TJ\n", b"ET (open at the end")
    fast, original = both(*parts)
    assert fast == original and fast_path(*parts)
    assert fast[-1] == ("keyword", b"ET")  # the unterminated string is dropped, as pdfminer drops it


def test_an_escape_at_pdfminers_read_boundary() -> None:
    # pdfminer reads 4096 bytes at a time and skips the "\n" of a backslash-"\r\n" only within one read.
    for cut in range(4090, 4100):
        data = b" " * (cut - 2) + b"(x\\\r\ny) Tj\n"
        fast, original = both(data)
        assert fast == original, cut


FRAGMENTS = [b" ", b"\n", b"\r", b"\r\n", b"\t", b"\x00", b"(", b")", b"\\", b"\\(", b"\\n", b"\\12", b"\\0101",
             b"<", b">", b"<<", b">>", b"<4", b"1A", b"f>", b"[", b"]", b"{", b"}", b"/", b"/Name", b"%c",
             b"1", b"-", b"+", b".", b"0.5", b"-3", b"Tj", b"TJ", b"BT", b"ET", b"true", b"false", b"q", b"Q",
             b"cm", b"\x80", b"\xe4\xb8\xad", b"'", b'"', b"*", b"#"]


def test_random_streams_of_pdf_fragments() -> None:
    rng = random.Random(20261203)
    fast_n = 0
    for case in range(3000):
        datas = [b"".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 40)))
                 for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        try:
            original: Any = drain(_ORIGINAL(streams(*datas)))
        except Exception as exc:
            original = type(exc)
        try:
            fast: Any = drain(FastContentParser(streams(*datas)))
        except Exception as exc:
            fast = type(exc)
        assert fast == original, (case, datas)
        fast_n += fast_path(*datas)
    assert fast_n > 600  # the comparison is not all fallbacks


def original_tokens(data: bytes) -> Any:
    parser = PSBaseParser(BytesIO(data))
    out = []
    try:
        while True:
            pos, tok = parser.nexttoken()
            out.append((pos, canon(tok)))
    except PSEOF:
        return out
    except Exception as exc:
        return type(exc)


def fast_tokens(data: bytes) -> Any:
    try:
        return [(pos, canon(tok)) for pos, tok in ps_tokens(data)]
    except _Fallback:
        return None
    except Exception as exc:
        return type(exc)


def test_random_token_streams_across_pdfminers_read_boundaries() -> None:
    """Tokens with their positions, as CMaps and font headers are read: whole files, 4 KiB at a time."""
    rng = random.Random(3)
    fast_n = 0
    for case in range(400):
        data = b"".join(rng.choice(FRAGMENTS) for _ in range(rng.choice((30, 3000, 6000))))
        fast = fast_tokens(data)
        if fast is not None:
            assert fast == original_tokens(data), case
            fast_n += 1
    assert fast_n > 40


def _corpus_pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    _, files = cached_pdf_corpus(tmp_path_factory)
    return [fixture_bytes("pdf", HONGZE), *files.values()]


def test_every_content_stream_of_the_corpus(tmp_path_factory: pytest.TempPathFactory,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {"same": 0, "fallback": 0}

    class Checking(_ORIGINAL):
        """pdfminer's parser, recording its objects; at the end they are compared with ours."""

        def __init__(self, strms: Any) -> None:
            super().__init__(strms)
            self.datas = [stream_value(s).get_data() for s in strms]
            self.got: list[Any] = []

        def nextobject(self) -> Any:
            try:
                obj = super().nextobject()
            except PSEOF:
                try:
                    fast = [canon(o) for _, o in content_objects(self.datas)]
                except _Fallback:
                    seen["fallback"] += 1
                else:
                    assert fast == self.got
                    seen["same"] += 1
                raise
            self.got.append(canon(obj[1]))
            return obj

    fonts: list[bytes] = []

    class CMaps(pdffont.CMapParser):  # type: ignore[misc, name-defined]
        def __init__(self, cmap: Any, fp: BytesIO) -> None:
            fonts.append(fp.getvalue())
            super().__init__(cmap, fp)

    class Type1Headers(pdffont.Type1FontHeaderParser):
        def __init__(self, fp: BytesIO) -> None:
            fonts.append(fp.getvalue())
            super().__init__(fp)

    monkeypatch.setattr(interp, "PDFContentParser", Checking)
    monkeypatch.setattr(pdffont, "CMapParser", CMaps)
    monkeypatch.setattr(pdffont, "Type1FontHeaderParser", Type1Headers)
    for data in _corpus_pdfs(tmp_path_factory):
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                assert page.layout is not None
                page.close()
    assert seen["same"] >= 40 and seen["fallback"] == 0, seen
    assert len(fonts) > 20
    for font in fonts:
        assert fast_tokens(font) == original_tokens(font)


def test_the_fast_parsers_are_in_place_only_inside_the_block() -> None:
    originals = (interp.PDFContentParser, pdffont.CMapParser, pdffont.Type1FontHeaderParser)  # type: ignore[attr-defined]
    assert interp.PDFContentParser is _ORIGINAL
    with fast_content_parser():
        with fast_content_parser():
            assert interp.PDFContentParser is FastContentParser
        assert (interp.PDFContentParser, pdffont.CMapParser,  # type: ignore[attr-defined]
                pdffont.Type1FontHeaderParser) == (FastContentParser, FastCMapParser, FastType1FontHeaderParser)
    assert (interp.PDFContentParser, pdffont.CMapParser, pdffont.Type1FontHeaderParser) == originals  # type: ignore[attr-defined]
