"""Measure one core's f32 FMA peak with a small C probe (GFLOP/s).

The probe runs `chains` independent accumulators through `acc = acc * a + b`
on GCC vector types: independent chains hide the FMA latency, so the loop is
bound by FMA throughput alone. The vector width and chain count are chosen by
the preprocessor for the ISA the probe is compiled for:

    __AVX512F__            64-byte vectors (16 f32 lanes), 24 chains of 32 zmm
    __AVX2__ / __AVX__     32-byte vectors ( 8 lanes),     12 chains of 16 ymm
    otherwise              16-byte vectors ( 4 lanes),     12 chains of 16 xmm

Latency (4-5 cycles) times FMA pipes (2) is 8-10 chains; the counts above
cover that and leave `a`, `b` in registers. Without FMA (SSE2, plain AVX)
the multiply and add are separate instructions, with a longer chain latency,
so 12 chains there too (8 ran about 25% slower on SSE2 on a Zen 4). An
empty asm statement on `a` each iteration stops the compiler from hoisting
or folding the loop. The probe reports its ISA, lanes and chains, so the flop count is
`iters * chains * lanes * 2` whatever it was built for.

It is built with `$CC` (default `cc`) at `-O3 -march=<march>`, `native` by
default: the peak of the host running it, as packdialect's kernels see it.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

PROBE = r"""
#if defined(__AVX512F__)
#define PROBE_BYTES 64
#define PROBE_CHAINS 24
#define PROBE_ISA "avx512"
#define PROBE_KEEP(x) __asm__ volatile("" : "+v"(x))
#elif defined(__AVX2__) || defined(__FMA__) || defined(__AVX__)
#define PROBE_BYTES 32
#define PROBE_CHAINS 12
#if defined(__AVX2__)
#define PROBE_ISA "avx2"
#else
#define PROBE_ISA "avx"
#endif
#define PROBE_KEEP(x) __asm__ volatile("" : "+x"(x))
#else
#define PROBE_BYTES 16
#define PROBE_CHAINS 12
#if defined(__x86_64__) || defined(__i386__)
#define PROBE_ISA "sse"
#define PROBE_KEEP(x) __asm__ volatile("" : "+x"(x))
#else
#define PROBE_ISA "generic"
#define PROBE_KEEP(x) ((void)0)
#endif
#endif
#define PROBE_LANES (PROBE_BYTES / (int)sizeof(float))

typedef float vec __attribute__((vector_size(PROBE_BYTES)));

const char *probe_isa(void) { return PROBE_ISA; }
int probe_lanes(void) { return PROBE_LANES; }
int probe_chains(void) { return PROBE_CHAINS; }

/* iters * PROBE_CHAINS * PROBE_LANES FMAs; converges to 1, so no inf/denormal. */
float probe(long iters) {
  vec acc[PROBE_CHAINS];
  vec a = (vec){0} + 0.999999f, b = (vec){0} + 0.000001f;
  for (int i = 0; i < PROBE_CHAINS; i++) acc[i] = (vec){0} + (float)i;
  for (long n = 0; n < iters; n++) {
#pragma GCC unroll 32
    for (int i = 0; i < PROBE_CHAINS; i++) acc[i] = acc[i] * a + b;
    PROBE_KEEP(a);
  }
  vec s = (vec){0};
  for (int i = 0; i < PROBE_CHAINS; i++) s += acc[i];
  float r = 0;
  for (int i = 0; i < PROBE_LANES; i++) r += s[i];
  return r;
}
"""

TIMINGS = 5
"""How many timed runs `fma_peak_gflops` takes the median of."""


class ProbeError(RuntimeError):
    """The probe could not be built: no C compiler, or the compiler failed."""


def _compiler() -> str:
    name = os.environ.get("CC", "cc")
    found = shutil.which(name)
    if found is None:
        raise ProbeError(f"no C compiler: '{name}' is not on PATH (set $CC)")
    return found


@cache
def _probe(compiler: str, march: str) -> ctypes.CDLL:
    """The probe built by `compiler` for `march`, loaded (built once per pair)."""
    with tempfile.TemporaryDirectory(prefix="fma-peak-") as tmp:
        src, lib = Path(tmp) / "probe.c", Path(tmp) / "probe.so"
        src.write_text(PROBE)
        command = [
            compiler,
            "-O3",
            f"-march={march}",
            "-ffp-contract=fast",
            "-shared",
            "-fPIC",
            str(src),
            "-o",
            str(lib),
        ]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as error:
            raise ProbeError(f"could not run {compiler}: {error}") from None
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            detail = next((line for line in lines if "error" in line), "")
            detail = detail or (lines[0] if lines else "no output")
            raise ProbeError(
                f"{compiler} -march={march} failed to build the FMA probe "
                f"(exit {proc.returncode}): {detail.strip()}"
            )
        # Loaded before the directory goes: the mapping outlives the file.
        library = ctypes.CDLL(str(lib))
    library.probe.argtypes, library.probe.restype = [ctypes.c_long], ctypes.c_float
    library.probe_isa.argtypes, library.probe_isa.restype = [], ctypes.c_char_p
    for name in ("probe_lanes", "probe_chains"):
        getattr(library, name).argtypes = []
        getattr(library, name).restype = ctypes.c_int
    return library


def probe_info(march: str = "native") -> dict[str, str | int]:
    """What the probe measures when built for `march`.

    Returns `{"isa": ..., "lanes": ..., "chains": ...}`: the ISA the compiler
    targeted ("avx512", "avx2", "avx", "sse" or "generic"), the f32 lanes per
    vector and the independent FMA chains. Raises ProbeError if the probe
    cannot be built.
    """
    library = _probe(_compiler(), march)
    return {
        "isa": library.probe_isa().decode(),
        "lanes": library.probe_lanes(),
        "chains": library.probe_chains(),
    }


def fma_peak_gflops(seconds: float = 0.3, march: str = "native") -> float:
    """Single-core f32 FMA throughput in GFLOP/s (median of 5 timings).

    Each timing runs for about `seconds`. The probe is built for `march` with
    `$CC` (default `cc`); an FMA counts as two flops. Raises ProbeError if the
    probe cannot be built.
    """
    if not seconds > 0:
        raise ValueError(f"seconds must be positive, not {seconds!r}")
    library = _probe(_compiler(), march)
    probe = library.probe
    flops_per_iter = library.probe_chains() * library.probe_lanes() * 2

    def timed(iters: int) -> float:
        start = time.perf_counter()
        probe(iters)
        return time.perf_counter() - start

    # Calibrate (and warm the core up) until a run takes a tenth of the budget.
    iters = 1000
    while (elapsed := timed(iters)) < seconds / 10:
        iters *= 4
    iters = max(int(iters * seconds / elapsed), 1)
    rates = [iters * flops_per_iter / timed(iters) / 1e9 for _ in range(TIMINGS)]
    return statistics.median(rates)


def main(argv: list[str] | None = None) -> int:
    """Print one line: the measured peak and what the probe was built for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--march", default="native", help="-march for the probe")
    parser.add_argument(
        "--seconds", type=float, default=0.3, help="length of each of the 5 timings"
    )
    args = parser.parse_args(argv)
    try:
        info = probe_info(args.march)
        peak = fma_peak_gflops(args.seconds, args.march)
    except (ProbeError, ValueError) as error:
        print(f"peak.py: error: {error}", file=sys.stderr)
        return 1
    print(
        f"f32 FMA peak (1 core, {info['isa']}: {info['lanes']} lanes x "
        f"{info['chains']} chains): {peak:.1f} GFLOP/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
