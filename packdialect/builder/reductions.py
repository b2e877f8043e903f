"""Reductions over axes (`pd.sum`, `pd.max`, `pd.mean`) and `pd.softmax`.

A reduction is one `linalg.generic` with `reduction` iterators on the
reduced axes, accumulating into a `linalg.fill` of the identity (0 for sum,
-inf or the smallest integer for max), as a hand-written reduction. The
result drops the reduced axes unless `keepdims=True` (then a broadcasting
generic puts them back with size 1). `pd.softmax` is max, subtract and
exp, sum, divide: the four generics of `examples/softmax.mlir`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xdsl.ir.affine import AffineDimExpr, AffineMap

from packdialect.builder import scalars
from packdialect.builder.errors import build_error
from packdialect.builder.scalars import lowest
from packdialect.builder.structured import build_generic, check_operand, empty, fill
from packdialect.builder.values import Tensor

_IDENTITY = {"add": lambda dtype: 0, "maximum": lowest}


def normalize_axes(axis: Any, rank: int, what: str) -> tuple[int, ...]:
    """Reduced axes, non-negative and sorted; None means every axis."""
    if axis is None:
        return tuple(range(rank))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    result = []
    for a in axes:
        if not isinstance(a, int) or not -rank <= a < rank:
            raise build_error(
                f"{what}: axis {a!r} is out of bounds for a tensor of rank {rank}"
            )
        result.append(a % rank)
    if len(set(result)) != len(result):
        raise build_error(f"{what}: repeated axis in {axis!r}")
    return tuple(sorted(result))


def _projection(rank: int, kept: Sequence[int]) -> AffineMap:
    return AffineMap(rank, 0, tuple(AffineDimExpr(d) for d in kept))


def reduce(x: Tensor, axes: tuple[int, ...], kind: str, what: str) -> Tensor:
    """One reduction generic of `x` over `axes` with the scalar combiner `kind`."""
    kept = [d for d in range(x.ndim) if d not in axes]
    init = fill(
        _IDENTITY[kind](x.dtype),
        empty([x.shape[d] for d in kept], x.dtype, what),
        what,
    )
    maps = [AffineMap.identity(x.ndim), _projection(x.ndim, kept)]
    iterators = ["reduction" if d in axes else "parallel" for d in range(x.ndim)]
    (result,) = build_generic(
        [x],
        [init],
        maps,
        iterators,
        lambda v, acc: scalars.binary(kind, v, acc),
        what,
    )
    return result


def expand_reduced(
    r: Tensor, shape: Sequence[int], axes: tuple[int, ...], what: str
) -> Tensor:
    """`r` (reduced over `axes`) with those axes back as size 1 (keepdims)."""
    keep_shape = [1 if d in axes else size for d, size in enumerate(shape)]
    kept = [d for d in range(len(shape)) if d not in axes]
    init = empty(keep_shape, r.dtype, what)
    maps = [_projection(len(shape), kept), AffineMap.identity(len(shape))]
    (result,) = build_generic(
        [r], [init], maps, ["parallel"] * len(shape), lambda v, _: v, what
    )
    return result


def _reduction(kind: str, name: str, x: Any, axis: Any, keepdims: bool) -> Tensor:
    what = f"pd.{name}"
    x = check_operand(x, what)
    axes = normalize_axes(axis, x.ndim, what)
    result = reduce(x, axes, kind, what)
    return expand_reduced(result, x.shape, axes, what) if keepdims else result


def sum_(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The sum over `axis` (an int, a tuple, or None for every axis), as np.sum."""
    return _reduction("add", "sum", x, axis, keepdims)


def max_(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The maximum over `axis` (NaN propagates), as np.max."""
    return _reduction("maximum", "max", x, axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The mean over `axis`, as np.mean (floating-point types)."""
    what = "pd.mean"
    x = check_operand(x, what)
    if not x.dtype.is_float:
        raise build_error(
            f"{what} needs floating-point values, got {x.dtype.name}; use .astype"
        )
    axes = normalize_axes(axis, x.ndim, what)
    count = 1
    for d in axes:
        count *= x.shape[d]
    total = _reduction("add", "mean", x, axes, keepdims)
    return total / float(count)  # type: ignore[return-value]


def softmax(x: Any, axis: int = -1) -> Tensor:
    """exp(x - max) / sum(exp(x - max)) along `axis` (floating-point types)."""
    what = "pd.softmax"
    x = check_operand(x, what)
    if not x.dtype.is_float:
        raise build_error(f"{what} needs floating-point values, got {x.dtype.name}")
    if not isinstance(axis, int):
        raise build_error(f"{what}: axis must be one int, got {axis!r}")
    axes = normalize_axes(axis, x.ndim, what)
    kept = [d for d in range(x.ndim) if d not in axes]
    maps = [
        AffineMap.identity(x.ndim),
        _projection(x.ndim, kept),
        AffineMap.identity(x.ndim),
    ]
    parallel = ["parallel"] * x.ndim
    row_max = reduce(x, axes, "maximum", what)
    (exps,) = build_generic(
        [x, row_max],
        [empty(x.shape, x.dtype, what)],
        maps,
        parallel,
        lambda v, m, _: scalars.unary("exp", scalars.binary("sub", v, m)),
        what,
    )
    total = reduce(exps, axes, "add", what)
    (result,) = build_generic(
        [exps, total],
        [empty(x.shape, x.dtype, what)],
        maps,
        parallel,
        lambda e, s, _: scalars.binary("div", e, s),
        what,
    )
    return result
