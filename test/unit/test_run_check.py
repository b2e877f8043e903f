"""`pack-run --check` catches every mismatch (NaN, infinities, dtypes), the C
backend returns scalar results in their own dtype, and the inputs pack-run
makes are the ones asked for (no assumed sizes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support import needs_cc
from xdsl.dialects.builtin import f32, f64, i32

import packdialect
from packdialect.diagnostics import ToolError
from packdialect.interp import InterpreterError, random_inputs
from packdialect.ir.context import parse_module
from tools.pack_run import main as pack_run
from tools.run_check import compare

NAN, INF = np.float32("nan"), np.float32("inf")


def f32s(*values: float) -> np.ndarray:
    return np.array(values, np.float32)


@pytest.mark.parametrize(
    ("got", "want", "message"),
    [
        (f32s(1, NAN), f32s(1, 2), r"result0\[1\] is nan, expected 2"),
        (f32s(1, 2), f32s(1, NAN), r"result0\[1\] is 2, expected nan"),
        (f32s(INF, 1), f32s(-INF, 1), r"result0\[0\] is inf, expected -inf"),
        (f32s(1e30, 1), f32s(INF, 1), r"is 1e\+30, expected inf"),
        (f32s(INF, 1), f32s(3e38, 1), r"is inf, expected 3e\+38"),
        (f32s(1, 2), f32s(1, 2.1), r"result0 differs by 0.0476"),
        (np.array([1, 2], np.float64), f32s(1, 2), "dtype float64, expected float32"),
        (np.float64(2.0), np.float32(2.0), "dtype float64, expected float32"),
        (f32s(1, 2), f32s(1, 2, 3), r"shape \(2,\), expected \(3,\)"),
    ],
)
def test_mismatches_fail(got, want, message) -> None:
    with pytest.raises(ToolError, match=message):
        compare([got], [want], [f32])


def test_matches_pass() -> None:
    nan_inf = f32s(NAN, INF, -INF, 4)
    assert compare([nan_inf], [nan_inf.copy()], [f32]) == 0.0
    near = compare([f32s(1, 2.00001)], [f32s(1, 2)], [f32])
    assert 0 < near < 1e-4
    assert compare([np.array([3], np.int32)], [np.array([3], np.int32)], [i32]) == 0
    assert compare([np.zeros(0, np.float64)], [np.zeros(0, np.float64)], [f64]) == 0


def test_integer_and_count_mismatches_fail() -> None:
    with pytest.raises(ToolError, match="differs by 1"):
        compare([np.array([3], np.int32)], [np.array([4], np.int32)], [i32])
    with pytest.raises(ToolError, match="1 results, expected 2"):
        compare([f32s(1)], [f32s(1), f32s(1)], [f32, f32])


SCALAR = """
func.func @f(%a: tensor<8xf32>) -> f32 {
  %c3 = arith.constant 3 : index
  %x = tensor.extract %a[%c3] : tensor<8xf32>
  %y = arith.mulf %x, %x : f32
  return %y : f32
}
"""


@needs_cc
def test_compiled_f32_scalar_result_is_float32(tmp_path: Path, capsys) -> None:
    module = packdialect.compile(SCALAR)
    a = np.linspace(-1, 1, 8, dtype=np.float32)
    got = module.f(a)
    assert isinstance(got, np.float32)
    assert got == a[3] * a[3]
    source = tmp_path / "s.mlir"
    source.write_text(SCALAR)
    out = tmp_path / "out.npz"
    argv = [str(source), "--entry", "f", "--backend", "c", "--check"]
    assert pack_run([*argv, "--output", str(out)]) == 0, capsys.readouterr().err
    assert np.load(out)["result0"].dtype == np.float32


DYNAMIC = """
func.func @f(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>, %c: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>)
                     outs(%c : tensor<?x?xf32>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}
"""


def test_random_inputs_never_assume_sizes() -> None:
    fn = parse_module(DYNAMIC).body.block.first_op
    with pytest.raises(InterpreterError, match=r"argument 0 \(tensor<\?x\?xf32>\)"):
        random_inputs(fn, 0)
    a, b, c = random_inputs(fn, 0, shapes={0: (4, 8), 1: (8, 3), 2: (4, 3)})
    assert (a.shape, b.shape, c.shape) == ((4, 8), (8, 3), (4, 3))
    with pytest.raises(InterpreterError, match="does not fit"):
        random_inputs(fn, 0, shapes={0: (4, 8, 1), 1: (8, 3), 2: (4, 3)})
    assert random_inputs(fn, 0, dynamic_size=5)[0].shape == (5, 5)


def test_pack_run_shape_option(tmp_path: Path, capsys) -> None:
    source = tmp_path / "d.mlir"
    source.write_text(DYNAMIC)
    out = tmp_path / "out.npz"
    shapes = ["--shape", "arg0=4x8", "--shape", "arg1=8x3,arg2=4x3"]
    argv = [str(source), "--entry", "f", "--seed", "2", *shapes, "--output", str(out)]
    assert pack_run(argv) == 0, capsys.readouterr().err
    a, b, c = random_inputs(
        parse_module(DYNAMIC).body.block.first_op,
        2,
        shapes={0: (4, 8), 1: (8, 3), 2: (4, 3)},
    )
    result = np.load(out)["result0"]
    np.testing.assert_allclose(result, a.astype(np.float64) @ b + c, rtol=1e-5)
