"""`linalg`: named ops with handlers of their own, and every structured op.

A structured op without a handler (`linalg.generic`, `matmul`, `mmt4d`,
convolutions, ...) is evaluated through its indexing maps and body,
vectorized over its iteration space (`structured`, `reduction`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap

from packdialect.interp.core import (
    _STRUCTURED_OP,
    Array,
    InterpreterError,
    _contiguous,
    _handles,
    _LoopSpace,
    _run_block,
    _Scope,
    coerce,
)
from packdialect.interp.reduction import _run_reduction
from packdialect.interp.structured import _gather, _loop_ranges, _scatter


def _write_outputs(
    op: Operation, outputs: Sequence[Array], values: Sequence[Array]
) -> Sequence[Array]:
    """Tensor semantics: return the new values. Buffers: write them in place."""
    converted = [
        coerce(value, out.type)
        for value, out in zip(values, _output_operands(op), strict=True)
    ]
    if op.results:
        return converted
    for buffer, value in zip(outputs, converted, strict=True):
        buffer[...] = value
    return []


def _output_operands(op: Operation) -> Sequence[SSAValue]:
    if isinstance(op, LinalgStructuredOperation):
        return op.outputs
    for name in ("dest", "init"):
        if hasattr(op, name):
            return [getattr(op, name)]
    return op.operands[-1:]


@_handles("linalg.fill")
def _fill(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    out = args[-1]
    return _write_outputs(
        op, [out], [np.full(out.shape, coerce(args[0], op.operands[-1].type))]
    )


@_handles("linalg.copy")
def _copy(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return _write_outputs(op, [args[1]], [args[0]])


@_handles("linalg.transpose")
def _transpose(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    perm = list(op.permutation.get_values())  # pyright: ignore[reportAttributeAccessIssue]
    return _write_outputs(op, [args[1]], [_contiguous(np.transpose(args[0], perm))])


@_handles("linalg.broadcast")
def _broadcast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    dims = tuple(op.dimensions.get_values())  # pyright: ignore[reportAttributeAccessIssue]
    src, out = args
    expanded = np.expand_dims(src, dims) if dims else src
    return _write_outputs(op, [out], [np.array(np.broadcast_to(expanded, out.shape))])


@_handles("linalg.reduce")
def _reduce(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    dims = set(op.dimensions.get_values())  # pyright: ignore[reportAttributeAccessIssue]
    src, init = args
    rank = src.ndim
    kept = tuple(AffineDimExpr(d) for d in range(rank) if d not in dims)
    maps = [AffineMap.identity(rank), AffineMap(rank, 0, kept)]
    parallel = [d not in dims for d in range(rank)]
    values = _run_structured(
        scope, maps, parallel, [src], [init], op.regions[0].block, [op.operands[1].type]
    )
    return _write_outputs(op, [init], values)


@_handles("linalg.index")
def _linalg_index(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    if scope.loops is None:
        raise InterpreterError("linalg.index outside of a structured op")
    return [scope.loops.index(op.dim.value.data)]  # pyright: ignore[reportAttributeAccessIssue]


@_handles(_STRUCTURED_OP)
def _eval_structured_op(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    assert isinstance(op, LinalgStructuredOperation)
    maps = [m.data for m in op.get_indexing_maps().data]
    parallel = [str(it.data) == "parallel" for it in op.get_iterator_types().data]
    n_in = len(op.inputs)
    ins, outs = args[:n_in], args[n_in:]
    out_types = [o.type for o in op.outputs]
    values = _run_structured(scope, maps, parallel, ins, outs, op.body.block, out_types)
    return _write_outputs(op, outs, values)


def _run_structured(
    scope: _Scope,
    maps: Sequence[AffineMap],
    parallel: Sequence[bool],
    ins: Sequence[Array],
    outs: Sequence[Array],
    block: Block,
    out_types: Sequence[Attribute],
) -> list[Array]:
    """Evaluate a structured op: the new value of each output."""
    operands = [np.asarray(a) for a in [*ins, *outs]]
    if len(maps) != len(operands):
        raise InterpreterError(
            f"{len(maps)} indexing maps for {len(operands)} operands"
        )
    ranges = _loop_ranges(maps, [a.shape for a in operands])
    if len(parallel) != len(ranges):
        raise InterpreterError(
            f"{len(parallel)} iterator types for {len(ranges)} loops"
        )
    views = [_gather(a, m, ranges) for a, m in zip(operands, maps, strict=True)]
    out_maps = maps[len(ins) :]
    red_axes = [d for d, par in enumerate(parallel) if not par]
    if not red_axes:
        body_scope = scope.child(_LoopSpace(ranges))
        values = _run_block(body_scope, block, views)
    else:
        for amap in out_maps:
            if any(d in red_axes for e in amap.results for d in e.used_dims()):
                raise InterpreterError(
                    f"output indexing map {amap} uses a reduction loop"
                )
        values = _run_reduction(
            scope, block, views, len(ins), ranges, red_axes, out_types
        )
    return [
        _scatter(init, amap, coerce(value, t), ranges)
        for init, amap, value, t in zip(outs, out_maps, values, out_types, strict=True)
    ]


@_handles("linalg.map", "linalg.elementwise")
def _eval_generalizable(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    """`linalg.map` / `linalg.elementwise`: the `linalg.generic` they stand for."""
    generic = op.generalize()  # pyright: ignore[reportAttributeAccessIssue]
    try:
        return _eval_structured_op(scope, generic, args)
    finally:
        generic.drop_all_references()
