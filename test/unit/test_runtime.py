"""The runtime: compile, cache, load, check arguments, allocate outputs, call.

Expected values come from numpy; the compiled code is hand-written lowered IR
(memref/scf), so these tests do not depend on the lowering passes, except the
last ones, which go through the default pipeline when it is available.
"""

from __future__ import annotations

import numpy as np
import pytest
from support import needs_cc

from packdialect.compiler import compile, needs_lowering
from packdialect.ir.context import parse_module
from packdialect.runtime import (
    ArgumentError,
    CompileError,
    aligned_empty,
    compile_c,
)

RNG = np.random.default_rng(1)


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv(
        "PACKDIALECT_CACHE", str(tmp_path_factory.getbasetemp() / "cache")
    )


AXPY = """
func.func @axpy(%x: memref<3x4xf32>, %y: memref<3x4xf32>, %alpha: f32, %o: memref<3x4xf32>, %n: memref<3xi64>)
    attributes {packdialect.outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c3 step %c1 {
    scf.for %j = %c0 to %c4 step %c1 {
      %a = memref.load %x[%i, %j] : memref<3x4xf32>
      %b = memref.load %y[%i, %j] : memref<3x4xf32>
      %p = arith.mulf %a, %alpha : f32
      %s = arith.addf %p, %b : f32
      memref.store %s, %o[%i, %j] : memref<3x4xf32>
    }
    %ii = arith.index_cast %i : index to i64
    memref.store %ii, %n[%i] : memref<3xi64>
  }
  func.return
}
"""


def axpy_inputs():
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    y = RNG.standard_normal((3, 4)).astype(np.float32)
    return x, y


@needs_cc
def test_outputs_are_allocated_aligned_and_returned_as_a_tuple():
    module = compile(AXPY)
    x, y = axpy_inputs()
    out, index = module.axpy(x, y, 2.0)
    np.testing.assert_allclose(out, 2 * x + y, rtol=1e-6)
    np.testing.assert_array_equal(index, [0, 1, 2])
    assert out.dtype == np.float32 and index.dtype == np.int64
    assert out.ctypes.data % 64 == 0 and index.ctypes.data % 64 == 0
    assert module.functions == ["axpy"]
    assert module["axpy"] is module.axpy


@needs_cc
def test_explicit_outputs_are_written_in_place():
    module = compile(AXPY)
    x, y = axpy_inputs()
    out = np.zeros((3, 4), np.float32)
    index = np.zeros(3, np.int64)
    result = module.axpy(x, y, np.float32(0.5), out, index)
    assert result[0] is out and result[1] is index
    np.testing.assert_allclose(out, 0.5 * x + y, rtol=1e-6)


@needs_cc
def test_non_contiguous_arguments_are_copied_and_written_back():
    module = compile(AXPY)
    x = RNG.standard_normal((4, 3)).astype(np.float32).T  # Fortran order view
    y = RNG.standard_normal((3, 8)).astype(np.float32)[:, ::2]  # strided view
    big = np.zeros((3, 8), np.float32)
    out = big[:, ::2]
    index = np.zeros(3, np.int64)
    module.axpy(x, y, 1.0, out, index)
    np.testing.assert_allclose(out, x + y, rtol=1e-6)
    np.testing.assert_array_equal(big[:, 1::2], 0)


@needs_cc
@pytest.mark.parametrize(
    "args,message",
    [
        ((), r"takes 3 arguments \(or 5 with its outputs\), got 0"),
        (
            ("x64", "y", 1.0),
            r"argument 0 \(%x\): expected memref<3x4xf32> \(numpy float32\), got dtype float64",
        ),
        (
            ("x_wide", "y", 1.0),
            r"argument 0 \(%x\): expected memref<3x4xf32> .*got shape \(3, 5\)",
        ),
        (("x", "y", "y"), r"argument 2 \(%alpha\) expects a scalar f32, got an array"),
        (("x", "y", "text"), r"argument 2 \(%alpha\) expects a scalar f32, got str"),
        (
            ("x", "y", 1.0, [0.0], "n"),
            r"argument 3 \(%o\): output must be a numpy array",
        ),
    ],
)
def test_argument_errors_name_the_argument(args, message):
    module = compile(AXPY)
    x, y = axpy_inputs()
    values = {
        "x": x,
        "y": y,
        "x64": x.astype(np.float64),
        "x_wide": np.zeros((3, 5), np.float32),
        "n": np.zeros(3, np.int64),
    }
    resolved = [
        values.get(a, a) if isinstance(a, str) and a in values else a for a in args
    ]
    with pytest.raises(ArgumentError, match=message):
        module.axpy(*resolved)


@needs_cc
def test_outputs_may_not_alias_other_arguments():
    module = compile(AXPY)
    x, y = axpy_inputs()
    with pytest.raises(
        ArgumentError, match=r"argument 3 \(%o\): the output overlaps argument 0"
    ):
        module.axpy(x, y, 1.0, x, np.zeros(3, np.int64))
    # Inputs may alias each other (they are only read).
    out, _ = module.axpy(x, x, 1.0)
    np.testing.assert_allclose(out, 2 * x, rtol=1e-6)


