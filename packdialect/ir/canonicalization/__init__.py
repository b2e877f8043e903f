"""Folds and canonicalizations of `linalg.pack` / `linalg.unpack`, beside the ops.

Mirrors upstream MLIR's split (`LinalgOps.cpp` canonicalizers, `FillOp`
canonicalizers, `PackAndUnpackPatterns.cpp`):

- **canonicalize** (`canonicalization_patterns`; the ops' canonicalization
  trait hands them to xDSL's `canonicalize`): pack(unpack(x)) -> x,
  unpack(pack(x)) -> x, drop a padding value static shapes prove
  unnecessary, pack(fill(c)) -> fill(c) into the pack's dest, unpack into
  the init of the destination-style op that defines its dest (all in
  `relayout_folds`, with the fold of a `tensor.cast` that only erases
  static sizes into the pack / unpack that uses it), and constant folding of a pack / unpack of an
  `arith.constant` (`constant_folds`: upstream folds splats only; dense
  constants are packed here too, with numpy, so weights cost no run-time
  pack).
- **fold-into-pack-unpack** (`fold_into_pack_unpack_patterns`): pad -> pack,
  transpose <-> pack / unpack, unpack -> extract_slice.
- **simplify-pack-unpack** (`simplify_pack_unpack_patterns`): a pack that
  only splits the innermost dim -> `tensor.expand_shape`, the mirror unpack
  -> `tensor.collapse_shape`.
- **fold-pack-unpack-into-empty** (`fold_pack_unpack_into_empty_patterns`):
  pack / unpack of `tensor.empty` -> the dest.

The last three pattern sets are applied by the thin passes of
`passes/pack_folds.py`. Importing this package installs
`canonicalization_patterns` into the ops' `RelayoutCanonicalization` trait
(`packdialect.ir.context` imports it), so the op definitions never import
their patterns and the two layers do not import each other.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import RewritePattern

from packdialect.ir.canonicalization.constant_folds import (
    FoldConstantPack,
    FoldConstantUnpack,
)
from packdialect.ir.canonicalization.fold_into import (
    FoldPadIntoPack,
    FoldTransposeIntoPack,
    FoldTransposeIntoUnpack,
    fold_into_pack_unpack_patterns,
    fold_pack_unpack_into_empty_patterns,
    simplify_pack_unpack_patterns,
)
from packdialect.ir.canonicalization.relayout_folds import (
    DropUnneededPadding,
    FoldCastIntoRelayout,
    FoldFillIntoPack,
    FoldPackOfUnpack,
    FoldUnpackOfPack,
    UnpackIntoDpsInit,
)
from packdialect.ir.relayout import RelayoutCanonicalization


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
        FoldCastIntoRelayout(),
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


RelayoutCanonicalization.install(canonicalization_patterns)

__all__ = [
    "canonicalization_patterns",
    "fold_into_pack_unpack_patterns",
    "fold_pack_unpack_into_empty_patterns",
    "simplify_pack_unpack_patterns",
]
