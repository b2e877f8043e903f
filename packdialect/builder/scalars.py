"""Scalar arithmetic: the `arith` / `math` op each element-wise kind builds.

These build one scalar op in the current scope: inside a `pd.generic` (or
element-wise) body on its block arguments, or at function level on scalar
values. Python numbers become `arith.constant`s of the other operand's
element type. Tensor ops (elementwise.py) call these to build their bodies.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects import math as mathd
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, IntegerType
from xdsl.ir import Operation, SSAValue

from packdialect.builder.errors import build_error
from packdialect.builder.scope import emit
from packdialect.builder.types import DType, f32, i1, type_str
from packdialect.builder.values import Scalar, Value, check_visible, wrap
from packdialect.ir.arith_ops import ExtSIOp, ExtUIOp, TruncIOp


def is_number(value: Any) -> bool:
    """Whether `value` is a Python or numpy scalar number."""
    return isinstance(value, int | float | np.number) and not isinstance(value, Value)


def constant_attr(value: Any, dtype: DType, what: str) -> FloatAttr | IntegerAttr:
    """The attribute of a scalar constant `value` of `dtype` (range-checked)."""
    if dtype.is_float:
        return FloatAttr(float(value), dtype.mlir)  # type: ignore[arg-type]
    if isinstance(value, float | np.floating) and not float(value).is_integer():
        raise build_error(f"{what}: cannot use {value!r} with {dtype.name} values")
    number = int(value)
    width = dtype.bitwidth
    if dtype == i1:
        number = 1 if number else 0
    elif not -(1 << (width - 1)) <= number < (1 << width):
        raise build_error(f"{what}: {number} does not fit in {dtype.name}")
    elif number >= 1 << (width - 1):
        number -= 1 << width
    return IntegerAttr(number, dtype.mlir)  # type: ignore[arg-type]


def constant(value: Any, dtype: DType, what: str = "constant") -> Scalar:
    """An `arith.constant` of a scalar, in the current scope."""
    op = emit(arith.ConstantOp(constant_attr(value, dtype, what)), what)
    result = wrap(op.results[0])
    assert isinstance(result, Scalar)
    return result


def scalar_operands(values: tuple[Any, ...], what: str) -> tuple[DType, list[SSAValue]]:
    """The common element type of scalar operands and their SSA values."""
    typed = [v for v in values if isinstance(v, Value)]
    if not typed:
        raise build_error(f"{what} needs at least one builder value")
    dtypes = {v.dtype for v in typed}
    if len(dtypes) > 1:
        names = " and ".join(str(v.type) for v in typed)
        raise build_error(
            f"{what}: element types differ: {names}; convert with .astype"
        )
    dtype = typed[0].dtype
    ssa: list[SSAValue] = []
    for v in values:
        if isinstance(v, Value):
            ssa.append(check_visible(v, what))
        elif is_number(v):
            ssa.append(constant(v, dtype, what).ssa)
        else:
            hint = (
                "; wrap it with pd.constant(...)" if isinstance(v, np.ndarray) else ""
            )
            raise build_error(
                f"{what}: cannot use a {type(v).__name__} as an operand{hint}"
            )
    return dtype, ssa


_BINARY: dict[
    str, tuple[Callable[..., Operation] | None, Callable[..., Operation] | None]
] = {
    "add": (arith.AddfOp, arith.AddiOp),
    "sub": (arith.SubfOp, arith.SubiOp),
    "mul": (arith.MulfOp, arith.MuliOp),
    "div": (arith.DivfOp, None),
    "floordiv": (None, arith.FloorDivSIOp),
    "maximum": (arith.MaximumfOp, arith.MaxSIOp),
    "minimum": (arith.MinimumfOp, arith.MinSIOp),
}

_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "floordiv": "//"}


def describe(kind: str) -> str:
    """How a kind is written by the user (`+`, `pd.maximum`)."""
    return f"'{_SYMBOLS[kind]}'" if kind in _SYMBOLS else f"pd.{kind}"


def binary(kind: str, a: Any, b: Any) -> Scalar:
    """`a <kind> b` on scalars (numbers take the other operand's type)."""
    what = describe(kind)
    dtype, (x, y) = scalar_operands((a, b), what)
    float_op, int_op = _BINARY[kind]
    if kind == "floordiv" and dtype.is_float:
        quotient = emit(arith.DivfOp(x, y), what).results[0]
        return _unary_math(mathd.FloorOp, quotient, what)
    builder = float_op if dtype.is_float else int_op
    if builder is None:
        raise build_error(
            f"{what} on {dtype.name} values: numpy would give floats; "
            "convert with .astype(pd.f32) first, or use //"
        )
    return wrap(emit(builder(x, y), what).results[0])  # type: ignore[return-value]


def _unary_math(cls: type[Operation], x: SSAValue, what: str) -> Scalar:
    return wrap(emit(cls(x), what).results[0])  # type: ignore[call-arg,return-value]


_FLOAT_UNARY = {"exp": mathd.ExpOp, "tanh": mathd.TanhOp}


def unary(kind: str, a: Any) -> Scalar:
    """`kind(a)` on a scalar: neg, relu, exp, tanh."""
    what = "unary '-'" if kind == "neg" else f"pd.{kind}"
    dtype, (x,) = scalar_operands((a,), what)
    if kind == "neg":
        if dtype.is_float:
            return wrap(emit(arith.NegfOp(x), what).results[0])  # type: ignore[return-value]
        return binary("sub", 0, a)
    if kind == "relu":
        return binary("maximum", a, 0)
    if not dtype.is_float:
        raise build_error(f"{what} needs floating-point values, got {dtype.name}")
    return _unary_math(_FLOAT_UNARY[kind], x, what)


def cast(a: Value, to: DType) -> Scalar:
    """`a` converted to `to` as numpy's astype does (floats truncate to ints)."""
    what = f".astype({to!r})"
    x = check_visible(a, what)
    src = a.dtype
    if src == to:
        return a  # type: ignore[return-value]
    if to == i1:
        zero = constant(0, src, what).ssa
        op = (
            arith.CmpfOp(x, zero, "une")
            if src.is_float
            else arith.CmpiOp(x, zero, "ne")
        )
        return wrap(emit(op, what).results[0])  # type: ignore[return-value]
    op = _cast_op(x, src, to)
    if op is None:  # f16 <-> bf16: through f32
        wide = emit(arith.ExtFOp(x, f32.mlir), what).results[0]
        op = arith.TruncFOp(wide, to.mlir)
    return wrap(emit(op, what).results[0])  # type: ignore[return-value]


def _cast_op(x: SSAValue, src: DType, to: DType) -> Operation | None:
    if src.is_float and to.is_float:
        if src.bitwidth == to.bitwidth:
            return None
        cls = arith.ExtFOp if src.bitwidth < to.bitwidth else arith.TruncFOp
        return cls(x, to.mlir)
    if src.is_float:
        return arith.FPToSIOp(x, to.mlir)
    unsigned = src == i1  # numpy: True is 1, not -1
    if to.is_float:
        return (arith.UIToFPOp if unsigned else arith.SIToFPOp)(x, to.mlir)
    assert isinstance(to.mlir, IntegerType)
    if src.bitwidth < to.bitwidth:
        return (ExtUIOp if unsigned else ExtSIOp)(x, to.mlir)
    return TruncIOp(x, to.mlir)


def lowest(dtype: DType) -> float | int:
    """The identity of max: -inf for floats, the smallest integer otherwise."""
    if dtype.is_float:
        return -math.inf
    return -(1 << (dtype.bitwidth - 1))


def type_name(value: Any) -> str:
    """How a value's type is written in messages."""
    if isinstance(value, Value):
        return type_str(value.type)
    return repr(value)
