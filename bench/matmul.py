"""Matmul benchmark: packdialect against numpy (OpenBLAS), measured in one run.

    python bench/matmul.py [--quick] [--threads 1,2]

For every shape the packdialect figure is the whole compiled function from
`linalg.matmul` on tensors (packing of the operands and the unpack included),
against `numpy.matmul` on the same arrays. Each thread count runs in its own
process, so OpenBLAS and OpenMP see the same OMP/OPENBLAS_NUM_THREADS. Also
printed: the measured FMA peak of one core, the mmt4d kernel alone at 1024^3
(operands already packed), and an MLP with constant weights end to end.
Times are medians; numpy and packdialect are timed in turns (5 rounds), so
both see the same moments of this shared machine, whose clock drifts. For
the same reason the kernel's share of the FMA peak uses a peak measured in
the same process, in turns with the kernel.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SQUARES = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048)]
NMT = [(512, 64, 512), (512, 32, 512), (512, 16, 512)]
MOBILENET = [(3136, 128, 64), (784, 256, 128), (784, 256, 256)]
WIDE = [(4, 4096, 4096)]
QUICK = [(256, 256, 256), (512, 512, 512), (512, 64, 512), (784, 256, 128)]

MATMUL = """
func.func @mm(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<{m}x{n}xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %c = linalg.matmul ins(%a, %b : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
                     outs(%acc : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %c : tensor<{m}x{n}xf32>
}}
"""

MMT4D = """
func.func @kernel(%a: tensor<{M}x{K}x{m0}x{k0}xf32>, %b: tensor<{N}x{K}x{n0}x{k0}xf32>)
    -> tensor<{M}x{N}x{m0}x{n0}xf32> {{
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<{M}x{N}x{m0}x{n0}xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<{M}x{N}x{m0}x{n0}xf32>)
      -> tensor<{M}x{N}x{m0}x{n0}xf32>
  %c = linalg.mmt4d ins(%a, %b : tensor<{M}x{K}x{m0}x{k0}xf32>, tensor<{N}x{K}x{n0}x{k0}xf32>)
                    outs(%acc : tensor<{M}x{N}x{m0}x{n0}xf32>) -> tensor<{M}x{N}x{m0}x{n0}xf32>
  return %c : tensor<{M}x{N}x{m0}x{n0}xf32>
}}
"""


def median_seconds(fn: Callable[[], object], min_time: float = 0.4) -> float:
    """Median wall time of `fn` over enough runs to fill ~min_time (at least 5)."""
    fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    runs = max(5, min(200, int(min_time / once)))
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


ROUNDS = 5


def interleaved_seconds(
    fns: dict[str, Callable[[], object]], rounds: int = ROUNDS
) -> dict[str, float]:
    """Median wall time of each function, measured in turns (`rounds` times
    `median_seconds` each, median of those), so that all of them see the same
    moments of a shared, drifting machine."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            samples[name].append(median_seconds(fn, min_time=0.2))
    return {name: statistics.median(times) for name, times in samples.items()}


TARGET = os.environ.get("PACKDIALECT_BENCH_TARGET", "host")
"""The cpu-pipeline target (`--target`; the workers read it from the environment)."""


def pipeline(threads: int, pack: bool = True) -> str:
    """The cpu-pipeline string for this run."""
    extra = "" if pack else " pack=false"
    return f"cpu-pipeline{{target={TARGET} threads={threads}{extra}}}"


def bench_matmul(m: int, n: int, k: int, threads: int) -> dict:
    """GFLOP/s of numpy and packdialect for one shape."""
    import numpy as np

    import packdialect

    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    fn = packdialect.compile(MATMUL.format(m=m, n=n, k=k), pipeline=pipeline(threads))[
        "mm"
    ]
    got = fn(a, b)
    want = a @ b
    err = float(np.abs(got - want).max() / np.abs(want).max())
    call = fn.prepare(a, b)
    flops = 2.0 * m * n * k
    times = interleaved_seconds({"numpy": lambda: np.matmul(a, b), "pd": call})
    t_np, t_pd = times["numpy"], times["pd"]
    return {
        "shape": f"{m}x{n}x{k}",
        "numpy": flops / t_np / 1e9,
        "packdialect": flops / t_pd / 1e9,
        "error": err,
    }


def kernel_tile() -> tuple[int, int, int]:
    """The host strategy's f32 tile (m0, n0, k0) for a large matmul."""
    from packdialect.analysis.contraction import analyze
    from packdialect.diagnostics import Refused
    from packdialect.ir.context import parse_module
    from packdialect.strategies import choose

    module = parse_module(MATMUL.format(m=1024, n=1024, k=1024))
    op = next(o for o in module.walk() if o.name == "linalg.matmul")
    contraction = analyze(op)
    assert not isinstance(contraction, Refused), contraction
    strategy = "avx512" if TARGET == "host" and _host_family() == "amx" else "auto"
    choice = choose(contraction, strategy, TARGET)
    assert choice is not None
    return tuple(choice.packed_sizes)  # type: ignore[return-value]


