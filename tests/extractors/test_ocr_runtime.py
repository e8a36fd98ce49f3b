"""The OCR models on OpenVINO read what onnxruntime reads (same boxes, text and confidence), and the
detector's input normalised by table is bit for bit the library's own."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.ocr import RapidEngine
from extractors.ocr_runtime import OpenVinoSession, normalise_by_table, use_openvino

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CROPS = Path(__file__).parents[1] / "fixtures" / "ocr" / "crops"
LINES = ("二、收到和处理政府信息公开申请情况", "本年新收政府信息公开申请数量 1,234 件", "行政复议 12 结果维持 7 纠正 0",
         "2022年，我局政府信息公开工作取得了一定成效。")


def _shipped() -> Any:
    """RapidOCR as its package builds it (onnxruntime sessions), with the extractor's settings."""
    from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]

    return RapidOCR(use_cls=False, text_score=0.0, rec_batch_num=1, rec_img_shape=[3, 48, 160],
                    intra_op_num_threads=1, inter_op_num_threads=1)


def _page() -> np.ndarray:
    """A page of printed lines (Noto Sans CJK, about 10.5 pt at 200 dpi)."""
    img = Image.new("L", (1400, 120 + 70 * len(LINES)), 255)
    draw = ImageDraw.Draw(img)
    face = ImageFont.truetype(FONT, 29, index=2)
    for i, line in enumerate(LINES):
        draw.text((80, 60 + 70 * i), line, fill=0, font=face)
    return np.dstack([np.asarray(img, dtype=np.uint8)] * 3)


@pytest.fixture(scope="module")
def engines() -> tuple[Any, Any]:
    ort, ov = _shipped(), _shipped()
    assert use_openvino(ov)
    return ort, ov


def test_the_extractors_engine_runs_on_openvino() -> None:
    engine = RapidEngine()._get()
    assert isinstance(engine.text_det.infer.session, OpenVinoSession)
    assert isinstance(engine.text_rec.session.session, OpenVinoSession)


def test_a_page_reads_the_same_on_both_runtimes(engines: tuple[Any, Any]) -> None:
    ort, ov = engines
    (want, _), (got, _) = ort(_page()), ov(_page())
    assert [t for _, t, _ in want] == [t for _, t, _ in got]
    # and it is the printed text (the recogniser does not emit the spaces between words and numbers)
    assert [t for _, t, _ in got] == [line.replace(" ", "") for line in LINES]
    for (qa, _, ca), (qb, _, cb) in zip(want, got, strict=True):
        assert np.abs(np.asarray(qa) - np.asarray(qb)).max() <= 1.0
        assert abs(ca - cb) < 1e-4


@pytest.mark.parametrize("name", sorted(p.name for p in CROPS.glob("*.png")))
def test_a_number_crops_scores_are_the_same_on_both_runtimes(engines: tuple[Any, Any], name: str) -> None:
    """The digits-only reader takes the recogniser's raw output: it must not move either."""
    ort, ov = engines
    gray = np.asarray(Image.open(CROPS / name).convert("L"), dtype=np.uint8)
    tensor = ort.text_rec.resize_norm_img(np.dstack([gray] * 3), max(320 / 48, gray.shape[1] / gray.shape[0]))
    batch = tensor[np.newaxis, :].astype(np.float32)
    a, b = ort.text_rec.session(batch)[0], ov.text_rec.session(batch)[0]
    assert a.shape == b.shape
    assert np.abs(a - b).max() < 1e-4


def test_the_outputs_are_the_callers_own(engines: tuple[Any, Any]) -> None:
    """The compiled model's request reuses its buffers: an output kept must not change on the next call."""
    _, ov = engines
    crops = [np.asarray(Image.open(CROPS / n).convert("L"), dtype=np.uint8) for n in ("n0.png", "n24252.31.png")]
    tensors = [ov.text_rec.resize_norm_img(np.dstack([c] * 3), 320 / 48)[np.newaxis, :].astype(np.float32) for c in crops]
    first = ov.text_rec.session(tensors[0])[0]
    kept = first.copy()
    ov.text_rec.session(tensors[1])
    assert np.array_equal(first, kept)


def test_without_openvino_the_shipped_sessions_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _shipped()
    det, rec = engine.text_det.infer.session, engine.text_rec.session.session
    monkeypatch.setitem(sys.modules, "openvino", None)  # import openvino now raises ImportError
    assert not use_openvino(engine)
    assert engine.text_det.infer.session is det and engine.text_rec.session.session is rec


@pytest.mark.parametrize(("mean", "std"), [([0.5] * 3, [0.5] * 3), ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
def test_the_detectors_input_by_table_is_the_librarys_own(mean: list[float], std: list[float]) -> None:
    engine = _shipped()
    det = engine.text_det
    det.mean, det.std = mean, std
    page = _page()
    page[::7, ::5] = (17, 140, 250)  # colour, so each channel's table is used
    want = det.get_preprocess(max(page.shape))(page)
    assert normalise_by_table(engine)
    got = det.get_preprocess(max(page.shape))(page)
    assert got.dtype == want.dtype == np.float32 and got.shape == want.shape
    assert np.array_equal(got, want)
    assert type(det.get_preprocess(max(page.shape))).__name__ == "LookupPreProcess"


def test_the_extractors_detector_normalises_by_table() -> None:
    det = RapidEngine()._get().text_det
    assert type(det.get_preprocess(2000)).__name__ == "LookupPreProcess"
