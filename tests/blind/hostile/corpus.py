"""Hostile input corpus for `xxgk extract`, with full ground truth (black box: written from the docs only).

`build(dest, seed)` writes `dest/inputs/` (the tree given to the CLI), `dest/outside/` (files reachable only
through symlinks that leave the tree: they must never be read) and `dest/truth.json`.

Truth: one entry per input (or per member of a container: WARC record, CSV row) with
  id, cls, path (relative to dest; non-UTF-8 bytes kept as surrogateescape), kind (file|member|link|special),
  container / member (for members: WARC target URI or CSV "#row=N"),
  row: "required" | "optional" | "forbidden" (may the dataset hold a report of these bytes?),
  status: accepted statuses, keywords: words of which one must be in `error` when the status is failed,
  fixture: a real report copied verbatim (its cells are compared to a fixtures-only run),
  sources_all: paths that must all be listed in the same report's `sources` (duplicate bytes).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import random
import shutil
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HONGZE_PDF = FIXTURES / "pdf" / "jiangsu_huaian_hongze_district_2024.pdf"
JILIN_TXT = FIXTURES / "text" / "jilin_tonghua_dongchang_science_bureau_2023.txt"
PT2019_HTML = FIXTURES / "html" / "fujian_pingtan_zone_2019_page.html"
PT2021_HTML = FIXTURES / "html" / "fujian_pingtan_zone_2021_page.html"
PT2021_TXT = FIXTURES / "text" / "fujian_pingtan_zone_2021_page.txt"
TEMPLATE_DOCX = FIXTURES / "docx" / "blank_template_2021_layout_wps.docx"
SECRET_MARKER = "HOSTILE-SECRET-MARKER-7f3a9c"
GIB = 1 << 30
MIB = 1 << 20
FIXED_DATE = (2024, 1, 15, 0, 0, 0)

FAIL_ANY = ["fail", "error", "invalid", "corrupt", "damaged", "broken", "unsupported", "unknown", "cannot",
            "could not", "not ", "no ", "empty", "truncat", "too ", "large", "limit", "timeout", "timed out",
            "memory", "killed", "encrypt", "password", "bomb", "format", "parse", "read", "decode", "refus"]
KW_EMPTY = ["empty", "0 bytes", "zero", "no text", "no content", "空"]
KW_SIZE = ["large", "size", "limit", "memory", "bomb", "ratio", "exceed", "timeout", "timed out", "killed",
           "too big", "too many", "pixels", "dimension", "depth", "nest"]
KW_ENCRYPT = ["encrypt", "password", "protected", "加密", "decrypt"]
KW_LINK = ["symlink", "link", "no such", "not found", "missing", "exist", "dangling", "broken", "loop",
           "too many levels", "outside", "errno"]
KW_TRUNC = ["truncat", "corrupt", "damaged", "incomplete", "invalid", "unexpected end", "eof", "broken",
            "cannot", "could not", "error", "parse", "failed"]


@dataclass
class Entry:
    """Expected outcome of one input or container member."""

    id: str
    cls: str
    path: str
    kind: str = "file"
    row: str = "required"
    status: list[str] = field(default_factory=lambda: ["failed"])
    keywords: list[str] = field(default_factory=lambda: list(FAIL_ANY))
    container: str | None = None
    member: str | None = None
    fixture: bool = False
    sha256: str | None = None
    sources_all: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Truth:
    """Ground truth of one generated corpus."""

    seed: int
    root: str
    as_root: bool
    entries: list[Entry] = field(default_factory=list)
    never_read: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=True, indent=1)

    @classmethod
    def load(cls, path: Path) -> Truth:
        raw = json.loads(path.read_text())
        raw["entries"] = [Entry(**e) for e in raw["entries"]]
        return cls(**raw)

    def classes(self) -> list[str]:
        return sorted({e.cls for e in self.entries})


class _Builder:
    """Writes files under dest/inputs and records their truth."""

    def __init__(self, dest: Path, seed: int) -> None:
        self.dest = dest
        self.inputs = dest / "inputs"
        self.rng = random.Random(seed)
        self.truth = Truth(seed=seed, root="inputs", as_root=os.geteuid() == 0)
        self.n = 0

    def rel(self, p: Path | bytes) -> str:
        raw = p if isinstance(p, bytes) else os.fsencode(p)
        return os.fsdecode(os.path.relpath(raw, os.fsencode(self.dest)))

    def write(self, sub: str | bytes, data: bytes, cls: str, **kw: Any) -> Entry:
        path = os.path.join(os.fsencode(self.inputs), os.fsencode(sub))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        return self.add(path, cls, sha256=hashlib.sha256(data).hexdigest(), **kw)

    def add(self, path: Path | bytes, cls: str, **kw: Any) -> Entry:
        self.n += 1
        entry = Entry(id=f"{cls}-{self.n:04d}", cls=cls, path=self.rel(path), **kw)
        self.truth.entries.append(entry)
        return entry

    def member(self, container: Entry, member: str, cls: str, **kw: Any) -> Entry:
        self.n += 1
        entry = Entry(id=f"{cls}-{self.n:04d}", cls=cls, path=container.path, kind="member",
                      container=container.path, member=member, **kw)
        self.truth.entries.append(entry)
        return entry

    def randbytes(self, n: int) -> bytes:
        return self.rng.randbytes(n)


def tagged(data: bytes, tag: str, html: bool = False) -> bytes:
    """Distinct bytes with the same content, so deduplication by digest does not merge the copies."""
    return data + (f"\n<!-- {tag} -->\n" if html else f"\n{tag}\n").encode()


# ---------------------------------------------------------------- real fixtures and names


def add_real(b: _Builder) -> None:
    """Every real fixture, verbatim, under inputs/real/ (also run alone as the baseline)."""
    for src in sorted(FIXTURES.rglob("*")):
        if src.is_file():
            rel = src.relative_to(FIXTURES)
            container = rel.parts[0] == "records"
            b.write(f"real/{rel}", src.read_bytes(), "real_fixture", status=["ok", "partial", "failed"],
                    fixture=True, row="optional" if container else "required",
                    note="records CSV: a container, its rows are compared to a fixtures-only run" if container
                    else "compared to a fixtures-only run")


def add_duplicates(b: _Builder) -> None:
    """The same bytes under two paths: one report, both paths in `sources`."""
    for src in (JILIN_TXT, HONGZE_PDF, PT2019_HTML):
        name, data = src.name, src.read_bytes()
        first = b.write(f"dup/a/{name}", data, "duplicate_bytes", status=["ok", "partial"])
        second = b.write(f"dup/b/copy-of-{name}", data, "duplicate_bytes", status=["ok", "partial"])
        first.sources_all = second.sources_all = [first.path, second.path]


def add_odd_names(b: _Builder) -> None:
    """Real reports under names a careless pipeline mangles: non-UTF-8, '|', newlines, long, hidden."""
    base = JILIN_TXT.read_bytes()
    weird: list[tuple[str, bytes]] = [
        ("name_non_utf8", b"names/gbk-\xd5\xfe\xb8\xae\xc4\xea\xb1\xa8.txt"),
        ("name_non_utf8", b"names/latin1-\xe9\xe8\xff.txt"),
        ("name_non_utf8", b"names/bad-\x80\x81\xfe/report.txt"),
        ("name_non_utf8", b"names/half-\xe5\xb9.txt"),
        ("name_non_utf8", b"names/ctrl-\x01\x7f.txt"),
        ("name_pipe", b"names/a|b.txt"),
        ("name_pipe", b"names/||.txt"),
        ("name_pipe", b"names/pipe|dir/inner|file.txt"),
        ("name_pipe", b"names/trailing|"),
        ("name_pipe", "names/年报|2023|东昌区.txt".encode()),
        ("name_newline", b"names/line\nbreak.txt"),
        ("name_newline", b"names/\n.txt"),
        ("name_newline", b"names/crlf\r\n.txt"),
        ("name_newline", b"names/tab\there.txt"),
        ("name_newline", b"names/multi\n\n\nline.txt"),
        ("name_long", b"names/" + b"L" * 250 + b".txt"),
        ("name_long", b"names/" + "长".encode() * 80 + b".txt"),
        ("name_long", b"names/" + b"/".join([b"d" * 200] * 16) + b"/deep.txt"),
        ("name_long", b"names/ spaces  and  .dots..txt"),
        ("name_long", b"names/-rf --out=x.txt"),
        ("hidden", b"names/.hidden-report.txt"),
        ("hidden", b"names/.hiddendir/report.txt"),
        ("hidden", b"names/.x"),
        ("hidden", b".toplevel-hidden.txt"),
        ("hidden", b"names/..double.txt"),
    ]
    for i, (cls, name) in enumerate(weird):
        b.write(name, tagged(base, f"copy {i}"), cls, status=["ok", "partial"],
                note="a real report under a hostile name: must be a row whose source is this path")


# ---------------------------------------------------------------- broken bytes


def add_empty(b: _Builder) -> None:
    for ext in ("pdf", "docx", "doc", "xlsx", "html", "txt", "csv", "warc", "warc.gz", "ofd", "png", "rtf", "wps",
                "et", "gz", "zip", "", "md", "jpg", "json"):
        b.write(f"empty/zero.{ext}" if ext else "empty/zero", b"", "empty_file", keywords=KW_EMPTY + FAIL_ANY)


def add_random(b: _Builder) -> None:
    exts = ["pdf", "docx", "doc", "xlsx", "html", "txt", "csv", "warc.gz", "png", "bin", "ofd", "rtf"]
    for i in range(75):
        size = b.rng.choice([1, 7, 100, 4096, 65536, 300_000])
        b.write(f"random/r{i:02d}.{exts[i % len(exts)]}", b.randbytes(size), "random_bytes",
                note="random bytes are no document: 'ok' would tell the operator it was read")


MAGICS: dict[str, bytes] = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    "ole": bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff",
    "rtf": b"{\\rtf1\\ansi\\ansicpg936 ",
    "gzip": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
    "warc": b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\n",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "ofd": b"PK\x03\x04\x14\x00\x00\x00\x00\x00OFD.xml",
    "html": b"<!DOCTYPE html><html><head><meta charset=\"gb2312\"><title>\xd5\xfe",
}


def add_magic_garbage(b: _Builder) -> None:
    """A valid signature followed by garbage: the sniffer says X, the parser must fail cleanly."""
    for kind, magic in MAGICS.items():
        for j in range(3):
            b.write(f"magic/{kind}-{j}.{kind}", magic + b.randbytes(b.rng.choice([10, 2000, 50_000])),
                    "magic_garbage", status=["failed"] if kind != "html" else ["failed", "ok", "partial"])


def add_truncated_pdf(b: _Builder) -> None:
    data = HONGZE_PDF.read_bytes()
    for i, frac in enumerate([0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999]):
        cut = max(9, int(len(data) * frac))
        b.write(f"pdf/truncated-{i:02d}.pdf", data[:cut], "pdf_truncated", status=["failed", "partial"],
                keywords=KW_TRUNC, note=f"real PDF cut at {cut} of {len(data)} bytes: never a silent 'ok'")


def add_corrupt_pdf(b: _Builder) -> None:
    data = bytearray(HONGZE_PDF.read_bytes())
    for i in range(10):
        buf = bytearray(data)
        start = b.rng.randrange(len(buf) // 10, len(buf) - 5000)
        buf[start:start + 4000] = b.randbytes(4000)
        b.write(f"pdf/corrupt-{i:02d}.pdf", bytes(buf), "pdf_corrupt", status=["failed", "partial", "ok"],
                note="4000 random bytes spliced into a real PDF: any status, but the run goes on")


def pdf_bytes(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF file from numbered objects (1-based), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, root, trailer_extra, xref))
    return out.getvalue()


def flate_bomb(size: int, unit: bytes = b" ") -> bytes:
    """zlib stream inflating to `size` bytes, built from one full-flushed 1 MiB block (fast, deterministic)."""
    chunk = unit * (MIB // len(unit))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(size // MIB):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + block * (size // MIB) + comp.flush(zlib.Z_FINISH) + struct.pack(">I", adler)


def gzip_bomb(size: int, unit: bytes = b" ", head: bytes = b"", tail_data: bytes = b"") -> bytes:
    """One gzip member inflating to head + size bytes of `unit` + tail_data."""
    chunk = unit * (MIB // len(unit))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    last = comp.compress(tail_data) + comp.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(size // MIB):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail_data, crc)
    total = len(head) + (size // MIB) * len(chunk) + len(tail_data)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + first + block * (size // MIB) + last + struct.pack("<II", crc, total & 0xFFFFFFFF)


def add_hostile_pdf(b: _Builder) -> None:
    """Structurally hostile PDFs: page-tree loop, xref /Prev loop, flate bomb, huge page, deep arrays."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    text = b"BT /F1 12 Tf 72 720 Td (2023 annual report) Tj ET"
    stream = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
    cases: dict[str, bytes] = {
        "kids-loop": pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>",
                                b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", page, stream]),
        "kids-cycle": pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>",
                                 b"<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>",
                                 b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1000000 >>", stream]),
        "count-huge": pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>",
                                 b"<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>", page, stream]),
        "deep-array": pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 100_000 + b"]" * 100_000 + b" >>",
                                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, stream]),
        "huge-mediabox": pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>",
                                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /UserUnit 75000"
                                    b" /Contents 4 0 R >>", b"<< /Length 0 >>\nstream\n\nendstream"]),
    }
    bomb = flate_bomb(GIB // 4, b"0 0 m 1 1 l S\n")
    cases["flate-bomb"] = pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>",
                                     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page,
                                     b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb
                                     + b"\nendstream"])
    base = pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                      page, stream])
    xref_at = base.rindex(b"startxref")
    off = int(base[xref_at + 10:].split(b"\n")[0])
    cases["prev-loop"] = base[:base.rindex(b"trailer")] + (
        b"trailer\n<< /Size 5 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (off, off))
    cases["length-lie"] = base.replace(b"/Length %d" % len(text), b"/Length 999999999")
    for name, data in cases.items():
        b.write(f"pdf/hostile-{name}.pdf", data, "pdf_hostile", status=["failed", "partial", "ok"],
                note="must end as a row within --timeout; parent memory stays low")


# ---------------------------------------------------------------- OOXML


def zip_bytes(parts: dict[str, bytes], level: int = 6) -> bytes:
    """A deterministic zip (fixed dates, sorted parts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in parts.items():
            zf.writestr(zipfile.ZipInfo(name, FIXED_DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


CT_DOCX = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/'
           b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
           b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
           b'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
           b'wordprocessingml.document.main+xml"/></Types>')
RELS_DOCX = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
             b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
             b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
             b'</Relationships>')
W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with(document_xml: bytes) -> bytes:
    return zip_bytes({"[Content_Types].xml": CT_DOCX, "_rels/.rels": RELS_DOCX, "word/document.xml": document_xml})


def zip_bomb_docx(path: Path, size: int) -> None:
    """A DOCX whose document.xml inflates to `size` bytes of whitespace inside a paragraph (streamed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(zipfile.ZipInfo("[Content_Types].xml", FIXED_DATE), CT_DOCX)
        zf.writestr(zipfile.ZipInfo("_rels/.rels", FIXED_DATE), RELS_DOCX)
        info = zipfile.ZipInfo("word/document.xml", FIXED_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            fh.write(b"<w:document " + W_NS + b"><w:body><w:p><w:r><w:t>")
            chunk = b" " * (4 * MIB)
            for _ in range(size // len(chunk)):
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")


def billion_laughs(root: bytes) -> bytes:
    ents = [b'<!ENTITY lol "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (i, b"".join([b"&lol%s;" % (b"" if i == 1 else b"%d" % (i - 1))] * 10))
        for i in range(1, 10)]
    return (b'<?xml version="1.0"?><!DOCTYPE lolz [' + b"".join(ents) + b"]>" + root)


def add_ooxml(b: _Builder) -> None:
    bomb = b.inputs / "ooxml" / "zip-bomb-1gib.docx"
    bomb.parent.mkdir(parents=True, exist_ok=True)
    zip_bomb_docx(bomb, GIB)
    b.add(bomb, "docx_zip_bomb", keywords=KW_SIZE + FAIL_ANY, note="document.xml inflates to 1 GiB")
    small = b.inputs / "ooxml" / "zip-bomb-256mib.docx"
    zip_bomb_docx(small, GIB // 4)
    b.add(small, "docx_zip_bomb", keywords=KW_SIZE + FAIL_ANY, status=["failed", "ok"],
          note="256 MiB of whitespace: 'ok' only as an empty/other document")
    doc = billion_laughs(b"<w:document " + W_NS + b"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
                         b"</w:body></w:document>")
    b.write("ooxml/billion-laughs.docx", docx_with(doc), "docx_billion_laughs", keywords=[*FAIL_ANY, "entity"])
    ext = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><w:document '
           + W_NS + b"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>")
    b.write("ooxml/xxe-passwd.docx", docx_with(ext), "docx_billion_laughs", status=["failed", "ok"],
            note="external entity to /etc/passwd: its content must never appear")
    content = [b"<w:p><w:r><w:t>" + b"\xe6\x8a\xa5" * 3 + b"</w:t></w:r></w:p>"]
    deep = b"<w:document " + W_NS + b"><w:body>" + b"<w:tbl><w:tr><w:tc>" * 5000 + content[0] + \
        b"</w:tc></w:tr></w:tbl>" * 5000 + b"</w:body></w:document>"
    b.write("ooxml/nested-tables.docx", docx_with(deep), "docx_billion_laughs", status=["failed", "ok", "partial"])
    add_encrypted(b)
    add_xlsx_hostile(b)


def add_encrypted(b: _Builder) -> None:
    """Real OOXML files encrypted with a password (msoffcrypto, its randomness seeded)."""
    import datetime as dt

    import msoffcrypto.method.container.ecma376_encrypted as container
    import msoffcrypto.method.ecma376_agile as agile
    from msoffcrypto.format.ooxml import OOXMLFile

    class _FixedClock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> _FixedClock:
            return cls(2024, 1, 15)

    orig, orig_clock = agile._random_buffer, container.datetime
    agile._random_buffer = b.randbytes  # deterministic salts, keys and timestamps
    container.datetime = _FixedClock  # type: ignore[misc]
    try:
        sources = {"docx": TEMPLATE_DOCX.read_bytes(), "xlsx": xlsx_bytes([["指标", "数量"], ["新收申请", "95"]])}
        for i, (ext, plain) in enumerate(sorted(sources.items()) * 2):
            out = io.BytesIO()
            OOXMLFile(io.BytesIO(plain)).encrypt(f"pw{i}", out)
            b.write(f"encrypted/locked-{i}.{ext}", out.getvalue(), "encrypted_office", keywords=KW_ENCRYPT)
    finally:
        agile._random_buffer, container.datetime = orig, orig_clock


def xlsx_bytes(rows: list[list[str]], dimension: str | None = None, extra_cell: str = "") -> bytes:
    cells = "".join(f'<row r="{i + 1}">' + "".join(
        f'<c r="{chr(65 + j)}{i + 1}" t="inlineStr"><is><t>{v}</t></is></c>' for j, v in enumerate(r)) + "</row>"
        for i, r in enumerate(rows))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main">{dim}<sheetData>{cells}{extra_cell}</sheetData></worksheet>')
    ns = "http://schemas.openxmlformats.org"
    return zip_bytes({
        "[Content_Types].xml": (f'<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types"><Default '
                                f'Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
                                f'+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                                f'"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                                f'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                                f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet'
                                f'+xml"/></Types>').encode(),
        "_rels/.rels": (f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship'
                        f' Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target='
                        f'"xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/'
                            f'officeDocument/2006/relationships"><sheets><sheet name="表3" sheetId="1" r:id="rId1"/>'
                            f'</sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/'
                                       f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
                                       f'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                                       f'</Relationships>').encode(),
        "xl/worksheets/sheet1.xml": sheet.encode(),
    })


def add_xlsx_hostile(b: _Builder) -> None:
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    b.write("ooxml/far-corner.xlsx", xlsx_bytes([["标题", "数量"]], "A1:XFD1048576", far), "xlsx_huge_dims",
            status=["failed", "ok", "partial"], note="a sheet whose extent is 2^34 cells: must not allocate it")
    b.write("ooxml/dimension-lie.xlsx", xlsx_bytes([["a"]], "A1:XFD1048576"), "xlsx_huge_dims",
            status=["failed", "ok", "partial"])


# ---------------------------------------------------------------- records CSV


def add_huge_csv(b: _Builder) -> None:
    """A crawler's CSV whose 2nd record has a 64 MiB + 1 cell (streamed to disk); records 1 and 3 are real."""
    path = b.inputs / "records" / "huge-cell.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = JILIN_TXT.read_text().replace('"', '""')
    body2 = PT2021_TXT.read_text().replace('"', '""')
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("标题,时间,内容,访问地址\r\n")
        fh.write(f'东昌区科学技术局2023年政府信息公开工作年度报告,2024-01-15,"{body}",http://example.invalid/a.html\r\n')
        fh.write('巨大的单元格,2024-01-16,"')
        chunk = "年报" * (MIB // 2)  # 2 MiB of text per write (3 bytes a char)
        written = 0
        while written <= 64 * MIB:
            fh.write(chunk)
            written += len(chunk.encode())
        fh.write('",http://example.invalid/b.html\r\n')
        fh.write(f'平潭综合实验区2021年度政府信息公开工作年度报告,2022-01-20,"{body2}",http://example.invalid/c.html\r\n')
    container = b.add(path, "csv_huge_cell", row="optional", status=["failed", "ok", "partial"],
                      note="the container itself")
    b.member(container, "#row=1", "csv_huge_cell", status=["ok", "partial"])
    b.member(container, "#row=2", "csv_huge_cell", keywords=KW_SIZE + FAIL_ANY, status=["failed"],
             note="a 64 MiB cell: a failed row naming the record, not a crash of the whole file")
    b.member(container, "#row=3", "csv_huge_cell", status=["ok", "partial"],
             note="the record after the huge one must not vanish")


# ---------------------------------------------------------------- file-system hostility


def add_fs(b: _Builder) -> None:
    fs = b.inputs / "fs"
    fs.mkdir(parents=True, exist_ok=True)
    outside = b.dest / "outside"
    outside.mkdir(exist_ok=True)
    secret = outside / "secret-report.html"
    secret.write_bytes(tagged(PT2021_HTML.read_bytes(), SECRET_MARKER, html=True).replace(
        b"<body", f"<p>{SECRET_MARKER}</p><body".encode(), 1))
    (outside / "dir").mkdir(exist_ok=True)
    (outside / "dir" / "inner.txt").write_bytes(tagged(JILIN_TXT.read_bytes(), SECRET_MARKER))
    b.truth.never_read += ["/etc/passwd", b.rel(secret), b.rel(outside / "dir" / "inner.txt")]
    b.truth.markers += [SECRET_MARKER, "root:x:0:0", "/usr/sbin/nologin", "nobody:x:"]
    links: list[tuple[str, str, str, str]] = [
        ("broken-1.pdf", "/nonexistent/xxgk/missing.pdf", "symlink_broken", "required"),
        ("broken-2.txt", "no-such-sibling.txt", "symlink_broken", "required"),
        ("broken-dir", "../../nowhere/", "symlink_broken", "required"),
        ("passwd.txt", "/etc/passwd", "symlink_outside", "forbidden"),
        ("secret.html", str(secret), "symlink_outside", "forbidden"),
        ("outside-dir", str(outside / "dir"), "symlink_outside", "forbidden"),
        ("self-loop", "self-loop", "symlink_loop", "optional"),
        ("ping", "pong", "symlink_loop", "optional"),
        ("pong", "ping", "symlink_loop", "optional"),
        ("loopdir/up", "..", "symlink_loop", "optional"),
    ]
    (fs / "loopdir").mkdir(exist_ok=True)
    (fs / "loopdir" / "real.txt").write_bytes(tagged(JILIN_TXT.read_bytes(), "inside loopdir"))
    b.add(fs / "loopdir" / "real.txt", "symlink_loop", status=["ok", "partial"],
          sha256=hashlib.sha256((fs / "loopdir" / "real.txt").read_bytes()).hexdigest(),
          note="reachable through the loop infinitely often: exactly one report")
    for name, target, cls, row in links:
        os.symlink(target, fs / name)
        status = ["failed"]
        b.add(fs / name, cls, kind="link", row=row, status=status, keywords=KW_LINK + FAIL_ANY,
              note=f"symlink -> {target}")
    os.mkfifo(fs / "pipe.fifo")
    b.add(fs / "pipe.fifo", "fifo", kind="special", row="optional", keywords=[*FAIL_ANY, "fifo", "regular"],
          note="reading it blocks forever: the run must not hang on it")
    os.mkfifo(fs / "report.pdf")
    b.add(fs / "report.pdf", "fifo", kind="special", row="optional", keywords=[*FAIL_ANY, "fifo", "regular"])
    add_unreadable(b, fs)


def add_unreadable(b: _Builder, fs: Path) -> None:
    """chmod 000 folder and file. As root the kernel ignores the mode, so the contents are readable then."""
    locked = fs / "locked"
    locked.mkdir(exist_ok=True)
    inner = locked / "report.txt"
    data = tagged(JILIN_TXT.read_bytes(), "locked dir")
    inner.write_bytes(data)
    lone = fs / "unreadable.txt"
    data2 = tagged(JILIN_TXT.read_bytes(), "unreadable file")
    lone.write_bytes(data2)
    root = b.truth.as_root
    st = ["ok", "partial"] if root else ["failed"]
    note = "running as root: mode 000 does not stop root, so a normal row" if root else "permission denied"
    b.add(inner, "unreadable", status=st, keywords=[*FAIL_ANY, "permission", "denied"], note=note,
          sha256=hashlib.sha256(data).hexdigest())
    b.add(lone, "unreadable", status=st, keywords=[*FAIL_ANY, "permission", "denied"], note=note,
          sha256=hashlib.sha256(data2).hexdigest())
    os.chmod(lone, 0)
    os.chmod(locked, 0)


# ---------------------------------------------------------------- containers


def warc_records(items: list[tuple[str, bytes, str]]) -> bytes:
    """Gzipped WARC 1.1 response records written with warcio (fixed ids and dates)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    for i, (uri, body, ctype) in enumerate(items):
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        rid = hashlib.sha1(uri.encode() + bytes([i])).hexdigest()[:32]
        rid = f"<urn:uuid:{rid[:8]}-{rid[8:12]}-{rid[12:16]}-{rid[16:20]}-{rid[20:32]}>"
        rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                        warc_headers_dict={"WARC-Date": "2024-01-15T00:00:00Z",
                                                           "WARC-Record-ID": rid})
        writer.write_record(rec)
        rec.raw_stream.close()  # warcio spools the payload to a temporary file
    return out.getvalue()


def warc_members(b: _Builder, tag: str, n: int) -> list[tuple[str, bytes, str]]:
    srcs = [(PT2019_HTML, "text/html; charset=utf-8"), (JILIN_TXT, "text/plain; charset=utf-8"),
            (PT2021_HTML, "text/html; charset=utf-8")]
    items = []
    for i in range(n):
        path, ctype = srcs[i % len(srcs)]
        items.append((f"http://hostile.example.gov.cn/{tag}/t2024_{i}.html",
                      tagged(path.read_bytes(), f"{tag} record {i}", html="html" in ctype), ctype))
    return items


def split_members(warc: bytes) -> list[bytes]:
    """Split a multi-member gzip file into its members (each starts with the gzip magic at a boundary)."""
    members, pos = [], 0
    while pos < len(warc):
        d = zlib.decompressobj(31)
        d.decompress(warc[pos:])
        used = len(warc) - pos - len(d.unused_data)
        members.append(warc[pos:pos + used])
        pos += used
    return members


def add_warcs(b: _Builder) -> None:
    ok = ["ok", "partial"]
    # 1. a clean WARC
    items = warc_members(b, "clean", 3)
    c = b.write("warc/clean.warc.gz", warc_records(items), "warc_clean", row="optional", status=[*ok, "failed"])
    for uri, _, _ in items:
        b.member(c, uri, "warc_clean", status=ok)
    # 2. cut inside the header of the 4th record
    items = warc_members(b, "cut", 4)
    raw = warc_records(items)
    members = split_members(raw)
    plain4 = gzip.decompress(members[3])
    cut_at = plain4.index(b"WARC-Target-URI") + 20
    cut_member = gzip.compress(plain4[:cut_at], mtime=0)
    c = b.write("warc/cut-in-header.warc.gz", b"".join(members[:3]) + cut_member[: len(cut_member) // 2],
                "warc_truncated", row="optional", status=["failed", "ok", "partial"])
    for uri, _, _ in items[:3]:
        b.member(c, uri, "warc_truncated", status=ok)
    b.member(c, "__error__", "warc_truncated", keywords=KW_TRUNC,
             note="some failed row whose source names this WARC must say it was cut: the tail is lost")
    # 3. a corrupt gzip member in the middle
    items = warc_members(b, "corrupt", 5)
    members = split_members(warc_records(items))
    bad = bytearray(members[2])
    mid = len(bad) // 2
    bad[mid:mid + 64] = bytes(b.randbytes(64))
    c = b.write("warc/corrupt-member.warc.gz", b"".join(members[:2]) + bytes(bad) + b"".join(members[3:]),
                "warc_corrupt_member", row="optional", status=["failed", "ok", "partial"])
    for i, (uri, _, _) in enumerate(items):
        if i == 2:
            b.member(c, uri, "warc_corrupt_member", row="optional", status=["failed"], keywords=KW_TRUNC)
        else:
            b.member(c, uri, "warc_corrupt_member", status=ok + (["failed"] if i > 2 else []),
                     note="records after the broken member appear (or fail) — never silently vanish")
    b.member(c, "__error__", "warc_corrupt_member", keywords=KW_TRUNC,
             note="a failed row naming this WARC (or the broken record) must report the corruption")
    add_warc_bomb(b)


def add_warc_bomb(b: _Builder) -> None:
    """Record 2 of 3 is one gzip member inflating to 1 GiB (its WARC header is honest about the length)."""
    items = warc_members(b, "bomb", 2)
    size = GIB
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % size
    uri = "http://hostile.example.gov.cn/bomb/huge.html"
    head = (b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-0000000b0b0b>\r\n"
            b"WARC-Date: 2024-01-15T00:00:00Z\r\nWARC-Target-URI: " + uri.encode() + b"\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
            % (len(http) + size)) + http
    bomb = gzip_bomb(size, b" ", head=head, tail_data=b"\r\n\r\n")
    first, second = split_members(warc_records(items))
    c = b.write("warc/gzip-bomb.warc.gz", first + bomb + second, "warc_gzip_bomb", row="optional",
                status=["failed", "ok", "partial"])
    b.member(c, items[0][0], "warc_gzip_bomb", status=["ok", "partial"])
    b.member(c, uri, "warc_gzip_bomb", status=["failed"], keywords=KW_SIZE + KW_EMPTY + FAIL_ANY,
             note="1 GiB of spaces: failed (too large / empty), parent memory stays low")
    b.member(c, items[1][0], "warc_gzip_bomb", status=["ok", "partial"], note="the record after the bomb")
    # the same bomb as the HTTP body's Content-Encoding
    enc = gzip_bomb(GIB, b" ")
    http2 = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    raw = _warc_encoded(uri + "?enc", enc, http2)
    c2 = b.write("warc/content-encoding-bomb.warc.gz", raw, "warc_gzip_bomb", row="optional",
                 status=["failed", "ok", "partial"])
    b.member(c2, uri + "?enc", "warc_gzip_bomb", status=["failed"], keywords=KW_SIZE + KW_EMPTY + FAIL_ANY)


def _warc_encoded(uri: str, body: bytes, headers: list[tuple[str, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    http = StatusAndHeaders("200 OK", [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                    warc_headers_dict={"WARC-Date": "2024-01-15T00:00:00Z", "WARC-Record-ID":
                                                       "<urn:uuid:00000000-0000-4000-8000-00000000e0c0>"})
    writer.write_record(rec)
    rec.raw_stream.close()
    return out.getvalue()


def add_archives(b: _Builder) -> None:
    """A .gz-wrapped report and zips of reports: members as rows, or the archive as a failed row."""
    either = ["ok", "partial", "failed"]
    for i, src in enumerate([JILIN_TXT, PT2019_HTML, HONGZE_PDF]):
        data = gzip.compress(tagged(src.read_bytes(), f"gz {i}", html=src.suffix == ".html"), mtime=0)
        b.write(f"archives/{src.name}.gz", data, "gz_wrapped", status=either,
                keywords=[*FAIL_ANY, "gzip", "compress", "archive"])
    for i in range(2):
        parts = {f"年报/{p.name}": tagged(p.read_bytes(), f"zip {i}", html=p.suffix == ".html")
                 for p in (JILIN_TXT, PT2021_HTML, HONGZE_PDF)}
        z = b.write(f"archives/reports-{i}.zip", zip_bytes(parts), "zip_of_reports", status=either,
                    keywords=[*FAIL_ANY, "zip", "archive"], row="optional",
                    note="either each member is a row, or the zip is a failed row")
        for name in parts:
            b.member(z, name, "zip_of_reports", row="optional", status=["ok", "partial"])


# ---------------------------------------------------------------- markup and images


def add_html_bombs(b: _Builder) -> None:
    head = b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>2023\xe5\xb9\xb4\xe5\xb9\xb4\xe6\x8a\xa5</title>'
    for depth in (10_000, 200_000):
        body = b"<div>" * depth + "政府信息公开工作年度报告".encode() + b"</div>" * depth
        b.write(f"html/nest-div-{depth}.html", head + b"</head><body>" + body + b"</body></html>", "html_bomb",
                status=["failed", "ok", "partial"])
    body = b"<table>" * 50_000 + b"<tr><td>1</td></tr>" + b"</table>" * 50_000
    b.write("html/nest-table.html", head + b"<body>" + body + b"</body></html>", "html_bomb",
            status=["failed", "ok", "partial"])
    unclosed = b"<span><b><i><font>" * 100_000
    b.write("html/unclosed.html", head + b"<body>" + unclosed, "html_bomb", status=["failed", "ok", "partial"])
    wide = b"<table><tr>" + b"<td colspan=\"1000\" rowspan=\"65534\">1</td>" * 2000 + b"</tr></table>"
    b.write("html/span-bomb.html", head + b"<body>" + wide + b"</body></html>", "html_bomb",
            status=["failed", "ok", "partial"], note="2000 cells spanning 1000x65534: a grid of 1.3e11 slots")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(width: int, height: int, idat: bytes) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def add_images(b: _Builder) -> None:
    side = 30_000
    row = b"\x00" + b"\xff" * side
    comp = zlib.compressobj(9)
    block = comp.compress(row * 64) + comp.flush(zlib.Z_FULL_FLUSH)
    idat = b"".join([block] * (side // 64)) + comp.flush()
    b.write("images/bomb-30000x30000.png", png_bytes(side, side, idat), "image_huge_dims",
            keywords=KW_SIZE + FAIL_ANY, note="9e8 pixels of white: decompression bomb")
    b.write("images/claims-65535x65535.png", png_bytes(65535, 65535, zlib.compress(b"\x00" * 1000)),
            "image_huge_dims", keywords=KW_SIZE + FAIL_ANY)
    sof = (b"\xff\xd8\xff\xc0\x00\x0b\x08" + struct.pack(">HH", 65500, 65500) + b"\x01\x01\x11\x00"
           + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x00" * 1000 + b"\xff\xd9")
    b.write("images/jpeg-65500.jpg", sof, "image_huge_dims", keywords=KW_SIZE + FAIL_ANY)


def add_office_hang(b: _Builder) -> None:
    """RTF/DOC files that make converters spin: deep group nesting, a huge \\bin, a table of 10^5 rows."""
    nest = b"{\\rtf1\\ansi " + b"{\\*\\x " * 500_000 + b"\xc4\xea\xb1\xa8" + b"}" * 500_000 + b"}"
    b.write("office/nest.rtf", nest, "office_hang", status=["failed", "ok", "partial"],
            keywords=FAIL_ANY, note="killed by --timeout if the converter hangs: a failed row, run goes on")
    rows = b"\\trowd\\cellx1000\\cellx2000 \\intbl 1\\cell 2\\cell\\row\n" * 100_000
    b.write("office/rows.rtf", b"{\\rtf1\\ansi " + rows + b"}", "office_hang", status=["failed", "ok", "partial"])
    b.write("office/bin.doc", b"{\\rtf1\\ansi {\\pict\\bin2147483647 " + b"\x00" * 1000 + b"}}", "office_hang",
            status=["failed", "ok", "partial"])


# ---------------------------------------------------------------- entry point


BUILDERS = [add_real, add_duplicates, add_odd_names, add_empty, add_random, add_magic_garbage, add_truncated_pdf,
            add_corrupt_pdf, add_hostile_pdf, add_ooxml, add_huge_csv, add_warcs, add_archives, add_html_bombs,
            add_images, add_office_hang, add_fs]


def build(dest: Path, seed: int = 0) -> Truth:
    """Write the hostile corpus and dest/truth.json; return the truth."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    b = _Builder(dest, seed)
    b.inputs.mkdir(parents=True, exist_ok=True)
    for fn in BUILDERS:
        fn(b)
    (dest / "truth.json").write_text(b.truth.to_json())
    return b.truth


def build_fixtures_only(dest: Path) -> Path:
    """The real fixtures alone (the baseline for cell equality); returns the input folder."""
    root = Path(dest) / "real"
    shutil.copytree(FIXTURES, root / "real", dirs_exist_ok=True)
    return root


def restore_permissions(dest: Path) -> None:
    """Undo chmod 000 so a non-root pytest can delete tmp_path."""
    fs = Path(dest) / "inputs" / "fs"
    for p, mode in ((fs / "locked", 0o755), (fs / "unreadable.txt", 0o644)):
        if p.exists() and not p.is_symlink():
            os.chmod(p, mode)


def iter_paths(truth: Truth) -> Iterator[Entry]:
    yield from (e for e in truth.entries if e.kind != "member")


if __name__ == "__main__":
    import sys
    t = build(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    print(len(t.entries), "entries,", len(t.classes()), "classes")
