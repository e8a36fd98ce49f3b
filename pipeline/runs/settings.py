"""Run limits: the one definition of each default the executors, jobs and commands share.

A document that runs past `timeout` seconds or grows past `memory_mb` is killed and recorded as
failed; `jobs` worker processes run documents side by side (0 runs them in-process, for debugging).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class RunLimits:
    timeout: float = 120.0
    """Seconds one document may take before its worker is killed."""
    memory_mb: int = 4096
    """Memory cap per document worker, in MB."""
    jobs: int = 1
    """Worker processes."""

    def __post_init__(self) -> None:
        for name in ("timeout", "memory_mb", "jobs"):
            if getattr(self, name) < 0:
                raise ValueError(f"run limit '{name}' cannot be negative")


DEFAULTS = RunLimits()
