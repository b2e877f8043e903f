"""Propagating packs and unpacks through `tensor.pad` and reshapes (upstream's
`BubbleUpPackThroughPadOp`, `PushDownUnPackThroughPadOp`, and the
collapse/expand_shape propagations)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects import tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    TensorType,
)
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
)

from packdialect.diagnostics import Refused
from packdialect.ir.ops import PackOp, UnpackOp
from packdialect.ir.relayout import infer_packed_shape
from packdialect.ir.relayout_utils import (
    ControlFn,
    Inserter,
    Layout,
    always,
    build_pad,
    collapse_shape,
    expand_shape,
    mixed_pads,
    normalized_perm,
    operand_use,
    pad_constant_value,
    padded_dims,
    reassociation,
    tensor_type,
)

# ---------------------------------------------------------------------------
# tensor.pad
# ---------------------------------------------------------------------------
from passes.propagation.generic import tiles_dominate


def _tiled_dims_padded(pad: tensor.PadOp, inner_dims_pos: Sequence[int]) -> bool:
    padded = padded_dims(pad)
    return any(padded[d] for d in inner_dims_pos)


def _permuted_pads(
    pad: tensor.PadOp, layout: Layout
) -> tuple[list[int | SSAValue], list[int | SSAValue]]:
    """The pad amounts of the packed tensor: outer dims permuted, tiles unpadded."""
    low, high = mixed_pads(pad)
    if layout.outer_dims_perm:
        low = [low[d] for d in layout.outer_dims_perm]
        high = [high[d] for d in layout.outer_dims_perm]
    zeros: list[int | SSAValue] = [0] * len(layout.tiles)
    return low + zeros, high + zeros


def bubble_up_pack_through_pad(
    rewriter: PatternRewriter, pack: PackOp, control: ControlFn = always
) -> SSAValue | Refused:
    """pack(pad(x)) -> pad(pack(x)) when no padded dim is tiled."""
    pad = pack.source.owner
    if not isinstance(pad, tensor.PadOp):
        return Refused("the pack source is not a tensor.pad")
    if not control(operand_use(pack, 0)):
        return Refused("the control function refused")
    if pack.padding_value is not None:
        return Refused("the pack has a padding value")
    value = pad_constant_value(pad)
    if value is None:
        return Refused("the pad value is not a constant")
    if not isinstance(pack.dest.owner, tensor.EmptyOp):
        return Refused("the pack dest is not a tensor.empty")
    layout = Layout.of(pack)
    if _tiled_dims_padded(pad, layout.inner_dims_pos):
        return Refused("a padded dim is tiled")
    if not tiles_dominate(layout.tiles, pad):
        return Refused("a dynamic tile size does not dominate the pad")
    insert = Inserter(rewriter, pad)
    packed = insert.pack(pad.source, layout)
    low, high = _permuted_pads(pad, layout)
    new_pad = build_pad(insert, packed.result, low, high, value, pad.nofold)
    if not pad.result.has_one_use():
        unpacked = insert.unpack(new_pad.result, layout)
        rewriter.replace_uses_with_if(
            pad.result, unpacked.result, lambda use: use.operation is not pack
        )
    return new_pad.result


def push_down_unpack_through_pad(
    rewriter: PatternRewriter, pad: tensor.PadOp, control: ControlFn = always
) -> SSAValue | Refused:
    """pad(unpack(x)) -> unpack(pad(x)) when no padded dim is tiled."""
    unpack = pad.source.owner
    if not isinstance(unpack, UnpackOp):
        return Refused("the pad source is not a linalg.unpack")
    if not control(operand_use(pad, 0)):
        return Refused("the control function refused")
    layout = Layout.of(unpack)
    if _tiled_dims_padded(pad, layout.inner_dims_pos):
        return Refused("a padded dim is tiled")
    value = pad_constant_value(pad)
    if value is None:
        return Refused("the pad value is not a constant")
    result_type = tensor_type(pad.result)
    if not result_type.has_static_shape():
        return Refused("dynamic pad results are not supported")
    insert = Inserter(rewriter, pad)
    low, high = _permuted_pads(pad, layout)
    new_pad = build_pad(insert, unpack.source, low, high, value, pad.nofold)
    dest = insert.empty(result_type.get_shape(), result_type.get_element_type())
    return insert.unpack(new_pad.result, layout, dest).result


@dataclass
class BubbleUpPackThroughPad(RewritePattern):
    """Pattern around `bubble_up_pack_through_pad`."""

    control: ControlFn = always

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        new = bubble_up_pack_through_pad(rewriter, op, self.control)
        if not isinstance(new, Refused):
            rewriter.replace(op, [], [new])


@dataclass
class PushDownUnpackThroughPad(RewritePattern):
    """Pattern around `push_down_unpack_through_pad`."""

    control: ControlFn = always

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, tensor.PadOp):
            return
        new = push_down_unpack_through_pad(rewriter, op, self.control)
        if not isinstance(new, Refused):
            rewriter.replace(op, [], [new])


# ---------------------------------------------------------------------------
# Reshapes
# ---------------------------------------------------------------------------


def _groups(op: tensor.CollapseShapeOp | tensor.ExpandShapeOp) -> list[list[int]]:
    return [[d.value.data for d in group] for group in op.reassociation]  # pyright: ignore[reportAttributeAccessIssue]


def _innermost_non_unit(
    positions: Sequence[int], groups: Sequence[Sequence[int]], shape: Sequence[int]
) -> list[int]:
    """Upstream's projectToInnerMostNonUnitDimsPos."""
    projected: list[int] = []
    for pos in positions:
        pick = groups[pos][-1]
        for d in reversed(groups[pos]):
            if shape[d] == DYNAMIC_INDEX or shape[d] > 1:
                pick = d
                break
        projected.append(pick)
    return projected


