"""The C emitter: hand-written memref/scf/vector IR, compiled and compared with numpy.

Every compiled module is built with `-Wall -Werror` on top of the runtime's
flags (`-O3 -march=native -fopenmp -std=c11`), so each test also checks that
the emitted C is warning-free. Expected values are computed here with numpy
or plain Python, never with the emitter.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from support import needs_cc

from packdialect.compiler import compile
from packdialect.emit.abi import function_symbols
from packdialect.emit.c import CTarget, EmitError, emit_c
from packdialect.ir.context import make_context, parse_module
from packdialect.runtime import CompileError, compile_c

STRICT = ("-Wall", "-Werror")
RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv(
        "PACKDIALECT_CACHE", str(tmp_path_factory.getbasetemp() / "cache")
    )


def build(text: str, threads: int | None = None):
    """Compile lowered IR with the strict (warning-free) flags."""
    return compile(text, cflags=STRICT, threads=threads)


def c_of(text: str) -> str:
    return emit_c(parse_module(text))


# ---------------------------------------------------------------------------
# Loop nests
# ---------------------------------------------------------------------------

MATMUL = """
func.func @matmul(%A: memref<37x29xf32>, %B: memref<29x53xf32>, %C: memref<37x53xf32>)
    attributes {packdialect.outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c37 = arith.constant 37 : index
  %c29 = arith.constant 29 : index
  %c53 = arith.constant 53 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c37 step %c1 {
    scf.for %j = %c0 to %c53 step %c1 {
      %acc = scf.for %k = %c0 to %c29 step %c1 iter_args(%s = %zero) -> (f32) {
        %a = memref.load %A[%i, %k] : memref<37x29xf32>
        %b = memref.load %B[%k, %j] : memref<29x53xf32>
        %p = arith.mulf %a, %b : f32
        %n = arith.addf %s, %p : f32
        scf.yield %n : f32
      }
      memref.store %acc, %C[%i, %j] : memref<37x53xf32>
    }
  }
  func.return
}
"""


@needs_cc
def test_scalar_matmul_loop_nest():
    A = RNG.standard_normal((37, 29)).astype(np.float32)
    B = RNG.standard_normal((29, 53)).astype(np.float32)
    C = build(MATMUL).matmul(A, B)
    np.testing.assert_allclose(C, A.astype(np.float64) @ B, rtol=1e-4, atol=1e-4)


def test_scalar_matmul_c_shape():
    text = c_of(MATMUL)
    assert (
        "void pd_matmul(float *restrict arg0, float *restrict arg1, float *restrict arg2)"
        in text
    )
    assert "arg0[i1 * 29 + i4]" in text
    assert re.search(r"float v\d+ = 0\.0f;", text)


VECTOR_ACC = """
func.func @weighted_rows(%a: memref<64x32xf32>, %w: memref<64xf32>, %out: memref<32xf32>)
    attributes {packdialect.outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %z = arith.constant dense<0.0> : vector<16xf32>
  %r:2 = scf.for %k = %c0 to %c64 step %c1 iter_args(%x = %z, %y = %z) -> (vector<16xf32>, vector<16xf32>) {
    %s = memref.load %w[%k] : memref<64xf32>
    %sb = vector.broadcast %s : f32 to vector<16xf32>
    %lo = vector.load %a[%k, %c0] : memref<64x32xf32>, vector<16xf32>
    %hi = vector.load %a[%k, %c16] : memref<64x32xf32>, vector<16xf32>
    %nx = vector.fma %sb, %lo, %x : vector<16xf32>
    %ny = vector.fma %sb, %hi, %y : vector<16xf32>
    scf.yield %nx, %ny : vector<16xf32>, vector<16xf32>
  }
  vector.store %r#0, %out[%c0] : memref<32xf32>, vector<16xf32>
  vector.store %r#1, %out[%c16] : memref<32xf32>, vector<16xf32>
  func.return
}
"""


@needs_cc
def test_vector_loop_carried_accumulators():
    a = RNG.standard_normal((64, 32)).astype(np.float32)
    w = RNG.standard_normal(64).astype(np.float32)
    out = build(VECTOR_ACC).weighted_rows(a, w)
    np.testing.assert_allclose(out, w.astype(np.float64) @ a, rtol=1e-4, atol=1e-4)


def test_vector_loop_carried_c_shape():
    text = c_of(VECTOR_ACC)
    assert "typedef float vec16_f32 __attribute__((vector_size(64)));" in text
    assert "_mm512_fmadd_ps" in text
    # Two loop-carried vector locals, reassigned at the end of the body.
    carried = re.findall(r"vec16_f32 (v\d+) = v\d+;\n", text)
    assert len(carried) == 2
    for name in carried:
        assert re.search(rf"\n\s+{name} = v\d+;\n", text)


def mmt4d_kernel_ir(m0: int, n0: int) -> str:
    """A vector mmt4d: M0 x N0 f32 accumulators (vector<16xf32>) as iter_args."""
    nv = n0 // 16
    lhs_t, rhs_t = f"memref<?x?x{m0}x1xf32>", f"memref<?x?x{n0}x1xf32>"
    out_t = f"memref<?x?x{m0}x{n0}xf32>"
    consts = sorted({*range(max(m0, 2)), *(16 * v for v in range(nv))})
    lines = [f"func.func @mmt4d(%lhs: {lhs_t}, %rhs: {rhs_t}, %out: {out_t}) {{"]
    lines += [f"  %c{c} = arith.constant {c} : index" for c in consts]
    lines += [
        f"  %M1 = memref.dim %lhs, %c0 : {lhs_t}",
        f"  %K1 = memref.dim %lhs, %c1 : {lhs_t}",
        f"  %N1 = memref.dim %rhs, %c0 : {rhs_t}",
        "  scf.for %i = %c0 to %M1 step %c1 {",
        "    scf.for %j = %c0 to %N1 step %c1 {",
    ]
    accs = [(m, v) for m in range(m0) for v in range(nv)]
    for m, v in accs:
        lines.append(
            f"      %i_{m}_{v} = vector.load %out[%i, %j, %c{m}, %c{16 * v}] : {out_t}, vector<16xf32>"
        )
    iter_args = ", ".join(f"%a_{m}_{v} = %i_{m}_{v}" for m, v in accs)
    types = ", ".join(["vector<16xf32>"] * len(accs))
    lines.append(
        f"      %r:{len(accs)} = scf.for %k = %c0 to %K1 step %c1 iter_args({iter_args}) -> ({types}) {{"
    )
    for v in range(nv):
        lines.append(
            f"        %b{v} = vector.load %rhs[%j, %k, %c{16 * v}, %c0] : {rhs_t}, vector<16xf32>"
        )
    for m in range(m0):
        lines.append(f"        %x{m} = memref.load %lhs[%i, %k, %c{m}, %c0] : {lhs_t}")
        lines.append(f"        %xb{m} = vector.broadcast %x{m} : f32 to vector<16xf32>")
        for v in range(nv):
            lines.append(
                f"        %n_{m}_{v} = vector.fma %xb{m}, %b{v}, %a_{m}_{v} : vector<16xf32>"
            )
    lines.append(
        f"        scf.yield {', '.join(f'%n_{m}_{v}' for m, v in accs)} : {types}"
    )
    lines.append("      }")
    for index, (m, v) in enumerate(accs):
        lines.append(
            f"      vector.store %r#{index}, %out[%i, %j, %c{m}, %c{16 * v}] : {out_t}, vector<16xf32>"
        )
    lines += ["    }", "  }", "  func.return", "}"]
    return "\n".join(lines)


@needs_cc
@pytest.mark.parametrize("m0,n0", [(8, 32), (4, 16)])
def test_mmt4d_micro_kernel(m0, n0):
    M1, N1, K = 3, 2, 19
    A = RNG.standard_normal((M1 * m0, K)).astype(np.float32)
    B = RNG.standard_normal((K, N1 * n0)).astype(np.float32)
    lhs = np.ascontiguousarray(A.reshape(M1, m0, K, 1).transpose(0, 2, 1, 3))
    rhs = np.ascontiguousarray(B.reshape(K, N1, n0, 1).transpose(1, 0, 2, 3))
    out = np.zeros((M1, N1, m0, n0), np.float32)
    build(mmt4d_kernel_ir(m0, n0)).mmt4d(lhs, rhs, out)
    C = out.transpose(0, 2, 1, 3).reshape(M1 * m0, N1 * n0)
    np.testing.assert_allclose(C, A.astype(np.float64) @ B, rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------------------
# Element types
# ---------------------------------------------------------------------------

ELEMENT_TYPES = {
    "f32": np.float32,
    "f64": np.float64,
    "f16": np.float16,
    "bf16": np.uint16,
    "i1": np.bool_,
    "i8": np.int8,
    "i16": np.int16,
    "i32": np.int32,
    "i64": np.int64,
    "index": np.int64,
}


def random_of(dtype, shape) -> np.ndarray:
    if dtype == np.bool_:
        return RNG.integers(0, 2, shape).astype(np.bool_)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return RNG.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)
    return RNG.standard_normal(shape).astype(dtype)


def round_trip_ir(ty: str) -> str:
    """Scalar copy a->b, a 7-lane (padded) vector copy a->c, and b[0] = constant."""
    return f"""
