"""Whole programs through `cpu-pipeline` and the C backend, checked against the
numpy interpreter on the original (tensor) program.

Each program runs on random inputs: f32 within rtol 1e-4, integers exactly,
single-threaded and with 2 OpenMP threads (every outermost parallel loop
parallel). Skipped only when no C compiler is installed. The programs are
also used by test_lowering.py (pass-by-pass checks with the interpreter).
"""

from __future__ import annotations

import numpy as np
import pytest
from support import needs_cc
from xdsl.dialects import func

from packdialect.interp import random_inputs, run_function
from packdialect.ir.context import parse_module

# ---------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------

MATMUL = """
func.func @matmul(%a: tensor<37x29xf32>, %b: tensor<29x53xf32>, %c: tensor<37x53xf32>) -> tensor<37x53xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<37x29xf32>, tensor<29x53xf32>) outs(%c : tensor<37x53xf32>) -> tensor<37x53xf32>
  return %r : tensor<37x53xf32>
}
"""

MATMUL_I8 = """
func.func @matmul_i8(%a: tensor<37x29xi8>, %b: tensor<29x53xi8>) -> tensor<37x53xi32> {
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<37x53xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<37x53xi32>) -> tensor<37x53xi32>
  %r = linalg.matmul ins(%a, %b : tensor<37x29xi8>, tensor<29x53xi8>) outs(%f : tensor<37x53xi32>) -> tensor<37x53xi32>
  return %r : tensor<37x53xi32>
}
"""

MATMUL_F16 = """
func.func @matmul_f16(%a: tensor<37x29xf16>, %b: tensor<29x53xf16>) -> tensor<37x53xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<37x53xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<37x53xf32>) -> tensor<37x53xf32>
  %r = linalg.matmul ins(%a, %b : tensor<37x29xf16>, tensor<29x53xf16>) outs(%f : tensor<37x53xf32>) -> tensor<37x53xf32>
  return %r : tensor<37x53xf32>
}
"""

BATCH_MATMUL = """
func.func @batch_matmul(%a: tensor<3x17x29xf32>, %b: tensor<3x29x40xf32>, %c: tensor<3x17x40xf32>) -> tensor<3x17x40xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<3x17x29xf32>, tensor<3x29x40xf32>) outs(%c : tensor<3x17x40xf32>) -> tensor<3x17x40xf32>
  return %r : tensor<3x17x40xf32>
}
"""

MATVEC = """
func.func @matvec(%a: tensor<37x29xf32>, %x: tensor<29xf32>, %y: tensor<37xf32>) -> tensor<37xf32> {
  %r = linalg.matvec ins(%a, %x : tensor<37x29xf32>, tensor<29xf32>) outs(%y : tensor<37xf32>) -> tensor<37xf32>
  return %r : tensor<37xf32>
}
"""

CHAIN = """
func.func @chain(%a: tensor<37x29xf32>, %b: tensor<29x53xf32>, %d: tensor<53x19xf32>) -> tensor<37x19xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<37x53xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<37x53xf32>) -> tensor<37x53xf32>
  %ab = linalg.matmul ins(%a, %b : tensor<37x29xf32>, tensor<29x53xf32>) outs(%f : tensor<37x53xf32>) -> tensor<37x53xf32>
  %e2 = tensor.empty() : tensor<37x19xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<37x19xf32>) -> tensor<37x19xf32>
  %r = linalg.matmul ins(%ab, %d : tensor<37x53xf32>, tensor<53x19xf32>) outs(%f2 : tensor<37x19xf32>) -> tensor<37x19xf32>
  return %r : tensor<37x19xf32>
}
"""

CONV_1X1 = """
func.func @conv_1x1(%x: tensor<1x7x9x16xf32>, %w: tensor<1x1x16x24xf32>, %o: tensor<1x7x9x24xf32>) -> tensor<1x7x9x24xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(n, h, w, f, kh, kw, c) -> (n, h + kh, w + kw, c)>, affine_map<(n, h, w, f, kh, kw, c) -> (kh, kw, c, f)>, affine_map<(n, h, w, f, kh, kw, c) -> (n, h, w, f)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x7x9x16xf32>, tensor<1x1x16x24xf32>) outs(%o : tensor<1x7x9x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x7x9x24xf32>
  return %r : tensor<1x7x9x24xf32>
}
"""

