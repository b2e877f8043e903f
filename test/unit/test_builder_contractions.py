"""`@` (matmul, batch_matmul, matvec, vecmat), `pd.matmul(acc=)` and
`pd.conv2d_nhwc_hwcf` against numpy, interpreted and compiled; the named
op each builds, as a user writes it (into a fill of zero)."""

import re

import numpy as np
import pytest
from test_builder_support import BACKENDS, as_dtype, check, random, run

import packdialect.builder as pd

TYPES = ["f32", "f16", "bf16", "i8", "i32"]


def _program(name: str):
    dt = getattr(pd, name)

    @pd.func(name=f"contractions_{name}")
    def program(
        a: pd.Tensor[(4, 8), dt],
        b: pd.Tensor[(8, 6), dt],
        ba: pd.Tensor[(2, 4, 8), dt],
        bb: pd.Tensor[(2, 8, 6), dt],
        v: pd.Tensor[(8,), dt],
    ):
        return a @ b, ba @ bb, a @ v, v @ b

    return program


def _reference(a, b, ba, bb, v, name):
    wide = np.float64 if name[0] in "fb" else np.int64
    a, b, ba, bb, v = (x.astype(wide) for x in (a, b, ba, bb, v))
    return [as_dtype(r, name) for r in (a @ b, ba @ bb, a @ v, v @ b)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", TYPES)
def test_matmul_family_matches_numpy(name, backend):
    program = _program(name)
    inputs = [
        random((4, 8), name, 1),
        random((8, 6), name, 2),
        random((2, 4, 8), name, 3),
        random((2, 8, 6), name, 4),
        random((8,), name, 5),
    ]
    check(run(program, inputs, backend), _reference(*inputs, name), name, scale=8)


def test_matmul_builds_the_named_op_by_rank_into_a_fill_of_zero():
    program = _program("f32")
    text = str(program.module)
    for op in (
        "linalg.matmul",
        "linalg.batch_matmul",
        "linalg.matvec",
        "linalg.vecmat",
    ):
        assert text.count(f"{op} ins(") == 1, op
    assert text.count("linalg.fill") == 4
    assert "arith.constant 0.000000e+00 : f32" in text


@pytest.mark.parametrize("backend", BACKENDS)
def test_i8_matmul_accumulates_in_i32_when_asked(backend):
    @pd.func
    def qmatmul(a: pd.Tensor[(4, 32), pd.i8], b: pd.Tensor[(32, 8), pd.i8]):
        return pd.matmul(a, b, acc=pd.i32), a @ b

    a = random((4, 32), "i8", 6, -100, 100)
    b = random((32, 8), "i8", 7, -100, 100)
    exact = a.astype(np.int64) @ b.astype(np.int64)
    assert np.abs(exact).max() > 127  # so the i8 result wraps and the i32 does not
    got = run(qmatmul, [a, b], backend)
    check(got, [exact.astype(np.int32), exact.astype(np.int8)], "i32")
    # i8 operands, i32 accumulator: the named op's (hidden) body sign-extends.
    assert re.search(
        r"linalg.matmul ins\(.*tensor<32x8xi8>\) outs\(.*: tensor<4x8xi32>\)",
        str(qmatmul.module),
    )


def _conv_reference(x, w, strides, dilations):
    n, h, wd, c = x.shape
    kh, kw, _, f = w.shape
    sh, sw = strides
    dh, dw = dilations
    oh = (h - dh * (kh - 1) - 1) // sh + 1
    ow = (wd - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, oh, ow, f), x.dtype)
    for i in range(kh):
        for j in range(kw):
            patch = x[
                :,
                i * dh : i * dh + sh * (oh - 1) + 1 : sh,
                j * dw : j * dw + sw * (ow - 1) + 1 : sw,
                :,
            ]
            out += np.einsum("nhwc,cf->nhwf", patch, w[i, j])
    return out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["f32", "bf16", "i8", "i32"])
def test_conv2d_nhwc_hwcf_matches_a_loop_reference(name, backend):
    dt = getattr(pd, name)

    @pd.func(name=f"conv_{name}")
    def conv(x: pd.Tensor[(2, 9, 10, 3), dt], w: pd.Tensor[(3, 2, 3, 4), dt]):
        return (
            pd.conv2d_nhwc_hwcf(x, w),
            pd.conv2d_nhwc_hwcf(x, w, strides=2, dilations=(1, 2)),
        )

    x = random((2, 9, 10, 3), name, 8)
    w = random((3, 2, 3, 4), name, 9)
    wide = (
        x.astype(np.float64 if name[0] in "fb" else np.int64),
        w.astype(np.float64 if name[0] in "fb" else np.int64),
    )
    want = [
        as_dtype(_conv_reference(*wide, (1, 1), (1, 1)), name),
        as_dtype(_conv_reference(*wide, (2, 2), (1, 2)), name),
    ]
    assert want[0].shape == (2, 7, 9, 4) and want[1].shape == (2, 4, 4, 4)
    check(run(conv, [x, w], backend), want, name, scale=8)