func.func @copy(%a: memref<7x{ty}>, %b: memref<7x{ty}>, %c: memref<7x{ty}>)
    attributes {{packdialect.outputs = 2 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  scf.for %i = %c0 to %c7 step %c1 {{
    %x = memref.load %a[%i] : memref<7x{ty}>
    memref.store %x, %b[%i] : memref<7x{ty}>
  }}
  %v = vector.load %a[%c0] : memref<7x{ty}>, vector<7x{ty}>
  vector.store %v, %c[%c0] : memref<7x{ty}>, vector<7x{ty}>
  func.return
}}
"""


@needs_cc
@pytest.mark.parametrize("ty", list(ELEMENT_TYPES))
def test_element_type_round_trip(ty):
    dtype = ELEMENT_TYPES[ty]
    a = random_of(dtype, 7)
    b, c = build(round_trip_ir(ty)).copy(a)
    assert b.dtype == dtype and c.dtype == dtype
    assert b.tobytes() == a.tobytes()
    assert c.tobytes() == a.tobytes()


def test_c_types_of_elements():
    text = c_of(round_trip_ir("bf16") + round_trip_ir("f16").replace("@copy", "@copy2"))
    assert "uint16_t *restrict arg0" in text
    assert "_Float16 *restrict arg0" in text
    text = c_of(round_trip_ir("i1"))
    assert "bool *restrict arg0" in text
    assert "typedef uint8_t vec7_i1 __attribute__((vector_size(8)));" in text


# ---------------------------------------------------------------------------
# Integer semantics (scalar and lane-wise), against Python integers
# ---------------------------------------------------------------------------


CMPI = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]
CMPF = [
    "false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord",
    "ueq", "ugt", "uge", "ult", "ule", "une", "uno", "true",
]  # fmt: skip


def wrap(values, dtype) -> np.ndarray:
    bits = np.dtype(dtype).itemsize * 8
    out = []
    for v in values:
        v &= (1 << bits) - 1
        out.append(v - (1 << bits) if v >= 1 << (bits - 1) else v)
    return np.array(out, dtype=dtype)


def unsigned(x: int, dtype) -> int:
    return int(x) & ((1 << (np.dtype(dtype).itemsize * 8)) - 1)


def trunc_div(x: int, y: int) -> int:
    q = abs(x) // abs(y)
    return q if (x < 0) == (y < 0) else -q


INT_REFERENCES = {
    "addi": lambda x, y, t: x + y,
    "subi": lambda x, y, t: x - y,
    "muli": lambda x, y, t: x * y,
    "andi": lambda x, y, t: x & y,
    "ori": lambda x, y, t: x | y,
    "xori": lambda x, y, t: x ^ y,
    "divsi": lambda x, y, t: trunc_div(x, y),
    "remsi": lambda x, y, t: x - y * trunc_div(x, y),
    "divui": lambda x, y, t: unsigned(x, t) // unsigned(y, t),
    "remui": lambda x, y, t: unsigned(x, t) % unsigned(y, t),
    "floordivsi": lambda x, y, t: x // y,
    "ceildivsi": lambda x, y, t: -((-x) // y),
    "ceildivui": lambda x, y, t: -(-unsigned(x, t) // unsigned(y, t)),
    "maxsi": lambda x, y, t: max(x, y),
    "minsi": lambda x, y, t: min(x, y),
    "maxui": lambda x, y, t: x if unsigned(x, t) >= unsigned(y, t) else y,
    "minui": lambda x, y, t: x if unsigned(x, t) <= unsigned(y, t) else y,
    "shli": lambda x, y, t: x << y,
    "shrsi": lambda x, y, t: x >> y,
    "shrui": lambda x, y, t: unsigned(x, t) >> y,
}


def generic(op: str, operands: list[str], types: list[str], result: str) -> str:
    """An op in generic syntax. xDSL 0.74 only verifies the scalar forms of
    arith casts and comparisons; the vector forms are valid MLIR and are
    parsed (not verified) this way."""
    name, _, predicate = op.partition(" ")
    predicates = CMPI if name == "arith.cmpi" else CMPF
    props = (
        f" <{{predicate = {predicates.index(predicate.rstrip(','))} : i64}}>"
        if predicate
        else ""
    )
    return f'"{name}"({", ".join(operands)}){props} : ({", ".join(types)}) -> {result}'


def binary_ir(op: str, ty: str, res: str, lanes: int, vector: bool) -> str:
    """out[i] = op(a[i], b[i]), as a scalar loop or one vector<lanes> op."""
    mem = f"memref<{lanes}x{ty}>"
    out = f"memref<{lanes}x{res}>"
    if vector:
        vt, vr = f"vector<{lanes}x{ty}>", f"vector<{lanes}x{res}>"
        body = f"""
  %x = vector.load %a[%c0] : {mem}, {vt}
  %y = vector.load %b[%c0] : {mem}, {vt}
  %r = {generic(op, ["%x", "%y"], [vt, vt], vr)}
  vector.store %r, %c[%c0] : {out}, {vr}"""
    else:
        body = f"""
  scf.for %i = %c0 to %cn step %c1 {{
    %x = memref.load %a[%i] : {mem}
    %y = memref.load %b[%i] : {mem}
    %r = {op} %x, %y : {ty}
    memref.store %r, %c[%i] : {out}
  }}"""
    return f"""
