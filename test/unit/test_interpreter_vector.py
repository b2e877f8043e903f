"""The numpy interpreter on the vector dialect (what vectorized kernels use)."""

from __future__ import annotations

import numpy as np
import pytest

from packdialect.interp import InterpreterError, run_function
from packdialect.ir.context import parse_module

RNG = np.random.default_rng(11)


def run(text: str, name: str, *args):
    return run_function(parse_module(text), name, list(args))


def rand(*shape):
    return RNG.uniform(-1, 1, size=shape).astype(np.float32)


def test_outer_product_kernel_with_load_broadcast_fma_store():
    # C[4x8] += sum_k A[k, 0:4] (x) B[k, 0:8]: an mmt4d-style inner tile.
    text = """
    func.func @f(%a: memref<3x4xf32>, %b: memref<3x8xf32>, %c: memref<4x8xf32>) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c3 = arith.constant 3 : index
      scf.for %k = %c0 to %c3 step %c1 {
        %brow = vector.load %b[%k, %c0] : memref<3x8xf32>, vector<8xf32>
        %acol = vector.load %a[%k, %c0] : memref<3x4xf32>, vector<4xf32>
        scf.for %m = %c0 to %c3 step %c1 {
          %am = vector.extract %acol[%m] : f32 from vector<4xf32>
          %bc = vector.broadcast %am : f32 to vector<8xf32>
          %crow = vector.load %c[%m, %c0] : memref<4x8xf32>, vector<8xf32>
          %r = vector.fma %bc, %brow, %crow : vector<8xf32>
          vector.store %r, %c[%m, %c0] : memref<4x8xf32>, vector<8xf32>
        }
      }
      func.return
    }"""
    a, b, c = rand(3, 4), rand(3, 8), rand(4, 8)
    want = c.astype(np.float64).copy()
    want[:3] += a[:, :3].T.astype(np.float64) @ b  # the m loop covers rows 0..2
    run(text, "f", a, b, c)
    np.testing.assert_allclose(c, want, rtol=1e-6, atol=1e-6)


def test_transfer_read_pads_out_of_bounds_and_write_masks():
    text = """
    func.func @f(%m: memref<3x5xf32>, %i: index, %j: index) -> vector<2x4xf32> {
      %pad = arith.constant -9.0 : f32
      %v = vector.transfer_read %m[%i, %j], %pad : memref<3x5xf32>, vector<2x4xf32>
      %c0 = arith.constant 0 : index
      %ten = arith.constant 10.0 : f32
      %t = vector.broadcast %ten : f32 to vector<4xf32>
      vector.transfer_write %t, %m[%c0, %j] : vector<4xf32>, memref<3x5xf32>
      func.return %v : vector<2x4xf32>
    }"""
    m = rand(3, 5)
    before = m.copy()
    (v,) = run(text, "f", m, 2, 3)
    want = np.full((2, 4), -9.0, dtype=np.float32)
    want[0, :2] = before[2, 3:5]
    np.testing.assert_array_equal(v, want)
    after = before.copy()
    after[0, 3:5] = 10.0  # the two lanes past the end are not written
    np.testing.assert_array_equal(m, after)


def test_transposed_and_broadcast_transfer_read():
    text = """
    func.func @f(%m: memref<3x5xf32>) -> (vector<5x3xf32>, vector<2x5xf32>) {
      %c0 = arith.constant 0 : index
      %pad = arith.constant 0.0 : f32
      %t = vector.transfer_read %m[%c0, %c0], %pad
             {permutation_map = affine_map<(d0, d1) -> (d1, d0)>}
             : memref<3x5xf32>, vector<5x3xf32>
      %c1 = arith.constant 1 : index
      %b = vector.transfer_read %m[%c1, %c0], %pad
             {permutation_map = affine_map<(d0, d1) -> (0, d1)>}
             : memref<3x5xf32>, vector<2x5xf32>
      func.return %t, %b : vector<5x3xf32>, vector<2x5xf32>
    }"""
    m = rand(3, 5)
    t, b = run(text, "f", m)
    np.testing.assert_array_equal(t, m.T)
    np.testing.assert_array_equal(b, np.stack([m[1], m[1]]))


def test_masked_load_store_and_create_mask():
    text = """
    func.func @f(%m: memref<6xf32>, %n: index) -> vector<4xf32> {
      %c4 = arith.constant 4 : index
      %pass = arith.constant dense<7.0> : vector<4xf32>
      %mask = vector.create_mask %n : vector<4xi1>
      %v = vector.maskedload %m[%c4], %mask, %pass
             : memref<6xf32>, vector<4xi1>, vector<4xf32> into vector<4xf32>
      %c0 = arith.constant 0 : index
      vector.maskedstore %m[%c0], %mask, %pass : memref<6xf32>, vector<4xi1>, vector<4xf32>
      func.return %v : vector<4xf32>
    }"""
    m = rand(6)
    before = m.copy()
    (v,) = run(text, "f", m, 2)
    np.testing.assert_array_equal(v, [before[4], before[5], 7.0, 7.0])
    np.testing.assert_array_equal(m, [7.0, 7.0, *before[2:]])


def test_reduction_insert_shuffle_bitcast():
    text = """
    func.func @f(%v: vector<4xf32>, %w: vector<4xi32>, %acc: f32)
        -> (f32, i32, vector<4xf32>, vector<4xf32>, vector<8xi16>) {
      %s = vector.reduction <add>, %v, %acc : vector<4xf32> into f32
      %m = vector.reduction <maxui>, %w : vector<4xi32> into i32
      %x = arith.constant 5.0 : f32
      %i = vector.insert %x, %v[2] : f32 into vector<4xf32>
      %sh = vector.shuffle %v, %i [7, 0, 6, 1] : vector<4xf32>, vector<4xf32>
      %bc = vector.bitcast %w : vector<4xi32> to vector<8xi16>
      func.return %s, %m, %i, %sh, %bc : f32, i32, vector<4xf32>, vector<4xf32>, vector<8xi16>
    }"""
    v = rand(4)
    w = np.array([3, -1, 7, 0x12345678], dtype=np.int32)
    s, m, i, sh, bc = run(text, "f", v, w, 0.5)
    np.testing.assert_allclose(s, 0.5 + v.astype(np.float64).sum(), rtol=1e-6)
    assert m == -1  # 0xFFFFFFFF is the largest unsigned value
    np.testing.assert_array_equal(i, [v[0], v[1], 5.0, v[3]])
    np.testing.assert_array_equal(sh, [v[3], v[0], 5.0, v[1]])
    np.testing.assert_array_equal(bc, w.view(np.int16))


def test_vector_load_out_of_bounds_is_diagnosed():
    text = """
    func.func @f(%m: memref<6xf32>) -> vector<4xf32> {
      %c3 = arith.constant 3 : index
      %v = vector.load %m[%c3] : memref<6xf32>, vector<4xf32>
      func.return %v : vector<4xf32>
    }"""
    with pytest.raises(InterpreterError, match="'vector.load' out of bounds"):
        run(text, "f", rand(6))
