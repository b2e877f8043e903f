"""The pack/unpack pattern sets upstream keeps apart from `canonicalize`.

`fold-into-pack-unpack`, `simplify-pack-unpack` and
`fold-pack-unpack-into-empty` only turn their (empty) options into the
pattern sets of `packdialect.ir.canonicalization` and apply them greedily.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from packdialect.ir.canonicalization import (
    fold_into_pack_unpack_patterns,
    fold_pack_unpack_into_empty_patterns,
    simplify_pack_unpack_patterns,
)
from passes.utils.patterns import apply_patterns


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
