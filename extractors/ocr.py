"""Scans and images → the page model, by offline OCR (RapidOCR: PP-OCRv4 models shipped in its wheel).

A page image is binarised, its skew measured from the projection profile and undone, the text
read by the OCR engine (its models run by OpenVINO, `ocr_runtime`), and the ruling lines found by morphology on the ink left once the text
boxes are erased. The result is an ordinary `Page` (glyphs carry the engine's confidence), so the
same table reconstructor and reading-order builder as for PDFs take it from there. Nothing is
downloaded at run time: the engine loads the model files inside its own package.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import threading
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from .errors import DocumentTooLarge, MalformedDocument, NoContent, UnsupportedMediaType
from .model import Document, SourceRef
from .ocr_photo import frontal, level_rules
from .ocr_runtime import normalise_by_table, use_openvino
from .ocr_warp import Affine, Unwarp, blocks_to_source
from .pages import Glyph, Page, Rule
from .reading import layouts_to_blocks, page_layout

NAME = "ocr"
VERSION = "1.7.0"

Gray = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class OcrBox:
    """One recognised text run: its corner points (pixels), text and confidence."""

    quad: tuple[tuple[float, float], ...]
    text: str
    conf: float


class OcrEngine(Protocol):
    def read(self, image: Gray) -> list[OcrBox]: ...

    def read_numbers(self, crops: Sequence[Gray]) -> list[tuple[str, float]]: ...

    def read_lines(self, crops: Sequence[Gray]) -> list[tuple[str, float]]: ...


_DIGITS = "0123456789.-/—元万"
_UNSURE = 0.6
"""Below this confidence a one- or two-character reading in a column of numbers is not taken as text."""
_SURE = 0.95
"""At or over this confidence a page-wide reading of digits only is taken without the digits-only
re-read (still held against the marks on paper). On the scanned bench corpus the same 385 of 386
cells come out exact and the blind photo corpus stays exact, in half the OCR time."""
_DIGIT_LIKE = set("0123456789oOQDaIl|!.,:：;·'`-—/元万sSBgq。○〇口 ")


class RapidEngine:
    """RapidOCR with its bundled ONNX models; one instance per process, created on first use.

    Every box is kept whatever its score (``text_score=0``): dropping a low-scored "7" would turn
    a printed number into a blank; the confidence travels with the glyphs instead.
    """

    _lock = threading.Lock()
    _engine: Any = None

    def _get(self) -> Any:
        with self._lock:
            if RapidEngine._engine is None:
                # onnxruntime's telemetry keeps a database under ~/.cache/Microsoft (and would
                # report home): an offline extractor leaves nothing outside its output.
                os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
                try:
                    from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]
                except ImportError as exc:  # pragma: no cover - a broken install
                    raise UnsupportedMediaType("<ocr>", f"the OCR engine is not installed: {exc}") from exc
                # One thread and one line a run: parallelism comes from the worker processes
                # (a second thread costs 1.4x the CPU for 0.6x the wall time), and a batch pads
                # each line to the widest and costs more per line besides. A short line is padded
                # to 96 px, not 160 (most table cells are short: 13 % less CPU a page, the same
                # readings on the scanned bench pages and the blind photos).
                engine = RapidOCR(use_cls=False, text_score=0.0, rec_batch_num=1, rec_img_shape=[3, 48, 96],
                                  intra_op_num_threads=1, inter_op_num_threads=1)
                use_openvino(engine)
                normalise_by_table(engine)
                RapidEngine._engine = engine
            return RapidEngine._engine

    def read_numbers(self, crops: Sequence[Gray]) -> list[tuple[str, float]]:
        """Re-read cell crops with the recogniser restricted to digits and number marks.

        A lone "0" out of context is often read as "o", "O" or "a"; in a cell that holds a
        number, the question is only which digit. The score is the least probability of the
        chosen characters among the allowed ones. It moves with the white margin the crop is
        padded with (a "27" reads at 0.87 in one width and 1.00 in the next), so each crop is
        padded to a width of its own, not to the widest of its batch, and a reading under
        0.95 is read again wider: the same text scores the mean of the two, another text the
        lesser score.
        """
        if not crops:
            return []
        steps = [max(320 / 48, math.ceil(2 * c.shape[1] / c.shape[0]) / 2) for c in crops]
        out = self._read_digits(crops, steps)
        again = [i for i, (_, score) in enumerate(out) if score < 0.95]
        second = self._read_digits([crops[i] for i in again], [steps[i] + 1.5 for i in again])
        for i, (text, score) in zip(again, second, strict=True):
            first, before = out[i]
            out[i] = (first, (before + score) / 2) if text == first else (
                max((first, before), (text, score), key=lambda r: r[1])[0], min(before, score))
        return out

    def _read_digits(self, crops: Sequence[Gray], widths: Sequence[float]) -> list[tuple[str, float]]:
        """Crops padded to width × height 48, one per run: (digits, least probability).

        One crop a run, not a batch: this recogniser costs more per crop in a batch on a CPU
        (36 ms alone, 55 ms in a batch of 8, at 320 px), and no crop is padded past its width.
        """
        rec = self._get().text_rec
        chars: list[str] = list(rec.postprocess_op.character)
        allowed = np.array([0] + [i for i, ch in enumerate(chars) if ch in _DIGITS], dtype=np.int64)
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for i, crop in enumerate(crops):
            tensor = rec.resize_norm_img(np.dstack([crop] * 3), widths[i])[np.newaxis, :].astype(np.float32)
            seq = rec.session(tensor)[0][0][:, allowed]
            seq = seq / np.maximum(seq.sum(axis=1, keepdims=True), 1e-9)
            best = seq.argmax(axis=1)
            text, probs, prev = [], [], -1
            for t, k in enumerate(best):
                if k != 0 and k != prev:
                    text.append(chars[int(allowed[k])])
                    probs.append(float(seq[t, k]))
                prev = int(k)
            out[i] = ("".join(text), min(probs) if probs else 0.0)
        return out

    def read_lines(self, crops: Sequence[Gray]) -> list[tuple[str, float]]:
        """Recognise single-line crops (no detection)."""
        if not crops:
            return []
        result, _ = self._get().text_rec([np.dstack([c] * 3) for c in crops])
        return [(str(text), float(score)) for text, score, *_ in result]

    def read(self, image: Gray) -> list[OcrBox]:
        engine = self._get()
        result, _ = engine(np.dstack([image] * 3), use_cls=False, text_score=0.0)
        out = []
        for quad, text, score in result or []:
            out.append(OcrBox(tuple((float(x), float(y)) for x, y in quad), str(text), float(score)))
        return out


@dataclass(frozen=True, slots=True)
class OcrSettings:
    max_pixels: int = 60_000_000
    max_side: int = 2400
    """Longer side an image is scaled down to before reading (≈200 dpi for A4)."""
    max_skew: float = 5.0

    def __post_init__(self) -> None:
        if self.max_pixels <= 0 or self.max_side <= 0 or self.max_skew < 0:
            raise ValueError("OCR settings must be positive")


def _cv2() -> Any:
    import cv2

    return cv2


def binarise(gray: Gray) -> Gray:
    """Ink = 255: Otsu's threshold after a median filter that removes scanner speckle."""
    cv2 = _cv2()
    smooth = cv2.medianBlur(gray, 3)
    _, ink = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return np.asarray(ink, dtype=np.uint8)


