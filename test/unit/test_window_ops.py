"""Depthwise convolutions and pooling (packdialect/ir/window_ops.py): the
interpreter, the generalized generic and the compiled C against loops
written here from upstream's definitions."""

from __future__ import annotations

import numpy as np
import pytest
from support import needs_cc

import packdialect
from packdialect.interp import run_function
from packdialect.ir.context import make_context, parse_module
from passes import parse_pipeline

RNG = np.random.default_rng(3)
STRIDES, DILATIONS = (2, 1), (1, 2)
N, C, H, W, M, KH, KW = 2, 3, 9, 8, 2, 3, 2
OH = (H - DILATIONS[0] * (KH - 1) - 1) // STRIDES[0] + 1
OW = (W - DILATIONS[1] * (KW - 1) - 1) // STRIDES[1] + 1


def windows():
    """(oh, ow, kh, kw, h, w) for every output position and window element."""
    (sh, sw), (dh, dw) = STRIDES, DILATIONS
    for i, j, p, q in np.ndindex(OH, OW, KH, KW):
        yield i, j, p, q, i * sh + p * dh, j * sw + q * dw


def depthwise_nchw(x, k, o):
    out = o.astype(np.float64).copy()
    for i, j, p, q, h, w in windows():
        out[:, :, i, j] += x[:, :, h, w] * k[:, p, q]
    return out


def depthwise_nhwc(x, k, o):
    out = o.astype(np.float64).copy()
    for i, j, p, q, h, w in windows():
        out[:, i, j, :] += x[:, h, w, :] * k[p, q, :]
    return out


def depthwise_nhwc_m(x, k, o):
    out = o.astype(np.float64).copy()
    for i, j, p, q, h, w in windows():
        out[:, i, j, :, :] += x[:, h, w, :, None] * k[p, q, :, :]
    return out


def pooling(combine, nchw):
    def run(x, _window, o):
        out = o.astype(np.float64).copy()
        for i, j, _p, _q, h, w in windows():
            if nchw:
                out[:, :, i, j] = combine(out[:, :, i, j], x[:, :, h, w])
            else:
                out[:, i, j, :] = combine(out[:, i, j, :], x[:, h, w, :])
        return out

    return run


NCHW_IN, NHWC_IN = (N, C, H, W), (N, H, W, C)
NCHW_OUT, NHWC_OUT = (N, C, OH, OW), (N, OH, OW, C)
CASES = {
    "depthwise_conv_2d_nchw_chw": (NCHW_IN, (C, KH, KW), NCHW_OUT, depthwise_nchw),
    "depthwise_conv_2d_nhwc_hwc": (NHWC_IN, (KH, KW, C), NHWC_OUT, depthwise_nhwc),
    "depthwise_conv_2d_nhwc_hwcm": (
        NHWC_IN,
        (KH, KW, C, M),
        (N, OH, OW, C, M),
        depthwise_nhwc_m,
    ),
    "pooling_nchw_max": (NCHW_IN, (KH, KW), NCHW_OUT, pooling(np.maximum, True)),
    "pooling_nchw_sum": (NCHW_IN, (KH, KW), NCHW_OUT, pooling(np.add, True)),
    "pooling_nhwc_max": (NHWC_IN, (KH, KW), NHWC_OUT, pooling(np.maximum, False)),
    "pooling_nhwc_sum": (NHWC_IN, (KH, KW), NHWC_OUT, pooling(np.add, False)),
    "pooling_nhwc_min": (NHWC_IN, (KH, KW), NHWC_OUT, pooling(np.minimum, False)),
}


def tensor(shape, elem="f32") -> str:
    return "tensor<" + "x".join(map(str, shape)) + f"x{elem}>"


def program(name: str, elem: str = "f32") -> str:
    x, k, o, _ = CASES[name]
    tx, tk, to = tensor(x, elem), tensor(k, elem), tensor(o, elem)
    return f"""func.func @f(%x: {tx}, %k: {tk}, %o: {to}) -> {to} {{
  %r = linalg.{name} {{dilations = dense<[{DILATIONS[0]}, {DILATIONS[1]}]> : vector<2xi64>, strides = dense<[{STRIDES[0]}, {STRIDES[1]}]> : vector<2xi64>}} ins(%x, %k : {tx}, {tk}) outs(%o : {to}) -> {to}
  return %r : {to}
}}
"""


def inputs(name: str, dtype=np.float32):
    shapes = CASES[name][:3]
    if dtype == np.int32:
        return [RNG.integers(-50, 50, s).astype(np.int32) for s in shapes]
    return [RNG.standard_normal(s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("name", sorted(CASES))
def test_interpreter_and_generalized(name):
    args = inputs(name)
    want = CASES[name][3](*args)
    ctx = make_context()
    module = parse_module(program(name), ctx)
    (got,) = run_function(module, "f", args)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    parse_pipeline("linalg-generalize-named-ops").apply(ctx, module)
    assert [op.name for op in module.walk() if op.name.startswith("linalg.")] == [
        "linalg.generic",
        "linalg.yield",
    ]
    (generalized,) = run_function(module, "f", args)
    np.testing.assert_allclose(generalized, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["pooling_nchw_max", "pooling_nhwc_min"])
def test_integer_pooling(name):
    args = inputs(name, np.int32)
    want = CASES[name][3](*args)
    (got,) = run_function(parse_module(program(name, "i32")), "f", args)
    np.testing.assert_array_equal(got, want)


@needs_cc
@pytest.mark.parametrize("name", sorted(CASES))
def test_compiled(name):
    args = inputs(name)
    want = CASES[name][3](*args)
    got = packdialect.compile(program(name)).f(*args)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
