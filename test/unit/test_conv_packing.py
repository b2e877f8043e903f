"""pack-greedily's `conv` option: convolutions become matmuls and then
mmt4d; every rewrite checked by running the interpreter before and after,
and against a convolution written here as loops."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.pattern_rewriter import PatternRewriter

from packdialect.diagnostics import Refused, capture_diagnostics
from packdialect.interp import run_function
from packdialect.ir.context import make_context, parse_module
from passes import parse_pipeline
from passes.packing.conv import conv_as_matmul

RNG = np.random.default_rng(11)
MMT4D = "pack-greedily{{mmt4d-layout=true {options}}},propagate-packs,canonicalize,specialize-mmt4d"


def conv_nchw(x, w, strides, dilations):
    """NCHW x FCHW, no padding, float64 loops."""
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    (sh, sw), (dh, dw) = strides, dilations
    oh = (h - dh * (kh - 1) - 1) // sh + 1
    ow = (wd - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, f, oh, ow))
    for i, j, p, q in np.ndindex(oh, ow, kh, kw):
        patch = x[:, :, i * sh + p * dh, j * sw + q * dw].astype(np.float64)
        out[:, :, i, j] += patch @ w[:, :, p, q].T
    return out


def conv_nhwc(x, w, strides, dilations, filter_layout):
    """NHWC input; filter HWCF or FHWC; through the NCHW loops."""
    filt = (
        w.transpose(3, 2, 0, 1) if filter_layout == "hwcf" else w.transpose(0, 3, 1, 2)
    )
    return conv_nchw(x.transpose(0, 3, 1, 2), filt, strides, dilations).transpose(
        0, 2, 3, 1
    )


def shape_text(shape) -> str:
    return "tensor<" + "x".join(map(str, shape)) + "xf32>"


def conv_program(op: str, x_shape, w_shape, o_shape, strides, dilations) -> str:
    tx, tw, to = shape_text(x_shape), shape_text(w_shape), shape_text(o_shape)
    return f"""func.func @f(%x: {tx}, %w: {tw}) -> {to} {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : {to}
  %init = linalg.fill ins(%zero : f32) outs(%e : {to}) -> {to}
  %r = linalg.{op} {{dilations = dense<[{dilations[0]}, {dilations[1]}]> : vector<2xi64>, strides = dense<[{strides[0]}, {strides[1]}]> : vector<2xi64>}} ins(%x, %w : {tx}, {tw}) outs(%init : {to}) -> {to}
  return %r : {to}
}}
"""


def out_size(size, k, stride, dilation):
    return (size - dilation * (k - 1) - 1) // stride + 1


# (layout, n, c, h, w, f, kh, kw, strides, dilations)
CASES = [
    ("nchw_fchw", 1, 16, 6, 7, 24, 1, 1, (1, 1), (1, 1)),  # 1x1: a matmul
    ("nchw_fchw", 1, 16, 9, 8, 24, 1, 1, (2, 2), (1, 1)),  # strided 1x1
    ("nchw_fchw", 1, 8, 9, 10, 16, 3, 3, (1, 1), (1, 1)),  # 3x3: im2col
    ("nchw_fchw", 1, 8, 11, 10, 16, 3, 2, (2, 1), (1, 2)),  # strided, dilated
    ("nhwc_hwcf", 2, 16, 5, 6, 24, 1, 1, (1, 1), (1, 1)),
    ("nhwc_hwcf", 2, 16, 9, 9, 24, 1, 1, (2, 2), (1, 1)),
    ("nhwc_hwcf", 2, 8, 9, 10, 16, 3, 3, (2, 1), (1, 1)),
    ("nhwc_fhwc", 1, 8, 7, 7, 16, 1, 1, (1, 1), (1, 1)),
    ("nhwc_fhwc", 1, 8, 9, 8, 16, 3, 3, (1, 1), (2, 1)),
]


def case_program(case):
    layout, n, c, h, w, f, kh, kw, strides, dilations = case
    oh, ow = (
        out_size(h, kh, strides[0], dilations[0]),
        out_size(w, kw, strides[1], dilations[1]),
    )
    if layout == "nchw_fchw":
        shapes = (n, c, h, w), (f, c, kh, kw), (n, f, oh, ow)
    elif layout == "nhwc_hwcf":
        shapes = (n, h, w, c), (kh, kw, c, f), (n, oh, ow, f)
    else:
        shapes = (n, h, w, c), (f, kh, kw, c), (n, oh, ow, f)
    text = conv_program(f"conv_2d_{layout}", *shapes, strides, dilations)
    x = RNG.standard_normal(shapes[0]).astype(np.float32)
    wt = RNG.standard_normal(shapes[1]).astype(np.float32)
    if layout == "nchw_fchw":
        want = conv_nchw(x, wt, strides, dilations)
    else:
        want = conv_nhwc(x, wt, strides, dilations, layout[-4:])
    return text, [x, wt], want


def ops_after(text: str, pipeline: str):
    ctx = make_context()
    module = parse_module(text, ctx)
    parse_pipeline(pipeline).apply(ctx, module)
    return module, [op.name for op in module.walk()]


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"{c[0]}-{c[6]}x{c[7]}-s{c[8][0]}"
)
@pytest.mark.parametrize("mode", ["im2col", "direct", "none"])
def test_conv_modes_compute_the_convolution(case, mode):
    text, args, want = case_program(case)
    (before,) = run_function(parse_module(text), "f", args)
    np.testing.assert_allclose(before, want, rtol=1e-4, atol=1e-4)
    module, names = ops_after(text, MMT4D.format(options=f"conv={mode}"))
    (after,) = run_function(module, "f", args)
    np.testing.assert_allclose(after, before, rtol=1e-4, atol=1e-4)
    is_1x1 = case[6] == case[7] == 1
    becomes_matmul = mode == "im2col" or (mode == "direct" and is_1x1)
    assert (names.count("linalg.mmt4d") == 1) == becomes_matmul
    assert not any(name.startswith("linalg.conv_") for name in names)


@pytest.mark.parametrize("case", CASES[:4], ids=["1x1", "1x1-s2", "3x3", "3x2-s2-d2"])
def test_im2col_shape_of_nchw(case):
    """NCHW: the weights on the left (F x C*KH*KW), no copy for 1x1; a
    strided 1x1 reads a strided slice; a k x k convolution one im2col."""
    text, _, _ = case_program(case)
    module, names = ops_after(text, "pack-greedily{conv=im2col packed-sizes=0,0,0}")
    generics = [op for op in module.walk() if op.name == "linalg.generic"]
    is_1x1 = case[6] == case[7] == 1
    assert len(generics) == (1 if is_1x1 else 2)
    matmul = generics[-1]
    f, c, kh, kw = case[5], case[2], case[6], case[7]
    assert matmul.inputs[0].type.get_shape() == (f, c * kh * kw)
    assert ("tensor.extract_slice" in names) == (case[8] != (1, 1) and is_1x1)


def test_refusals_leave_the_conv_and_report_why():
    nchw2 = conv_program(
        "conv_2d_nchw_fchw", (2, 4, 5, 5), (8, 4, 3, 3), (2, 8, 3, 3), (1, 1), (1, 1)
    )
    ctx = make_context()
    module = parse_module(nchw2, ctx)
    conv = next(op for op in module.walk() if op.name.startswith("linalg.conv"))
    reason = conv_as_matmul(PatternRewriter(conv), conv, "im2col")
    assert reason == Refused(
        "an NCHW convolution of 2 images has no single matmul form "
        "(the weights are on the left of each image's product)"
    )
    reason = conv_as_matmul(PatternRewriter(conv), conv, "direct")
    assert reason == Refused("conv=direct: a 3x3 convolution is packed as it is")
    with capture_diagnostics() as seen:
        parse_pipeline("pack-greedily{report=true}").apply(ctx, module)
    assert any(
        "linalg.conv_2d_nchw_fchw: not rewritten as a matmul: an NCHW convolution"
        in d.message
        for d in seen
    )


def test_bad_conv_option():
    with pytest.raises(Exception, match="conv must be one of im2col, direct, none"):
        ops_after(
            conv_program(
                "conv_2d_nchw_fchw",
                (1, 4, 5, 5),
                (8, 4, 1, 1),
                (1, 8, 5, 5),
                (1, 1),
                (1, 1),
            ),
            "pack-greedily{conv=winograd}",
        )
