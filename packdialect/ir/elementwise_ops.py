"""`linalg.map` and `linalg.elementwise`, as upstream MLIR defines them.

- https://mlir.llvm.org/docs/Dialects/Linalg/#linalgmap-linalgmapop
- https://mlir.llvm.org/docs/Dialects/Linalg/#linalgelementwise-linalgelementwiseop

```
%m = linalg.map { arith.addf } ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%o : tensor<4xf32>)
%n = linalg.map ins(%a : tensor<4xf32>) outs(%o : tensor<4xf32>)
       (%x: f32, %out: f32) { ... linalg.yield %y : f32 }
%e = linalg.elementwise <exp> [indexing_maps = [...]]
       ins(%a : tensor<4xf32>) outs(%o : tensor<4xf32>) -> tensor<4xf32>
```

The mapper of `linalg.map` takes one element of every input and of the init
(upstream's current form); the short form names one op applied to the input
elements. `linalg.elementwise` builds its body from its kind
(`#linalg.elementwise_kind<add>`), casting inputs to the output element type
like upstream's named ops. Both are all-parallel; `generalize()` gives the
equivalent `linalg.generic`, which the passes (after
`linalg-generalize-named-ops`, or the start of cpu-pipeline) and the
interpreter use.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import (
    AffineMapAttr,
    AnyFloat,
    ArrayAttr,
    FloatAttr,
    ShapedType,
    TensorType,
)
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp, YieldOp
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import Attribute, Block, BlockArgument, Operation, Region, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    prop_def,
    region_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

from packdialect.ir.named_ops import cast_to, element_type


def _rank(value: SSAValue) -> int:
    return value.type.get_num_dims() if isinstance(value.type, ShapedType) else 0


def _dims(shape: Sequence[int]) -> str:
    return ", ".join("?" if d < 0 else str(d) for d in shape)


def _identity_maps(rank: int, count: int) -> ArrayAttr[AffineMapAttr]:
    return ArrayAttr([AffineMapAttr(AffineMap.identity(rank))] * count)


def _parallel(rank: int) -> ArrayAttr[IteratorTypeAttr]:
    return ArrayAttr([IteratorTypeAttr.parallel()] * rank)


def _parse_operand_group(
    parser: Parser, keyword: str
) -> tuple[list[UnresolvedOperand], list[Attribute], int]:
    """`keyword(%a, %b : t1, t2)`: the operands, their types, the position."""
    pos = parser.pos
    parser.parse_keyword(keyword)
    parser.parse_punctuation("(")
    names = parser.parse_comma_separated_list(
        Parser.Delimiter.NONE, parser.parse_unresolved_operand
    )
    parser.parse_punctuation(":")
    types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
    parser.parse_punctuation(")")
    return names, types, pos


def _print_operand_group(printer: Printer, keyword: str, values) -> None:
    printer.print_string(f" {keyword}(")
    printer.print_list(values, printer.print_ssa_value)
    printer.print_string(" : ")
    printer.print_list([v.type for v in values], printer.print_attribute)
    printer.print_string(")")


def _non_default(properties: dict[str, Attribute]) -> dict[str, Attribute]:
    """Properties upstream's printer shows (not a `fastmath` of none)."""
    return {
        name: value
        for name, value in properties.items()
        if not (name == "fastmath" and value == arith.FastMathFlagsAttr("none"))
    }


# ---------------------------------------------------------------------------
# linalg.map
# ---------------------------------------------------------------------------