func.func @f(%a: {mem}, %b: {mem}, %c: {out}) attributes {{packdialect.outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant {lanes} : index{body}
  func.return
}}
"""


def int_operands(op: str, dtype, n: int) -> tuple[np.ndarray, np.ndarray]:
    a = random_of(dtype, n)
    b = random_of(dtype, n)
    bits = np.dtype(dtype).itemsize * 8
    if op.startswith("sh"):
        b = RNG.integers(0, bits, n).astype(dtype)
    if "div" in op or "rem" in op:
        b[b == 0] = 3
        info = np.iinfo(dtype)
        b[(a == info.min) & (b == -1)] = 5
        a[:3] = [7, -7, 0]
        b[:3] = [-2, 2, -3]
    return a, b


@needs_cc
@pytest.mark.parametrize("ty", ["i8", "i16", "i32", "i64"])
def test_integer_binary_ops(ty):
    """Every op, as a scalar loop and on a (padded) vector<12x...>."""
    dtype = ELEMENT_TYPES[ty]
    text = ""
    for op in INT_REFERENCES:
        text += binary_ir(f"arith.{op}", ty, ty, 12, vector=False).replace(
            "@f", f"@{op}_s"
        )
        text += binary_ir(f"arith.{op}", ty, ty, 12, vector=True).replace(
            "@f", f"@{op}_v"
        )
    module = build(text)
    for op, reference in INT_REFERENCES.items():
        a, b = int_operands(op, dtype, 12)
        expected = wrap(
            [reference(int(x), int(y), dtype) for x, y in zip(a, b, strict=True)], dtype
        )
        np.testing.assert_array_equal(module[f"{op}_s"](a, b), expected, err_msg=op)
        np.testing.assert_array_equal(module[f"{op}_v"](a, b), expected, err_msg=op)


def cmpi_reference(predicate: str, x: int, y: int, dtype) -> bool:
    if predicate[0] == "u":
        x, y = unsigned(x, dtype), unsigned(y, dtype)
    relation = predicate.lstrip("su")
    return {
        "eq": x == y, "ne": x != y, "lt": x < y, "le": x <= y, "gt": x > y, "ge": x >= y,
    }[relation]  # fmt: skip


@needs_cc
@pytest.mark.parametrize("ty", ["i8", "i32", "i1"])
def test_cmpi_all_predicates(ty):
    dtype = ELEMENT_TYPES[ty]
    a, b = random_of(dtype, 16), random_of(dtype, 16)
    a[:4], b[:4] = a[4:8], a[4:8]
    text = ""
    for p in CMPI:
        for vector in (False, True):
            name = f"{p}_{'v' if vector else 's'}"
            text += binary_ir(f"arith.cmpi {p},", ty, "i1", 16, vector).replace(
                "@f", f"@{name}"
            )
    module = build(text)
    as_int = (lambda v: -int(v)) if ty == "i1" else int  # i1 true is -1 when signed
    for p in CMPI:
        expected = [
            cmpi_reference(p, as_int(x), as_int(y), dtype)
            for x, y in zip(a, b, strict=True)
        ]
        np.testing.assert_array_equal(module[f"{p}_s"](a, b), expected, err_msg=p)
        np.testing.assert_array_equal(module[f"{p}_v"](a, b), expected, err_msg=p)


@needs_cc
def test_i1_arithmetic_wraps():
    a = np.array([0, 0, 1, 1], np.bool_)
    b = np.array([0, 1, 0, 1], np.bool_)
    text = binary_ir("arith.addi", "i1", "i1", 4, False)
    text += binary_ir("arith.muli", "i1", "i1", 4, True).replace("@f", "@g")
    module = build(text)
    np.testing.assert_array_equal(module.f(a, b), a ^ b)
    np.testing.assert_array_equal(module.g(a, b), a & b)


# ---------------------------------------------------------------------------
# Float semantics
# ---------------------------------------------------------------------------


def cmpf_reference(predicate: str, x: float, y: float) -> bool:
    if predicate in ("false", "true"):
        return predicate == "true"
    unordered = math.isnan(x) or math.isnan(y)
    if predicate == "ord":
        return not unordered
    if predicate == "uno":
        return unordered
    relation = {
        "eq": x == y, "gt": x > y, "ge": x >= y, "lt": x < y, "le": x <= y, "ne": x != y,
    }[predicate[1:]]  # fmt: skip
    if predicate[0] == "o":
        return not unordered and relation
    return unordered or relation


SPECIAL_FLOATS = [np.nan, 1.0, -0.0, 0.0, np.inf, -np.inf, 2.5, np.nan]


@needs_cc
def test_cmpf_all_predicates_with_nan():
    a = np.array(
        SPECIAL_FLOATS + [1.0, 3.0, -2.0, np.nan, 0.0, 5.0, -1.0, 2.0], np.float32
    )
    b = np.array(
        [1.0, np.nan, 0.0, -0.0, np.inf, 1.0, 2.5, np.nan]
        + [1.0, 2.0, -2.0, 1.0, -0.0, 6.0, -3.0, 9.0],
        np.float32,
    )
    text = ""
    for p in CMPF:
        for vector in (False, True):
            name = f"{p}_{'v' if vector else 's'}"
            text += binary_ir(f"arith.cmpf {p},", "f32", "i1", 16, vector).replace(
                "@f", f"@{name}"
            )
    module = build(text)
    for p in CMPF:
        expected = [
            cmpf_reference(p, float(x), float(y)) for x, y in zip(a, b, strict=True)
        ]
        np.testing.assert_array_equal(module[f"{p}_s"](a, b), expected, err_msg=p)
        np.testing.assert_array_equal(module[f"{p}_v"](a, b), expected, err_msg=p)


def maximumf(x: float, y: float) -> float:
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == y:
        return x if not math.copysign(1, x) < 0 else y
    return max(x, y)


def minimumf(x: float, y: float) -> float:
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == y:
        return x if math.copysign(1, x) < 0 else y
    return min(x, y)


FLOAT_REFERENCES = {
    "addf": lambda x, y: x + y,
    "subf": lambda x, y: x - y,
    "mulf": lambda x, y: x * y,
    "divf": lambda x, y: x / y,
    "maximumf": np.vectorize(maximumf),
    "minimumf": np.vectorize(minimumf),
    "maxnumf": np.fmax,
    "minnumf": np.fmin,
}


@needs_cc
@pytest.mark.parametrize("ty", ["f32", "f64", "f16"])
def test_float_binary_ops(ty):
    dtype = ELEMENT_TYPES[ty]
    a = np.array(SPECIAL_FLOATS + [1.5, -2.0, 3.25, 0.5], dtype)
    b = np.array(
        [1.0, np.nan, 0.0, -0.0, 2.0, np.inf, -1.0, 4.0, 0.25, 3.0, -3.0, 0.5], dtype
    )
    text = ""
    for op in FLOAT_REFERENCES:
        text += binary_ir(f"arith.{op}", ty, ty, 12, False).replace("@f", f"@{op}_s")
        text += binary_ir(f"arith.{op}", ty, ty, 12, True).replace("@f", f"@{op}_v")
    module = build(text)
    for op, reference in FLOAT_REFERENCES.items():
        with np.errstate(all="ignore"):
            expected = reference(a.astype(np.float64), b.astype(np.float64)).astype(
                dtype
            )
        check_float_op(module, op, a, b, expected)


def check_float_op(module, op, a, b, expected):
    for name in (f"{op}_s", f"{op}_v"):
        result = module[name](a, b)
        np.testing.assert_array_equal(result, expected, err_msg=f"{op} {name}")
        if op in ("maxnumf", "minnumf"):
            continue  # the sign of max/minnum(+0, -0) is unspecified
        signs = np.signbit(result[~np.isnan(result)]) == np.signbit(
            expected[~np.isnan(expected)]
        )
        assert signs.all(), f"sign of zero differs for {op} ({name})"


def to_bf16_bits(values: np.ndarray) -> np.ndarray:
    """Round-to-nearest-even f32 -> bf16 bits, written independently in numpy."""
    bits = values.astype(np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def from_bf16_bits(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << 16).view(np.float32)


@needs_cc
@pytest.mark.parametrize("op", ["addf", "mulf", "divf", "maximumf"])
def test_bf16_arithmetic_rounds_to_nearest_even(op):
    a = to_bf16_bits(RNG.standard_normal(12).astype(np.float32))
    b = to_bf16_bits(RNG.standard_normal(12).astype(np.float32))
    exact = FLOAT_REFERENCES[op](
        from_bf16_bits(a).astype(np.float64), from_bf16_bits(b)
    )
    expected = to_bf16_bits(np.asarray(exact, np.float64).astype(np.float32))
    text = binary_ir(f"arith.{op}", "bf16", "bf16", 12, False)
    text += binary_ir(f"arith.{op}", "bf16", "bf16", 12, True).replace("@f", "@g")
    module = build(text)
    np.testing.assert_array_equal(module.f(a, b), expected)
    np.testing.assert_array_equal(module.g(a, b), expected)


def unary_ir(
    op: str, ty: str, res: str, lanes: int, vector: bool, suffix: str = ""
) -> str:
    mem, out = f"memref<{lanes}x{ty}>", f"memref<{lanes}x{res}>"
    if vector:
        vt, vr = f"vector<{lanes}x{ty}>", f"vector<{lanes}x{res}>"
        body = f"""
  %x = vector.load %a[%c0] : {mem}, {vt}
  %r = {generic(op, ["%x"], [vt], vr)}
  vector.store %r, %c[%c0] : {out}, {vr}"""
    else:
        body = f"""
  scf.for %i = %c0 to %cn step %c1 {{
    %x = memref.load %a[%i] : {mem}
    %r = {op} %x {suffix or f": {ty}"}
    memref.store %r, %c[%i] : {out}
  }}"""
        body = body.replace("TYPES", f"{ty} to {res}")
    return f"""
