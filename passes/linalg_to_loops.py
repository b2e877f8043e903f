"""`linalg-to-loops`: every linalg op on memrefs becomes an `scf.for` nest.

Unlike xDSL's `convert-linalg-to-loops` (structured ops only, index maths
through `affine.apply`), this lowering covers every linalg op the project
produces or accepts — `linalg.generic`, all named ops (fill, copy, transpose,
elementwise, matmul family, mmt4d, convolutions), `linalg.broadcast` and
`linalg.reduce` — and computes indices with `arith` ops, so the result only
holds func / scf / arith / math / memref ops.

- Loops run in the op's loop order (d0 outermost), from 0 to the static
  extent read from an operand dimension indexed by a bare loop.
- When every reduction loop comes after every parallel loop and no output is
  indexed by a reduction loop (row reductions, matvec, a plain matmul), the
  outputs are loaded once before the reduction loops, carried through them
  as `iter_args`, and stored once after them.
- Loops of parallel iterators carry the unit attribute `packdialect.parallel`
  (`parallelize` turns the outermost one into `scf.parallel`).
- `linalg.index` becomes the loop's induction variable; the body is cloned
  into the innermost loop.

Dynamic shapes are refused with a PassFailedException.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import memref
from xdsl.dialects.builtin import (
    MemRefType,
    ModuleOp,
    ShapedType,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.ops import BroadcastOp, IndexOp, ReduceOp, YieldOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.ir.affine import (
    AffineDimExpr,
    AffineMap,
)
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.rewriter import InsertPoint

from packdialect.analysis.contraction import static_loop_sizes
from packdialect.diagnostics import OpError, Refused
from passes.utils.loops import IndexConstants, build_nest, indices_for_map

PARALLEL = "parallel"
REDUCTION = "reduction"


# ---------------------------------------------------------------------------
# A uniform view of every linalg op
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Structured:
    """What the loop lowering needs from a linalg op."""

    inputs: tuple[SSAValue, ...]
    outputs: tuple[SSAValue, ...]
    maps: tuple[AffineMap, ...]
    iterators: tuple[str, ...]
    block: Block

    @property
    def operands(self) -> tuple[SSAValue, ...]:
        """Inputs then outputs."""
        return (*self.inputs, *self.outputs)


def _identity_without(rank: int, dropped: Sequence[int]) -> AffineMap:
    keep = [d for d in range(rank) if d not in dropped]
    return AffineMap(rank, 0, tuple(AffineDimExpr(d) for d in keep))


def structured(op: Operation) -> Structured | None:
    """The loops, maps and body of a linalg op, or None if it is not one."""
    if isinstance(op, LinalgStructuredOperation):
        return Structured(
            tuple(op.inputs),
            tuple(op.outputs),
            tuple(m.data for m in op.get_indexing_maps()),
            tuple(str(it.data) for it in op.get_iterator_types()),
            op.body.block,
        )
    if isinstance(op, BroadcastOp):
        rank = _rank(op.init)
        dims = op.dimensions.get_values()
        return Structured(
            (op.input,),
            (op.init,),
            (_identity_without(rank, dims), AffineMap.identity(rank)),
            (PARALLEL,) * rank,
            op.hidden_region.block,
        )
    if isinstance(op, ReduceOp):
        rank = _rank(op.input)
        dims = op.dimensions.get_values()
        return Structured(
            (op.input,),
            (op.init,),
            (AffineMap.identity(rank), _identity_without(rank, dims)),
            tuple(REDUCTION if d in dims else PARALLEL for d in range(rank)),
            op.region.block,
        )
    return None


def _rank(value: SSAValue) -> int:
    assert isinstance(value.type, ShapedType)
    return value.type.get_num_dims()


def loop_extents(view: Structured, op: Operation) -> list[int]:
    """Static extent of every loop; PassFailedException when one is unknown."""
    sizes = static_loop_sizes(view.operands, view.maps)
    for loop, size in enumerate(sizes):
        if size is None:
            raise OpError(
                op,
                f"linalg-to-loops: the extent of loop d{loop} of '{op.name}' is not "
                "static (dynamic shapes are not supported)",
            )
    return [s for s in sizes if s is not None]


# ---------------------------------------------------------------------------
# The lowering
# ---------------------------------------------------------------------------


def _clone_body(
    b: Builder, block: Block, args: Sequence[SSAValue], ivs: Sequence[SSAValue]
) -> list[SSAValue]:
    """Clone the body into `b` with block args -> `args`; returns the yielded values."""
    mapping: dict[SSAValue, SSAValue] = dict(zip(block.args, args, strict=True))
    yielded: list[SSAValue] = []
    for inner in block.ops:
        if isinstance(inner, YieldOp):
            yielded = [mapping.get(v, v) for v in inner.operands]
            break
        if isinstance(inner, IndexOp):
            mapping[inner.result] = ivs[inner.dim.value.data]
            continue
        b.insert(inner.clone(mapping))
    return yielded


def _load(
    b: Builder, c: IndexConstants, value: SSAValue, amap: AffineMap, ivs
) -> SSAValue:
    """Load the element of `value` at `amap(ivs)` (scalars are used as is)."""
    if not isinstance(value.type, MemRefType):
        return value
    indices = indices_for_map(b, c, amap, ivs)
    return b.insert(memref.LoadOp.get(value, indices)).res


def _store(b: Builder, c: IndexConstants, scalar: SSAValue, dest: SSAValue, amap, ivs):
    indices = indices_for_map(b, c, amap, ivs)
    b.insert(memref.StoreOp.get(scalar, dest, indices))


def _uses_loops(amap: AffineMap, loops: Sequence[int]) -> bool:
    return any(d in expr.used_dims() for expr in amap.results for d in loops)


def _reductions_innermost(view: Structured) -> bool:
    """Reductions form a suffix of the loops and index no output."""
    reds = [i for i, it in enumerate(view.iterators) if it == REDUCTION]
    if not reds:
        return False
    n = len(view.iterators)
    if reds != list(range(n - len(reds), n)):
        return False
    out_maps = view.maps[len(view.inputs) :]
    return not any(_uses_loops(m, reds) for m in out_maps)


def lower_to_loops(op: Operation, rewriter: PatternRewriter) -> Refused | None:
    """Replace a linalg op on memrefs by loops (None), or say why not."""
    view = structured(op)
    if view is None:
        return Refused(f"'{op.name}' is not a linalg op")
    if op.results or not all(isinstance(v.type, MemRefType) for v in view.outputs):
        return Refused(f"'{op.name}' is not on memrefs (bufferize first)")
    extents = loop_extents(view, op)
    c = IndexConstants(InsertPoint.before(op))
    b = Builder(InsertPoint.before(op))
    if _reductions_innermost(view):
        _lower_with_accumulators(b, c, view, extents)
    else:
        _lower_perfect(b, c, view, extents)
    rewriter.erase(op)
    return None


def _lower_perfect(b: Builder, c: IndexConstants, view: Structured, extents) -> None:
    """One perfect nest; every iteration loads, computes and stores."""
    parallel = [it == PARALLEL for it in view.iterators]
    num_in = len(view.inputs)

    def body(bb: Builder, ivs: list[SSAValue], _carried) -> list[SSAValue]:
        args = _loaded_args(bb, c, view, view.operands, ivs)
        yielded = _clone_body(bb, view.block, args, ivs)
        for value, dest, amap in zip(
            yielded, view.outputs, view.maps[num_in:], strict=True
        ):
            _store(bb, c, value, dest, amap, ivs)
        return []

    build_nest(b, c, extents, parallel, [], body)


def _loaded_args(
    b: Builder, c: IndexConstants, view: Structured, operands, ivs
) -> list[SSAValue]:
    """Block arguments for `operands` (a prefix of the op's operands): the
    element at `ivs` for a used argument, the argument itself when unused."""
    return [
        _load(b, c, value, amap, ivs) if arg.uses else arg
        for value, amap, arg in zip(operands, view.maps, view.block.args, strict=False)
    ]


def _lower_with_accumulators(
    b: Builder, c: IndexConstants, view: Structured, extents
) -> None:
    """Parallel loops outside; outputs carried through the reduction loops."""
    num_red = sum(1 for it in view.iterators if it == REDUCTION)
    num_par = len(extents) - num_red
    num_in = len(view.inputs)
    out_maps = view.maps[num_in:]

    def outer(bo: Builder, pivs: list[SSAValue], _carried) -> list[SSAValue]:
        zero_ivs = [*pivs, *([c(0)] * num_red)]
        inits = [
            _load(bo, c, v, m, zero_ivs)
            for v, m in zip(view.outputs, out_maps, strict=True)
        ]

        def inner(bi: Builder, rivs: list[SSAValue], accs: Sequence[SSAValue]):
            ivs = [*pivs, *rivs]
            loaded = _loaded_args(bi, c, view, view.inputs, ivs)
            return _clone_body(bi, view.block, [*loaded, *accs], ivs)

        finals = build_nest(bo, c, extents[num_par:], [False] * num_red, inits, inner)
        for value, dest, amap in zip(finals, view.outputs, out_maps, strict=True):
            _store(bo, c, value, dest, amap, zero_ivs)
        return []

    build_nest(b, c, extents[:num_par], [True] * num_par, [], outer)


class LowerLinalgToLoops(RewritePattern):
    """Any linalg op on memrefs -> scf.for loops."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        lower_to_loops(op, rewriter)


@dataclass(frozen=True)
class LinalgToLoopsPass(ModulePass):
    """Lowers every linalg op on memrefs to scf.for loops (see module docstring)."""

    name = "linalg-to-loops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            LowerLinalgToLoops(), apply_recursively=False
        ).rewrite_module(op)


__all__ = [
    "LinalgToLoopsPass",
    "LowerLinalgToLoops",
    "Structured",
    "lower_to_loops",
    "structured",
]
