"""Contractions: `@` / `pd.matmul` and `pd.conv2d_nhwc_hwcf`.

`a @ b` picks the named op by rank, as numpy's matmul does for these ranks:

| ranks | op | shapes |
|---|---|---|
| 2 @ 2 | `linalg.matmul` | (m, k) @ (k, n) -> (m, n) |
| 3 @ 3 | `linalg.batch_matmul` | (b, m, k) @ (b, k, n) -> (b, m, n) |
| 2 @ 1 | `linalg.matvec` | (m, n) @ (n,) -> (m,) |
| 1 @ 2 | `linalg.vecmat` | (m,) @ (m, n) -> (n,) |

Each accumulates into a `linalg.fill` of zero of a `tensor.empty`, as a
user writes it by hand. The accumulator type is the operands' (numpy's
result type); `pd.matmul(a, b, acc=pd.i32)` widens i8 operands (the named
op's body sign-extends them, as upstream's `cast_signed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, TensorType, i64
from xdsl.dialects.linalg.ops import Conv2DNhwc_HwcfOp

from packdialect.builder.errors import build_error
from packdialect.builder.scalars import type_name
from packdialect.builder.scope import emit, tensor_scope
from packdialect.builder.structured import check_operand, empty, fill
from packdialect.builder.types import DType, as_dtype
from packdialect.builder.values import Tensor, check_visible, operator
from packdialect.ir.named_ops import (
    BatchMatmulOp,
    ContractionNamedOp,
    MatmulOp,
    MatvecOp,
    VecmatOp,
)

_BY_RANKS: dict[tuple[int, int], type[ContractionNamedOp]] = {
    (2, 2): MatmulOp,
    (3, 3): BatchMatmulOp,
    (2, 1): MatvecOp,
    (1, 2): VecmatOp,
}


def _matmul_shape(a: Tensor, b: Tensor, what: str) -> tuple[int, ...]:
    """The result shape, or a BuildError naming both operands' types."""
    both = f"{type_name(a)} and {type_name(b)}"
    sa, sb = a.shape, b.shape
    k_a = sa[-1]
    k_b = sb[-2] if len(sb) >= 2 else sb[0]
    if k_a != k_b:
        raise build_error(
            f"{what}: cannot multiply {both}: the contracted dimensions differ "
            f"({k_a} != {k_b})"
        )
    if len(sa) == 3 and sa[0] != sb[0]:
        raise build_error(
            f"{what}: cannot multiply {both}: the batch dimensions differ "
            f"({sa[0]} != {sb[0]})"
        )
    ranks = (len(sa), len(sb))
    if ranks == (2, 2):
        return (sa[0], sb[1])
    if ranks == (3, 3):
        return (sa[0], sa[1], sb[2])
    return (sa[0],) if ranks == (2, 1) else (sb[1],)


def matmul(a: Any, b: Any, acc: Any = None) -> Tensor:
    """`a @ b` as matmul / batch_matmul / matvec / vecmat, accumulating in `acc`
    (default: the operands' type)."""
    return _matmul(a, b, acc, "pd.matmul")


@operator("matmul")
def matmul_operator(a: Any, b: Any) -> Tensor:
    """The `@` operator."""
    return _matmul(a, b, None, "'@'")


def _matmul(a: Any, b: Any, acc: Any, what: str) -> Tensor:
    a, b = check_operand(a, what), check_operand(b, what)
    scope = tensor_scope(what)
    op_class = _BY_RANKS.get((a.ndim, b.ndim))
    if op_class is None:
        raise build_error(
            f"{what}: cannot multiply {type_name(a)} and {type_name(b)}: ranks "
            "2@2 (matmul), 3@3 (batch_matmul), 2@1 (matvec) and 1@2 (vecmat) are supported"
        )
    if a.dtype != b.dtype:
        raise build_error(
            f"{what}: element types differ: {type_name(a)} and {type_name(b)}; "
            "convert one with .astype"
        )
    acc_dtype = _accumulator(a.dtype, acc, what)
    shape = _matmul_shape(a, b, what)
    init = fill(0, empty(shape, acc_dtype, what), what)
    op = op_class(
        [check_visible(a, what), check_visible(b, what)],
        [init.ssa],
        [init.type],
    )
    return Tensor(emit(op, what).results[0], scope)


def _accumulator(operands: DType, acc: Any, what: str) -> DType:
    if acc is None:
        return operands
    found = as_dtype(acc)
    if found is None:
        raise build_error(f"{what}: unknown accumulator type {acc!r}")
    if found.is_float != operands.is_float or found.bitwidth < operands.bitwidth:
        raise build_error(
            f"{what}: cannot accumulate {operands.name} products in {found.name} "
            "(the accumulator must be as wide, and of the same kind)"
        )
    return found


def _pair(value: int | Sequence[int], name: str, what: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int) and v > 0 for v in pair):
        raise build_error(
            f"{what}: {name} must be a positive int or a pair, got {value!r}"
        )
    return pair  # type: ignore[return-value]


def conv2d_nhwc_hwcf(
    x: Any,
    w: Any,
    strides: int | Sequence[int] = 1,
    dilations: int | Sequence[int] = 1,
) -> Tensor:
    """`linalg.conv_2d_nhwc_hwcf`: x (n, h, w, c) * w (kh, kw, c, f) -> (n, oh, ow, f).

    No padding ("valid"); `strides` and `dilations` are an int or an (h, w) pair.
    """
    what = "pd.conv2d_nhwc_hwcf"
    x, w = check_operand(x, what), check_operand(w, what)
    scope = tensor_scope(what)
    both = f"{type_name(x)} and {type_name(w)}"
    if x.ndim != 4 or w.ndim != 4:
        raise build_error(f"{what}: needs rank-4 input and filter, got {both}")
    if x.dtype != w.dtype:
        raise build_error(
            f"{what}: element types differ: {both}; convert one with .astype"
        )
    if x.shape[3] != w.shape[2]:
        raise build_error(
            f"{what}: the input has {x.shape[3]} channels but the filter expects "
            f"{w.shape[2]}: {both}"
        )
    sh, sw = _pair(strides, "strides", what)
    dh, dw = _pair(dilations, "dilations", what)
    n, h, wd, _ = x.shape
    kh, kw, _, f = w.shape
    oh = (h - dh * (kh - 1) - 1) // sh + 1
    ow = (wd - dw * (kw - 1) - 1) // sw + 1
    if oh <= 0 or ow <= 0:
        raise build_error(f"{what}: the filter does not fit in the input: {both}")
    init = fill(0, empty((n, oh, ow, f), x.dtype, what), what)
    vector = TensorType(i64, (2,))
    op = Conv2DNhwc_HwcfOp(
        [check_visible(x, what), check_visible(w, what)],
        [init.ssa],
        [init.type],
        strides=DenseIntOrFPElementsAttr.from_list(vector, [sh, sw]),
        dilations=DenseIntOrFPElementsAttr.from_list(vector, [dh, dw]),
    )
    return Tensor(emit(op, what).results[0], scope)