func.func @f(%a: {mem}, %c: {out}) attributes {{packdialect.outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant {lanes} : index{body}
  func.return
}}
"""


MATH_REFERENCES = {
    "math.exp": np.exp, "math.log": np.log, "math.tanh": np.tanh, "math.sqrt": np.sqrt,
    "math.rsqrt": lambda x: 1 / np.sqrt(x), "math.absf": np.abs,
    "math.erf": np.vectorize(math.erf), "math.exp2": np.exp2, "math.log2": np.log2,
    "math.sin": np.sin, "math.floor": np.floor, "math.ceil": np.ceil,
    "math.roundeven": np.round, "arith.negf": np.negative,
}  # fmt: skip


@needs_cc
@pytest.mark.parametrize("op", list(MATH_REFERENCES))
def test_math_unary_f32_and_f64(op):
    x = np.abs(RNG.standard_normal(10)) * 3 + 0.1
    x[:2] = [2.5, 3.5]
    text = ""
    for ty in ("f32", "f64"):
        for vector in (False, True):
            name = f"{ty}_{'v' if vector else 's'}"
            text += unary_ir(op, ty, ty, 10, vector).replace("@f", f"@{name}")
    module = build(text)
    for ty in ("f32", "f64"):
        dtype = ELEMENT_TYPES[ty]
        expected = MATH_REFERENCES[op](x.astype(dtype).astype(np.float64))
        rtol = 2e-6 if ty == "f32" else 1e-13
        for kind in ("s", "v"):
            result = module[f"{ty}_{kind}"](x.astype(dtype))
            np.testing.assert_allclose(
                result, expected, rtol=rtol, err_msg=f"{op} {ty} {kind}"
            )


@needs_cc
def test_math_fma_powf_and_f16_math():
    text = """
func.func @f(%a: memref<8xf32>, %b: memref<8xf32>, %o1: memref<8xf32>, %o2: memref<8xf32>)
    attributes {packdialect.outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %x = vector.load %a[%c0] : memref<8xf32>, vector<8xf32>
  %y = vector.load %b[%c0] : memref<8xf32>, vector<8xf32>
  %f = math.fma %x, %y, %x : vector<8xf32>
  %p = math.powf %x, %y : vector<8xf32>
  vector.store %f, %o1[%c0] : memref<8xf32>, vector<8xf32>
  vector.store %p, %o2[%c0] : memref<8xf32>, vector<8xf32>
  func.return
}
""" + unary_ir("math.exp", "f16", "f16", 8, True).replace("@f", "@h")
    module = build(text)
    a = np.abs(RNG.standard_normal(8)).astype(np.float32) + 0.5
    b = RNG.standard_normal(8).astype(np.float32)
    fused, power = module.f(a, b)
    np.testing.assert_allclose(fused, a.astype(np.float64) * b + a, rtol=1e-6)
    np.testing.assert_allclose(power, np.power(a.astype(np.float64), b), rtol=1e-5)
    h = (RNG.standard_normal(8) * 0.5).astype(np.float16)
    np.testing.assert_array_equal(
        module.h(h), np.exp(h.astype(np.float32)).astype(np.float16)
    )


CASTS = [
    # (op, source type, result type, reference on float64/int numpy arrays)
    ("arith.sitofp", "i32", "f32", lambda x: x.astype(np.float32)),
    ("arith.uitofp", "i8", "f32", lambda x: x.view(np.uint8).astype(np.float32)),
    ("arith.fptosi", "f32", "i32", lambda x: np.trunc(x).astype(np.int32)),
    (
        "arith.fptoui",
        "f32",
        "i16",
        lambda x: np.trunc(x).astype(np.uint16).view(np.int16),
    ),
    ("arith.extf", "f16", "f32", lambda x: x.astype(np.float32)),
    ("arith.extf", "bf16", "f32", from_bf16_bits),
    ("arith.truncf", "f32", "f16", lambda x: x.astype(np.float16)),
    ("arith.truncf", "f32", "bf16", to_bf16_bits),
    ("arith.truncf", "f64", "f32", lambda x: x.astype(np.float32)),
    ("arith.extsi", "i8", "i32", lambda x: x.astype(np.int32)),
    ("arith.extui", "i8", "i32", lambda x: x.view(np.uint8).astype(np.int32)),
    ("arith.extui", "i1", "i32", lambda x: x.astype(np.int32)),
    ("arith.extsi", "i1", "i16", lambda x: -x.astype(np.int16)),
    ("arith.trunci", "i32", "i8", lambda x: x.astype(np.int8)),
    ("arith.trunci", "i16", "i1", lambda x: (x & 1).astype(np.bool_)),
    ("arith.index_cast", "i32", "index", lambda x: x.astype(np.int64)),
    ("arith.index_cast", "index", "i16", lambda x: x.astype(np.int16)),
    ("arith.bitcast", "f32", "i32", lambda x: x.view(np.int32)),
    ("arith.bitcast", "i16", "f16", lambda x: x.view(np.float16)),
]


@needs_cc
@pytest.mark.parametrize(
    "op,src,dst,reference", CASTS, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASTS]
)
def test_casts(op, src, dst, reference):
    dtype = ELEMENT_TYPES[src]
    if src.startswith("f"):
        x = (RNG.standard_normal(12) * 50).astype(dtype)
        if op == "arith.fptoui":
            x = np.abs(x)  # negative values are poison
    elif src == "bf16":
        x = to_bf16_bits(RNG.standard_normal(12).astype(np.float32) * 50)
    else:
        x = random_of(dtype, 12)
    text = unary_ir(op, src, dst, 12, False, suffix=": TYPES")
    text += unary_ir(op, src, dst, 12, True, suffix=": TYPES").replace("@f", "@g")
    module = build(text)
    expected = reference(x)
    np.testing.assert_array_equal(module.f(x), expected)
    np.testing.assert_array_equal(module.g(x), expected)


@needs_cc
def test_constants_and_select():
    text = """