def skew_angle(ink: Gray, max_skew: float = 5.0) -> float:
    """Degrees the page is rotated by: the angle whose row profile is sharpest (text lines, rules)."""
    cv2 = _cv2()
    h, w = ink.shape
    scale = min(1.0, 800 / max(h, w))
    small = cv2.resize(ink, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    centre = (sw / 2, sh / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(small, m, (sw, sh), flags=cv2.INTER_NEAREST, borderValue=0)
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-max_skew, max_skew + 1e-9, 0.5), key=sharpness)
    fine = max(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05), key=sharpness)
    return float(round(fine, 2))


def rotate(gray: Gray, angle: float) -> tuple[Gray, Affine]:
    """The page turned by `angle` degrees about its centre, and the turn (to map boxes back)."""
    cv2 = _cv2()
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return np.asarray(turned, dtype=np.uint8), Affine(np.asarray(m, dtype=np.float64))


def find_rules(gray: Gray, boxes: Sequence[OcrBox], text_height: float) -> list[Rule]:
    """Ruling lines: long thin runs of ink (morphological opening with line-shaped kernels).

    No median filter here: it would erase the one-pixel rules of a 150 dpi scan. Horizontal rules
    are longer than a character's strokes; a run that lies within one text box is strokes of that
    text run together (bold or blurred type), not a rule. Vertical ones may be as short as one
    table row, so the text is erased first and the kernel is about one character high.
    """
    cv2 = _cv2()
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    thin = max(6.0, 0.5 * text_height)
    k_h, k_v = max(15, int(2.2 * text_height)), max(9, int(1.0 * text_height))
    extents = [_extent(b) for b in boxes]
    tol = 0.1 * text_height
    out: list[Rule] = []
    h_mask = _line_mask(ink, k_h, horizontal=True)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(h_mask, connectivity=8)
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i][:5])
        mid = y + h / 2
        # Thickness as ink per unit of length, not the bounding box: a rule left a little slanted
        # (a photo's residual tilt) spans several pixel rows end to end, yet is one pixel thick.
        if w >= k_h and area / w <= thin and h <= 4 * thin and not any(
                e[0] - tol <= x and x + w <= e[2] + tol and e[1] < mid < e[3] for e in extents):
            out.append(Rule(x0=x, top=mid, x1=x + w, bottom=mid))
        else:
            window = h_mask[y:y + h, x:x + w]
            window[labels[y:y + h, x:x + w] == i] = 0
    v_mask = _line_mask(_erase_text(ink, h_mask, boxes, text_height), k_v, horizontal=False)
    n, _, stats, _ = cv2.connectedComponentsWithStats(v_mask, connectivity=8)
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i][:5])
        # As for horizontals: thin in ink per length, and no more slanted than a photo's few degrees.
        if h >= k_v and area / h <= thin and w <= thin + 0.05 * h:
            out.append(Rule(x0=x + w / 2, top=y, x1=x + w / 2, bottom=y + h))
    return out


