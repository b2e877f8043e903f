"""`linalg.pack` / `linalg.unpack` (and their `tensor.*` spellings) on arrays.

`pack_array` / `unpack_array` are also used directly, e.g. to pack constants
at compile time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.ir import Operation

from packdialect.interp.core import (
    Array,
    InterpreterError,
    _contiguous,
    _handles,
    _mixed,
    _Scope,
)
from packdialect.interp.linalg import _write_outputs

__all__ = ["pack_array", "unpack_array"]


def _check_relayout(rank: int, inner_dims_pos: Sequence[int], perm: Sequence[int]):
    if sorted(perm) != list(range(rank)):
        raise InterpreterError(f"outer_dims_perm {list(perm)} is not a permutation")
    if len(set(inner_dims_pos)) != len(inner_dims_pos) or any(
        not 0 <= d < rank for d in inner_dims_pos
    ):
        raise InterpreterError(f"invalid inner_dims_pos {list(inner_dims_pos)}")


def pack_array(
    source: Array,
    inner_dims_pos: Sequence[int],
    inner_tiles: Sequence[int],
    outer_dims_perm: Sequence[int] = (),
    padding_value: Any = None,
    outer_shape: Sequence[int] | None = None,
) -> Array:
    """`linalg.pack` on a numpy array: pad, strip-mine, transpose.

    `outer_shape` is the packed outer shape (in outer_dims_perm order); by
    default ceildiv(dim, tile) on tiled dims. Missing padding_value pads with
    zeros (upstream leaves those elements undefined).
    """
    src = np.asarray(source)
    rank = src.ndim
    perm = list(outer_dims_perm) or list(range(rank))
    _check_relayout(rank, inner_dims_pos, perm)
    tile_of = dict(zip(inner_dims_pos, inner_tiles, strict=True))
    if any(t <= 0 for t in inner_tiles):
        raise InterpreterError(f"invalid tile sizes {list(inner_tiles)}")
    outer = [
        -(-src.shape[d] // tile_of[d]) if d in tile_of else src.shape[d]
        for d in range(rank)
    ]
    if outer_shape is not None:
        for j, d in enumerate(perm):
            outer[d] = outer_shape[j]
    padded = [outer[d] * tile_of.get(d, 1) for d in range(rank)]
    if any(p < s for p, s in zip(padded, src.shape, strict=True)) or any(
        padded[d] != src.shape[d] for d in range(rank) if d not in tile_of
    ):
        raise InterpreterError(
            f"packed outer shape {[outer[d] for d in perm]} does not cover the "
            f"source shape {list(src.shape)}"
        )
    pad_value = 0 if padding_value is None else np.asarray(padding_value).item()
    src = np.pad(
        src,
        [(0, p - s) for p, s in zip(padded, src.shape, strict=True)],
        constant_values=pad_value,
    )
    expanded: list[int] = []
    outer_axis: dict[int, int] = {}
    inner_axis: dict[int, int] = {}
    for d in range(rank):
        outer_axis[d] = len(expanded)
        expanded.append(outer[d])
        if d in tile_of:
            inner_axis[d] = len(expanded)
            expanded.append(tile_of[d])
    order = [outer_axis[d] for d in perm] + [inner_axis[d] for d in inner_dims_pos]
    return _contiguous(src.reshape(expanded).transpose(order))


def unpack_array(
    packed: Array,
    inner_dims_pos: Sequence[int],
    inner_tiles: Sequence[int],
    outer_dims_perm: Sequence[int],
    dest_shape: Sequence[int],
) -> Array:
    """`linalg.unpack` on a numpy array: transpose, merge tiles, drop padding."""
    src = np.asarray(packed)
    rank = len(dest_shape)
    k = len(inner_dims_pos)
    perm = list(outer_dims_perm) or list(range(rank))
    _check_relayout(rank, inner_dims_pos, perm)
    if src.ndim != rank + k or list(src.shape[rank:]) != list(inner_tiles):
        raise InterpreterError(
            f"packed shape {list(src.shape)} does not end with the tiles "
            f"{list(inner_tiles)}"
        )
    order: list[int] = []
    merged: list[int] = []
    for d in range(rank):
        j = perm.index(d)
        order.append(j)
        size = src.shape[j]
        if d in inner_dims_pos:
            i = list(inner_dims_pos).index(d)
            order.append(rank + i)
            size *= inner_tiles[i]
        merged.append(size)
    if any(m < s for m, s in zip(merged, dest_shape, strict=True)):
        raise InterpreterError(
            f"packed shape {list(src.shape)} does not cover the unpacked shape "
            f"{list(dest_shape)}"
        )
    full = src.transpose(order).reshape(merged)
    return _contiguous(full[tuple(slice(0, s) for s in dest_shape)])


def _relayout_attrs(
    op: Operation, scope: _Scope
) -> tuple[list[int], list[int], list[int]]:
    """(inner_dims_pos, tiles as ints, outer_dims_perm) of a pack / unpack."""
    inner = list(op.inner_dims_pos.get_values())  # pyright: ignore[reportAttributeAccessIssue]
    perm_attr = op.outer_dims_perm  # pyright: ignore[reportAttributeAccessIssue]
    perm = list(perm_attr.get_values()) if perm_attr is not None else []
    static = op.static_inner_tiles.get_values()  # pyright: ignore[reportAttributeAccessIssue]
    tiles = _mixed(static, op.inner_tiles, scope)  # pyright: ignore[reportAttributeAccessIssue]
    return inner, tiles, perm


@_handles("linalg.pack", "tensor.pack")
def _pack(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = scope[op.source]  # pyright: ignore[reportAttributeAccessIssue]
    dest = scope[op.dest]  # pyright: ignore[reportAttributeAccessIssue]
    padding = op.padding_value  # pyright: ignore[reportAttributeAccessIssue]
    pad_value = scope[padding] if padding is not None else None
    inner, tiles, perm = _relayout_attrs(op, scope)
    if list(dest.shape[src.ndim :]) != tiles:
        raise InterpreterError(
            f"pack destination {list(dest.shape)} does not end with the tiles {tiles}"
        )
    packed = pack_array(src, inner, tiles, perm, pad_value, dest.shape[: src.ndim])
    return _write_outputs(op, [dest], [packed])


@_handles("linalg.unpack", "tensor.unpack")
def _unpack(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = scope[op.source]  # pyright: ignore[reportAttributeAccessIssue]
    dest = scope[op.dest]  # pyright: ignore[reportAttributeAccessIssue]
    inner, tiles, perm = _relayout_attrs(op, scope)
    unpacked = unpack_array(src, inner, tiles, perm, dest.shape)
    return _write_outputs(op, [dest], [unpacked])
