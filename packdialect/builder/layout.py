"""Data movement: `pd.constant`, `pd.empty`/`zeros`/`full`, `x.T` /
`pd.transpose`, indexing (`tensor.extract_slice`, `tensor.extract`), and
`pd.pack` / `pd.unpack` (`linalg.pack` / `linalg.unpack`, with upstream's
attributes: `inner_dims_pos`, `inner_tiles`, `outer_dims_perm`,
`padding_value`).
"""

from __future__ import annotations

import operator as pyop
from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    IndexType,
    IntegerAttr,
    TensorType,
    i64,
)
from xdsl.dialects.linalg.ops import TransposeOp

from packdialect.builder import scalars
from packdialect.builder.errors import build_error
from packdialect.builder.scalars import is_number, type_name
from packdialect.builder.scope import emit, tensor_scope
from packdialect.builder.structured import check_operand, empty, fill
from packdialect.builder.types import DType, as_dtype, dtype_from_numpy, i1
from packdialect.builder.values import (
    Scalar,
    Tensor,
    Value,
    check_visible,
    operator,
    wrap,
)
from packdialect.ir.dtypes import to_storage
from packdialect.ir.relayout import PackOp, RelayoutOp, UnpackOp, infer_packed_shape


def _dtype_arg(dtype: Any, what: str) -> DType:
    found = as_dtype(dtype)
    if found is None:
        raise build_error(f"{what}: unknown element type {dtype!r}")
    return found


def _shape_arg(shape: Any, what: str) -> tuple[int, ...]:
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    if not all(isinstance(d, int | np.integer) and d > 0 for d in dims):
        raise build_error(f"{what}: the shape must be positive ints, got {shape!r}")
    return tuple(int(d) for d in dims)


def constant(value: Any, dtype: Any = None) -> Value:
    """An `arith.constant` holding a numpy array (a dense tensor) or a number.

    The element type is `dtype`, else the array's (float64 stays f64: pass
    `dtype=pd.f32` or an f32 array for f32 weights). bf16 values are rounded.
    """
    what = "pd.constant"
    array = np.asarray(value)
    target = (
        _dtype_arg(dtype, what) if dtype is not None else dtype_from_numpy(array.dtype)
    )
    if target is None:
        raise build_error(f"{what}: no element type for numpy dtype {array.dtype}")
    if array.ndim == 0:
        return scalars.constant(array.item(), target, what)
    tensor_scope(what)
    if target == i1 or array.size == 0:
        raise build_error(
            f"{what}: cannot hold {array.dtype} {array.shape} as {target.name}"
        )
    result_type = TensorType(target.mlir, array.shape)
    storage = to_storage(np.asarray(array, dtype=target.numpy), target.mlir)
    data = np.ascontiguousarray(
        storage, dtype=storage.dtype.newbyteorder("<")
    ).tobytes()
    attr = DenseIntOrFPElementsAttr(result_type, BytesAttr(data))
    return wrap(emit(arith.ConstantOp(attr, result_type), what).results[0])


def full(shape: Any, value: Any, dtype: Any) -> Tensor:
    """A tensor of `shape` filled with `value` (`linalg.fill` of a `tensor.empty`)."""
    what = "pd.full"
    target = _dtype_arg(dtype, what)
    return fill(value, empty(_shape_arg(shape, what), target, what), what)


def zeros(shape: Any, dtype: Any) -> Tensor:
    """A tensor of `shape` filled with zeros."""
    return full(shape, 0, dtype)


def empty_tensor(shape: Any, dtype: Any) -> Tensor:
    """A `tensor.empty` (an init whose contents are never read)."""
    what = "pd.empty"
    return empty(_shape_arg(shape, what), _dtype_arg(dtype, what), what)


