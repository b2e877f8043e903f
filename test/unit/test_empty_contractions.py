"""Contractions with an empty dimension (K = 0, M = 0, N = 0) through the CPU
pipeline and the C backend: C comes back as its init, and no lowered loop
touches an element of an empty buffer.

The interpreter bounds-checks every memref.load/store, so running the lowered
IR with it catches a loop nest that reads an empty operand (which in C is a
heap overflow, not an error).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support import needs_cc

import packdialect
from packdialect.interp import run_function
from packdialect.ir.context import make_context, parse_module
from passes import parse_pipeline
from tools.pack_run import main as pack_run

SIZES = [(16, 32, 0), (5, 7, 0), (64, 64, 0), (0, 32, 8), (16, 0, 8), (0, 0, 0)]


def matmul(m: int, n: int, k: int, ty: str) -> str:
    """C = A * B + C on tensors, C an argument (so its init is not zeros)."""
    a, b, c = f"tensor<{m}x{k}x{ty}>", f"tensor<{k}x{n}x{ty}>", f"tensor<{m}x{n}x{ty}>"
    return f"""
func.func @f(%a: {a}, %b: {b}, %c: {c}) -> {c} {{
  %r = linalg.matmul ins(%a, %b : {a}, {b}) outs(%c : {c}) -> {c}
  return %r : {c}
}}
"""


def operands(m: int, n: int, k: int, dtype) -> list[np.ndarray]:
    rng = np.random.default_rng(m * 100 + n * 10 + k)
    return [
        rng.integers(-5, 6, shape).astype(dtype) for shape in ((m, k), (k, n), (m, n))
    ]


@pytest.mark.parametrize(("m", "n", "k"), SIZES)
def test_lowered_loops_stay_in_bounds(m: int, n: int, k: int) -> None:
    ctx = make_context()
    module = parse_module(matmul(m, n, k, "f32"), ctx)
    parse_pipeline("cpu-pipeline{target=avx2}").apply(ctx, module)
    a, b, c = operands(m, n, k, np.float32)
    out = np.full((m, n), np.nan, np.float32)
    run_function(module, "f", [a, b, c, out])  # InterpreterError if out of bounds
    np.testing.assert_array_equal(out, a @ b + c)


@needs_cc
@pytest.mark.parametrize(("ty", "dtype"), [("f32", np.float32), ("i32", np.int32)])
@pytest.mark.parametrize(("m", "n", "k"), SIZES)
def test_compiled_matches_numpy(m: int, n: int, k: int, ty: str, dtype) -> None:
    module = packdialect.compile(matmul(m, n, k, ty))
    a, b, c = operands(m, n, k, dtype)
    got = module.f(a, b, c)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, a @ b + c)


FILLED = """
func.func @f(%a: tensor<16x0xf32>, %b: tensor<0x32xf32>) -> tensor<16x32xf32> {
  %one = arith.constant 1.5 : f32
  %e = tensor.empty() : tensor<16x32xf32>
  %c = linalg.fill ins(%one : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %r = linalg.matmul ins(%a, %b : tensor<16x0xf32>, tensor<0x32xf32>)
                     outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}
"""


@needs_cc
def test_pack_run_backend_c(tmp_path: Path, capsys) -> None:
    """The issue's reproducer: `pack-run f.mlir --entry f --backend c`."""
    source = tmp_path / "f.mlir"
    source.write_text(FILLED)
    out = tmp_path / "out.npz"
    argv = [str(source), "--entry", "f", "--backend", "c", "--check"]
    assert pack_run([*argv, "--output", str(out)]) == 0, capsys.readouterr().err
    np.testing.assert_array_equal(
        np.load(out)["result0"], np.full((16, 32), 1.5, np.float32)
    )
