"""`linalg-generalize-named-ops`: named linalg ops become `linalg.generic`.

Upstream's pass generalizes every op of the LinalgOp interface; xDSL 0.74's
only its named ops. This one also generalizes `linalg.map` and
`linalg.elementwise` (packdialect/ir/elementwise_ops.py), which the rest of
the pipeline only knows as generics. `map-and-elementwise-only=true` leaves
the named ops alone (the first stage of cpu-pipeline).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern
from xdsl.transforms.linalg_generalize_named_ops import GeneralizeNamedOpPattern

from packdialect.ir.elementwise_ops import ElementwiseOp, MapOp
from passes.utils.patterns import apply_patterns


class GeneralizeMapAndElementwise(RewritePattern):
    """`linalg.map` / `linalg.elementwise` -> the `linalg.generic` they stand for."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if isinstance(op, MapOp | ElementwiseOp):
            rewriter.replace(op, op.generalize())


@dataclass(frozen=True)
class LinalgGeneralizeNamedOpsPass(ModulePass):
    """Named linalg ops, `linalg.map` and `linalg.elementwise` -> linalg.generic."""

    name = "linalg-generalize-named-ops"

    map_and_elementwise_only: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        patterns: list[RewritePattern] = [GeneralizeMapAndElementwise()]
        if not self.map_and_elementwise_only:
            patterns.append(GeneralizeNamedOpPattern())
        apply_patterns(op, patterns)
