"""Helpers shared by the unit tests."""

import os
import shutil

import pytest

HAS_CC = shutil.which(os.environ.get("CC", "cc")) is not None
"""Whether the runtime can find its C compiler ($CC or `cc`, as packdialect.runtime)."""

needs_cc = pytest.mark.skipif(
    not HAS_CC, reason="no C compiler ($CC or cc on PATH): compiled-C tests need one"
)
"""Skip a test that compiles C where there is no compiler to do it."""
