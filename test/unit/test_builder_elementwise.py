"""Element-wise ops of the builder against numpy, interpreted and compiled:
`+ - * / //`, unary minus, pd.maximum / minimum / relu / exp / tanh, numbers
as operands, numpy broadcasting (trailing alignment, size-1 dims), astype."""

import numpy as np
import pytest
from test_builder_support import BACKENDS, as_dtype, check, random, run

import packdialect.builder as pd

FLOATS = ["f32", "f16", "bf16"]
INTS = ["i8", "i32", "i64"]


def _float_program(name: str):
    dt = getattr(pd, name)

    @pd.func(name=f"floats_{name}")
    def program(
        a: pd.Tensor[(4, 6), dt], b: pd.Tensor[(6,), dt], c: pd.Tensor[(4, 1), dt]
    ):
        return (
            a + b,
            a - c,
            a * b,
            a / (b * b + 1.0),
            pd.maximum(a, c),
            pd.minimum(b, a),
            pd.relu(a),
            pd.exp(a),
            pd.tanh(a),
            -a,
            2.0 * a + 1,
            3 - a,
            c + b,
        )

    return program


def _float_reference(a, b, c, name):
    a32, b32, c32 = (x.astype(np.float32) for x in (a, b, c))
    results = [
        a32 + b32,
        a32 - c32,
        a32 * b32,
        a32 / (b32 * b32 + 1),
        np.maximum(a32, c32),
        np.minimum(b32, a32),
        np.maximum(a32, 0),
        np.exp(a32),
        np.tanh(a32),
        -a32,
        2 * a32 + 1,
        3 - a32,
        c32 + b32,
    ]
    return [as_dtype(r, name) for r in results]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", FLOATS)
def test_float_elementwise_ops_match_numpy(name, backend):
    program = _float_program(name)
    a, b, c = random((4, 6), name, 1), random((6,), name, 2), random((4, 1), name, 3)
    got = run(program, [a, b, c], backend)
    check(got, _float_reference(a, b, c, name), name, scale=8)


def _int_program(name: str):
    dt = getattr(pd, name)

    @pd.func(name=f"ints_{name}")
    def program(
        a: pd.Tensor[(4, 6), dt], b: pd.Tensor[(6,), dt], c: pd.Tensor[(4, 1), dt]
    ):
        return (
            a + b,
            a - c,
            a * b,
            a // (b * b + 1),
            pd.maximum(a, c),
            pd.minimum(b, a),
            pd.relu(a),
            -a,
            a * 3 + 1,
        )

    return program


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", INTS)
def test_integer_elementwise_ops_match_numpy_with_wrapping(name, backend):
    program = _int_program(name)
    a = random((4, 6), name, 4, -60, 60)
    b = random((6,), name, 5, -60, 60)
    c = random((4, 1), name, 6)
    a64, b64, c64 = (x.astype(np.int64) for x in (a, b, c))
    want = [
        a64 + b64,
        a64 - c64,
        a64 * b64,
        a64 // (b64 * b64 + 1).astype(a.dtype).astype(np.int64),
        np.maximum(a64, c64),
        np.minimum(b64, a64),
        np.maximum(a64, 0),
        -a64,
        a64 * 3 + 1,
    ]
    got = run(program, [a, b, c], backend)
    check(got, [w.astype(a.dtype) for w in want], name)


CASTS = [
    ("f32", "bf16"),
    ("bf16", "f32"),
    ("f32", "f16"),
    ("f16", "bf16"),
    ("f32", "i32"),
    ("i8", "f32"),
    ("i8", "i32"),
    ("i32", "i8"),
    ("f16", "i8"),
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_astype_converts_like_numpy(backend):
    @pd.func
    def casts(
        f: pd.Tensor[(3, 5), pd.f32],
        b: pd.Tensor[(3, 5), pd.bf16],
        h: pd.Tensor[(3, 5), pd.f16],
        c: pd.Tensor[(3, 5), pd.i8],
        w: pd.Tensor[(3, 5), pd.i32],
    ):
        by_name = {"f32": f, "bf16": b, "f16": h, "i8": c, "i32": w}
        return tuple(by_name[src].astype(getattr(pd, dst)) for src, dst in CASTS)

    inputs = {
        "f32": random((3, 5), "f32", 7, -100, 100),
        "bf16": random((3, 5), "bf16", 8),
        "f16": random((3, 5), "f16", 9, -100, 100),
        "i8": random((3, 5), "i8", 10, -120, 120),
        "i32": random((3, 5), "i32", 11, -1000, 1000),
    }
    got = run(casts, list(inputs.values()), backend)
    for (src, dst), result in zip(CASTS, got, strict=True):
        source = inputs[src].astype(np.float64 if src[0] in "fb" else np.int64)
        want = np.trunc(source) if dst.startswith("i") else source
        want = (
            as_dtype(want, dst)
            if dst != "i8" or src[0] != "i"
            else source.astype(np.int8)
        )
        check([result], [want], dst if dst != "f16" else "f16")


def test_astype_to_the_same_type_builds_nothing():
    @pd.func
    def same(x: pd.Tensor[(2, 2), pd.f32]):
        return x.astype(pd.f32)

    text = str(same.module)
    assert "linalg.generic" not in text
    assert "func.return %x" in text


@pytest.mark.parametrize("backend", BACKENDS)
def test_float_floor_division_floors_like_numpy(backend):
    @pd.func
    def floordiv(a: pd.Tensor[(4, 6), pd.f32], b: pd.Tensor[(6,), pd.f32]):
        return a // (b * b + 0.5)

    a, b = random((4, 6), "f32", 12, -9, 9), random((6,), "f32", 13)
    check(run(floordiv, [a, b], backend), [a // (b * b + np.float32(0.5))], "f32")


@pd.func
def _axpy(s: pd.f32, x: pd.Tensor[(8,), pd.f32], y: pd.Tensor[(8,), pd.f32]):
    return s * x + y, s * 2.0


@pd.func
def _calls_axpy(x: pd.Tensor[(8,), pd.f32], y: pd.Tensor[(8,), pd.f32]):
    scaled, twice = _axpy(3, x, y)
    return scaled * twice


@pytest.mark.parametrize("backend", BACKENDS)
def test_scalar_parameters_results_and_number_arguments(backend):
    x, y = random((8,), "f32", 14), random((8,), "f32", 15)
    text = str(_axpy.module)
    assert (
        "func.func @_axpy(%s: f32, %x: tensor<8xf32>, %y: tensor<8xf32>) -> (tensor<8xf32>, f32)"
        in text
    )
    got = run(_axpy, [np.float32(1.5), x, y], backend)
    check(
        [got[0], np.asarray(got[1]).reshape(())], [1.5 * x + y, np.float32(3.0)], "f32"
    )
    check(run(_calls_axpy, [x, y], backend), [(3 * x + y) * 6], "f32", scale=8)