def _line_mask(ink: Gray, k: int, *, horizontal: bool) -> Gray:
    """Runs of ink at least `k` long in one direction (one-pixel gaps bridged first)."""
    cv2 = _cv2()
    bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1) if horizontal else (1, 3))
    line = cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1) if horizontal else (1, k))
    return np.asarray(cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, bridge), cv2.MORPH_OPEN, line),
                      dtype=np.uint8)


def _erase_text(ink: Gray, h_mask: Gray, boxes: Sequence[OcrBox], text_height: float) -> Gray:
    """The ink with the text boxes blanked, except the column rules that run through a box.

    The detector often draws one box across several cells, so blanking it would take the rules
    between them along with it. A pixel column is a rule when it is inked all the way across the
    box and on beyond it. A box may also reach over the border of its row (a header row cut by a
    page break keeps one line of text between its borders); then a column inked from that
    horizontal rule to the box's other side (and on beyond it), or to the other border, is a
    rule if it stands alone, with paper on both sides.
    """
    erased = ink.copy()
    height = ink.shape[0]
    margin = max(3, round(0.2 * text_height))
    for box in boxes:
        bx0, by0, bx1, by1 = _extent(box)
        x0, x1 = max(0, int(bx0)), int(bx1) + 1
        y0, y1 = max(0, int(by0)), min(height, int(by1) + 1)
        if x1 <= x0 or y1 <= y0:
            continue
        dy, dx = int(0.15 * (y1 - y0)), int(0.08 * (y1 - y0))
        region = ink[y0:y1, x0:x1] > 0
        on_above = (ink[max(0, y0 - 3):max(0, y0 - 1), x0:x1] > 0).all(axis=0) if y0 >= 3 else None
        on_below = (ink[y1 + 1:y1 + 3, x0:x1] > 0).all(axis=0) if y1 + 3 <= height else None
        crossing = np.zeros(region.shape[1], dtype=bool)
        if on_above is not None and on_below is not None:
            crossing = (region.mean(axis=0) >= 0.9) & on_above & on_below
        # Horizontal rules crossing the box: the rows where the line mask covers most of its width.
        ruled = np.flatnonzero((h_mask[y0:y1, x0:x1] > 0).mean(axis=1) >= 0.5)
        tops, bottoms = ruled[ruled < (y1 - y0) / 2], ruled[ruled >= (y1 - y0) / 2]
        top, bottom = (int(tops[0]) if tops.size else 0), (int(bottoms[-1]) + 1 if bottoms.size else y1 - y0)
        # Where no rule bounds the box, the line must go on beyond it.
        ends = [on for on, ruled_end in ((on_above, tops.size), (on_below, bottoms.size)) if not ruled_end]
        tall = bottom - top >= 0.5 * (y1 - y0)
        if (tops.size or bottoms.size) and tall and all(on is not None for on in ends):
            lone = _lone_columns(ink[y0 + top:y0 + bottom], x0, x1, margin)
            for on in ends:
                if on is not None:
                    lone &= on
            crossing |= lone
        erased[y0 + dy:y1 - dy, x0 + dx:x1 - dx] = 0
        for col in np.flatnonzero(crossing).tolist():
            erased[y0:y1, x0 + col] = ink[y0:y1, x0 + col]
    return erased