def _divisible(
    positions: Sequence[int], shape: Sequence[int], tiles: Sequence[int]
) -> bool:
    return all(
        shape[p] != DYNAMIC_INDEX and shape[p] % t == 0
        for p, t in zip(positions, tiles, strict=True)
    )


def _permuted_groups(
    groups: Sequence[Sequence[int]], perm: Sequence[int], num_tiles: int
) -> list[list[int]]:
    """Groups in outer-perm order, renumbered, plus one group per tile dim."""
    ordered = [groups[p] for p in perm] if perm else list(groups)
    result: list[list[int]] = []
    next_dim = 0
    for group in ordered:
        result.append(list(range(next_dim, next_dim + len(group))))
        next_dim += len(group)
    result += [[next_dim + i] for i in range(num_tiles)]
    return result


def _reshape_fits(
    collapsed: Sequence[int], expanded: Sequence[int], groups: Sequence[Sequence[int]]
) -> bool:
    """Every collapsed size is the product of its (static) group."""
    for size, group in zip(collapsed, groups, strict=True):
        product = 1
        for d in group:
            product *= expanded[d]
        if size == DYNAMIC_INDEX or DYNAMIC_INDEX in [expanded[d] for d in group]:
            return False
        if product != size:
            return False
    return True


def bubble_up_pack_through_collapse(
    rewriter: PatternRewriter, pack: PackOp, collapse: tensor.CollapseShapeOp
) -> SSAValue | Refused:
    """pack(collapse_shape(x)) -> collapse_shape(pack(x)) on the innermost non-unit dim."""
    layout = Layout.of(pack)
    tiles = layout.static_tiles()
    assert tiles is not None
    src_shape = tensor_type(collapse.src).get_shape()
    groups = _groups(collapse)
    projected = _innermost_non_unit(layout.inner_dims_pos, groups, src_shape)
    if not _divisible(projected, src_shape, tiles):
        return Refused("a projected dim is not divisible by its tile")
    perm = [d for q in layout.outer_dims_perm for d in groups[q]]
    new_layout = Layout(tuple(projected), layout.tiles, normalized_perm(perm))
    result_type = pack.result.type
    assert isinstance(result_type, TensorType)
    new_shape = infer_packed_shape(src_shape, projected, tiles, perm)
    new_groups = _permuted_groups(groups, layout.outer_dims_perm, len(tiles))
    if not _reshape_fits(result_type.get_shape(), new_shape, new_groups):
        return Refused("the packed shapes do not reassociate")
    insert = Inserter(rewriter, pack)
    packed = insert.pack(collapse.src, new_layout, pack.padding_value)
    return insert(collapse_shape(packed.result, new_groups, result_type)).results[0]


def bubble_up_pack_through_expand(
    rewriter: PatternRewriter, pack: PackOp, expand: tensor.ExpandShapeOp
) -> SSAValue | Refused:
    """pack(expand_shape(x)) -> expand_shape(pack(x)) packing the innermost dim."""
    layout = Layout.of(pack)
    tiles = layout.static_tiles()
    assert tiles is not None
    if layout.outer_dims_perm:
        return Refused("a non-identity outer_dims_perm is not supported")
    groups = _groups(expand)
    packed_dims = set(layout.inner_dims_pos)
    for group in groups:
        inside = [d for d in group if d in packed_dims]
        if len(inside) > 1:
            return Refused("several dims of one expanded group are packed")
        if inside and inside[0] != group[-1]:
            return Refused("only the innermost expanded dim may be packed")
    expanded_shape = tensor_type(expand.result).get_shape()
    if not _divisible(layout.inner_dims_pos, expanded_shape, tiles):
        return Refused("a packed dim is not divisible by its tile")
    projected = [
        next(i for i, g in enumerate(groups) if pos in g)
        for pos in layout.inner_dims_pos
    ]
    src_shape = tensor_type(expand.src).get_shape()
    new_shape = infer_packed_shape(src_shape, projected, tiles)
    result_type = tensor_type(pack.result)
    new_groups = reassociation(new_shape, result_type.get_shape())
    if new_groups is None:
        return Refused("could not reassociate dims after bubbling up")
    insert = Inserter(rewriter, pack)
    new_layout = Layout(tuple(projected), layout.tiles)
    packed = insert.pack(expand.src, new_layout, pack.padding_value)
    return insert(expand_shape(packed.result, new_groups, result_type)).results[0]


