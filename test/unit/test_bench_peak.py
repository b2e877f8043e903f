"""bench/peak.py: the FMA probe builds for each x86 ISA and reports its width."""

from __future__ import annotations

import math
import platform
from pathlib import Path

import pytest
from support import needs_cc

from bench import peak

X86 = platform.machine().lower() in ("x86_64", "amd64")


def cpu_flags() -> set[str] | None:
    """The CPU flags in /proc/cpuinfo, or None where there is none to read."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return set(value.split())
    return set()


def native_lanes(flags: set[str]) -> int:
    """The f32 lanes the probe picks for this host with -march=native."""
    if "avx512f" in flags:
        return 16
    return 8 if "avx" in flags else 4


FLAGS = cpu_flags()
x86_only = pytest.mark.skipif(not X86, reason="an x86-64 -march value")


@needs_cc
@pytest.mark.parametrize(
    ("march", "isa", "lanes"),
    [
        pytest.param("haswell", "avx2", 8, marks=x86_only),
        pytest.param("x86-64", "sse", 4, marks=x86_only),
    ],
)
def test_probe_info_matches_march(march, isa, lanes):
    info = peak.probe_info(march)
    assert info["isa"] == isa
    assert info["lanes"] == lanes
    assert info["chains"] > 0


@needs_cc
def test_probe_info_native():
    info = peak.probe_info()
    if FLAGS is None:
        assert info["lanes"] in (4, 8, 16)
    else:
        assert info["lanes"] == native_lanes(FLAGS)
    assert info["chains"] > 0


@needs_cc
@pytest.mark.parametrize(
    "march",
    [
        "native",
        pytest.param("x86-64", marks=x86_only),
        pytest.param(
            "haswell",
            marks=[
                x86_only,
                pytest.mark.skipif(
                    FLAGS is not None and not {"avx2", "fma"} <= FLAGS,
                    reason="this CPU cannot run AVX2+FMA code",
                ),
            ],
        ),
    ],
)
def test_fma_peak_is_finite_and_positive(march):
    rate = peak.fma_peak_gflops(seconds=0.02, march=march)
    assert math.isfinite(rate)
    assert rate > 0


@needs_cc
def test_bad_march_is_a_clear_error():
    with pytest.raises(peak.ProbeError, match="failed to build the FMA probe"):
        peak.probe_info("no-such-cpu")


def test_missing_compiler_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CC", "no-such-compiler-xyz")
    with pytest.raises(peak.ProbeError, match="no C compiler"):
        peak.fma_peak_gflops(seconds=0.01)


def test_seconds_must_be_positive():
    with pytest.raises(ValueError, match="seconds"):
        peak.fma_peak_gflops(seconds=0)
