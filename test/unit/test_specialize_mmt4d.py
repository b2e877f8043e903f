"""specialize-mmt4d: which generics become linalg.mmt4d / linalg.batch_mmt4d,
and that the named op computes what the generic did (numpy reference)."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import BFloat16Type, Float16Type, Float32Type, IntegerType
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.pattern_rewriter import PatternRewriter

from packdialect.diagnostics import Refused
from packdialect.interp import run_function
from packdialect.ir.context import make_context, parse_module
from packdialect.ir.ops import BatchMmt4dOp, Mmt4dOp
from passes.specialize_mmt4d import (
    SpecializeMmt4dPass,
    expected_cast,
    match_mmt4d,
    specialize_mmt4d,
)

MMT4D_MAPS = (
    "[affine_map<(m, n, k, m0, n0, k0) -> (m, k, m0, k0)>, "
    "affine_map<(m, n, k, m0, n0, k0) -> (n, k, n0, k0)>, "
    "affine_map<(m, n, k, m0, n0, k0) -> (m, n, m0, n0)>]"
)
MMT4D_ITERS = (
    '["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]'
)


def generic(
    body: str,
    lhs: str = "i8",
    rhs: str = "i8",
    acc: str = "i32",
    maps: str = MMT4D_MAPS,
    iterators: str = MMT4D_ITERS,
    rhs_shape: str = "2x3x4x2",
) -> str:
    """A function holding one mmt4d-shaped generic with `body`."""
    return f"""
    func.func @f(%L : tensor<3x3x2x2x{lhs}>, %R : tensor<{rhs_shape}x{rhs}>,
                 %A : tensor<3x2x2x4x{acc}>) -> tensor<3x2x2x4x{acc}> {{
      %0 = linalg.generic {{indexing_maps = {maps}, iterator_types = {iterators}}}
          ins(%L, %R : tensor<3x3x2x2x{lhs}>, tensor<{rhs_shape}x{rhs}>)
          outs(%A : tensor<3x2x2x4x{acc}>) {{
      ^bb0(%l: {lhs}, %r: {rhs}, %a: {acc}):
        {body}
      }} -> tensor<3x2x2x4x{acc}>
      return %0 : tensor<3x2x2x4x{acc}>
    }}
    """


I8_BODY = """
        %l32 = arith.extsi %l : i8 to i32
        %r32 = arith.extsi %r : i8 to i32
        %p = arith.muli %l32, %r32 : i32
        %s = arith.addi %a, %p : i32
        linalg.yield %s : i32
