"""The numpy form of every MLIR element type: the ONE dtype map.

Every layer that turns IR values into numpy arrays reads this module: the
interpreter (the *value* form it computes with), the C emitter (the *storage*
form of dense constants) and the runtime's marshalling (the dtypes a compiled
function accepts and returns). Nothing here depends on which optional
packages are installed: bf16 never becomes `ml_dtypes.bfloat16`.

| element type | value form (interpreter) | storage form (memory, C, compiled results) |
|---|---|---|
| f16 | float16 | float16 |
| bf16 | float32, rounded to bf16 after every op | uint16: the raw bf16 bits |
| f32, f64 | float32, float64 | the same |
| i1 | bool | bool |
| iN | the smallest intN holding N bits | intN for N in 8, 16, 32, 64 |
| index | int64 | int64 |

A compiled function takes, for a memref argument, the storage dtype (signless
integers: the signed or the unsigned dtype of the width) and, for bf16, also
the value form (float32, rounded to bf16 ties-to-even on the way in) and any
2-byte dtype named `bfloat16` (viewed as its bits).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    BFloat16Type,
    ComplexType,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
)
from xdsl.ir import Attribute
from xdsl.utils.exceptions import DiagnosticException

__all__ = [
    "DtypeError",
    "accepted_dtypes",
    "bf16_bits",
    "bf16_values",
    "bits_dtype",
    "element_type",
    "from_storage",
    "is_bf16",
    "round_to_bf16",
    "storage_dtype",
    "to_storage",
    "value_dtype",
]


class DtypeError(DiagnosticException):
    """An element type with no numpy form (an integer wider than 64 bits, ...)."""


_VALUE_FLOATS: dict[type, np.dtype] = {
    Float16Type: np.dtype(np.float16),
    BFloat16Type: np.dtype(np.float32),
    Float32Type: np.dtype(np.float32),
    Float64Type: np.dtype(np.float64),
}
_STORAGE_FLOATS: dict[type, np.dtype] = {
    **_VALUE_FLOATS,
    BFloat16Type: np.dtype("<u2"),
}


def element_type(type_attr: Attribute) -> Attribute:
    """The element type of a shaped type, or the type itself (a complex
    type is its own element: it has no numpy form, not its parts')."""
    # Exact-type checks and getattr: isinstance on xDSL's ABCs is slow, and
    # the interpreter asks for every op it evaluates.
    if type(type_attr) is ComplexType:
        return type_attr
    return getattr(type_attr, "element_type", type_attr)


def is_bf16(type_attr: Attribute) -> bool:
    """Whether the (element) type is bf16."""
    return type(element_type(type_attr)) is BFloat16Type


def _int_width(elem: Attribute) -> int | None:
    if type(elem) is IndexType:
        return 64
    if type(elem) is IntegerType:
        return elem.width.data
    return None


def _int_dtype(elem: Attribute) -> np.dtype:
    width = _int_width(elem)
    if width is None:
        raise DtypeError(f"unsupported element type '{elem}'")
    if width == 1:
        return np.dtype(np.bool_)
    for bits in (8, 16, 32, 64):
        if width <= bits:
            return np.dtype(f"int{bits}")
    raise DtypeError(f"unsupported integer width {width} (at most 64)")


def value_dtype(type_attr: Attribute) -> np.dtype:
    """The dtype the interpreter computes with for an (element) type."""
    elem = element_type(type_attr)
    found = _VALUE_FLOATS.get(type(elem))
    return found if found is not None else _int_dtype(elem)


def storage_dtype(type_attr: Attribute) -> np.dtype:
    """The dtype of an element in memory (buffers, dense constants, C)."""
    elem = element_type(type_attr)
    found = _STORAGE_FLOATS.get(type(elem))
    return found if found is not None else _int_dtype(elem)


def bits_dtype(type_attr: Attribute) -> np.dtype | None:
    """An unsigned little-endian dtype as wide as one element, for moving raw
    bit patterns (None when the element has no whole byte size)."""
    size = getattr(element_type(type_attr), "compile_time_size", None)
    if size not in (1, 2, 4, 8):
        return None
    return np.dtype(f"<u{size}")


def accepted_dtypes(type_attr: Attribute) -> tuple[np.dtype, ...]:
    """The dtypes a compiled function takes for a memref of this element type
    without converting (the first is the one it allocates and returns)."""
    elem = element_type(type_attr)
    storage = storage_dtype(elem)
    width = _int_width(elem)
    if width in (8, 16, 32, 64) and type(elem) is IntegerType:
        # Signless: the signed and the unsigned dtype of the width are both fine.
        return (storage, np.dtype(f"uint{width}"))
    return (storage,)


def round_to_bf16(values: Any) -> np.ndarray:
    """Round float32 values to the nearest bf16 (ties to even), kept as float32."""
    x = np.asarray(values, dtype=np.float32, order="C")
    bits = x.view(np.uint32)
    rounding = ((bits >> np.uint32(16)) & np.uint32(1)) + np.uint32(0x7FFF)
    rounded = ((bits + rounding) & np.uint32(0xFFFF0000)).view(np.float32)
    return np.where(np.isnan(x), x, rounded)


def bf16_bits(values: Any) -> np.ndarray:
    """float32 values rounded to bf16 (ties to even) as raw uint16 bits."""
    rounded = np.ascontiguousarray(round_to_bf16(values), dtype=np.float32)
    return (rounded.view(np.uint32) >> np.uint32(16)).astype(np.uint16)


def bf16_values(bits: Any) -> np.ndarray:
    """Raw bf16 bits (uint16, or a 2-byte `bfloat16` dtype) as float32 values."""
    raw = np.ascontiguousarray(bits).view(np.uint16)
    return (raw.astype(np.uint32) << np.uint32(16)).view(np.float32)


def to_storage(values: np.ndarray, type_attr: Attribute) -> np.ndarray:
    """An array of the value form as the storage form (bf16: float32 -> bits)."""
    if is_bf16(type_attr):
        return bf16_bits(values)
    return np.asarray(values, dtype=storage_dtype(type_attr))


def from_storage(array: np.ndarray, type_attr: Attribute) -> np.ndarray:
    """An array of the storage form as the value form (bf16: bits -> float32)."""
    if is_bf16(type_attr):
        return bf16_values(array)
    return np.asarray(array, dtype=value_dtype(type_attr))
