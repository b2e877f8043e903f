"""`lower-packs{to-tensor-ops=true}`: upstream's decomposition of packs and
unpacks whose outer dims are 1 (SSA tiles and dynamic shapes included), and
the full lowering of static ones.

Each case runs in the numpy interpreter before and after the pass on the same
random inputs; a pack is also compared with a pack written here with numpy
(pad, then move the tiled dims to the back).
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects import func

from packdialect.diagnostics import capture_diagnostics
from packdialect.interp import run_function
from packdialect.ir.context import make_context, parse_module
from packdialect.ir.parse import parse_source
from passes import parse_pipeline

PASS = "lower-packs{to-tensor-ops=true}"


def _lower(text: str):
    ctx = make_context()
    module = parse_source(ctx, text, "input.mlir")
    with capture_diagnostics() as diagnostics:
        parse_pipeline(PASS).apply(ctx, module)
    module.verify()
    return module, diagnostics


def _op_names(module) -> list[str]:
    """The ops in the functions' bodies (not those nested in linalg ops)."""
    return [
        op.name
        for fn in module.ops
        if isinstance(fn, func.FuncOp)
        for op in fn.body.block.ops
        if not isinstance(op, func.ReturnOp)
    ]


def _check(text: str, args: list, expected_ops: list[str]):
    """Same results before and after the pass; the ops left are `expected_ops`
    (in order, constants and tensor.dim aside)."""
    before = parse_module(text, make_context())
    want = run_function(before, "f", args)
    after, diagnostics = _lower(text)
    assert not diagnostics
    got = run_function(after, "f", args)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    ops = [
        n
        for n in _op_names(after)
        if n not in ("arith.constant", "tensor.dim", "affine.apply")
    ]
    assert ops == expected_ops
    return got


def _pack_reference(a: np.ndarray, inner: list[int], tiles: list[int], pad):
    """A single-tile pack: pad every tiled dim to its tile, untiled dims
    first then the tiled ones in `inner` order, under outer dims of 1."""
    widths = [(0, 0)] * a.ndim
    for d, t in zip(inner, tiles, strict=True):
        widths[d] = (0, t - a.shape[d])
    padded = np.pad(a, widths, constant_values=pad)
    untiled = [d for d in range(a.ndim) if d not in inner]
    # the untiled dims are 1s (the outer dims are), so they fold away
    return padded.transpose(untiled + inner).reshape([1] * a.ndim + tiles)


def _rng(seed: int = 0):
    return np.random.default_rng(seed)


def test_pack_dynamic_source_pads_with_affine_high():
    text = """
func.func @f(%a: tensor<?x?xi32>, %d: tensor<1x1x8x1xi32>) -> tensor<1x1x8x1xi32> {
  %c7 = arith.constant 7 : i32
  %p = linalg.pack %a padding_value(%c7 : i32) inner_dims_pos = [0, 1] inner_tiles = [8, 1] into %d : tensor<?x?xi32> -> tensor<1x1x8x1xi32>
  return %p : tensor<1x1x8x1xi32>
}"""
    a = _rng().integers(-8, 8, (5, 1)).astype(np.int32)
    (got,) = _check(
        text,
        [a, np.zeros((1, 1, 8, 1), np.int32)],
        ["tensor.pad", "tensor.insert_slice"],
    )
    np.testing.assert_array_equal(got, _pack_reference(a, [0, 1], [8, 1], 7))


def test_pack_ssa_tile_transposes_and_inserts():
    text = """
func.func @f(%a: tensor<6x1xf32>, %d: tensor<1x1x2x?xf32>, %v: f32, %t: index) -> tensor<1x1x2x?xf32> {
  %p = linalg.pack %a padding_value(%v : f32) inner_dims_pos = [1, 0] inner_tiles = [2, %t] into %d : tensor<6x1xf32> -> tensor<1x1x2x?xf32>
  return %p : tensor<1x1x2x?xf32>
}"""
    a = _rng().standard_normal((6, 1)).astype(np.float32)
    (got,) = _check(
        text,
        [a, np.zeros((1, 1, 2, 8), np.float32), np.float32(-3), np.int64(8)],
        ["tensor.pad", "tensor.empty", "linalg.transpose", "tensor.insert_slice"],
    )
    np.testing.assert_array_equal(got, _pack_reference(a, [1, 0], [2, 8], -3))


