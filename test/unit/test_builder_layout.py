"""Data movement against numpy, interpreted and compiled: pd.constant,
pd.full / zeros, `.T` and pd.transpose, indexing with ints, slices and `...`
(tensor.extract_slice, tensor.extract), pd.pack / pd.unpack with upstream's
attributes, and pd.generic with a Python body."""

import numpy as np
import pytest
from test_builder_support import BACKENDS, as_dtype, check, random, run

import packdialect.builder as pd
from packdialect.ir.relayout_arrays import pack_array


def _layout_program(name: str, weights: np.ndarray):
    dt = getattr(pd, name)

    @pd.func(name=f"layout_{name}")
    def program(x: pd.Tensor[(4, 6, 8), dt]):
        w = pd.constant(weights, dt)
        return (
            x.T,
            pd.transpose(x, (1, 2, 0)),
            x[1],
            x[:, 1:5:2],
            x[-1, ..., 2],
            x[1:3, 0, ::3],
            x[0] + w,
            pd.full((2, 3), 7, dt),
            pd.zeros((5,), dt),
        )

    return program


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["f32", "f16", "bf16", "i8"])
def test_layout_ops_match_numpy(name, backend):
    x = random((4, 6, 8), name, 20)
    weights = random((6, 8), name, 21)
    want = [
        x.T,
        np.transpose(x, (1, 2, 0)),
        x[1],
        x[:, 1:5:2],
        x[-1, ..., 2],
        x[1:3, 0, ::3],
        as_dtype(x[0].astype(np.float64) + weights, name),
        as_dtype(np.full((2, 3), 7), name),
        as_dtype(np.zeros(5), name),
    ]
    got = run(_layout_program(name, weights), [x], backend)
    check(got, want, name)


@pytest.mark.parametrize("backend", BACKENDS)
def test_indexing_every_axis_with_an_int_reads_one_element(backend):
    @pd.func
    def element(x: pd.Tensor[(4, 6), pd.f32]):
        return x[2, -1] * x[0, 0]

    x = random((4, 6), "f32", 22)
    got = run(element, [x], backend)
    assert "tensor.extract %x" in str(element.module)
    np.testing.assert_allclose(
        np.asarray(got[0]).reshape(()), x[2, -1] * x[0, 0], rtol=1e-6
    )


def test_indexing_builds_a_rank_reducing_extract_slice():
    @pd.func
    def rows(ws: pd.Tensor[(3, 64, 64), pd.f32]):
        return ws[1]

    text = str(rows.module)
    assert (
        "tensor.extract_slice %ws[1, 0, 0] [1, 64, 64] [1, 1, 1] : "
        "tensor<3x64x64xf32> to tensor<64x64xf32>" in text
    )


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["f32", "bf16", "i8"])
def test_pack_and_unpack_match_a_numpy_reference(name, backend):
    dt = getattr(pd, name)

    @pd.func(name=f"packs_{name}")
    def packs(x: pd.Tensor[(10, 12), dt]):
        tiled = pd.pack(x, inner_dims_pos=[0, 1], inner_tiles=[4, 6], padding_value=0)
        transposed = pd.pack(
            x, inner_dims_pos=[1], inner_tiles=[4], outer_dims_perm=[1, 0]
        )
        back = pd.unpack(tiled, [0, 1], [4, 6], dest_shape=(10, 12))
        return tiled, transposed, back

    x = random((10, 12), name, 23)
    padded = np.zeros((12, 12), x.dtype)
    padded[:10, :12] = x
    tiled = padded.reshape(3, 4, 2, 6).transpose(0, 2, 1, 3)
    transposed = x.reshape(10, 3, 4).transpose(1, 0, 2)
    want = [tiled, transposed, x]
    # The project's own pack semantics agree with the hand-written reference.
    np.testing.assert_array_equal(
        pack_array(x, inner_dims_pos=[1], inner_tiles=[4], outer_dims_perm=[1, 0]),
        transposed,
    )
    text = str(packs.module)
    assert "inner_dims_pos = [0, 1] inner_tiles = [4, 6]" in text
    assert "outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [4]" in text
    assert "padding_value(" in text
    check(run(packs, [x], backend), want, name)


@pytest.mark.parametrize("backend", BACKENDS)
def test_generic_runs_a_python_body(backend):
    @pd.func
    def weighted_rowsum(x: pd.Tensor[(4, 8), pd.f32], w: pd.Tensor[(8,), pd.f32]):
        return pd.generic(
            ["(i, j) -> (i, j)", lambda i, j: (j,), "affine_map<(i, j) -> (i)>"],
            ["parallel", "reduction"],
            lambda v, c, acc: acc + pd.maximum(v, 0.0) * c,
            ins=[x, w],
            outs=[pd.zeros((4,), pd.f32)],
        )

    x, w = random((4, 8), "f32", 24), random((8,), "f32", 25)
    want = (np.maximum(x, 0) * w).sum(axis=1)
    check(run(weighted_rowsum, [x, w], backend), [want], "f32", scale=8)


@pytest.mark.parametrize("backend", BACKENDS)
def test_generic_with_two_outputs_returns_both(backend):
    @pd.func
    def minmax(x: pd.Tensor[(4, 8), pd.i32]):
        lo, hi = pd.generic(
            ["(i, j) -> (i, j)", "(i, j) -> (i)", "(i, j) -> (i)"],
            ["parallel", "reduction"],
            lambda v, a, b: (pd.minimum(v, a), pd.maximum(v, b)),
            ins=[x],
            outs=[pd.full((4,), 1 << 30, pd.i32), pd.full((4,), -(1 << 30), pd.i32)],
        )
        return hi - lo

    x = random((4, 8), "i32", 26, -50, 50)
    check(run(minmax, [x], backend), [x.max(axis=1) - x.min(axis=1)], "i32")
