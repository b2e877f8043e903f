"""The numpy interpreter: func, arith, math, scf, types, errors, random inputs.

Every expected value is computed here with plain numpy / Python, independently
of the interpreter.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    TensorType,
)
from xdsl.dialects.func import FuncOp
from xdsl.utils.exceptions import DiagnosticException

from packdialect.interp import (
    InterpreterError,
    element_dtype,
    random_inputs,
    round_to_bf16,
    run_function,
)
from packdialect.ir.context import parse_module


def run(text: str, name: str, *args):
    return run_function(parse_module(text), name, list(args))


def binary(op: str, ty: str, a, b):
    """Run `%r = op %a, %b : ty` on tensors a and b."""
    text = f"""
    func.func @f(%a: {ty}, %b: {ty}) -> {ty} {{
      %r = {op} %a, %b : {ty}
      func.return %r : {ty}
    }}"""
    return run(text, "f", a, b)[0]


def map_elements(body: str, in_elems: list[str], out_elem: str, *arrays):
    """Run the scalar `body` (reads %x0, %x1, ..., defines %v) on each element.

    The body runs inside a 1-d `linalg.generic` (xDSL's arith casts and
    compares take scalars only).
    """
    n = len(arrays[0])
    in_types = [f"tensor<{n}x{e}>" for e in in_elems]
    out_type = f"tensor<{n}x{out_elem}>"
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(in_types))
    names = ", ".join(f"%a{i}" for i in range(len(arrays)))
    block_args = ", ".join(f"%x{i}: {e}" for i, e in enumerate(in_elems))
    maps = ", ".join(["#id"] * (len(arrays) + 1))
    text = f"""
    #id = affine_map<(d0) -> (d0)>
    func.func @f({params}) -> {out_type} {{
      %e = tensor.empty() : {out_type}
      %r = linalg.generic {{indexing_maps = [{maps}], iterator_types = ["parallel"]}}
          ins({names} : {", ".join(in_types)}) outs(%e : {out_type}) {{
      ^bb0({block_args}, %out: {out_elem}):
        {body}
        linalg.yield %v : {out_elem}
      }} -> {out_type}
      func.return %r : {out_type}
    }}"""
    return run(text, "f", *arrays)[0]


def run_compare(op: str, pred: str, elem: str, a, b):
    """`op pred, a, b` elementwise."""
    return map_elements(
        f"%v = {op} {pred}, %x0, %x1 : {elem}", [elem, elem], "i1", a, b
    )


def cast(op: str, src: str, dst: str, a):
    """`op a : src to dst` elementwise (src, dst: element types)."""
    return map_elements(f"%v = {op} %x0 : {src} to {dst}", [src], dst, a)


def unary(op: str, ty: str, a):
    text = f"""
    func.func @f(%a: {ty}) -> {ty} {{
      %r = {op} %a : {ty}
      func.return %r : {ty}
    }}"""
    return run(text, "f", a)[0]


I8 = np.array([100, -128, 127, -1, 7, -7, 0, 64], dtype=np.int8)
J8 = np.array([100, -1, 1, -1, 2, 2, 3, -3], dtype=np.int8)
T8 = "tensor<8xi8>"


def wrap8(values) -> np.ndarray:
    return ((np.asarray(values, dtype=np.int64) + 128) % 256 - 128).astype(np.int8)


# ----------------------------------------------------------------------------
# arith on integers: two's complement at the bit width
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("arith.addi", lambda a, b: wrap8(a + b)),
        ("arith.subi", lambda a, b: wrap8(a - b)),
        ("arith.muli", lambda a, b: wrap8(a * b)),
        ("arith.andi", lambda a, b: wrap8(a & b)),
        ("arith.ori", lambda a, b: wrap8(a | b)),
        ("arith.xori", lambda a, b: wrap8(a ^ b)),
        ("arith.maxsi", lambda a, b: wrap8(np.maximum(a, b))),
        ("arith.minsi", lambda a, b: wrap8(np.minimum(a, b))),
        ("arith.maxui", lambda a, b: wrap8(np.maximum(a % 256, b % 256))),
        ("arith.minui", lambda a, b: wrap8(np.minimum(a % 256, b % 256))),
    ],
)
def test_i8_binary_wraps(op, expected):
    a, b = I8.astype(np.int64), J8.astype(np.int64)
    result = binary(op, T8, I8, J8)
    assert result.dtype == np.int8
    np.testing.assert_array_equal(result, expected(a, b))


def test_absi_keeps_int_min():
    a = np.array([-5, 5, -128, 0], dtype=np.int8)
    np.testing.assert_array_equal(
        unary("math.absi", "tensor<4xi8>", a), [5, 5, -128, 0]
    )


def test_i8_addi_overflow_examples():
    result = binary("arith.addi", "tensor<2xi8>", [100, 127], [100, 1])
    np.testing.assert_array_equal(result, [-56, -128])


def c_div(a: int, b: int) -> int:
    """C division: truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("arith.divsi", lambda a, b: c_div(a, b)),
        ("arith.remsi", lambda a, b: a - b * c_div(a, b)),
        ("arith.floordivsi", lambda a, b: a // b),
        ("arith.ceildivsi", lambda a, b: -((-a) // b)),
        ("arith.divui", lambda a, b: (a % 256) // (b % 256)),
        ("arith.remui", lambda a, b: (a % 256) % (b % 256)),
    ],
)
def test_i8_division(op, expected):
    a = np.array([7, -7, 7, -7, -128, 100, 5, -1], dtype=np.int8)
    b = np.array([2, 2, -2, -2, 3, -3, 7, 3], dtype=np.int8)
    want = wrap8([expected(int(x), int(y)) for x, y in zip(a, b, strict=True)])
    np.testing.assert_array_equal(binary(op, T8, a, b), want)


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("arith.shli", lambda a, s: wrap8(a << s)),
        ("arith.shrsi", lambda a, s: wrap8(a >> s)),
        ("arith.shrui", lambda a, s: wrap8((a % 256) >> s)),
    ],
)
def test_i8_shifts(op, expected):
    a = np.array([-128, -1, 3, 64, -5, 1, 127, -2], dtype=np.int8)
    s = np.array([1, 7, 2, 1, 3, 0, 4, 1], dtype=np.int8)
    want = expected(a.astype(np.int64), s.astype(np.int64))
    np.testing.assert_array_equal(binary(op, T8, a, s), want)


