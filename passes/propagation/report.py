"""Why a pack or unpack is still there after propagation (`report=true`).

At the fixed point every rewrite refuses, so asking the core functions
again changes nothing and gives their reasons: for a pack, the rewrite that
would bubble it up through its source's producer; for an unpack, the
rewrites that would push it down through each user. Ops propagation never
crosses (a transpose, an extract_slice, a contraction, a function argument
or result) are named as such. Packs and unpacks `canonicalize` removes next
(of constants and fills, cancelling pairs) are not reported.
"""

from __future__ import annotations

from xdsl.dialects import tensor
from xdsl.dialects.builtin import FileLineColLoc
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Block, Operation
from xdsl.pattern_rewriter import PatternRewriter

from packdialect.diagnostics import Refused, location_of
from packdialect.ir.ops import PackOp, UnpackOp
from packdialect.ir.relayout_utils import Layout
from passes.propagation.generic import (
    bubble_up_pack_through_generic,
    push_down_unpack_through_generic,
)
from passes.propagation.pad_reshape import (
    bubble_up_pack_through_pad,
    bubble_up_pack_through_reshape,
    push_down_unpack_through_expand,
    push_down_unpack_through_pad,
)


def _layout(op: PackOp | UnpackOp) -> str:
    tiles = ", ".join(str(t) for t in op.get_mixed_tiles())
    dims = ", ".join(map(str, op.get_inner_dims_pos()))
    return f"inner_dims_pos = [{dims}] inner_tiles = [{tiles}]"


def why_pack_stays(pack: PackOp, poison_padding: bool) -> str:
    """One sentence: why `pack` was not bubbled further up."""
    owner = pack.source.owner
    if isinstance(owner, Block):
        return "it packs a function argument (the caller's layout)"
    rewriter = PatternRewriter(pack)
    reason: Refused | object
    if isinstance(owner, GenericOp):
        reason = bubble_up_pack_through_generic(
            rewriter, pack, poison_padding=poison_padding
        )
    elif isinstance(owner, tensor.PadOp):
        reason = bubble_up_pack_through_pad(rewriter, pack)
    elif isinstance(owner, tensor.CollapseShapeOp | tensor.ExpandShapeOp):
        reason = bubble_up_pack_through_reshape(rewriter, pack)
    else:
        return f"its source comes from '{owner.name}', which propagation does not cross"
    if isinstance(reason, Refused):
        return f"not bubbled up through '{owner.name}': {reason}"
    return f"'{owner.name}' could still take it (propagation did not converge)"


def _why_user_blocks(unpack: UnpackOp, user: Operation, poison_padding: bool) -> str:
    rewriter = PatternRewriter(user)
    if isinstance(user, GenericOp):
        reason = push_down_unpack_through_generic(
            rewriter, user, poison_padding=poison_padding
        )
    elif isinstance(user, tensor.PadOp):
        reason = push_down_unpack_through_pad(rewriter, user)
    elif isinstance(user, tensor.ExpandShapeOp):
        reason = push_down_unpack_through_expand(PatternRewriter(unpack), unpack)
    elif user.name == "func.return":
        return "the function returns it"
    else:
        return f"'{user.name}' uses it, which propagation does not cross"
    if isinstance(reason, Refused):
        return f"not pushed down through '{user.name}': {reason}"
    return f"'{user.name}' could still take it (propagation did not converge)"


def why_unpack_stays(unpack: UnpackOp, poison_padding: bool) -> str:
    """One sentence per user: why `unpack` was not pushed further down."""
    users = list(dict.fromkeys(use.operation for use in unpack.result.uses))
    if not users:
        return "its result is unused"
    return "; ".join(_why_user_blocks(unpack, u, poison_padding) for u in users)


def _folds_later(op: PackOp | UnpackOp) -> bool:
    """`canonicalize` removes it: a pack of a constant, fill or empty, or a
    pack / unpack pair with one layout."""
    if isinstance(op, PackOp):
        owner = op.source.owner
        if isinstance(owner, Operation) and owner.name in _FOLDED_SOURCES:
            return True
        if isinstance(owner, Operation) and owner.name in _FOLDED_INTO_PACK:
            inner = owner.operands[0].owner
            return isinstance(inner, Operation) and inner.name in _FOLDED_SOURCES
        return isinstance(owner, UnpackOp) and Layout.of(owner).matches(Layout.of(op))
    return any(
        isinstance(use.operation, PackOp)
        and Layout.of(use.operation).matches(Layout.of(op))
        for use in op.result.uses
    )


_FOLDED_SOURCES = frozenset({"arith.constant", "linalg.fill", "tensor.empty"})
_FOLDED_INTO_PACK = frozenset({"linalg.transpose", "tensor.expand_shape"})
"""Sources canonicalize folds into the pack (then a constant folds too)."""


def _located(ops: list[Operation | Block]) -> str:
    """The first `file:line:col` among `ops` (created ops have none)."""
    for op in ops:
        if isinstance(op, Operation) and isinstance(op.location, FileLineColLoc):
            return location_of(op)
    return ""


def report_location(op: PackOp | UnpackOp) -> str:
    """Where to report `op`: the op it feeds or is fed by, when located."""
    users = [use.operation for use in op.result.uses]
    if isinstance(op, PackOp):
        return _located([*users, op.source.owner]) or location_of(op)
    return _located([*users, op.source.owner]) or location_of(op)


def remaining(module: Operation) -> list[PackOp | UnpackOp]:
    """The packs / unpacks `canonicalize` will not remove, in order."""
    return [
        op
        for op in module.walk()
        if isinstance(op, PackOp | UnpackOp) and not _folds_later(op)
    ]


def explain(op: PackOp | UnpackOp, poison_padding: bool) -> str:
    """The remark of a pack or unpack left after propagation."""
    kind = "linalg.pack" if isinstance(op, PackOp) else "linalg.unpack"
    why = (
        why_pack_stays(op, poison_padding)
        if isinstance(op, PackOp)
        else why_unpack_stays(op, poison_padding)
    )
    return f"propagate-packs: {kind} ({_layout(op)}) stays: {why}"
