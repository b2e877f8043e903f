"""The numpy interpreter on linalg: generics, named ops, convolutions, mmt4d.

Every expected value is computed here with numpy (einsum, @) or plain loops,
independently of the interpreter.
"""

from __future__ import annotations

import numpy as np
import pytest

from packdialect.interp import InterpreterError, reduction, run_function
from packdialect.ir.context import parse_module

RNG = np.random.default_rng(1234)


def run(text: str, name: str, *args):
    return run_function(parse_module(text), name, list(args))


def rand(*shape, dtype=np.float32):
    return RNG.uniform(-1, 1, size=shape).astype(dtype)


def rand_int(*shape, low=-128, high=127, dtype=np.int8):
    return RNG.integers(low, high + 1, size=shape).astype(dtype)


MATMUL_GENERIC = """
#mA = affine_map<(m, n, k) -> ({a})>
#mB = affine_map<(m, n, k) -> ({b})>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @f(%a: tensor<{ta}>, %b: tensor<{tb}>, %c: tensor<{tc}>) -> tensor<{tc}> {{
  %r = linalg.generic {{indexing_maps = [#mA, #mB, #mC],
                        iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%a, %b : tensor<{ta}>, tensor<{tb}>) outs(%c : tensor<{tc}>) {{
  ^bb0(%x: {ea}, %y: {eb}, %acc: {ec}):
    {body}
    linalg.yield %s : {ec}
  }} -> tensor<{tc}>
  func.return %r : tensor<{tc}>
}}
"""

FLOAT_MAC = """%p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32"""


# ----------------------------------------------------------------------------
# Contractions
# ----------------------------------------------------------------------------


def test_matmul_generic_256_matches_numpy():
    text = MATMUL_GENERIC.format(
        a="m, k", b="k, n", ta="256x256xf32", tb="256x256xf32", tc="256x256xf32",
        ea="f32", eb="f32", ec="f32", body=FLOAT_MAC,
    )  # fmt: skip
    a, b, c = rand(256, 256), rand(256, 256), rand(256, 256)
    (result,) = run(text, "f", a, b, c)
    assert result.dtype == np.float32
    np.testing.assert_allclose(
        result, a.astype(np.float64) @ b + c, rtol=1e-4, atol=1e-4
    )


def test_transposed_maps_generic():
    # C[m, n] += A[k, m] * B[n, k]
    text = MATMUL_GENERIC.format(
        a="k, m", b="n, k", ta="7x5xf32", tb="3x7xf32", tc="5x3xf32",
        ea="f32", eb="f32", ec="f32", body=FLOAT_MAC,
    )  # fmt: skip
    a, b, c = rand(7, 5), rand(3, 7), rand(5, 3)
    (result,) = run(text, "f", a, b, c)
    np.testing.assert_allclose(result, a.T @ b.T + c, rtol=1e-5, atol=1e-6)


def test_i8_i8_to_i32_generic_is_exact():
    body = """%xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32"""
    text = MATMUL_GENERIC.format(
        a="m, k", b="k, n", ta="9x300xi8", tb="300x11xi8", tc="9x11xi32",
        ea="i8", eb="i8", ec="i32", body=body,
    )  # fmt: skip
    a, b = rand_int(9, 300), rand_int(300, 11)
    c = rand_int(9, 11, low=-1000, high=1000, dtype=np.int32)
    (result,) = run(text, "f", a, b, c)
    assert result.dtype == np.int32
    want = a.astype(np.int64) @ b.astype(np.int64) + c
    np.testing.assert_array_equal(result, want)


def test_i8_accumulator_wraps():
    body = """%p = arith.muli %x, %y : i8
    %s = arith.addi %acc, %p : i8"""
    text = MATMUL_GENERIC.format(
        a="m, k", b="k, n", ta="4x64xi8", tb="64x5xi8", tc="4x5xi8",
        ea="i8", eb="i8", ec="i8", body=body,
    )  # fmt: skip
    a, b, c = rand_int(4, 64), rand_int(64, 5), rand_int(4, 5)
    (result,) = run(text, "f", a, b, c)
    exact = a.astype(np.int64) @ b.astype(np.int64) + c
    np.testing.assert_array_equal(result, ((exact + 128) % 256 - 128).astype(np.int8))


