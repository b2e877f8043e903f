"""Floating-point element-wise ops (`arith.addf`, `arith.negf`, ...) and `math`.

Values are computed in numpy and converted back to the result type (bf16
rounded); `math.absi` and `math.fpowi` read their integer operands as signed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from xdsl.ir import Operation

from packdialect.interp.core import (
    _HANDLERS,
    Array,
    _handles,
    _int_width,
    _Scope,
    _signed,
    coerce,
)

_FLOAT_BINARY: dict[str, Callable[[Array, Array], Array]] = {
    "arith.addf": np.add,
    "arith.subf": np.subtract,
    "arith.mulf": np.multiply,
    "arith.divf": np.divide,
    "arith.remf": np.fmod,
    "arith.maximumf": np.maximum,
    "arith.minimumf": np.minimum,
    "arith.maxnumf": np.fmax,
    "arith.minnumf": np.fmin,
    "math.powf": np.power,
    "math.atan2": np.arctan2,
    "math.copysign": np.copysign,
}


def _erf(x: Array) -> Array:
    return np.asarray(np.frompyfunc(math.erf, 1, 1)(x.astype(np.float64)), np.float64)


def _round_half_away(x: Array) -> Array:
    return np.copysign(np.floor(np.abs(x) + 0.5), x)


_FLOAT_UNARY: dict[str, Callable[[Array], Array]] = {
    "arith.negf": np.negative,
    "math.absf": np.abs,
    "math.exp": np.exp,
    "math.exp2": np.exp2,
    "math.expm1": np.expm1,
    "math.log": np.log,
    "math.log2": np.log2,
    "math.log10": np.log10,
    "math.log1p": np.log1p,
    "math.sqrt": np.sqrt,
    "math.rsqrt": lambda x: 1 / np.sqrt(x),
    "math.cbrt": np.cbrt,
    "math.tanh": np.tanh,
    "math.sinh": np.sinh,
    "math.cosh": np.cosh,
    "math.sin": np.sin,
    "math.cos": np.cos,
    "math.tan": np.tan,
    "math.asin": np.arcsin,
    "math.acos": np.arccos,
    "math.atan": np.arctan,
    "math.asinh": np.arcsinh,
    "math.acosh": np.arccosh,
    "math.atanh": np.arctanh,
    "math.erf": _erf,
    "math.floor": np.floor,
    "math.ceil": np.ceil,
    "math.trunc": np.trunc,
    "math.round": _round_half_away,
    "math.roundeven": np.rint,
}


def _float_binary(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [coerce(_FLOAT_BINARY[op.name](args[0], args[1]), op.results[0].type)]


def _float_unary(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [coerce(_FLOAT_UNARY[op.name](args[0]), op.results[0].type)]


for _name in _FLOAT_BINARY:
    _HANDLERS[_name] = _float_binary


for _name in _FLOAT_UNARY:
    _HANDLERS[_name] = _float_unary


@_handles("math.fma")
def _fma(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    a, b, c = (np.asarray(x).astype(np.float64) for x in args)
    return [coerce(a * b + c, op.results[0].type)]


@_handles("math.fpowi")
def _fpowi(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    width = _int_width(op.operands[1].type) or 64
    exponent = _signed(args[1], width).astype(np.float64)
    return [coerce(np.power(args[0].astype(np.float64), exponent), op.results[0].type)]


@_handles("math.absi")
def _absi(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    width = _int_width(op.operands[0].type) or 64
    return [coerce(np.abs(_signed(args[0], width)), op.results[0].type)]
