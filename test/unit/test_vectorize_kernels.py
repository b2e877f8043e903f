"""The vector kernels of `vectorize-mmt4d` in their variants, compiled to C and
checked against numpy: packs and unpacks absorbed or kept (`fuse`), m
blocking (`tile-m`), k blocking (`tile-k`) with the private accumulator
buffer, a partial last row tile, one and two threads. Also the runtime side:
cached scratch buffers reused call after call and from concurrent threads.

f32 within a relative 1e-5 of the largest result; skipped only when no C
compiler is installed.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from support import needs_cc

import packdialect
from packdialect.ir.context import make_context, parse_module
from passes.pipelines.cpu import cpu_passes

pytestmark = needs_cc

MATMUL = """
func.func @mm(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<{m}x{n}xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %c = linalg.matmul ins(%a, %b : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
                     outs(%acc : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %c : tensor<{m}x{n}xf32>
}}
"""


def _inputs(m: int, n: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    return a, b


def _compile(m: int, n: int, k: int, options: str):
    pipeline = f"cpu-pipeline{{target=host {options}}}"
    return packdialect.compile(MATMUL.format(m=m, n=n, k=k), pipeline=pipeline)["mm"]


def _assert_close(got: np.ndarray, want: np.ndarray) -> None:
    scale = max(1.0, float(np.abs(want).max()))
    assert float(np.abs(got - want).max()) / scale < 1e-5


@pytest.mark.parametrize(
    "shape, options",
    [
        # both operands read unpacked, the unpack absorbed, one k block
        ((28, 64, 16), "fuse=auto"),
        # partial row tile (30 = 2 x 14 + 2), staged LHS, m blocks of 1 tile,
        # k blocks of 8 through the private accumulator buffer
        ((30, 96, 40), "fuse=stage tile-m=1 tile-k=8"),
        ((30, 96, 40), "fuse=stage tile-m=1 tile-k=8 threads=2"),
        # every pack kept, the unpack kept
        ((30, 96, 40), "fuse=never tile-k=8"),
        # operands read unpacked whenever legal, uneven k blocks
        ((45, 96, 53), "fuse=always tile-k=16 tile-m=2"),
        # padded columns (the unpack stays) and padded rows
        ((37, 53, 29), "fuse=auto tile-k=8"),
        ((37, 53, 29), "fuse=stage tile-k=8 tile-m=1 threads=2"),
        # one row tile: the RHS is read unpacked in bands of 16 rows
        ((4, 128, 100), "fuse=auto"),
        # fewer rows than a tile
        ((5, 64, 300), "fuse=auto threads=2"),
        # a single column tile (narrow N), a long K
        ((100, 16, 700), "fuse=auto"),
    ],
)
def test_kernel_variants_match_numpy(shape, options):
    m, n, k = shape
    fn = _compile(m, n, k, options)
    a, b = _inputs(m, n, k)
    _assert_close(fn(a, b), a @ b)


def test_scratch_buffers_are_reused_across_calls():
    """The cached scratch (packed RHS, staged LHS, private accumulators) holds
    the previous call's data: every call must still compute its own result."""
    fn = _compile(30, 96, 40, "fuse=stage tile-m=1 tile-k=8")
    for seed in range(3):
        a, b = _inputs(30, 96, 40, seed)
        _assert_close(fn(a, b), a @ b)


def test_concurrent_calls_get_their_own_scratch():
    """Scratch buffers are per thread: two Python threads calling the same
    compiled function at once (ctypes releases the GIL) do not interfere."""
    fn = _compile(30, 96, 40, "fuse=stage tile-m=1 tile-k=8 threads=1")
    results: dict[int, bool] = {}

    def work(seed: int) -> None:
        a, b = _inputs(30, 96, 40, seed)
        want = a @ b
        ok = True
        for _ in range(20):
            got = fn(a, b)
            ok = ok and float(np.abs(got - want).max()) < 1e-3
        results[seed] = ok

    threads = [threading.Thread(target=work, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {1: True, 2: True}


def test_pipeline_absorbs_packs_and_unpack_of_a_narrow_matmul():
    """512x16x512 in the NMT regime: the LHS is read unpacked and the result
    stored straight from the accumulators; only the RHS is packed."""
    module = parse_module(MATMUL.format(m=512, n=16, k=512))
    ctx = make_context()
    for stage in cpu_passes("avx512", threads=1):
        stage.apply(ctx, module)
    allocs = [op for op in module.walk() if op.name == "memref.alloc"]
    shapes = sorted(tuple(op.results[0].type.get_shape()) for op in allocs)
    # the packed RHS, the private accumulator buffer of the k blocks
    assert shapes == [(1, 37, 14, 16), (1, 512, 16, 1)]
    assert not [op for op in module.walk() if op.name.startswith("linalg.")]


MATMUL_I8 = """
func.func @mm(%a: tensor<{m}x{k}xi8>, %b: tensor<{k}x{n}xi8>) -> tensor<{m}x{n}xi32> {{
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<{m}x{n}xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  %r = linalg.matmul ins(%a, %b : tensor<{m}x{k}xi8>, tensor<{k}x{n}xi8>)
                     outs(%f : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  return %r : tensor<{m}x{n}xi32>
}}
"""


@pytest.mark.parametrize("fuse", ["stage", "always", "never"])
def test_i8_kernels_with_k_pairs_are_exact(fuse):
    """i8 x i8 -> i32 (k0 = 2 pairs, deinterleaved): staged, read unpacked or
    packed, over several k blocks and a partial row tile."""
    m, n, k = 30, 64, 150
    source = MATMUL_I8.format(m=m, n=n, k=k)
    pipeline = f"cpu-pipeline{{target=host threads=2 fuse={fuse} tile-k=8 tile-m=1}}"
    fn = packdialect.compile(source, pipeline=pipeline)["mm"]
    rng = np.random.default_rng(3)
    a = rng.integers(-128, 128, (m, k)).astype(np.int8)
    b = rng.integers(-128, 128, (k, n)).astype(np.int8)
    want = a.astype(np.int32) @ b.astype(np.int32)
    assert np.array_equal(fn(a, b), want)