def test_named_matmul_and_transposed_indexing_maps():
    text = """
    func.func @plain(%a: tensor<6x4xf32>, %b: tensor<4x5xf32>, %c: tensor<6x5xf32>)
        -> tensor<6x5xf32> {
      %r = linalg.matmul ins(%a, %b : tensor<6x4xf32>, tensor<4x5xf32>)
                         outs(%c : tensor<6x5xf32>) -> tensor<6x5xf32>
      func.return %r : tensor<6x5xf32>
    }
    func.func @tb(%a: tensor<6x4xf32>, %b: tensor<5x4xf32>, %c: tensor<6x5xf32>)
        -> tensor<6x5xf32> {
      %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                          affine_map<(m, n, k) -> (n, k)>,
                                          affine_map<(m, n, k) -> (m, n)>]
             ins(%a, %b : tensor<6x4xf32>, tensor<5x4xf32>)
             outs(%c : tensor<6x5xf32>) -> tensor<6x5xf32>
      func.return %r : tensor<6x5xf32>
    }"""
    a, b, c = rand(6, 4), rand(4, 5), rand(6, 5)
    module = parse_module(text)
    (plain,) = run_function(module, "plain", [a, b, c])
    np.testing.assert_allclose(plain, a @ b + c, rtol=1e-5, atol=1e-6)
    (tb,) = run_function(module, "tb", [a, b.T.copy(), c])
    np.testing.assert_allclose(tb, a @ b + c, rtol=1e-5, atol=1e-6)


def test_named_contractions():
    text = """
    func.func @bmm(%a: tensor<3x6x4xf32>, %b: tensor<3x4x5xf32>, %c: tensor<3x6x5xf32>)
        -> tensor<3x6x5xf32> {
      %r = linalg.batch_matmul ins(%a, %b : tensor<3x6x4xf32>, tensor<3x4x5xf32>)
                               outs(%c : tensor<3x6x5xf32>) -> tensor<3x6x5xf32>
      func.return %r : tensor<3x6x5xf32>
    }
    func.func @mv(%a: tensor<6x4xf32>, %x: tensor<4xf32>, %y: tensor<6xf32>) -> tensor<6xf32> {
      %r = linalg.matvec ins(%a, %x : tensor<6x4xf32>, tensor<4xf32>)
                         outs(%y : tensor<6xf32>) -> tensor<6xf32>
      func.return %r : tensor<6xf32>
    }
    func.func @vm(%x: tensor<6xf32>, %a: tensor<6x4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
      %r = linalg.vecmat ins(%x, %a : tensor<6xf32>, tensor<6x4xf32>)
                         outs(%y : tensor<4xf32>) -> tensor<4xf32>
      func.return %r : tensor<4xf32>
    }
    func.func @dot(%x: tensor<6xf32>, %y: tensor<6xf32>, %z: tensor<f32>) -> tensor<f32> {
      %r = linalg.dot ins(%x, %y : tensor<6xf32>, tensor<6xf32>)
                      outs(%z : tensor<f32>) -> tensor<f32>
      func.return %r : tensor<f32>
    }
    func.func @bmv(%a: tensor<3x6x4xf32>, %x: tensor<3x4xf32>, %y: tensor<3x6xf32>)
        -> tensor<3x6xf32> {
      %r = linalg.batch_matvec ins(%a, %x : tensor<3x6x4xf32>, tensor<3x4xf32>)
                               outs(%y : tensor<3x6xf32>) -> tensor<3x6xf32>
      func.return %r : tensor<3x6xf32>
    }"""
    module = parse_module(text)
    tol = {"rtol": 1e-5, "atol": 1e-6}
    a, b, c = rand(3, 6, 4), rand(3, 4, 5), rand(3, 6, 5)
    np.testing.assert_allclose(
        run_function(module, "bmm", [a, b, c])[0], a @ b + c, **tol
    )
    m, x, y = rand(6, 4), rand(4), rand(6)
    np.testing.assert_allclose(
        run_function(module, "mv", [m, x, y])[0], m @ x + y, **tol
    )
    v, w = rand(6), rand(4)
    np.testing.assert_allclose(
        run_function(module, "vm", [v, m, w])[0], v @ m + w, **tol
    )
    z = np.array(0.5, dtype=np.float32)
    (dot,) = run_function(module, "dot", [v, y, z])
    assert dot.shape == ()
    np.testing.assert_allclose(dot, v @ y + 0.5, **tol)
    bx, by = rand(3, 4), rand(3, 6)
    want = np.einsum("bmk,bk->bm", a, bx) + by
    np.testing.assert_allclose(run_function(module, "bmv", [a, bx, by])[0], want, **tol)


def test_f16_matmul_accumulates_in_f32():
    text = """
    func.func @f(%a: tensor<8x512xf16>, %b: tensor<512x8xf16>, %c: tensor<8x8xf16>)
        -> tensor<8x8xf16> {
      %r = linalg.matmul ins(%a, %b : tensor<8x512xf16>, tensor<512x8xf16>)
                         outs(%c : tensor<8x8xf16>) -> tensor<8x8xf16>
      func.return %r : tensor<8x8xf16>
    }"""
    a, b = rand(8, 512, dtype=np.float16), rand(512, 8, dtype=np.float16)
    c = np.zeros((8, 8), dtype=np.float16)
    (result,) = run(text, "f", a, b, c)
    assert result.dtype == np.float16
    want = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float16)
    # f32 accumulation: within one f16 rounding of the exact result.
    np.testing.assert_allclose(result.astype(np.float64), want, rtol=2e-3, atol=2e-3)