@irdl_op_definition
class MapOp(IRDLOperation):
    """Applies the mapper to the elements of every input (upstream `linalg.map`)."""

    name = "linalg.map"

    inputs = var_operand_def()
    init = operand_def(ShapedType)
    result = var_result_def(TensorType)
    mapper = region_def("single_block")

    def __init__(
        self,
        inputs: Sequence[SSAValue],
        init: SSAValue,
        mapper: Region,
        attributes: dict[str, Attribute] | None = None,
    ):
        results = [init.type] if isinstance(init.type, TensorType) else []
        super().__init__(
            operands=[list(inputs), init],
            result_types=[results],
            regions=[mapper],
            attributes=attributes,
        )

    def verify_(self) -> None:
        block = self.mapper.block
        arity = len(self.inputs) + 1
        if len(block.args) != arity:
            raise VerifyException(
                "expects number of operands to match the arity of mapper, but got: "
                f"{arity} and {len(block.args)}"
            )
        rank = _rank(self.init)
        out_shape = self.init.type.get_shape()  # type: ignore[union-attr]
        for index, value in enumerate(self.inputs):
            if not isinstance(value.type, ShapedType) or _rank(value) != rank:
                raise VerifyException(
                    f"expected input #{index} to be shaped like the output, of "
                    f"rank {rank}"
                )
            shape = value.type.get_shape()
            if shape != out_shape:
                raise VerifyException(
                    f"expected shape of input ({_dims(shape)}) to match shape of "
                    f"output ({_dims(out_shape)})"
                )

    def generalize(self) -> GenericOp:
        """The equivalent `linalg.generic` (not inserted)."""
        rank = _rank(self.init)
        return GenericOp(
            list(self.inputs),
            [self.init],
            self.mapper.clone(),
            _identity_maps(rank, len(self.inputs) + 1),
            _parallel(rank),
            [r.type for r in self.result],
        )

    # ---- syntax -------------------------------------------------------------
    def _short_form(self) -> Operation | None:
        """The payload op when the mapper is `yield op(inputs...)`."""
        block = self.mapper.block
        ops = list(block.ops)
        if len(ops) != 2 or not isinstance(ops[1], YieldOp):
            return None
        payload = ops[0]
        inputs = block.args[: len(self.inputs)]
        if payload.regions or payload.attributes or len(payload.results) != 1:
            return None
        if list(payload.operands) != list(inputs):
            return None
        if list(ops[1].operands) != [payload.results[0]]:
            return None
        return payload

    def print(self, printer: Printer) -> None:
        payload = self._short_form()
        if payload is not None:
            printer.print_string(f" {{ {payload.name}")
            properties = _non_default(payload.properties)
            if properties:
                printer.print_string(" ")
                printer.print_attr_dict(properties)
            printer.print_string(" }")
        _print_operand_group(printer, "ins", self.inputs)
        _print_operand_group(printer, "outs", [self.init])
        if self.attributes:
            printer.print_op_attributes(self.attributes)
        if payload is None:
            printer.print_string(" (")
            printer.print_list(self.mapper.block.args, printer.print_block_argument)
            printer.print_string(") ")
            printer.print_region(self.mapper, print_entry_block_args=False)

    @classmethod
    def parse(cls, parser: Parser) -> MapOp:
        payload_name, payload_props = None, {}
        if parser.parse_optional_punctuation("{"):
            payload_name = parser.parse_identifier()
            payload_props = dict(parser.parse_optional_attr_dict())
            parser.parse_punctuation("}")
        names, types, pos = _parse_operand_group(parser, "ins")
        inputs = parser.resolve_operands(names, types, pos)
        init_names, init_types, pos = _parse_operand_group(parser, "outs")
        (init,) = parser.resolve_operands(init_names, init_types, pos)
        attrs = dict(parser.parse_optional_attr_dict())
        if payload_name is None:
            mapper = cls._parse_mapper(parser)
        else:
            mapper = cls._short_mapper(
                parser, payload_name, payload_props, inputs, init
            )
        return cls(inputs, init, mapper, attrs)

    @staticmethod
    def _parse_mapper(parser: Parser) -> Region:
        args = parser.parse_comma_separated_list(
            Parser.Delimiter.PAREN, lambda: parser.parse_argument(expect_type=True)
        )
        return parser.parse_region(args)

    @staticmethod
    def _short_mapper(
        parser: Parser,
        name: str,
        properties: dict[str, Attribute],
        inputs: Sequence[SSAValue],
        init: SSAValue,
    ) -> Region:
        op_type = parser.ctx.get_optional_op(name)
        if op_type is None:
            parser.raise_error(f"Operation {name} is not registered")
        arg_types = [element_type(v.type) for v in (*inputs, init)]
        block = Block(arg_types=arg_types)
        payload = op_type.create(
            operands=list(block.args[: len(inputs)]),
            result_types=[arg_types[-1]],
            properties=properties,
        )
        block.add_ops([payload, YieldOp(payload.results[0])])
        return Region(block)


# ---------------------------------------------------------------------------
# linalg.elementwise
# ---------------------------------------------------------------------------


class ElementwiseKind(StrEnum):
    """The kinds of `linalg.elementwise` (upstream's ElementwiseKind)."""

    exp = "exp"
    log = "log"
    abs = "abs"
    ceil = "ceil"
    floor = "floor"
    negf = "negf"
    reciprocal = "reciprocal"
    round = "round"
    sqrt = "sqrt"
    rsqrt = "rsqrt"
    square = "square"
    tanh = "tanh"
    erf = "erf"
    sin = "sin"
    cos = "cos"
    tan = "tan"
    acos = "acos"
    acosh = "acosh"
    asin = "asin"
    asinh = "asinh"
    atan = "atan"
    atanh = "atanh"
    log10 = "log10"
    log1p = "log1p"
    log2 = "log2"
    add = "add"
    sub = "sub"
    mul = "mul"
    div = "div"
    div_unsigned = "div_unsigned"
    max_signed = "max_signed"
    min_signed = "min_signed"
    max_unsigned = "max_unsigned"
    min_unsigned = "min_unsigned"
    powf = "powf"
    select = "select"


