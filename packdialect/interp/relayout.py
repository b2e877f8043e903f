"""`linalg.pack` / `linalg.unpack` (and their `tensor.*` spellings) on arrays.

The array semantics live beside the ops, in `packdialect.ir.relayout_arrays`.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import Operation

from packdialect.interp.core import (
    Array,
    InterpreterError,
    _handles,
    _mixed,
    _Scope,
)
from packdialect.interp.linalg import _write_outputs
from packdialect.ir.relayout_arrays import RelayoutArrayError, pack_array, unpack_array


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
    try:
        packed = pack_array(src, inner, tiles, perm, pad_value, dest.shape[: src.ndim])
    except RelayoutArrayError as err:
        raise InterpreterError(str(err)) from None
    return _write_outputs(op, [dest], [packed])


@_handles("linalg.unpack", "tensor.unpack")
def _unpack(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = scope[op.source]  # pyright: ignore[reportAttributeAccessIssue]
    dest = scope[op.dest]  # pyright: ignore[reportAttributeAccessIssue]
    inner, tiles, perm = _relayout_attrs(op, scope)
    try:
        unpacked = unpack_array(src, inner, tiles, perm, dest.shape)
    except RelayoutArrayError as err:
        raise InterpreterError(str(err)) from None
    return _write_outputs(op, [dest], [unpacked])