def test_mmt4d_and_batch_mmt4d():
    text = """
    func.func @mmt4d(%a: tensor<3x5x4x2xi8>, %b: tensor<6x5x8x2xi8>, %c: tensor<3x6x4x8xi32>)
        -> tensor<3x6x4x8xi32> {
      %r = linalg.mmt4d ins(%a, %b : tensor<3x5x4x2xi8>, tensor<6x5x8x2xi8>)
                        outs(%c : tensor<3x6x4x8xi32>) -> tensor<3x6x4x8xi32>
      func.return %r : tensor<3x6x4x8xi32>
    }
    func.func @bmmt4d(%a: tensor<2x3x5x4x2xf32>, %b: tensor<2x6x5x8x2xf32>,
                      %c: tensor<2x3x6x4x8xf32>) -> tensor<2x3x6x4x8xf32> {
      %r = linalg.batch_mmt4d ins(%a, %b : tensor<2x3x5x4x2xf32>, tensor<2x6x5x8x2xf32>)
                              outs(%c : tensor<2x3x6x4x8xf32>) -> tensor<2x3x6x4x8xf32>
      func.return %r : tensor<2x3x6x4x8xf32>
    }"""
    module = parse_module(text)
    a, b = rand_int(3, 5, 4, 2), rand_int(6, 5, 8, 2)
    c = rand_int(3, 6, 4, 8, low=-50, high=50, dtype=np.int32)
    (r,) = run_function(module, "mmt4d", [a, b, c])
    want = c.astype(np.int64).copy()
    for m, n, k, m0, n0, k0 in np.ndindex(3, 6, 5, 4, 8, 2):
        want[m, n, m0, n0] += int(a[m, k, m0, k0]) * int(b[n, k, n0, k0])
    np.testing.assert_array_equal(r, want)
    fa, fb, fc = rand(2, 3, 5, 4, 2), rand(2, 6, 5, 8, 2), rand(2, 3, 6, 4, 8)
    (r,) = run_function(module, "bmmt4d", [fa, fb, fc])
    want = np.einsum("bmkxz,bnkyz->bmnxy", fa.astype(np.float64), fb) + fc
    np.testing.assert_allclose(r, want, rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------------------
# Convolutions and compound indexing maps
# ----------------------------------------------------------------------------


def conv_nhwc_hwcf_loops(x, w, strides, dilations):
    n, _, _, c = x.shape
    kh, kw, _, f = w.shape
    (sh, sw), (dh, dw) = strides, dilations
    oh = (x.shape[1] - dh * (kh - 1) - 1) // sh + 1
    ow = (x.shape[2] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, oh, ow, f))
    for b, i, j, o, p, q, ch in np.ndindex(n, oh, ow, f, kh, kw, c):
        out[b, i, j, o] += x[b, i * sh + p * dh, j * sw + q * dw, ch] * w[p, q, ch, o]
    return out


@pytest.mark.parametrize(("strides", "dilations"), [((1, 1), (1, 1)), ((2, 1), (1, 2))])
def test_conv_2d_nhwc_hwcf(strides, dilations):
    x, w = rand(2, 9, 10, 3), rand(3, 2, 3, 4)
    expected = conv_nhwc_hwcf_loops(x, w, strides, dilations)
    ot = "tensor<{}x{}x{}x{}xf32>".format(*expected.shape)
    text = f"""
    func.func @f(%x: tensor<2x9x10x3xf32>, %w: tensor<3x2x3x4xf32>) -> {ot} {{
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : {ot}
      %init = linalg.fill ins(%zero : f32) outs(%e : {ot}) -> {ot}
      %r = linalg.conv_2d_nhwc_hwcf
             {{dilations = dense<[{dilations[0]}, {dilations[1]}]> : tensor<2xi64>,
               strides = dense<[{strides[0]}, {strides[1]}]> : tensor<2xi64>}}
             ins(%x, %w : tensor<2x9x10x3xf32>, tensor<3x2x3x4xf32>)
             outs(%init : {ot}) -> {ot}
      func.return %r : {ot}
    }}"""
    (result,) = run(text, "f", x, w)
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)


