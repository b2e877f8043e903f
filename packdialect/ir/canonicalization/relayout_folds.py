"""Canonicalizers of `linalg.pack` / `linalg.unpack` rooted on the op itself.

Upstream's own folds (`LinalgOps.cpp`): pack(unpack(x)) -> x,
unpack(pack(x)) -> x, drop a padding value static shapes prove unnecessary,
pack(fill(c)) -> fill(c) into the pack's dest (FillOp's canonicalizer), an
unpack into the init of the destination-style op that defines its dest, and
a `tensor.cast` that only erases static sizes folded into the pack / unpack
that uses it (`FoldTensorCast{Pack,UnPack}Op`).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Operation, OpResult, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from packdialect.ir.relayout import PackOp, RelayoutOp, UnpackOp
from packdialect.ir.relayout_utils import (
    Layout,
    Tile,
    erase_if_dead,
    padding_not_needed,
    same_scalar,
    static_tile,
    tensor_type,
)
from packdialect.ir.tensor_ops import cast_to, is_at_least_as_static

# ---------------------------------------------------------------------------
# Canonicalization patterns (root: pack or unpack)
# ---------------------------------------------------------------------------


class FoldPackOfUnpack(RewritePattern):
    """pack(unpack(x)) -> x when the layouts agree and no padding is involved."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        unpack = op.source.owner
        if not isinstance(unpack, UnpackOp):
            return
        if unpack.source.type != op.result.type or op.padding_value is not None:
            return
        if not Layout.of(op).matches(Layout.of(unpack)):
            return
        rewriter.replace(op, [], [unpack.source])


class FoldUnpackOfPack(RewritePattern):
    """unpack(pack(x)) -> x when the layouts agree and no padding is lost.

    Upstream refuses any padding value; a padded pack followed by an unpack
    to the same static shape drops exactly the padding it added, so it folds.
    """

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, UnpackOp):
            return
        pack = op.source.owner
        if not isinstance(pack, PackOp):
            return
        source_type = pack.source.type
        if source_type != op.result.type:
            return
        if (
            pack.padding_value is not None
            and not tensor_type(pack.source).has_static_shape()
        ):
            return
        if not Layout.of(op).matches(Layout.of(pack)):
            return
        rewriter.replace(op, [], [pack.source])


class DropUnneededPadding(RewritePattern):
    """Remove a padding_value when every tiled dim is statically a whole tile count."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp) or op.padding_value is None:
            return
        if not padding_not_needed(op):
            return
        new = PackOp(
            op.source,
            op.dest,
            op.get_inner_dims_pos(),
            op.get_mixed_tiles(),
            op.get_outer_dims_perm() if op.outer_dims_perm is not None else None,
            None,
            attributes=dict(op.attributes),
        )
        rewriter.replace(op, new)


class FoldFillIntoPack(RewritePattern):
    """pack(fill(c)) -> fill(c) into the pack's dest (upstream FoldFillWithPack)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        fill = op.source.owner
        if not isinstance(fill, linalg.FillOp) or len(fill.inputs) != 1:
            return
        if op.padding_value is not None and not same_scalar(
            op.padding_value, fill.inputs[0]
        ):
            return
        if not op.dest.has_one_use():
            return
        rewriter.replace(op, linalg.FillOp([fill.inputs[0]], [op.dest]))
        erase_if_dead(rewriter, fill)


class UnpackIntoDpsInit(RewritePattern):
    """unpack into the result of a destination-style op -> into that op's init.

    The unpack overwrites its whole dest, so what the op wrote is irrelevant.
    """

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, UnpackOp):
            return
        producer = op.dest.owner
        init = _dps_init_of(op.dest)
        if init is None or not isinstance(producer, Operation):
            return
        new = UnpackOp(
            op.source,
            init,
            op.get_inner_dims_pos(),
            op.get_mixed_tiles(),
            op.get_outer_dims_perm() if op.outer_dims_perm is not None else None,
            attributes=dict(op.attributes),
        )
        rewriter.replace(op, new)
        erase_if_dead(rewriter, producer)


class FoldCastIntoRelayout(RewritePattern):
    """A pack / unpack of (or into) a `tensor.cast` that only erases static
    sizes uses the cast's source; tiles the new packed type makes static become
    static, and the result is cast back to its old type (which folds into a
    consumer cast). Upstream's FoldTensorCastPackOp / FoldTensorCastUnPackOp.
    """

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, RelayoutOp):
            return
        source, dest = _uncast(op.source), _uncast(op.dest)
        if source is op.source and dest is op.dest:
            return
        packed = dest if isinstance(op, PackOp) else source
        tiles = _tiles_for(tensor_type(packed).get_shape(), op.get_mixed_tiles())
        if tiles is None:
            return
        perm = op.get_outer_dims_perm() if op.outer_dims_perm is not None else None
        if isinstance(op, PackOp):
            new: RelayoutOp = PackOp(
                source,
                dest,
                op.get_inner_dims_pos(),
                tiles,
                perm,
                op.padding_value,
                attributes=dict(op.attributes),
            )
        else:
            new = UnpackOp(
                source,
                dest,
                op.get_inner_dims_pos(),
                tiles,
                perm,
                attributes=dict(op.attributes),
            )
        if new.result.type == op.result.type:
            rewriter.replace(op, new)
            return
        back = cast_to(new.result, op.result.type)
        rewriter.replace(op, [new, back], [back.results[0]])


def _uncast(value: SSAValue) -> SSAValue:
    """The source of a cast producing `value` that can fold into its user."""
    cast = value.owner
    if isinstance(cast, tensor.CastOp) and is_at_least_as_static(
        cast.source.type, cast.dest.type
    ):
        return cast.source
    return value


def _tiles_for(packed_shape: Sequence[int], tiles: Sequence[Tile]) -> list[Tile] | None:
    """The tiles made static where the packed type's tile dim is static; None
    when an SSA tile there is not a matching constant (the fold would need a
    run-time check)."""
    new: list[Tile] = []
    trailing = packed_shape[len(packed_shape) - len(tiles) :]
    for size, tile in zip(trailing, tiles, strict=True):
        if size == DYNAMIC_INDEX or isinstance(tile, int):
            new.append(tile)
        elif static_tile(tile) == size:
            new.append(size)
        else:
            return None
    return new


def _dps_init_of(value: SSAValue) -> SSAValue | None:
    """The init tied to `value` when a destination-style op produced it."""
    if not isinstance(value, OpResult):
        return None
    owner = value.op
    if isinstance(owner, LinalgStructuredOperation | linalg.TransposeOp):
        outputs = owner.outputs  # pyright: ignore[reportAttributeAccessIssue]
        return outputs[value.index] if value.index < len(outputs) else None
    if isinstance(owner, RelayoutOp):
        return owner.dest
    return None
