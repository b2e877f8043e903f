"""Folding index arithmetic for the C emitter.

An index quantity is an `int` (statically known) or a `str` (a C expression of
type int64_t). `add` and `mul` fold constants so that addresses of static
shapes print as `p[i * 64 + j]` instead of `p[i * 64 * 1 + j * 1 + 0]`.
"""

from __future__ import annotations

import math
import re

from xdsl.dialects.builtin import IndexType

from packdialect.emit.c.types import int_literal

Index = int | str

_ATOM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")


def _wrapped_in_parens(text: str) -> bool:
    """Whether `text` is one parenthesized expression `( ... )`."""
    if not text.startswith("(") or not text.endswith(")"):
        return False
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position != len(text) - 1:
            return False
    return True


def text(value: Index) -> str:
    """The C text of an index quantity."""
    if isinstance(value, int):
        return int_literal(value, IndexType())
    return value


def atom(value: Index) -> str:
    """The C text of `value`, parenthesized unless it is already atomic."""
    if isinstance(value, int):
        return text(value)
    if _ATOM.fullmatch(value) or _wrapped_in_parens(value):
        return value
    return f"({value})"


def add(a: Index, b: Index) -> Index:
    """a + b, folded."""
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    if b == 0:
        return a
    if a == 0:
        return b
    if isinstance(b, int) and b < 0:
        return f"{text(a)} - {-b}"
    return f"{text(a)} + {atom(b) if isinstance(b, int) else b}"


def mul(a: Index, b: Index) -> Index:
    """a * b, folded."""
    if isinstance(a, int) and isinstance(b, int):
        return a * b
    if a == 0 or b == 0:
        return 0
    if a == 1:
        return b
    if b == 1:
        return a
    return f"{atom(a)} * {atom(b)}"


def linear(indices: list[Index], strides: list[Index]) -> Index:
    """sum(indices[i] * strides[i]), folded; constants gathered at the end."""
    constant = 0
    result: Index = 0
    for index, stride in zip(indices, strides, strict=True):
        term = mul(index, stride)
        if isinstance(term, int):
            constant += term
        else:
            result = add(result, term)
    return add(result, constant)


def product(values: list[Index]) -> Index:
    """The product of index quantities, folded."""
    static = math.prod(v for v in values if isinstance(v, int))
    result: Index = static
    for value in values:
        if isinstance(value, str):
            result = mul(result, value)
    return result


def row_major_strides(sizes: list[Index]) -> list[Index]:
    """The contiguous row-major strides of a shape."""
    strides: list[Index] = []
    running: Index = 1
    for size in reversed(sizes):
        strides.append(running)
        running = mul(running, size)
    return list(reversed(strides))
