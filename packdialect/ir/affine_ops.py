"""`affine.max`, which xDSL 0.74 lacks (it has `affine.min`).

Upstream syntax: `%r = affine.max affine_map<(d0)[s0] -> (d0, s0 + 1)>(%i)[%n]`,
the largest of the map's results. The interpreter and the C emitter handle it
by name with `affine.min`.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import AffineMapAttr, IndexType
from xdsl.ir import Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    prop_def,
    result_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException


@irdl_op_definition
class MaxOp(IRDLOperation):
    """`affine.max`: the maximum of an affine map's results."""

    name = "affine.max"

    arguments = var_operand_def(IndexType())
    result = result_def(IndexType())
    map = prop_def(AffineMapAttr)

    def __init__(
        self, map_operands: Sequence[SSAValue | Operation], affine_map: AffineMapAttr
    ):
        super().__init__(
            operands=[map_operands],
            properties={"map": affine_map},
            result_types=[IndexType()],
        )

    def verify_(self) -> None:
        amap = self.map.data
        expected = amap.num_dims + amap.num_symbols
        if len(self.arguments) != expected:
            raise VerifyException(
                f"operand count and affine map dimension and symbol count must "
                f"match (expected {expected}, got {len(self.arguments)})"
            )
        if not amap.results:
            raise VerifyException("affine.max needs at least one map result")

    @classmethod
    def parse(cls, parser: Parser) -> MaxOp:
        at = parser.pos
        amap = parser.parse_attribute()
        if not isinstance(amap, AffineMapAttr):
            parser.raise_error("expected an affine map", at_position=at)
        dims = parser.parse_optional_comma_separated_list(
            parser.Delimiter.PAREN, lambda: parser.parse_operand(IndexType())
        )
        symbols = parser.parse_optional_comma_separated_list(
            parser.Delimiter.SQUARE, lambda: parser.parse_operand(IndexType())
        )
        return cls([*(dims or []), *(symbols or [])], amap)

    def print(self, printer: Printer) -> None:
        amap = self.map.data
        printer.print_string(" ")
        printer.print_attribute(self.map)
        printer.print_string("(")
        printer.print_list(self.arguments[: amap.num_dims], printer.print_operand)
        printer.print_string(")")
        if amap.num_symbols:
            printer.print_string("[")
            printer.print_list(self.arguments[amap.num_dims :], printer.print_operand)
            printer.print_string("]")


AFFINE_OPS = (MaxOp,)
"""Ops added to the `affine` namespace."""

__all__ = ["AFFINE_OPS", "MaxOp"]
