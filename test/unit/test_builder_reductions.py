"""pd.sum / pd.max / pd.mean over axes (keepdims too) and pd.softmax against
numpy, interpreted and compiled."""

import numpy as np
import pytest
from test_builder_support import BACKENDS, as_dtype, check, random, run

import packdialect.builder as pd


def _program(name: str):
    dt = getattr(pd, name)
    floats = name[0] in "fb"

    @pd.func(name=f"reductions_{name}")
    def program(x: pd.Tensor[(3, 4, 5), dt]):
        results = [
            pd.sum(x, axis=1),
            pd.sum(x, axis=(0, 2), keepdims=True),
            pd.max(x, axis=-1),
            pd.max(x, axis=(0, 1)),
            pd.sum(x),
        ]
        if floats:
            results += [
                pd.mean(x, axis=0),
                pd.mean(x, axis=(1, 2), keepdims=True),
                pd.softmax(x, axis=2),
                pd.softmax(x, axis=0),
            ]
        return tuple(results)

    return program


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["f32", "f16", "bf16", "i8", "i32"])
def test_reductions_match_numpy(name, backend):
    x = random((3, 4, 5), name, 12)
    w = x.astype(np.float64 if name[0] in "fb" else np.int64)
    want = [
        w.sum(axis=1),
        w.sum(axis=(0, 2), keepdims=True),
        w.max(axis=-1),
        w.max(axis=(0, 1)),
        np.asarray(w.sum()),
    ]
    if name[0] in "fb":
        want += [
            w.mean(axis=0),
            w.mean(axis=(1, 2), keepdims=True),
            _softmax(w, 2),
            _softmax(w, 0),
        ]
    got = run(_program(name), [x], backend)
    check(got, [as_dtype(v, name) for v in want], name, scale=8)


def test_a_reduction_is_one_generic_into_a_fill_of_its_identity():
    @pd.func
    def rowmax(x: pd.Tensor[(4, 8), pd.f32]):
        return pd.max(x, axis=1)

    text = str(rowmax.module)
    assert text.count("linalg.generic") == 1
    assert 'iterator_types = ["parallel", "reduction"]' in text
    assert "arith.constant 0xff800000 : f32" in text  # -inf
    assert "arith.maximumf" in text


def test_softmax_is_max_exp_sum_divide():
    @pd.func
    def soft(x: pd.Tensor[(4, 8), pd.f32]):
        return pd.softmax(x)

    text = str(soft.module)
    assert text.count("linalg.generic") == 4
    for op in ("arith.maximumf", "math.exp", "arith.addf", "arith.divf"):
        assert op in text