def test_pack_constant_ssa_tile_is_folded_to_static():
    text = """
func.func @f(%a: tensor<5x1xf32>, %d: tensor<1x1x?x2xf32>, %v: f32) -> tensor<1x1x?x2xf32> {
  %c8 = arith.constant 8 : index
  %p = linalg.pack %a padding_value(%v : f32) inner_dims_pos = [0, 1] inner_tiles = [%c8, 2] into %d : tensor<5x1xf32> -> tensor<1x1x?x2xf32>
  return %p : tensor<1x1x?x2xf32>
}"""
    module, _ = _lower(text)
    pads = [op for op in module.walk() if op.name == "tensor.pad"]
    assert [list(p.results[0].type.get_shape()) for p in pads] == [[8, 2]]
    a = _rng().standard_normal((5, 1)).astype(np.float32)
    _check(
        text,
        [a, np.zeros((1, 1, 8, 2), np.float32), np.float32(0.5)],
        ["tensor.pad", "tensor.insert_slice"],
    )


def test_pack_without_padding_three_tiled_dims():
    text = """
func.func @f(%a: tensor<3x5x7xf32>, %d: tensor<1x1x1x5x7x3xf32>) -> tensor<1x1x1x5x7x3xf32> {
  %p = linalg.pack %a inner_dims_pos = [1, 2, 0] inner_tiles = [5, 7, 3] into %d : tensor<3x5x7xf32> -> tensor<1x1x1x5x7x3xf32>
  return %p : tensor<1x1x1x5x7x3xf32>
}"""
    a = _rng().standard_normal((3, 5, 7)).astype(np.float32)
    (got,) = _check(
        text,
        [a, np.zeros((1, 1, 1, 5, 7, 3), np.float32)],
        ["tensor.empty", "linalg.transpose", "tensor.insert_slice"],
    )
    np.testing.assert_array_equal(got, _pack_reference(a, [1, 2, 0], [5, 7, 3], 0))


def test_pack_untiled_unit_dims_and_outer_perm():
    text = """
func.func @f(%a: tensor<1x1x5x1xf32>, %d: tensor<1x1x1x1x2x8xf32>, %v: f32) -> tensor<1x1x1x1x2x8xf32> {
  %p = linalg.pack %a padding_value(%v : f32) outer_dims_perm = [1, 0, 2, 3] inner_dims_pos = [3, 2] inner_tiles = [2, 8] into %d : tensor<1x1x5x1xf32> -> tensor<1x1x1x1x2x8xf32>
  return %p : tensor<1x1x1x1x2x8xf32>
}"""
    a = _rng().standard_normal((1, 1, 5, 1)).astype(np.float32)
    (got,) = _check(
        text,
        [a, np.zeros((1, 1, 1, 1, 2, 8), np.float32), np.float32(9)],
        ["tensor.pad", "tensor.empty", "linalg.transpose", "tensor.insert_slice"],
    )
    np.testing.assert_array_equal(got, _pack_reference(a, [3, 2], [2, 8], 9))


def test_unpack_ssa_tile_drops_padding():
    text = """
func.func @f(%s: tensor<1x1x2x?xf32>, %d: tensor<5x1xf32>, %t: index) -> tensor<5x1xf32> {
  %u = linalg.unpack %s inner_dims_pos = [1, 0] inner_tiles = [2, %t] into %d : tensor<1x1x2x?xf32> -> tensor<5x1xf32>
  return %u : tensor<5x1xf32>
}"""
    s = _rng().standard_normal((1, 1, 2, 8)).astype(np.float32)
    (got,) = _check(
        text,
        [s, np.zeros((5, 1), np.float32), np.int64(8)],
        [
            "tensor.extract_slice",
            "tensor.empty",
            "linalg.transpose",
            "tensor.extract_slice",
        ],
    )
    np.testing.assert_array_equal(got, s[0, 0].T[:5, :1])


def test_unpack_keeps_untiled_outer_dims():
    text = """
func.func @f(%s: tensor<2x1x3x4x8xf32>, %d: tensor<2x8x3x4xf32>) -> tensor<2x8x3x4xf32> {
  %u = linalg.unpack %s inner_dims_pos = [1] inner_tiles = [8] into %d : tensor<2x1x3x4x8xf32> -> tensor<2x8x3x4xf32>
  return %u : tensor<2x8x3x4xf32>
}"""
    s = _rng().standard_normal((2, 1, 3, 4, 8)).astype(np.float32)
    (got,) = _check(
        text,
        [s, np.zeros((2, 8, 3, 4), np.float32)],
        ["tensor.extract_slice", "tensor.empty", "linalg.transpose"],
    )
    np.testing.assert_array_equal(got, s[:, 0].transpose(0, 3, 1, 2))


