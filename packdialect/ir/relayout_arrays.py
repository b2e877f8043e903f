"""What `linalg.pack` / `linalg.unpack` mean on numpy arrays.

The reference semantics of the ops, shared by the interpreter
(`packdialect.interp`) and by the constant folds of `canonicalize`, which
pack constant weights at compile time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.utils.exceptions import DiagnosticException

Array = np.ndarray

__all__ = ["RelayoutArrayError", "pack_array", "unpack_array"]


class RelayoutArrayError(DiagnosticException):
    """The relayout attributes do not fit the array (the message says how)."""


def _check_relayout(rank: int, inner_dims_pos: Sequence[int], perm: Sequence[int]):
    if sorted(perm) != list(range(rank)):
        raise RelayoutArrayError(f"outer_dims_perm {list(perm)} is not a permutation")
    if len(set(inner_dims_pos)) != len(inner_dims_pos) or any(
        not 0 <= d < rank for d in inner_dims_pos
    ):
        raise RelayoutArrayError(f"invalid inner_dims_pos {list(inner_dims_pos)}")


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
        raise RelayoutArrayError(f"invalid tile sizes {list(inner_tiles)}")
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
        raise RelayoutArrayError(
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
    return np.asarray(src.reshape(expanded).transpose(order), order="C")


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
        raise RelayoutArrayError(
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
        raise RelayoutArrayError(
            f"packed shape {list(src.shape)} does not cover the unpacked shape "
            f"{list(dest_shape)}"
        )
    full = src.transpose(order).reshape(merged)
    return np.asarray(full[tuple(slice(0, s) for s in dest_shape)], order="C")