def bench_kernel(threads: int, size: int = 1024) -> dict:
    """GFLOP/s of the mmt4d kernel alone on already packed operands."""
    import numpy as np

    import packdialect

    m0, n0, k0 = kernel_tile()
    dims = {
        "M": size // m0,
        "N": size // n0,
        "K": size // k0,
        "m0": m0,
        "n0": n0,
        "k0": k0,
    }
    fn = packdialect.compile(
        MMT4D.format(**dims), pipeline=pipeline(threads, pack=False)
    )["kernel"]
    rng = np.random.default_rng(0)
    a = rng.standard_normal((dims["M"], dims["K"], m0, k0), dtype=np.float32)
    b = rng.standard_normal((dims["N"], dims["K"], n0, k0), dtype=np.float32)
    call = fn.prepare(a, b)
    flops = 2.0 * (dims["M"] * m0) * (dims["N"] * n0) * (dims["K"] * k0)
    # The core's clock drifts on this shared host: the FMA peak the kernel is
    # compared with is measured alongside it, in turns, in this process.
    from bench.peak import fma_peak_gflops

    rates, peaks = [], []
    for _ in range(3):
        peaks.append(fma_peak_gflops(seconds=0.1))
        rates.append(flops / median_seconds(call) / 1e9)
    return {
        "tile": f"{m0}x{n0}x{k0}",
        "gflops": statistics.median(rates),
        "peak": statistics.median(peaks),
    }


def mlp_source(batch: int, dims: list[int], seed: int = 0) -> tuple[str, list]:
    """An MLP (matmul + bias + relu per layer, no relu last) with constant weights."""
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = [
        (
            rng.standard_normal((i, o), dtype=np.float32) / np.sqrt(i),
            rng.standard_normal(o, dtype=np.float32),
        )
        for i, o in zip(dims[:-1], dims[1:], strict=True)
    ]
    lines = [
        f"func.func @mlp(%x0: tensor<{batch}x{dims[0]}xf32>) -> tensor<{batch}x{dims[-1]}xf32> {{"
    ]
    lines.append("  %zero = arith.constant 0.0 : f32")
    for i, (w, bias) in enumerate(weights):
        k, n = w.shape
        t = f"tensor<{batch}x{n}xf32>"
        wtext = ", ".join("[" + ", ".join(f"{v:.6e}" for v in row) + "]" for row in w)
        btext = ", ".join(f"{v:.6e}" for v in bias)
        lines += [
            f"  %w{i} = arith.constant dense<[{wtext}]> : tensor<{k}x{n}xf32>",
            f"  %b{i} = arith.constant dense<[{btext}]> : tensor<{n}xf32>",
            f"  %e{i} = tensor.empty() : {t}",
            f"  %f{i} = linalg.fill ins(%zero : f32) outs(%e{i} : {t}) -> {t}",
            f"  %m{i} = linalg.matmul ins(%x{i}, %w{i} : tensor<{batch}x{k}xf32>, tensor<{k}x{n}xf32>) outs(%f{i} : {t}) -> {t}",
            f'  %x{i + 1} = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}} ins(%m{i}, %b{i} : {t}, tensor<{n}xf32>) outs(%e{i} : {t}) {{',
            "  ^bb0(%v: f32, %bb: f32, %o: f32):",
            "    %s = arith.addf %v, %bb : f32",
        ]
        if i + 1 < len(weights):
            lines += [
                "    %r = arith.maximumf %s, %zero : f32",
                "    linalg.yield %r : f32",
            ]
        else:
            lines += ["    linalg.yield %s : f32"]
        lines.append(f"  }} -> {t}")
    lines += [f"  return %x{len(weights)} : tensor<{batch}x{dims[-1]}xf32>", "}"]
    return "\n".join(lines), weights


def bench_mlp(
    threads: int, batch: int = 256, dims: tuple[int, ...] = (256, 256, 256, 128)
) -> dict:
    """The MLP end to end against numpy doing the same layers."""
    import numpy as np

    import packdialect

    source, weights = mlp_source(batch, list(dims))
    fn = packdialect.compile(source, pipeline=pipeline(threads))["mlp"]
    x = np.random.default_rng(1).standard_normal((batch, dims[0]), dtype=np.float32)

    def reference() -> np.ndarray:
        h = x
        for i, (w, b) in enumerate(weights):
            h = h @ w + b
            if i + 1 < len(weights):
                h = np.maximum(h, 0)
        return h

    want = reference()
    err = float(np.abs(fn(x) - want).max() / np.abs(want).max())
    flops = 2.0 * batch * sum(w.shape[0] * w.shape[1] for w, _ in weights)
    times = interleaved_seconds({"numpy": reference, "pd": fn.prepare(x)})
    t_np, t_pd = times["numpy"], times["pd"]
    return {
        "shape": f"mlp {batch}x" + "-".join(map(str, dims)),
        "numpy": flops / t_np / 1e9,
        "packdialect": flops / t_pd / 1e9,
        "error": err,
    }


