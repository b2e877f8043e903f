"""Buffers too large for 64-bit index arithmetic (more than 2^62 bytes) are
refused before any C is emitted; the largest that fit pass."""

from __future__ import annotations

import pytest

from packdialect.emit.c import emit_c
from packdialect.emit.errors import EmitError
from packdialect.emit.sizes import INT64_MAX, MAX_BYTES, byte_size, check_addressable
from packdialect.ir.context import make_context, parse_module
from packdialect.ir.parse import parse_source


def function(memref: str) -> str:
    return f"func.func @f(%a: {memref}) {{\n  func.return\n}}\n"


@pytest.mark.parametrize(
    ("memref", "size"),
    [
        ("memref<4xf32>", 16),
        ("memref<2x3xi1>", 6),
        ("memref<?x4xf32>", None),
        (f"memref<{INT64_MAX}xi8>", INT64_MAX),
        (f"memref<{INT64_MAX // 4}x4xf16>", INT64_MAX // 4 * 8),
    ],
)
def test_byte_size(memref: str, size: int | None) -> None:
    fn = parse_module(function(memref)).body.block.first_op
    assert byte_size(fn.function_type.inputs.data[0]) == size


def test_largest_addressable_buffer_is_emitted() -> None:
    """2^62 bytes exactly: every offset, plus a step, fits in int64."""
    assert "int8_t" in emit_c(parse_module(function(f"memref<{MAX_BYTES}xi8>")))
    assert "float" in emit_c(parse_module(function(f"memref<{MAX_BYTES // 4}xf32>")))


@pytest.mark.parametrize(
    "memref",
    [
        f"memref<{MAX_BYTES + 1}xi8>",
        f"memref<{MAX_BYTES // 4 + 1}xf32>",
        f"memref<{INT64_MAX}xi16>",
        f"memref<{2**62}x2xf32>",
        f"memref<{2**32}x{2**32}xf32>",
        f"memref<2x{INT64_MAX}xi8>",
    ],
)
def test_overflowing_buffers_are_refused(memref: str) -> None:
    module = parse_module(function(memref))
    with pytest.raises(EmitError, match="more than 2\\^62") as info:
        check_addressable(module)
    assert memref in str(info.value)
    with pytest.raises(EmitError, match="index arithmetic could overflow"):
        emit_c(module)


def test_overflowing_local_buffer_is_refused() -> None:
    text = (
        "func.func @f() {\n"
        f"  %m = memref.alloc() : memref<{2**61}x8xf32>\n"
        "  func.return\n}\n"
    )
    module = parse_source(make_context(), text, "t.mlir")
    with pytest.raises(EmitError, match="'memref.alloc' op uses") as info:
        emit_c(module)
    assert info.value.location == "t.mlir:2:8"
