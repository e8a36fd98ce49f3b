"""The `--dataset DIR` a reading command (panel, audit, serve) is given: it must hold a dataset."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console


def existing_dataset(value: str, console: Console) -> Path | None:
    """The dataset folder, or None after saying why it is not one (the caller exits 2)."""
    folder = Path(value)
    if not (folder / "reports").is_dir():
        console.print(f"[red]xxgk: no dataset at {folder} (run `xxgk extract … --dataset {folder}` first)")
        return None
    return folder
