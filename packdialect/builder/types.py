"""Element types (`pd.f32`, ...) and tensor types (`pd.Tensor[(16, 64), pd.f32]`).

A `DType` pairs an MLIR element type with its numpy form (the one dtype map,
`packdialect.ir.dtypes`); a `TensorSpec` is a static shape plus a DType, the
type of a `@pd.func` parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    TensorType,
)
from xdsl.ir import Attribute

from packdialect.builder.errors import build_error
from packdialect.ir.dtypes import value_dtype


@dataclass(frozen=True)
class DType:
    """An element type: its name, its MLIR type and its numpy value form."""

    name: str
    mlir: Attribute

    @property
    def is_float(self) -> bool:
        """Whether this is a floating-point type."""
        return not isinstance(self.mlir, IntegerType)

    @property
    def numpy(self) -> np.dtype:
        """The numpy dtype values of this type are computed in (bf16: float32)."""
        return value_dtype(self.mlir)

    @property
    def bitwidth(self) -> int:
        """The width of one element in bits."""
        if isinstance(self.mlir, IntegerType):
            return self.mlir.width.data
        return self.mlir.bitwidth  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"pd.{self.name}"


f16 = DType("f16", Float16Type())
bf16 = DType("bf16", BFloat16Type())
f32 = DType("f32", Float32Type())
f64 = DType("f64", Float64Type())
i1 = DType("i1", IntegerType(1))
i8 = DType("i8", IntegerType(8))
i16 = DType("i16", IntegerType(16))
i32 = DType("i32", IntegerType(32))
i64 = DType("i64", IntegerType(64))

DTYPES: tuple[DType, ...] = (f16, bf16, f32, f64, i1, i8, i16, i32, i64)
"""Every element type the builder knows."""

_BY_MLIR = {d.mlir: d for d in DTYPES}
_BY_NUMPY = {
    np.dtype(np.float16): f16,
    np.dtype(np.float32): f32,
    np.dtype(np.float64): f64,
    np.dtype(np.bool_): i1,
    np.dtype(np.int8): i8,
    np.dtype(np.int16): i16,
    np.dtype(np.int32): i32,
    np.dtype(np.int64): i64,
}


def dtype_of(element_type: Attribute) -> DType | None:
    """The DType of an MLIR element type (None when the builder has none)."""
    return _BY_MLIR.get(element_type)


def dtype_from_numpy(dtype: Any) -> DType | None:
    """The DType of a numpy dtype (`ml_dtypes.bfloat16` is bf16); None if none."""
    dt = np.dtype(dtype)
    if dt.name == "bfloat16":
        return bf16
    return _BY_NUMPY.get(dt)


def as_dtype(value: Any) -> DType | None:
    """A DType from a DType, an MLIR element type or a numpy dtype-like."""
    if isinstance(value, DType):
        return value
    if isinstance(value, Attribute):
        return dtype_of(value)
    try:
        return dtype_from_numpy(value)
    except TypeError:
        return None


@dataclass(frozen=True)
class TensorSpec:
    """A static tensor type: `pd.Tensor[(16, 64), pd.f32]`."""

    shape: tuple[int, ...]
    dtype: DType

    @property
    def mlir(self) -> TensorType:
        """The MLIR tensor type."""
        return TensorType(self.dtype.mlir, self.shape)

    def __str__(self) -> str:
        return type_str(self.mlir)


def make_spec(params: Any) -> TensorSpec:
    """`Tensor[shape, dtype]`'s parameters as a TensorSpec (BuildError if bad)."""
    if not isinstance(params, tuple) or len(params) != 2:
        raise build_error(
            "pd.Tensor takes a shape and a dtype: pd.Tensor[(16, 64), pd.f32]"
        )
    shape, dtype = params
    if isinstance(shape, int | np.integer):
        shape = (shape,)
    if not isinstance(shape, Sequence) or not all(
        isinstance(d, int | np.integer) and not isinstance(d, bool) and d > 0
        for d in shape
    ):
        raise build_error(
            f"pd.Tensor: the shape must be positive integers, got {shape!r}"
        )
    found = as_dtype(dtype)
    if found is None:
        raise build_error(f"pd.Tensor: unknown element type {dtype!r}")
    return TensorSpec(tuple(int(d) for d in shape), found)


def type_str(type_attr: Attribute) -> str:
    """An MLIR type as MLIR prints it (`tensor<16x64xf32>`)."""
    if isinstance(type_attr, TensorType):
        dims = "".join(f"{d}x" for d in type_attr.get_shape())
        return f"tensor<{dims}{type_attr.get_element_type()}>"
    return str(type_attr)