def bubble_up_pack_through_reshape(
    rewriter: PatternRewriter, pack: PackOp, control: ControlFn = always
) -> SSAValue | Refused:
    """Dispatch to the collapse_shape / expand_shape cases."""
    source = pack.source.owner
    if not isinstance(source, tensor.CollapseShapeOp | tensor.ExpandShapeOp):
        return Refused("the pack source is not a reshape")
    if not pack.source.has_one_use():
        return Refused("the reshape result has other uses")
    if Layout.of(pack).static_tiles() is None:
        return Refused("dynamic tile sizes are not supported")
    if not control(operand_use(pack, 0)):
        return Refused("the control function refused")
    if not tensor_type(pack.result).has_static_shape():
        return Refused("dynamic shapes are not supported")
    if isinstance(source, tensor.CollapseShapeOp):
        return bubble_up_pack_through_collapse(rewriter, pack, source)
    return bubble_up_pack_through_expand(rewriter, pack, source)


def push_down_unpack_through_expand(
    rewriter: PatternRewriter, unpack: UnpackOp, control: ControlFn = always
) -> tuple[Operation, SSAValue] | Refused:
    """expand_shape(unpack(x)) -> unpack(expand_shape(x)); returns (expand, new value)."""
    if not unpack.result.has_one_use():
        return Refused("the unpack result has several uses")
    expand = next(iter(unpack.result.uses)).operation
    if not isinstance(expand, tensor.ExpandShapeOp):
        return Refused("the unpack user is not a tensor.expand_shape")
    layout = Layout.of(unpack)
    tiles = layout.static_tiles()
    if tiles is None:
        return Refused("dynamic tile sizes are not supported")
    if not control(operand_use(expand, 0)):
        return Refused("the control function refused")
    result_type = tensor_type(expand.result)
    dst_shape = result_type.get_shape()
    if not result_type.has_static_shape():
        return Refused("dynamic shapes are not supported")
    groups = _groups(expand)
    projected = _innermost_non_unit(layout.inner_dims_pos, groups, dst_shape)
    if not _divisible(projected, dst_shape, tiles):
        return Refused("a projected dim is not divisible by its tile")
    perm = [d for q in layout.outer_dims_perm for d in groups[q]]
    new_groups = _permuted_groups(groups, layout.outer_dims_perm, len(tiles))
    new_shape = infer_packed_shape(dst_shape, projected, tiles, perm)
    packed_shape = tensor_type(unpack.source).get_shape()
    if not _reshape_fits(packed_shape, new_shape, new_groups):
        return Refused("the packed shapes do not reassociate")
    insert = Inserter(rewriter, expand)
    new_type = TensorType(result_type.get_element_type(), new_shape)
    expanded = insert(expand_shape(unpack.source, new_groups, new_type)).results[0]
    dest = insert.empty(dst_shape, result_type.get_element_type())
    new_layout = Layout(tuple(projected), layout.tiles, normalized_perm(perm))
    return expand, insert.unpack(expanded, new_layout, dest).result


@dataclass
class BubbleUpPackThroughReshape(RewritePattern):
    """Pattern around `bubble_up_pack_through_reshape`."""

    control: ControlFn = always

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        reshape = op.source.owner
        new = bubble_up_pack_through_reshape(rewriter, op, self.control)
        if isinstance(new, Refused):
            return
        rewriter.replace(op, [], [new])
        if isinstance(reshape, Operation) and not reshape.results[0].uses:
            rewriter.erase(reshape)


@dataclass
class PushDownUnpackThroughReshape(RewritePattern):
    """Pattern around `push_down_unpack_through_expand`."""

    control: ControlFn = always

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, UnpackOp):
            return
        new = push_down_unpack_through_expand(rewriter, op, self.control)
        if isinstance(new, Refused):
            return
        expand, value = new
        rewriter.replace(expand, [], [value])
        rewriter.erase(op)