func.func @f(%a: memref<4xf32>, %o: memref<4xf32>, %p: memref<4xi64>) attributes {packdialect.outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %big = arith.constant 4000000000 : i64
  %min = arith.constant -9223372036854775808 : i64
  %inf = arith.constant 0x7F800000 : f32
  %neg = arith.constant -1.5 : f32
  %t = arith.constant true
  scf.for %i = %c0 to %c4 step %c1 {
    %x = memref.load %a[%i] : memref<4xf32>
    %gt = arith.cmpf ogt, %x, %neg : f32
    %s = arith.select %gt, %x, %inf : f32
    %both = arith.andi %gt, %t : i1
    %v = arith.select %both, %big, %min : i64
    memref.store %s, %o[%i] : memref<4xf32>
    memref.store %v, %p[%i] : memref<4xi64>
  }
  %vec = arith.constant dense<[1.0, -2.0, 3.0]> : vector<3xf32>
  %e = vector.extract %vec[1] : f32 from vector<3xf32>
  memref.store %e, %o[%c0] : memref<4xf32>
  func.return
}
"""
    a = np.array([0.0, -3.0, 2.0, -1.0], np.float32)
    o, p = build(text).f(a)
    np.testing.assert_array_equal(o, [-2.0, np.inf, 2.0, -1.0])
    np.testing.assert_array_equal(p, [4000000000, -(2**63), 4000000000, 4000000000])


# ---------------------------------------------------------------------------
# scf, calls, affine
# ---------------------------------------------------------------------------


@needs_cc
def test_scf_if_with_results_and_private_call():
    text = """
func.func private @clamp(%x: f32, %lo: f32) -> f32 {
  %lt = arith.cmpf olt, %x, %lo : f32
  %r = scf.if %lt -> (f32) {
    scf.yield %lo : f32
  } else {
    %d = arith.mulf %x, %x : f32
    scf.yield %d : f32
  }
  func.return %r : f32
}
func.func private @fill(%m: memref<5xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  scf.for %i = %c0 to %c5 step %c1 {
    memref.store %v, %m[%i] : memref<5xf32>
  }
  func.return
}
func.func @f(%a: memref<5xf32>, %o: memref<5xf32>, %q: memref<5xf32>) attributes {packdialect.outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %lo = arith.constant 0.5 : f32
  scf.for %i = %c0 to %c5 step %c1 {
    %x = memref.load %a[%i] : memref<5xf32>
    %y = func.call @clamp(%x, %lo) : (f32, f32) -> f32
    %odd = arith.remui %i, %c1 : index
    %z = arith.cmpi eq, %odd, %c0 : index
    scf.if %z {
      memref.store %y, %o[%i] : memref<5xf32>
    }
  }
  func.call @fill(%q, %lo) : (memref<5xf32>, f32) -> ()
  func.return
}
"""
    a = np.array([0.1, 2.0, -3.0, 0.7, 1.5], np.float32)
    o, q = build(text).f(a)
    np.testing.assert_allclose(o, np.where(a < 0.5, 0.5, a * a))
    np.testing.assert_array_equal(q, np.full(5, 0.5, np.float32))
    assert "static float pd_clamp(float arg0, float arg1)" in c_of(text)


@needs_cc
def test_loop_carried_swap_uses_temporaries():
    text = """
func.func @fib(%n: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a0 = arith.constant 0 : i64
  %b0 = arith.constant 1 : i64
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%a = %a0, %b = %b0) -> (i64, i64) {
    %s = arith.addi %a, %b : i64
    scf.yield %b, %s : i64, i64
  }
  func.return %r#0 : i64
}
func.func @swap(%n: index) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %x0 = arith.constant 3 : i32
  %y0 = arith.constant 10 : i32
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%x = %x0, %y = %y0) -> (i32, i32) {
    scf.yield %y, %x : i32, i32
  }
  %d = arith.subi %r#0, %r#1 : i32
  func.return %d : i32
}
"""
    module = build(text)
    assert module.fib(10) == 55
    assert module.swap(3) == 7
    assert module.swap(4) == -7


@needs_cc
def test_scf_parallel_openmp():
    text = """
func.func @scale(%a: memref<64x48xf32>, %o: memref<64x48xf32>) attributes {packdialect.outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %c48 = arith.constant 48 : index
  %two = arith.constant 2.0 : f32
  "scf.parallel"(%c0, %c0, %c64, %c48, %c1, %c2) <{operandSegmentSizes = array<i32: 2, 2, 2, 0>}> ({
  ^bb0(%i: index, %j: index):
    %x = memref.load %a[%i, %j] : memref<64x48xf32>
    %y = arith.mulf %x, %two : f32
    memref.store %y, %o[%i, %j] : memref<64x48xf32>
    %j1 = arith.addi %j, %c1 : index
    %x1 = memref.load %a[%i, %j1] : memref<64x48xf32>
    %y1 = arith.mulf %x1, %two : f32
    memref.store %y1, %o[%i, %j1] : memref<64x48xf32>
    scf.reduce
  }) : (index, index, index, index, index, index) -> ()
  func.return
}
"""
    source = c_of(text)
    assert "#pragma omp parallel for collapse(2) schedule(static)" in source
    assert "void packdialect_set_num_threads(int n)" in source
    a = RNG.standard_normal((64, 48)).astype(np.float32)
    for threads in (1, 2):
        np.testing.assert_array_equal(build(text, threads=threads).scale(a), a * 2)


def test_scf_parallel_num_threads_attribute():
    text = """
func.func @f(%o: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  "scf.parallel"(%c0, %c8, %c1) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> ({
  ^bb0(%i: index):
    "scf.parallel"(%c0, %c1, %c1) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> ({
    ^bb1(%j: index):
      memref.store %z, %o[%i] : memref<8xf32>
      scf.reduce
    }) : (index, index, index) -> ()
    scf.reduce
  }) {packdialect.num_threads = 2 : i64} : (index, index, index) -> ()
  func.return
}
"""
    source = c_of(text)
    assert source.count("#pragma omp") == 1
    assert "#pragma omp parallel for num_threads(2) schedule(static)" in source


@needs_cc
def test_affine_apply_min():
    text = """
func.func @f(%n: index) -> index {
  %c3 = arith.constant 3 : index
  %a = affine.apply affine_map<(d0)[s0] -> (d0 floordiv 4 + (d0 mod 5) * 3 - d0 ceildiv 3 + s0)>(%n)[%c3]
  %m = affine.min affine_map<(d0) -> (d0, 16, d0 * 2 + 5)>(%a)
  func.return %m : index
}
"""
    module = build(text)
    for n in (-13, -1, 0, 7, 100):
        a = n // 4 + (n % 5) * 3 - (-((-n) // 3)) + 3
        assert module.f(n) == min(a, 16, 2 * a + 5), n


# ---------------------------------------------------------------------------
# memref views, allocation, globals
# ---------------------------------------------------------------------------


@needs_cc
def test_subview_collapse_expand_copy():
    text = """