@irdl_attr_definition
class ElementwiseKindAttr(EnumAttribute[ElementwiseKind]):
    """`#linalg.elementwise_kind<add>`."""

    name = "linalg.elementwise_kind"

    def print_parameter(self, printer: Printer) -> None:
        printer.print_string(f"<{self.data.value}>")

    @classmethod
    def parse_parameter(cls, parser) -> ElementwiseKind:  # noqa: ANN001
        with parser.in_angle_brackets():
            return parser.parse_str_enum(ElementwiseKind)


_UNARY_FLOAT: dict[str, type[Operation]] = {
    "exp": math.ExpOp,
    "log": math.LogOp,
    "abs": math.AbsFOp,
    "ceil": math.CeilOp,
    "floor": math.FloorOp,
    "negf": arith.NegfOp,
    "round": math.RoundOp,
    "sqrt": math.SqrtOp,
    "rsqrt": math.RsqrtOp,
    "tanh": math.TanhOp,
    "erf": math.ErfOp,
    "sin": math.SinOp,
    "cos": math.CosOp,
    "tan": math.TanOp,
    "acos": math.AcosOp,
    "acosh": math.AcoshOp,
    "asin": math.AsinOp,
    "asinh": math.AsinhOp,
    "atan": math.AtanOp,
    "atanh": math.AtanhOp,
    "log10": math.Log10Op,
    "log1p": math.Log1pOp,
    "log2": math.Log2Op,
}
_BINARY_FLOAT: dict[str, type[Operation]] = {
    "add": arith.AddfOp,
    "sub": arith.SubfOp,
    "mul": arith.MulfOp,
    "div": arith.DivfOp,
    "max_signed": arith.MaximumfOp,
    "min_signed": arith.MinimumfOp,
    "powf": math.PowFOp,
}
_BINARY_INT: dict[str, type[Operation]] = {
    "add": arith.AddiOp,
    "sub": arith.SubiOp,
    "mul": arith.MuliOp,
    "div": arith.DivSIOp,
    "div_unsigned": arith.DivUIOp,
    "max_signed": arith.MaxSIOp,
    "min_signed": arith.MinSIOp,
    "max_unsigned": arith.MaxUIOp,
    "min_unsigned": arith.MinUIOp,
}
_ARITY = {**dict.fromkeys(_UNARY_FLOAT, 1), "reciprocal": 1, "square": 1}
_ARITY |= dict.fromkeys({*_BINARY_FLOAT, *_BINARY_INT}, 2) | {"select": 3}


def kind_arity(kind: str) -> int:
    """How many inputs a kind takes."""
    return _ARITY[kind]


def _payload(kind: str, args: Sequence[SSAValue], out_type: Attribute) -> SSAValue:
    """The body's computation (inside an implicit Builder region)."""
    is_float = isinstance(out_type, AnyFloat)
    if kind == "select":
        return arith.SelectOp(args[0], args[1], args[2]).result
    values = [cast_to(a, out_type) for a in args]
    if kind == "square":
        return (arith.MulfOp if is_float else arith.MuliOp)(values[0], values[0]).result
    if kind == "reciprocal":
        one = arith.ConstantOp(FloatAttr(1.0, out_type), out_type).result  # type: ignore[arg-type]
        return arith.DivfOp(one, values[0]).result
    if len(values) == 1:
        return _UNARY_FLOAT[kind](values[0]).results[0]  # type: ignore[call-arg]
    table = _BINARY_FLOAT if is_float else _BINARY_INT
    return table[kind](values[0], values[1]).results[0]  # type: ignore[call-arg]


def elementwise_region(kind: str, arg_types: Sequence[Attribute]) -> Region:
    """The body of `linalg.elementwise <kind>` for these element types."""

    @Builder.implicit_region(arg_types)
    def body(args: tuple[BlockArgument, ...]) -> None:
        YieldOp(_payload(kind, args[:-1], arg_types[-1]))

    return body


def _valid_for(kind: str, out_type: Attribute) -> bool:
    if kind == "select":
        return True
    if isinstance(out_type, AnyFloat):
        return (
            kind in _UNARY_FLOAT
            or kind in _BINARY_FLOAT
            or kind
            in (
                "reciprocal",
                "square",
            )
        )
    return kind in _BINARY_INT or kind == "square"


