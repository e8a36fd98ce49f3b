"""Phone photos of a page → a flat, frontal page image, before anything is read off it.

A photo differs from a scan in two ways that defeat a table reader: the light falls unevenly (a
shadow across the page moves Otsu's threshold, so one side's ink drowns or its paper turns to ink),
and the page is seen at an angle (its rules converge, so a column's cells drift into the next
column down the page). The first is undone by dividing by the paper's own brightness, estimated
by a closing that removes the ink; the second by finding the sheet's four corners against the
darker surround and warping them back to a rectangle. A scan, evenly lit and filling the frame,
passes both unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .ocr_warp import Level, Perspective

Gray = npt.NDArray[np.uint8]

UNEVEN = 24
"""Spread (grey levels, 5th to 95th percentile) of the paper's brightness above which it is flattened."""
MIN_SHEET = 0.35
"""Share of the frame a sheet must cover to be taken as the page."""


def _cv2() -> Any:
    import cv2

    return cv2


def paper(gray: Gray) -> Gray:
    """The paper's brightness at every pixel (ink closed over), estimated on a quarter-size copy."""
    cv2 = _cv2()
    h, w = gray.shape
    small = cv2.resize(gray, (max(w // 4, 1), max(h // 4, 1)), interpolation=cv2.INTER_AREA)
    k = max(5, min(small.shape) // 30) | 1
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    closed = cv2.medianBlur(closed, k if k <= 255 else 255)
    return np.asarray(cv2.resize(closed, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.uint8)


def even_light(gray: Gray, sheet: npt.NDArray[np.bool_] | None = None) -> Gray:
    """Divide by the paper's brightness where it varies across the sheet; otherwise unchanged."""
    bg = paper(gray)
    inside = bg[sheet] if sheet is not None and sheet.any() else bg.ravel()
    lo, hi = np.percentile(inside, [5, 95])
    if hi - lo < UNEVEN:
        return gray
    flat = gray.astype(np.float32) * (float(hi) / np.maximum(bg.astype(np.float32), 1.0))
    return np.asarray(np.clip(flat, 0, 255), dtype=np.uint8)


def sheet_corners(gray: Gray) -> npt.NDArray[np.float32] | None:
    """The four corners of the sheet (tl, tr, br, bl) when the photo shows it against a darker
    surround, else None (a scan, or a page that fills the frame)."""
    cv2 = _cv2()
    h, w = gray.shape
    f = 800 / max(h, w)
    small = cv2.resize(gray, (max(int(w * f), 1), max(int(h * f), 1)), interpolation=cv2.INTER_AREA)
    # The sheet is brighter than the surround the frame's edges show, however a shadow falls (Otsu
    # would split a shadowed sheet in two). A median, not the paper estimate's closing, removes the
    # ink: a closing would also close over the thin strips of surround along the frame.
    bg = cv2.medianBlur(small, max(5, min(small.shape) // 40) | 1)
    edge = np.concatenate([bg[0], bg[-1], bg[:, 0], bg[:, -1]])
    surround, sheet = float(np.median(edge)), float(np.percentile(bg, 95))
    if sheet - surround < 2 * UNEVEN:
        return None
    mask = np.asarray((bg > surround + 0.35 * (sheet - surround)) * 255, dtype=np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    area = cv2.contourArea(hull)
    if area < MIN_SHEET * small.shape[0] * small.shape[1]:
        return None
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float32)
    if len(quad) != 4:
        return None
    corners: npt.NDArray[np.float32] = (_ordered(quad) / f).astype(np.float32)
    margin = 0.004 * max(h, w)
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    if np.all(np.abs(corners - frame) <= margin):
        return None
    return corners


def _ordered(quad: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s, d = quad.sum(axis=1), np.diff(quad, axis=1).ravel()
    return np.array([quad[s.argmin()], quad[d.argmin()], quad[s.argmax()], quad[d.argmax()]], dtype=np.float32)


def frontal(gray: Gray) -> tuple[Gray, Perspective | None]:
    """The photo as a flat, evenly lit, frontal page, and the warp made (None for a scan). Boxes
    read on a warped photo are in the frontal page's pixels; the warp takes them back."""
    cv2 = _cv2()
    corners = sheet_corners(gray)
    if corners is None:
        return even_light(gray), None
    tl, tr, br, bl = corners
    width = round(float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = round(float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    forward = cv2.getPerspectiveTransform(corners, target)
    page = cv2.warpPerspective(gray, forward, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return even_light(np.asarray(page, dtype=np.uint8)), Perspective(np.asarray(forward, dtype=np.float64))


MIN_DRIFT = 3.0
"""Pixels a ruling line may drift end to end before the page is levelled."""


def _line_fits(ink: Gray, *, horizontal: bool) -> list[tuple[float, float, float]]:
    """(position, slope, length) of each long ruling line: a least-squares line through its pixels.

    Position is the line's mid y (x for verticals); slope is d(across)/d(along).
    """
    cv2 = _cv2()
    h, w = ink.shape
    along = w if horizontal else h
    k = max(15, along // 25)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1) if horizontal else (1, k))
    mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, cw, ch = (int(v) for v in stats[i][:4])
        length = cw if horizontal else ch
        if length < 0.15 * along or (ch if horizontal else cw) > 0.1 * length:
            continue
        ys, xs = np.nonzero(labels[y:y + ch, x:x + cw] == i)
        a, b = (xs + x, ys + y) if horizontal else (ys + y, xs + x)
        if np.ptp(a) == 0:
            continue
        slope, icept = np.polyfit(a.astype(np.float64), b.astype(np.float64), 1)
        out.append((float(slope * a.mean() + icept), float(slope), float(length)))
    return out


def _slope_field(fits: list[tuple[float, float, float]]) -> tuple[float, float] | None:
    """slope = α + β · position, fitted over the lines (the residual keystone of a photo varies the
    slope smoothly down the page); None where too few lines tell, or where they drift too little."""
    if len(fits) < 3:
        return None
    pos = np.array([f[0] for f in fits])
    slope = np.array([f[1] for f in fits])
    length = np.array([f[2] for f in fits])
    beta, alpha = np.polyfit(pos, slope, 1) if np.ptp(pos) > 0 else (0.0, float(np.median(slope)))
    drift = np.abs(alpha + beta * pos) * length
    residual = np.abs(slope - (alpha + beta * pos)) * length
    if float(drift.max()) < MIN_DRIFT or float(np.median(residual)) > 0.5 * float(drift.max()):
        return None
    return float(alpha), float(beta)


def level_rules(gray: Gray, ink: Gray) -> tuple[Gray, Level | None]:
    """The page with its ruling lines made level and plumb.

    A photo flattened by its sheet's corners keeps some keystone when the sheet's edge is curled or
    its corners are found a few pixels off: the table's rules then slope by an amount that changes
    down the page (seen: −3 ‰ at the top, +25 ‰ at the bottom, a 30-pixel drop across a table
    whose rows are 39 pixels high), so the cells of the right-hand columns are cut half a row off.
    The rules themselves are straight lines on paper: fitted, their slopes give the field that each
    column (row) of pixels is shifted back by. A page whose rules are level is returned unchanged
    (with None for the remap made).
    """
    cv2 = _cv2()
    h, w = gray.shape
    rows = _slope_field(_line_fits(ink, horizontal=True))
    cols = _slope_field(_line_fits(ink, horizontal=False))
    if rows is None and cols is None:
        return gray, None
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    map_x, map_y = xs.copy(), ys.copy()
    if rows is not None:
        alpha, beta = rows
        map_y += (alpha + beta * ys) * (xs - w / 2)
    if cols is not None:
        alpha, beta = cols
        map_x += (alpha + beta * xs) * (ys - h / 2)
    out = cv2.remap(gray, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                    borderValue=255)
    return np.asarray(out, dtype=np.uint8), Level(rows, cols, w, h)
