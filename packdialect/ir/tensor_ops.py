"""`tensor` ops whose xDSL 0.74 definitions disagree with upstream MLIR.

- `tensor.pad`: upstream lets the result type be static where the padding is
  dynamic (`high[%h, 1] ... : tensor<?x?xi32> to tensor<8x1xi32>`, as its own
  pack decomposition prints), and checks static sizes (`5 + 3 = 8`); xDSL
  requires the dynamic dims to match exactly and checks no static size. This
  definition verifies as upstream's `PadOp::verify` does.
- `tensor.cast`: xDSL's has no canonicalization; this one folds a cast to
  its own type away and a chain of two casts into one where that drops no
  run-time check (upstream's `ChainedTensorCast`), so the cast folds into
  packs leave no no-op cast behind.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, TensorType
from xdsl.ir import Attribute, Operation, OpTraits, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern
from xdsl.traits import HasCanonicalizationPatternsTrait
from xdsl.utils.exceptions import VerifyException


def infer_pad_shape(
    source: Sequence[int], low: Sequence[int], high: Sequence[int]
) -> list[int]:
    """The result shape a pad implies (dynamic where any part is dynamic)."""
    return [
        DYNAMIC_INDEX if DYNAMIC_INDEX in (s, lo, hi) else s + lo + hi
        for s, lo, hi in zip(source, low, high, strict=True)
    ]


class PadOp(tensor.PadOp):
    """`tensor.pad`, verified as upstream (xDSL's definition, another verifier)."""

    def verify_(self) -> None:
        source = self.source.type
        result = self.result.type
        assert isinstance(source, TensorType) and isinstance(result, TensorType)
        low, high = self.static_low.get_values(), self.static_high.get_values()
        rank = source.get_num_dims()
        if len(low) != rank or len(high) != rank:
            raise VerifyException(
                f"expected {rank} low and high padding sizes, got "
                f"{len(low)} and {len(high)}"
            )
        expected = infer_pad_shape(source.get_shape(), low, high)
        shape = result.get_shape()
        if len(shape) != rank or any(
            e != DYNAMIC_INDEX and s != e for s, e in zip(shape, expected, strict=True)
        ):
            inferred = TensorType(source.get_element_type(), expected)
            raise VerifyException(
                f"specified type {result} does not match the inferred type {inferred}"
            )
        if len(self.region.block.args) != rank:
            raise VerifyException(f"expected the block to have {rank} arguments")


def join_shapes(a: Sequence[int], b: Sequence[int]) -> list[int] | None:
    """The most static shape compatible with both (None if they conflict)."""
    if len(a) != len(b):
        return None
    joined: list[int] = []
    for x, y in zip(a, b, strict=True):
        if x == DYNAMIC_INDEX:
            joined.append(y)
        elif y in (DYNAMIC_INDEX, x):
            joined.append(x)
        else:
            return None
    return joined


def is_at_least_as_static(value: Attribute, than: Attribute) -> bool:
    """Whether tensor type `value` keeps every static size of `than` (upstream's
    preservesStaticInformation(than, value)): a cast from `value` to `than`
    can fold into its consumer."""
    if not isinstance(value, TensorType) or not isinstance(than, TensorType):
        return False
    if value.get_element_type() != than.get_element_type():
        return False
    mine, theirs = value.get_shape(), than.get_shape()
    return len(mine) == len(theirs) and all(
        t == DYNAMIC_INDEX or m == t for m, t in zip(mine, theirs, strict=True)
    )


def cast_to(value: SSAValue, result_type: Attribute) -> CastOp:
    """A `tensor.cast` of `value` (not inserted)."""
    return CastOp(value, result_type)


class FoldNoOpCast(RewritePattern):
    """cast(x : T to T) -> x."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if isinstance(op, tensor.CastOp) and op.source.type == op.dest.type:
            rewriter.replace(op, [], [op.source])


class FoldCastChain(RewritePattern):
    """cast(cast(x : A to B) : B to C) -> cast(x : A to C) when B adds no
    run-time check that A to C lacks (upstream's ChainedTensorCast)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, tensor.CastOp):
            return
        inner = op.source.owner
        if not isinstance(inner, tensor.CastOp):
            return
        a, b, c = inner.source.type, inner.dest.type, op.dest.type
        if not all(isinstance(t, TensorType) for t in (a, b, c)):
            return
        shapes = [t.get_shape() for t in (a, b, c)]  # type: ignore[union-attr]
        first = join_shapes(shapes[0], shapes[1])
        full = join_shapes(first, shapes[2]) if first is not None else None
        if full is None or full != join_shapes(shapes[0], shapes[2]):
            return
        rewriter.replace(op, cast_to(inner.source, c))


class CastCanonicalization(HasCanonicalizationPatternsTrait):
    """`canonicalize` folds of `tensor.cast`."""

    @classmethod
    def get_canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (FoldNoOpCast(), FoldCastChain())


class CastOp(tensor.CastOp):
    """`tensor.cast` with upstream's folds of no-op and chained casts."""

    traits = OpTraits(lambda: (*tensor.CastOp.traits, CastCanonicalization()))


TENSOR_REPLACED_OPS = (PadOp, CastOp)
"""xDSL `tensor` ops replaced by these definitions."""

__all__ = [
    "CastOp",
    "PadOp",
    "TENSOR_REPLACED_OPS",
    "cast_to",
    "infer_pad_shape",
    "is_at_least_as_static",
    "join_shapes",
]
