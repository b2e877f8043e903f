"""`pd.generic`: a `linalg.generic` whose body a Python function builds.

```python
rowsum = pd.generic(
    ["(i, j) -> (i, j)", "(i, j) -> (i)"], ["parallel", "reduction"],
    lambda v, acc: v + acc,
    ins=[x], outs=[pd.zeros((16,), pd.f32)],
)
```

Maps are xDSL `AffineMap`s, `AffineMapAttr`s, Python callables
(`lambda i, j: (i,)`) or text (`"(d0, d1) -> (d0)"`, with or without
`affine_map<...>`). The body gets one scalar per input and output element,
and returns the new output element(s); it may build any scalar op (`+ - *
/`, `pd.maximum`, `pd.exp`, `.astype`, `pd.splice` of scalar ops). Loop
sizes are checked against the operands' shapes before the op is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from xdsl.dialects.builtin import AffineMapAttr
from xdsl.ir.affine import AffineDimExpr, AffineMap
from xdsl.parser import Parser
from xdsl.utils.exceptions import ParseError

from packdialect.builder.errors import build_error
from packdialect.builder.scalars import type_name
from packdialect.builder.structured import build_generic, check_operand
from packdialect.builder.values import Tensor
from packdialect.ir.context import make_context

_ITERATORS = ("parallel", "reduction")


def to_affine_map(value: Any, what: str) -> AffineMap:
    """An AffineMap from a map, a map attribute, a callable or MLIR text."""
    if isinstance(value, AffineMap):
        return value
    if isinstance(value, AffineMapAttr):
        return value.data
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith("affine_map<"):
            text = f"affine_map<{text}>"
        try:
            attr = Parser(make_context(), text, "<map>").parse_attribute()
        except ParseError as err:
            message = err.msg.strip().splitlines()[0]
            raise build_error(f"{what}: bad affine map {value!r}: {message}") from None
        if not isinstance(attr, AffineMapAttr):
            raise build_error(f"{what}: {value!r} is not an affine map")
        return attr.data
    if callable(value):
        return AffineMap.from_callable(value)
    raise build_error(f"{what}: cannot make an affine map from {value!r}")


def check_loops(
    maps: Sequence[AffineMap],
    operands: Sequence[Tensor],
    iterators: Sequence[str],
    what: str,
) -> None:
    """Every map fits its operand, and every loop has one size."""
    if len(maps) != len(operands):
        raise build_error(
            f"{what}: {len(maps)} indexing maps for {len(operands)} operands"
        )
    loops = maps[0].num_dims if maps else 0
    if len(iterators) != loops:
        raise build_error(f"{what}: {len(iterators)} iterator types for {loops} loops")
    for it in iterators:
        if it not in _ITERATORS:
            raise build_error(
                f"{what}: unknown iterator type {it!r} (parallel or reduction)"
            )
    sizes: dict[int, tuple[int, int]] = {}
    for index, (amap, operand) in enumerate(zip(maps, operands, strict=True)):
        if amap.num_dims != loops or amap.num_symbols:
            raise build_error(
                f"{what}: map #{index} must have {loops} dims and no symbols"
            )
        if len(amap.results) != operand.ndim:
            raise build_error(
                f"{what}: map #{index} has {len(amap.results)} results for operand "
                f"#{index} of type {type_name(operand)}"
            )
        for expr, size in zip(amap.results, operand.shape, strict=True):
            if not isinstance(expr, AffineDimExpr):
                continue
            seen = sizes.setdefault(expr.position, (size, index))
            if seen[0] != size:
                first = operands[seen[1]]
                raise build_error(
                    f"{what}: loop d{expr.position} has size {seen[0]} in operand "
                    f"#{seen[1]} ({type_name(first)}) but {size} in operand #{index} "
                    f"({type_name(operand)})"
                )
    missing = [d for d in range(loops) if d not in sizes]
    if missing:
        raise build_error(f"{what}: no operand gives the size of loop(s) {missing}")


def _iterator_name(value: Any) -> str:
    """'parallel' from 'parallel' or from an IteratorTypeAttr."""
    data = getattr(value, "data", None)
    return str(getattr(data, "value", value))


def generic(
    maps: Sequence[Any],
    iterators: Sequence[str],
    body: Callable[..., Any],
    ins: Sequence[Any],
    outs: Sequence[Any],
) -> Tensor | tuple[Tensor, ...]:
    """A `linalg.generic`: `body(*in_elements, *out_elements)` returns the new
    out element(s). Returns the result tensor (a tuple for several outs)."""
    what = "pd.generic"
    if not outs:
        raise build_error(f"{what} needs at least one output")
    inputs = [check_operand(v, what) for v in ins]
    outputs = [check_operand(v, what) for v in outs]
    affine = [to_affine_map(m, what) for m in maps]
    iters = [_iterator_name(it) for it in iterators]
    check_loops(affine, [*inputs, *outputs], iters, what)
    results = build_generic(inputs, outputs, affine, iters, body, what)
    return results[0] if len(results) == 1 else tuple(results)
