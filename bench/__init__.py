"""Benchmarks: bench/matmul.py (against numpy), bench/peak.py (the FMA peak)."""
