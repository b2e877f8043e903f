"""`pack-run`: run a function of an .mlir file on numpy arrays.

    pack-run FILE --entry NAME [--inputs IN.npz | --shape argN=DxD ...]
             [--output OUT.npz] [--backend interp|c] [--pipeline PIPELINE]
             [--seed N] [--threads N] [--check] [--time N]

Inputs are `arg0`, `arg1`, ... in an npz (random from --seed without one;
a dynamic argument then needs its shape from --shape); results are written
as `result0`, ... or summarized on stdout. Every option, the inputs and the
output path are checked before anything runs.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp

from packdialect.diagnostics import Refused, ToolError, run_tool
from packdialect.ir.parse import load_module
from tools.common import apply_pipeline, check_pipeline, find_function
from tools.run_check import compare
from tools.run_inputs import (
    argument_shapes,
    check_sizes,
    load_npz_inputs,
    machine_memory,
    parse_shapes,
)

DEFAULT_C_PIPELINE = "cpu-pipeline{target=host}"


def non_negative(text: str) -> int:
    """An argparse type: an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got '{text}'") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="pack-run", description=__doc__.split("\n")[0])
    p.add_argument("file", help="the .mlir file")
    p.add_argument("--entry", required=True, help="the function to run")
    p.add_argument("--inputs", help="npz with arg0, arg1, ... (default: random)")
    p.add_argument(
        "--shape",
        action="append",
        default=[],
        metavar="argN=DxD",
        help="shape of a dynamic argument for random inputs (repeatable)",
    )
    p.add_argument("--output", help="write results to this npz")
    p.add_argument("--backend", choices=("interp", "c"), default="interp")
    p.add_argument("--pipeline", default=None, help="pass pipeline to run first")
    p.add_argument(
        "--seed", type=non_negative, default=0, help="seed for random inputs"
    )
    p.add_argument(
        "--threads",
        type=non_negative,
        default=None,
        help="OpenMP threads (backend c; 0: OpenMP's default)",
    )
    p.add_argument("--check", action="store_true", help="compare with the interpreter")
    p.add_argument(
        "--time", type=non_negative, default=0, metavar="N", help="time N runs"
    )
    return p


def load_inputs(
    path: str | None, fn: func.FuncOp, seed: int, shape_options: Sequence[str] = ()
) -> list[np.ndarray]:
    """Inputs from an npz (checked against the signature) or random ones (of
    the static or `--shape` sizes, refused when larger than memory)."""
    if path is not None:
        if shape_options:
            raise ToolError("--shape is for random inputs; --inputs gives the shapes")
        return load_npz_inputs(path, fn)
    from packdialect.interp import random_inputs

    shapes = argument_shapes(fn, parse_shapes(shape_options))
    check_sizes(fn, shapes, machine_memory())
    return list(random_inputs(fn, seed, shapes=dict(enumerate(shapes))))


