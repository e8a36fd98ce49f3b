"""A phone photo made frontal and evenly lit: the sheet's corners found against the surround, a
shadow divided out; a scan (evenly lit, filling the frame) passes unchanged."""

from __future__ import annotations

import cv2
import numpy as np

from extractors.ocr import find_rules
from extractors.ocr_photo import frontal, sheet_corners


def _page(w: int = 700, h: int = 990) -> np.ndarray:
    """A white page (about 85 dpi) with a ruled table of 'characters' (10-pixel strokes)."""
    page = np.full((h, w), 250, dtype=np.uint8)
    for r in range(12):
        y = 300 + r * 40
        page[y:y + 2, 60:640] = 20
        for c in range(6):
            for k in range(3):
                x = 80 + c * 95 + k * 13
                page[y + 14:y + 26, x:x + 3] = 30
                page[y + 19:y + 21, x:x + 10] = 30
    for x in range(60, 641, 116):
        page[300:780, x:x + 2] = 20
    return page


def _photo(page: np.ndarray, corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    h, w = page.shape
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    shot = cv2.warpPerspective(page, m, size, borderValue=90)
    shade = np.linspace(1.0, 0.62, size[0], dtype=np.float32)[None, :]  # a shadow from left to right
    return np.asarray(np.clip(shot * shade, 0, 255), dtype=np.uint8)


def test_the_sheet_of_a_photo_is_found_and_made_frontal() -> None:
    corners = np.array([[40, 60], [735, 30], [770, 1020], [20, 1050]], dtype=np.float32)
    shot = _photo(_page(), corners, (800, 1090))
    found = sheet_corners(shot)
    assert found is not None and np.abs(found - corners).max() < 12
    flat = frontal(shot)
    tl, tr, br, bl = corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    assert abs(flat.shape[1] - width) < 15 and abs(flat.shape[0] - height) < 15
    # The table's rules are found again: 12 across the table, 6 down it.
    rules = find_rules(flat, [], text_height=12.0)
    across = [r for r in rules if r.top == r.bottom and r.x1 - r.x0 > 0.7 * flat.shape[1]]
    down = [r for r in rules if r.x0 == r.x1 and r.bottom - r.top > 0.4 * flat.shape[0]]
    assert len(across) == 12 and len(down) == 6


def test_a_shadow_is_divided_out() -> None:
    shot = _photo(_page(), np.array([[0, 0], [699, 0], [699, 989], [0, 989]], dtype=np.float32), (700, 990))
    flat = frontal(shot)
    paper = flat[100:250, :]  # above the table: paper only
    assert paper[:, :50].mean() - paper[:, -50:].mean() < 12


def test_a_scan_passes_unchanged() -> None:
    page = _page()
    assert sheet_corners(page) is None
    assert (frontal(page) == page).all()
