"""`memref`, `bufferization` and `affine` index arithmetic.

A buffer is a numpy array; views (subview, reshapes) alias it, so writes
through any of them are seen by all, as in MLIR.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, ModuleOp
from xdsl.ir import Operation

from packdialect.interp.arith import _dense_values
from packdialect.interp.core import (
    Array,
    InterpreterError,
    _handles,
    _int,
    _mixed,
    _result_shape,
    _Scope,
    coerce,
    element_dtype,
)
from packdialect.interp.structured import _eval_affine
from packdialect.interp.tensor import _kept_dims, _reassociation, _slice_params, _slices


@_handles("memref.alloc", "memref.alloca")
def _memref_alloc(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    result_type = op.results[0].type
    n_dynamic = len(op.dynamic_sizes)  # pyright: ignore[reportAttributeAccessIssue]
    shape = _result_shape(result_type, [_int(a) for a in args[:n_dynamic]])
    return [np.zeros(shape, dtype=element_dtype(result_type))]


@_handles("memref.dealloc", "memref.assume_alignment")
def _memref_noop(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return list(args[: len(op.results)])


@_handles("memref.load")
def _memref_load(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    try:
        return [np.array(args[0][tuple(_int(i) for i in args[1:])])]
    except IndexError as error:
        raise InterpreterError(f"memref.load out of bounds: {error}") from None


@_handles("memref.store")
def _memref_store(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    try:
        args[1][tuple(_int(i) for i in args[2:])] = args[0]
    except IndexError as error:
        raise InterpreterError(f"memref.store out of bounds: {error}") from None
    return []


@_handles("memref.copy")
def _memref_copy(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src, dst = args
    if src.shape != dst.shape:
        raise InterpreterError(
            f"memref.copy from {list(src.shape)} to {list(dst.shape)}"
        )
    dst[...] = src
    return []


@_handles("memref.cast")
def _memref_cast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [args[0]]


@_handles("memref.get_global")
def _memref_get_global(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    name = op.name_.string_value()  # pyright: ignore[reportAttributeAccessIssue]
    interpreter = scope.interpreter
    if name not in interpreter.globals:
        interpreter.globals[name] = _global_value(interpreter.module, name)
    return [interpreter.globals[name]]


def _global_value(module: ModuleOp, name: str) -> Array:
    for op in module.walk():
        if op.name != "memref.global" or op.sym_name.data != name:  # pyright: ignore[reportAttributeAccessIssue]
            continue
        memref_type = op.type  # pyright: ignore[reportAttributeAccessIssue]
        init = op.initial_value  # pyright: ignore[reportAttributeAccessIssue]
        if isinstance(init, DenseIntOrFPElementsAttr):
            return _dense_values(init, memref_type)
        return np.zeros(memref_type.get_shape(), dtype=element_dtype(memref_type))
    raise InterpreterError(f"no memref.global named @{name}")


def _view_reshape(array: Array, shape: Sequence[int], op_name: str) -> Array:
    """Reshape a buffer without copying (a copy would break aliasing)."""
    try:
        return np.reshape(array, shape, copy=False)
    except ValueError:
        raise InterpreterError(
            f"'{op_name}' of a strided view {list(array.shape)} into {list(shape)} "
            "needs a copy"
        ) from None


@_handles("memref.collapse_shape")
def _memref_collapse(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    src = args[0]
    shape = [math.prod(src.shape[d] for d in group) for group in _reassociation(op)]
    return [_view_reshape(src, shape, op.name)]


@_handles("memref.expand_shape")
def _memref_expand(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    static = op.static_output_shape.get_values()  # pyright: ignore[reportAttributeAccessIssue]
    shape = _mixed(static, op.output_shape, scope)  # pyright: ignore[reportAttributeAccessIssue]
    return [_view_reshape(args[0], shape, op.name)]


@_handles("memref.subview")
def _memref_subview(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = args[0]
    offsets, sizes, strides = _slice_params(op, scope)
    slices = list(_slices(src.shape, offsets, sizes, strides))
    kept = _kept_dims(sizes, op.results[0].type)
    # A dropped unit dim is indexed, not sliced: the result stays a view.
    index = tuple(
        sl if keep else off for sl, keep, off in zip(slices, kept, offsets, strict=True)
    )
    return [src[index]]


@_handles("bufferization.to_tensor", "bufferization.to_buffer", "bufferization.clone")
def _buffer_copy(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    # Tensors are values and buffers are mutable: never share storage.
    return [np.array(args[0], copy=True)]


@_handles("bufferization.alloc_tensor")
def _alloc_tensor(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    copy = op.copy  # pyright: ignore[reportAttributeAccessIssue]
    if copy is not None:
        return [np.array(scope[copy], copy=True)]
    result_type = op.results[0].type
    sizes = [_int(scope[v]) for v in op.dynamic_sizes]  # pyright: ignore[reportAttributeAccessIssue]
    return [
        np.zeros(_result_shape(result_type, sizes), dtype=element_dtype(result_type))
    ]


@_handles("bufferization.materialize_in_destination")
def _materialize(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src, dest = args
    if src.shape != dest.shape:
        raise InterpreterError(
            f"materialize_in_destination of {list(src.shape)} into {list(dest.shape)}"
        )
    value = coerce(src, op.operands[1].type)
    if op.results:
        return [value]
    dest[...] = value
    return []


def _affine_map_results(op: Operation, args: list[Array]) -> list[Any]:
    amap = op.map.data  # pyright: ignore[reportAttributeAccessIssue]
    values = [np.asarray(a).astype(np.int64) for a in args]
    dims, symbols = values[: amap.num_dims], values[amap.num_dims :]
    return [_eval_affine(e, dims, symbols) for e in amap.results]


@_handles("affine.apply")
def _affine_apply(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    (value,) = _affine_map_results(op, args)
    return [np.asarray(value, dtype=np.int64)]


@_handles("affine.min", "affine.max")
def _affine_min_max(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    values = np.broadcast_arrays(*_affine_map_results(op, args))
    pick = np.minimum if op.name == "affine.min" else np.maximum
    return [np.asarray(pick.reduce(values), dtype=np.int64)]