@pytest.mark.parametrize(
    ("pred", "compare"),
    [
        ("eq", lambda a, b: a == b),
        ("ne", lambda a, b: a != b),
        ("slt", lambda a, b: a < b),
        ("sle", lambda a, b: a <= b),
        ("sgt", lambda a, b: a > b),
        ("sge", lambda a, b: a >= b),
        ("ult", lambda a, b: a % 256 < b % 256),
        ("ule", lambda a, b: a % 256 <= b % 256),
        ("ugt", lambda a, b: a % 256 > b % 256),
        ("uge", lambda a, b: a % 256 >= b % 256),
    ],
)
def test_cmpi(pred, compare):
    result = run_compare("arith.cmpi", pred, "i8", I8, J8)
    assert result.dtype == np.bool_
    want = compare(I8.astype(np.int64), J8.astype(np.int64))
    np.testing.assert_array_equal(result, want)


def test_i1_arith_is_modulo_two():
    a = np.array([True, True, False, False])
    b = np.array([True, False, True, False])
    np.testing.assert_array_equal(binary("arith.addi", "tensor<4xi1>", a, b), a ^ b)
    np.testing.assert_array_equal(binary("arith.muli", "tensor<4xi1>", a, b), a & b)


def test_odd_width_wraps():
    body = """
        %t = arith.trunci %x0 : i8 to i4
        %c = arith.constant 7 : i4
        %s = arith.addi %t, %c : i4
        %v = arith.extsi %s : i4 to i8"""
    a = np.array([1, -8, 5, 0], dtype=np.int8)
    want = [((int(x) + 7 + 8) % 16) - 8 for x in a]
    np.testing.assert_array_equal(map_elements(body, ["i8"], "i8", a), want)


