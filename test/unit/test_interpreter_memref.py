"""The numpy interpreter on buffers: memref, bufferization, scf.parallel, affine.

Buffers are written in place: the caller's arrays (of the storage dtype) are
the function's memref arguments, so out-parameters are checked after the call.
"""

from __future__ import annotations

import numpy as np
import pytest

from packdialect.interp import InterpreterError, run_function
from packdialect.ir.context import parse_module

RNG = np.random.default_rng(5)


def run(text: str, name: str, *args):
    return run_function(parse_module(text), name, list(args))


def rand(*shape):
    return RNG.uniform(-1, 1, size=shape).astype(np.float32)


def test_linalg_on_memrefs_writes_the_out_parameter():
    text = """
    func.func @f(%a: memref<4x3xf32>, %b: memref<3x5xf32>, %c: memref<4x5xf32>) {
      %zero = arith.constant 0.0 : f32
      linalg.fill ins(%zero : f32) outs(%c : memref<4x5xf32>)
      linalg.matmul ins(%a, %b : memref<4x3xf32>, memref<3x5xf32>)
                    outs(%c : memref<4x5xf32>)
      func.return
    }"""
    a, b = rand(4, 3), rand(3, 5)
    c = np.full((4, 5), 99.0, dtype=np.float32)
    assert run(text, "f", a, b, c) == []
    np.testing.assert_allclose(c, a @ b, rtol=1e-5, atol=1e-6)


def test_subview_aliases_its_source():
    text = """
    func.func @f(%m: memref<4x6xf32>) {
      %one = arith.constant 1.0 : f32
      %s = memref.subview %m[1, 1] [2, 3] [1, 2]
             : memref<4x6xf32> to memref<2x3xf32, strided<[6, 2], offset: 7>>
      linalg.fill ins(%one : f32) outs(%s : memref<2x3xf32, strided<[6, 2], offset: 7>>)
      %r = memref.subview %m[3, 0] [1, 6] [1, 1]
             : memref<4x6xf32> to memref<6xf32, strided<[1], offset: 18>>
      %c5 = arith.constant 5 : index
      %two = arith.constant 2.0 : f32
      memref.store %two, %r[%c5] : memref<6xf32, strided<[1], offset: 18>>
      func.return
    }"""
    m = np.zeros((4, 6), dtype=np.float32)
    run(text, "f", m)
    want = np.zeros((4, 6))
    want[1:3, 1:6:2] = 1.0
    want[3, 5] = 2.0
    np.testing.assert_array_equal(m, want)


def test_scf_parallel_load_store_and_affine():
    # out[i, j] = in[j, i] * 2, over a 3x4 space with affine index arithmetic.
    text = """
    func.func @f(%in: memref<12xf32>, %out: memref<3x4xf32>) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c3 = arith.constant 3 : index
      %c4 = arith.constant 4 : index
      %two = arith.constant 2.0 : f32
      "scf.parallel"(%c0, %c0, %c3, %c4, %c1, %c1)
          <{operandSegmentSizes = array<i32: 2, 2, 2, 0>}> ({
      ^bb0(%i: index, %j: index):
        %k = affine.apply affine_map<(d0)[s0] -> (d0 * 3 + s0)>(%j)[%i]
        %v = memref.load %in[%k] : memref<12xf32>
        %w = arith.mulf %v, %two : f32
        memref.store %w, %out[%i, %j] : memref<3x4xf32>
        "scf.reduce"() : () -> ()
      }) : (index, index, index, index, index, index) -> ()
      func.return
    }"""
    src = rand(12)
    out = np.zeros((3, 4), dtype=np.float32)
    run(text, "f", src, out)
    np.testing.assert_array_equal(out, src.reshape(4, 3).T * 2)


def test_affine_min():
    text = """
    func.func @f(%i: index) -> index {
      %lo = affine.min affine_map<(d0) -> (4, 10 - d0, d0 floordiv 2 + 3)>(%i)
      func.return %lo : index
    }"""
    assert [int(run(text, "f", i)[0]) for i in (0, 1, 8)] == [3, 3, 2]


def test_reshapes_copy_global_and_bufferization():
    text = """
    "memref.global"() <{sym_name = "table", sym_visibility = "private",
                        type = memref<2x3xf32>, constant,
                        initial_value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
                        : tensor<2x3xf32>}> : () -> ()
    func.func @f(%out: memref<3x2xf32>) -> tensor<6xf32> {
      %g = memref.get_global @table : memref<2x3xf32>
      %flat = memref.collapse_shape %g [[0, 1]] : memref<2x3xf32> into memref<6xf32>
      %view = memref.expand_shape %flat [[0, 1]] output_shape [3, 2]
                : memref<6xf32> into memref<3x2xf32>
      "memref.copy"(%view, %out) : (memref<3x2xf32>, memref<3x2xf32>) -> ()
      %t = bufferization.to_tensor %flat : memref<6xf32> to tensor<6xf32>
      %c0 = arith.constant 0 : index
      %zero = arith.constant 0.0 : f32
      memref.store %zero, %flat[%c0] : memref<6xf32>
      func.return %t : tensor<6xf32>
    }"""
    out = np.zeros((3, 2), dtype=np.float32)
    (t,) = run(text, "f", out)
    np.testing.assert_array_equal(out, [[1, 2], [3, 4], [5, 6]])
    # to_tensor took a snapshot: the later store does not change the tensor.
    np.testing.assert_array_equal(t, [1, 2, 3, 4, 5, 6])


def test_non_contiguous_reshape_is_refused():
    text = """
    func.func @f(%m: memref<4x6xf32>) {
      %s = memref.subview %m[0, 0] [4, 3] [1, 1]
             : memref<4x6xf32> to memref<4x3xf32, strided<[6, 1]>>
      %c = memref.collapse_shape %s [[0, 1]]
             : memref<4x3xf32, strided<[6, 1]>> into memref<12xf32, strided<[?]>>
      func.return
    }"""
    with pytest.raises(InterpreterError, match="needs a copy"):
        run(text, "f", np.zeros((4, 6), dtype=np.float32))


def test_memref_arguments_must_be_writable_arrays_of_the_storage_dtype():
    text = """
    func.func @f(%m: memref<4xf32>) {
      func.return
    }"""
    with pytest.raises(
        InterpreterError, match="must be a writable numpy array of dtype float32"
    ):
        run(text, "f", np.zeros(4, dtype=np.float64))
