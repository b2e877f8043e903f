"""`linalg.pack` and `linalg.unpack`, as upstream MLIR defines them.

Mirrors `LinalgRelayoutOps.td` (https://mlir.llvm.org/docs/Dialects/Linalg/#linalgpack-linalgpackop):
the same textual syntax, properties, verifier order and messages, so files
written for `mlir-opt` parse here and our output parses there.

```
%p = linalg.pack %src [padding_value(%pad : f32)] [outer_dims_perm = [1, 0]]
       inner_dims_pos = [0, 1] inner_tiles = [8, %t] into %dest
       : tensor<128x256xf32> -> tensor<32x16x8x?xf32>
```
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    DenseArrayBase,
    IndexType,
    IntegerAttr,
    TensorType,
    i64,
)
from xdsl.dialects.utils.dynamic_index_list import (
    get_dynamic_index_list,
    parse_dynamic_index_list_without_types,
    print_dynamic_index_list,
    split_dynamic_index_list,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.pattern_rewriter import RewritePattern
from xdsl.printer import Printer
from xdsl.traits import HasCanonicalizationPatternsTrait, Pure
from xdsl.utils.exceptions import VerifyException

Tile = int | SSAValue


def ceildiv(a: int, b: int) -> int:
    """Ceiling division of non-negative integers."""
    return -(-a // b)


def infer_packed_shape(
    shape: Sequence[int],
    inner_dims_pos: Sequence[int],
    static_tiles: Sequence[int],
    outer_dims_perm: Sequence[int] = (),
) -> list[int]:
    """The packed shape for `shape` (DYNAMIC_INDEX marks dynamic sizes/tiles)."""
    outer = list(shape)
    for pos, tile in zip(inner_dims_pos, static_tiles, strict=True):
        if outer[pos] == DYNAMIC_INDEX or tile == DYNAMIC_INDEX:
            outer[pos] = DYNAMIC_INDEX
        else:
            outer[pos] = ceildiv(outer[pos], tile)
    if outer_dims_perm:
        outer = [outer[d] for d in outer_dims_perm]
    return outer + list(static_tiles)


def _constant_int(value: SSAValue) -> int | None:
    """The integer an `arith.constant` defines, else None."""
    owner = value.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


def _is_invalid_positions(positions: Sequence[int], rank: int) -> bool:
    """Upstream's isInvalidPackingPosSpecification."""
    if len(positions) > rank:
        return True
    if len(set(positions)) != len(positions):
        return True
    return any(p < 0 or p >= rank for p in positions)


class EmitError(VerifyException):
    """A verifier error upstream reports with `op->emitError` (no `'op' op` prefix).

    The driver's diagnostics read `op_prefix` to print the message as upstream does.
    """

    op_prefix: ClassVar[bool] = False


def _shape_str(shape: Sequence[int]) -> str:
    return "x".join("?" if d == DYNAMIC_INDEX else str(d) for d in shape)


PatternProvider = Callable[[], Sequence[RewritePattern]]


class RelayoutCanonicalization(HasCanonicalizationPatternsTrait):
    """`canonicalize` folds for pack/unpack.

    The patterns live in `packdialect.ir.canonicalization`, which imports
    these ops; it installs its pattern list here when it is imported (the
    Context factory imports it), so this module never imports it back.
    """

    _provider: ClassVar[PatternProvider | None] = None

    @classmethod
    def install(cls, provider: PatternProvider) -> None:
        """Use `provider()` as the canonicalization patterns of pack/unpack."""
        cls._provider = provider

    @classmethod
    def get_canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        if cls._provider is None:
            return ()
        return tuple(cls._provider())


