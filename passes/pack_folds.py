"""Folds and canonicalizations of `linalg.pack` / `linalg.unpack`.

Mirrors upstream MLIR's split (`LinalgOps.cpp` canonicalizers,
`FillOp` canonicalizers, `PackAndUnpackPatterns.cpp`):

- **canonicalize** (`canonicalization_patterns`, attached to the ops by the
  `RelayoutCanonicalization` trait, so xDSL's `canonicalize` picks them up):
  pack(unpack(x)) -> x, unpack(pack(x)) -> x, drop a padding value static
  shapes prove unnecessary, pack(fill(c)) -> fill(c) into the pack's dest,
  unpack into the init of the destination-style op that defines its dest,
  and constant folding of a pack / unpack of an `arith.constant` (upstream
  folds splats only; dense constants are packed here too, with numpy, so
  weights cost no run-time pack).
- **fold-into-pack-unpack** (`fold_into_pack_unpack_patterns`): pad -> pack,
  transpose <-> pack / unpack, unpack -> extract_slice.
- **simplify-pack-unpack** (`simplify_pack_unpack_patterns`): a pack that
  only splits the innermost dim -> `tensor.expand_shape`, the mirror unpack ->
  `tensor.collapse_shape`.
- **fold-pack-unpack-into-empty** (`fold_pack_unpack_into_empty_patterns`):
  pack / unpack of `tensor.empty` -> the dest.

This module holds the canonicalizers and the passes; the constant folds are
in `passes.pack_constant_folds`, the three pattern sets in
`passes.pack_fold_into`, the helpers they share in `passes.pack_utils` (the
names other modules import from here are re-exported).

`packdialect/relayout.py` defines `RelayoutCanonicalization`, which imports
`canonicalization_patterns` from here lazily.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Operation, OpResult, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)

from packdialect.relayout import PackOp, RelayoutOp, UnpackOp
from passes.pack_constant_folds import (
    FoldConstantPack,
    FoldConstantUnpack,
    dense_bits,
    fold_constant_pack,
    fold_constant_unpack,
)
from passes.pack_fold_into import (
    FoldPadIntoPack,
    FoldTransposeIntoPack,
    FoldTransposeIntoUnpack,
    fold_into_pack_unpack_patterns,
    fold_pack_unpack_into_empty_patterns,
    simplify_pack_unpack_patterns,
)
from passes.pack_utils import (
    ControlFn,
    Inserter,
    Layout,
    erase_if_dead,
    normalized_perm,
    padding_not_needed,
    reassociation,
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


def canonicalization_patterns() -> tuple[RewritePattern, ...]:
    """The patterns `canonicalize` applies to pack / unpack.

    Upstream's own canonicalizers plus, as the project asks, the folds of a
    pad or transpose into the pack / unpack that consumes it and of
    `tensor.empty` (upstream keeps those in separate pattern sets). Folds
    rooted on other ops (a transpose of a pack or unpack, an extract_slice of
    an unpack) stay in `fold-into-pack-unpack`: canonicalize only applies an
    op's own patterns. The split of a pack into `expand_shape` stays in
    `simplify-pack-unpack`: it would stop packs from cancelling.
    """
    return (
        FoldPackOfUnpack(),
        DropUnneededPadding(),
        FoldFillIntoPack(),
        FoldConstantPack(),
        FoldUnpackOfPack(),
        UnpackIntoDpsInit(),
        FoldConstantUnpack(),
        FoldPadIntoPack(None),
        FoldTransposeIntoPack(None),
        FoldTransposeIntoUnpack(None),
        *fold_pack_unpack_into_empty_patterns(),
    )


# ---------------------------------------------------------------------------
# Passes
# ---------------------------------------------------------------------------


def apply_patterns(module: ModuleOp, patterns: Sequence[RewritePattern]) -> None:
    """Apply `patterns` greedily to a fixed point (dead pure ops are erased)."""
    PatternRewriteWalker(GreedyRewritePatternApplier(list(patterns))).rewrite_module(
        module
    )


@dataclass(frozen=True)
class FoldIntoPackUnpackPass(ModulePass):
    """Fold pads, transposes and slices into neighbouring packs / unpacks."""

    name = "fold-into-pack-unpack"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_patterns(op, fold_into_pack_unpack_patterns())


@dataclass(frozen=True)
class SimplifyPackUnpackPass(ModulePass):
    """Rewrite packs / unpacks that are only reshapes into expand / collapse_shape."""

    name = "simplify-pack-unpack"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_patterns(op, simplify_pack_unpack_patterns())


@dataclass(frozen=True)
class FoldPackUnpackIntoEmptyPass(ModulePass):
    """Replace packs / unpacks of `tensor.empty` by their dest."""

    name = "fold-pack-unpack-into-empty"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_patterns(op, fold_pack_unpack_into_empty_patterns())


__all__ = [
    "ControlFn",
    "FoldIntoPackUnpackPass",
    "FoldPackUnpackIntoEmptyPass",
    "Inserter",
    "Layout",
    "SimplifyPackUnpackPass",
    "canonicalization_patterns",
    "dense_bits",
    "fold_constant_pack",
    "fold_constant_unpack",
    "fold_into_pack_unpack_patterns",
    "fold_pack_unpack_into_empty_patterns",
    "normalized_perm",
    "reassociation",
    "simplify_pack_unpack_patterns",
]
