"""How the OCR models run: on OpenVINO (the same PP-OCR networks, 1.7× faster to recognise on one
core), their page input normalised through a table.

RapidOCR keeps its pre- and post-processing; only the two inference sessions it holds (detection
and recognition) are replaced by OpenVINO compiled models of the very ONNX files it ships. On the
scanned bench pages every reading is the same text and its confidence moves by under 5e-5.
Where OpenVINO cannot be loaded, RapidOCR's own onnxruntime sessions stay: slower, same readings.

RapidOCR normalises the detector's input in float64 (its mean and scale are float64 arrays): a
fifth of a second per page for a mapping of 256 byte values. `normalise_by_table` evaluates the
library's own function once on every byte value and looks the page up: bit-identical, 14× faster.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt


class _Port(NamedTuple):
    name: str


class OpenVinoSession:
    """What RapidOCR asks of an onnxruntime `InferenceSession` (`run`, `get_inputs`,
    `get_outputs`) over an OpenVINO model compiled for one thread, not pinned to a core (the
    worker processes share the cores; pinning would stack them on the first)."""

    def __init__(self, model_path: str | Path) -> None:
        import openvino as ov
        import openvino.properties as props
        import openvino.properties.hint as hints

        core = ov.Core()
        self._model = core.compile_model(core.read_model(str(model_path)), "CPU", {
            props.inference_num_threads: 1, props.num_streams: 1,
            hints.performance_mode: hints.PerformanceMode.LATENCY, hints.enable_cpu_pinning: False,
            hints.inference_precision: ov.Type.f32,
        })
        self._request = self._model.create_infer_request()

    def get_inputs(self) -> list[_Port]:
        return [_Port(p.any_name) for p in self._model.inputs]

    def get_outputs(self) -> list[_Port]:
        return [_Port(p.any_name) for p in self._model.outputs]

    def run(self, output_names: list[str] | None, feed: dict[str, Any]) -> list[Any]:
        """The outputs as arrays of their own (copied out of the request's buffers, which the next
        call reuses); the inputs are read in place, not copied (a page is 34 MB of float32)."""
        result = self._request.infer(list(feed.values()), share_inputs=True, share_outputs=False)
        return list(result.to_tuple())


def use_openvino(engine: Any) -> bool:
    """Swap the engine's detection and recognition sessions for OpenVINO ones; False (nothing
    changed) when OpenVINO or the model files cannot be loaded."""
    try:
        from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH  # type: ignore[import-untyped]
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path  # type: ignore[import-untyped]

        config = update_model_path(read_yaml(DEFAULT_CFG_PATH))
        det, rec = OpenVinoSession(config["Det"]["model_path"]), OpenVinoSession(config["Rec"]["model_path"])
        engine.text_det.infer.session, engine.text_rec.session.session = det, rec
    except (ImportError, AttributeError, KeyError, OSError, RuntimeError):
        return False
    return True


def _lookup_preprocess(base: type) -> type:
    """A subclass of RapidOCR's `DetPreProcess` whose `normalize` is a table lookup."""

    class LookupPreProcess(base):  # type: ignore[misc]
        def normalize(self, img: npt.NDArray[Any]) -> npt.NDArray[Any]:
            if img.dtype != np.uint8 or img.ndim != 3 or not 1 <= img.shape[2] <= 4:
                return super().normalize(img)  # type: ignore[no-any-return]
            import cv2

            every = np.arange(256, dtype=np.uint8).reshape(256, 1, 1).repeat(img.shape[2], axis=2)
            return cv2.LUT(img, super().normalize(every).astype(np.float32))

    return LookupPreProcess


def normalise_by_table(engine: Any) -> bool:
    """Make the engine's detector normalise its input by table lookup; False (nothing changed)
    where the engine is not built the way this expects."""
    try:
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess  # type: ignore[import-untyped]

        det, cls = engine.text_det, _lookup_preprocess(DetPreProcess)
        chosen = det.get_preprocess

        def get_preprocess(max_wh: int) -> Any:
            op = chosen(max_wh)
            return cls(op.limit_side_len, op.limit_type, list(op.mean), list(op.std))

        det.get_preprocess = get_preprocess
    except (ImportError, AttributeError):
        return False
    return True

