"""A 12-layer MLP built with a Python loop over pd.constant weights packs,
under the issue's pipeline, to one pack (of the input) and one unpack (of
the result): every weight and bias is packed at compile time and each
layer's output tile is the next layer's input tile. Checked by execution
before and after the pipeline, against numpy."""

import numpy as np
import pytest
from test_builder_support import BACKENDS, check, run

import packdialect.builder as pd
from packdialect.interp import run_function
from packdialect.ir.context import make_context
from passes import parse_pipeline

PIPELINE = (
    "pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},"
    "propagate-packs,canonicalize,specialize-mmt4d"
)
LAYERS = 12


def _weights(seed=0):
    rng = np.random.default_rng(seed)
    # Multiples of 1/64 with a gain that keeps activations near 1.
    ws = np.round(rng.normal(0, 0.2, (LAYERS, 64, 64)) * 64) / 64
    bs = np.round(rng.normal(0, 0.5, (LAYERS, 64)) * 64) / 64
    return ws.astype(np.float32), bs.astype(np.float32)


WS, BS = _weights()


@pd.macro
def dense(x, w, b):
    return pd.relu(x @ w + b)


@pd.func
def mlp12(x: pd.Tensor[(16, 64), pd.f32]):
    for w, b in zip(WS, BS, strict=True):
        x = dense(x, pd.constant(w), pd.constant(b))
    return x


def _reference(x):
    for w, b in zip(WS, BS, strict=True):
        x = np.maximum(x @ w + b, 0)
    return x


def _counts(module):
    names = [op.name for op in module.walk()]
    return {n: names.count(n) for n in ("linalg.pack", "linalg.unpack", "linalg.mmt4d")}


def _input():
    return np.random.default_rng(1).uniform(-1, 1, (16, 64)).astype(np.float32)


def test_the_mlp_packs_to_one_pack_and_one_unpack():
    module = mlp12.module.clone()
    assert _counts(module) == {"linalg.pack": 0, "linalg.unpack": 0, "linalg.mmt4d": 0}
    x = _input()
    (before,) = run_function(module, "mlp12", [x])
    parse_pipeline(PIPELINE).apply(make_context(), module)
    assert _counts(module) == {
        "linalg.pack": 1,
        "linalg.unpack": 1,
        "linalg.mmt4d": LAYERS,
    }
    (after,) = run_function(module, "mlp12", [x])
    want = _reference(x)
    assert np.abs(want).max() > 1  # the activations stay alive through 12 layers
    np.testing.assert_allclose(before, want, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(after, want, rtol=1e-4, atol=1e-4)


def test_building_does_not_change_the_functions_module():
    text = str(mlp12.module)
    parse_pipeline(PIPELINE).apply(make_context(), mlp12.module.clone())
    assert str(mlp12.module) == text


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_mlp_computes_twelve_dense_layers(backend):
    x = _input()
    check(run(mlp12, [x], backend), [_reference(x)], "f32", scale=64)


def test_pass_remarks_point_at_the_python_line_that_built_the_op(capsys):
    module = mlp12.module.clone()
    parse_pipeline("pack-greedily{packed-sizes=8,16,16 report=true}").apply(
        make_context(), module
    )
    remarks = capsys.readouterr().err.splitlines()
    matmul_line = (
        dense.python.__code__.co_firstlineno + 2
    )  # `return pd.relu(x @ w + b)`
    packed = [r for r in remarks if "packed" in r and "linalg.matmul" in r]
    assert len(packed) == LAYERS
    assert all(r.startswith(f"{__file__}:{matmul_line}:") for r in packed), packed[0]
