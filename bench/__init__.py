"""Benchmarks: speed and memory measured next to anchors in the same run (`make bench`)."""