def test_unpack_dynamic_outer_dim():
    text = """
func.func @f(%s: tensor<?x1x1x1x8x32xf32>, %d: tensor<?x1x32x8xf32>) -> tensor<?x1x32x8xf32> {
  %u = linalg.unpack %s inner_dims_pos = [3, 2] inner_tiles = [8, 32] into %d : tensor<?x1x1x1x8x32xf32> -> tensor<?x1x32x8xf32>
  return %u : tensor<?x1x32x8xf32>
}"""
    s = _rng().standard_normal((3, 1, 1, 1, 8, 32)).astype(np.float32)
    (got,) = _check(
        text,
        [s, np.zeros((3, 1, 32, 8), np.float32)],
        [
            "tensor.extract_slice",
            "tensor.empty",
            "linalg.transpose",
            "tensor.extract_slice",
            "tensor.insert_slice",
        ],
    )
    np.testing.assert_array_equal(got[:, 0], s[:, 0, 0, 0].transpose(0, 2, 1))


def test_unpack_outer_perm_without_tiles():
    text = """
func.func @f(%s: tensor<1x16x8x32xf32>, %d: tensor<1x32x16x8xf32>) -> tensor<1x32x16x8xf32> {
  %u = linalg.unpack %s outer_dims_perm = [0, 2, 3, 1] inner_dims_pos = [] inner_tiles = [] into %d : tensor<1x16x8x32xf32> -> tensor<1x32x16x8xf32>
  return %u : tensor<1x32x16x8xf32>
}"""
    s = _rng().standard_normal((1, 16, 8, 32)).astype(np.float32)
    (got,) = _check(
        text,
        [s, np.zeros((1, 32, 16, 8), np.float32)],
        [
            "tensor.extract_slice",
            "tensor.empty",
            "linalg.transpose",
            "tensor.insert_slice",
        ],
    )
    np.testing.assert_array_equal(got, s.transpose(0, 3, 1, 2))


def test_static_pack_with_several_tiles_still_lowers_fully():
    text = """
func.func @f(%a: tensor<5x7xf32>, %d: tensor<4x2x2x3xf32>) -> tensor<4x2x2x3xf32> {
  %v = arith.constant -1.0 : f32
  %p = linalg.pack %a padding_value(%v : f32) outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [2, 3] into %d : tensor<5x7xf32> -> tensor<4x2x2x3xf32>
  return %p : tensor<4x2x2x3xf32>
}"""
    a = _rng().standard_normal((5, 7)).astype(np.float32)
    _check(
        text,
        [a, np.zeros((4, 2, 2, 3), np.float32)],
        ["tensor.pad", "tensor.expand_shape", "linalg.transpose"],
    )


@pytest.mark.parametrize(
    "op",
    [
        "%r = linalg.pack %a inner_dims_pos = [0, 1] inner_tiles = [%t, 1] into %e"
        " : tensor<16x8xf32> -> tensor<2x8x?x1xf32>",
    ],
)
def test_dynamic_tiles_with_outer_dims_other_than_1_are_kept_with_a_remark(op):
    text = f"""
func.func @kept(%a: tensor<16x8xf32>, %t: index, %e: tensor<2x8x?x1xf32>) -> tensor<2x8x?x1xf32> {{
  {op}
  return %r : tensor<2x8x?x1xf32>
}}
func.func @lowered(%a: tensor<3x5x7xf32>, %d: tensor<1x1x1x5x7x3xf32>) -> tensor<1x1x1x5x7x3xf32> {{
  %p = linalg.pack %a inner_dims_pos = [1, 2, 0] inner_tiles = [5, 7, 3] into %d : tensor<3x5x7xf32> -> tensor<1x1x1x5x7x3xf32>
  return %p : tensor<1x1x1x5x7x3xf32>
}}"""
    module, diagnostics = _lower(text)
    names = _op_names(module)
    assert names.count("linalg.pack") == 1  # @kept's; @lowered's is gone
    assert "tensor.insert_slice" in names
    (remark,) = diagnostics
    assert remark.severity == "remark"
    assert "dynamic inner tiles" in remark.message
    assert remark.location == "input.mlir:3:8"
