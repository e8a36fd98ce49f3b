"""xxgk pipeline: codebook, normaliser, checks and the Parquet dataset. The only package that knows the template."""

from __future__ import annotations

__version__ = "0.1.0"
