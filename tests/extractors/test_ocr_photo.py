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
    flat, _ = frontal(shot)
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
    flat, _ = frontal(shot)
    paper = flat[100:250, :]  # above the table: paper only
    assert paper[:, :50].mean() - paper[:, -50:].mean() < 12


def test_a_scan_passes_unchanged() -> None:
    page = _page()
    assert sheet_corners(page) is None
    flat, warp = frontal(page)
    assert warp is None and (flat == page).all()


def _keystone(page: np.ndarray, top: float, bottom: float) -> np.ndarray:
    """The page with its horizontal rules sloping `top` at y=0 to `bottom` at the last row (a
    residual keystone as a flattened photo keeps it)."""
    h, w = page.shape
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    slope = top + (bottom - top) * ys / h
    return np.asarray(cv2.remap(page, xs, ys - slope * (xs - w / 2), cv2.INTER_LINEAR, borderValue=250), np.uint8)


def _rule_ends(gray: np.ndarray) -> list[tuple[int, int]]:
    """(y at the left end, y at the right end) of each horizontal rule of `_page`'s table."""
    ink = (gray < 128).astype(np.uint8)
    out = []
    for y in range(300, 300 + 12 * 40, 40):
        band = slice(y - 20, y + 20)
        left = np.nonzero(ink[band, 62:66].sum(axis=1) >= 3)[0]
        right = np.nonzero(ink[band, 634:638].sum(axis=1) >= 3)[0]
        out.append((int(left.mean()) + y - 20, int(right.mean()) + y - 20))
    return out


def test_rules_sloping_more_down_the_page_are_made_level() -> None:
    from extractors.ocr import binarise
    from extractors.ocr_photo import level_rules

    bent = _keystone(_page(), -0.003, 0.025)
    drops = [r - left for left, r in _rule_ends(bent)]
    assert max(drops) >= 8 and min(drops) <= 4  # the bottom rule falls 10 pixels across the table, the top one 4
    level, _ = level_rules(bent, binarise(bent))
    assert all(abs(r - left) <= 1 for left, r in _rule_ends(level))


def test_a_page_with_level_rules_is_returned_unchanged() -> None:
    from extractors.ocr import binarise
    from extractors.ocr_photo import level_rules

    page = _page()
    level, remap = level_rules(page, binarise(page))
    assert level is page and remap is None
