"""`func.call` and structured control flow: `scf.for`, `while`, `if`, `parallel`."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from xdsl.ir import Operation

from packdialect.interp.core import (
    Array,
    InterpreterError,
    _handles,
    _int,
    _run_block,
    _Scope,
    coerce,
)


@_handles("func.call")
def _call(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    callee = op.callee.string_value()  # pyright: ignore[reportAttributeAccessIssue]
    return scope.interpreter.call(callee, args)


@_handles("scf.for")
def _scf_for(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    lb, ub, step = (_int(a) for a in args[:3])
    if step <= 0:
        raise InterpreterError(f"scf.for step must be positive, got {step}")
    carried = list(args[3:])
    block = op.regions[0].block
    for iv in range(lb, ub, step):
        index = coerce(iv, block.args[0].type)
        carried = _run_block(scope.child(), block, [index, *carried])
    return carried


@_handles("scf.while")
def _scf_while(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    before, after = (region.block for region in op.regions)
    values = list(args)
    while True:
        cond, *forwarded = _run_block(scope.child(), before, values)
        if np.ndim(cond) != 0:
            raise InterpreterError("scf.while needs a scalar condition")
        if not bool(cond):
            return forwarded
        values = _run_block(scope.child(), after, forwarded)


@_handles("scf.if")
def _scf_if(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    cond = np.asarray(args[0])
    regions = op.regions
    if cond.ndim == 0:
        region = regions[0] if bool(cond) else regions[1]
        if not region.blocks:
            return []
        return _run_block(scope.child(), region.block, [])
    # A vectorized condition (inside a structured op body): run both sides.
    if not regions[1].blocks:
        raise InterpreterError("scf.if with a vector condition needs an else region")
    then_values = _run_block(scope.child(), regions[0].block, [])
    else_values = _run_block(scope.child(), regions[1].block, [])
    return [
        coerce(np.where(cond, t, e), r.type)
        for t, e, r in zip(then_values, else_values, op.results, strict=True)
    ]


@_handles("scf.parallel")
def _scf_parallel(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    if op.results:
        raise InterpreterError("scf.parallel with reductions is not supported")
    n = len(op.lowerBound)  # pyright: ignore[reportAttributeAccessIssue]
    lbs, ubs, steps = ([_int(a) for a in args[i * n : (i + 1) * n]] for i in range(3))
    if any(step <= 0 for step in steps):
        raise InterpreterError(f"scf.parallel steps must be positive, got {steps}")
    ranges = [range(lb, ub, st) for lb, ub, st in zip(lbs, ubs, steps, strict=True)]
    block = op.regions[0].block
    for point in itertools.product(*ranges):
        ivs = [np.asarray(i, dtype=np.int64) for i in point]
        _run_block(scope.child(), block, ivs)
    return []