@needs_cc
def test_prepared_calls_rerun_without_checks():
    module = compile(AXPY)
    x, y = axpy_inputs()
    call = module.axpy.prepare(x, y, 2.0)
    out1, _ = call()
    x *= 2  # the prepared call reads the same buffers
    out2, _ = call()
    assert out1 is out2
    np.testing.assert_allclose(out2, 2 * x + y, rtol=1e-6)


@needs_cc
def test_unknown_function_names():
    module = compile(AXPY)
    with pytest.raises(AttributeError, match="no public function 'nope'"):
        module.nope  # noqa: B018
    with pytest.raises(KeyError, match="axpy"):
        module["nope"]


DYNAMIC = """
func.func @row_sums(%a: memref<?x?xf64>, %o: memref<?xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %n = memref.dim %a, %c0 : memref<?x?xf64>
  %m = memref.dim %a, %c1 : memref<?x?xf64>
  scf.for %i = %c0 to %n step %c1 {
    %s = scf.for %j = %c0 to %m step %c1 iter_args(%acc = %zero) -> (f64) {
      %x = memref.load %a[%i, %j] : memref<?x?xf64>
      %t = arith.addf %acc, %x : f64
      scf.yield %t : f64
    }
    memref.store %s, %o[%i] : memref<?xf64>
  }
  func.return
}
func.func @dot(%a: memref<?xi32>, %b: memref<?xi32>) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0 : i64
  %n = memref.dim %a, %c0 : memref<?xi32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (i64) {
    %x = memref.load %a[%i] : memref<?xi32>
    %y = memref.load %b[%i] : memref<?xi32>
    %p = arith.muli %x, %y : i32
    %w = arith.extsi %p : i32 to i64
    %t = arith.addi %acc, %w : i64
    scf.yield %t : i64
  }
  func.return %r : i64
}
"""


@needs_cc
def test_dynamic_dims_and_scalar_results():
    module = compile(DYNAMIC)
    for shape in ((5, 7), (1, 3)):
        a = RNG.standard_normal(shape)
        o = np.zeros(shape[0])
        assert module.row_sums(a, o) is None
        np.testing.assert_allclose(o, a.sum(axis=1))
    x = RNG.integers(-100, 100, 9).astype(np.int32)
    y = RNG.integers(-100, 100, 9).astype(np.int32)
    assert module.dot(x, y) == int(np.dot(x.astype(np.int64), y))
    assert module.dot(x.view(np.uint32), y) == int(np.dot(x.astype(np.int64), y))


@needs_cc
def test_sources_path_text_and_module(tmp_path):
    path = tmp_path / "axpy.mlir"
    path.write_text(AXPY)
    parsed = parse_module(AXPY)
    before = str(parsed)
    x, y = axpy_inputs()
    for source in (path, str(path), AXPY, parsed):
        out, _ = compile(source).axpy(x, y, 3.0)
        np.testing.assert_allclose(out, 3 * x + y, rtol=1e-6)
    assert str(parsed) == before


@needs_cc
def test_cache_is_content_addressed(tmp_path, monkeypatch):
    monkeypatch.setenv("PACKDIALECT_CACHE", str(tmp_path / "c1"))
    first = compile(AXPY)
    second = compile(AXPY)
    assert first.library_path == second.library_path
    assert first.library_path.parent == tmp_path / "c1"
    assert first.c_path.read_text() == first.c_source
    other = compile(AXPY.replace("arith.mulf", "arith.divf"))
    assert other.library_path != first.library_path
    flagged = compile(AXPY, cflags=["-DPACKDIALECT_TEST=1"])
    assert flagged.library_path != first.library_path


@needs_cc
def test_compiler_error_message_has_path_and_diagnostic():
    with pytest.raises(CompileError) as info:
        compile_c("void f(void) { undeclared_identifier = 1; }\n")
    message = str(info.value)
    assert ".c" in message and "undeclared_identifier" in message


def test_missing_compiler_is_reported(monkeypatch):
    monkeypatch.setenv("CC", "definitely-not-a-compiler-xyz")
    with pytest.raises(CompileError, match="no C compiler found"):
        compile_c("int x;\n")


TENSOR_ADD = """
func.func @add(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.add ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  func.return %r : tensor<4xf32>
}
"""


def test_needs_lowering():
    assert needs_lowering(parse_module(TENSOR_ADD))
    assert not needs_lowering(parse_module(AXPY))


def test_invalid_pipeline_and_target():
    with pytest.raises(CompileError, match="invalid pipeline"):
        compile(AXPY, pipeline="no-such-pass")
    with pytest.raises(CompileError, match="unknown target 'cuda'"):
        compile(AXPY, target="cuda")


@needs_cc
def test_explicit_pipeline_of_xdsl_passes():
    module = compile(AXPY, pipeline="canonicalize,cse")
    x, y = axpy_inputs()
    out, _ = module.axpy(x, y, 1.0)
    np.testing.assert_allclose(out, x + y, rtol=1e-6)


