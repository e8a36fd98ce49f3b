"""A box read on the corrected page lands where the image as given shows it: the perspective
warp of a photo, a deskew turn and the levelling remap each undone (extractors/ocr_warp.py)."""

from __future__ import annotations

import cv2
import numpy as np

from extractors.ocr import binarise, rotate
from extractors.ocr_photo import frontal, level_rules
from extractors.ocr_warp import Unwarp
from tests.extractors.test_ocr_photo import _keystone, _page, _photo

MARK = (480, 150, 530, 200)  # a square frame above the table: x0, top, x1, bottom on the page


def _marked() -> np.ndarray:
    """`_page` with a square drawn in 4-pixel strokes (ink, so evening the light keeps it)."""
    page = _page()
    x0, top, x1, bottom = MARK
    page[top:bottom, x0:x1] = 10
    page[top + 4:bottom - 4, x0 + 4:x1 - 4] = 250
    return page


def _find_mark(gray: np.ndarray) -> tuple[float, float, float, float]:
    """The bounding box of the one square blob (the table's marks are smaller or far wider)."""
    ink = (gray < 0.6 * float(np.median(gray))).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    squares = [s for s in stats[1:] if 30 < s[2] < 90 and 30 < s[3] < 90 and abs(s[2] - s[3]) < 0.3 * s[2]]
    assert len(squares) == 1, f"{len(squares)} square blobs"
    x, y, w, h = (float(v) for v in squares[0][:4])
    return x, y, x + w, y + h


def _close(a: tuple[float, ...], b: tuple[float, ...], tol: float) -> bool:
    return max(abs(p - q) for p, q in zip(a, b, strict=True)) <= tol


def test_a_box_on_the_frontal_page_maps_back_onto_the_photo() -> None:
    corners = np.array([[40, 60], [735, 30], [770, 1020], [20, 1050]], dtype=np.float32)
    shot = _photo(_marked(), corners, (800, 1090))
    flat, warp = frontal(shot)
    assert warp is not None
    on_flat, on_shot = _find_mark(flat), _find_mark(shot)
    assert not _close(on_flat, on_shot, 10)  # the correction moved it, so the test can tell
    assert _close(Unwarp().then(warp).bbox(on_flat), on_shot, 4)


def test_a_deskew_turn_and_the_levelling_map_back() -> None:
    page = _marked()
    turned, turn = rotate(page, 2.5)
    on_turned = _find_mark(turned)
    assert not _close(on_turned, MARK, 6)
    assert _close(Unwarp().then(turn).bbox(on_turned), _find_mark(page), 3)
    bent = _keystone(page, -0.003, 0.025)
    level, remap = level_rules(bent, binarise(bent))
    assert remap is not None
    assert _close(Unwarp().then(remap).bbox(_find_mark(level)), _find_mark(bent), 3)


def test_units_either_side_are_kept() -> None:
    """Boxes in PDF points of a page read at 200 dpi go back in points; a frame read scaled down
    goes back in the file's own pixels."""
    turned, turn = rotate(_marked(), 1.0)
    on_turned = _find_mark(turned)
    pixels = Unwarp().then(turn).bbox(on_turned)
    points = Unwarp(scale_in=72 / 200, scale_out=72 / 200).then(turn).bbox(tuple(v * 72 / 200 for v in on_turned))
    assert _close(points, tuple(v * 72 / 200 for v in pixels), 0.02)  # boxes are kept to hundredths
    doubled = Unwarp(scale_in=1.0, scale_out=2.0).then(turn).bbox(on_turned)
    assert _close(doubled, tuple(2 * v for v in pixels), 0.02)  # boxes are kept to hundredths
