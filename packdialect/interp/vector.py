"""`vector` ops, as the emitters read them.

A vector is a numpy array of its shape. Reads and writes of buffers go
through index arrays, so out-of-bounds and masked-off lanes are never
touched (they read the padding / pass-through value instead).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import ShapedType
from xdsl.ir import Attribute, Operation
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr

from packdialect.interp.arith import _bits, _from_bits
from packdialect.interp.core import (
    Array,
    InterpreterError,
    _contiguous,
    _handles,
    _int,
    _int_width,
    _is_bf16,
    _mixed,
    _Scope,
    coerce,
    element_dtype,
)
from packdialect.interp.reduction import _COMBINERS, _to_accumulator


def _vector_shape(type_attr: Attribute) -> list[int]:
    assert isinstance(type_attr, ShapedType)
    return list(type_attr.get_shape())


def _lane_indices(
    base: Sequence[int],
    buffer_shape: Sequence[int],
    dims_of_lanes: Sequence[int | None],
    vshape: Sequence[int],
) -> tuple[tuple[Array, ...], Array]:
    """The buffer index of every vector lane, and whether it is in bounds.

    Vector dim k walks buffer dim dims_of_lanes[k] from `base` (None: a
    broadcast dim that does not move).
    """
    r = len(vshape)
    indices = []
    valid = np.ones(vshape, dtype=np.bool_)
    for d, start in enumerate(base):
        index = np.full([1] * r, start, dtype=np.int64)
        for k, dim in enumerate(dims_of_lanes):
            if dim == d:
                steps = np.arange(vshape[k], dtype=np.int64).reshape(
                    [vshape[k] if a == k else 1 for a in range(r)]
                )
                index = index + steps
        valid &= (index >= 0) & (index < buffer_shape[d])
        indices.append(np.clip(index, 0, max(buffer_shape[d] - 1, 0)))
    return tuple(np.broadcast_to(i, vshape) for i in indices), valid


def _minor_lanes(buffer_rank: int, vector_rank: int) -> list[int | None]:
    """vector.load / store: the vector covers the innermost buffer dims."""
    if vector_rank > buffer_rank:
        raise InterpreterError(
            f"a rank-{vector_rank} vector access into a rank-{buffer_rank} buffer"
        )
    return list(range(buffer_rank - vector_rank, buffer_rank))


def _transfer_lanes(op: Operation, buffer_rank: int) -> list[int | None]:
    amap = op.permutation_map.data  # pyright: ignore[reportAttributeAccessIssue]
    lanes: list[int | None] = []
    for expr in amap.results:
        if isinstance(expr, AffineDimExpr):
            lanes.append(expr.position)
        elif isinstance(expr, AffineConstantExpr) and expr.value == 0:
            lanes.append(None)
        else:
            raise InterpreterError(f"unsupported permutation_map {amap}")
    if amap.num_dims != buffer_rank:
        raise InterpreterError(
            f"permutation_map {amap} for a rank-{buffer_rank} buffer"
        )
    return lanes


def _read_lanes(
    buffer: Array,
    base: Sequence[int],
    lanes: Sequence[int | None],
    vshape: Sequence[int],
    fill: Array,
    enabled: Array | None,
) -> Array:
    indices, valid = _lane_indices(base, buffer.shape, lanes, vshape)
    if enabled is not None:
        valid = valid & enabled
    return np.where(valid, buffer[indices], fill)


def _write_lanes(
    buffer: Array,
    base: Sequence[int],
    lanes: Sequence[int | None],
    value: Array,
    enabled: Array | None,
) -> None:
    indices, valid = _lane_indices(base, buffer.shape, lanes, value.shape)
    if enabled is not None:
        valid = valid & enabled
    buffer[tuple(i[valid] for i in indices)] = value[valid]


def _checked_access(valid: Array, op: Operation) -> None:
    if not valid.all():
        raise InterpreterError(f"'{op.name}' out of bounds")


@_handles("vector.load")
def _vector_load(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    buffer, base = args[0], [_int(i) for i in args[1:]]
    vshape = _vector_shape(op.results[0].type)
    lanes = _minor_lanes(buffer.ndim, len(vshape))
    indices, valid = _lane_indices(base, buffer.shape, lanes, vshape)
    _checked_access(valid, op)
    return [np.array(buffer[indices])]


@_handles("vector.store")
def _vector_store(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    value, buffer, base = args[0], args[1], [_int(i) for i in args[2:]]
    lanes = _minor_lanes(buffer.ndim, value.ndim)
    indices, valid = _lane_indices(base, buffer.shape, lanes, value.shape)
    _checked_access(valid, op)
    buffer[indices] = value
    return []


@_handles("vector.maskedload")
def _vector_maskedload(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    buffer, mask, passthru = args[0], args[-2], args[-1]
    base = [_int(i) for i in args[1:-2]]
    lanes = _minor_lanes(buffer.ndim, passthru.ndim)
    return [
        _read_lanes(buffer, base, lanes, passthru.shape, passthru, mask.astype(bool))
    ]


@_handles("vector.maskedstore")
def _vector_maskedstore(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    buffer, mask, value = args[0], args[-2], args[-1]
    base = [_int(i) for i in args[1:-2]]
    lanes = _minor_lanes(buffer.ndim, value.ndim)
    _write_lanes(buffer, base, lanes, value, mask.astype(bool))
    return []


@_handles("vector.transfer_read")
def _transfer_read(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    buffer = scope[op.source]  # pyright: ignore[reportAttributeAccessIssue]
    base = [_int(scope[i]) for i in op.indices]  # pyright: ignore[reportAttributeAccessIssue]
    padding = scope[op.padding]  # pyright: ignore[reportAttributeAccessIssue]
    mask = op.mask  # pyright: ignore[reportAttributeAccessIssue]
    enabled = scope[mask].astype(bool) if mask is not None else None
    vshape = _vector_shape(op.results[0].type)
    lanes = _transfer_lanes(op, buffer.ndim)
    fill = coerce(padding, op.results[0].type)
    return [_read_lanes(buffer, base, lanes, vshape, fill, enabled)]


@_handles("vector.transfer_write")
def _transfer_write(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    value = scope[op.vector]  # pyright: ignore[reportAttributeAccessIssue]
    buffer = scope[op.source]  # pyright: ignore[reportAttributeAccessIssue]
    base = [_int(scope[i]) for i in op.indices]  # pyright: ignore[reportAttributeAccessIssue]
    mask = op.mask  # pyright: ignore[reportAttributeAccessIssue]
    enabled = scope[mask].astype(bool) if mask is not None else None
    target = buffer.copy() if op.results else buffer  # a tensor is a value
    _write_lanes(target, base, _transfer_lanes(op, buffer.ndim), value, enabled)
    return [target] if op.results else []


@_handles("vector.broadcast", "vector.splat")
def _vector_broadcast(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    result_type = op.results[0].type
    shape = _vector_shape(result_type)
    return [coerce(np.array(np.broadcast_to(args[0], shape)), result_type)]


@_handles("vector.fma")
def _vector_fma(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    a, b, c = (np.asarray(x).astype(np.float64) for x in args)
    return [coerce(a * b + c, op.results[0].type)]


def _position(op: Operation, scope: _Scope) -> tuple[int, ...]:
    static = op.static_position.get_values()  # pyright: ignore[reportAttributeAccessIssue]
    return tuple(_mixed(static, op.dynamic_position, scope))  # pyright: ignore[reportAttributeAccessIssue]


@_handles("vector.extract")
def _vector_extract(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [np.array(args[0][_position(op, scope)])]


@_handles("vector.insert")
def _vector_insert(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    dest = args[1].copy()
    dest[_position(op, scope)] = args[0]
    return [dest]


@_handles("vector.shape_cast")
def _vector_shape_cast(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    return [args[0].reshape(_vector_shape(op.results[0].type))]


@_handles("vector.shuffle")
def _vector_shuffle(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    mask = list(op.mask.get_values())  # pyright: ignore[reportAttributeAccessIssue]
    both = np.concatenate([np.atleast_1d(args[0]), np.atleast_1d(args[1])])
    return [both[mask]]


@_handles("vector.create_mask")
def _vector_create_mask(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    shape = _vector_shape(op.results[0].type)
    mask = np.zeros(shape, dtype=np.bool_)
    mask[tuple(slice(0, max(_int(a), 0)) for a in args)] = True
    return [mask]


@_handles("vector.constant_mask")
def _vector_constant_mask(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    shape = _vector_shape(op.results[0].type)
    sizes = op.properties.get("mask_dim_sizes") or op.attributes.get("mask_dim_sizes")
    if sizes is None:
        raise InterpreterError("vector.constant_mask without mask_dim_sizes")
    mask = np.zeros(shape, dtype=np.bool_)
    mask[tuple(slice(0, s) for s in sizes.get_values())] = True  # pyright: ignore[reportAttributeAccessIssue]
    return [mask]


_VECTOR_KINDS = {
    "add": "arith.addf",
    "mul": "arith.mulf",
    "minui": "arith.minui",
    "minsi": "arith.minsi",
    "minnumf": "arith.minnumf",
    "maxui": "arith.maxui",
    "maxsi": "arith.maxsi",
    "maxnumf": "arith.maxnumf",
    "and": "arith.andi",
    "or": "arith.ori",
    "xor": "arith.xori",
    "maximumf": "arith.maximumf",
    "minimumf": "arith.minimumf",
}


@_handles("vector.reduction")
def _vector_reduction(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    kind = str(op.kind.data)  # pyright: ignore[reportAttributeAccessIssue]
    if kind not in _VECTOR_KINDS:
        raise InterpreterError(f"unsupported vector.reduction kind '{kind}'")
    ufunc, unsigned = _COMBINERS[_VECTOR_KINDS[kind]]
    result_type = op.results[0].type
    values = _to_accumulator(args[0], result_type, unsigned).reshape(-1)
    if len(args) > 1:
        values = np.concatenate(
            [_to_accumulator(args[1], result_type, unsigned).reshape(1), values]
        )
    return [coerce(ufunc.reduce(values), result_type)]


def _raw_bits(values: Array, type_attr: Attribute) -> Array:
    """The raw bits of each element, as an unsigned array of the element's width."""
    width = _int_width(type_attr)
    if width is None:
        width = 16 if _is_bf16(type_attr) else element_dtype(type_attr).itemsize * 8
    if width not in (8, 16, 32, 64):
        raise InterpreterError(f"cannot bitcast {width}-bit elements")
    bits = _bits(values, type_attr)
    return np.asarray(bits).astype(np.dtype(f"uint{width}"))


@_handles("vector.bitcast")
def _vector_bitcast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    result_type = op.results[0].type
    shape = _vector_shape(result_type)
    out_width = _int_width(result_type)
    if out_width is None:
        out_width = (
            16 if _is_bf16(result_type) else element_dtype(result_type).itemsize * 8
        )
    raw = _contiguous(_raw_bits(args[0], op.operands[0].type))
    bits = raw.view(np.uint8).view(np.dtype(f"uint{out_width}")).reshape(shape)
    return [_from_bits(bits, result_type)]