SOFTMAX = """
func.func @softmax(%x: tensor<16x37xf32>) -> tensor<16x37xf32> {
  %ninf = arith.constant -3.40282347E+38 : f32
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<16xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<16xf32>) -> tensor<16xf32>
  %max = linalg.reduce ins(%x : tensor<16x37xf32>) outs(%m0 : tensor<16xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %m = arith.maximumf %in, %acc : f32
      linalg.yield %m : f32
    }
  %e2 = tensor.empty() : tensor<16x37xf32>
  %ex = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x, %max : tensor<16x37xf32>, tensor<16xf32>) outs(%e2 : tensor<16x37xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<16x37xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<16xf32>) -> tensor<16xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%ex : tensor<16x37xf32>) outs(%s0 : tensor<16xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %a, %acc : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %res = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%ex, %sum : tensor<16x37xf32>, tensor<16xf32>) outs(%e2 : tensor<16x37xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.divf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<16x37xf32>
  return %res : tensor<16x37xf32>
}
"""

ELEMENTWISE_REDUCTIONS = """
func.func @elementwise_reductions(%x: tensor<12x20xf32>, %y: tensor<20xf32>) -> (tensor<12x20xf32>, tensor<20xf32>, tensor<20x12xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<12x20xf32>
  %b = linalg.broadcast ins(%y : tensor<20xf32>) outs(%e : tensor<12x20xf32>) dimensions = [0]
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x, %b : tensor<12x20xf32>, tensor<12x20xf32>) outs(%e : tensor<12x20xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    %t = math.tanh %m : f32
    linalg.yield %t : f32
  } -> tensor<12x20xf32>
  %e1 = tensor.empty() : tensor<20xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<20xf32>) -> tensor<20xf32>
  %cols = linalg.reduce ins(%s : tensor<12x20xf32>) outs(%f1 : tensor<20xf32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32
    }
  %e2 = tensor.empty() : tensor<20x12xf32>
  %t = linalg.transpose ins(%s : tensor<12x20xf32>) outs(%e2 : tensor<20x12xf32>) permutation = [1, 0]
  return %s, %cols, %t : tensor<12x20xf32>, tensor<20xf32>, tensor<20x12xf32>
}
"""


def _transposed(a_map: str, b_map: str) -> str:
    """A matmul as a generic with the operand layouts `a_map`, `b_map`."""
    a_shape = "37x29" if a_map == "(m, k)" else "29x37"
    b_shape = "29x53" if b_map == "(k, n)" else "53x29"
    name = (
        "mm_"
        + a_map.strip("()").replace(", ", "")
        + "_"
        + b_map.strip("()").replace(", ", "")
    )
    return f"""
func.func @{name}(%a: tensor<{a_shape}xf32>, %b: tensor<{b_shape}xf32>, %c: tensor<37x53xf32>) -> tensor<37x53xf32> {{
  %r = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> {a_map}>, affine_map<(m, n, k) -> {b_map}>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}} ins(%a, %b : tensor<{a_shape}xf32>, tensor<{b_shape}xf32>) outs(%c : tensor<37x53xf32>) {{
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }} -> tensor<37x53xf32>
  return %r : tensor<37x53xf32>
}}
"""


TRANSPOSED = [
    _transposed(a, b) for a in ("(m, k)", "(k, m)") for b in ("(k, n)", "(n, k)")
]


def _dense(values: np.ndarray) -> str:
    """An MLIR dense literal of a 1-D or 2-D array."""
    if values.ndim == 1:
        return "[" + ", ".join(f"{v:.6f}" for v in values) + "]"
    return "[" + ", ".join(_dense(row) for row in values) + "]"


def mlp(
    batch: int = 8, dims: tuple[int, int, int] = (24, 40, 16), seed: int = 3
) -> str:
    """x @ W1 + b1, relu, @ W2 with constant weights."""
    rng = np.random.default_rng(seed)
    d0, d1, d2 = dims
    w1 = rng.uniform(-1, 1, (d0, d1))
    w2 = rng.uniform(-1, 1, (d1, d2))
    b1 = rng.uniform(-1, 1, (d1,))
    return f"""
func.func @mlp(%x: tensor<{batch}x{d0}xf32>) -> tensor<{batch}x{d2}xf32> {{
  %w1 = arith.constant dense<{_dense(w1)}> : tensor<{d0}x{d1}xf32>
  %w2 = arith.constant dense<{_dense(w2)}> : tensor<{d1}x{d2}xf32>
  %b1 = arith.constant dense<{_dense(b1)}> : tensor<{d1}xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<{batch}x{d1}xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<{batch}x{d1}xf32>) -> tensor<{batch}x{d1}xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<{batch}x{d0}xf32>, tensor<{d0}x{d1}xf32>) outs(%f1 : tensor<{batch}x{d1}xf32>) -> tensor<{batch}x{d1}xf32>
  %hb = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}} ins(%h, %b1 : tensor<{batch}x{d1}xf32>, tensor<{d1}xf32>) outs(%e1 : tensor<{batch}x{d1}xf32>) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %z : f32
    linalg.yield %r : f32
  }} -> tensor<{batch}x{d1}xf32>
  %e2 = tensor.empty() : tensor<{batch}x{d2}xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<{batch}x{d2}xf32>) -> tensor<{batch}x{d2}xf32>
  %y = linalg.matmul ins(%hb, %w2 : tensor<{batch}x{d1}xf32>, tensor<{d1}x{d2}xf32>) outs(%f2 : tensor<{batch}x{d2}xf32>) -> tensor<{batch}x{d2}xf32>
  return %y : tensor<{batch}x{d2}xf32>
}}
"""


