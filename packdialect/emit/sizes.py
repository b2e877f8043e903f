"""Refuse, before emission, shaped types too large to address.

Emitted code indexes buffers with 64-bit signed arithmetic (element offsets
`i * stride + j`, byte offsets, allocation sizes, and loop counters that
step past their last value: `i += 16` with `i` just below the bound). A
static shape whose byte count exceeds MAX_BYTES = 2**62 could make that
arithmetic overflow: undefined behaviour in C, a wrong result at best.
Below it, every offset and every offset plus one step (a step is at most a
dimension) stays under INT64_MAX. MLIR accepts such types (each dimension
fits in int64), so this is checked where it matters, on the IR an emitter
is about to translate.
"""

from __future__ import annotations

import math

from xdsl.dialects.builtin import DYNAMIC_INDEX, ShapedType
from xdsl.ir import Attribute, Operation

from packdialect.emit.errors import EmitError
from packdialect.ir.dtypes import DtypeError, storage_dtype

INT64_MAX = 2**63 - 1
MAX_BYTES = 2**62
"""The largest buffer emitted code may address (half of INT64_MAX's range,
room for a loop step past the last offset)."""


def byte_size(t: Attribute) -> int | None:
    """Bytes of a statically shaped value of type `t` (None: dynamic, or not
    shaped, or an element type without a storage size)."""
    if not isinstance(t, ShapedType):
        return None
    shape = t.get_shape()
    if any(d == DYNAMIC_INDEX or d < 0 for d in shape):
        return None
    try:
        itemsize = storage_dtype(t).itemsize
    except DtypeError:
        return None
    return math.prod(shape) * itemsize


def _types_of(op: Operation) -> list[Attribute]:
    types = [r.type for r in op.results] + [o.type for o in op.operands]
    for region in op.regions:
        for block in region.blocks:
            types += [a.type for a in block.args]
    function_type = getattr(op, "function_type", None)
    if function_type is not None and hasattr(function_type, "inputs"):
        types += list(function_type.inputs.data) + list(function_type.outputs.data)
    return types


def check_addressable(module: Operation) -> None:
    """EmitError at the first op with a value of more than MAX_BYTES bytes."""
    for op in module.walk():
        for t in _types_of(op):
            size = byte_size(t)
            if size is not None and size > MAX_BYTES:
                raise EmitError(
                    f"'{op.name}' op uses {t}, {size} bytes: more than 2^62, so "
                    "its 64-bit index arithmetic could overflow",
                    op,
                )