@operator("transpose")
def transpose(x: Any, axes: Sequence[int] | None = None) -> Tensor:
    """`linalg.transpose`: dims permuted as numpy's transpose (reversed by default)."""
    what = "pd.transpose" if axes is not None else ".T"
    x = check_operand(x, what)
    scope = tensor_scope(what)
    perm = tuple(reversed(range(x.ndim))) if axes is None else tuple(axes)
    if sorted(perm) != list(range(x.ndim)):
        raise build_error(
            f"{what}: axes {list(perm)} are not a permutation of the {x.ndim} dims "
            f"of {type_name(x)}"
        )
    if perm == tuple(range(x.ndim)):
        return x
    init = empty([x.shape[p] for p in perm], x.dtype, what)
    op = TransposeOp(
        check_visible(x, what), init.ssa, DenseArrayBase.from_list(i64, perm), init.type
    )
    return Tensor(emit(op, what).results[0], scope)


def _index_items(index: Any, rank: int, what: str) -> list[Any]:
    items = list(index) if isinstance(index, tuple) else [index]
    if sum(item is Ellipsis for item in items) > 1:
        raise build_error(f"{what}: an index can only have a single ellipsis ('...')")
    if Ellipsis in items:
        at = items.index(Ellipsis)
        fill_count = rank - (len(items) - 1)
        items[at : at + 1] = [slice(None)] * max(fill_count, 0)
    if len(items) > rank:
        raise build_error(
            f"{what}: too many indices for a tensor of rank {rank} ({len(items)} given)"
        )
    return items + [slice(None)] * (rank - len(items))


def _one_index(
    item: Any, size: int, axis: int, what: str
) -> tuple[int, int, int, bool]:
    """(offset, size, stride, kept) for one index item."""
    if isinstance(item, slice):
        start, stop, step = item.indices(size)
        if step <= 0:
            raise build_error(
                f"{what}: a negative or zero step is not supported ({item})"
            )
        count = len(range(start, stop, step))
        if count == 0:
            raise build_error(
                f"{what}: the slice {item} of axis {axis} (size {size}) is empty"
            )
        return start, count, step, True
    if isinstance(item, Value):
        raise build_error(f"{what}: indices must be Python ints known at build time")
    try:
        i = pyop.index(item)
    except TypeError:
        raise build_error(
            f"{what}: only integers, slices and '...' are valid indices, got {item!r}"
        ) from None
    if not -size <= i < size:
        raise build_error(
            f"{what}: index {i} is out of bounds for axis {axis} with size {size}"
        )
    return i % size, 1, 1, False


@operator("getitem")
def getitem(x: Tensor, index: Any) -> Value:
    """`x[...]` with ints and slices: `tensor.extract_slice` (ints drop their
    axis, as numpy); all ints give the element (`tensor.extract`)."""
    what = "indexing"
    scope = tensor_scope(what)
    items = _index_items(index, x.ndim, what)
    parts = [_one_index(item, x.shape[d], d, what) for d, item in enumerate(items)]
    if not any(kept for *_, kept in parts):
        indices = [
            emit(arith.ConstantOp(IntegerAttr(offset, IndexType())), what).results[0]
            for offset, *_ in parts
        ]
        op = tensor.ExtractOp(check_visible(x, what), indices, x.dtype.mlir)
        return Scalar(emit(op, what).results[0], scope)
    offsets = [p[0] for p in parts]
    sizes = [p[1] for p in parts]
    strides = [p[2] for p in parts]
    if sizes == list(x.shape) and all(p[3] for p in parts) and set(strides) == {1}:
        return x
    result_type = TensorType(x.dtype.mlir, [p[1] for p in parts if p[3]])
    op = tensor.ExtractSliceOp(
        check_visible(x, what), offsets, sizes, strides, result_type
    )
    return Tensor(emit(op, what).results[0], scope)


def _int_list(values: Any, name: str, what: str) -> list[int]:
    items = list(values) if isinstance(values, Sequence) else [values]
    if not all(isinstance(v, int | np.integer) for v in items):
        raise build_error(f"{what}: {name} must be ints, got {values!r}")
    return [int(v) for v in items]