def test_integer_casts():
    a = np.array([-1, -128, 127, 5], dtype=np.int8)
    np.testing.assert_array_equal(
        cast("arith.extsi", "i8", "i32", a), [-1, -128, 127, 5]
    )
    np.testing.assert_array_equal(
        cast("arith.extui", "i8", "i32", a), [255, 128, 127, 5]
    )
    big = np.array([300, -129, 65535, 7], dtype=np.int32)
    np.testing.assert_array_equal(cast("arith.trunci", "i32", "i8", big), wrap8(big))
    np.testing.assert_array_equal(
        cast("arith.index_cast", "i8", "index", a), [-1, -128, 127, 5]
    )
    np.testing.assert_array_equal(
        cast("arith.sitofp", "i8", "f32", a), [-1.0, -128.0, 127.0, 5.0]
    )
    np.testing.assert_array_equal(
        cast("arith.uitofp", "i8", "f32", a), [255.0, 128.0, 127.0, 5.0]
    )
    f = np.array([-2.7, 2.7, 127.9, -0.5], dtype=np.float32)
    np.testing.assert_array_equal(
        cast("arith.fptosi", "f32", "i32", f), [-2, 2, 127, 0]
    )


def test_i1_true_is_minus_one_when_signed():
    b = np.array([True, False])
    np.testing.assert_array_equal(cast("arith.extsi", "i1", "i32", b), [-1, 0])
    np.testing.assert_array_equal(cast("arith.extui", "i1", "i32", b), [1, 0])
    np.testing.assert_array_equal(cast("arith.sitofp", "i1", "f32", b), [-1.0, 0.0])
    np.testing.assert_array_equal(
        run_compare("arith.cmpi", "slt", "i1", b, ~b), [True, False]
    )


def test_bitcast_roundtrip():
    f = np.array([1.0, -2.5, 0.0, np.inf], dtype=np.float32)
    bits = cast("arith.bitcast", "f32", "i32", f)
    np.testing.assert_array_equal(bits, f.view(np.int32))
    back = cast("arith.bitcast", "i32", "f32", bits)
    np.testing.assert_array_equal(back, f)


# ----------------------------------------------------------------------------
# arith / math on floats
# ----------------------------------------------------------------------------


F = np.array([1.5, -2.0, 0.25, np.nan, 3.0, -0.0], dtype=np.float32)
G = np.array([0.5, -3.0, np.nan, 1.0, 3.0, 2.0], dtype=np.float32)
TF = "tensor<6xf32>"


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("arith.addf", lambda a, b: a + b),
        ("arith.subf", lambda a, b: a - b),
        ("arith.mulf", lambda a, b: a * b),
        ("arith.divf", lambda a, b: a / b),
        ("arith.maximumf", np.maximum),
        ("arith.minimumf", np.minimum),
        ("arith.maxnumf", np.fmax),
        ("arith.minnumf", np.fmin),
        ("math.powf", lambda a, b: np.abs(a) ** b),
    ],
)
def test_float_binary(op, expected):
    a = np.abs(F) if op == "math.powf" else F
    with np.errstate(all="ignore"):
        want = expected(F, G)
    np.testing.assert_array_equal(binary(op, TF, a, G), want)


def test_maxnumf_ignores_nan_but_maximumf_propagates():
    a = np.array([np.nan, 1.0], dtype=np.float32)
    b = np.array([2.0, np.nan], dtype=np.float32)
    np.testing.assert_array_equal(
        binary("arith.maxnumf", "tensor<2xf32>", a, b), [2.0, 1.0]
    )
    assert np.isnan(binary("arith.maximumf", "tensor<2xf32>", a, b)).all()


