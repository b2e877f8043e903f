"""Emitters (pack-opt `-t` targets)."""

TARGETS: dict = {}
"""Target name -> zero-argument factory returning an xDSL Target class."""
