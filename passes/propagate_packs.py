"""`propagate-packs`: move packs up and unpacks down until they meet and cancel.

Mirrors upstream MLIR's data-layout propagation
(mlir/lib/Dialect/Linalg/Transforms/DataLayoutPropagation.cpp,
`populateDataLayoutPropagationPatterns`), conservative in the same places:

- bubble a `linalg.pack` up through its producer: a `linalg.generic`
  (elementwise, broadcast operands, transposed maps, reductions over other
  loops), a `tensor.pad`, a `tensor.collapse_shape` or `tensor.expand_shape`;
- push a `linalg.unpack` down through its consumer: a `linalg.generic`, a
  `tensor.pad` or a `tensor.expand_shape`.

Each rewrite is a core function returning the replacement or a `Refused`
with the reason; `data_layout_propagation_patterns(control)` builds the
patterns (the control function sees the operand, as an xDSL `Use`, that
would be propagated through); `PropagatePacksPass` applies them.

Refusals (as upstream): a body using `linalg.index` / `tensor.extract`, a
generic with several results or a result with several uses, a pack with a
padding value, a tiled loop that is not a parallel bare dim in every map, a
pack dest that would not dominate, and packs that the rewrite would have to
create with padding. `report=true` remarks, at every pack / unpack left,
why it could not move (`passes/propagation/report.py`). The option `poison-padding`
declares padded elements don't-care: then a pack with a padding value may
move and new packs may pad (with zero, a valid refinement of upstream's
`ub.poison`).

Named elementwise ops (`linalg.add`, ...) next to a pack / unpack are
generalized first, as upstream expects `linalg.generic`.

Beyond upstream, on purpose: iterator types follow an outer permutation that
moves loops, and map results like `d0 + d1` on untiled loops are renamed
instead of crashing; packs that would be no-ops are not created; an unpack
is pushed down through a reduction of its tiled dim when no padding is
needed (the reduction then runs over the outer and the point loop: softmax
and LayerNorm reduce a packed dim), and through a generic with several
unpacked operands (the one with the most tiles drives; the others are read
packed when their layout is the one the loops give them, else packed):
residual adds and normalizations read two unpacked values. Identical packs
of one value are built once.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import (
    ModuleOp,
)
from xdsl.dialects.linalg.abstract_ops import ElementwiseOperation
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.transforms.linalg_generalize_named_ops import GeneralizeNamedOpPattern

from packdialect.diagnostics import remark_at
from packdialect.ir.ops import PackOp, UnpackOp
from packdialect.ir.relayout_utils import (
    ControlFn,
    always,
)
from passes.propagation.generic import (
    BubbleUpPackThroughGeneric,
    PackInfo,
    PushDownUnpackThroughGeneric,
    bubble_up_pack_through_generic,
    packed_view,
    packing_info,
    push_down_unpack_through_generic,
)
from passes.propagation.pad_reshape import (
    BubbleUpPackThroughPad,
    BubbleUpPackThroughReshape,
    PushDownUnpackThroughPad,
    PushDownUnpackThroughReshape,
    bubble_up_pack_through_pad,
    bubble_up_pack_through_reshape,
    push_down_unpack_through_expand,
    push_down_unpack_through_pad,
)
from passes.propagation.report import explain, remaining, report_location

# ---------------------------------------------------------------------------
# Named elementwise ops
# ---------------------------------------------------------------------------


def _next_to_relayout(op: Operation) -> bool:
    if any(isinstance(v.owner, UnpackOp) for v in op.operands):
        return True
    return any(isinstance(u.operation, PackOp) for r in op.results for u in r.uses)


class GeneralizeElementwiseNextToRelayout(RewritePattern):
    """A named elementwise op fed by an unpack or feeding a pack -> linalg.generic.

    Delegates to xDSL's GeneralizeNamedOpPattern; other named ops stay named.
    """

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, ElementwiseOperation) or not op.results:
            return
        if _next_to_relayout(op):
            GeneralizeNamedOpPattern().match_and_rewrite(op, rewriter)


# ---------------------------------------------------------------------------
# Pattern list and pass
# ---------------------------------------------------------------------------


def data_layout_propagation_patterns(
    control: ControlFn = always, poison_padding: bool = False
) -> list[RewritePattern]:
    """Upstream's populateDataLayoutPropagationPatterns (plus generalization)."""
    return [
        GeneralizeElementwiseNextToRelayout(),
        BubbleUpPackThroughGeneric(control, poison_padding),
        BubbleUpPackThroughPad(control),
        BubbleUpPackThroughReshape(control),
        PushDownUnpackThroughGeneric(control, poison_padding),
        PushDownUnpackThroughPad(control),
        PushDownUnpackThroughReshape(control),
    ]


@dataclass(frozen=True)
class PropagatePacksPass(ModulePass):
    """Move packs up and unpacks down through generics, pads and reshapes.

    Run `canonicalize` afterwards to cancel the unpack -> pack pairs that meet
    and to fold packs of constants and fills.
    """

    name = "propagate-packs"

    poison_padding: bool = False
    """Padded elements are don't-care: padded packs may move, new packs may pad.

    Only sound when no consumer reads padded elements as values; a contraction
    reducing over a padded dim needs its zero padding, which a bubbled pack no
    longer guarantees.
    """

    report: bool = False
    """Remark, at each pack / unpack left, why it could not move further."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        patterns = data_layout_propagation_patterns(poison_padding=self.poison_padding)
        PatternRewriteWalker(GreedyRewritePatternApplier(patterns)).rewrite_module(op)
        if not self.report:
            return
        for relayout in remaining(op):
            remark_at(report_location(relayout), explain(relayout, self.poison_padding))


__all__ = [
    "PackInfo",
    "PropagatePacksPass",
    "bubble_up_pack_through_generic",
    "bubble_up_pack_through_pad",
    "bubble_up_pack_through_reshape",
    "data_layout_propagation_patterns",
    "packed_view",
    "packing_info",
    "push_down_unpack_through_expand",
    "push_down_unpack_through_generic",
    "push_down_unpack_through_pad",
]