@irdl_op_definition
class ElementwiseOp(IRDLOperation):
    """An elementwise op of a kind (upstream `linalg.elementwise`)."""

    name = "linalg.elementwise"

    inputs = var_operand_def()
    outputs = var_operand_def(ShapedType)
    result = var_result_def(TensorType)
    kind = prop_def(ElementwiseKindAttr)
    indexing_maps = prop_def(ArrayAttr[AffineMapAttr])
    region = region_def("single_block")

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    def __init__(
        self,
        kind: str,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        indexing_maps: ArrayAttr[AffineMapAttr] | None = None,
        attributes: dict[str, Attribute] | None = None,
    ):
        results = [o.type for o in outputs if isinstance(o.type, TensorType)]
        arg_types = [element_type(v.type) for v in (*inputs, *outputs)]
        fits = (
            len(inputs) == kind_arity(kind)
            and len(outputs) == 1
            and _valid_for(kind, arg_types[-1])
        )
        # Otherwise a body that only yields: verify_ names the problem.
        region = (
            elementwise_region(kind, arg_types)
            if fits
            else Region(Block([YieldOp()], arg_types=arg_types))
        )
        if indexing_maps is None:
            indexing_maps = self._default_maps(outputs, len(inputs))
        super().__init__(
            operands=[list(inputs), list(outputs)],
            result_types=[results],
            properties={
                "kind": ElementwiseKindAttr(ElementwiseKind(kind)),
                "indexing_maps": indexing_maps,
            },
            regions=[region],
            attributes=attributes,
        )

    @staticmethod
    def _default_maps(
        outputs: Sequence[SSAValue], num_inputs: int
    ) -> ArrayAttr[AffineMapAttr]:
        rank = _rank(outputs[0]) if outputs else 0
        return _identity_maps(rank, num_inputs + len(outputs))

    def get_indexing_maps(self) -> ArrayAttr[AffineMapAttr]:
        """The maps (identities unless given)."""
        return self.indexing_maps

    def verify_(self) -> None:
        kind = self.kind.data.value
        if len(self.outputs) != 1:
            raise VerifyException(f"expected 1 output, got {len(self.outputs)}")
        if len(self.inputs) != kind_arity(kind):
            raise VerifyException(
                f"elementwise kind '{kind}' expects {kind_arity(kind)} inputs, got "
                f"{len(self.inputs)}"
            )
        out_type = element_type(self.outputs[0].type)
        if not _valid_for(kind, out_type):
            raise VerifyException(
                f"elementwise kind '{kind}' is not defined on {out_type}"
            )
        maps = self.get_indexing_maps().data
        rank = _rank(self.outputs[0])
        if len(maps) != len(self.inputs) + 1:
            raise VerifyException(
                f"expected {len(self.inputs) + 1} indexing maps, got {len(maps)}"
            )
        for index, (amap, value) in enumerate(
            zip(maps, (*self.inputs, *self.outputs), strict=True)
        ):
            if amap.data.num_dims != rank or len(amap.data.results) != _rank(value):
                raise VerifyException(
                    f"indexing map #{index} does not fit operand #{index} "
                    f"({value.type}) in a rank-{rank} iteration space"
                )

    def generalize(self) -> GenericOp:
        """The equivalent `linalg.generic` (not inserted)."""
        return GenericOp(
            list(self.inputs),
            list(self.outputs),
            self.region.clone(),
            self.get_indexing_maps(),
            _parallel(_rank(self.outputs[0])),
            [r.type for r in self.result],
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(f" <{self.kind.data.value}>")
        if self.indexing_maps != self._default_maps(self.outputs, len(self.inputs)):
            printer.print_string(" indexing_maps = ")
            printer.print_attribute(self.indexing_maps)
        _print_operand_group(printer, "ins", self.inputs)
        _print_operand_group(printer, "outs", self.outputs)
        if self.attributes:
            printer.print_op_attributes(self.attributes)
        if self.result:
            printer.print_string(" -> ")
            printer.print_list(self.result.types, printer.print_attribute)

    @classmethod
    def parse(cls, parser: Parser) -> ElementwiseOp:
        start = parser.pos
        with parser.in_angle_brackets():
            kind = parser.parse_identifier()
        if kind not in _ARITY:
            parser.raise_error(f"unknown elementwise kind '{kind}'", start, parser.pos)
        maps = None
        if parser.parse_optional_keyword("indexing_maps"):
            parser.parse_punctuation("=")
            maps = parser.parse_attribute()
            if not isinstance(maps, ArrayAttr):
                parser.raise_error("expected an array of affine maps")
        names, types, pos = _parse_operand_group(parser, "ins")
        inputs = parser.resolve_operands(names, types, pos)
        names, types, pos = _parse_operand_group(parser, "outs")
        outputs = parser.resolve_operands(names, types, pos)
        attrs = dict(parser.parse_optional_attr_dict())
        if parser.parse_optional_punctuation("->"):
            parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
        return cls(kind, inputs, outputs, maps, attrs)  # type: ignore[arg-type]


ELEMENTWISE_OPS = (MapOp, ElementwiseOp)
"""The ops this module adds to the `linalg` namespace."""
