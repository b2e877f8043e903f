"""`pack-run`: run a function of an .mlir file on numpy arrays.

    pack-run FILE --entry NAME [--inputs IN.npz] [--output OUT.npz]
             [--backend interp|c] [--pipeline PIPELINE] [--seed N]
             [--threads N] [--check] [--time N]

Inputs are `arg0`, `arg1`, ... in an npz (random from --seed without one);
results are written as `result0`, ... or summarized on stdout.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import DYNAMIC_INDEX, ModuleOp, TensorType

from packdialect.diagnostics import Refused, ToolError, run_tool
from packdialect.ir.parse import load_module
from tools.common import apply_pipeline, find_function

DEFAULT_C_PIPELINE = "cpu-pipeline{target=host}"


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="pack-run", description=__doc__.split("\n")[0])
    p.add_argument("file", help="the .mlir file")
    p.add_argument("--entry", required=True, help="the function to run")
    p.add_argument("--inputs", help="npz with arg0, arg1, ... (default: random)")
    p.add_argument("--output", help="write results to this npz")
    p.add_argument("--backend", choices=("interp", "c"), default="interp")
    p.add_argument("--pipeline", default=None, help="pass pipeline to run first")
    p.add_argument("--seed", type=int, default=0, help="seed for random inputs")
    p.add_argument("--threads", type=int, default=None, help="threads (backend c)")
    p.add_argument("--check", action="store_true", help="compare with the interpreter")
    p.add_argument("--time", type=int, default=0, metavar="N", help="time N runs")
    return p


def describe(t: object) -> str:
    """An MLIR type as text."""
    return str(t)


def expected_dtype(t: object) -> np.dtype:
    """The numpy dtype that carries values of MLIR type `t` (its value form)."""
    from packdialect.ir.dtypes import value_dtype

    return value_dtype(t)  # type: ignore[arg-type]


def check_argument(index: int, t: object, value: np.ndarray) -> np.ndarray:
    """`value` if it fits argument `index` of type `t`; ToolError otherwise."""
    name = f"arg{index}"
    want = expected_dtype(t)
    if value.dtype != want:
        raise ToolError(
            f"input '{name}' has dtype {value.dtype}, expected {want} for {describe(t)}"
        )
    if not isinstance(t, TensorType):
        if value.shape != ():
            raise ToolError(
                f"input '{name}' has shape {value.shape}, expected a scalar {describe(t)}"
            )
        return value
    shape = t.get_shape()
    fits = len(shape) == value.ndim and all(
        d in (DYNAMIC_INDEX, s) for d, s in zip(shape, value.shape, strict=True)
    )
    if not fits:
        raise ToolError(
            f"input '{name}' has shape {value.shape}, expected {describe(t)}"
        )
    return value


def load_inputs(path: str | None, fn: func.FuncOp, seed: int) -> list[np.ndarray]:
    """Inputs from an npz (checked against the signature) or random ones."""
    types = list(fn.function_type.inputs.data)
    if path is None:
        from packdialect.interp import random_inputs

        return list(random_inputs(fn, seed))
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: np.asarray(data[k]) for k in data.files}
    except (OSError, ValueError) as err:
        raise ToolError(f"cannot read inputs '{path}': {err}") from None
    extra = sorted(set(arrays) - {f"arg{i}" for i in range(len(types))})
    if extra:
        raise ToolError(
            f"unexpected input '{extra[0]}': @{fn.sym_name.data} takes "
            f"{len(types)} argument(s)"
        )
    result = []
    for i, t in enumerate(types):
        if f"arg{i}" not in arrays:
            raise ToolError(f"missing input 'arg{i}' (expected {describe(t)})")
        result.append(check_argument(i, t, arrays[f"arg{i}"]))
    return result


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
    """A callable running `entry` compiled to C; results in the interpreter's
    numpy form (`packdialect.ir.dtypes`: bf16 bits become float32 values)."""
    from packdialect.compiler import compile as compile_module
    from packdialect.ir.dtypes import from_storage

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
            from_storage(np.asarray(o), t)
            for o, t in zip(outputs, result_types, strict=True)
        ]

    return call


def tolerance(t: object) -> float:
    """The --check tolerance for results of MLIR type `t` (relative for floats)."""
    from packdialect.ir.dtypes import element_type

    name = str(element_type(t))  # type: ignore[arg-type]
    return {"f64": 1e-7, "f32": 1e-4, "f16": 1e-2, "bf16": 1e-2}.get(name, 0.0)


def compare(
    got: Sequence[np.ndarray], want: Sequence[np.ndarray], types: Sequence[object]
) -> float:
    """Max relative error (floats) / max abs error (ints); ToolError on mismatch."""
    worst = 0.0
    for i, (g, w, t) in enumerate(zip(got, want, types, strict=True)):
        g, w = np.asarray(g), np.asarray(w)
        if g.shape != w.shape:
            raise ToolError(f"result{i} has shape {g.shape}, expected {w.shape}")
        if np.issubdtype(w.dtype, np.floating):
            scale = max(float(np.abs(w).max()) if w.size else 0.0, 1e-30)
            err = (
                float(np.abs(g.astype(np.float64) - w).max()) / scale if w.size else 0.0
            )
            tol = tolerance(t)
        else:
            err = (
                float(np.abs(g.astype(np.int64) - w.astype(np.int64)).max())
                if w.size
                else 0.0
            )
            tol = 0.0
        worst = max(worst, err)
        if err > tol:
            raise ToolError(
                f"--check failed: result{i} differs by {err:.3g} (tolerance {tol})"
            )
    return worst


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
    ctx, module = load_module(args.file)
    fn = find_function(module, args.entry, args.file)
    inputs = load_inputs(args.inputs, fn, args.seed)
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
    if args.output:
        np.savez(args.output, **{f"result{i}": r for i, r in enumerate(results)})
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
