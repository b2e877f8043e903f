"""C types, literals and symbol names for the C emitter.

Every MLIR type the emitter accepts maps to one C type here:

| MLIR          | C value type | C memory type | numpy (runtime) |
|---------------|--------------|---------------|-----------------|
| `index`       | `int64_t`    | `int64_t`     | int64           |
| `i1`          | `bool`       | `bool`        | bool            |
| `i8` ... `i64`| `int8_t` ... | same          | int8 ... int64  |
| `f16`         | `_Float16`   | `_Float16`    | float16         |
| `bf16`        | `uint16_t` (raw bits, arithmetic in float) | `uint16_t` | uint16 / bfloat16 |
| `f32`, `f64`  | `float`, `double` | same     | float32, float64|

`bf16` is kept as raw bits because GCC before 13 has no arithmetic `__bf16`
in C; every bf16 operation converts to float, computes and rounds back to
nearest-even, which is exact for +, -, *, / and sqrt (double rounding through
f32 is innocuous at bf16 precision).

A 1-D `vector<N x T>` maps to a GCC/Clang vector type
`typedef T vecN_T __attribute__((vector_size(P * sizeof(T))))` where P is N
rounded up to a power of two (the lanes past N are padding, kept at zero where
it matters). `vector<N x i1>` holds one `uint8_t` per lane with value 0 or 1.
An n-D vector `vector<A x B x N x T>` is a struct of A*B rows of the 1-D type:
`typedef struct { vecN_T row[A * B]; } vecAxBxN_T;`.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    VectorType,
)
from xdsl.ir import Attribute

from packdialect.emit.errors import EmitError

# ---------------------------------------------------------------------------
# Scalar types
# ---------------------------------------------------------------------------

_FLOAT_INFO: dict[type, tuple[str, str, int]] = {
    # type -> (C type, short suffix, size in bytes)
    Float16Type: ("_Float16", "f16", 2),
    BFloat16Type: ("uint16_t", "bf16", 2),
    Float32Type: ("float", "f32", 4),
    Float64Type: ("double", "f64", 8),
}


def is_float(t: Attribute) -> bool:
    """Whether `t` is one of the float types the emitter supports."""
    return type(t) in _FLOAT_INFO


def is_bf16(t: Attribute) -> bool:
    """Whether `t` is bf16 (kept as raw bits in C)."""
    return isinstance(t, BFloat16Type)


def is_int_like(t: Attribute) -> bool:
    """Whether `t` is an integer or index type."""
    return isinstance(t, IntegerType | IndexType)


def int_width(t: Attribute) -> int:
    """Bit width of an integer type (64 for index)."""
    if isinstance(t, IndexType):
        return 64
    if isinstance(t, IntegerType):
        return t.width.data
    raise EmitError(f"expected an integer type, got {t}")


def is_i1(t: Attribute) -> bool:
    """Whether `t` is i1."""
    return isinstance(t, IntegerType) and t.width.data == 1


def check_scalar_type(t: Attribute) -> None:
    """Raise EmitError unless `t` is a scalar type the emitter supports."""
    if is_float(t) or isinstance(t, IndexType):
        return
    if isinstance(t, IntegerType) and t.width.data in (1, 8, 16, 32, 64):
        return
    if t.name in ("tensor", "unranked_tensor"):
        raise EmitError(
            f"unsupported type '{t}' in the C emitter (bufferize tensors to memrefs first)"
        )
    raise EmitError(f"unsupported type '{t}' in the C emitter")


def scalar_ctype(t: Attribute) -> str:
    """The C type holding a scalar SSA value of type `t` (also its memory type)."""
    check_scalar_type(t)
    if isinstance(t, IndexType):
        return "int64_t"
    if isinstance(t, IntegerType):
        width = t.width.data
        return "bool" if width == 1 else f"int{width}_t"
    return _FLOAT_INFO[type(t)][0]


def unsigned_ctype(t: Attribute) -> str:
    """The exact-width unsigned C type of an integer type."""
    width = int_width(t)
    return "bool" if width == 1 else f"uint{width}_t"


def promoted_unsigned_ctype(t: Attribute) -> str:
    """The unsigned type in which wrapping +, -, *, << of `t` are computed."""
    return "uint64_t" if int_width(t) == 64 else "uint32_t"


def type_suffix(t: Attribute) -> str:
    """A short name of a scalar type used in typedef and helper names."""
    check_scalar_type(t)
    if isinstance(t, IndexType):
        return "idx"
    if isinstance(t, IntegerType):
        return f"i{t.width.data}"
    return _FLOAT_INFO[type(t)][1]


def byte_size(t: Attribute) -> int:
    """Size in bytes of a scalar type in memory (i1 is one byte)."""
    check_scalar_type(t)
    if is_float(t):
        return _FLOAT_INFO[type(t)][2]
    return max(1, int_width(t) // 8)


def compute_ctype(t: Attribute) -> str:
    """The C float type in which math functions of float type `t` run."""
    return "double" if isinstance(t, Float64Type) else "float"


# ---------------------------------------------------------------------------
# Vector types
# ---------------------------------------------------------------------------


def next_pow2(n: int) -> int:
    """Smallest power of two >= n."""
    return 1 << max(0, (n - 1).bit_length())


@dataclass(frozen=True)
class VectorInfo:
    """The C layout of a static vector type: rows of padded 1-D GCC vectors."""

    shape: tuple[int, ...]
    elem: Attribute

    @property
    def lanes(self) -> int:
        """Number of meaningful lanes of one row (the innermost dimension)."""
        return self.shape[-1]

    @property
    def padded(self) -> int:
        """Number of lanes of the GCC vector holding one row."""
        return next_pow2(self.lanes)

    @property
    def rows(self) -> int:
        """Number of 1-D rows (1 for a 1-D vector)."""
        return math.prod(self.shape[:-1])

    @property
    def is_1d(self) -> bool:
        """Whether this is a 1-D vector."""
        return len(self.shape) == 1

    @property
    def has_padding(self) -> bool:
        """Whether the GCC vector has lanes past the MLIR lane count."""
        return self.padded != self.lanes

    @property
    def row_info(self) -> VectorInfo:
        """The 1-D vector type of one row."""
        return VectorInfo((self.lanes,), self.elem)

    def row_position(self, row: int) -> tuple[int, ...]:
        """The leading-dimension position of row number `row`."""
        position: list[int] = []
        for size in reversed(self.shape[:-1]):
            position.append(row % size)
            row //= size
        return tuple(reversed(position))

    def row_index(self, position: tuple[int, ...]) -> int:
        """The row number of a leading-dimension position (inverse of row_position)."""
        row = 0
        for size, p in zip(self.shape[:-1], position, strict=True):
            row = row * size + p
        return row


def vector_info(t: Attribute) -> VectorInfo:
    """The VectorInfo of a vector type, refusing scalable or 0-D vectors."""
    if not isinstance(t, VectorType):
        raise EmitError(f"expected a vector type, got {t}")
    scalable = getattr(t, "scalable_dims", None)
    if scalable is not None and any(getattr(s, "value", False) for s in scalable):
        raise EmitError(f"scalable vector type '{t}' is not supported by the C emitter")
    shape = tuple(t.get_shape())
    if not shape:
        raise EmitError(f"0-D vector type '{t}' is not supported by the C emitter")
    elem = t.get_element_type()
    check_scalar_type(elem)
    return VectorInfo(shape, elem)


def lane_ctype(t: Attribute) -> str:
    """The C type of one lane of a vector of element type `t`."""
    return "uint8_t" if is_i1(t) else scalar_ctype(t)


def lane_unsigned_ctype(t: Attribute) -> str:
    """The unsigned C type of one lane (for wrapping vector arithmetic)."""
    if is_i1(t):
        return "uint8_t"
    if is_float(t):
        return f"uint{byte_size(t) * 8}_t"
    return unsigned_ctype(t)


def vector_typedef_name(info: VectorInfo, unsigned: bool = False) -> str:
    """Name of the C typedef of a vector type (or of its unsigned view)."""
    dims = "x".join(str(d) for d in info.shape)
    suffix = type_suffix(info.elem)
    if unsigned:
        suffix = "u" + str(byte_size(info.elem) * 8)
    return f"vec{dims}_{suffix}"


# ---------------------------------------------------------------------------
# Literals
# ---------------------------------------------------------------------------


def _wrap_signed(value: int, width: int) -> int:
    """Reduce `value` to the signed two's complement range of `width` bits."""
    value &= (1 << width) - 1
    if value >= 1 << (width - 1):
        value -= 1 << width
    return value