def worker(threads: int, quick: bool) -> None:
    """Run every measurement for one thread count; print JSON lines."""
    shapes = QUICK if quick else SQUARES + NMT + MOBILENET + WIDE
    for m, n, k in shapes:
        print(
            json.dumps({"threads": threads, **bench_matmul(m, n, k, threads)}),
            flush=True,
        )
    print(json.dumps({"threads": threads, **bench_mlp(threads)}), flush=True)
    print(json.dumps({"threads": threads, "kernel": bench_kernel(threads)}), flush=True)


def run_worker(threads: int, quick: bool) -> list[dict]:
    """Run `worker` in a subprocess with the thread count in its environment."""
    env = dict(
        os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads)
    )
    env.setdefault("OMP_WAIT_POLICY", "active")
    cmd = [sys.executable, __file__, "--worker", str(threads)] + (
        ["--quick"] if quick else []
    )
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"benchmark worker failed:\n{proc.stderr}")
    return [
        json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")
    ]


def _host_family() -> str:
    from packdialect.targets import detect_host

    return detect_host().isa


def host_header(peak: float) -> str:
    """What the figures were measured on: CPU, ISA, target, FMA peak."""
    from bench.peak import probe_info
    from packdialect.targets import host_description

    probe = probe_info()
    return (
        f"host: {host_description()}\n"
        f"packdialect target: {TARGET}\n"
        f"f32 FMA peak, 1 core (measured, {probe['isa']}: {probe['lanes']} lanes x "
        f"{probe['chains']} chains): {peak:.1f} GFLOP/s\n"
    )


def report(rows: dict[int, list[dict]], peak: float) -> None:
    """Print the table."""
    print(host_header(peak))
    counts = sorted(rows)
    header = "| shape (MxNxK) |" + "".join(
        f" numpy {t}T | packdialect {t}T | ratio {t}T |" for t in counts
    )
    print(header)
    print("|---|" + "---|---|---|" * len(counts))
    by_shape: dict[str, dict[int, dict]] = {}
    for t, items in rows.items():
        for item in items:
            if "shape" in item:
                by_shape.setdefault(item["shape"], {})[t] = item
    for shape, per_thread in by_shape.items():
        cells = ""
        for t in counts:
            r = per_thread.get(t)
            if r is None:
                cells += " - | - | - |"
                continue
            cells += f" {r['numpy']:.1f} | {r['packdialect']:.1f} | {r['packdialect'] / r['numpy']:.2f}x |"
        print(f"| {shape} |{cells}")
    print()
    for t in counts:
        kernel = next(i["kernel"] for i in rows[t] if "kernel" in i)
        alongside = kernel.get("peak", peak)
        share = (
            f" = {kernel['gflops'] / (alongside * t):.0%} of {t}x peak"
            f" (FMA peak measured alongside: {alongside:.1f} GFLOP/s per core)"
        )
        print(
            f"mmt4d kernel alone, 1024^3, tile {kernel['tile']}, {t}T: {kernel['gflops']:.1f} GFLOP/s{share}"
        )
    if 1 in rows and 2 in rows:
        for shape in ("1024x1024x1024", "2048x2048x2048"):
            if shape in by_shape and {1, 2} <= set(by_shape[shape]):
                s = (
                    by_shape[shape][2]["packdialect"]
                    / by_shape[shape][1]["packdialect"]
                )
                print(f"2 threads / 1 thread at {shape}: {s:.2f}x")
    worst = max(i.get("error", 0.0) for items in rows.values() for i in items)
    print(f"max relative error against numpy: {worst:.2e}")


def main() -> None:
    """Parse arguments and run the benchmark."""
    global TARGET
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="a few small shapes only")
    p.add_argument("--threads", default="1,2", help="thread counts, e.g. 1,2")
    p.add_argument(
        "--target", default=TARGET, help="cpu-pipeline target (default: host)"
    )
    p.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    TARGET = os.environ["PACKDIALECT_BENCH_TARGET"] = args.target
    if args.worker is not None:
        worker(args.worker, args.quick)
        return
    from bench.peak import fma_peak_gflops

    peak = fma_peak_gflops()
    rows = {t: run_worker(t, args.quick) for t in map(int, args.threads.split(","))}
    report(rows, peak)


if __name__ == "__main__":
    main()
