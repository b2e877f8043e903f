"""linalg.elementwise (every kind) and linalg.map against numpy, through the
interpreter and compiled to C."""

from __future__ import annotations

import math

import numpy as np
import pytest
from support import needs_cc

import packdialect
from packdialect.interp import run_function
from packdialect.ir.context import parse_module

RNG = np.random.default_rng(7)
SHAPE = (3, 5)

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _round_half_away(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


FLOAT_UNARY = {
    "exp": (np.exp, (-2, 2)),
    "log": (np.log, (0.1, 4)),
    "abs": (np.abs, (-2, 2)),
    "ceil": (np.ceil, (-3, 3)),
    "floor": (np.floor, (-3, 3)),
    "negf": (np.negative, (-2, 2)),
    "reciprocal": (np.reciprocal, (0.5, 2)),
    "round": (_round_half_away, (-3, 3)),
    "sqrt": (np.sqrt, (0, 4)),
    "rsqrt": (lambda x: 1 / np.sqrt(x), (0.5, 4)),
    "square": (np.square, (-2, 2)),
    "tanh": (np.tanh, (-2, 2)),
    "erf": (_erf, (-2, 2)),
    "sin": (np.sin, (-2, 2)),
    "cos": (np.cos, (-2, 2)),
    "tan": (np.tan, (-1, 1)),
    "acos": (np.arccos, (-0.9, 0.9)),
    "acosh": (np.arccosh, (1.1, 3)),
    "asin": (np.arcsin, (-0.9, 0.9)),
    "asinh": (np.arcsinh, (-2, 2)),
    "atan": (np.arctan, (-2, 2)),
    "atanh": (np.arctanh, (-0.9, 0.9)),
    "log10": (np.log10, (0.1, 4)),
    "log1p": (np.log1p, (0, 4)),
    "log2": (np.log2, (0.1, 4)),
}
FLOAT_BINARY = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
    "max_signed": np.maximum,
    "min_signed": np.minimum,
    "powf": np.power,
}
INT_BINARY = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": lambda a, b: np.trunc(a / b).astype(np.int32),
    "div_unsigned": lambda a, b: (a.view(np.uint32) // b.view(np.uint32)).view(
        np.int32
    ),
    "max_signed": np.maximum,
    "min_signed": np.minimum,
    "max_unsigned": lambda a, b: np.maximum(a.view(np.uint32), b.view(np.uint32)).view(
        np.int32
    ),
    "min_unsigned": lambda a, b: np.minimum(a.view(np.uint32), b.view(np.uint32)).view(
        np.int32
    ),
}


def _program(kind: str, element: str, arity: int) -> str:
    t = f"tensor<{SHAPE[0]}x{SHAPE[1]}x{element}>"
    args = ", ".join(f"%a{i}: {t}" for i in range(arity))
    ins = ", ".join(f"%a{i}" for i in range(arity))
    return f"""
func.func @f({args}, %o: {t}) -> {t} {{
  %r = linalg.elementwise <{kind}> ins({ins} : {", ".join([t] * arity)}) outs(%o : {t}) -> {t}
  return %r : {t}
}}"""


def _check(kind: str, element: str, inputs: list[np.ndarray], want: np.ndarray, rtol):
    text = _program(kind, element, len(inputs))
    out = np.zeros(SHAPE, inputs[0].dtype)
    (got,) = run_function(parse_module(text), "f", [*inputs, out])
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-6)
    return text, out


@pytest.mark.parametrize("kind", sorted(FLOAT_UNARY))
def test_float_unary_kinds_match_numpy(kind):
    fn, (low, high) = FLOAT_UNARY[kind]
    a = RNG.uniform(low, high, SHAPE).astype(np.float32)
    _check(kind, "f32", [a], fn(a.astype(np.float64)), 1e-5)


@pytest.mark.parametrize("kind", sorted(FLOAT_BINARY))
def test_float_binary_kinds_match_numpy(kind):
    a = RNG.uniform(0.5, 2, SHAPE).astype(np.float32)
    b = RNG.uniform(-2, 2, SHAPE).astype(np.float32)
    want = FLOAT_BINARY[kind](a.astype(np.float64), b.astype(np.float64))
    _check(kind, "f32", [a, b], want, 1e-5)


@pytest.mark.parametrize("kind", sorted(INT_BINARY))
def test_int_binary_kinds_match_numpy(kind):
    a = RNG.integers(-50, 50, SHAPE, dtype=np.int32)
    b = RNG.integers(1, 9, SHAPE, dtype=np.int32) * RNG.choice([-1, 1], SHAPE).astype(
        np.int32
    )
    _check(kind, "i32", [a, b], INT_BINARY[kind](a, b), 0)


def test_select_picks_by_the_condition():
    c = RNG.random(SHAPE) > 0.5
    a, b = (RNG.standard_normal(SHAPE).astype(np.float32) for _ in range(2))
    t = f"tensor<{SHAPE[0]}x{SHAPE[1]}x"
    text = f"""
func.func @f(%c: {t}i1>, %a: {t}f32>, %b: {t}f32>, %o: {t}f32>) -> {t}f32> {{
  %r = linalg.elementwise <select> ins(%c, %a, %b : {t}i1>, {t}f32>, {t}f32>) outs(%o : {t}f32>) -> {t}f32>
  return %r : {t}f32>
}}"""
    (got,) = run_function(
        parse_module(text), "f", [c, a, b, np.zeros(SHAPE, np.float32)]
    )
    np.testing.assert_array_equal(got, np.where(c, a, b))


MAP = """
func.func @m(%a: tensor<3x5xf32>, %b: tensor<3x5xf32>, %o: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %s = linalg.map { arith.addf } ins(%a, %b : tensor<3x5xf32>, tensor<3x5xf32>) outs(%o : tensor<3x5xf32>)
  %r = linalg.map ins(%s, %a : tensor<3x5xf32>, tensor<3x5xf32>) outs(%o : tensor<3x5xf32>)
    (%x: f32, %y: f32, %z: f32) {
      %e = math.exp %x : f32
      %p = arith.mulf %e, %y : f32
      linalg.yield %p : f32
    }
  return %r : tensor<3x5xf32>
}
"""


def test_map_short_and_long_forms_match_numpy():
    a, b = (RNG.standard_normal(SHAPE).astype(np.float32) for _ in range(2))
    (got,) = run_function(parse_module(MAP), "m", [a, b, np.zeros(SHAPE, np.float32)])
    np.testing.assert_allclose(got, np.exp(a + b) * a, rtol=1e-5)


@needs_cc
def test_compiled_map_and_elementwise_match_the_interpreter():
    a, b = (RNG.uniform(0.5, 2, SHAPE).astype(np.float32) for _ in range(2))
    out = np.zeros(SHAPE, np.float32)
    fn = packdialect.compile(MAP).m
    np.testing.assert_allclose(fn(a, b, out), np.exp(a + b) * a, rtol=1e-5)
    for kind in ("exp", "tanh", "erf", "round", "reciprocal"):
        fn = packdialect.compile(_program(kind, "f32", 1)).f
        want = FLOAT_UNARY[kind][0](a.astype(np.float64))
        np.testing.assert_allclose(fn(a, np.zeros(SHAPE, np.float32)), want, rtol=1e-5)
    fn = packdialect.compile(_program("div", "i32", 2)).f
    x = RNG.integers(-50, 50, SHAPE, dtype=np.int32)
    y = RNG.integers(1, 9, SHAPE, dtype=np.int32) * -1
    np.testing.assert_array_equal(
        fn(x, y, np.zeros(SHAPE, np.int32)), INT_BINARY["div"](x, y)
    )
