"""`tensor` ops (and `memref.dim`): tensors are numpy arrays, never aliased."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import DYNAMIC_INDEX, ShapedType, TensorType
from xdsl.ir import Attribute, Operation

from packdialect.interp.core import (
    Array,
    InterpreterError,
    _contiguous,
    _handles,
    _int,
    _mixed,
    _result_shape,
    _run_block,
    _Scope,
    coerce,
    element_dtype,
)


@_handles("tensor.empty")
def _tensor_empty(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    result_type = op.results[0].type
    shape = _result_shape(result_type, [_int(a) for a in args])
    return [np.zeros(shape, dtype=element_dtype(result_type))]


@_handles("tensor.dim", "memref.dim")
def _tensor_dim(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    dim = _int(args[1])
    shape = np.shape(args[0])
    if not 0 <= dim < len(shape):
        raise InterpreterError(
            f"tensor.dim index {dim} out of range for rank {len(shape)}"
        )
    return [np.asarray(shape[dim], dtype=np.int64)]


@_handles("tensor.cast")
def _tensor_cast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    result_type = op.results[0].type
    if isinstance(result_type, TensorType):
        shape = result_type.get_shape()
        if len(shape) != args[0].ndim or any(
            d != DYNAMIC_INDEX and d != s
            for d, s in zip(shape, args[0].shape, strict=True)
        ):
            raise InterpreterError(
                f"tensor.cast of a {list(args[0].shape)} tensor to {result_type}"
            )
    return [args[0]]


def _gather_indices(indices: Sequence[Array]) -> tuple[Array, ...]:
    return tuple(np.asarray(i).astype(np.int64, copy=False) for i in indices)


@_handles("tensor.extract")
def _tensor_extract(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    tensor, indices = args[0], _gather_indices(args[1:])
    if any(i.ndim for i in indices):
        # Vectorized (in a structured op body): every lane is evaluated, also
        # those a select or scf.if discards, so clamp instead of failing.
        indices = tuple(
            np.clip(i, 0, max(size - 1, 0))
            for i, size in zip(indices, tensor.shape, strict=True)
        )
    try:
        return [np.asarray(tensor[indices])]
    except IndexError as error:
        raise InterpreterError(f"tensor.extract out of bounds: {error}") from None


@_handles("tensor.insert")
def _tensor_insert(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    scalar, dest = args[0], args[1].copy()
    try:
        dest[tuple(_int(i) for i in args[2:])] = scalar
    except IndexError as error:
        raise InterpreterError(f"tensor.insert out of bounds: {error}") from None
    return [dest]


@_handles("tensor.from_elements")
def _tensor_from_elements(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    result_type = op.results[0].type
    shape = _result_shape(result_type, [])
    return [coerce(np.array([np.asarray(a) for a in args]).reshape(shape), result_type)]


@_handles("tensor.splat")
def _tensor_splat(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    result_type = op.results[0].type
    shape = _result_shape(result_type, [_int(a) for a in args[1:]])
    return [np.full(shape, coerce(args[0], result_type))]


@_handles("tensor.concat")
def _tensor_concat(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    dim = op.dim.value.data  # pyright: ignore[reportAttributeAccessIssue]
    return [np.concatenate(args, axis=dim)]


def _reassociation(op: Operation) -> list[list[int]]:
    groups = op.reassociation.data  # pyright: ignore[reportAttributeAccessIssue]
    return [[attr.value.data for attr in group.data] for group in groups]


@_handles("tensor.collapse_shape")
def _collapse_shape(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = args[0]
    shape = [math.prod(src.shape[d] for d in group) for group in _reassociation(op)]
    return [src.reshape(shape)]


@_handles("tensor.expand_shape")
def _expand_shape(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    static = op.static_output_shape.get_values()  # pyright: ignore[reportAttributeAccessIssue]
    shape = _mixed(static, op.dynamic_output_shape, scope)  # pyright: ignore[reportAttributeAccessIssue]
    if math.prod(shape) != args[0].size:
        raise InterpreterError(
            f"tensor.expand_shape of {list(args[0].shape)} into {shape}"
        )
    return [args[0].reshape(shape)]


@_handles("tensor.reshape")
def _tensor_reshape(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    shape = [int(s) for s in np.asarray(args[1]).reshape(-1)]
    if math.prod(shape) != args[0].size:
        raise InterpreterError(f"tensor.reshape of {list(args[0].shape)} into {shape}")
    return [args[0].reshape(shape)]


def _slice_params(
    op: Operation, scope: _Scope
) -> tuple[list[int], list[int], list[int]]:
    offsets = _mixed(op.static_offsets.get_values(), op.offsets, scope)  # pyright: ignore[reportAttributeAccessIssue]
    sizes = _mixed(op.static_sizes.get_values(), op.sizes, scope)  # pyright: ignore[reportAttributeAccessIssue]
    strides = _mixed(op.static_strides.get_values(), op.strides, scope)  # pyright: ignore[reportAttributeAccessIssue]
    return offsets, sizes, strides


def _slices(
    shape: Sequence[int],
    offsets: Sequence[int],
    sizes: Sequence[int],
    strides: Sequence[int],
) -> tuple[slice, ...]:
    result: list[slice] = []
    for dim, (o, s, st) in enumerate(zip(offsets, sizes, strides, strict=True)):
        last = o + (s - 1) * st
        if o < 0 or st <= 0 or s < 0 or (s > 0 and last >= shape[dim]):
            raise InterpreterError(
                f"slice offsets {list(offsets)} sizes {list(sizes)} strides "
                f"{list(strides)} out of bounds of {list(shape)}"
            )
        result.append(slice(o, o + s * st, st) if s else slice(o, o))
    return tuple(result)


def _kept_dims(sizes: Sequence[int], result_type: Attribute) -> list[bool]:
    """Which slice dims a (maybe rank-reduced) result type keeps; the rest are 1s."""
    assert isinstance(result_type, ShapedType)
    target = result_type.get_shape()
    kept: list[bool] = []
    for size in sizes:
        j = sum(kept)
        keep = j < len(target) and target[j] in (DYNAMIC_INDEX, size)
        if not keep and size != 1:
            raise InterpreterError(f"cannot drop non-unit dim {size} for {result_type}")
        kept.append(keep)
    if sum(kept) != len(target):
        raise InterpreterError(f"slice sizes {list(sizes)} do not give {result_type}")
    return kept


def _rank_reduced_shape(sizes: Sequence[int], result_type: Attribute) -> list[int]:
    """Drop the unit sizes the rank-reduced result type does not have."""
    kept = _kept_dims(sizes, result_type)
    return [s for s, keep in zip(sizes, kept, strict=True) if keep]


@_handles("tensor.extract_slice")
def _extract_slice(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = args[0]
    offsets, sizes, strides = _slice_params(op, scope)
    part = src[_slices(src.shape, offsets, sizes, strides)]
    return [_contiguous(part).reshape(_rank_reduced_shape(sizes, op.results[0].type))]


@_handles("tensor.insert_slice")
def _insert_slice(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src, dest = args[0], args[1].copy()
    offsets, sizes, strides = _slice_params(op, scope)
    dest[_slices(dest.shape, offsets, sizes, strides)] = src.reshape(sizes)
    return [dest]


@_handles("tensor.pad")
def _tensor_pad(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = args[0]
    low = _mixed(op.static_low.get_values(), op.low, scope)  # pyright: ignore[reportAttributeAccessIssue]
    high = _mixed(op.static_high.get_values(), op.high, scope)  # pyright: ignore[reportAttributeAccessIssue]
    if any(p < 0 for p in [*low, *high]):
        raise InterpreterError(f"tensor.pad with negative padding {low} {high}")
    shape = [lo + s + hi for lo, s, hi in zip(low, src.shape, high, strict=True)]
    # The body may depend on the indices: evaluate it over the whole result.
    indices = [
        np.arange(size, dtype=np.int64).reshape(
            [-1 if d == dim else 1 for d in range(len(shape))]
        )
        for dim, size in enumerate(shape)
    ]
    (pad_value,) = _run_block(scope.child(), op.regions[0].block, indices)
    result_type = op.results[0].type
    result = np.array(np.broadcast_to(coerce(pad_value, result_type), shape))
    result[tuple(slice(lo, lo + s) for lo, s in zip(low, src.shape, strict=True))] = src
    return [result]
