"""notebooks/ run top to bottom in a fresh kernel, on the bundled sample dataset, without an error.

The notebooks consume the package (they define nothing the tests rely on) and assert the figures
they show, so a notebook that runs but shows something wrong fails here too.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["longitudinal.ipynb", "audit.ipynb"])
def test_notebook_runs_clean(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # no path-migration warning from jupyter_core
    monkeypatch.delenv("XXGK_DATASET", raising=False)  # always the bundled samples
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert sum(c.cell_type == "code" for c in nb.cells) >= 6
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr" and "Warning" in o.get("text", "")], name
    shown = [o for o in outputs if o.get("output_type") in {"execute_result", "display_data"}]
    assert len(shown) >= 4
    if name == "longitudinal.ipynb":
        assert any("image/svg+xml" in o.get("data", {}) for o in shown)