def _lone_columns(band: Gray, x0: int, x1: int, margin: int) -> npt.NDArray[np.bool_]:
    """Columns x0..x1 of `band` (one table row, border to border) that are a line standing alone.

    A run of pixel columns inked over the whole band with paper on both sides of it (`margin`
    pixels, one pixel of blur away): a character stroke that happens to reach both borders has
    the character's other strokes beside it.
    """
    inked = band > 0
    inner = inked[3:-3] if inked.shape[0] > 12 else inked
    full = np.concatenate([[False], inked[:, x0:x1].mean(axis=0) >= 0.9, [False]])
    edges = np.flatnonzero(np.diff(full.astype(np.int8)))
    out = np.zeros(x1 - x0, dtype=bool)
    for start, stop in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        a, b = x0 + start, x0 + stop  # the run is columns a..b-1
        left = inner[:, max(0, a - 1 - margin):max(0, a - 1)]
        right = inner[:, b + 1:b + 1 + margin]
        if left.shape[1] == margin and right.shape[1] == margin and max(left.mean(), right.mean()) < 0.1:
            out[start:stop] = True
    return out


def _weight(ch: str) -> float:
    if ch.isspace():
        return 0.35
    return 1.0 if unicodedata.east_asian_width(ch) in {"W", "F"} else 0.55


def boxes_to_glyphs(boxes: Sequence[OcrBox], scale: float) -> list[Glyph]:
    """Each recognised run split into per-character glyphs along its long side (scaled to page units)."""
    out: list[Glyph] = []
    for box in boxes:
        text = unicodedata.normalize("NFC", box.text).strip()
        if not text:
            continue
        x0, y0, x1, y1 = _extent(box)
        vertical = (y1 - y0) > 1.5 * (x1 - x0) and len(text) > 1
        weights = [_weight(ch) for ch in text]
        total = sum(weights) or 1.0
        pos = y0 if vertical else x0
        span = (y1 - y0) if vertical else (x1 - x0)
        size = ((x1 - x0) if vertical else (y1 - y0)) / 1.3
        for ch, wgt in zip(text, weights, strict=True):
            step = span * wgt / total
            g = (x0, pos, x1, pos + step) if vertical else (pos, y0, pos + step, y1)
            pos += step
            out.append(Glyph(text=ch, x0=g[0] * scale, top=g[1] * scale, x1=g[2] * scale, bottom=g[3] * scale,
                             size=size * scale, conf=box.conf))
    return out


def image_to_page(gray: Gray, *, number: int, scale: float = 1.0, engine: OcrEngine | None = None,
                  settings: OcrSettings | None = None, out_scale: float | None = None) -> Page:
    """One grey page image → `Page` in units of `scale` per pixel (72/dpi gives PDF points).

    Its `to_source` maps a box back into the image as given, in `out_scale` units per pixel of it
    (default `scale`): the page is read after it is made frontal, deskewed and levelled.
    """
    out_scale = scale if out_scale is None else out_scale
    s = settings or OcrSettings()
    gray, warp = frontal(gray)
    unwarp = Unwarp(scale_in=scale, scale_out=out_scale).then(warp)
    ink = binarise(gray)
    angle = skew_angle(ink, s.max_skew)
    if abs(angle) >= 0.05:
        gray, turn = rotate(gray, angle)
        unwarp = unwarp.then(turn)
        ink = binarise(gray)
    gray, levelled = level_rules(gray, ink)
    unwarp = unwarp.then(levelled)
    boxes = (engine or RapidEngine()).read(gray)
    heights = sorted(max(p[1] for p in b.quad) - min(p[1] for p in b.quad) for b in boxes if b.text.strip())
    text_height = heights[len(heights) // 2] / 1.3 if heights else 20.0
    boxes = [b for b in boxes if not _speck(b, text_height)]
    found = find_rules(gray, boxes, text_height)
    boxes = split_at_rules(gray, boxes, found, engine or RapidEngine())
    rules = [Rule(x0=r.x0 * scale, top=r.top * scale, x1=r.x1 * scale, bottom=r.bottom * scale) for r in found]
    h, w = gray.shape
    page = Page(number=number, width=w * scale, height=h * scale, glyphs=tuple(boxes_to_glyphs(boxes, scale)),
                rules=tuple(rules), method="ocr", to_source=unwarp if unwarp.steps or out_scale != scale else None)
    return reread_numbers(page, gray, scale, engine or RapidEngine())


def split_at_rules(gray: Gray, boxes: Sequence[OcrBox], rules: Sequence[Rule], engine: OcrEngine) -> list[OcrBox]:
    """Boxes the detector drew across a column rule, cut at the rule and each piece read again.

    Splitting a run's text in proportion to width would guess which characters fall in which
    cell; reading each piece tells. A piece lying mostly over a box that crosses no rule is the
    edge of that box's text, which the detector took in too (it is read there already).
    """
    verticals = [r for r in rules if not r.horizontal]
    out: list[OcrBox] = []
    pieces: list[tuple[float, float, float, float]] = []
    for box in boxes:
        x0, y0, x1, y1 = _extent(box)
        h = y1 - y0
        cuts = sorted(r.x0 for r in verticals
                      if x0 + 0.3 * h < r.x0 < x1 - 0.3 * h and r.top <= y0 + 0.3 * h and r.bottom >= y1 - 0.3 * h)
        if not cuts:
            out.append(box)
            continue
        edges = [x0, *cuts, x1]
        for a, b in itertools.pairwise(edges):
            if b - a >= 0.4 * h:
                pieces.append((a + 2, y0, b - 2, y1))
    whole = [_extent(b) for b in out]
    pieces = [p for p in pieces if not any(_overlap(p, w) > 0.5 * (p[2] - p[0]) for w in whole)]
    crops = [gray[int(y0):int(y1) + 1, int(a):int(b) + 1] for a, y0, b, y1 in pieces]
    for (a, y0, b, y1), (text, conf) in zip(pieces, engine.read_lines(crops), strict=True):
        if text.strip():
            out.append(OcrBox(((a, y0), (b, y0), (b, y1), (a, y1)), text, conf))
    return out


def _extent(box: OcrBox) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of a detector box (its quad may be slightly rotated)."""
    xs = [p[0] for p in box.quad]
    ys = [p[1] for p in box.quad]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Width two boxes share, when they share at least half the height of the shorter one."""
    dy = min(a[3], b[3]) - max(a[1], b[1])
    if dy < 0.5 * min(a[3] - a[1], b[3] - b[1]):
        return 0.0
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0]))


