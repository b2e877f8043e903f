"""linalg.pack / linalg.unpack in the interpreter, against plain loops.

The loops below follow the element map of the reference page ("Shape
semantics"): for source dim d at outer position j (perm[j] = d) with outer
index q, x_d = q * tile_i + l_i when d == inner_dims_pos[i], else x_d = q.
"""

from __future__ import annotations

import numpy as np
import pytest

from packdialect.interp import InterpreterError, run_function
from packdialect.ir.context import parse_module
from packdialect.ir.relayout_arrays import RelayoutArrayError, pack_array, unpack_array

RNG = np.random.default_rng(99)


def ceildiv(a: int, b: int) -> int:
    return -(-a // b)


def source_index(packed_index, rank, inner_dims_pos, tiles, perm):
    """The source index a packed element comes from (maybe in the padding)."""
    x = [0] * rank
    for j in range(rank):
        x[perm[j]] = packed_index[j]
    for i, d in enumerate(inner_dims_pos):
        x[d] = x[d] * tiles[i] + packed_index[rank + i]
    return tuple(x)


def packed_shape(shape, inner_dims_pos, tiles, perm):
    tile_of = dict(zip(inner_dims_pos, tiles, strict=True))
    outer = [ceildiv(s, tile_of[d]) if d in tile_of else s for d, s in enumerate(shape)]
    return [outer[d] for d in perm] + list(tiles)


def pack_loops(src, inner_dims_pos, tiles, perm, pad):
    rank = src.ndim
    perm = list(perm) or list(range(rank))
    shape = packed_shape(src.shape, inner_dims_pos, tiles, perm)
    out = np.empty(shape, dtype=src.dtype)
    for idx in np.ndindex(*shape):
        x = source_index(idx, rank, inner_dims_pos, tiles, perm)
        inside = all(x[d] < src.shape[d] for d in range(rank))
        out[idx] = src[x] if inside else pad
    return out


def unpack_loops(packed, inner_dims_pos, tiles, perm, dest_shape):
    rank = len(dest_shape)
    perm = list(perm) or list(range(rank))
    out = np.empty(dest_shape, dtype=packed.dtype)
    for idx in np.ndindex(*packed.shape):
        x = source_index(idx, rank, inner_dims_pos, tiles, perm)
        if all(x[d] < dest_shape[d] for d in range(rank)):
            out[x] = packed[idx]
    return out


CASES = [
    # (source shape, inner_dims_pos, tiles, outer_dims_perm)
    ((16, 8), [0, 1], [8, 4], []),
    ((13, 15), [0, 1], [8, 4], []),
    ((7, 9), [1, 0], [4, 2], [1, 0]),
    ((5, 6, 7), [2, 0], [3, 2], [2, 0, 1]),
    ((5, 6, 7), [1], [4], [1, 2, 0]),
    ((4, 3), [], [], [1, 0]),
    ((10, 3), [0], [16], []),
]


@pytest.mark.parametrize(("shape", "inner", "tiles", "perm"), CASES)
def test_pack_array_matches_loops(shape, inner, tiles, perm):
    src = RNG.uniform(-1, 1, size=shape).astype(np.float32)
    result = pack_array(src, inner, tiles, perm, padding_value=0.5)
    want = pack_loops(src, inner, tiles, perm, 0.5)
    assert result.shape == want.shape
    np.testing.assert_array_equal(result, want)


@pytest.mark.parametrize(("shape", "inner", "tiles", "perm"), CASES)
def test_unpack_array_matches_loops(shape, inner, tiles, perm):
    full_perm = perm or list(range(len(shape)))
    packed = RNG.uniform(-1, 1, size=packed_shape(shape, inner, tiles, full_perm))
    result = unpack_array(packed, inner, tiles, perm, shape)
    np.testing.assert_array_equal(
        result, unpack_loops(packed, inner, tiles, perm, shape)
    )
    src = RNG.integers(-9, 9, size=shape).astype(np.int32)
    roundtrip = unpack_array(
        pack_array(src, inner, tiles, perm), inner, tiles, perm, shape
    )
    np.testing.assert_array_equal(roundtrip, src)


def test_pack_array_rejects_bad_attributes():
    src = np.zeros((4, 4))
    with pytest.raises(RelayoutArrayError, match="invalid inner_dims_pos"):
        pack_array(src, [0, 0], [2, 2])
    with pytest.raises(RelayoutArrayError, match="not a permutation"):
        pack_array(src, [0], [2], [0, 0])
    with pytest.raises(RelayoutArrayError, match="does not cover"):
        pack_array(src, [0], [2], outer_shape=[1, 4])


PACK_IR = """
func.func @pack(%src: tensor<13x15xf32>, %t: index) -> tensor<4x2x?x8xf32> {
  %pad = arith.constant -1.0 : f32
  %d = tensor.empty(%t) : tensor<4x2x?x8xf32>
  %p = linalg.pack %src padding_value(%pad : f32) outer_dims_perm = [1, 0]
         inner_dims_pos = [1, 0] inner_tiles = [%t, 8] into %d
         : tensor<13x15xf32> -> tensor<4x2x?x8xf32>
  func.return %p : tensor<4x2x?x8xf32>
}
func.func @unpack(%p: tensor<4x2x4x8xf32>) -> tensor<13x15xf32> {
  %d = tensor.empty() : tensor<13x15xf32>
  %u = linalg.unpack %p outer_dims_perm = [1, 0] inner_dims_pos = [1, 0]
         inner_tiles = [4, 8] into %d : tensor<4x2x4x8xf32> -> tensor<13x15xf32>
  func.return %u : tensor<13x15xf32>
}
func.func @legacy(%src: tensor<6x8xi32>) -> tensor<3x2x2x4xi32> {
  %d = tensor.empty() : tensor<3x2x2x4xi32>
  %p = tensor.pack %src inner_dims_pos = [0, 1] inner_tiles = [2, 4] into %d
         : tensor<6x8xi32> -> tensor<3x2x2x4xi32>
  func.return %p : tensor<3x2x2x4xi32>
}
"""


def test_pack_and_unpack_ops():
    module = parse_module(PACK_IR)
    src = RNG.uniform(-1, 1, size=(13, 15)).astype(np.float32)
    (packed,) = run_function(module, "pack", [src, 4])
    want = pack_loops(src, [1, 0], [4, 8], [1, 0], -1.0)
    np.testing.assert_array_equal(packed, want)
    (unpacked,) = run_function(module, "unpack", [packed])
    np.testing.assert_array_equal(unpacked, src)
    ints = RNG.integers(-50, 50, size=(6, 8)).astype(np.int32)
    (legacy,) = run_function(module, "legacy", [ints])
    np.testing.assert_array_equal(legacy, pack_loops(ints, [0, 1], [2, 4], [], 0))


def test_dynamic_tile_that_does_not_fit_the_destination():
    module = parse_module(PACK_IR)
    src = np.zeros((13, 15), dtype=np.float32)
    with pytest.raises(InterpreterError, match=r"outer shape \[4, 2\] does not cover"):
        # tensor.empty(%t) makes a 4x2x3x8 dest, but 15 / 3 needs 5 outer tiles.
        run_function(module, "pack", [src, 3])


def test_matmul_through_pack_mmt4d_unpack():
    # A 10x12 @ 12x9 matmul in the mmt4d layout with M0=4, N0=8, K0=2.
    text = """
    func.func @f(%a: tensor<10x12xf32>, %b: tensor<12x9xf32>, %c: tensor<10x9xf32>)
        -> tensor<10x9xf32> {
      %zero = arith.constant 0.0 : f32
      %ea = tensor.empty() : tensor<3x6x4x2xf32>
      %pa = linalg.pack %a padding_value(%zero : f32) inner_dims_pos = [0, 1]
              inner_tiles = [4, 2] into %ea : tensor<10x12xf32> -> tensor<3x6x4x2xf32>
      %eb = tensor.empty() : tensor<2x6x8x2xf32>
      %pb = linalg.pack %b padding_value(%zero : f32) outer_dims_perm = [1, 0]
              inner_dims_pos = [1, 0] inner_tiles = [8, 2] into %eb
              : tensor<12x9xf32> -> tensor<2x6x8x2xf32>
      %ec = tensor.empty() : tensor<3x2x4x8xf32>
      %pc = linalg.pack %c padding_value(%zero : f32) inner_dims_pos = [0, 1]
              inner_tiles = [4, 8] into %ec : tensor<10x9xf32> -> tensor<3x2x4x8xf32>
      %m = linalg.mmt4d ins(%pa, %pb : tensor<3x6x4x2xf32>, tensor<2x6x8x2xf32>)
                        outs(%pc : tensor<3x2x4x8xf32>) -> tensor<3x2x4x8xf32>
      %u = linalg.unpack %m inner_dims_pos = [0, 1] inner_tiles = [4, 8] into %c
              : tensor<3x2x4x8xf32> -> tensor<10x9xf32>
      func.return %u : tensor<10x9xf32>
    }"""
    a, b, c = (
        RNG.uniform(-1, 1, size=s).astype(np.float32)
        for s in ((10, 12), (12, 9), (10, 9))
    )
    (result,) = run_function(parse_module(text), "f", [a, b, c])
    np.testing.assert_allclose(
        result, a.astype(np.float64) @ b + c, rtol=1e-5, atol=1e-6
    )
