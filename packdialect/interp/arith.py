"""`arith`: constants, integer arithmetic, comparisons, select, casts, bitcast.

Integers are signless: each op reads its operands as signed or unsigned
numbers of their width and wraps its result (floating-point arithmetic is in
`math_ops`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from xdsl.dialects.builtin import (
    BFloat16Type,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    IntegerAttr,
)
from xdsl.ir import Attribute, Operation

from packdialect.diagnostics import Refused
from packdialect.interp.core import (
    _HANDLERS,
    Array,
    InterpreterError,
    _contiguous,
    _float_to_int64,
    _handles,
    _int_width,
    _is_bf16,
    _is_float,
    _Scope,
    _signed,
    _unsigned,
    coerce,
    element_dtype,
)
from packdialect.ir.resources import dense_elements


def _dense_values(attr: DenseIntOrFPElementsAttr, type_attr: Attribute) -> Array:
    """The array held by a dense elements attribute."""
    elem = attr.get_element_type()
    shape = tuple(attr.get_shape())
    raw = attr.data.data
    formats = {Float16Type: "<f2", Float32Type: "<f4", Float64Type: "<f8"}
    width = _int_width(elem)
    if type(elem) in formats:
        flat = np.frombuffer(raw, dtype=formats[type(elem)])
    elif isinstance(elem, BFloat16Type):
        halves = np.frombuffer(raw, dtype="<u2").astype(np.uint32)
        flat = (halves << np.uint32(16)).view(np.float32)
    elif width in (1, 8, 16, 32, 64):
        size = 1 if width == 1 else width // 8
        flat = np.frombuffer(raw, dtype=f"<i{size}")
    else:
        flat = np.asarray(attr.get_values())
    count = math.prod(shape)
    if flat.size == 1 and count != 1:
        flat = np.full(count, flat[0])
    return coerce(flat.reshape(shape), type_attr).copy()


@_handles("arith.constant")
def _constant(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    attr = op.value  # pyright: ignore[reportAttributeAccessIssue]
    result_type = op.results[0].type
    if isinstance(attr, IntegerAttr | FloatAttr):
        return [coerce(attr.value.data, result_type)]
    dense = dense_elements(attr)
    if isinstance(dense, Refused):
        raise InterpreterError(f"unsupported constant value {attr}: {dense}")
    return [_dense_values(dense, result_type)]


def _nonzero(divisor: Array) -> Array:
    """Division by zero is undefined behaviour: divide by one instead."""
    return np.where(divisor == 0, 1, divisor)


def _trunc_div(a: Array, b: Array) -> Array:
    b = _nonzero(b)
    q = a // b
    return q + ((a % b != 0) & ((a < 0) != (b < 0)))


def _ceil_div(a: Array, b: Array) -> Array:
    b = _nonzero(b)
    return a // b + (a % b != 0)


def _shift_amount_ok(amount: Array, width: int) -> Array:
    return (amount >= 0) & (amount < width)


def _shli(a: Array, b: Array, width: int) -> Array:
    ok = _shift_amount_ok(b, width)
    return np.where(ok, a << np.where(ok, b, 0), 0)


def _shr(a: Array, b: Array, width: int) -> Array:
    ok = _shift_amount_ok(b, width)
    return np.where(ok, a >> np.where(ok, b, 0), 0)


# name -> (function on int64 values, operands read as unsigned)
_INT_BINARY: dict[str, tuple[Callable[[Array, Array, int], Array], bool]] = {
    "arith.addi": (lambda a, b, w: a + b, False),
    "arith.subi": (lambda a, b, w: a - b, False),
    "arith.muli": (lambda a, b, w: a * b, False),
    "arith.andi": (lambda a, b, w: a & b, False),
    "arith.ori": (lambda a, b, w: a | b, False),
    "arith.xori": (lambda a, b, w: a ^ b, False),
    "arith.maxsi": (lambda a, b, w: np.maximum(a, b), False),
    "arith.minsi": (lambda a, b, w: np.minimum(a, b), False),
    "arith.maxui": (lambda a, b, w: np.maximum(a, b), True),
    "arith.minui": (lambda a, b, w: np.minimum(a, b), True),
    "arith.divsi": (lambda a, b, w: _trunc_div(a, b), False),
    "arith.remsi": (lambda a, b, w: np.fmod(a, _nonzero(b)), False),
    "arith.divui": (lambda a, b, w: a // _nonzero(b), True),
    "arith.remui": (lambda a, b, w: a % _nonzero(b), True),
    "arith.floordivsi": (lambda a, b, w: a // _nonzero(b), False),
    "arith.ceildivsi": (lambda a, b, w: _ceil_div(a, b), False),
    "arith.ceildivui": (lambda a, b, w: _ceil_div(a, b), True),
    "arith.shli": (lambda a, b, w: _shli(a, b, w), True),
    "arith.shrui": (lambda a, b, w: _shr(a, b, w), True),
    "arith.shrsi": (lambda a, b, w: _shr(a, b, w), False),
}


def _int_binary(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    fn, unsigned = _INT_BINARY[op.name]
    width = _int_width(op.operands[0].type)
    if width is None:
        raise InterpreterError(f"'{op.name}' expects integer operands")
    read = _unsigned if unsigned else _signed
    a, b = read(args[0], width), read(args[1], width)
    return [coerce(fn(a, b, width), op.results[0].type)]


for _name in _INT_BINARY:
    _HANDLERS[_name] = _int_binary


_CMPI = {
    0: np.equal,
    1: np.not_equal,
    2: np.less,
    3: np.less_equal,
    4: np.greater,
    5: np.greater_equal,
    6: np.less,
    7: np.less_equal,
    8: np.greater,
    9: np.greater_equal,
}


@_handles("arith.cmpi")
def _cmpi(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    predicate = op.predicate.value.data  # pyright: ignore[reportAttributeAccessIssue]
    width = _int_width(op.operands[0].type) or 64
    read = _unsigned if predicate >= 6 else _signed
    return [np.asarray(_CMPI[predicate](read(args[0], width), read(args[1], width)))]


def _cmpf_ordered(name: str, a: Array, b: Array, ordered: Array) -> Array:
    compare = {
        "eq": np.equal,
        "gt": np.greater,
        "ge": np.greater_equal,
        "lt": np.less,
        "le": np.less_equal,
        "ne": np.not_equal,
    }[name]
    return ordered & compare(a, b)


_CMPF_NAMES = [
    "false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord",
    "ueq", "ugt", "uge", "ult", "ule", "une", "uno", "true",
]  # fmt: skip


@_handles("arith.cmpf")
def _cmpf(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    name = _CMPF_NAMES[op.predicate.value.data]  # pyright: ignore[reportAttributeAccessIssue]
    a, b = np.asarray(args[0]), np.asarray(args[1])
    ordered = ~(np.isnan(a) | np.isnan(b))
    shape = np.broadcast_shapes(a.shape, b.shape)
    if name in ("false", "true"):
        return [np.full(shape, name == "true")]
    if name == "ord":
        return [ordered]
    if name == "uno":
        return [~ordered]
    result = _cmpf_ordered(name[1:], a, b, ordered)
    if name[0] == "u":
        result = result | ~ordered
    return [np.asarray(result)]


@_handles("arith.select")
def _select(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    cond = np.asarray(args[0]).astype(np.bool_)
    return [coerce(np.where(cond, args[1], args[2]), op.results[0].type)]


@_handles("arith.extf", "arith.truncf")
def _float_cast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [coerce(args[0], op.results[0].type)]


def _source_width(op: Operation) -> int:
    width = _int_width(op.operands[0].type)
    if width is None:
        raise InterpreterError(f"'{op.name}' expects an integer operand")
    return width


@_handles("arith.extsi", "arith.trunci", "arith.index_cast")
def _int_cast_signed(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    return [coerce(_signed(args[0], _source_width(op)), op.results[0].type)]


@_handles("arith.extui", "arith.index_castui")
def _int_cast_unsigned(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    return [coerce(_unsigned(args[0], _source_width(op)), op.results[0].type)]


@_handles("arith.sitofp")
def _sitofp(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    values = _signed(args[0], _source_width(op)).astype(np.float64)
    return [coerce(values, op.results[0].type)]


@_handles("arith.uitofp")
def _uitofp(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    values = _unsigned(args[0], _source_width(op)).astype(np.float64)
    return [coerce(values, op.results[0].type)]


@_handles("arith.fptosi", "arith.fptoui")
def _fptoi(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [coerce(_float_to_int64(np.asarray(args[0])), op.results[0].type)]


def _bits(values: Array, type_attr: Attribute) -> Array:
    """The raw bits of values of `type_attr`, as an unsigned integer array."""
    a = _contiguous(values)
    if _is_bf16(type_attr):
        return (a.astype(np.float32).view(np.uint32) >> np.uint32(16)).astype(np.uint16)
    width = _int_width(type_attr)
    if width is not None:
        return _unsigned(a, width)
    return a.view(np.dtype(f"uint{a.dtype.itemsize * 8}"))


def _from_bits(bits: Array, type_attr: Attribute) -> Array:
    """Values of `type_attr` with the given raw bits."""
    if _is_bf16(type_attr):
        return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32)
    if _is_float(type_attr):
        dtype = element_dtype(type_attr)
        return _contiguous(bits).astype(f"uint{dtype.itemsize * 8}").view(dtype)
    return coerce(bits.astype(np.uint64).view(np.int64), type_attr)


@_handles("arith.bitcast")
def _bitcast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    bits = _bits(np.asarray(args[0]), op.operands[0].type)
    return [_from_bits(np.asarray(bits), op.results[0].type)]
