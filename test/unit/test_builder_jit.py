"""@pd.jit: compiled on the first call per argument shapes and dtypes, cached,
and it says so (the `packdialect.builder` logger) when it recompiles."""

import logging

import numpy as np
import pytest
from support import needs_cc
from test_builder_support import random

import packdialect.builder as pd
from packdialect.ir.dtypes import bf16_values, round_to_bf16


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@needs_cc
def test_jit_caches_per_shape_and_dtype_and_logs_recompiles(caplog):
    @pd.jit
    def scaled(a, b):
        return pd.softmax(a @ b, axis=1)

    a, b = random((8, 32), "f32", 1), random((32, 16), "f32", 2)
    with caplog.at_level(logging.INFO, logger="packdialect.builder"):
        np.testing.assert_allclose(
            scaled(a, b), _softmax_rows(a @ b), rtol=1e-5, atol=1e-6
        )
        first = [r for r in caplog.records if r.name == "packdialect.builder"]
        assert [r.levelno for r in first] == [logging.INFO]
        assert (
            "compiling scaled for (tensor<8x32xf32>, tensor<32x16xf32>)"
            in first[0].message
        )

        caplog.clear()
        a2, b2 = random((8, 32), "f32", 3), random((32, 16), "f32", 4)
        np.testing.assert_allclose(
            scaled(a2, b2), _softmax_rows(a2 @ b2), rtol=1e-5, atol=1e-6
        )
        assert scaled.compilations == 1
        assert not [r for r in caplog.records if r.name == "packdialect.builder"]

        c, d = random((4, 16), "f32", 5), random((16, 8), "f32", 6)
        np.testing.assert_allclose(
            scaled(c, d), _softmax_rows(c @ d), rtol=1e-5, atol=1e-6
        )
        h = c.astype(np.float16), d.astype(np.float16)
        got = scaled(*h).astype(np.float32)
        want = _softmax_rows(h[0].astype(np.float32) @ h[1].astype(np.float32))
        np.testing.assert_allclose(got, want, rtol=2e-2, atol=2e-3)
    assert scaled.compilations == 3
    recompiles = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(recompiles) == 2
    assert (
        "recompiling scaled for new argument types (tensor<4x16xf32>"
        in recompiles[0].message
    )
    assert "tensor<4x16xf16>, tensor<16x8xf16>" in recompiles[1].message


@needs_cc
def test_jit_treats_non_array_arguments_as_build_time_constants():
    @pd.jit
    def reduce(x, axis, scale):
        return pd.sum(x, axis=axis) * scale

    x = random((3, 4, 5), "f32", 7)
    for axis, scale in [(0, 2.0), (2, 2.0), (2, 3.0), (2, 2.0)]:
        np.testing.assert_allclose(
            reduce(x, axis, scale), x.sum(axis=axis) * scale, rtol=1e-5
        )
    assert reduce.compilations == 3


@needs_cc
def test_jit_takes_bf16_arrays_and_returns_the_bf16_bits():
    ml_dtypes = pytest.importorskip("ml_dtypes")

    @pd.jit
    def add(a, b):
        return a + b

    a = random((4, 8), "bf16", 8).astype(ml_dtypes.bfloat16)
    b = random((4, 8), "bf16", 9).astype(ml_dtypes.bfloat16)
    out = add(a, b)
    assert out.dtype == np.uint16  # the storage form of the one dtype map
    want = round_to_bf16(a.astype(np.float32) + b.astype(np.float32))
    np.testing.assert_array_equal(bf16_values(out), want)


def test_jit_lower_shows_the_module_it_would_compile():
    @pd.jit
    def mm(a, b):
        return a @ b

    module = mm.lower(np.ones((2, 3), np.int8), np.ones((3, 4), np.int8))
    text = str(module)
    assert (
        "func.func @mm(%a: tensor<2x3xi8>, %b: tensor<3x4xi8>) -> tensor<2x4xi8>"
        in text
    )
    assert mm.compilations == 0


def test_jit_refuses_arguments_it_cannot_type():
    @pd.jit
    def ident(x):
        return x

    with pytest.raises(pd.BuildError, match="unsupported dtype complex128"):
        ident(np.ones(3, np.complex128))
    with pytest.raises(pd.BuildError, match="neither a numpy array nor a hashable"):
        ident([1, 2])


@needs_cc
def test_a_jit_function_called_while_building_is_inlined():
    @pd.jit
    def double(x):
        return x + x

    @pd.func
    def quadruple(x: pd.Tensor[(4,), pd.f32]):
        return double(double(x))

    assert "func.call" not in str(quadruple.module)
    x = random((4,), "f32", 10)
    np.testing.assert_allclose(quadruple(x), 4 * x, rtol=1e-6)
    assert double.compilations == 0
