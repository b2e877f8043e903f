"""Measure this core's f32 FMA peak with a small C probe (GFLOP/s).

Sixteen independent 16-lane FMA chains keep both FMA ports busy; the probe is
compiled with the same compiler and flags packdialect uses.
"""

from __future__ import annotations

import ctypes
import subprocess
import tempfile
import time
from pathlib import Path

PROBE = r"""
typedef float v16 __attribute__((vector_size(64)));
float probe(long iters) {
  v16 acc[16];
  v16 a, b;
  for (int i = 0; i < 16; i++) acc[i] = (v16){0} + (float)i;
  a = (v16){0} + 1.0000001f;
  b = (v16){0} + 0.9999999f;
  for (long n = 0; n < iters; n++) {
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++) acc[i] = acc[i] * a + b;
    __asm__ volatile("" : "+v"(a));
  }
  v16 s = (v16){0};
  for (int i = 0; i < 16; i++) s += acc[i];
  float r = 0;
  for (int i = 0; i < 16; i++) r += s[i];
  return r;
}
"""


def fma_peak_gflops(seconds: float = 0.3) -> float:
    """Single-core f32 FMA throughput in GFLOP/s (median of 5 timings)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, lib = Path(tmp) / "probe.c", Path(tmp) / "probe.so"
        src.write_text(PROBE)
        subprocess.run(
            [
                "cc",
                "-O3",
                "-march=native",
                "-ffp-contract=fast",
                "-shared",
                "-fPIC",
                str(src),
                "-o",
                str(lib),
            ],
            check=True,
        )
        fn = ctypes.CDLL(str(lib)).probe
        fn.argtypes, fn.restype = [ctypes.c_long], ctypes.c_float
        iters = 1_000_000
        fn(iters)
        start = time.perf_counter()
        fn(iters)
        iters = max(int(iters * seconds / (time.perf_counter() - start)), 1)
        rates = []
        for _ in range(5):
            start = time.perf_counter()
            fn(iters)
            rates.append(iters * 16 * 16 * 2 / (time.perf_counter() - start) / 1e9)
        rates.sort()
        return rates[len(rates) // 2]


if __name__ == "__main__":
    print(f"f32 FMA peak (1 core): {fma_peak_gflops():.1f} GFLOP/s")
