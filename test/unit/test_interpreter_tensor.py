"""The numpy interpreter on the tensor dialect; expected values from numpy."""

from __future__ import annotations

import numpy as np
import pytest

from packdialect.interp import InterpreterError, run_function
from packdialect.ir.context import parse_module

RNG = np.random.default_rng(7)


def run(text: str, name: str, *args):
    return run_function(parse_module(text), name, list(args))


def rand(*shape):
    return RNG.uniform(-1, 1, size=shape).astype(np.float32)


def test_pad_static_and_dynamic():
    text = """
    func.func @f(%x: tensor<3x4xf32>, %h: index) -> tensor<?x7xf32> {
      %cst = arith.constant 9.0 : f32
      %p = tensor.pad %x low[1, 2] high[%h, 1] {
      ^bb0(%i: index, %j: index):
        tensor.yield %cst : f32
      } : tensor<3x4xf32> to tensor<?x7xf32>
      func.return %p : tensor<?x7xf32>
    }"""
    x = rand(3, 4)
    (result,) = run(text, "f", x, 2)
    want = np.pad(x, [(1, 2), (2, 1)], constant_values=9.0)
    np.testing.assert_array_equal(result, want)


def test_pad_value_may_depend_on_the_index():
    text = """
    func.func @f(%x: tensor<2x2xi32>) -> tensor<3x4xi32> {
      %p = tensor.pad %x low[0, 1] high[1, 1] {
      ^bb0(%i: index, %j: index):
        %s = arith.addi %i, %j : index
        %v = arith.index_cast %s : index to i32
        tensor.yield %v : i32
      } : tensor<2x2xi32> to tensor<3x4xi32>
      func.return %p : tensor<3x4xi32>
    }"""
    x = np.array([[10, 11], [12, 13]], dtype=np.int32)
    want = np.add.outer(np.arange(3), np.arange(4))
    want[0:2, 1:3] = x
    np.testing.assert_array_equal(run(text, "f", x)[0], want)


def test_expand_and_collapse_shape():
    text = """
    func.func @f(%x: tensor<6x4xf32>, %n: index) -> (tensor<2x3x4xf32>, tensor<24xf32>,
                                                    tensor<?x2x4xf32>) {
      %e = tensor.expand_shape %x [[0, 1], [2]] output_shape [2, 3, 4]
             : tensor<6x4xf32> into tensor<2x3x4xf32>
      %c = tensor.collapse_shape %e [[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
      %d = tensor.expand_shape %x [[0, 1], [2]] output_shape [%n, 2, 4]
             : tensor<6x4xf32> into tensor<?x2x4xf32>
      func.return %e, %c, %d : tensor<2x3x4xf32>, tensor<24xf32>, tensor<?x2x4xf32>
    }"""
    x = rand(6, 4)
    e, c, d = run(text, "f", x, 3)
    np.testing.assert_array_equal(e, x.reshape(2, 3, 4))
    np.testing.assert_array_equal(c, x.reshape(24))
    np.testing.assert_array_equal(d, x.reshape(3, 2, 4))


def test_extract_slice_strided_and_rank_reducing():
    text = """
    func.func @f(%x: tensor<6x5x4xf32>, %o: index) -> (tensor<2x3x2xf32>, tensor<3x4xf32>) {
      %a = tensor.extract_slice %x[1, %o, 0] [2, 3, 2] [2, 1, 3]
             : tensor<6x5x4xf32> to tensor<2x3x2xf32>
      %b = tensor.extract_slice %x[4, 1, 0] [1, 3, 4] [1, 1, 1]
             : tensor<6x5x4xf32> to tensor<3x4xf32>
      func.return %a, %b : tensor<2x3x2xf32>, tensor<3x4xf32>
    }"""
    x = rand(6, 5, 4)
    a, b = run(text, "f", x, 2)
    np.testing.assert_array_equal(a, x[1:5:2, 2:5, 0:4:3])
    np.testing.assert_array_equal(b, x[4, 1:4, :])
    with pytest.raises(InterpreterError, match="out of bounds"):
        run(text, "f", x, 3)


def test_insert_slice():
    text = """
    func.func @f(%s: tensor<2x3xf32>, %d: tensor<5x7xf32>) -> tensor<5x7xf32> {
      %r = tensor.insert_slice %s into %d[1, 2] [2, 3] [2, 2]
             : tensor<2x3xf32> into tensor<5x7xf32>
      func.return %r : tensor<5x7xf32>
    }"""
    s, d = rand(2, 3), rand(5, 7)
    want = d.copy()
    want[1:4:2, 2:7:2] = s
    (result,) = run(text, "f", s, d)
    np.testing.assert_array_equal(result, want)
    assert not np.array_equal(d, want), "the destination argument is not modified"


def test_extract_insert_from_elements_splat():
    text = """
    func.func @f(%x: tensor<3x4xf32>, %v: f32, %n: index)
        -> (f32, tensor<3x4xf32>, tensor<2x2xf32>, tensor<?x2xf32>) {
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %e = tensor.extract %x[%c2, %c1] : tensor<3x4xf32>
      %i = tensor.insert %v into %x[%c1, %c2] : tensor<3x4xf32>
      %f = tensor.from_elements %e, %v, %v, %e : tensor<2x2xf32>
      %s = tensor.splat %v[%n] : tensor<?x2xf32>
      func.return %e, %i, %f, %s : f32, tensor<3x4xf32>, tensor<2x2xf32>, tensor<?x2xf32>
    }"""
    x = rand(3, 4)
    e, i, f, s = run(text, "f", x, 0.5, 3)
    assert e == x[2, 1]
    want = x.copy()
    want[1, 2] = 0.5
    np.testing.assert_array_equal(i, want)
    np.testing.assert_array_equal(f, [[x[2, 1], 0.5], [0.5, x[2, 1]]])
    np.testing.assert_array_equal(s, np.full((3, 2), 0.5))


def test_cast_dim_concat_reshape():
    text = """
    func.func @f(%a: tensor<2x3xf32>, %b: tensor<1x3xf32>, %shape: tensor<2xindex>)
        -> (tensor<?x3xf32>, index, tensor<3x3xf32>, tensor<3x2xf32>) {
      %c0 = arith.constant 0 : index
      %d = tensor.cast %a : tensor<2x3xf32> to tensor<?x3xf32>
      %n = tensor.dim %d, %c0 : tensor<?x3xf32>
      %c = tensor.concat dim(0) %a, %b : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
      %r = tensor.reshape %a(%shape) : (tensor<2x3xf32>, tensor<2xindex>) -> tensor<3x2xf32>
      func.return %d, %n, %c, %r : tensor<?x3xf32>, index, tensor<3x3xf32>, tensor<3x2xf32>
    }"""
    a, b = rand(2, 3), rand(1, 3)
    d, n, c, r = run(text, "f", a, b, np.array([3, 2]))
    np.testing.assert_array_equal(d, a)
    assert n == 2
    np.testing.assert_array_equal(c, np.concatenate([a, b]))
    np.testing.assert_array_equal(r, a.reshape(3, 2))
