"""Argument marshalling: numpy arrays in, C arguments out, checked.

Every element type's numpy form comes from the one dtype map,
`packdialect.ir.dtypes` (bf16 is raw uint16 bits, whether or not `ml_dtypes`
is installed). `ArgSpec` precomputes what one argument must be; `prepare`
checks a value against it and converts (copies of non-contiguous arrays,
float32 or `bfloat16` arrays for bf16); `c_arguments` lays the prepared
values out in the ABI's parameter order (`packdialect.emit.abi`).
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    BFloat16Type,
    MemRefType,
    NoneAttr,
    StridedLayoutAttr,
    TensorType,
    VectorType,
)
from xdsl.ir import Attribute

from packdialect.emit.abi import CParam
from packdialect.emit.c.types import scalar_ctype, vector_info, vector_typedef_name
from packdialect.ir.dtypes import DtypeError, accepted_dtypes, bf16_bits
from packdialect.runtime.errors import ArgumentError, CompileError


def numpy_dtypes(t: Attribute) -> list[np.dtype]:
    """The numpy dtypes accepted for element type `t` (the first one is allocated)."""
    try:
        return list(accepted_dtypes(t))
    except DtypeError:
        raise CompileError(f"element type '{t}' has no numpy dtype") from None


_CTYPES_SCALARS: dict[str, Any] = {
    "int64_t": ctypes.c_int64,
    "int32_t": ctypes.c_int32,
    "int16_t": ctypes.c_int16,
    "int8_t": ctypes.c_int8,
    "bool": ctypes.c_bool,
    "float": ctypes.c_float,
    "double": ctypes.c_double,
    "uint16_t": ctypes.c_uint16,
}


def scalar_ctypes(t: Attribute) -> Any | None:
    """The ctypes type of a scalar of type t (None: not passable, e.g. f16)."""
    if isinstance(t, VectorType | MemRefType | TensorType):
        return None
    return _CTYPES_SCALARS.get(scalar_ctype(t))


def type_ctype(t: Attribute) -> str:
    if isinstance(t, VectorType):
        return vector_typedef_name(vector_info(t))
    return scalar_ctype(t)


def is_row_major(t: MemRefType) -> bool:
    """Whether a memref argument is laid out like a C-contiguous numpy array."""
    if isinstance(t.layout, NoneAttr):
        return True
    if not isinstance(t.layout, StridedLayoutAttr):
        return False
    shape = t.get_shape()
    expected: list[int | None] = []
    running: int | None = 1
    for size in reversed(shape):
        expected.append(running)
        running = None if running is None or size < 0 else running * size
    return all(
        s is None or s == e
        for s, e in zip(t.get_strides() or (), reversed(expected), strict=True)
    )


@dataclass(frozen=True)
class ArgSpec:
    """What one argument must be, precomputed so that calls stay cheap."""

    where: str
    """"function 'f': argument 0 (%a)", for error messages."""
    memref: bool
    output: bool
    dtypes: tuple[np.dtype, ...] = ()
    shape: tuple[int, ...] = ()
    """Static sizes; -1 where dynamic."""
    expected: str = ""
    scalar: Any = None
    """The ctypes type of a scalar argument."""
    bf16: bool = False
    """A bf16 memref: float32 inputs (the interpreter's carrier) are converted."""


def arg_spec(where: str, t: Attribute, output: bool) -> ArgSpec:
    """What an argument of type `t` must be (`where` names it in errors)."""
    if not isinstance(t, MemRefType):
        return ArgSpec(
            where, False, output, expected=f"a scalar {t}", scalar=scalar_ctypes(t)
        )
    dtypes = tuple(numpy_dtypes(t.element_type))
    shape = tuple(s if s >= 0 else -1 for s in t.get_shape())
    dims = "x".join("?" if s < 0 else str(s) for s in shape)
    expected = (
        f"memref<{dims + 'x' if dims else ''}{t.element_type}> (numpy {dtypes[0]})"
    )
    bf16 = isinstance(t.element_type, BFloat16Type)
    return ArgSpec(where, True, output, dtypes, shape, expected, bf16=bf16)


def prepare(spec: ArgSpec, value: Any) -> Any:
    """The value to pass for one argument (an array for memrefs), or ArgumentError."""
    if not spec.memref:
        return _prepare_scalar(spec, value)
    if (
        type(value) is np.ndarray
        and value.shape == spec.shape
        and value.dtype in spec.dtypes
    ):
        flags = value.flags
        if flags.c_contiguous and flags.aligned:
            return value  # the common case, checked cheaply
    return _prepare_array(spec, value)


def _prepare_array(spec: ArgSpec, value: Any) -> Any:
    """_prepare for memrefs: conversions, copies and error messages."""
    if type(value) is not np.ndarray:
        if spec.output:
            raise ArgumentError(
                f"{spec.where}: output must be a numpy array of {spec.expected}"
            )
        try:
            value = np.asarray(value, dtype=spec.dtypes[0])
        except (TypeError, ValueError) as error:
            raise ArgumentError(f"{spec.where}: expected {spec.expected}") from error
    if spec.bf16:
        value = _bf16_storage(spec, value)
    if value.dtype not in spec.dtypes:
        raise ArgumentError(
            f"{spec.where}: expected {spec.expected}, got dtype {value.dtype}"
        )
    shape = value.shape
    if len(shape) != len(spec.shape) or any(
        s != g and s >= 0 for s, g in zip(spec.shape, shape, strict=True)
    ):
        raise ArgumentError(
            f"{spec.where}: expected {spec.expected}, got shape {shape}"
        )
    flags = value.flags
    if flags.c_contiguous and flags.aligned:
        return value
    return np.require(value, requirements=["C", "A"])


def _bf16_storage(spec: ArgSpec, value: np.ndarray) -> np.ndarray:
    """A bf16 argument as raw bits: a 2-byte `bfloat16` array (ml_dtypes) is
    viewed as its bits, float32 inputs (the interpreter's values) are rounded."""
    if value.dtype.name == "bfloat16" and value.dtype.itemsize == 2:
        return value.view(np.uint16)
    if not spec.output and value.dtype == np.float32:
        return bf16_bits(value)
    return value


def _prepare_scalar(spec: ArgSpec, value: Any) -> Any:
    if isinstance(value, np.ndarray) and value.ndim > 0:
        raise ArgumentError(
            f"{spec.where} expects {spec.expected}, got an array of shape {value.shape}"
        )
    if isinstance(value, np.generic | np.ndarray):
        value = value.item()
    try:
        return spec.scalar(value)
    except TypeError as error:
        raise ArgumentError(
            f"{spec.where} expects {spec.expected}, got {type(value).__name__}"
        ) from error


def param_ctypes(param: CParam, inputs: tuple[Attribute, ...]) -> Any:
    if param.kind == "memref":
        return ctypes.c_void_p
    if param.kind in ("size", "stride"):
        return ctypes.c_int64
    return scalar_ctypes(inputs[param.arg])


def c_arguments(params: Sequence[CParam], passed: list[Any]) -> list[Any]:
    """The C arguments, in ABI order, for prepared argument values."""
    arguments: list[Any] = []
    for param in params:
        value = passed[param.arg]
        if param.kind == "memref":
            arguments.append(data_pointer(value))
        elif param.kind == "size":
            arguments.append(value.shape[param.dim])
        elif param.kind == "stride":
            arguments.append(value.strides[param.dim] // value.itemsize)
        else:
            arguments.append(value)
    return arguments


def data_pointer(array: np.ndarray) -> int:
    """Address of a C-contiguous array's data (faster than `array.ctypes.data`)."""
    try:
        return ctypes.addressof(ctypes.c_char.from_buffer(array))
    except (TypeError, ValueError, BufferError):  # read-only or empty
        return array.ctypes.data


def aligned_empty(shape: Sequence[int], dtype: np.dtype, align: int = 64) -> np.ndarray:
    """np.empty(shape, dtype) whose data starts on an `align`-byte boundary."""
    nbytes = math.prod(shape) * dtype.itemsize
    buffer = np.empty(nbytes + align, dtype=np.uint8)
    start = (-data_pointer(buffer)) % align
    return buffer[start : start + nbytes].view(dtype).reshape(tuple(shape))
