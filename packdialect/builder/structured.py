"""Building a `linalg.generic` whose body a Python function writes.

`build_generic` is the one place a structured op with a Python-built body
is made: the body function runs in a nested scope (scalars only) on the
block arguments, its scalar results are yielded. Element-wise ops,
reductions, softmax and `pd.generic` all go through it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from xdsl.dialects import tensor
from xdsl.dialects.builtin import AffineMapAttr, TensorType
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import FillOp, GenericOp, YieldOp
from xdsl.ir import Block, Region, SSAValue
from xdsl.ir.affine import AffineMap

from packdialect.builder.errors import build_error
from packdialect.builder.scalars import constant, is_number
from packdialect.builder.scope import Scope, emit, entered, tensor_scope
from packdialect.builder.types import DType
from packdialect.builder.values import Scalar, Tensor, Value, check_visible, wrap

BodyFn = Callable[..., Any]


def empty(shape: Sequence[int], dtype: DType, what: str = "pd.empty") -> Tensor:
    """A `tensor.empty` of a static shape."""
    tensor_scope(what)
    op = emit(tensor.EmptyOp([], TensorType(dtype.mlir, tuple(shape))), what)
    return wrap(op.results[0])  # type: ignore[return-value]


def fill(value: Any, init: Tensor, what: str = "pd.full") -> Tensor:
    """`linalg.fill` of `init` with a scalar (a number or a scalar value)."""
    scope = tensor_scope(what)
    if is_number(value):
        scalar = constant(value, init.dtype, what)
    elif isinstance(value, Scalar):
        scalar = value
    else:
        raise build_error(f"{what}: the fill value must be a number or a scalar value")
    if scalar.dtype != init.dtype:
        raise build_error(
            f"{what}: cannot fill {init.type} with a {scalar.dtype.name} value"
        )
    op = FillOp([check_visible(scalar, what)], [init.ssa], [init.type])
    return Tensor(emit(op, what).results[0], scope)


def _body_results(out: Any, out_dtypes: Sequence[DType], what: str) -> list[SSAValue]:
    values = list(out) if isinstance(out, tuple | list) else [out]
    if len(values) != len(out_dtypes):
        raise build_error(
            f"{what}: the body returned {len(values)} value(s) for "
            f"{len(out_dtypes)} output(s)"
        )
    results: list[SSAValue] = []
    for value, dtype in zip(values, out_dtypes, strict=True):
        if is_number(value):
            value = constant(value, dtype, what)
        if not isinstance(value, Scalar):
            raise build_error(f"{what}: the body must return scalars, got {value!r}")
        if value.dtype != dtype:
            raise build_error(
                f"{what}: the body returned a {value.dtype.name} value for a "
                f"{dtype.name} output; convert it with .astype"
            )
        results.append(check_visible(value, what))
    return results


def build_body(
    arg_dtypes: Sequence[DType], out_dtypes: Sequence[DType], body: BodyFn, what: str
) -> Region:
    """Run `body` on fresh scalar block arguments and yield what it returns."""
    parent = tensor_scope(what)
    block = Block(arg_types=[d.mlir for d in arg_dtypes])
    scope = Scope(block, parent=parent, module=parent.module, body=True)
    with entered(scope):
        args = [Scalar(arg, scope) for arg in block.args]
        results = _body_results(body(*args), out_dtypes, what)
        block.add_op(YieldOp(*results))
    return Region(block)


def build_generic(
    ins: Sequence[Tensor],
    outs: Sequence[Tensor],
    maps: Sequence[AffineMap],
    iterators: Sequence[str],
    body: BodyFn,
    what: str,
) -> list[Tensor]:
    """A `linalg.generic` over `ins`/`outs`, its body built by `body`."""
    scope = tensor_scope(what)
    ins_ssa = [check_visible(v, what) for v in ins]
    outs_ssa = [check_visible(v, what) for v in outs]
    region = build_body(
        [v.dtype for v in (*ins, *outs)], [v.dtype for v in outs], body, what
    )
    op = GenericOp(
        ins_ssa,
        outs_ssa,
        region,
        [AffineMapAttr(m) for m in maps],
        [
            IteratorTypeAttr.parallel()
            if it == "parallel"
            else IteratorTypeAttr.reduction()
            for it in iterators
        ],
        [v.type for v in outs],
    )
    emit(op, what)
    return [Tensor(r, scope) for r in op.results]


def check_operand(value: Any, what: str) -> Tensor:
    """`value` as a Tensor, or a BuildError naming what it is."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, Value):
        raise build_error(f"{what} needs a tensor, got a scalar of type {value.type}")
    raise build_error(f"{what} needs a tensor, got {type(value).__name__} {value!r}")
