"""Hostile fixed-layout files, written byte by byte: each must end as a clear error, never a hang.

A tiny PDF writer (objects + a correct cross-reference table) is enough to build truncated,
encrypted, looping, huge-page-count, huge-image and glyph-bomb files in milliseconds.
"""

from __future__ import annotations

import struct
import zlib


def pdf_bytes(objects: list[bytes], *, trailer_extra: bytes = b"", root: int = 1) -> bytes:
    """A PDF whose object i+1 is objects[i], with a valid xref table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, trailer_extra, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page(content: bytes, *, resources: bytes = b"/Font << /F1 4 0 R >>", extra: list[bytes] | None = None) -> bytes:
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << %s >> >>" % resources,
        _FONT,
        _stream(content),
        *(extra or []),
    ])


def glyph_bomb(n: int = 1_000_000) -> bytes:
    """One page showing `n` glyphs (compressed, so the file itself is small)."""
    body = b"BT /F1 1 Tf 10 10 Td (" + b"x" * n + b") Tj ET"
    packed = zlib.compress(body, 9)
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
        _FONT,
        _stream(packed, b"/Filter /FlateDecode"),
    ])


def many_pages(n: int = 10_000) -> bytes:
    """A page tree of `n` real (empty-ish) pages sharing one content stream."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
               _stream(b"BT /F1 12 Tf 72 720 Td (page) Tj ET")]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (first_page + n)] * n
    objects.append(_FONT)
    return pdf_bytes(objects)


def huge_image_pdf(side: int = 20_000) -> bytes:
    """An image-only page whose image claims side×side pixels (the stream is tiny)."""
    img = _stream(zlib.compress(b"\xff" * 1024), b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                  b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode" % (side, side))
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
        _stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        img,
    ])


def encrypted_pdf() -> bytes:
    """Standard security handler (RC4, R2) whose user password is not empty."""
    enc = (b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 "
           b"/O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>")
    base = one_page(b"BT /F1 12 Tf 72 720 Td (secret) Tj ET", extra=[enc])
    return base.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 6 0 R /ID [<0123456789abcdef0123456789abcdef> "
                        b"<0123456789abcdef0123456789abcdef>]")


def xref_loop() -> bytes:
    """Two cross-reference sections whose /Prev pointers point at each other, and no valid body."""
    head = b"%PDF-1.7\n"
    first = len(head)
    sec1 = b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Prev %010d >>\n"
    second = first + len(sec1 % 0)
    sec2 = b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Prev %010d >>\n"
    body = head + sec1 % second + sec2 % first
    return body + b"startxref\n%d\n%%%%EOF\n" % second


def huge_png(side: int = 20_000) -> bytes:
    """A PNG whose header claims side×side pixels; the data is a token (never decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