PROGRAMS: dict[str, str] = {
    "matmul": MATMUL,
    "matmul_i8": MATMUL_I8,
    "matmul_f16": MATMUL_F16,
    "batch_matmul": BATCH_MATMUL,
    "matvec": MATVEC,
    "chain": CHAIN,
    "conv_1x1": CONV_1X1,
    "softmax": SOFTMAX,
    "elementwise_reductions": ELEMENTWISE_REDUCTIONS,
    "mlp": mlp(),
    **{text.split("@")[1].split("(")[0]: text for text in TRANSPOSED},
}
"""Function name -> MLIR text (one public function named like the key)."""


def reference(text: str, name: str, seed: int = 0) -> tuple[list, list]:
    """(random inputs, interpreter results) of function `name` in `text`."""
    module = parse_module(text)
    fn = next(
        op
        for op in module.walk()
        if isinstance(op, func.FuncOp) and op.sym_name.data == name
    )
    args = random_inputs(fn, seed=seed)
    return args, run_function(module, name, args)


def assert_matches(got, want, rtol: float = 1e-4) -> None:
    """Integers exactly, floats to `rtol` (relative to the result's magnitude)."""
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape
    if want.dtype.kind in "iub":
        np.testing.assert_array_equal(got, want)
        return
    scale = max(1.0, float(np.abs(want.astype(np.float64)).max(initial=0.0)))
    np.testing.assert_allclose(
        got.astype(np.float64), want.astype(np.float64), rtol=rtol, atol=rtol * scale
    )


# ---------------------------------------------------------------------------
# Compiled C against the interpreter
# ---------------------------------------------------------------------------


def _run_compiled(text: str, name: str, pipeline: str, args) -> tuple[list, str]:
    import packdialect

    module = packdialect.compile(text, pipeline=pipeline)
    result = getattr(module, name)(*args)
    results = list(result) if isinstance(result, tuple) else [result]
    return results, module.c_source


@needs_cc
@pytest.mark.parametrize("name", sorted(PROGRAMS))
@pytest.mark.parametrize("threads", [1, 2])
def test_compiled_program_matches_interpreter(name: str, threads: int):
    text = PROGRAMS[name]
    args, want = reference(text, name)
    pipeline = f"cpu-pipeline{{threads={threads} min-work=0}}"
    got, c_source = _run_compiled(text, name, pipeline, args)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert_matches(g, w)
    assert ("#pragma omp" in c_source) == (threads > 1)


@needs_cc
@pytest.mark.parametrize("target", ["generic", "avx2"])
def test_compiled_matmul_other_targets(target: str):
    args, want = reference(MATMUL, "matmul", seed=4)
    got, c_source = _run_compiled(
        MATMUL, "matmul", f"cpu-pipeline{{target={target}}}", args
    )
    assert_matches(got[0], want[0])
    lanes = 4 if target == "generic" else 8
    assert f"vec{lanes}_f32" in c_source


@needs_cc
def test_unpacked_pipeline_compiles_every_linalg_op():
    """Without packing, the contractions are plain loops and still correct."""
    args, want = reference(CHAIN, "chain", seed=2)
    got, c_source = _run_compiled(CHAIN, "chain", "cpu-pipeline{pack=false}", args)
    assert_matches(got[0], want[0])
    assert "vec16_f32" not in c_source


@needs_cc
def test_vectorized_kernel_is_in_the_c_source():
    """The avx512 mmt4d kernel reaches the C code as 16-lane FMAs."""
    _, c_source = _run_compiled(
        MATMUL, "matmul", "cpu-pipeline{target=avx512}", reference(MATMUL, "matmul")[0]
    )
    assert "vec16_f32" in c_source
    assert "fma" in c_source