func.func @f(%a: memref<6x8xf32>, %i: index, %o1: memref<2x3xf32>, %o2: memref<8xf32>, %o3: memref<6x8xf32>)
    attributes {packdialect.outputs = 3 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // rows i, i+2 ; columns 1, 3, 5 (strided, dynamic offset)
  %s = memref.subview %a[%i, 1] [2, 3] [2, 2] : memref<6x8xf32> to memref<2x3xf32, strided<[16, 2], offset: ?>>
  "memref.copy"(%s, %o1) : (memref<2x3xf32, strided<[16, 2], offset: ?>>, memref<2x3xf32>) -> ()
  // rank-reducing: row 5 as a 1-D memref, then through collapse/expand
  %r = memref.subview %a[5, 0] [1, 8] [1, 1] : memref<6x8xf32> to memref<8xf32, strided<[1], offset: 40>>
  %e = memref.expand_shape %o2 [[0, 1]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
  %flat = memref.collapse_shape %a [[0, 1]] : memref<6x8xf32> into memref<48xf32>
  %x = memref.load %r[%c1] : memref<8xf32, strided<[1], offset: 40>>
  %y = memref.load %flat[%c1] : memref<48xf32>
  %z = arith.addf %x, %y : f32
  memref.store %z, %e[%c1, %c1] : memref<2x4xf32>
  memref.store %x, %e[%c0, %c0] : memref<2x4xf32>
  "memref.copy"(%a, %o3) : (memref<6x8xf32>, memref<6x8xf32>) -> ()
  func.return
}
"""
    a = RNG.standard_normal((6, 8)).astype(np.float32)
    o2 = np.zeros(8, np.float32)
    o1, o2, o3 = build(text).f(
        a, 1, np.zeros((2, 3), np.float32), o2, np.zeros((6, 8), np.float32)
    )
    np.testing.assert_array_equal(o1, a[1:4:2, 1:7:2])
    assert o2[5] == a[5, 1] + a[0, 1] and o2[0] == a[5, 1]
    np.testing.assert_array_equal(o3, a)
    assert "memcpy(arg4, arg0, 192);" in c_of(text)


@needs_cc
def test_alloc_alloca_global_dynamic_dims():
    text = """
"memref.global"() <{sym_name = "w", sym_visibility = "private", type = memref<2x3xf32>, initial_value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>, constant}> : () -> ()
"memref.global"() <{sym_name = "ones", sym_visibility = "private", type = memref<3xi32>, initial_value = dense<7> : tensor<3xi32>, constant}> : () -> ()
func.func @f(%a: memref<?x3xf32>, %o: memref<?x3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %n = memref.dim %a, %c0 : memref<?x3xf32>
  %w = memref.get_global @w : memref<2x3xf32>
  %k = memref.get_global @ones : memref<3xi32>
  %tmp = memref.alloc(%n) : memref<?x3xf32>
  %acc = memref.alloca() : memref<3xf32>
  scf.for %i = %c0 to %n step %c1 {
    scf.for %j = %c0 to %c3 step %c1 {
      %x = memref.load %a[%i, %j] : memref<?x3xf32>
      %r = arith.remui %i, %c2 : index
      %y = memref.load %w[%r, %j] : memref<2x3xf32>
      %kk = memref.load %k[%j] : memref<3xi32>
      %kf = arith.sitofp %kk : i32 to f32
      %p = arith.mulf %x, %y : f32
      %q = arith.addf %p, %kf : f32
      memref.store %q, %tmp[%i, %j] : memref<?x3xf32>
      memref.store %q, %acc[%j] : memref<3xf32>
    }
  }
  "memref.copy"(%tmp, %o) : (memref<?x3xf32>, memref<?x3xf32>) -> ()
  %last = memref.load %acc[%c2] : memref<3xf32>
  memref.store %last, %o[%c0, %c0] : memref<?x3xf32>
  memref.dealloc %tmp : memref<?x3xf32>
  func.return
}
"""
    source = c_of(text)
    assert (
        "static const float pdg_w[6] __attribute__((aligned(64), unused)) = {1.0f, 2.0f"
        in source
    )
    assert (
        "pdg_ones[3] __attribute__((aligned(64), unused)) = {[0 ... 2] = 7};" in source
    )
    assert (
        "void pd_f(float *restrict arg0, int64_t arg0_d0, float *restrict arg1, int64_t arg1_d0)"
        in source
    )
    module = build(text)
    for n in (5, 1):
        a = RNG.standard_normal((n, 3)).astype(np.float32)
        o = np.zeros((n, 3), np.float32)
        module.f(a, o)
        w = np.array([[1, 2, 3], [4, 5, 6]], np.float32)
        expected = a * w[np.arange(n) % 2] + 7
        expected[0, 0] = expected[-1, 2]
        np.testing.assert_allclose(o, expected, rtol=1e-6)


# ---------------------------------------------------------------------------
# vector ops
# ---------------------------------------------------------------------------


@needs_cc
def test_vector_extract_insert_reduction_broadcast():
    text = """
func.func @f(%a: memref<8xf32>, %i: index, %o: memref<8xf32>, %s: memref<6xf32>) attributes {packdialect.outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %v = vector.load %a[%c0] : memref<8xf32>, vector<8xf32>
  %x = vector.extract %v[%i] : f32 from vector<8xf32>
  %y = vector.extract %v[7] : f32 from vector<8xf32>
  %w = vector.insert %x, %v[0] : f32 into vector<8xf32>
  %w2 = vector.insert %y, %w[%c1] : f32 into vector<8xf32>
  vector.store %w2, %o[%c0] : memref<8xf32>, vector<8xf32>
  %add = vector.reduction <add>, %v : vector<8xf32> into f32
  %mul = vector.reduction <mul>, %v : vector<8xf32> into f32
  %max = vector.reduction <maximumf>, %v : vector<8xf32> into f32
  %min = vector.reduction <minnumf>, %v : vector<8xf32> into f32
  %one = vector.broadcast %y : f32 to vector<1xf32>
  %wide = vector.broadcast %one : vector<1xf32> to vector<8xf32>
  %sum = vector.reduction <add>, %wide : vector<8xf32> into f32
  memref.store %add, %s[%c0] : memref<6xf32>
  memref.store %mul, %s[%c1] : memref<6xf32>
  memref.store %max, %s[%c2] : memref<6xf32>
  memref.store %min, %s[%c3] : memref<6xf32>
  memref.store %sum, %s[%c4] : memref<6xf32>
  memref.store %x, %s[%c5] : memref<6xf32>
  func.return
}
"""
    a = RNG.standard_normal(8).astype(np.float32)
    o, s = build(text).f(a, 3)
    expected = a.copy()
    expected[0], expected[1] = a[3], a[7]
    np.testing.assert_array_equal(o, expected)
    np.testing.assert_allclose(
        s, [a.sum(), a.prod(), a.max(), a.min(), 8 * a[7], a[3]], rtol=1e-5
    )


@needs_cc
def test_vector_integer_reductions_and_masks():
    text = """
func.func @f(%a: memref<10xi32>, %n: index, %o: memref<5xi32>, %m: memref<10xi32>) attributes {packdialect.outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %v = vector.load %a[%c0] : memref<10xi32>, vector<10xi32>
  %r0 = vector.reduction <add>, %v : vector<10xi32> into i32
  %r1 = vector.reduction <maxsi>, %v : vector<10xi32> into i32
  %r2 = vector.reduction <minui>, %v : vector<10xi32> into i32
  %r3 = vector.reduction <xor>, %v : vector<10xi32> into i32
  %mask = vector.create_mask %n : vector<10xi1>
  %all = vector.reduction <and>, %mask : vector<10xi1> into i1
  %r4 = arith.extui %all : i1 to i32
  memref.store %r0, %o[%c0] : memref<5xi32>
  memref.store %r1, %o[%c1] : memref<5xi32>
  memref.store %r2, %o[%c2] : memref<5xi32>
  memref.store %r3, %o[%c3] : memref<5xi32>
  memref.store %r4, %o[%c4] : memref<5xi32>
  %fill = arith.constant dense<-1> : vector<10xi32>
  %l = vector.maskedload %a[%c0], %mask, %fill : memref<10xi32>, vector<10xi1>, vector<10xi32> into vector<10xi32>
  vector.store %fill, %m[%c0] : memref<10xi32>, vector<10xi32>
  vector.maskedstore %m[%c0], %mask, %l : memref<10xi32>, vector<10xi1>, vector<10xi32>
  func.return
}
"""
    a = RNG.integers(-1000, 1000, 10).astype(np.int32)
    o, m = build(text).f(a, 4)
    xor = 0
    for value in a:
        xor ^= int(value)
    np.testing.assert_array_equal(
        o, [a.sum(), a.max(), a[np.argmin(a.view(np.uint32))], xor, 0]
    )
    o, m = build(text).f(a, 10)
    assert o[4] == 1
    np.testing.assert_array_equal(m, a)
    o, m = build(text).f(a, 4)
    np.testing.assert_array_equal(m, np.where(np.arange(10) < 4, a, -1))


@needs_cc
def test_transfer_read_write_with_padding():
    text = """
func.func @f(%a: memref<5x6xf32>, %i: index, %j: index, %o: memref<4x8xf32>, %t: memref<6x5xf32>) attributes {packdialect.outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %pad = arith.constant -1.0 : f32
  %v = vector.transfer_read %a[%i, %j], %pad : memref<5x6xf32>, vector<8xf32>
  vector.transfer_write %v, %o[%c0, %c0] {in_bounds = [true]} : vector<8xf32>, memref<4x8xf32>
  %col = vector.transfer_read %a[%c0, %c1], %pad {permutation_map = affine_map<(d0, d1) -> (d0)>} : memref<5x6xf32>, vector<8xf32>
  vector.transfer_write %col, %o[%c1, %c0] : vector<8xf32>, memref<4x8xf32>
  %b = vector.transfer_read %a[%c2, %c0], %pad {permutation_map = affine_map<(d0, d1) -> (0)>, in_bounds = [true]} : memref<5x6xf32>, vector<8xf32>
  vector.transfer_write %b, %o[%c2, %c0] : vector<8xf32>, memref<4x8xf32>
  %row = vector.transfer_read %a[%c3, %c0], %pad {in_bounds = [true]} : memref<5x6xf32>, vector<6xf32>
  vector.transfer_write %row, %t[%c0, %c3] {permutation_map = affine_map<(d0, d1) -> (d0)>} : vector<6xf32>, memref<6x5xf32>
  vector.transfer_write %row, %o[%c3, %c3] : vector<6xf32>, memref<4x8xf32>
  func.return
}
"""
    a = RNG.standard_normal((5, 6)).astype(np.float32)
    o = np.zeros((4, 8), np.float32)
    t = np.zeros((6, 5), np.float32)
    build(text).f(a, 1, 2, o, t)
    expected = np.zeros((4, 8), np.float32)
    expected[0] = np.concatenate([a[1, 2:], np.full(4, -1.0)])
    expected[1] = np.concatenate([a[:, 1], np.full(3, -1.0)])
    expected[2] = a[2, 0]
    expected[3, 3:] = a[3, :5]
    np.testing.assert_array_equal(o, expected)
    np.testing.assert_array_equal(t[:, 3], a[3])


@needs_cc
def test_nd_vectors():
    text = """
func.func @f(%a: memref<4x16xf32>, %b: memref<16xf32>, %o: memref<4x16xf32>, %p: memref<2x32xf32>) attributes {packdialect.outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %x = vector.load %a[%c0, %c0] : memref<4x16xf32>, vector<4x16xf32>
  %row = vector.load %b[%c0] : memref<16xf32>, vector<16xf32>
  %y = vector.broadcast %row : vector<16xf32> to vector<4x16xf32>
  %two = arith.constant dense<2.0> : vector<4x16xf32>
  %z = vector.fma %x, %two, %y : vector<4x16xf32>
  %e = math.exp %z : vector<4x16xf32>
  %m = arith.maximumf %z, %e : vector<4x16xf32>
  %r1 = vector.extract %m[1] : vector<16xf32> from vector<4x16xf32>
  %s = arith.addf %r1, %row : vector<16xf32>
  %m2 = vector.insert %s, %m[3] : vector<16xf32> into vector<4x16xf32>
  %q = vector.extract %m2[2, 5] : f32 from vector<4x16xf32>
  %m3 = vector.insert %q, %m2[0, 0] : f32 into vector<4x16xf32>
  vector.store %m3, %o[%c0, %c0] : memref<4x16xf32>, vector<4x16xf32>
  %flat = "vector.shape_cast"(%m3) : (vector<4x16xf32>) -> vector<2x32xf32>
  vector.store %flat, %p[%c0, %c0] : memref<2x32xf32>, vector<2x32xf32>
  func.return
}
"""
    a = (RNG.standard_normal((4, 16)) * 0.5).astype(np.float32)
    b = (RNG.standard_normal(16) * 0.5).astype(np.float32)
    # vector.shape_cast is not an xDSL 0.74 op: parse it as an unregistered op.
    module = parse_module(text, make_context(allow_unregistered=True))
    o, p = compile(module, cflags=STRICT).f(a, b)
    z = a.astype(np.float64) * 2 + b
    m = np.maximum(z, np.exp(z))
    m[3] = m[1] + b
    m[0, 0] = m[2, 5]
    np.testing.assert_allclose(o, m, rtol=1e-5)
    np.testing.assert_allclose(p, m.reshape(2, 32), rtol=1e-5)
    assert "typedef struct { vec16_f32 row[4]; } vec4x16_f32;" in emit_c(module)


@needs_cc
def test_vector_shuffle_bitcast_and_padded_lanes():
    text = """
func.func @f(%a: memref<6xi32>, %o: memref<6xi32>, %u: memref<6xf32>, %d: memref<6xi32>) attributes {packdialect.outputs = 3 : i64} {
  %c0 = arith.constant 0 : index
  %v = vector.load %a[%c0] : memref<6xi32>, vector<6xi32>
  %s = vector.shuffle %v, %v [5, 4, 3, 8, 1, 0] : vector<6xi32>, vector<6xi32>
  vector.store %s, %o[%c0] : memref<6xi32>, vector<6xi32>
  %f = vector.bitcast %v : vector<6xi32> to vector<6xf32>
  vector.store %f, %u[%c0] : memref<6xf32>, vector<6xf32>
  %three = arith.constant dense<3> : vector<6xi32>
  %q = arith.divsi %v, %three : vector<6xi32>
  vector.store %q, %d[%c0] : memref<6xi32>, vector<6xi32>
  func.return
}
"""
    a = RNG.integers(-100, 100, 6).astype(np.int32)
    o, u, d = build(text).f(a)
    np.testing.assert_array_equal(o, a[[5, 4, 3, 2, 1, 0]])
    assert u.tobytes() == a.tobytes()
    np.testing.assert_array_equal(d, [trunc_div(int(x), 3) for x in a])


# ---------------------------------------------------------------------------
# Errors and names
# ---------------------------------------------------------------------------


def test_unsupported_op_is_an_error_naming_it():
    text = """
func.func @f(%a: memref<4xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%a : memref<4xf32>)
  func.return
}
"""
    with pytest.raises(
        EmitError, match="unsupported operation 'linalg.fill' in the C emitter"
    ):
        c_of(text)
    tensors = """