def test_conv_2d_nchw_fchw():
    x, w = rand(1, 3, 7, 6), rand(4, 3, 3, 2)
    text = """
    func.func @f(%x: tensor<1x3x7x6xf32>, %w: tensor<4x3x3x2xf32>, %o: tensor<1x4x5x5xf32>)
        -> tensor<1x4x5x5xf32> {
      %r = linalg.conv_2d_nchw_fchw
             {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
             ins(%x, %w : tensor<1x3x7x6xf32>, tensor<4x3x3x2xf32>)
             outs(%o : tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
      func.return %r : tensor<1x4x5x5xf32>
    }"""
    o = rand(1, 4, 5, 5)
    (result,) = run(text, "f", x, w, o)
    want = o.astype(np.float64).copy()
    for f, i, j, c, p, q in np.ndindex(4, 5, 5, 3, 3, 2):
        want[0, f, i, j] += x[0, c, i + p, j + q] * w[f, c, p, q]
    np.testing.assert_allclose(result, want, rtol=1e-5, atol=1e-5)


def test_generic_with_compound_and_constant_map_exprs():
    # out[i] = sum_k x[i + k, 1] * w[k]: a 1-d convolution over column 1 of x.
    text = """
    func.func @f(%x: tensor<10x3xf32>, %w: tensor<4xf32>, %o: tensor<7xf32>) -> tensor<7xf32> {
      %r = linalg.generic {indexing_maps = [affine_map<(i, k) -> (i + k, 1)>,
                                            affine_map<(i, k) -> (k)>,
                                            affine_map<(i, k) -> (i)>],
                           iterator_types = ["parallel", "reduction"]}
          ins(%x, %w : tensor<10x3xf32>, tensor<4xf32>) outs(%o : tensor<7xf32>) {
      ^bb0(%a: f32, %b: f32, %acc: f32):
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %acc, %p : f32
        linalg.yield %s : f32
      } -> tensor<7xf32>
      func.return %r : tensor<7xf32>
    }"""
    x, w, o = rand(10, 3), rand(4), rand(7)
    want = np.array(
        [o[i] + sum(x[i + k, 1] * w[k] for k in range(4)) for i in range(7)]
    )
    np.testing.assert_allclose(run(text, "f", x, w, o)[0], want, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------
# Bodies: reductions, index, extract, sequential folds
# ----------------------------------------------------------------------------


SOFTMAX = """
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
func.func @softmax(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4xf32>
  %minit = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<4xf32>) -> tensor<4xf32>
  %max = linalg.generic {indexing_maps = [#id, #row],
                         iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x16xf32>) outs(%minit : tensor<4xf32>) {
  ^bb0(%a: f32, %m: f32):
    %r = arith.maximumf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %e2 = tensor.empty() : tensor<4x16xf32>
  %exp = linalg.generic {indexing_maps = [#id, #row, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%x, %max : tensor<4x16xf32>, tensor<4xf32>) outs(%e2 : tensor<4x16xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<4x16xf32>
  %sinit = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row],
                         iterator_types = ["parallel", "reduction"]}
      ins(%exp : tensor<4x16xf32>) outs(%sinit : tensor<4xf32>) {
  ^bb0(%a: f32, %s: f32):
    %r = arith.addf %s, %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %res = linalg.generic {indexing_maps = [#id, #row, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%exp, %sum : tensor<4x16xf32>, tensor<4xf32>) outs(%e2 : tensor<4x16xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %d = arith.divf %a, %s : f32
    linalg.yield %d : f32
  } -> tensor<4x16xf32>
  func.return %res : tensor<4x16xf32>
}
"""


def test_softmax_from_generics():
    x = rand(4, 16) * 5
    (result,) = run(SOFTMAX, "softmax", x)
    e = np.exp(x.astype(np.float64) - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(result, e / e.sum(axis=1, keepdims=True), rtol=1e-5)


def test_linalg_index_iota_and_transposed_output():
    text = """
    func.func @f() -> tensor<3x4xi32> {
      %e = tensor.empty() : tensor<3x4xi32>
      %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>],
                           iterator_types = ["parallel", "parallel"]}
          outs(%e : tensor<3x4xi32>) {
      ^bb0(%o: i32):
        %i = linalg.index 0 : index
        %j = linalg.index 1 : index
        %c10 = arith.constant 10 : index
        %t = arith.muli %i, %c10 : index
        %s = arith.addi %t, %j : index
        %v = arith.index_cast %s : index to i32
        linalg.yield %v : i32
      } -> tensor<3x4xi32>
      func.return %r : tensor<3x4xi32>
    }"""
    (result,) = run(text, "f")
    want = np.array([[i * 10 + j for i in range(4)] for j in range(3)])
    np.testing.assert_array_equal(result, want)


def test_extract_inside_body_gathers():
    text = """
    func.func @f(%table: tensor<10xf32>, %idx: tensor<6xindex>) -> tensor<6xf32> {
      %e = tensor.empty() : tensor<6xf32>
      %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                           iterator_types = ["parallel"]}
          ins(%idx : tensor<6xindex>) outs(%e : tensor<6xf32>) {
      ^bb0(%k: index, %o: f32):
        %v = tensor.extract %table[%k] : tensor<10xf32>
        linalg.yield %v : f32
      } -> tensor<6xf32>
      func.return %r : tensor<6xf32>
    }"""
    table, idx = rand(10), np.array([9, 0, 3, 3, 5, 1])
    np.testing.assert_array_equal(run(text, "f", table, idx)[0], table[idx])


def test_guarded_extract_in_body_may_compute_out_of_bounds_lanes():
    # out[i] = i < 4 ? table[i + 2] : -1: lanes i >= 4 index past the end but
    # the scf.if discards them.
    text = """
    func.func @f(%table: tensor<6xf32>) -> tensor<8xf32> {
      %e = tensor.empty() : tensor<8xf32>
      %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>],
                           iterator_types = ["parallel"]} outs(%e : tensor<8xf32>) {
      ^bb0(%o: f32):
        %i = linalg.index 0 : index
        %c2 = arith.constant 2 : index
        %c4 = arith.constant 4 : index
        %in = arith.cmpi slt, %i, %c4 : index
        %v = scf.if %in -> (f32) {
          %j = arith.addi %i, %c2 : index
          %x = tensor.extract %table[%j] : tensor<6xf32>
          scf.yield %x : f32
        } else {
          %m = arith.constant -1.0 : f32
          scf.yield %m : f32
        }
        linalg.yield %v : f32
      } -> tensor<8xf32>
      func.return %r : tensor<8xf32>
    }"""
    table = rand(6)
    want = np.concatenate([table[2:6], np.full(4, -1.0, np.float32)])
    np.testing.assert_array_equal(run(text, "f", table)[0], want)


def test_unrecognized_reduction_body_folds_in_order():
    # acc = acc * 0.5 + x[i, k] along k: order-dependent, not a plain combiner.
    text = """
    func.func @f(%x: tensor<3x5xf64>, %o: tensor<3xf64>) -> tensor<3xf64> {
      %half = arith.constant 0.5 : f64
      %r = linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>,
                                            affine_map<(i, k) -> (i)>],
                           iterator_types = ["parallel", "reduction"]}
          ins(%x : tensor<3x5xf64>) outs(%o : tensor<3xf64>) {
      ^bb0(%a: f64, %acc: f64):
        %h = arith.mulf %acc, %half : f64
        %s = arith.addf %h, %a : f64
        linalg.yield %s : f64
      } -> tensor<3xf64>
      func.return %r : tensor<3xf64>
    }"""
    x, o = rand(3, 5, dtype=np.float64), rand(3, dtype=np.float64)
    want = o.copy()
    for k in range(5):
        want = want * 0.5 + x[:, k]
    np.testing.assert_allclose(run(text, "f", x, o)[0], want, rtol=1e-14)


def test_two_outputs_sum_and_argmax_style_max():
    text = """
    func.func @f(%x: tensor<4x6xi32>, %s: tensor<4xi32>, %m: tensor<4xi32>)
        -> (tensor<4xi32>, tensor<4xi32>) {
      %r:2 = linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>,
                                              affine_map<(i, k) -> (i)>,
                                              affine_map<(i, k) -> (i)>],
                             iterator_types = ["parallel", "reduction"]}
          ins(%x : tensor<4x6xi32>) outs(%s, %m : tensor<4xi32>, tensor<4xi32>) {
      ^bb0(%a: i32, %acc: i32, %mx: i32):
        %sq = arith.muli %a, %a : i32
        %t = arith.addi %acc, %sq : i32
        %u = arith.maxui %mx, %a : i32
        linalg.yield %t, %u : i32, i32
      } -> tensor<4xi32>, tensor<4xi32>
      func.return %r#0, %r#1 : tensor<4xi32>, tensor<4xi32>
    }"""
    x = rand_int(4, 6, low=-100, high=100, dtype=np.int32)
    s, m = np.zeros(4, np.int32), np.zeros(4, np.int32)
    total, biggest = run(text, "f", x, s, m)
    np.testing.assert_array_equal(total, (x.astype(np.int64) ** 2).sum(axis=1))
    unsigned_max = (x.astype(np.int64) % 2**32).max(axis=1)
    np.testing.assert_array_equal(
        biggest, unsigned_max.astype(np.uint32).view(np.int32)
    )


def test_scalar_operand_and_rank0_output():
    # out = init + sum_ij (x[i, j] * scale): a scalar input and a rank-0 result.
    text = """
    func.func @f(%x: tensor<5x7xf32>, %scale: f32, %o: tensor<f32>) -> tensor<f32> {
      %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                            affine_map<(i, j) -> ()>,
                                            affine_map<(i, j) -> ()>],
                           iterator_types = ["reduction", "reduction"]}
          ins(%x, %scale : tensor<5x7xf32>, f32) outs(%o : tensor<f32>) {
      ^bb0(%a: f32, %s: f32, %acc: f32):
        %p = arith.mulf %a, %s : f32
        %t = arith.addf %p, %acc : f32
        linalg.yield %t : f32
      } -> tensor<f32>
      func.return %r : tensor<f32>
    }"""
    x = rand(5, 7)
    (result,) = run(text, "f", x, 3.0, np.array(1.5, dtype=np.float32))
    assert result.shape == ()
    np.testing.assert_allclose(
        result, 1.5 + 3.0 * x.astype(np.float64).sum(), rtol=1e-5
    )


def test_reduction_of_a_loop_invariant_value_counts_iterations():
    # acc += x[i] for each of the 4 values of k (k's range comes from %y).
    text = """
    func.func @f(%x: tensor<3xi32>, %y: tensor<3x4xi32>, %o: tensor<3xi32>) -> tensor<3xi32> {
      %r = linalg.generic {indexing_maps = [affine_map<(i, k) -> (i)>,
                                            affine_map<(i, k) -> (i, k)>,
                                            affine_map<(i, k) -> (i)>],
                           iterator_types = ["parallel", "reduction"]}
          ins(%x, %y : tensor<3xi32>, tensor<3x4xi32>) outs(%o : tensor<3xi32>) {
      ^bb0(%a: i32, %unused: i32, %acc: i32):
        %t = arith.addi %acc, %a : i32
        linalg.yield %t : i32
      } -> tensor<3xi32>
      func.return %r : tensor<3xi32>
    }"""
    x, y = rand_int(3, dtype=np.int32), rand_int(3, 4, dtype=np.int32)
    o = np.array([1, 2, 3], dtype=np.int32)
    np.testing.assert_array_equal(run(text, "f", x, y, o)[0], o + 4 * x)


def test_contraction_over_a_loop_neither_factor_reads():
    # acc += x[i] * y[i] once per k: the product does not depend on k.
    text = """
    func.func @f(%x: tensor<3xf32>, %y: tensor<3xf32>, %z: tensor<3x5xf32>, %o: tensor<3xf32>)
        -> tensor<3xf32> {
      %r = linalg.generic {indexing_maps = [affine_map<(i, k) -> (i)>,
                                            affine_map<(i, k) -> (i)>,
                                            affine_map<(i, k) -> (i, k)>,
                                            affine_map<(i, k) -> (i)>],
                           iterator_types = ["parallel", "reduction"]}
          ins(%x, %y, %z : tensor<3xf32>, tensor<3xf32>, tensor<3x5xf32>)
          outs(%o : tensor<3xf32>) {
      ^bb0(%a: f32, %b: f32, %unused: f32, %acc: f32):
        %p = arith.mulf %a, %b : f32
        %t = arith.addf %acc, %p : f32
        linalg.yield %t : f32
      } -> tensor<3xf32>
      func.return %r : tensor<3xf32>
    }"""
    x, y, z, o = rand(3), rand(3), rand(3, 5), rand(3)
    np.testing.assert_allclose(run(text, "f", x, y, z, o)[0], o + 5 * x * y, rtol=1e-5)


def test_output_map_without_a_parallel_loop_keeps_the_last_write():
    text = """
    func.func @f(%x: tensor<3x4xf32>, %o: tensor<3xf32>) -> tensor<3xf32> {
      %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                            affine_map<(i, j) -> (i)>],
                           iterator_types = ["parallel", "parallel"]}
          ins(%x : tensor<3x4xf32>) outs(%o : tensor<3xf32>) {
      ^bb0(%a: f32, %out: f32):
        linalg.yield %a : f32
      } -> tensor<3xf32>
      func.return %r : tensor<3xf32>
    }"""
    x = rand(3, 4)
    np.testing.assert_array_equal(run(text, "f", x, rand(3))[0], x[:, -1])


def test_large_reduction_is_chunked_and_correct(monkeypatch):
    # A max-reduction over 8 x 4096 points, 1024 at a time.
    monkeypatch.setattr(reduction, "_CHUNK_BUDGET", 1024)
    text = """
    func.func @f(%x: tensor<8x4096xf32>, %o: tensor<8xf32>) -> tensor<8xf32> {
      %r = linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>,
                                            affine_map<(i, k) -> (i)>],
                           iterator_types = ["parallel", "reduction"]}
          ins(%x : tensor<8x4096xf32>) outs(%o : tensor<8xf32>) {
      ^bb0(%a: f32, %acc: f32):
        %e = math.absf %a : f32
        %t = arith.maxnumf %acc, %e : f32
        linalg.yield %t : f32
      } -> tensor<8xf32>
      func.return %r : tensor<8xf32>
    }"""
    x = rand(8, 4096)
    x[3, 3777] = -7.0
    (result,) = run(text, "f", x, np.zeros(8, np.float32))
    np.testing.assert_array_equal(result, np.abs(x).max(axis=1))
    assert result[3] == 7.0


SUM_ALL = """
func.func @f(%x: tensor<{n}x{t}>, %o: tensor<{t}>) -> tensor<{t}> {{
  %r = linalg.generic {{indexing_maps = [affine_map<(k) -> (k)>, affine_map<(k) -> ()>],
                       iterator_types = ["reduction"]}}
      ins(%x : tensor<{n}x{t}>) outs(%o : tensor<{t}>) {{
  ^bb0(%a: {t}, %acc: {t}):
    %s = arith.addf %acc, %a : {t}
    linalg.yield %s : {t}
  }} -> tensor<{t}>
  func.return %r : tensor<{t}>
}}
"""


@pytest.mark.parametrize(("t", "ones"), [("f16", 1000), ("bf16", 256)])
def test_half_precision_sums_accumulate_in_f32(t, ones):
    # 2048 + ones: in f16 (bf16) each + 1 to 2048 rounds back to 2048.
    dtype = np.float16 if t == "f16" else np.float32
    values = np.array([2048.0] + [1.0] * ones, dtype=dtype)
    text = SUM_ALL.format(n=ones + 1, t=t)
    (total,) = run(text, "f", values, np.zeros((), dtype))
    assert total == 2048 + ones  # exact in f32, representable in f16 / bf16


def test_chunked_reduction_with_linalg_index(monkeypatch):
    # out[i] = max(out[i], x[i, k] * k) with chunks of a few points at a time.
    text = """
    func.func @f(%x: tensor<3x50xf32>, %o: tensor<3xf32>) -> tensor<3xf32> {
      %r = linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>,
                                            affine_map<(i, k) -> (i)>],
                           iterator_types = ["parallel", "reduction"]}
          ins(%x : tensor<3x50xf32>) outs(%o : tensor<3xf32>) {
      ^bb0(%a: f32, %acc: f32):
        %k = linalg.index 1 : index
        %ki = arith.index_cast %k : index to i32
        %kf = arith.sitofp %ki : i32 to f32
        %p = arith.mulf %a, %kf : f32
        %m = arith.maximumf %acc, %p : f32
        linalg.yield %m : f32
      } -> tensor<3xf32>
      func.return %r : tensor<3xf32>
    }"""
    chunks = []
    split = reduction._reduction_chunks

    def spy(*args):
        for chunk in split(*args):
            chunks.append(chunk)
            yield chunk

    monkeypatch.setattr(reduction, "_CHUNK_BUDGET", 8)
    monkeypatch.setattr(reduction, "_reduction_chunks", spy)
    x, o = rand(3, 50), np.full(3, -100.0, dtype=np.float32)
    (result,) = run(text, "f", x, o)
    assert len(chunks) > 10
    np.testing.assert_array_equal(
        result, (x * np.arange(50, dtype=np.float32)).max(axis=1)
    )


# ----------------------------------------------------------------------------
# Named structured ops
# ----------------------------------------------------------------------------


def test_fill_copy_transpose_broadcast():
    text = """
    func.func @f(%x: tensor<2x3xf32>, %v: tensor<3xf32>)
        -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3x2xf32>, tensor<3x4x2xf32>) {
      %c = arith.constant 7.0 : f32
      %e = tensor.empty() : tensor<2x3xf32>
      %fill = linalg.fill ins(%c : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
      %copy = linalg.copy ins(%x : tensor<2x3xf32>) outs(%fill : tensor<2x3xf32>)
                -> tensor<2x3xf32>
      %et = tensor.empty() : tensor<3x2xf32>
      %t = linalg.transpose ins(%x : tensor<2x3xf32>) outs(%et : tensor<3x2xf32>)
             permutation = [1, 0]
      %eb = tensor.empty() : tensor<3x4x2xf32>
      %b = linalg.broadcast ins(%v : tensor<3xf32>) outs(%eb : tensor<3x4x2xf32>)
             dimensions = [1, 2]
      func.return %fill, %copy, %t, %b
        : tensor<2x3xf32>, tensor<2x3xf32>, tensor<3x2xf32>, tensor<3x4x2xf32>
    }"""
    x, v = rand(2, 3), rand(3)
    fill, copy, t, b = run(text, "f", x, v)
    np.testing.assert_array_equal(fill, np.full((2, 3), 7.0))
    np.testing.assert_array_equal(copy, x)
    np.testing.assert_array_equal(t, x.T)
    np.testing.assert_array_equal(b, np.broadcast_to(v[:, None, None], (3, 4, 2)))


def test_linalg_reduce():
    text = """
    func.func @f(%x: tensor<3x4x5xf32>, %o: tensor<4xf32>, %y: tensor<3x4xi8>, %m: tensor<3xi8>)
        -> (tensor<4xf32>, tensor<3xi8>) {
      %s = linalg.reduce ins(%x : tensor<3x4x5xf32>) outs(%o : tensor<4xf32>) dimensions = [0, 2]
        (%a: f32, %acc: f32) {
          %t = arith.addf %a, %acc : f32
          linalg.yield %t : f32
        }
      %u = linalg.reduce ins(%y : tensor<3x4xi8>) outs(%m : tensor<3xi8>) dimensions = [1]
        (%a: i8, %acc: i8) {
          %t = arith.maxui %a, %acc : i8
          linalg.yield %t : i8
        }
      func.return %s, %u : tensor<4xf32>, tensor<3xi8>
    }"""
    x, o = rand(3, 4, 5), rand(4)
    y, m = rand_int(3, 4), np.zeros(3, np.int8)
    s, u = run(text, "f", x, o, y, m)
    np.testing.assert_allclose(s, o + x.astype(np.float64).sum(axis=(0, 2)), rtol=1e-5)
    np.testing.assert_array_equal(u, y.view(np.uint8).max(axis=1).view(np.int8))


@pytest.mark.parametrize(
    ("op", "n_in", "reference"),
    [
        ("add", 2, lambda a, b: a + b),
        ("sub", 2, lambda a, b: a - b),
        ("mul", 2, lambda a, b: a * b),
        ("max", 2, np.maximum),
        ("min", 2, np.minimum),
        ("exp", 1, np.exp),
        ("log", 1, lambda a: np.log(np.abs(a))),
        ("sqrt", 1, lambda a: np.sqrt(np.abs(a))),
    ],
)
def test_elementwise_named_ops(op, n_in, reference):
    t = "tensor<4x5xf32>"
    ins = ", ".join(f"%a{i}" for i in range(n_in))
    text = f"""
    func.func @f(%a0: {t}, %a1: {t}, %o: {t}) -> {t} {{
      %r = linalg.{op} ins({ins} : {", ".join([t] * n_in)}) outs(%o : {t}) -> {t}
      func.return %r : {t}
    }}"""
    a, b = rand(4, 5), rand(4, 5)
    if op in ("log", "sqrt"):
        a = np.abs(a)
    result = run(text, "f", a, b, np.zeros((4, 5), np.float32))[0]
    np.testing.assert_allclose(
        result, reference(a, b) if n_in == 2 else reference(a), rtol=1e-6
    )


def test_linalg_select():
    text = """
    func.func @f(%c: tensor<6xi1>, %a: tensor<6xf32>, %b: tensor<6xf32>, %o: tensor<6xf32>)
        -> tensor<6xf32> {
      %r = linalg.select ins(%c, %a, %b : tensor<6xi1>, tensor<6xf32>, tensor<6xf32>)
                         outs(%o : tensor<6xf32>) -> tensor<6xf32>
      func.return %r : tensor<6xf32>
    }"""
    c = np.array([True, False, False, True, True, False])
    a, b = rand(6), rand(6)
    np.testing.assert_array_equal(
        run(text, "f", c, a, b, np.zeros(6))[0], np.where(c, a, b)
    )


# ----------------------------------------------------------------------------
# Dynamic shapes and errors
# ----------------------------------------------------------------------------


def test_dynamic_shapes():
    text = """
    func.func @f(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) -> tensor<?x?xf32> {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %zero = arith.constant 0.0 : f32
      %m = tensor.dim %a, %c0 : tensor<?x?xf32>
      %n = tensor.dim %b, %c1 : tensor<?x?xf32>
      %e = tensor.empty(%m, %n) : tensor<?x?xf32>
      %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?x?xf32>) -> tensor<?x?xf32>
      %r = linalg.matmul ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>)
                         outs(%z : tensor<?x?xf32>) -> tensor<?x?xf32>
      func.return %r : tensor<?x?xf32>
    }"""
    a, b = rand(5, 3), rand(3, 7)
    (result,) = run(text, "f", a, b)
    assert result.shape == (5, 7)
    np.testing.assert_allclose(result, a @ b, rtol=1e-5, atol=1e-6)
    with pytest.raises(InterpreterError, match="indexed by loop d2 of range 4"):
        run(text, "f", rand(5, 4), rand(3, 7))
