"""Numbers read from cell crops of phone photos (crops cut from the blind photo corpus, truth known):
a minus blurred into its digit, two "1"s the recogniser runs together, ink wider than the reading."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from extractors.ocr import RapidEngine, cut_bridges, find_rules, leading_minus, marks_apart, read_signed
from tests.conftest import FIXTURES

CROPS = FIXTURES / "ocr" / "crops"


def crop(name: str) -> np.ndarray:
    return np.asarray(Image.open(CROPS / f"{name}.png").convert("L"), dtype=np.uint8)


@pytest.fixture(scope="module")
def engine() -> RapidEngine:
    return RapidEngine()


@pytest.mark.parametrize("name", ["minus6_a", "minus6_b", "minus6_c"])
def test_a_minus_touching_its_digit_is_kept(engine: RapidEngine, name: str) -> None:
    """Read plainly, these give "6" (0.57, 0.95) and "-6" (0.60): a wrong number or a null."""
    assert leading_minus(crop(name)) is not None
    text, conf = read_signed([crop(name)], engine)[0]
    assert text == "-6" and conf >= 0.9


def test_two_ones_set_apart_are_both_read(engine: RapidEngine) -> None:
    """CTC decoding merges a repeated character: "11" read as "1" (0.96) until the marks are spaced."""
    assert read_signed([crop("n11_apart")], engine)[0][0] == "11"


def test_ink_wider_than_the_reading_is_never_a_sure_number(engine: RapidEngine) -> None:
    """The two "1"s touch, so they cannot be spaced: "1" at 0.99 would be a wrong number."""
    text, conf = read_signed([crop("n11_joined")], engine)[0]
    assert text == "11" or conf < 0.9


@pytest.mark.parametrize("name", ["n11_joined", "n11_bridged"])
def test_two_ones_joined_by_faint_ink_are_read_apart(engine: RapidEngine, name: str) -> None:
    """Blur (and a photo's shadow) spreads a faint base under "11": one mark to the connected
    components, so the reading "1" is too narrow for the ink; cut at the faint bridge, both read."""
    assert len(marks_apart(crop(name))) == 1
    text, conf = read_signed([crop(name)], engine)[0]
    assert text == "11" and conf >= 0.9


@pytest.mark.parametrize("name", ["n0", "n317", "n481"])
def test_a_digit_is_not_cut_at_its_own_thin_strokes(name: str) -> None:
    marks = marks_apart(crop(name))
    assert cut_bridges(crop(name), marks) == marks


@pytest.mark.parametrize(("name", "want"), [("n317", "317"), ("n0", "0"), ("n24252.31", "24252.31"),
                                            ("n481", "481")])
def test_plain_numbers_are_unchanged(engine: RapidEngine, name: str, want: str) -> None:
    assert leading_minus(crop(name)) is None
    text, conf = read_signed([crop(name)], engine)[0]
    assert text == want and conf >= 0.9


def test_a_slanted_column_rule_is_a_rule() -> None:
    """A photo's residual tilt: a 600-pixel column rule drifting 12 pixels is still one rule."""
    gray = np.full((700, 400), 255, dtype=np.uint8)
    for y in range(50, 650):
        x = 200 + (y - 50) * 12 // 600
        gray[y, x:x + 3] = 40
    verticals = [r for r in find_rules(gray, [], 26.0) if not r.horizontal]
    assert len(verticals) == 1 and verticals[0].bottom - verticals[0].top >= 590
    assert 200 <= verticals[0].x0 <= 215



class Counting:
    """The real engine, counting the crops it is asked to read with digits only."""

    def __init__(self, engine: RapidEngine) -> None:
        self.engine, self.crops = engine, 0

    def read(self, image: np.ndarray) -> list:
        return self.engine.read(image)

    def read_lines(self, crops: list) -> list[tuple[str, float]]:
        return self.engine.read_lines(crops)

    def read_numbers(self, crops: list) -> list[tuple[str, float]]:
        self.crops += len(crops)
        return self.engine.read_numbers(crops)


@pytest.mark.parametrize(("name", "want"), [("n0", "0"), ("n317", "317"), ("n481", "481")])
def test_a_sure_page_reading_of_digits_is_not_read_again(engine: RapidEngine, name: str, want: str) -> None:
    counting = Counting(engine)
    assert read_signed([crop(name)], counting, [(want, 0.99)]) == [(want, 0.99)]
    assert counting.crops == 0
    assert read_signed([crop(name)], counting)[0][0] == want and counting.crops == 1


def test_a_sure_page_reading_is_still_held_against_the_marks(engine: RapidEngine) -> None:
    """A page-wide "1" at 0.99 over two marks, or over ink too wide for one digit, is read again
    with the marks set apart; a minus found on paper sends the crop to the digits-only read."""
    for name in ("n11_apart", "n11_joined", "n11_bridged"):
        assert read_signed([crop(name)], engine, [("1", 0.99)])[0][0] == "11", name
    assert read_signed([crop("minus6_a")], engine, [("6", 0.99)])[0] [0] == "-6"