"""


def _generic(module) -> GenericOp:
    return next(op for op in module.walk() if isinstance(op, GenericOp))


@pytest.mark.parametrize(
    ("source", "acc", "cast"),
    [
        (IntegerType(8), IntegerType(32), "arith.extsi"),
        (IntegerType(32), IntegerType(32), None),
        (Float16Type(), Float32Type(), "arith.extf"),
        (BFloat16Type(), Float32Type(), "arith.extf"),
        (IntegerType(8), Float32Type(), "arith.sitofp"),
        (IntegerType(32), IntegerType(8), "unsupported"),
        (Float32Type(), IntegerType(32), "unsupported"),
    ],
)
def test_expected_cast_mirrors_the_named_op_body(source, acc, cast):
    assert expected_cast(source, acc) == cast


def test_match_i8_mmt4d():
    assert match_mmt4d(_generic(parse_module(generic(I8_BODY)))) is Mmt4dOp


def test_zero_extension_is_not_mmt4d():
    body = I8_BODY.replace("arith.extsi %r", "arith.extui %r")
    reason = match_mmt4d(_generic(parse_module(generic(body))))
    assert reason == Refused(
        "the RHS is cast with arith.extui but the named op would use arith.extsi "
        "from i8 to i32"
    )


def test_other_maps_are_not_mmt4d():
    maps = MMT4D_MAPS.replace("(n, k, n0, k0)", "(n, k, k0, n0)")
    module = parse_module(generic(I8_BODY, maps=maps, rhs_shape="2x3x2x4"))
    assert "are not those of linalg.mmt4d" in str(match_mmt4d(_generic(module)))


def test_non_mac_body_is_not_mmt4d():
    body = """
        %l32 = arith.extsi %l : i8 to i32
        %r32 = arith.extsi %r : i8 to i32
        %p = arith.addi %l32, %r32 : i32
        %s = arith.maxsi %a, %p : i32
        linalg.yield %s : i32
    """
    reason = match_mmt4d(_generic(parse_module(generic(body))))
    assert isinstance(reason, Refused)
    assert "arith.maxsi" in str(reason)


def test_refusal_leaves_the_generic():
    module = parse_module(generic(I8_BODY.replace("arith.extsi %r", "arith.extui %r")))
    before = str(module)
    op = _generic(module)
    assert isinstance(specialize_mmt4d(PatternRewriter(op), op), Refused)
    assert str(module) == before


def test_i8_mmt4d_matches_numpy():
    module = parse_module(generic(I8_BODY))
    SpecializeMmt4dPass().apply(make_context(), module)
    fn = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    assert isinstance(fn.body.block.first_op, Mmt4dOp)
    rng = np.random.default_rng(0)
    lhs = rng.integers(-128, 128, (3, 3, 2, 2), dtype=np.int8)
    rhs = rng.integers(-128, 128, (2, 3, 4, 2), dtype=np.int8)
    acc = rng.integers(-1000, 1000, (3, 2, 2, 4), dtype=np.int32)
    (got,) = run_function(module, "f", [lhs, rhs, acc])
    # acc[m, n, m0, n0] += lhs[m, k, m0, k0] * rhs[n, k, n0, k0], sign-extended.
    expected = acc.astype(np.int64) + np.einsum(
        "mkab,nkcb->mnac", lhs.astype(np.int64), rhs.astype(np.int64)
    )
    np.testing.assert_array_equal(got, expected)


def test_batch_mmt4d():
    text = """
    func.func @f(%L : tensor<2x3x3x2x2xf16>, %R : tensor<2x2x3x4x2xf16>,
                 %A : tensor<2x3x2x2x4xf32>) -> tensor<2x3x2x2x4xf32> {
      %0 = linalg.generic {indexing_maps = [
            affine_map<(b, m, n, k, m0, n0, k0) -> (b, m, k, m0, k0)>,
            affine_map<(b, m, n, k, m0, n0, k0) -> (b, n, k, n0, k0)>,
            affine_map<(b, m, n, k, m0, n0, k0) -> (b, m, n, m0, n0)>],
          iterator_types = ["parallel", "parallel", "parallel", "reduction",
                            "parallel", "parallel", "reduction"]}
          ins(%L, %R : tensor<2x3x3x2x2xf16>, tensor<2x2x3x4x2xf16>)
          outs(%A : tensor<2x3x2x2x4xf32>) {
      ^bb0(%l: f16, %r: f16, %a: f32):
        %l32 = arith.extf %l : f16 to f32
        %r32 = arith.extf %r : f16 to f32
        %p = arith.mulf %l32, %r32 : f32
        %s = arith.addf %a, %p : f32
        linalg.yield %s : f32
      } -> tensor<2x3x2x2x4xf32>
      return %0 : tensor<2x3x2x2x4xf32>
    }
    """
    module = parse_module(text)
    SpecializeMmt4dPass().apply(make_context(), module)
    fn = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    assert isinstance(fn.body.block.first_op, BatchMmt4dOp)
    rng = np.random.default_rng(1)
    lhs = rng.uniform(-1, 1, (2, 3, 3, 2, 2)).astype(np.float16)
    rhs = rng.uniform(-1, 1, (2, 2, 3, 4, 2)).astype(np.float16)
    acc = rng.uniform(-1, 1, (2, 3, 2, 2, 4)).astype(np.float32)
    (got,) = run_function(module, "f", [lhs, rhs, acc])
    expected = acc + np.einsum(
        "bmkac,bnkdc->bmnad", lhs.astype(np.float64), rhs.astype(np.float64)
    )
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
