"""Constant folding of `linalg.pack` / `linalg.unpack` (numpy, at compile time).

A pack / unpack of an `arith.constant` becomes the constant of the packed /
unpacked value (upstream folds splats only; dense constants are packed here
too, with numpy, so weights cost no run-time pack; `dense_resource<...>`
constants as well, the result a new resource). Elements are moved as raw
bit patterns, so every element type of a known byte size folds exactly.
Part of `canonicalize` (`packdialect.ir.canonicalization`).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IntegerAttr,
    TensorType,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from packdialect.diagnostics import Refused
from packdialect.ir.dtypes import bits_dtype
from packdialect.ir.relayout import PackOp, UnpackOp
from packdialect.ir.relayout_arrays import pack_array, unpack_array
from packdialect.ir.relayout_utils import Layout, constant_attr
from packdialect.ir.resources import dense_elements, in_form_of

MAX_FOLDED_CONSTANT_BYTES = 1 << 26
"""Constants larger than this (64 MiB) are not packed at compile time."""


def _dense_constant(value: SSAValue) -> DenseIntOrFPElementsAttr | None:
    """The elements of the `arith.constant` defining `value` (a `dense<...>`
    or a `dense_resource<...>` read from its blob), looking through
    `tensor.expand_shape` / `collapse_shape` (a reshape of a row-major
    constant is the same bytes: upstream folds it too), else None."""
    owner = value.owner
    if isinstance(owner, tensor.ExpandShapeOp | tensor.CollapseShapeOp):
        inner = _dense_constant(owner.src)
        result_type = owner.result.type
        if inner is None or not isinstance(result_type, TensorType):
            return None
        if not result_type.has_static_shape():
            return None
        return DenseIntOrFPElementsAttr(result_type, inner.data)
    attr = constant_attr(value)
    if attr is None:
        return None
    dense = dense_elements(attr)
    return None if isinstance(dense, Refused) else dense


def _root_constant(value: SSAValue) -> Attribute | None:
    """The attribute of the constant under any reshapes of `value`."""
    owner = value.owner
    while isinstance(owner, tensor.ExpandShapeOp | tensor.CollapseShapeOp):
        owner = owner.src.owner
    if isinstance(owner, arith.ConstantOp):
        return owner.value
    return None


def dense_bits(attr: DenseIntOrFPElementsAttr) -> np.ndarray | None:
    """The elements of a dense attribute as raw bit patterns, shaped."""
    dtype = bits_dtype(attr.get_element_type())
    if dtype is None:
        return None
    flat = np.frombuffer(attr.data.data, dtype=dtype)
    count = int(np.prod(attr.get_shape(), dtype=np.int64))
    if flat.size == 1 and count != 1:
        flat = np.full(count, flat[0], dtype=dtype)
    if flat.size != count:
        return None
    return flat.reshape(attr.get_shape())


def scalar_bits(attr: Attribute, element_type: Attribute) -> int | None:
    """The bit pattern of a scalar constant of `element_type`."""
    dtype = bits_dtype(element_type)
    if dtype is None or not isinstance(attr, IntegerAttr | FloatAttr):
        return None
    packer = getattr(element_type, "pack", None)
    if packer is None:
        return None
    raw = packer([attr.value.data])
    return int(np.frombuffer(raw, dtype=dtype)[0])


def bits_to_dense(
    bits: np.ndarray, result_type: TensorType[Attribute]
) -> DenseIntOrFPElementsAttr:
    """A dense attribute of `result_type` holding raw bit patterns."""
    data = np.ascontiguousarray(bits, dtype=bits.dtype.newbyteorder("<")).tobytes()
    return DenseIntOrFPElementsAttr(result_type, BytesAttr(data))


def fold_constant_pack(op: PackOp) -> DenseIntOrFPElementsAttr | None:
    """The packed constant for a pack of an `arith.constant`, else None."""
    attr = _dense_constant(op.source)
    result_type = op.packed_type()
    layout = Layout.of(op)
    tiles = layout.static_tiles()
    if not isinstance(attr, DenseIntOrFPElementsAttr) or tiles is None:
        return None
    if not result_type.has_static_shape() or _too_large(result_type):
        return None
    bits = dense_bits(attr)
    if bits is None:
        return None
    pad_bits = 0
    if op.padding_value is not None:
        pad_attr = constant_attr(op.padding_value)
        pad = (
            None if pad_attr is None else scalar_bits(pad_attr, attr.get_element_type())
        )
        if pad is None:
            return None
        pad_bits = pad
    n = len(attr.get_shape())
    packed = pack_array(
        bits,
        layout.inner_dims_pos,
        tiles,
        layout.outer_dims_perm,
        bits.dtype.type(pad_bits),
        result_type.get_shape()[:n],
    )
    return bits_to_dense(packed, result_type)


def fold_constant_unpack(op: UnpackOp) -> DenseIntOrFPElementsAttr | None:
    """The unpacked constant for an unpack of an `arith.constant`, else None."""
    attr = _dense_constant(op.source)
    result_type = op.unpacked_type()
    tiles = Layout.of(op).static_tiles()
    if not isinstance(attr, DenseIntOrFPElementsAttr) or tiles is None:
        return None
    if not result_type.has_static_shape() or _too_large(result_type):
        return None
    bits = dense_bits(attr)
    if bits is None:
        return None
    layout = Layout.of(op)
    unpacked = unpack_array(
        bits,
        layout.inner_dims_pos,
        tiles,
        layout.outer_dims_perm,
        result_type.get_shape(),
    )
    return bits_to_dense(unpacked, result_type)


def _too_large(t: TensorType[Attribute]) -> bool:
    size = getattr(t.get_element_type(), "compile_time_size", 8) or 8
    count = 1
    for d in t.get_shape():
        count *= d
    return count * size > MAX_FOLDED_CONSTANT_BYTES


class FoldConstantPack(RewritePattern):
    """pack(arith.constant) -> arith.constant of the packed value."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        attr = fold_constant_pack(op)
        if attr is None:
            return
        attr = in_form_of(_root_constant(op.source), attr)
        rewriter.replace(op, arith.ConstantOp(attr, op.result.type))


class FoldConstantUnpack(RewritePattern):
    """unpack(arith.constant) -> arith.constant of the unpacked value."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, UnpackOp):
            return
        attr = fold_constant_unpack(op)
        if attr is None:
            return
        attr = in_form_of(_root_constant(op.source), attr)
        rewriter.replace(op, arith.ConstantOp(attr, op.result.type))