@pytest.mark.parametrize(
    ("pred", "expected"),
    [
        ("oeq", [False, False, False, False, True, False]),
        ("une", [True, True, True, True, False, True]),
        ("olt", [False, False, False, False, False, True]),
        ("ult", [False, False, True, True, False, True]),
        ("ord", [True, True, False, False, True, True]),
        ("uno", [False, False, True, True, False, False]),
        ("true", [True] * 6),
    ],
)
def test_cmpf_nan_semantics(pred, expected):
    result = run_compare("arith.cmpf", pred, "f32", F, G)
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize(
    ("op", "reference"),
    [
        ("math.exp", math.exp),
        ("math.log", math.log),
        ("math.tanh", math.tanh),
        ("math.sqrt", math.sqrt),
        ("math.rsqrt", lambda x: 1 / math.sqrt(x)),
        ("math.erf", math.erf),
        ("math.absf", abs),
        ("math.sin", math.sin),
        ("math.cos", math.cos),
        ("math.floor", math.floor),
        ("math.ceil", math.ceil),
        ("math.log1p", math.log1p),
        ("math.expm1", math.expm1),
        ("math.exp2", lambda x: 2.0**x),
        ("math.log2", math.log2),
        ("arith.negf", lambda x: -x),
    ],
)
def test_math_unary_f64(op, reference):
    x = np.array([0.1, 0.5, 1.0, 2.5, 3.75, 0.01])
    result = unary(op, "tensor<6xf64>", x)
    want = np.array([reference(v) for v in x])
    np.testing.assert_allclose(result, want, rtol=1e-12, atol=1e-15)


def test_math_f32_results_stay_f32():
    x = np.linspace(-3, 3, 7, dtype=np.float32)
    result = unary("math.erf", "tensor<7xf32>", x)
    assert result.dtype == np.float32
    want = np.array([math.erf(v) for v in x.astype(np.float64)])
    np.testing.assert_allclose(result, want, rtol=1e-6, atol=1e-7)


def test_fma_and_select():
    body = """
        %d = math.fma %x0, %x1, %x2 : f32
        %v = arith.select %x3, %d, %x2 : f32"""
    a, b, c = (np.array(v, dtype=np.float32) for v in ([1, 2, 3], [4, 5, 6], [7, 8, 9]))
    m = np.array([True, False, True])
    result = map_elements(body, ["f32", "f32", "f32", "i1"], "f32", a, b, c, m)
    np.testing.assert_array_equal(result, [11, 8, 27])


def test_f16_arithmetic_rounds_to_f16():
    a = np.array([1.0, 2048.0, 0.1], dtype=np.float16)
    b = np.array([2.0**-11, 1.0, 0.2], dtype=np.float16)
    result = binary("arith.addf", "tensor<3xf16>", a, b)
    assert result.dtype == np.float16
    np.testing.assert_array_equal(result, (a + b).astype(np.float16))
    assert result[0] == 1.0  # 1 + 2^-11 rounds back to 1 in f16


def test_bf16_values_are_rounded_after_every_op():
    a = np.array([1.0, 3.0, 100.0], dtype=np.float32)
    b = np.array([1.0 / 3.0, 1.0 / 7.0, 0.3], dtype=np.float32)
    result = binary("arith.divf", "tensor<3xbf16>", a, b)
    assert result.dtype == np.float32
    bits = result.view(np.uint32)
    assert not (bits & 0xFFFF).any(), "bf16 values have zero low mantissa bits"
    # Independent rounding: nearest of the two bf16 neighbours of the f32 value.
    exact = round_to_bf16(a) / round_to_bf16(b)
    lo = (exact.view(np.uint32) & 0xFFFF0000).view(np.float32)
    hi = ((exact.view(np.uint32) & 0xFFFF0000) + 0x10000).view(np.float32)
    nearest = np.where(np.abs(exact - lo) <= np.abs(hi - exact), lo, hi)
    np.testing.assert_array_equal(result, nearest)


def test_truncf_to_bf16_ties_to_even():
    # 1 + 2^-8 is exactly between 1 and 1 + 2^-7 in bf16: ties to even (1.0).
    # 1 + 3 * 2^-8 is between 1 + 2^-7 and 1 + 2^-6: ties to even (1 + 2^-6).
    x = np.array(
        [1 + 2.0**-8, 1 + 3 * 2.0**-8, 1 + 2.0**-8 + 2.0**-20], dtype=np.float32
    )
    body = """
        %t = arith.truncf %x0 : f32 to bf16
        %v = arith.extf %t : bf16 to f32"""
    result = map_elements(body, ["f32"], "f32", x)
    np.testing.assert_array_equal(result, [1.0, 1 + 2.0**-6, 1 + 2.0**-7])


