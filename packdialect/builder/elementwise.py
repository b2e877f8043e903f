"""Element-wise ops with numpy broadcasting: `+ - * / //`, unary minus,
`pd.maximum`, `pd.minimum`, `pd.relu`, `pd.exp`, `pd.tanh`, `.astype`.

On tensors each builds one `linalg.generic` (all loops parallel) into a
`tensor.empty` of the broadcast shape; an operand of lower rank is indexed
by the trailing loops and a size-1 dimension that broadcasts by the
constant 0, as numpy aligns shapes. A scalar operand (a number, or a scalar
value) is used inside the body. On scalars they build the scalar op alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr, AffineExpr, AffineMap

from packdialect.builder import scalars
from packdialect.builder.errors import build_error
from packdialect.builder.scalars import describe, is_number, type_name
from packdialect.builder.structured import build_generic, empty
from packdialect.builder.types import DType, as_dtype
from packdialect.builder.values import Tensor, Value, operator


def broadcast_shape(tensors: Sequence[Tensor], what: str) -> tuple[int, ...]:
    """numpy's broadcast shape of `tensors`, or a BuildError naming every shape."""
    try:
        return tuple(np.broadcast_shapes(*(t.shape for t in tensors)))
    except ValueError:
        shapes = " and ".join(type_name(t) for t in tensors)
        raise build_error(f"{what}: cannot broadcast {shapes} together") from None


def broadcast_map(shape: Sequence[int], out_shape: Sequence[int]) -> AffineMap:
    """The indexing map reading an operand of `shape` broadcast to `out_shape`."""
    rank, lead = len(out_shape), len(out_shape) - len(shape)
    exprs: list[AffineExpr] = []
    for i, size in enumerate(shape):
        loop = lead + i
        broadcast = size == 1 and out_shape[loop] != 1
        exprs.append(AffineConstantExpr(0) if broadcast else AffineDimExpr(loop))
    return AffineMap(rank, 0, tuple(exprs))


def common_dtype(operands: Sequence[Any], what: str) -> DType:
    """The element type every value operand shares (numbers adapt to it)."""
    values = [v for v in operands if isinstance(v, Value)]
    if not values:
        raise build_error(f"{what} needs at least one builder value")
    dtypes = {v.dtype for v in values}
    if len(dtypes) > 1:
        names = " and ".join(type_name(v) for v in values)
        raise build_error(
            f"{what}: element types differ: {names}; convert one with .astype"
        )
    return values[0].dtype


def map_tensors(
    fn: Callable[..., Any], operands: Sequence[Any], out_dtype: DType, what: str
) -> Tensor:
    """A generic applying scalar function `fn` element-wise, with broadcasting."""
    for v in operands:
        if not (isinstance(v, Value) or is_number(v)):
            raise build_error(
                f"{what}: cannot use a {type(v).__name__} as an operand"
                + (
                    "; wrap it with pd.constant(...)"
                    if isinstance(v, np.ndarray)
                    else ""
                )
            )
    tensors = [v for v in operands if isinstance(v, Tensor)]
    shape = broadcast_shape(tensors, what)
    init = empty(shape, out_dtype, what)
    maps = [broadcast_map(t.shape, shape) for t in tensors]
    maps.append(AffineMap.identity(len(shape)))

    def body(*args: Any) -> Any:
        elements = iter(args[: len(tensors)])
        scalar_args = [next(elements) if isinstance(v, Tensor) else v for v in operands]
        return fn(*scalar_args)

    (result,) = build_generic(
        tensors, [init], maps, ["parallel"] * len(shape), body, what
    )
    return result


def _binary(kind: str) -> Callable[[Any, Any], Value]:
    def build(a: Any, b: Any) -> Value:
        what = describe(kind)
        dtype = common_dtype((a, b), what)
        if isinstance(a, Tensor) or isinstance(b, Tensor):
            return map_tensors(
                lambda x, y: scalars.binary(kind, x, y), (a, b), dtype, what
            )
        return scalars.binary(kind, a, b)

    build.__name__ = kind
    return build


add = operator("add")(_binary("add"))
sub = operator("sub")(_binary("sub"))
mul = operator("mul")(_binary("mul"))
div = operator("div")(_binary("div"))
floordiv = operator("floordiv")(_binary("floordiv"))
maximum = _binary("maximum")
minimum = _binary("minimum")
maximum.__doc__ = (
    "Element-wise maximum with broadcasting (NaN propagates, as np.maximum)."
)
minimum.__doc__ = (
    "Element-wise minimum with broadcasting (NaN propagates, as np.minimum)."
)


def _unary(kind: str, doc: str) -> Callable[[Any], Value]:
    def build(x: Any) -> Value:
        what = "unary '-'" if kind == "neg" else f"pd.{kind}"
        dtype = common_dtype((x,), what)
        if isinstance(x, Tensor):
            return map_tensors(lambda v: scalars.unary(kind, v), (x,), dtype, what)
        return scalars.unary(kind, x)

    build.__name__ = kind
    build.__doc__ = doc
    return build


neg = operator("neg")(_unary("neg", "Element-wise negation."))
relu = _unary("relu", "max(x, 0), element-wise.")
exp = _unary("exp", "e**x, element-wise (floating-point types).")
tanh = _unary("tanh", "tanh(x), element-wise (floating-point types).")


@operator("astype")
def astype(x: Value, dtype: Any) -> Value:
    """`x` converted to `dtype` element-wise (numpy's astype: floats truncate)."""
    to = as_dtype(dtype)
    if to is None:
        raise build_error(f".astype: unknown element type {dtype!r}")
    if not isinstance(x, Value):
        raise build_error(f".astype needs a builder value, got {x!r}")
    if isinstance(x, Tensor):
        if x.dtype == to:
            return x
        return map_tensors(lambda v: scalars.cast(v, to), (x,), to, f".astype({to!r})")
    return scalars.cast(x, to)