class RelayoutOp(IRDLOperation):
    """Shared structure of `linalg.pack` and `linalg.unpack`."""

    IS_PACK: ClassVar[bool]

    inner_dims_pos = prop_def(DenseArrayBase.constr(i64))
    static_inner_tiles = prop_def(DenseArrayBase.constr(i64))
    outer_dims_perm = opt_prop_def(DenseArrayBase.constr(i64))

    result = result_def(TensorType)

    traits = traits_def(Pure(), RelayoutCanonicalization())

    # ---- accessors -------------------------------------------------------
    def get_inner_dims_pos(self) -> tuple[int, ...]:
        """The source dims that are tiled, in inner-tile order."""
        return self.inner_dims_pos.get_values()

    def get_outer_dims_perm(self) -> tuple[int, ...]:
        """The outer permutation, () when absent."""
        if self.outer_dims_perm is None:
            return ()
        return self.outer_dims_perm.get_values()

    def get_static_inner_tiles(self) -> tuple[int, ...]:
        """Static tile sizes; DYNAMIC_INDEX where the tile is an SSA value."""
        return self.static_inner_tiles.get_values()

    def get_mixed_tiles(self) -> list[Tile]:
        """Tiles as ints (static) or SSA values (dynamic)."""
        return get_dynamic_index_list(
            self.get_static_inner_tiles(), tuple(self.inner_tiles), DYNAMIC_INDEX
        )

    def unpacked_type(self) -> TensorType[Attribute]:
        """The type of the unpacked (original layout) side."""
        t = self.source.type if self.IS_PACK else self.dest.type
        assert isinstance(t, TensorType)
        return t

    def packed_type(self) -> TensorType[Attribute]:
        """The type of the packed (tiled layout) side."""
        t = self.dest.type if self.IS_PACK else self.source.type
        assert isinstance(t, TensorType)
        return t

    @staticmethod
    def infer_packed_type(
        source_type: TensorType[Attribute],
        inner_dims_pos: Sequence[int],
        inner_tiles: Sequence[Tile],
        outer_dims_perm: Sequence[int] | None = None,
    ) -> TensorType[Attribute]:
        """The packed tensor type upstream's `inferPackedType` gives."""
        static = [t if isinstance(t, int) else DYNAMIC_INDEX for t in inner_tiles]
        shape = infer_packed_shape(
            source_type.get_shape(), inner_dims_pos, static, outer_dims_perm or ()
        )
        return TensorType(source_type.get_element_type(), shape)

    # ---- verification (upstream order and messages) -----------------------
    def verify_(self) -> None:
        if self.result.type != self.dest.type:
            raise VerifyException(
                "failed to verify that result type matches type of dest"
            )
        num_dynamic = self.get_static_inner_tiles().count(DYNAMIC_INDEX)
        if num_dynamic != len(self.inner_tiles):
            raise VerifyException(
                f"expected {num_dynamic} dynamic inner tile values (one per "
                f"dynamic entry of static_inner_tiles), got {len(self.inner_tiles)}"
            )
        unpacked = self.unpacked_type()
        packed = self.packed_type()
        rank = unpacked.get_num_dims()
        tiles = self.get_mixed_tiles()
        inner = self.get_inner_dims_pos()
        perm = self.get_outer_dims_perm()
        for tile in tiles:
            value = tile if isinstance(tile, int) else _constant_int(tile)
            if value == 0:
                raise EmitError("invalid zero tile factor")
        if _is_invalid_positions(inner, rank):
            raise EmitError("invalid inner_dims_pos vector")
        if _is_invalid_positions(perm, rank):
            raise EmitError("invalid outer_dims_perm vector")
        if perm and len(perm) != rank:
            raise EmitError("outer_dims_perm must be a permutation or empty")
        if len(tiles) > rank:
            raise EmitError(
                "tiling factors must be less than or equal to the input rank for "
                "pack or output rank for unpack"
            )
        if len(tiles) != len(inner):
            raise EmitError(
                "tiling factors must equal the number of dimensions to tile"
            )
        packed_rank = packed.get_num_dims()
        if packed_rank != rank + len(tiles):
            raise EmitError(
                "packed rank != (unpacked rank + num tiling factors), got "
                f"{packed_rank} != {rank + len(tiles)}"
            )
        self._verify_tile_dims(packed.get_shape()[rank:], tiles)
        expected = infer_packed_shape(
            unpacked.get_shape(), inner, self.get_static_inner_tiles(), perm
        )
        if not _compatible(expected, packed.get_shape()):
            elt = unpacked.get_element_type()
            raise EmitError(
                f"expected 'tensor<{_shape_str(expected)}x{elt}>' for the packed "
                f"domain value, got '{packed}'"
            )
        if unpacked.get_element_type() != packed.get_element_type():
            raise VerifyException(
                "the packed and unpacked element types must match, got "
                f"'{packed.get_element_type()}' and '{unpacked.get_element_type()}'"
            )
        self._verify_extra()

    @staticmethod
    def _verify_tile_dims(trailing: Sequence[int], tiles: Sequence[Tile]) -> None:
        """Trailing packed dims vs tiles, as upstream (raw sentinel for `?` dims)."""
        for index, (dim, tile) in enumerate(zip(trailing, tiles, strict=True)):
            if not isinstance(tile, int):
                if dim != DYNAMIC_INDEX:
                    raise EmitError(
                        f"mismatch in inner tile sizes specified at index {index}: "
                        f"got static shape {dim} but dynamic tile size"
                    )
                continue
            if dim != tile:
                raise EmitError(
                    "mismatch in inner tile sizes specified and shaped of tiled "
                    f"dimension in the packed type at index {index}: "
                    f"got {dim} != {tile}"
                )

    def _verify_extra(self) -> None:
        """Op-specific checks after the common ones."""

    # ---- custom syntax ----------------------------------------------------
    @classmethod
    def _parse_tail(
        cls, parser: Parser
    ) -> tuple[
        Sequence[int] | None, Sequence[int], list[UnresolvedOperand], Sequence[int]
    ]:
        perm: Sequence[int] | None = None
        if parser.parse_optional_keyword("outer_dims_perm"):
            parser.parse_punctuation("=")
            perm = parser.parse_comma_separated_list(
                Parser.Delimiter.SQUARE, parser.parse_integer
            )
        parser.parse_keyword("inner_dims_pos")
        parser.parse_punctuation("=")
        inner = parser.parse_comma_separated_list(
            Parser.Delimiter.SQUARE, parser.parse_integer
        )
        parser.parse_keyword("inner_tiles")
        parser.parse_punctuation("=")
        dyn, static = parse_dynamic_index_list_without_types(parser, DYNAMIC_INDEX)
        return perm, inner, list(dyn), static

    def _print_tail(self, printer: Printer) -> None:
        if self.outer_dims_perm is not None:
            printer.print_string(" outer_dims_perm = [")
            printer.print_string(", ".join(map(str, self.get_outer_dims_perm())))
            printer.print_string("]")
        printer.print_string(" inner_dims_pos = [")
        printer.print_string(", ".join(map(str, self.get_inner_dims_pos())))
        printer.print_string("] inner_tiles = ")
        print_dynamic_index_list(
            printer,
            DYNAMIC_INDEX,
            tuple(self.inner_tiles),
            self.get_static_inner_tiles(),
        )
        printer.print_string(" into ")
        printer.print_operand(self.dest)
        attrs = {k: v for k, v in self.attributes.items() if k != "operandSegmentSizes"}
        printer.print_op_attributes(attrs)
        printer.print_string(" : ")
        printer.print_attribute(self.source.type)
        printer.print_string(" -> ")
        printer.print_attribute(self.dest.type)