def test_aligned_empty():
    for shape in ((3, 5), (), (7,)):
        array = aligned_empty(shape, np.dtype(np.float64))
        assert array.shape == shape and array.dtype == np.float64
        assert array.ctypes.data % 64 == 0
    assert aligned_empty((0, 4), np.dtype(np.int8)).shape == (0, 4)


@needs_cc
def test_tensor_function_through_the_default_pipeline():
    module = compile(TENSOR_ADD)
    a = RNG.standard_normal(4).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)
    np.testing.assert_allclose(module.add(a, b), a + b, rtol=1e-6)
    with pytest.raises(ArgumentError, match="got dtype float64"):
        module.add(a.astype(np.float64), b)


@needs_cc
def test_threads_setting_reaches_openmp():
    text = """
func.func @fill(%o: memref<64xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  "scf.parallel"(%c0, %c64, %c1) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> ({
  ^bb0(%i: index):
    %v = arith.index_cast %i : index to i32
    memref.store %v, %o[%i] : memref<64xi32>
    scf.reduce
  }) : (index, index, index) -> ()
  func.return
}
"""
    module = compile(text, threads=2)
    out = np.zeros(64, np.int32)
    module.fill(out)
    np.testing.assert_array_equal(out, np.arange(64))
    assert module.threads == 2


BF16_MATMUL = """
func.func @mm(%a: tensor<8x16xbf16>, %b: tensor<16x8xbf16>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<8x8xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
  %c = linalg.matmul ins(%a, %b : tensor<8x16xbf16>, tensor<16x8xbf16>)
                     outs(%acc : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %c : tensor<8x8xf32>
}
"""


def _to_bf16(x: np.ndarray) -> np.ndarray:
    """Round float32 to bf16 (ties to even) with plain integer arithmetic."""
    bits = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


@needs_cc
def test_bf16_takes_float32_inputs_and_leaves_them_alone():
    fn = compile(BF16_MATMUL)["mm"]
    a = RNG.standard_normal((8, 16)).astype(np.float32)
    b_t = RNG.standard_normal((8, 16)).astype(np.float32)
    b = b_t.T  # a non-contiguous input: converted and copied, never written back
    a0, b0 = a.copy(), b.copy()
    got = fn(a, b)
    want = _to_bf16(a).astype(np.float64) @ _to_bf16(b).astype(np.float64)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)


BF16_COPY = """
func.func @copy(%a: tensor<6xbf16>) -> tensor<6xbf16> {
  %init = tensor.empty() : tensor<6xbf16>
  %c = linalg.copy ins(%a : tensor<6xbf16>) outs(%init : tensor<6xbf16>) -> tensor<6xbf16>
  return %c : tensor<6xbf16>
}
"""


@needs_cc
def test_bf16_results_are_raw_bits_and_every_input_form_agrees():
    """bf16 is uint16 bits whatever is installed: float32 values, raw bits and
    (where ml_dtypes is installed) bfloat16 arrays give the same bits."""
    fn = compile(BF16_COPY)["copy"]
    values = np.array([1.0, -2.5, 3.140625, 1e-3, 65504.0, -0.0], np.float32)
    bits = (_to_bf16(values).view(np.uint32) >> 16).astype(np.uint16)
    from_values = fn(values)
    assert from_values.dtype == np.uint16
    np.testing.assert_array_equal(from_values, bits)
    np.testing.assert_array_equal(fn(bits), bits)
    ml_dtypes = _optional("ml_dtypes")
    if ml_dtypes is not None:
        as_bfloat16 = values.astype(ml_dtypes.bfloat16)
        np.testing.assert_array_equal(fn(as_bfloat16), bits)


def _optional(name: str):
    """The module `name` if it is installed, else None."""
    try:
        return __import__(name)
    except ImportError:
        return None


@needs_cc
def test_the_runtime_never_imports_ml_dtypes(tmp_path):
    """Results cannot depend on ml_dtypes being installed: nothing imports it."""
    import subprocess
    import sys

    script = (
        "import sys, numpy as np, packdialect\n"
        f"fn = packdialect.compile({BF16_COPY!r})['copy']\n"
        "fn(np.ones(6, np.float32))\n"
        "assert 'ml_dtypes' not in sys.modules, 'ml_dtypes was imported'\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr


def test_cache_key_includes_the_host_cpu(monkeypatch):
    """A cache shared by an AVX-512 and an AVX2 host keeps their builds apart."""
    from packdialect.runtime import cache
    from packdialect.runtime.toolchain import Toolchain

    class FixedToolchain(Toolchain):
        name = "fixed"
        source_suffix = ".c"

        def identity(self) -> str:
            return "cc 12 -O3 -march=native"

    keys = set()
    for host in ("EPYC\0avx512\0avx2 avx512f fma", "EPYC\0avx2\0avx2 fma"):
        monkeypatch.setattr(cache, "host_key", lambda host=host: host)
        keys.add(cache.cache_key("int x;", FixedToolchain()))
    assert len(keys) == 2


def test_host_key_names_the_isa_and_flags():
    from packdialect.runtime.cache import host_key
    from packdialect.targets import detect_host

    host = detect_host()
    key = host_key()
    assert host.isa in key.split("\0")
    assert all(flag in key for flag in sorted(host.features)[:5])
