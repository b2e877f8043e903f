"""Reduction loops of a structured op.

A body that yields `combiner(out, expr)` for every output (`addf`, `maxsi`,
...) is evaluated once per chunk of the reduction loops and reduced with the
numpy ufunc; an add of a product is a contraction, evaluated with `np.matmul`.
Any other body is folded sequentially over the reduction points (still
vectorized over the parallel loops).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.ir import Attribute, Block, BlockArgument, Operation, SSAValue

from packdialect.interp.core import (
    _TERMINATORS,
    Array,
    InterpreterError,
    _accumulator_dtype,
    _int_width,
    _LoopSpace,
    _run_block,
    _Scope,
    _signed,
    _unsigned,
    coerce,
)
from packdialect.interp.structured import _as_loop_space, _chunk_ranges, _slice_chunk

# Elements one evaluation of a structured op may materialize at once before
# its reduction loops are split into chunks.
_CHUNK_BUDGET = 1 << 22


def _reduction_chunks(
    ranges: Sequence[int], red_axes: Sequence[int], budget: int
) -> Iterator[dict[int, slice]]:
    """Split the reduction loops so one chunk holds about `budget` points."""
    parallel = math.prod(r for d, r in enumerate(ranges) if d not in red_axes)
    room = max(1, budget // max(parallel, 1))
    step: dict[int, int] = {}
    for axis in reversed(red_axes):
        size = max(ranges[axis], 1)
        step[axis] = min(size, room)
        room = max(1, room // size)
    starts = [range(0, ranges[a], step[a]) for a in red_axes]
    for combo in itertools.product(*starts):
        yield {
            a: slice(s, min(s + step[a], ranges[a]))
            for a, s in zip(red_axes, combo, strict=True)
        }


@dataclass(frozen=True)
class _Reduction:
    """A body that yields `combiner(out_arg, expr)` for one output."""

    combiner: Operation
    expr: SSAValue
    mul: Operation | None  # when the combiner adds a product: a contraction


# combiner op -> (numpy ufunc, reads values as unsigned)
_COMBINERS: dict[str, tuple[np.ufunc, bool]] = {
    "arith.addf": (np.add, False),
    "arith.addi": (np.add, False),
    "arith.mulf": (np.multiply, False),
    "arith.muli": (np.multiply, False),
    "arith.maximumf": (np.maximum, False),
    "arith.minimumf": (np.minimum, False),
    "arith.maxnumf": (np.fmax, False),
    "arith.minnumf": (np.fmin, False),
    "arith.maxsi": (np.maximum, False),
    "arith.minsi": (np.minimum, False),
    "arith.maxui": (np.maximum, True),
    "arith.minui": (np.minimum, True),
    "arith.andi": (np.bitwise_and, False),
    "arith.ori": (np.bitwise_or, False),
    "arith.xori": (np.bitwise_xor, False),
}


def _match_reduction(
    block: Block, out_arg: BlockArgument, yielded: SSAValue
) -> _Reduction | None:
    """Recognize `yield combiner(out_arg, expr)` where out_arg is used only there."""
    op = yielded.owner
    if not isinstance(op, Operation) or op.name not in _COMBINERS:
        return None
    if op.parent_block() is not block or not yielded.has_one_use():
        return None
    if not out_arg.has_one_use():
        return None
    lhs, rhs = op.operands
    if lhs is out_arg:
        expr = rhs
    elif rhs is out_arg:
        expr = lhs
    else:
        return None
    mul = expr.owner
    is_product = (
        op.name in ("arith.addf", "arith.addi")
        and isinstance(mul, Operation)
        and mul.name in ("arith.mulf", "arith.muli")
        and mul.parent_block() is block
        and expr.has_one_use()
    )
    return _Reduction(op, expr, mul if is_product else None)  # pyright: ignore[reportArgumentType]


def _to_accumulator(value: Any, type_attr: Attribute, unsigned: bool) -> Array:
    dtype = _accumulator_dtype(type_attr)
    if dtype.kind == "f":
        return np.asarray(value).astype(dtype)
    width = _int_width(type_attr) or 64
    return _unsigned(value, width) if unsigned else _signed(value, width)


def _contract(
    x: Array, x_labels: list[int], y: Array, y_labels: list[int], out_labels: list[int]
) -> Array:
    """Sum of products over the labels not in `out_labels`, via one np.matmul."""

    def sum_private(
        a: Array, labels: list[int], other: list[int]
    ) -> tuple[Array, list[int]]:
        private = [
            i
            for i, lab in enumerate(labels)
            if lab not in other and lab not in out_labels
        ]
        if private:
            a = a.sum(axis=tuple(private))
            labels = [lab for i, lab in enumerate(labels) if i not in private]
        return a, labels

    x, x_labels = sum_private(x, x_labels, y_labels)
    y, y_labels = sum_private(y, y_labels, x_labels)
    batch = [lab for lab in out_labels if lab in x_labels and lab in y_labels]
    rows = [lab for lab in out_labels if lab in x_labels and lab not in y_labels]
    cols = [lab for lab in out_labels if lab in y_labels and lab not in x_labels]
    inner = [lab for lab in x_labels if lab in y_labels and lab not in out_labels]
    size = {lab: x.shape[i] for i, lab in enumerate(x_labels)}
    size.update({lab: y.shape[i] for i, lab in enumerate(y_labels)})

    def prod(labels: list[int]) -> int:
        return math.prod(size[lab] for lab in labels)

    xt = x.transpose([x_labels.index(lab) for lab in batch + rows + inner])
    yt = y.transpose([y_labels.index(lab) for lab in batch + inner + cols])
    result = np.matmul(
        xt.reshape(prod(batch), prod(rows), prod(inner)),
        yt.reshape(prod(batch), prod(inner), prod(cols)),
    )
    current = batch + rows + cols
    result = result.reshape([size[lab] for lab in current])
    return result.transpose([current.index(lab) for lab in out_labels])


def _contraction_partial(
    x: Array,
    y: Array,
    red_axes: Sequence[int],
    ranges: Sequence[int],
    acc_type: Attribute,
) -> Array:
    """sum over the reduction loops of x * y, laid out over the loop space."""
    n = len(ranges)
    x = _as_loop_space(_to_accumulator(x, acc_type, False), n)
    y = _as_loop_space(_to_accumulator(y, acc_type, False), n)
    x_labels = [d for d in range(n) if x.shape[d] != 1]
    y_labels = [d for d in range(n) if y.shape[d] != 1]
    out_labels = [
        d for d in range(n) if d not in red_axes and (d in x_labels or d in y_labels)
    ]
    result = _contract(
        x.reshape([x.shape[d] for d in x_labels]),
        x_labels,
        y.reshape([y.shape[d] for d in y_labels]),
        y_labels,
        out_labels,
    )
    repeats = math.prod(
        ranges[d] for d in red_axes if d not in x_labels and d not in y_labels
    )
    if repeats != 1:
        result = result * np.asarray(repeats, dtype=result.dtype)
    shape = [1] * n
    for d in out_labels:
        shape[d] = ranges[d]
    return result.reshape(shape)


def _combiner_partial(
    value: Array,
    reduction: _Reduction,
    red_axes: Sequence[int],
    ranges: Sequence[int],
    acc_type: Attribute,
) -> Array:
    """The combiner folded over the reduction loops of one chunk."""
    ufunc, unsigned = _COMBINERS[reduction.combiner.name]
    x = _as_loop_space(_to_accumulator(value, acc_type, unsigned), len(ranges))
    shape = [ranges[d] if d in red_axes else x.shape[d] for d in range(len(ranges))]
    return ufunc.reduce(np.broadcast_to(x, shape), axis=tuple(red_axes), keepdims=True)


def _yielded_values(block: Block) -> list[SSAValue]:
    terminator = block.last_op
    if terminator is None or terminator.name not in _TERMINATORS:
        raise InterpreterError("structured op body has no yield")
    return list(terminator.operands)


def _run_reduction(
    scope: _Scope,
    block: Block,
    views: Sequence[Array],
    n_in: int,
    ranges: tuple[int, ...],
    red_axes: list[int],
    out_types: Sequence[Attribute],
) -> list[Array]:
    """The outputs of a structured op with reduction loops (loop-space layout)."""
    out_args = block.args[n_in:]
    yielded = _yielded_values(block)
    reductions = [
        _match_reduction(block, arg, value)
        for arg, value in zip(out_args, yielded, strict=True)
    ]
    if any(r is None for r in reductions):
        return _fold_sequentially(
            scope, block, views, n_in, ranges, red_axes, out_types
        )
    matched = [r for r in reductions if r is not None]
    return _reduce_with_combiners(
        scope, block, views, n_in, ranges, red_axes, out_types, matched
    )


def _body_footprint(
    block: Block,
    views: Sequence[Array],
    ranges: Sequence[int],
    skip: frozenset[Operation],
) -> int:
    """The most elements one value of the body holds when evaluated at once.

    A value spans the loops its operands span (a block argument: the loops its
    indexing map reads; linalg.index d: loop d); an op with regions, all.
    """
    spans: dict[SSAValue, frozenset[int]] = {
        arg: frozenset(d for d in range(len(ranges)) if view.shape[d] != 1)
        for arg, view in zip(block.args, views, strict=True)
    }
    every_loop = frozenset(range(len(ranges)))
    largest = 0
    for op in block.ops:
        if op in skip or op.name in _TERMINATORS:
            continue
        if op.name == "linalg.index":
            span = frozenset([op.dim.value.data])  # pyright: ignore[reportAttributeAccessIssue]
        elif op.regions:
            span = every_loop
        else:
            span = frozenset().union(*(spans.get(v, frozenset()) for v in op.operands))
        for result in op.results:
            spans[result] = span
        largest = max(largest, math.prod(ranges[d] for d in span))
    return largest


def _reduce_with_combiners(
    scope: _Scope,
    block: Block,
    views: Sequence[Array],
    n_in: int,
    ranges: tuple[int, ...],
    red_axes: list[int],
    out_types: Sequence[Attribute],
    reductions: list[_Reduction],
) -> list[Array]:
    """Evaluate the combined expressions over chunks of the reduction loops."""
    skip = frozenset(
        [r.combiner for r in reductions]
        + [r.mul for r in reductions if r.mul is not None]
    )
    accs = [
        _to_accumulator(view, t, _COMBINERS[r.combiner.name][1])
        for view, t, r in zip(views[n_in:], out_types, reductions, strict=True)
    ]
    if _body_footprint(block, views, ranges, skip) <= _CHUNK_BUDGET:
        chunks: Iterator[dict[int, slice]] = iter([{}])
    else:
        chunks = _reduction_chunks(ranges, red_axes, _CHUNK_BUDGET)
    for chunk in chunks:
        body_scope = scope.child(_LoopSpace(ranges, chunk))
        sliced = [_slice_chunk(v, chunk) for v in views]
        _run_block(body_scope, block, sliced, skip)
        chunk_ranges = _chunk_ranges(ranges, chunk)
        for j, r in enumerate(reductions):
            if r.mul is not None:
                lhs, rhs = (body_scope[v] for v in r.mul.operands)
                partial = _contraction_partial(
                    lhs, rhs, red_axes, chunk_ranges, out_types[j]
                )
            else:
                partial = _combiner_partial(
                    body_scope[r.expr], r, red_axes, chunk_ranges, out_types[j]
                )
            accs[j] = _COMBINERS[r.combiner.name][0](accs[j], partial)
    return accs


def _fold_sequentially(
    scope: _Scope,
    block: Block,
    views: Sequence[Array],
    n_in: int,
    ranges: tuple[int, ...],
    red_axes: list[int],
    out_types: Sequence[Attribute],
) -> list[Array]:
    """Run the body once per reduction point, vectorized over the parallel loops."""
    n = len(ranges)
    parallel_shape = [1 if d in red_axes else r for d, r in enumerate(ranges)]
    accs = [
        np.broadcast_to(coerce(view, t), parallel_shape)
        for view, t in zip(views[n_in:], out_types, strict=True)
    ]
    for point in itertools.product(*(range(ranges[d]) for d in red_axes)):
        chunk = {d: slice(p, p + 1) for d, p in zip(red_axes, point, strict=True)}
        body_scope = scope.child(_LoopSpace(ranges, chunk))
        inputs = [_slice_chunk(v, chunk) for v in views[:n_in]]
        values = _run_block(body_scope, block, [*inputs, *accs])
        accs = [
            np.broadcast_to(coerce(_as_loop_space(v, n), t), parallel_shape)
            for v, t in zip(values, out_types, strict=True)
        ]
    return accs