def _compatible(expected: Sequence[int], actual: Sequence[int]) -> bool:
    return all(
        e == a or DYNAMIC_INDEX in (e, a) for e, a in zip(expected, actual, strict=True)
    )


def _props(
    inner_dims_pos: Sequence[int],
    static_tiles: Sequence[int],
    outer_dims_perm: Sequence[int] | None,
) -> dict[str, Attribute]:
    props: dict[str, Attribute] = {
        "inner_dims_pos": DenseArrayBase.from_list(i64, list(inner_dims_pos)),
        "static_inner_tiles": DenseArrayBase.from_list(i64, list(static_tiles)),
    }
    if outer_dims_perm is not None:
        props["outer_dims_perm"] = DenseArrayBase.from_list(i64, list(outer_dims_perm))
    return props


class PackBase(RelayoutOp):
    """Fields and behaviour of `linalg.pack` (shared with the legacy spelling)."""

    IS_PACK: ClassVar[bool] = True

    source = operand_def(TensorType)
    dest = operand_def(TensorType)
    padding_value = opt_operand_def()
    inner_tiles = var_operand_def(IndexType)

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    def __init__(
        self,
        source: SSAValue | Operation,
        dest: SSAValue | Operation,
        inner_dims_pos: Sequence[int],
        inner_tiles: Sequence[Tile],
        outer_dims_perm: Sequence[int] | None = None,
        padding_value: SSAValue | Operation | None = None,
        attributes: dict[str, Attribute] | None = None,
    ):
        static, dynamic = split_dynamic_index_list(list(inner_tiles), DYNAMIC_INDEX)
        dest_value = SSAValue.get(dest)
        super().__init__(
            operands=[
                source,
                dest,
                [] if padding_value is None else [padding_value],
                dynamic,
            ],
            result_types=[dest_value.type],
            properties=_props(inner_dims_pos, static, outer_dims_perm),
            attributes=attributes,
        )

    @staticmethod
    def into_empty(
        source: SSAValue | Operation,
        inner_dims_pos: Sequence[int],
        inner_tiles: Sequence[Tile],
        outer_dims_perm: Sequence[int] | None = None,
        padding_value: SSAValue | Operation | None = None,
    ) -> tuple[tensor.EmptyOp, PackOp]:
        """Builds `tensor.empty` of the inferred packed type and the pack into it.

        Dynamic packed sizes are not inferred here: the source and tiles must give
        a static packed type.
        """
        src = SSAValue.get(source)
        assert isinstance(src.type, TensorType)
        packed = RelayoutOp.infer_packed_type(
            src.type, inner_dims_pos, inner_tiles, outer_dims_perm
        )
        empty = tensor.EmptyOp([], packed)
        return empty, PackOp(
            src, empty, inner_dims_pos, inner_tiles, outer_dims_perm, padding_value
        )

    def _verify_extra(self) -> None:
        elt = self.unpacked_type().get_element_type()
        if self.padding_value is not None and self.padding_value.type != elt:
            raise VerifyException(
                f"expected padding_value has '{elt}' but got: "
                f"'{self.padding_value.type}'"
            )
        if self.padding_value is None and self.requires_padding():
            raise VerifyException(
                "invalid tile factor or output size provided. Only full tiles are "
                "supported when padding_value is not set"
            )

    def requires_padding(self) -> bool:
        """Upstream's `PackOp::requirePaddingValue`.

        A static dim needs padding when its tile (static, or an SSA constant) does
        not divide it; for an unknown tile, when the static outer size of the
        packed type does not divide it.
        """
        shape = self.unpacked_type().get_shape()
        rank = len(shape)
        outer = list(self.packed_type().get_shape()[:rank])
        perm = self.get_outer_dims_perm()
        if perm:
            unpermuted = [0] * rank
            for j, d in enumerate(perm):
                unpermuted[d] = outer[j]
            outer = unpermuted
        for pos, tile in zip(
            self.get_inner_dims_pos(), self.get_mixed_tiles(), strict=True
        ):
            if shape[pos] == DYNAMIC_INDEX:
                continue
            size = tile if isinstance(tile, int) else _constant_int(tile)
            if size is None:
                size = outer[pos]
                if size == DYNAMIC_INDEX:
                    continue
            if size and shape[pos] % size:
                return True
        return False

    @classmethod
    def parse(cls, parser: Parser) -> PackBase:
        source = parser.parse_unresolved_operand()
        padding: tuple[UnresolvedOperand, Attribute] | None = None
        if parser.parse_optional_keyword("padding_value"):
            parser.parse_punctuation("(")
            pad = parser.parse_unresolved_operand()
            parser.parse_punctuation(":")
            padding = (pad, parser.parse_type())
            parser.parse_punctuation(")")
        perm, inner, dyn, static = cls._parse_tail(parser)
        parser.parse_keyword("into")
        dest = parser.parse_unresolved_operand()
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        src_type = parser.parse_type()
        parser.parse_punctuation("->")
        dest_type = parser.parse_type()
        index = IndexType()
        op = cls(
            parser.resolve_operand(source, src_type),
            parser.resolve_operand(dest, dest_type),
            inner,
            get_dynamic_index_list(
                static,
                [parser.resolve_operand(d, index) for d in dyn],
                DYNAMIC_INDEX,
            ),
            perm,
            None if padding is None else parser.resolve_operand(*padding),
            attributes=attrs,
        )
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.source)
        if self.padding_value is not None:
            printer.print_string(" padding_value(")
            printer.print_operand(self.padding_value)
            printer.print_string(" : ")
            printer.print_attribute(self.padding_value.type)
            printer.print_string(")")
        self._print_tail(printer)


