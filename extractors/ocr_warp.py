"""Where a point of the page as read lies in the image as given: the corrections undone.

A photo is read after it is made frontal (a perspective warp), deskewed (a rotation) and
levelled (a remap that straightens sloping rules); a box found on that page is in its pixels,
not the photo's. A reader checking a number against the file needs the box where the file
shows it, so each correction records its inverse and a box is mapped back through them, last
first (its four corners mapped, their bounding box taken).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from .model import BBox, Block, TextBlock

Points = npt.NDArray[np.float64]


def _cv2() -> Any:
    import cv2

    return cv2


class Step(Protocol):
    def back(self, xy: Points) -> Points:
        """Points of the corrected image → points of the image the correction was given."""


@dataclass(frozen=True, slots=True)
class Perspective:
    """The sheet warped frontal by `forward` (photo → page); back is its inverse."""

    forward: npt.NDArray[np.float64]

    def back(self, xy: Points) -> Points:
        inverse = np.linalg.inv(self.forward)
        out = _cv2().perspectiveTransform(xy.reshape(-1, 1, 2).astype(np.float64), inverse)
        return np.asarray(out, dtype=np.float64).reshape(-1, 2)


@dataclass(frozen=True, slots=True)
class Affine:
    """A rotation (or any affine map) by the 2×3 matrix `forward`."""

    forward: npt.NDArray[np.float64]

    def back(self, xy: Points) -> Points:
        inverse = _cv2().invertAffineTransform(self.forward)
        return np.asarray(xy @ inverse[:, :2].T + inverse[:, 2], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Level:
    """The remap of `level_rules`: the page as read samples the given page at
    x + (a_c + b_c·x)(y − h/2), y + (a_r + b_r·y)(x − w/2) — already the way back."""

    rows: tuple[float, float] | None
    cols: tuple[float, float] | None
    width: int
    height: int

    def back(self, xy: Points) -> Points:
        x, y = xy[:, 0], xy[:, 1]
        bx, by = x.copy(), y.copy()
        if self.rows is not None:
            by += (self.rows[0] + self.rows[1] * y) * (x - self.width / 2)
        if self.cols is not None:
            bx += (self.cols[0] + self.cols[1] * x) * (y - self.height / 2)
        return np.stack([bx, by], axis=1)


@dataclass(frozen=True, slots=True)
class Unwarp:
    """The corrections made to one page image, in the order made, and the units either side:
    boxes come in units of `scale_in` per pixel read, leave in `scale_out` per pixel given."""

    steps: tuple[Step, ...] = ()
    scale_in: float = 1.0
    scale_out: float = 1.0

    def then(self, step: Step | None) -> Unwarp:
        return self if step is None else Unwarp((*self.steps, step), self.scale_in, self.scale_out)

    def bbox(self, bbox: BBox) -> BBox:
        x0, top, x1, bottom = (v / self.scale_in for v in bbox)
        xy = np.array([[x0, top], [x1, top], [x1, bottom], [x0, bottom]], dtype=np.float64)
        for step in reversed(self.steps):
            xy = step.back(xy)
        k = self.scale_out
        # Hundredths of a unit: finer is noise of the fits, and last-bit float differences
        # between machines must not reach the dataset.
        return (round(float(xy[:, 0].min()) * k, 2), round(float(xy[:, 1].min()) * k, 2),
                round(float(xy[:, 0].max()) * k, 2), round(float(xy[:, 1].max()) * k, 2))


def _moved(bbox: BBox | None, unwarp: Unwarp | None) -> BBox | None:
    return bbox if bbox is None or unwarp is None else unwarp.bbox(bbox)


def block_to_source(block: Block, maps: Mapping[int, Unwarp]) -> Block:
    """A block's boxes (and its cells') where the image as given shows them."""
    if isinstance(block, TextBlock):
        return replace(block, bbox=_moved(block.bbox, maps.get(block.page or 0)))
    return replace(block, cells=tuple(replace(c, bbox=_moved(c.bbox, maps.get(c.page or 0))) for c in block.cells))


def blocks_to_source(blocks: Sequence[Block], maps: Mapping[int, Unwarp]) -> tuple[Block, ...]:
    return tuple(blocks) if not maps else tuple(block_to_source(b, maps) for b in blocks)