def _speck(box: OcrBox, text_height: float) -> bool:
    """A tiny, unsure box: scanner dirt read as a character."""
    x0, y0, x1, y1 = _extent(box)
    small = x1 - x0 < 0.7 * text_height and y1 - y0 < 0.7 * text_height
    return small and box.conf < 0.9


def _marks(text: str) -> bool:
    """Punctuation and symbols only: a speck read as "、", "°" or ".." next to a number."""
    return all(unicodedata.category(ch)[0] in "PSZ" for ch in text)


def _digit_like(text: str) -> bool:
    t = text.replace("\n", "")
    return bool(t.strip()) and len(t) <= 16 and all(ch in _DIGIT_LIKE or _marks(ch) for ch in t) and any(
        ch.isdigit() or ch in "oOQDaIl|。○〇口SsBg" for ch in t)


def _ink_crop(gray: Gray, box: tuple[int, int, int, int], text_height: float) -> Gray | None:
    """The ink of a cell (borders and specks left out), padded with white, or None if it is empty.

    A speck inside the digits' box (the empty corner of a "0") is painted out too, or it is read
    as a point; a small mark with digits on both sides is a decimal point and stays.
    """
    cv2 = _cv2()
    x0, y0, x1, y1 = box
    inner = gray[y0:y1, x0:x1]
    if inner.size == 0:
        return None
    _, ink = cv2.threshold(inner, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if float(inner.min()) > 160:  # nothing dark: Otsu on paper texture is noise
        return None
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    thin = 0.15 * text_height

    def is_ink(st: Any) -> bool:
        x, y, cw, ch, area = (int(v) for v in st[:5])
        touches = x == 0 or y == 0 or x + cw >= w or y + ch >= h
        if touches and (cw <= thin or ch <= thin):  # what is left of a border rule
            return False
        return area >= 0.02 * text_height ** 2 and ch >= 0.3 * text_height

    kept = [i for i in range(1, n) if is_ink(stats[i])]
    if not kept:
        return None
    keep = [stats[i] for i in kept]

    def between_digits(st: Any) -> bool:
        left, right = int(st[0]), int(st[0] + st[2])
        return any(k[0] + k[2] <= left for k in keep) and any(k[0] >= right for k in keep)

    specks = [i for i in range(1, n) if i not in kept and not between_digits(stats[i])]
    cx0 = min(int(s[0]) for s in keep)
    cy0 = min(int(s[1]) for s in keep)
    cx1 = max(int(s[0] + s[2]) for s in keep)
    cy1 = max(int(s[1] + s[3]) for s in keep)
    lab = labels[cy0:cy1, cx0:cx1]
    marks = cv2.dilate(np.isin(lab, [i for i in range(1, n) if i not in specks]).astype(np.uint8),
                       np.ones((3, 3), np.uint8)) > 0
    crop = np.where(marks, inner[cy0:cy1, cx0:cx1], 255).astype(np.uint8)
    pad = max(4, int(0.4 * (cy1 - cy0)))
    return np.asarray(cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255), dtype=np.uint8)