def _check_layout(
    rank: int, inner: list[int], tiles: list[int], perm: list[int] | None, what: str
) -> None:
    """What building the packed type needs; the op verifier checks the rest."""
    if len(inner) != len(tiles):
        raise build_error(
            f"{what}: {len(tiles)} inner_tiles for {len(inner)} inner_dims_pos"
        )
    if len(set(inner)) != len(inner) or not all(0 <= d < rank for d in inner):
        raise build_error(f"{what}: invalid inner_dims_pos {inner} for rank {rank}")
    if any(t <= 0 for t in tiles):
        raise build_error(f"{what}: inner_tiles must be positive, got {tiles}")
    if perm is not None and sorted(perm) != list(range(rank)):
        raise build_error(
            f"{what}: outer_dims_perm {perm} is not a permutation of rank {rank}"
        )


def pack(
    x: Any,
    inner_dims_pos: Sequence[int],
    inner_tiles: Sequence[int],
    outer_dims_perm: Sequence[int] | None = None,
    padding_value: Any = None,
) -> Tensor:
    """`linalg.pack` of `x` into a `tensor.empty` of the packed type.

    `padding_value` (a number or a scalar) is needed when a tile does not
    divide its dimension, as upstream requires.
    """
    what = "pd.pack"
    x = check_operand(x, what)
    scope = tensor_scope(what)
    inner = _int_list(inner_dims_pos, "inner_dims_pos", what)
    tiles = _int_list(inner_tiles, "inner_tiles", what)
    perm = (
        None
        if outer_dims_perm is None
        else _int_list(outer_dims_perm, "outer_dims_perm", what)
    )
    _check_layout(x.ndim, inner, tiles, perm, what)
    pad = None
    if padding_value is not None:
        scalar = (
            scalars.constant(padding_value, x.dtype, what)
            if is_number(padding_value)
            else padding_value
        )
        if not isinstance(scalar, Scalar):
            raise build_error(f"{what}: padding_value must be a number or a scalar")
        pad = check_visible(scalar, what)
    packed = RelayoutOp.infer_packed_type(x.type, inner, tiles, perm)  # type: ignore[arg-type]
    init = empty(packed.get_shape(), x.dtype, what)
    op = PackOp(check_visible(x, what), init.ssa, inner, tiles, perm, pad)
    return Tensor(emit(op, what).results[0], scope)


def unpack(
    x: Any,
    inner_dims_pos: Sequence[int],
    inner_tiles: Sequence[int],
    outer_dims_perm: Sequence[int] | None = None,
    dest_shape: Sequence[int] | None = None,
) -> Tensor:
    """`linalg.unpack` of packed `x` into a `tensor.empty` of `dest_shape`
    (default: outer dims times tiles, i.e. no padding to drop)."""
    what = "pd.unpack"
    x = check_operand(x, what)
    scope = tensor_scope(what)
    inner = _int_list(inner_dims_pos, "inner_dims_pos", what)
    tiles = _int_list(inner_tiles, "inner_tiles", what)
    perm = (
        None
        if outer_dims_perm is None
        else _int_list(outer_dims_perm, "outer_dims_perm", what)
    )
    rank = x.ndim - len(tiles)
    if rank < 1:
        raise build_error(
            f"{what}: {type_name(x)} has too few dims for {len(tiles)} tiles"
        )
    _check_layout(rank, inner, tiles, perm, what)
    if dest_shape is None:
        outer = list(x.shape[:rank])
        if perm is not None:
            unpermuted = [0] * rank
            for i, p in enumerate(perm):
                unpermuted[p] = outer[i]
            outer = unpermuted
        for pos, tile in zip(inner, tiles, strict=True):
            outer[pos] *= tile
        dest = tuple(outer)
    else:
        dest = _shape_arg(dest_shape, what)
    expected = infer_packed_shape(dest, inner, tiles, perm or ())
    if len(dest) != rank or list(expected) != list(x.shape):
        raise build_error(
            f"{what}: {type_name(x)} is not the packed form of a {list(dest)} tensor "
            f"with these tiles (expected {expected})"
        )
    init = empty(dest, x.dtype, what)
    op = UnpackOp(check_visible(x, what), init.ssa, inner, tiles, perm)
    return Tensor(emit(op, what).results[0], scope)
