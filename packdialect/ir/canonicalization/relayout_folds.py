"""Canonicalizers of `linalg.pack` / `linalg.unpack` rooted on the op itself.

Upstream's own folds (`LinalgOps.cpp`): pack(unpack(x)) -> x,
unpack(pack(x)) -> x, drop a padding value static shapes prove unnecessary,
pack(fill(c)) -> fill(c) into the pack's dest (FillOp's canonicalizer), and
an unpack into the init of the destination-style op that defines its dest.
"""

from __future__ import annotations

from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Operation, OpResult, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from packdialect.ir.relayout import PackOp, RelayoutOp, UnpackOp
from packdialect.ir.relayout_utils import (
    Layout,
    erase_if_dead,
    padding_not_needed,
    same_scalar,
    tensor_type,
)

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
