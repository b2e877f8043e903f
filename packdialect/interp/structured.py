"""The iteration space of a structured op: loop ranges, gathers and scatters.

An operand is laid out over the loop space (one axis per loop, size 1 where
its indexing map does not read the loop) by `_gather`; an output value is
stored back through its indexing map by `_scatter`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)

from packdialect.interp.core import Array, InterpreterError, _contiguous


def _loop_ranges(
    maps: Sequence[AffineMap], shapes: Sequence[tuple[int, ...]]
) -> tuple[int, ...]:
    """Each loop's range, read off the first operand dim indexed by it alone."""
    num_loops = maps[0].num_dims if maps else 0
    ranges: list[int | None] = [None] * num_loops
    for amap, shape in zip(maps, shapes, strict=True):
        if len(amap.results) != len(shape):
            raise InterpreterError(
                f"indexing map {amap} does not match an operand of rank {len(shape)}"
            )
        for expr, size in zip(amap.results, shape, strict=True):
            if isinstance(expr, AffineDimExpr) and ranges[expr.position] is None:
                ranges[expr.position] = size
    missing = [d for d, r in enumerate(ranges) if r is None]
    if missing:
        raise InterpreterError(f"cannot infer the range of loop d{missing[0]}")
    return tuple(r for r in ranges if r is not None)


_DIVISIONS = (
    AffineBinaryOpKind.FloorDiv,
    AffineBinaryOpKind.CeilDiv,
    AffineBinaryOpKind.Mod,
)


def _eval_affine(expr: AffineExpr, dims: Sequence[Any], symbols: Sequence[Any]) -> Any:
    """An affine expression on dim / symbol values (ints or int arrays)."""
    if isinstance(expr, AffineDimExpr):
        return dims[expr.position]
    if isinstance(expr, AffineSymExpr):
        return symbols[expr.position]
    if isinstance(expr, AffineConstantExpr):
        return expr.value
    if not isinstance(expr, AffineBinaryOpExpr):
        raise InterpreterError(f"unsupported affine expression {expr}")
    lhs = _eval_affine(expr.lhs, dims, symbols)
    rhs = _eval_affine(expr.rhs, dims, symbols)
    if expr.kind in _DIVISIONS and np.any(np.asarray(rhs) <= 0):
        raise InterpreterError(
            f"division by non-positive value in affine expression {expr}"
        )
    match expr.kind:
        case AffineBinaryOpKind.Add:
            return lhs + rhs
        case AffineBinaryOpKind.Mul:
            return lhs * rhs
        case AffineBinaryOpKind.Mod:
            return lhs % rhs
        case AffineBinaryOpKind.FloorDiv:
            return lhs // rhs
        case AffineBinaryOpKind.CeilDiv:
            return -((-lhs) // rhs)


def _loop_values(ranges: Sequence[int]) -> list[Array]:
    """Each loop's values laid out along its own axis of the loop space."""
    n = len(ranges)
    return [
        np.arange(r, dtype=np.int64).reshape([r if a == d else 1 for a in range(n)])
        for d, r in enumerate(ranges)
    ]


def _affine_values(expr: AffineExpr, ranges: Sequence[int]) -> Array | int:
    """An affine expression of the loops, over the loop space (broadcastable)."""
    return _eval_affine(expr, _loop_values(ranges), [])


def _bare_dims(amap: AffineMap) -> list[int] | None:
    """The loop of each result when they are distinct bare dims, else None."""
    dims = [e.position for e in amap.results if isinstance(e, AffineDimExpr)]
    if len(dims) != len(amap.results) or len(set(dims)) != len(dims):
        return None
    return dims


def _as_loop_space(value: Any, n: int) -> Array:
    a = np.asarray(value)
    if a.ndim == n:
        return a
    if a.ndim == 0:
        return a.reshape((1,) * n)
    raise InterpreterError(
        f"structured op body value of rank {a.ndim} in a {n}-loop nest"
    )


def _gather(array: Array, amap: AffineMap, ranges: Sequence[int]) -> Array:
    """The operand's element for each loop point, broadcastable to the loop space."""
    n = len(ranges)
    a = np.asarray(array)
    dims = _bare_dims(amap)
    if dims is not None:
        order = sorted(range(len(dims)), key=lambda i: dims[i])
        shape = [1] * n
        for axis, d in enumerate(dims):
            if a.shape[axis] != ranges[d]:
                raise InterpreterError(
                    f"operand dim #{axis} of size {a.shape[axis]} indexed by loop "
                    f"d{d} of range {ranges[d]}"
                )
            shape[d] = a.shape[axis]
        return np.transpose(a, order).reshape(shape)
    indices = tuple(_affine_values(e, ranges) for e in amap.results)
    try:
        return _as_loop_space(a[indices], n)
    except IndexError as error:
        raise InterpreterError(
            f"indexing map {amap} reads out of bounds: {error}"
        ) from None


def _last_along(value: Array, axes: Sequence[int]) -> Array:
    """Keep the last point along `axes` (the last write of a loop that is not stored)."""
    index = [slice(None)] * value.ndim
    for axis in axes:
        if value.shape[axis] > 1:
            index[axis] = slice(-1, None)
    return value[tuple(index)]


def _scatter(
    init: Array, amap: AffineMap, value: Array, ranges: Sequence[int]
) -> Array:
    """The output after storing each loop point's value where the map sends it."""
    n = len(ranges)
    used = {d for e in amap.results for d in e.used_dims()}
    value = _last_along(
        _as_loop_space(value, n), [d for d in range(n) if d not in used]
    )
    dims = _bare_dims(amap)
    if dims is not None:
        full = [ranges[d] if d in used else 1 for d in range(n)]
        v = np.broadcast_to(value, full).reshape([ranges[d] for d in sorted(dims)])
        order = [sorted(dims).index(d) for d in dims]
        return _contiguous(np.transpose(v, order))
    out = np.array(init, copy=True)
    indices = tuple(_affine_values(e, ranges) for e in amap.results)
    try:
        if not indices:
            out[...] = value.reshape(())
        else:
            target = np.broadcast_shapes(*(np.shape(i) for i in indices))
            out[indices] = np.broadcast_to(value, target)
    except (IndexError, ValueError) as error:
        raise InterpreterError(
            f"indexing map {amap} writes out of bounds: {error}"
        ) from None
    return out


def _slice_chunk(view: Array, chunk: dict[int, slice]) -> Array:
    index = [slice(None)] * view.ndim
    for axis, sl in chunk.items():
        if view.shape[axis] != 1:
            index[axis] = sl
    return view[tuple(index)]


def _chunk_ranges(ranges: Sequence[int], chunk: dict[int, slice]) -> list[int]:
    return [
        len(range(*chunk[d].indices(r))) if d in chunk else r
        for d, r in enumerate(ranges)
    ]