def marks_apart(crop: Gray) -> list[tuple[int, int]]:
    """The x-ranges of the separate full-height marks of a number's crop (digits, not points).

    Pieces that overlap across x are one mark (a digit broken by JPEG stays one); a point, comma
    or minus is too short to count.
    """
    cv2 = _cv2()
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return []
    tallest = max(int(st[3]) for st in stats[1:])
    spans = sorted((int(st[0]), int(st[0] + st[2])) for st in stats[1:] if st[3] >= 0.5 * tallest)
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def cut_bridges(crop: Gray, marks: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Marks cut where only faint ink joins two dark runs (blur or a shadow spread under "11").

    Asked only of a crop whose reading is too narrow for its ink, so a digit's own thin parts
    never split a number that already reads whole.
    """
    dark = (255 - crop.astype(np.int32)).sum(axis=0)
    out: list[tuple[int, int]] = []
    for a, b in marks:
        strong = dark[a:b] >= 0.15 * dark[a:b].max()
        edges = np.flatnonzero(np.diff(np.concatenate(([0], strong.astype(np.int8), [0]))))
        runs = [(a + int(lo), a + int(hi)) for lo, hi in zip(edges[::2], edges[1::2], strict=True)]
        if len(runs) > 1 and all(hi - lo >= 2 for lo, hi in runs):
            cuts = [(x1 + x0) // 2 for (_, x1), (x0, _) in itertools.pairwise(runs)]
            out += list(itertools.pairwise([a, *cuts, b]))
        else:
            out.append((a, b))
    return out


def spaced(crop: Gray, marks: Sequence[tuple[int, int]]) -> Gray:
    """The crop with paper put between its marks, so each is read as a character of its own."""
    gap = np.full((crop.shape[0], max(3, round(0.3 * crop.shape[0]))), 255, dtype=np.uint8)
    cuts = [(a + b) // 2 for (_, a), (b, _) in itertools.pairwise(marks)]
    parts = [crop[:, lo:hi] for lo, hi in itertools.pairwise([0, *cuts, crop.shape[1]])]
    return np.hstack([p for part in parts for p in (part, gap)][:-1])


def leading_minus(crop: Gray) -> int | None:
    """Where the digits start, if a minus sign stands before them (else None).

    A minus is a short stroke at mid-height left of the digits; blurred, it touches the first
    digit and the recogniser reads the pair as one odd digit ("-6" as "6"). Found by the ink's
    column profile, so the digits can be read without it and the sign put back.
    """
    cv2 = _cv2()
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    inked = ink > 0
    rows = np.flatnonzero(inked.any(axis=1))
    cols = np.flatnonzero(inked.any(axis=0))
    if rows.size == 0:
        return None
    top, height = int(rows[0]), float(rows[-1] - rows[0] + 1)
    stub = 0
    for x in range(int(cols[0]), int(cols[-1]) + 1):
        ys = np.flatnonzero(inked[:, x])
        if ys.size == 0:
            if stub:
                continue  # paper between the sign and the digits
            return None
        extent, centre = (ys[-1] - ys[0] + 1) / height, ((ys[0] + ys[-1]) / 2 - top) / height
        if extent > 0.3:  # the first digit begins (full height further on: the ink's own height)
            return x if 0.25 * height <= stub <= 0.9 * height else None
        if not 0.3 <= centre <= 0.75:
            return None
        stub += 1
    return None


def read_signed(crops: Sequence[Gray], engine: OcrEngine,
                known: Sequence[tuple[str, float] | None] | None = None) -> list[tuple[str, float]]:
    """Number crops read with their sign: a minus found on paper is cut off before reading (the
    digits then read cleanly) and put back in front of what is read.

    A crop with a `known` reading (the page-wide read was sure of its digits) is not read again,
    unless a minus is found on paper; every reading is still checked against the marks.
    """
    starts = [leading_minus(c) for c in crops]
    bare = [c if x is None else np.where(np.arange(c.shape[1]) < x, 255, c).astype(np.uint8)
            for c, x in zip(crops, starts, strict=True)]
    given = [k if k is not None and x is None else None
             for k, x in zip(known or [None] * len(crops), starts, strict=True)]
    todo = [i for i, k in enumerate(given) if k is None]
    read = iter(engine.read_numbers([bare[i] for i in todo]))
    first = [k if k is not None else next(read) for k in given]
    readings = _accounted(bare, first, engine)
    return [(f"-{text.lstrip('-')}", conf) if x is not None and text.lstrip("-")[:1].isdigit() else (text, conf)
            for (text, conf), x in zip(readings, starts, strict=True)]


def _accounted(crops: Sequence[Gray], readings: list[tuple[str, float]],
               engine: OcrEngine) -> list[tuple[str, float]]:
    """Each reading checked against the marks on paper: fewer digits than separate marks means the
    recogniser ran two alike together ("11" as "1", a CTC decoder's repeat) or lost one. Such a
    crop is read again with its marks set apart; a reading that still leaves a mark out is kept
    with no confidence (null, with a reason), never as a shorter number.
    """
    out = list(readings)
    short: list[tuple[int, list[tuple[int, int]]]] = []
    for i, (text, _) in enumerate(readings):
        marks = marks_apart(crops[i]) if any(ch.isdigit() for ch in text) else []
        if len(marks) > _tall(text):
            short.append((i, marks))
        elif marks and _too_wide(crops[i], marks, text):
            parts = cut_bridges(crops[i], marks)
            if len(parts) > len(marks):  # two digits joined by a light bridge: read them apart
                short.append((i, parts))
            else:
                out[i] = (text, 0.0)  # two digits run together in the ink: no spacing can part them
    again = engine.read_numbers([spaced(crops[i], marks) for i, marks in short])
    for (i, marks), (text, conf) in zip(short, again, strict=True):
        ok = _tall(text) == len(marks) and not _too_wide(crops[i], marks, text)
        out[i] = (text, conf) if ok else (readings[i][0], 0.0)
    return out


def _tall(text: str) -> int:
    """The characters of a number that stand full height on paper (not a point, comma or minus)."""
    return sum(ch.isdigit() or ch in "/元万" for ch in text)


def _too_wide(crop: Gray, marks: Sequence[tuple[int, int]], text: str) -> bool:
    """Ink wider than the characters read can fill: a digit the reading left out.

    Widths are in units of the ink's height; a digit is at most about 0.85 of it wide in any
    common face (blur included), a "1" under 0.5; allowances are generous, so only a missing
    character, never a wide font, trips it.
    """
    cv2 = _cv2()
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rows = np.flatnonzero(ink.any(axis=1))
    height = float(rows[-1] - rows[0] + 1) if rows.size else 0.0
    if height <= 0:
        return False
    room = sum(0.6 if ch == "1" else 1.3 if ch in "元万" else 1.0 for ch in text if _tall(ch))
    room += 0.35 * sum(1 for ch in text if ch in ".,")
    return (marks[-1][1] - marks[0][0]) / height > room + 0.15 * max(0, _tall(text) - 1)


def _numeric_columns(grid: Any) -> dict[int, int]:
    """Columns most of whose filled cells read as numbers → the first row holding one.

    Below that row, a cell of the column is a statistic whatever the page-wide read made of it.
    """
    seen: dict[int, list[int]] = {}
    for cell in grid.cells:
        if cell.colspan == 1 and cell.text.strip():
            seen.setdefault(cell.col, []).append(cell.row if _digit_like(cell.text) else -1)
    return {col: min(r for r in rows if r >= 0) for col, rows in seen.items()
            if len(rows) >= 3 and sum(r >= 0 for r in rows) >= 0.6 * len(rows)}


def _unsure_in_numbers(cell: Any, below: Mapping[int, int]) -> bool:
    """A short reading that is unsure, or marks only ("+", "的"), in a column of numbers: a blurred
    digit to read again (a printed "-" or "/" reads back as itself)."""
    text = cell.text.replace("\n", "").strip()
    return (cell.colspan == 1 and cell.row > below.get(cell.col, cell.row) and len(text) <= 2
            and (cell.conf < _UNSURE or _marks(text)))


def reread_numbers(page: Page, gray: Gray, scale: float, engine: OcrEngine) -> Page:
    """Table cells that read as a number (or hold ink OCR missed) re-read with digits only."""
    from .layout_tables import page_to_grids

    grids = [g for g in page_to_grids(page) if not g.is_text_box]
    if not grids:
        return page
    sizes = sorted(g.bottom - g.top for g in page.glyphs if not g.text.isspace())
    text_height = (sizes[len(sizes) // 2] / scale / 1.3) if sizes else 20.0
    targets: list[tuple[float, float, float, float]] = []
    crops: list[Gray] = []
    known: list[tuple[str, float] | None] = []
    for grid in grids:
        below = _numeric_columns(grid)
        for cell in grid.cells:
            lines = [ln for ln in cell.text.split("\n") if ln.strip()]
            numeric = [ln for ln in lines if _digit_like(ln)]
            # A number, maybe with a speck read as a stray character on a line of its own.
            number = not lines or (numeric and all(ln in numeric or len(ln.strip()) <= 1 or _marks(ln) for ln in lines))
            if not (number or _unsure_in_numbers(cell, below)):
                continue
            inset = 0.25 * text_height
            box = (int(cell.x0 / scale + inset), int(cell.top / scale + inset / 2),
                   int(cell.x1 / scale - inset), int(cell.bottom / scale - inset / 2))
            if box[2] - box[0] < 0.5 * text_height or box[3] - box[1] < 0.5 * text_height:
                continue
            crop = _ink_crop(gray, box, text_height)
            if crop is None:
                continue
            targets.append((cell.x0, cell.top, cell.x1, cell.bottom))
            crops.append(crop)
            text = cell.text.strip()
            known.append((text, cell.conf) if text.isascii() and text.isdigit() and cell.conf >= _SURE else None)
    if not crops:
        return page
    readings = read_signed(crops, engine, known)
    glyphs = [g for g in page.glyphs if not any(t[0] <= g.cx <= t[2] and t[1] <= g.cy <= t[3] for t in targets)]
    for (x0, top, x1, bottom), (read, conf) in zip(targets, readings, strict=True):
        text = read.rstrip(".-/").lstrip("./")
        if text != read:  # a speck read as a point: the digits stand, with less certainty
            conf *= 0.9
        if not text and read in {"/", "-", "—"}:  # a printed mark, not a number
            text, conf = read, conf / 0.9
        if not text:
            text, conf = "?", 0.0
        cy, h = (top + bottom) / 2, text_height * scale
        width = (x1 - x0) / (len(text) + 1)
        for i, ch in enumerate(text):
            gx = x0 + width * (i + 0.5)
            glyphs.append(Glyph(text=ch, x0=gx, top=cy - h / 2, x1=gx + width, bottom=cy + h / 2, size=h, conf=conf))
    return replace(page, glyphs=tuple(glyphs))


def ocr_pdf_page(doc: Any, number: int, *, width: float, height: float, dpi: int, uri: str,
                 engine: OcrEngine | None = None) -> Page:
    """Render page `number` of a pypdfium2 document at `dpi` and read it; coordinates in points."""
    page = doc[number - 1]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        gray = np.asarray(bitmap.to_pil().convert("L"), dtype=np.uint8)
    except Exception as exc:
        raise MalformedDocument(uri, f"page {number} cannot be rendered for OCR: {exc}") from exc
    finally:
        page.close()
    return image_to_page(gray, number=number, scale=72 / dpi, engine=engine)


def _frames(data: bytes, uri: str, settings: OcrSettings) -> list[tuple[Gray, float]]:
    """Each frame as read (scaled down past `max_side`) with the factor back to the file's own pixels."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise DocumentTooLarge(uri, f"image too large to decode: {exc}") from exc
        except (UnidentifiedImageError, OSError) as exc:
            raise MalformedDocument(uri, f"not a readable image: {exc}") from exc
        w, h = image.size
        if w * h > settings.max_pixels:
            raise DocumentTooLarge(uri, f"a {w}×{h} image (over {settings.max_pixels:,} pixels)")
        frames: list[tuple[Gray, float]] = []
        try:
            for index in range(min(getattr(image, "n_frames", 1), 50)):
                image.seek(index)
                frame = ImageOps.exif_transpose(image.convert("L"))
                back = 1.0
                if max(frame.size) > settings.max_side:
                    ratio = settings.max_side / max(frame.size)
                    small = (int(frame.width * ratio), int(frame.height * ratio))
                    back = frame.width / small[0]
                    frame = frame.resize(small, Image.Resampling.LANCZOS)
                frames.append((np.asarray(frame, dtype=np.uint8), back))
        except (OSError, ValueError, EOFError) as exc:
            raise MalformedDocument(uri, f"the image data is damaged or truncated: {exc}") from exc
    return frames


class ImageExtractor:
    """PNG/JPEG/GIF/TIFF (a scanned report, or a table pasted as a picture) → `Document` via OCR."""

    name = NAME
    version = VERSION

    def __init__(self, engine: OcrEngine | None = None, settings: OcrSettings | None = None) -> None:
        self.engine = engine
        self.settings = settings or OcrSettings()

    def extract(self, data: bytes, *, source: SourceRef, headers: Mapping[str, str] | None = None) -> Document:
        frames = _frames(data, source.uri, self.settings)
        pages = [image_to_page(f, number=i, engine=self.engine, settings=self.settings, out_scale=back)
                 for i, (f, back) in enumerate(frames, start=1)]
        blocks = layouts_to_blocks([page_layout(p) for p in pages], method="ocr")
        if not blocks:
            raise NoContent(source.uri, "OCR found no text in the image")
        maps = {p.number: p.to_source for p in pages if p.to_source is not None}
        return Document(source=source, blocks=blocks_to_source(blocks, maps), extractor=NAME,
                        extractor_version=VERSION, bbox_unit="px")
