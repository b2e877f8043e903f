"""Helpers of the builder tests (no tests here): run a `@pd.func` with the
numpy interpreter or compiled to C, and compare with a numpy reference."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from support import needs_cc
from xdsl.dialects import func

import packdialect
from packdialect.interp import run_function
from packdialect.ir.dtypes import bf16_values, is_bf16, round_to_bf16

BACKENDS = ["interp", pytest.param("c", marks=needs_cc)]
"""Parametrize a test over both ways of running a built function."""

TOLERANCE = {"f32": 1e-5, "f64": 1e-12, "f16": 4e-3, "bf16": 2e-2}
"""Relative tolerance per float type (integers compare exactly)."""


def _result_types(fn) -> list:
    for op in fn.module.body.block.ops:
        if isinstance(op, func.FuncOp) and op.sym_name.data == fn.name:
            return list(op.function_type.outputs.data)
    raise AssertionError(f"no @{fn.name} in the module")


def run(fn, inputs: Sequence[np.ndarray], backend: str) -> list[np.ndarray]:
    """The results of `fn(*inputs)` (bf16 as float32 values) on a backend."""
    if backend == "interp":
        return run_function(fn.module, fn.name, list(inputs))
    compiled = packdialect.compile(fn)[fn.name]
    out = compiled(*inputs)
    outs = list(out) if isinstance(out, tuple) else [out]
    return [
        bf16_values(o).reshape(np.shape(o)) if is_bf16(t) else np.asarray(o)
        for o, t in zip(outs, _result_types(fn), strict=True)
    ]


def as_dtype(values: np.ndarray, name: str) -> np.ndarray:
    """`values` rounded to element type `name`, in its numpy value form."""
    if name == "bf16":
        return round_to_bf16(values)
    return np.asarray(values).astype(
        {"f16": np.float16, "f32": np.float32, "f64": np.float64}.get(
            name, f"int{name[1:]}"
        )
    )


def random(
    shape, name: str, seed: int = 0, low: float = -2, high: float = 2
) -> np.ndarray:
    """Random values of element type `name` (small integers for int types)."""
    rng = np.random.default_rng(seed)
    if name.startswith("i"):
        return rng.integers(int(low) - 3, int(high) + 4, size=shape).astype(
            f"int{name[1:]}"
        )
    return as_dtype(rng.uniform(low, high, size=shape), name)


def check(got: Sequence[np.ndarray], want: Sequence[np.ndarray], name: str, scale=1.0):
    """Every result equals its reference (integers exactly, floats within
    the type's tolerance relative to `scale`)."""
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"result {i}: shape {g.shape} != {w.shape}"
        if name.startswith("i"):
            np.testing.assert_array_equal(g, w, err_msg=f"result {i}")
        else:
            tol = TOLERANCE[name]
            np.testing.assert_allclose(
                g.astype(np.float64),
                w.astype(np.float64),
                rtol=tol,
                atol=tol * scale,
                err_msg=f"result {i}",
            )