func.func @g(%a: tensor<4xf32>) -> tensor<4xf32> {
  func.return %a : tensor<4xf32>
}
"""
    with pytest.raises(EmitError, match="unsupported type 'tensor<4xf32>'.*bufferize"):
        c_of(tensors)


def test_unsupported_top_level_op_and_memref_result():
    with pytest.raises(EmitError, match="unsupported operation 'test.op'"):
        c_of('"test.op"() : () -> ()')
    text = """
func.func @f(%a: memref<4xf32>) -> memref<4xf32> {
  func.return %a : memref<4xf32>
}
"""
    with pytest.raises(EmitError, match="returns a memref"):
        c_of(text)


def test_parallel_with_reductions_is_refused():
    text = """
func.func @f(%n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %r = "scf.parallel"(%c0, %n, %c1, %z) <{operandSegmentSizes = array<i32: 1, 1, 1, 1>}> ({
  ^bb0(%i: index):
    scf.reduce(%z : f32) {
    ^bb1(%x: f32, %y: f32):
      %s = arith.addf %x, %y : f32
      scf.reduce.return %s : f32
    }
  }) : (index, index, index, f32) -> f32
  func.return %r : f32
}
"""
    with pytest.raises(EmitError, match="scf.parallel with reductions"):
        c_of(text)


@needs_cc
def test_odd_function_names_get_safe_identifiers():
    text = """
