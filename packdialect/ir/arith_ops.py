"""Integer casts that accept vectors and tensors, as upstream `arith` does.

xDSL 0.74's `arith.extsi` / `extui` / `trunci` take scalars only; upstream's
take any signless-integer-like type (scalar, vector or tensor of integers).
These replace xDSL's in the `arith` namespace (see packdialect.ir.context), so
the vectorizer can widen i8 vectors and files with tensor casts parse.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import IntegerType, TensorType, VectorType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException


def _element_and_shape(t: Attribute) -> tuple[Attribute, tuple[int, ...] | None]:
    """(element type, shape) of a vector/tensor; (t, None) for a scalar."""
    if isinstance(t, VectorType | TensorType):
        return t.get_element_type(), tuple(t.get_shape())
    return t, None


class IntegerCastOp(IRDLOperation):
    """An integer width cast on signless-integer-like values."""

    WIDENS: ClassVar[bool]

    input = operand_def()
    result = result_def()

    traits = traits_def(Pure())

    assembly_format = "$input attr-dict `:` type($input) `to` type($result)"

    def __init__(self, op: SSAValue | Operation, target_type: Attribute):
        super().__init__(operands=[op], result_types=[target_type])

    def verify_(self) -> None:
        src, src_shape = _element_and_shape(self.input.type)
        dst, dst_shape = _element_and_shape(self.result.type)
        if not isinstance(src, IntegerType) or not isinstance(dst, IntegerType):
            raise VerifyException(
                "operand and result must be signless-integer-like, "
                f"got '{self.input.type}' and '{self.result.type}'"
            )
        if src_shape != dst_shape or type(self.input.type) is not type(
            self.result.type
        ):
            raise VerifyException(
                "requires the same shape for all operands and results"
            )
        wider = dst.width.data > src.width.data
        narrower = dst.width.data < src.width.data
        if self.WIDENS and not wider:
            raise VerifyException("result type must be wider than operand type")
        if not self.WIDENS and not narrower:
            raise VerifyException("result type must be narrower than operand type")


@irdl_op_definition
class ExtSIOp(IntegerCastOp):
    """Sign extension (upstream `arith.extsi`)."""

    name = "arith.extsi"
    WIDENS: ClassVar[bool] = True


@irdl_op_definition
class ExtUIOp(IntegerCastOp):
    """Zero extension (upstream `arith.extui`)."""

    name = "arith.extui"
    WIDENS: ClassVar[bool] = True


@irdl_op_definition
class TruncIOp(IntegerCastOp):
    """Integer truncation (upstream `arith.trunci`)."""

    name = "arith.trunci"
    WIDENS: ClassVar[bool] = False


ARITH_OPS = (ExtSIOp, ExtUIOp, TruncIOp)
"""Ops replacing xDSL's in the `arith` namespace."""

__all__ = ["ARITH_OPS", "ExtSIOp", "ExtUIOp", "IntegerCastOp", "TruncIOp"]