# ----------------------------------------------------------------------------
# constants, scalars, func.call, scf
# ----------------------------------------------------------------------------


def test_constants():
    text = """
    func.func @f() -> (tensor<2x2xi32>, tensor<3xf32>, tensor<2xf32>, tensor<3xi1>,
                       i8, index, f32, tensor<2xbf16>) {
      %a = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
      %b = arith.constant dense<2.5> : tensor<3xf32>
      %c = arith.constant dense<"0x0000803F00000040"> : tensor<2xf32>
      %d = arith.constant dense<[true, false, true]> : tensor<3xi1>
      %e = arith.constant 255 : i8
      %f = arith.constant 42 : index
      %g = arith.constant 0xFF800000 : f32
      %h = arith.constant dense<[1.0, 3.140625]> : tensor<2xbf16>
      func.return %a, %b, %c, %d, %e, %f, %g, %h
        : tensor<2x2xi32>, tensor<3xf32>, tensor<2xf32>, tensor<3xi1>, i8, index, f32,
          tensor<2xbf16>
    }"""
    a, b, c, d, e, f, g, h = run(text, "f")
    np.testing.assert_array_equal(a, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(b, [2.5, 2.5, 2.5])
    np.testing.assert_array_equal(c, [1.0, 2.0])
    np.testing.assert_array_equal(d, [True, False, True])
    assert e.shape == () and e.dtype == np.int8 and e == -1
    assert f.dtype == np.int64 and f == 42
    assert g == -np.inf
    np.testing.assert_array_equal(h, [1.0, 3.140625])


def test_scalar_function_and_call():
    text = """
    func.func private @square(%x: i32) -> i32 {
      %r = arith.muli %x, %x : i32
      func.return %r : i32
    }
    func.func @main(%x: i32, %y: i32) -> i32 {
      %s = func.call @square(%x) : (i32) -> i32
      %r = arith.subi %s, %y : i32
      func.return %r : i32
    }"""
    (result,) = run(text, "main", 70000, 3)
    assert result.shape == ()
    assert result == np.int32(((70000 * 70000 - 3 + 2**31) % 2**32) - 2**31)


def test_scf_for_and_if():
    text = """
    func.func @f(%n: index, %init: tensor<4xf32>) -> tensor<4xf32> {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %two = arith.constant dense<2.0> : tensor<4xf32>
      %one = arith.constant dense<1.0> : tensor<4xf32>
      %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %init) -> (tensor<4xf32>) {
        %rem = arith.remui %i, %c2 : index
        %even = arith.cmpi eq, %rem, %c0 : index
        %next = scf.if %even -> (tensor<4xf32>) {
          %m = arith.mulf %acc, %two : tensor<4xf32>
          scf.yield %m : tensor<4xf32>
        } else {
          %a = arith.addf %acc, %one : tensor<4xf32>
          scf.yield %a : tensor<4xf32>
        }
        scf.yield %next : tensor<4xf32>
      }
      func.return %r : tensor<4xf32>
    }"""
    init = np.array([0.0, 1.0, -1.0, 0.5], dtype=np.float32)
    want = init.copy()
    for i in range(5):
        want = want * 2 if i % 2 == 0 else want + 1
    np.testing.assert_array_equal(run(text, "f", 5, init)[0], want)


def test_scf_while():
    # Collatz steps from n down to 1.
    text = """
    func.func @f(%n: i32) -> i32 {
      %c0 = arith.constant 0 : i32
      %c1 = arith.constant 1 : i32
      %c2 = arith.constant 2 : i32
      %c3 = arith.constant 3 : i32
      %r:2 = scf.while (%x = %n, %steps = %c0) : (i32, i32) -> (i32, i32) {
        %more = arith.cmpi sgt, %x, %c1 : i32
        scf.condition(%more) %x, %steps : i32, i32
      } do {
      ^bb0(%y: i32, %s: i32):
        %rem = arith.remsi %y, %c2 : i32
        %odd = arith.cmpi eq, %rem, %c1 : i32
        %half = arith.divsi %y, %c2 : i32
        %t = arith.muli %y, %c3 : i32
        %t1 = arith.addi %t, %c1 : i32
        %next = arith.select %odd, %t1, %half : i32
        %s1 = arith.addi %s, %c1 : i32
        scf.yield %next, %s1 : i32, i32
      }
      func.return %r#1 : i32
    }"""

    def collatz(n: int) -> int:
        steps = 0
        while n > 1:
            n = 3 * n + 1 if n % 2 else n // 2
            steps += 1
        return steps

    assert [int(run(text, "f", n)[0]) for n in (1, 6, 27)] == [
        collatz(n) for n in (1, 6, 27)
    ]


# ----------------------------------------------------------------------------
# errors, types, random inputs
# ----------------------------------------------------------------------------


def test_unsupported_op_is_named():
    text = """
    func.func @f(%a: f32) -> f32 {
      %r = "test.op"(%a) : (f32) -> f32
      func.return %r : f32
    }"""
    with pytest.raises(InterpreterError, match="unsupported operation 'test.op'"):
        run(text, "f", 1.0)
    assert issubclass(InterpreterError, DiagnosticException)


def test_bad_arguments_are_diagnosed():
    text = """
    func.func @f(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
      func.return %a : tensor<4x8xf32>
    }"""
    with pytest.raises(InterpreterError, match=r"argument #0: expected shape \[4, 8\]"):
        run(text, "f", np.zeros((4, 7)))
    with pytest.raises(InterpreterError, match="takes 1 arguments, got 2"):
        run(text, "f", np.zeros((4, 8)), 1)
    with pytest.raises(InterpreterError, match="no function named @g"):
        run(text, "g")


def test_results_do_not_alias_arguments():
    text = """
    func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
      func.return %a : tensor<4xf32>
    }"""
    a = np.ones(4, dtype=np.float32)
    (r,) = run(text, "f", a)
    r[0] = 5
    assert a[0] == 1


@pytest.mark.parametrize(
    ("type_attr", "dtype"),
    [
        (Float16Type(), np.float16),
        (BFloat16Type(), np.float32),
        (Float32Type(), np.float32),
        (Float64Type(), np.float64),
        (IntegerType(1), np.bool_),
        (IntegerType(4), np.int8),
        (IntegerType(8), np.int8),
        (IntegerType(16), np.int16),
        (IntegerType(32), np.int32),
        (IntegerType(64), np.int64),
        (IndexType(), np.int64),
        (TensorType(IntegerType(32), [2, 3]), np.int32),
    ],
)
def test_element_dtype(type_attr, dtype):
    assert element_dtype(type_attr) == np.dtype(dtype)


def test_element_dtype_rejects_unknown_types():
    with pytest.raises(InterpreterError, match="unsupported integer width 128"):
        element_dtype(IntegerType(128))


def test_random_inputs():
    text = """
    func.func @f(%a: tensor<64x?xf32>, %b: tensor<128xi8>, %c: tensor<16xi1>,
                 %d: bf16, %e: index) {
      func.return
    }"""
    func = next(op for op in parse_module(text).walk() if isinstance(op, FuncOp))
    a, b, c, d, e = random_inputs(func, seed=3, dynamic_size=5)
    assert a.shape == (64, 5) and a.dtype == np.float32
    assert a.min() >= -1 and a.max() <= 1 and a.std() > 0.3
    assert b.dtype == np.int8 and b.min() >= -8 and b.max() <= 8 and len(set(b)) > 8
    assert c.dtype == np.bool_ and c.any() and not c.all()
    assert d.shape == () and d == round_to_bf16(d)
    assert e.dtype == np.int64 and 0 <= e <= 8
    again = random_inputs(func, seed=3, dynamic_size=5)
    assert all(
        np.array_equal(x, y) for x, y in zip((a, b, c, d, e), again, strict=True)
    )
    other = random_inputs(func, seed=4, dynamic_size=5)
    assert not np.array_equal(a, other[0])