func.func @"my-func.v2"(%a: memref<2xf32>, %o: memref<2xf32>) attributes {packdialect.outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<2xf32>
  memref.store %x, %o[%c0] : memref<2xf32>
  func.return
}
func.func @"my_func_v2"(%a: memref<2xf32>, %o: memref<2xf32>) attributes {packdialect.outputs = 1 : i64} {
  func.return
}
func.func @"int"() {
  func.return
}
"""
    module = parse_module(text)
    symbols = function_symbols(module)
    assert symbols == {
        "my-func.v2": "pd_my_func_v2",
        "my_func_v2": "pd_my_func_v2_1",
        "int": "pd_int",
    }
    for symbol in symbols.values():
        assert re.fullmatch(r"pd_[A-Za-z0-9_]+", symbol)
    compiled = build(text)
    out = compiled["my-func.v2"](np.array([3.0, 4.0], np.float32))
    assert out[0] == 3.0


@needs_cc
def test_compiler_errors_show_file_and_message():
    with pytest.raises(CompileError) as info:
        compile_c("int broken( {\n")
    message = str(info.value)
    assert re.search(r"pd_[0-9a-f]+\.c", message)
    assert "error" in message


def test_target_registration():
    from packdialect.emit import TARGETS

    assert TARGETS["c"]() is CTarget
    assert CTarget.name == "c"


def test_emitter_does_not_mutate_ir():
    module = parse_module(VECTOR_ACC)
    before = str(module)
    emit_c(module)
    assert str(module) == before


def test_dead_pure_ops_are_not_emitted():
    text = """
func.func @f(%a: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<4xf32>
  %y = arith.addf %x, %x : f32
  func.return
}
"""
    source = c_of(text)
    assert "arg0[" not in source


@needs_cc
def test_memref_iter_args_reinterpret_cast_and_dynamic_calls():
    text = """
func.func private @scale(%m: memref<?xf32>, %s: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %m, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %m[%i] : memref<?xf32>
    %y = arith.mulf %x, %s : f32
    memref.store %y, %m[%i] : memref<?xf32>
  }
  func.return
}
func.func @f(%a: memref<4xf32>, %b: memref<4xf32>, %steps: index, %o: memref<2x2xf32>) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %half = arith.constant 0.5 : f32
  // Ping-pong: each step copies src*2 into dst and swaps the two buffers.
  %r:2 = scf.for %i = %c0 to %steps step %c1 iter_args(%src = %a, %dst = %b) -> (memref<4xf32>, memref<4xf32>) {
    "memref.copy"(%src, %dst) : (memref<4xf32>, memref<4xf32>) -> ()
    %d = "memref.cast"(%dst) : (memref<4xf32>) -> memref<?xf32>
    %two = arith.constant 2.0 : f32
    func.call @scale(%d, %two) : (memref<?xf32>, f32) -> ()
    scf.yield %dst, %src : memref<4xf32>, memref<4xf32>
  }
  %view = memref.reinterpret_cast %r#0 to offset: [0], sizes: [2, 2], strides: [2, 1] : memref<4xf32> to memref<2x2xf32>
  "memref.copy"(%view, %o) : (memref<2x2xf32>, memref<2x2xf32>) -> ()
  %s = "vector.splat"(%half) : (f32) -> vector<4xf32>
  %x = vector.load %r#1[%c0] : memref<4xf32>, vector<4xf32>
  %y = arith.mulf %x, %s : vector<4xf32>
  vector.store %y, %r#1[%c0] : memref<4xf32>, vector<4xf32>
  %rank = "memref.rank"(%o) : (memref<2x2xf32>) -> index
  %dim = memref.dim %o, %rank : memref<2x2xf32>
  func.return %rank : index
}
"""
    module = compile(
        parse_module(text, make_context(allow_unregistered=True)), cflags=STRICT
    )
    a0 = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    for steps in (1, 2, 3):
        a, b = a0.copy(), np.zeros(4, np.float32)
        o = np.zeros((2, 2), np.float32)
        assert module.f(a, b, steps, o) == 2
        buffers = [a, b]
        # after `steps` swaps the latest result is in buffers[steps % 2]
        latest, other = buffers[steps % 2], buffers[(steps + 1) % 2]
        np.testing.assert_array_equal(o, (a0 * 2**steps).reshape(2, 2))
        np.testing.assert_array_equal(latest, a0 * 2**steps)
        np.testing.assert_array_equal(other, a0 * 2 ** (steps - 1) * 0.5)


@needs_cc
def test_external_declarations_keep_their_c_names():
    text = """
func.func private @cbrtf(f32) -> f32
func.func @f(%a: memref<2xf32>, %o: memref<2xf32>) attributes {packdialect.outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<2xf32>
  %y = func.call @cbrtf(%x) : (f32) -> f32
  memref.store %y, %o[%c0] : memref<2xf32>
  func.return
}
"""
    assert "float cbrtf(float arg0);" in c_of(text)
    out = build(text).f(np.array([27.0, 0.0], np.float32))
    assert out[0] == pytest.approx(3.0)
    with pytest.raises(
        EmitError, match="external function 'my.fn' is not a C identifier"
    ):
        c_of('func.func private @"my.fn"(f32) -> f32')


@needs_cc
def test_nd_vector_broadcast_blocks_and_transfers():
    text = """
func.func @f(%a: memref<4xf32>, %b: memref<16xf32>, %m: memref<3x5xf32>, %o: memref<2x4x16xf32>, %t: memref<4x8xf32>)
    attributes {packdialect.outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %pad = arith.constant 9.0 : f32
  %col = vector.transfer_read %a[%c0], %pad {permutation_map = affine_map<(d0) -> (d0)>, in_bounds = [true]} : memref<4xf32>, vector<4xf32>
  %col2 = "vector.shape_cast"(%col) : (vector<4xf32>) -> vector<4x1xf32>
  %stretch = vector.broadcast %col2 : vector<4x1xf32> to vector<4x16xf32>
  %row = vector.load %b[%c0] : memref<16xf32>, vector<16xf32>
  %cube = vector.broadcast %row : vector<16xf32> to vector<2x4x16xf32>
  %block = vector.extract %cube[1] : vector<4x16xf32> from vector<2x4x16xf32>
  %sum = arith.addf %block, %stretch : vector<4x16xf32>
  %cube2 = vector.insert %sum, %cube[0] : vector<4x16xf32> into vector<2x4x16xf32>
  vector.store %cube2, %o[%c0, %c0, %c0] : memref<2x4x16xf32>, vector<2x4x16xf32>
  %win = vector.transfer_read %m[%c1, %c1], %pad : memref<3x5xf32>, vector<4x8xf32>
  vector.transfer_write %win, %t[%c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, memref<4x8xf32>
  func.return
}
"""
    module = compile(
        parse_module(text, make_context(allow_unregistered=True)), cflags=STRICT
    )
    a = RNG.standard_normal(4).astype(np.float32)
    b = RNG.standard_normal(16).astype(np.float32)
    m = RNG.standard_normal((3, 5)).astype(np.float32)
    o, t = module.f(a, b, m)
    expected = np.broadcast_to(b, (2, 4, 16)).copy()
    expected[0] = b[None, :] + a[:, None]
    np.testing.assert_allclose(o, expected, rtol=1e-6)
    window = np.full((4, 8), 9.0, np.float32)
    window[:2, :4] = m[1:, 1:]
    np.testing.assert_array_equal(t, window)
