"""`specialize-mmt4d`: packed generics with mmt4d maps become `linalg.mmt4d`.

A `linalg.generic` whose indexing maps and iterator types are exactly those of
`linalg.mmt4d` (or `linalg.batch_mmt4d`) and whose body computes what the named
op computes, `acc + cast(lhs) * cast(rhs)`, is replaced by the named op. The
named op's body casts each input to the accumulator type the way upstream's
`cast_signed` does (arith.extsi for narrower integers, arith.extf for
narrower floats, arith.sitofp from integers to floats), so a generic whose
casts differ (e.g. arith.extui, a zero-extension) stays generic: it does not
compute the same thing. Everything else is left alone.

Mirrors the spirit of upstream's `linalg-specialize-generic-ops`
(mlir/lib/Dialect/Linalg/Transforms/Specialize.cpp), which does not cover mmt4d.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import AnyFloat, IntegerType, ModuleOp
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Attribute, Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from packdialect.analysis.contraction import MacMatch, match_multiply_accumulate
from packdialect.diagnostics import Refused
from packdialect.ir.named_ops import ContractionNamedOp
from packdialect.ir.ops import BatchMmt4dOp, Mmt4dOp

SPECIALIZATIONS: tuple[type[ContractionNamedOp], ...] = (Mmt4dOp, BatchMmt4dOp)
"""The named ops a generic may become, tried in order."""


def _iterator_names(op: GenericOp) -> list[str]:
    return [str(it.data) for it in op.iterator_types]


def _named_iterators(named: type[ContractionNamedOp]) -> list[str]:
    """Iterator types of a named contraction: parallel iff the result uses the loop."""
    maps = [m.data for m in named.DEFAULT_MAPS]
    result_dims = maps[-1].used_dims()
    return [
        "parallel" if d in result_dims else "reduction" for d in range(maps[0].num_dims)
    ]


def expected_cast(source: Attribute, acc: Attribute) -> str | None:
    """The cast the named op's body applies from `source` to `acc` (None: none).

    Returns "unsupported" when the named op would truncate or convert in a way
    no multiply-accumulate body matched by `match_multiply_accumulate` does.
    """
    if source == acc:
        return None
    if isinstance(source, IntegerType) and isinstance(acc, IntegerType):
        return "arith.extsi" if source.width.data < acc.width.data else "unsupported"
    if isinstance(source, AnyFloat) and isinstance(acc, AnyFloat):
        return "arith.extf" if source.bitwidth < acc.bitwidth else "unsupported"
    if isinstance(source, IntegerType) and isinstance(acc, AnyFloat):
        return "arith.sitofp"
    return "unsupported"


def body_mismatch(mac: MacMatch) -> Refused | None:
    """Why the matched body differs from the named op's body, or None."""
    for side, cast, source in (
        ("LHS", mac.lhs_cast, mac.lhs_type),
        ("RHS", mac.rhs_cast, mac.rhs_type),
    ):
        want = expected_cast(source, mac.acc_type)
        if cast != want:
            return Refused(
                f"the {side} is cast with {cast or 'no cast'} but the named op "
                f"would use {want or 'no cast'} from {source} to {mac.acc_type}"
            )
    return None


def match_mmt4d(op: GenericOp) -> type[ContractionNamedOp] | Refused:
    """The named op `op` is an instance of, or why it is none."""
    if len(op.inputs) != 2 or len(op.outputs) != 1:
        return Refused("expected 2 inputs and 1 init")
    maps = list(op.indexing_maps.data)
    named = next(
        (n for n in SPECIALIZATIONS if list(n.DEFAULT_MAPS.data) == maps), None
    )
    if named is None:
        return Refused(
            "indexing maps are not those of linalg.mmt4d or linalg.batch_mmt4d"
        )
    if _iterator_names(op) != _named_iterators(named):
        return Refused(f"iterator types differ from {named.name}'s")
    mac = match_multiply_accumulate(op.body.block)
    if isinstance(mac, Refused):
        return mac
    reason = body_mismatch(mac)
    return named if reason is None else reason


def specialize_mmt4d(rewriter: PatternRewriter, op: Operation) -> Operation | Refused:
    """Replace a generic that is an mmt4d / batch_mmt4d by the named op.

    Returns the named op, or why `op` was left alone.
    """
    if not isinstance(op, GenericOp):
        return Refused(f"{op.name} is not a linalg.generic")
    named = match_mmt4d(op)
    if isinstance(named, Refused):
        return named
    new_op = named(list(op.inputs), list(op.outputs), [r.type for r in op.results])
    rewriter.replace(op, new_op)
    return new_op


class SpecializeMmt4dPattern(RewritePattern):
    """Rewrites one generic with mmt4d maps and body into the named op."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: GenericOp, rewriter: PatternRewriter) -> None:
        specialize_mmt4d(rewriter, op)


@dataclass(frozen=True)
class SpecializeMmt4dPass(ModulePass):
    """Turn packed generics with mmt4d (batch_mmt4d) maps into the named ops."""

    name = "specialize-mmt4d"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            SpecializeMmt4dPattern(), apply_recursively=False
        ).rewrite_module(op)


__all__ = [
    "SpecializeMmt4dPass",
    "SpecializeMmt4dPattern",
    "body_mismatch",
    "expected_cast",
    "match_mmt4d",
    "specialize_mmt4d",
]