def int_literal(value: int, t: Attribute) -> str:
    """A C literal of integer type `t` (i1 as true/false) with the MLIR value."""
    width = int_width(t)
    if width == 1:
        return "true" if value & 1 else "false"
    value = _wrap_signed(value, width)
    if width == 64:
        if value == -(1 << 63):
            return "(-INT64_C(9223372036854775807) - 1)"
        if -32768 <= value <= 32767:
            return str(value) if value >= 0 else f"({value})"
        return f"INT64_C({value})" if value >= 0 else f"(-INT64_C({-value}))"
    if width == 32 and value == -(1 << 31):
        return "(-2147483647 - 1)"
    return str(value) if value >= 0 else f"({value})"


def _f32_text(value: float) -> str:
    """Shortest decimal text that reads back as the f32 `value`."""
    import numpy as np

    text = str(np.float32(value))
    if "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    elif "." not in text and "e" not in text:
        text += ".0"
    return text


def _special_float(value: float, ctype: str) -> str | None:
    """A C expression for inf / nan of the given compute type, else None."""
    suffix = "f" if ctype == "float" else ""
    if math.isnan(value):
        return f'__builtin_nan{suffix}("")'
    if math.isinf(value):
        inf = f"__builtin_inf{suffix}()"
        return inf if value > 0 else f"(-{inf})"
    return None


def f32_to_bf16_bits(value: float) -> int:
    """Round an f32 value to bf16 (nearest-even) and return its 16 bits."""
    bits = struct.unpack("<I", struct.pack("<f", value))[0]
    if math.isnan(value):
        return (bits >> 16) | 0x40
    rounding = 0x7FFF + ((bits >> 16) & 1)
    return ((bits + rounding) >> 16) & 0xFFFF


def float_literal(value: float, t: Attribute) -> str:
    """A C literal of float type `t` (bf16 as its 16 raw bits)."""
    if is_bf16(t):
        return f"((uint16_t)0x{f32_to_bf16_bits(value):04x})"
    ctype = compute_ctype(t)
    special = _special_float(value, ctype)
    if special is None:
        text = repr(float(value)) if ctype == "double" else _f32_text(value) + "f"
        special = f"({text})" if text.startswith("-") else text
    if isinstance(t, Float16Type):
        return f"((_Float16){special})"
    return special


def scalar_literal(value: int | float, t: Attribute) -> str:
    """A C literal of scalar type `t`."""
    if is_float(t):
        return float_literal(float(value), t)
    return int_literal(int(value), t)
