"""`parallelize{threads=N}`: the outermost parallel loop of each nest becomes
`scf.parallel` (which the C emitter turns into an OpenMP `parallel for`).

A loop is parallel when the lowering that built it said so: `linalg-to-loops`,
`lower-packs` and `vectorize-mmt4d` put the unit attribute
`packdialect.parallel` on every `scf.for` over a parallel iterator (no
`iter_args`, independent iterations). This pass walks each function from the
top; the first marked loop it meets on each path is converted, when the work
of one execution of it (its static trip count times the ops of its body,
nested trip counts included) is at least `min-work`, and its trip count is at
least 2. Sequential loops are looked through, so the n loop of a k-blocked
mmt4d nest is parallelized inside the (short) loop over k blocks.

Options:
- `threads=0` (default): parallel loops carry no thread count (OpenMP's
  default, or what the runtime sets with `packdialect_set_num_threads`);
  `threads=1`: nothing is parallelized; `threads=N >= 2`: each `scf.parallel`
  carries `packdialect.num_threads = N`.
- `min-work` (default 32768): smaller loops stay sequential (a fork/join
  costs a few microseconds).

The `packdialect.parallel` markers are removed from the loops it converts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import IndexType, IntegerAttr, ModuleOp, VectorType, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter
from xdsl.utils.exceptions import PassFailedException

from packdialect.ir.attributes import NUM_THREADS_ATTR, PARALLEL_ATTR
from passes.utils.loops import constant_index

"""Attribute on scf.parallel: the OpenMP thread count."""

_UNKNOWN_TRIP = 16

COLLAPSE_BELOW = 16
"""A parallel loop with fewer iterations is merged with its nested parallel loop."""


def trip_count(loop: scf.ForOp) -> int | None:
    """Static trip count of a loop, None when a bound is not a constant."""
    lb, ub, step = (constant_index(v) for v in (loop.lb, loop.ub, loop.step))
    if lb is None or ub is None or step is None or step <= 0:
        return None
    return max(0, -(-(ub - lb) // step))


def _bound_guess(value: SSAValue) -> int:
    """A guess for a dynamic upper bound: the constant side of a `min`."""
    owner = value.owner
    if isinstance(owner, arith.MinSIOp | arith.MinUIOp):
        known = [constant_index(v) for v in owner.operands]
        known = [k for k in known if k is not None]
        if known:
            return min(known)
    return _UNKNOWN_TRIP


def _op_weight(op: Operation) -> int:
    """Scalar operations one op stands for: the lanes of a vector result, else 1."""
    for result in op.results:
        if isinstance(result.type, VectorType):
            return max(1, math.prod(result.type.get_shape()))
    return 1


def estimate_work(op: Operation) -> int:
    """Scalar ops executed by one execution of `op` (loops multiply by their
    trip count, vector ops count their lanes)."""
    inner = sum(estimate_work(o) for r in op.regions for b in r.blocks for o in b.ops)
    if isinstance(op, scf.ForOp):
        trips = trip_count(op)
        if trips is None:
            trips = _bound_guess(op.ub)
        return max(1, trips) * max(1, inner)
    return _op_weight(op) + inner


def _only_nested_parallel_loop(loop: scf.ForOp) -> scf.ForOp | None:
    """The marked loop that is the whole body of `loop` (perfect nest), with
    bounds defined outside `loop`, else None."""
    ops = [op for op in loop.body.block.ops if not isinstance(op, scf.YieldOp)]
    if len(ops) != 1 or not isinstance(ops[0], scf.ForOp):
        return None
    inner = ops[0]
    if PARALLEL_ATTR not in inner.attributes or inner.iter_args:
        return None
    if any(constant_index(v) is None for v in (inner.lb, inner.ub, inner.step)):
        return None
    return inner


def _loops_to_merge(loop: scf.ForOp) -> list[scf.ForOp]:
    """`loop`, plus its perfectly nested parallel loop when `loop` alone has
    few iterations (the pair becomes one 2-D scf.parallel, OpenMP collapse(2))."""
    trips = trip_count(loop)
    inner = _only_nested_parallel_loop(loop)
    if inner is not None and trips is not None and trips < COLLAPSE_BELOW:
        return [loop, inner]
    return [loop]


def to_parallel(loop: scf.ForOp, threads: int) -> scf.ParallelOp:
    """Replace an `scf.for` without iter_args (and, when it has few
    iterations, its perfectly nested parallel loop) by an `scf.parallel`."""
    if loop.iter_args:
        raise PassFailedException(
            "parallelize: a loop with iter_args cannot be parallel"
        )
    loops = _loops_to_merge(loop)
    innermost = loops[-1].body.block
    block = Block(arg_types=[IndexType()] * len(loops))
    for new_arg, old in zip(block.args, loops, strict=True):
        old_arg = old.body.block.args[0]
        new_arg.name_hint = old_arg.name_hint
        old_arg.replace_all_uses_with(new_arg)
    for op in list(innermost.ops):
        op.detach()
        if isinstance(op, scf.YieldOp):
            op.erase()
            continue
        block.add_op(op)
    block.add_op(scf.ReduceOp())
    par = scf.ParallelOp(
        [lp.lb for lp in loops],
        [lp.ub for lp in loops],
        [lp.step for lp in loops],
        Region(block),
    )
    for name, attr in loop.attributes.items():
        if name != PARALLEL_ATTR:
            par.attributes[name] = attr
    if threads >= 2:
        par.attributes[NUM_THREADS_ATTR] = IntegerAttr(threads, i64)
    Rewriter.replace_op(loop, par)
    return par


def _candidates(block: Block, min_work: int) -> list[scf.ForOp]:
    """The outermost marked loops of `block` (looking through sequential loops)."""
    found: list[scf.ForOp] = []
    for op in block.ops:
        if isinstance(op, scf.ForOp) and PARALLEL_ATTR in op.attributes:
            trips = trip_count(op)
            if (trips is None or trips >= 2) and estimate_work(op) >= min_work:
                found.append(op)
                continue
        if isinstance(op, scf.ParallelOp):
            continue
        for region in op.regions:
            for inner in region.blocks:
                found.extend(_candidates(inner, min_work))
    return found


def parallelize(module: Operation, threads: int = 0, min_work: int = 32768) -> int:
    """Convert the outermost parallel loops; returns how many were converted."""
    if threads < 0:
        raise PassFailedException(f"parallelize: threads must be >= 0, got {threads}")
    if threads == 1:
        return 0
    count = 0
    for region in module.regions:
        for block in region.blocks:
            for loop in _candidates(block, min_work):
                to_parallel(loop, threads)
                count += 1
    return count


@dataclass(frozen=True)
class ParallelizePass(ModulePass):
    """Outermost `packdialect.parallel` loops -> scf.parallel (OpenMP)."""

    name = "parallelize"

    threads: int = 0
    min_work: int = 32768

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        parallelize(op, self.threads, self.min_work)


__all__ = [
    "ParallelizePass",
    "estimate_work",
    "parallelize",
    "to_parallel",
    "trip_count",
]