class UnpackBase(RelayoutOp):
    """Fields and behaviour of `linalg.unpack` (shared with the legacy spelling)."""

    IS_PACK: ClassVar[bool] = False

    source = operand_def(TensorType)
    dest = operand_def(TensorType)
    inner_tiles = var_operand_def(IndexType)

    def __init__(
        self,
        source: SSAValue | Operation,
        dest: SSAValue | Operation,
        inner_dims_pos: Sequence[int],
        inner_tiles: Sequence[Tile],
        outer_dims_perm: Sequence[int] | None = None,
        attributes: dict[str, Attribute] | None = None,
    ):
        static, dynamic = split_dynamic_index_list(list(inner_tiles), DYNAMIC_INDEX)
        dest_value = SSAValue.get(dest)
        super().__init__(
            operands=[source, dest, dynamic],
            result_types=[dest_value.type],
            properties=_props(inner_dims_pos, static, outer_dims_perm),
            attributes=attributes,
        )

    @classmethod
    def parse(cls, parser: Parser) -> UnpackBase:
        source = parser.parse_unresolved_operand()
        perm, inner, dyn, static = cls._parse_tail(parser)
        parser.parse_keyword("into")
        dest = parser.parse_unresolved_operand()
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        src_type = parser.parse_type()
        parser.parse_punctuation("->")
        dest_type = parser.parse_type()
        index = IndexType()
        return cls(
            parser.resolve_operand(source, src_type),
            parser.resolve_operand(dest, dest_type),
            inner,
            get_dynamic_index_list(
                static,
                [parser.resolve_operand(d, index) for d in dyn],
                DYNAMIC_INDEX,
            ),
            perm,
            attributes=attrs,
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.source)
        self._print_tail(printer)


@irdl_op_definition
class PackOp(PackBase):
    """Packs a tensor into a tiled layout (upstream `linalg.pack`)."""

    name = "linalg.pack"


@irdl_op_definition
class UnpackOp(UnpackBase):
    """Unpacks a tiled tensor back to its original layout (upstream `linalg.unpack`)."""

    name = "linalg.unpack"


@irdl_op_definition
class TensorPackOp(PackBase):
    """The 2022-2024 spelling `tensor.pack`; upgraded to `linalg.pack` after parsing."""

    name = "tensor.pack"

    @classmethod
    def parse(cls, parser: Parser) -> PackBase:
        """Parses the old spelling straight into `linalg.pack` (keeps the location)."""
        return PackOp.parse(parser)


@irdl_op_definition
class TensorUnpackOp(UnpackBase):
    """The 2022-2024 spelling `tensor.unpack`; upgraded to `linalg.unpack`."""

    name = "tensor.unpack"

    @classmethod
    def parse(cls, parser: Parser) -> UnpackBase:
        """Parses the old spelling straight into `linalg.unpack` (keeps the location)."""
        return UnpackOp.parse(parser)