def output_path(path: str) -> str:
    """The file `--output` writes (numpy.savez adds `.npz`), checked before
    anything runs: its folder must exist and be writable, and it must not be
    a folder itself."""
    target = path if path.endswith(".npz") else path + ".npz"
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise ToolError(f"cannot write '{target}': no such directory '{folder}'")
    if os.path.isdir(target):
        raise ToolError(f"cannot write '{target}': it is a directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ToolError(f"cannot write '{target}': '{folder}' is not writable")
    return target


def save_results(path: str, results: Sequence[np.ndarray]) -> None:
    """Write `result0`, ... to the npz at `path`; ToolError on failure."""
    try:
        np.savez(path, **{f"result{i}": r for i, r in enumerate(results)})
    except OSError as err:
        raise ToolError(f"cannot write '{path}': {err.strerror or err}") from None


def summarize(results: Sequence[np.ndarray]) -> str:
    """One line per result: shape, dtype and checksums."""
    lines = []
    for i, r in enumerate(results):
        a = np.asarray(r)
        total = a.astype(np.float64).sum() if a.size else 0.0
        l2 = float(np.sqrt((a.astype(np.float64) ** 2).sum())) if a.size else 0.0
        lines.append(
            f"result{i}: shape={tuple(a.shape)} dtype={a.dtype} "
            f"sum={total:.6g} l2={l2:.6g}"
        )
    return "\n".join(lines)


def interpreter_runner(module: ModuleOp, entry: str) -> Callable[..., list[np.ndarray]]:
    """A callable running `entry` with the numpy interpreter."""
    from packdialect.interp import run_function

    return lambda *args: list(run_function(module, entry, list(args)))


def compiled_runner(
    module: ModuleOp, entry: str, pipeline: str | None, threads: int | None
) -> Callable[..., list[np.ndarray]]:
    """A callable running `entry` compiled to C; bf16 results (raw bits) in
    the interpreter's numpy form (float32 values), every other result as the
    runtime returns it, so that --check sees its dtype."""
    from packdialect.compiler import compile as compile_module
    from packdialect.ir.dtypes import from_storage, is_bf16

    result_types = list(find_function(module, entry).function_type.outputs.data)
    compiled = compile_module(
        module.clone(),
        target="c",
        pipeline=pipeline or DEFAULT_C_PIPELINE,
        threads=threads,
    )
    fn = compiled[entry]

    def call(*args: np.ndarray) -> list[np.ndarray]:
        out = fn(*args)
        outputs = list(out) if isinstance(out, tuple) else [out]
        return [
            from_storage(np.asarray(o), t) if is_bf16(t) else np.asarray(o)
            for o, t in zip(outputs, result_types, strict=True)
        ]

    return call


def contraction_flops(module: ModuleOp, entry: str) -> int:
    """2 * (product of loop sizes) summed over the function's static contractions."""
    from xdsl.dialects.linalg import LinalgStructuredOperation

    from packdialect.analysis.contraction import analyze

    total = 0
    for op in find_function(module, entry).walk():
        if not isinstance(op, LinalgStructuredOperation):
            continue
        c = analyze(op)
        if isinstance(c, Refused) or None in c.loop_sizes:
            continue
        total += 2 * math.prod(s for s in c.loop_sizes if s is not None)
    return total


def time_runs(
    run: Callable[..., list[np.ndarray]], args: Sequence[np.ndarray], n: int
) -> float:
    """Median wall time of `n` runs, in seconds."""
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        run(*args)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run(argv: Sequence[str] | None) -> int:
    """pack-run's body; raises ToolError for user errors."""
    args = build_parser().parse_args(argv)
    output = output_path(args.output) if args.output else None
    ctx, module = load_module(args.file)
    fn = find_function(module, args.entry, args.file)
    if args.pipeline:
        check_pipeline(args.pipeline)
    inputs = load_inputs(args.inputs, fn, args.seed, args.shape)
    reference_module = module.clone() if args.check else None
    if args.backend == "interp":
        if args.pipeline:
            apply_pipeline(ctx, module, args.pipeline, args.file)
        runner = interpreter_runner(module, args.entry)
    else:
        runner = compiled_runner(module, args.entry, args.pipeline, args.threads)
    results = runner(*inputs)
    if reference_module is not None:
        expected = interpreter_runner(reference_module, args.entry)(*inputs)
        err = compare(results, expected, fn.function_type.outputs.data)
        print(f"check: OK (max error {err:.3g} against the interpreter)")
    if output is not None:
        save_results(output, results)
    else:
        print(summarize(results))
    if args.time:
        seconds = time_runs(runner, inputs, args.time)
        flops = contraction_flops(
            module if reference_module is None else reference_module, args.entry
        )
        rate = f" {flops / seconds / 1e9:.2f} GFLOP/s" if flops else ""
        print(f"time: median {seconds * 1e3:.3f} ms over {args.time} runs{rate}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `pack-run`; returns the exit status."""
    return run_tool("pack-run", lambda: run(argv))


if __name__ == "__main__":
    sys.exit(main())
