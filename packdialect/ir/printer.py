"""Printing IR the way mlir-opt prints it, so upstream-style CHECK lines match.

xDSL 0.74's printer always prints full op names and has no aliases. This
printer follows mlir-opt's conventions (and what it prints still parses here
and in mlir-opt / iree-opt):

- builtin ops drop their prefix (`module {`, not `builtin.module {`), and an
  op of the enclosing op's default dialect does too (inside `func.func`:
  `return`, `call`), as MLIR's OpAsmOpInterface::getDefaultDialect says;
- every affine map is printed through an alias, `#map`, `#map1`, ... in
  order of first use, defined above the module (`#map = affine_map<...>`);
- inside an array, an i64 integer or an f64 float drops its type
  (`[[0, 1], [2]]`, not `[[0 : i64, 1 : i64], [2 : i64]]`), as MLIR elides
  the default type there; a named attribute keeps it (`a = 1 : i64`);
- affine expressions print as MLIR prints them (`d0 * 8 + d1`, `-s0 + 8`,
  `s0 - 6`: parentheses only where binding needs them; see
  `affine_expr_text`), and `affine.apply` / `min` / `max` put the operands
  right after the map (`affine.apply #map()[%0]`);
- `linalg.transpose`, `broadcast` and `reduce` space their operand lists
  as mlir-opt does (`ins(%a : tensor<4x8xf32>)`).

`print_module(module)` returns the whole text, aliases first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    FloatAttr,
    IntegerAttr,
    ModuleOp,
    UnregisteredOp,
    f64,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.printer import Printer
from xdsl.traits import IsolatedFromAbove
from xdsl.utils.target import Target

DEFAULT_DIALECTS = {"func.func": "func"}
"""Ops whose regions print ops of a dialect without its prefix (MLIR's
getDefaultDialect); builtin ops print without a prefix everywhere."""


_SPELLING = {
    AffineBinaryOpKind.Mul: " * ",
    AffineBinaryOpKind.FloorDiv: " floordiv ",
    AffineBinaryOpKind.CeilDiv: " ceildiv ",
    AffineBinaryOpKind.Mod: " mod ",
}


def _constant(expr: AffineExpr) -> int | None:
    return expr.value if isinstance(expr, AffineConstantExpr) else None


def affine_expr_text(expr: AffineExpr, strong: bool = False) -> str:
    """`expr` as MLIR's AsmPrinter writes it. `strong`: the enclosing
    operator binds tighter than `+` (so a sum or product needs parentheses).

    A product by -1 prints as a negation (`-d0`); a sum with a negative
    constant, or with a product by a negative constant, as a subtraction
    (`d0 - 6`, `d0 - d1`, `d0 - d1 * 2`)."""
    if isinstance(expr, AffineDimExpr):
        return f"d{expr.position}"
    if isinstance(expr, AffineSymExpr):
        return f"s{expr.position}"
    if isinstance(expr, AffineConstantExpr):
        return str(expr.value)
    assert isinstance(expr, AffineBinaryOpExpr)
    lhs, rhs = expr.lhs, expr.rhs
    if expr.kind != AffineBinaryOpKind.Add:
        if expr.kind == AffineBinaryOpKind.Mul and _constant(rhs) == -1:
            text = "-" + affine_expr_text(lhs, True)
        else:
            text = (
                affine_expr_text(lhs, True)
                + _SPELLING[expr.kind]
                + affine_expr_text(rhs, True)
            )
        return f"({text})" if strong else text
    text = None
    factor = (
        _constant(rhs.rhs)
        if isinstance(rhs, AffineBinaryOpExpr) and rhs.kind == AffineBinaryOpKind.Mul
        else None
    )
    if isinstance(rhs, AffineBinaryOpExpr) and factor is not None and factor < 0:
        if factor == -1:
            nested = rhs.lhs
            right = affine_expr_text(nested, _is_add(nested))
        else:
            right = f"{affine_expr_text(rhs.lhs, True)} * {-factor}"
        text = f"{affine_expr_text(lhs)} - {right}"
    elif (value := _constant(rhs)) is not None and value < 0:
        text = f"{affine_expr_text(lhs)} - {-value}"
    else:
        text = f"{affine_expr_text(lhs)} + {affine_expr_text(rhs)}"
    return f"({text})" if strong else text


def _is_add(expr: AffineExpr) -> bool:
    return isinstance(expr, AffineBinaryOpExpr) and expr.kind == AffineBinaryOpKind.Add


def affine_map_text(amap: AffineMap) -> str:
    """`affine_map<(d0, ..)[s0, ..] -> (..)>` as MLIR prints it."""
    dims = ", ".join(f"d{i}" for i in range(amap.num_dims))
    syms = ", ".join(f"s{i}" for i in range(amap.num_symbols))
    head = f"({dims})" + (f"[{syms}]" if amap.num_symbols else "")
    results = ", ".join(affine_expr_text(r) for r in amap.results)
    return f"affine_map<{head} -> ({results})>"


def _print_affine_op(printer: MlirPrinter, op: Operation) -> None:
    """`affine.apply` / `min` / `max`: ` #map(dims)[symbols]`."""
    map_attr = op.properties["map"]
    assert isinstance(map_attr, AffineMapAttr)
    dims = op.operands[: map_attr.data.num_dims]
    symbols = op.operands[map_attr.data.num_dims :]
    printer.print_string(" ")
    printer.print_attribute(map_attr)
    printer.print_string("(")
    printer.print_list(dims, printer.print_operand)
    printer.print_string(")")
    if symbols:
        printer.print_string("[")
        printer.print_list(symbols, printer.print_operand)
        printer.print_string("]")
    printer.print_op_attributes(op.attributes)


def _print_operand_list(printer: MlirPrinter, keyword: str, value: SSAValue) -> None:
    printer.print_string(f" {keyword}(")
    printer.print_ssa_value(value)
    printer.print_string(" : ")
    printer.print_attribute(value.type)
    printer.print_string(")")


def _print_linalg_view_op(printer: MlirPrinter, op: Operation) -> None:
    """`linalg.transpose` / `broadcast` / `reduce` as mlir-opt spaces them."""
    attr = "permutation" if op.name == "linalg.transpose" else "dimensions"
    _print_operand_list(printer, "ins", op.operands[0])
    _print_operand_list(printer, "outs", op.operands[1])
    values = op.properties[attr]
    printer.print_string(f" {attr} = [")
    printer.print_list(values.get_values(), printer.print_int)  # type: ignore[union-attr]
    printer.print_string("]")
    if op.name == "linalg.reduce":  # the others' regions are implicit
        block = op.regions[0].blocks[0]
        with printer.indented():
            printer.print_string("\n")
            printer.print_string("(")
            printer.print_list(block.args, printer.print_block_argument)
            printer.print_string(") ")
            printer.print_region(op.regions[0], print_entry_block_args=False)


OP_PRINTERS: dict[str, Callable[[MlirPrinter, Operation], None]] = {
    "affine.apply": _print_affine_op,
    "affine.min": _print_affine_op,
    "affine.max": _print_affine_op,
    "linalg.transpose": _print_linalg_view_op,
    "linalg.broadcast": _print_linalg_view_op,
    "linalg.reduce": _print_linalg_view_op,
}
"""Ops whose xDSL custom form mlir-opt spells differently: what follows the
op name."""


class MlirPrinter(Printer):
    """An xDSL Printer with mlir-opt's op names, map aliases and array elision."""

    def __init__(self, *args, local_scope: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.local_scope = local_scope
        """No aliases: maps inline (mlir-opt's `--mlir-print-local-scope`)."""
        self.map_aliases: dict[AffineMapAttr, str] = {}
        self._default_dialects: list[str] = []

    # ---- op names ---------------------------------------------------------
    def short_name(self, op: Operation) -> str:
        """The name mlir-opt prints for `op` where it stands."""
        dialect, _, rest = op.name.partition(".")
        if dialect == "builtin":
            return rest
        if self._default_dialects and self._default_dialects[-1] == dialect:
            return rest
        return op.name

    def print_op(self, op: Operation) -> None:
        generic = (
            self.print_generic_format
            or isinstance(op, UnregisteredOp)
            or Operation.print is type(op).print
        )
        name = op.name if generic else self.short_name(op)
        custom = None if generic else OP_PRINTERS.get(op.name)
        default = DEFAULT_DIALECTS.get(op.name)
        if default is not None:
            self._default_dialects.append(default)
        try:
            if name == op.name and custom is None:
                super().print_op(op)
            else:
                self._print_custom_op(op, name, custom)
        finally:
            if default is not None:
                self._default_dialects.pop()

    def _print_custom_op(
        self,
        op: Operation,
        name: str,
        custom: Callable[[MlirPrinter, Operation], None] | None = None,
    ) -> None:
        """The custom form of `op` under its short `name` (printed by `custom`
        where mlir-opt's form differs from xDSL's)."""
        scope = bool(op.get_traits_of_type(IsolatedFromAbove))
        self._print_results(op)
        if scope:
            self.enter_scope()
        self.print_string(name)
        if custom is not None:
            custom(self, op)
        else:
            op.print(self)
        if self.print_debuginfo:
            self.print_string(" ")
            self.print_attribute(op.location)
        if scope:
            self.exit_scope()

    # ---- attributes -------------------------------------------------------
    def print_attribute(self, attribute: Attribute) -> None:
        if isinstance(attribute, AffineMapAttr):
            if self.print_generic_format or self.local_scope:
                self.print_string(affine_map_text(attribute.data))
            else:
                self.print_string(self._alias(attribute))
            return
        if isinstance(attribute, ArrayAttr):
            self.print_string("[")
            self.print_list(attribute.data, self._print_array_element)
            self.print_string("]")
            return
        super().print_attribute(attribute)

    def _print_array_element(self, attribute: Attribute) -> None:
        if isinstance(attribute, IntegerAttr) and attribute.type == i64:
            self.print_string(str(attribute.value.data))
            return
        if isinstance(attribute, FloatAttr) and attribute.type == f64:
            text = StringIO()
            Printer(stream=text).print_attribute(attribute)
            self.print_string(text.getvalue().removesuffix(" : f64"))
            return
        self.print_attribute(attribute)

    def _alias(self, attribute: AffineMapAttr) -> str:
        alias = self.map_aliases.get(attribute)
        if alias is None:
            count = len(self.map_aliases)
            alias = "#map" if count == 0 else f"#map{count}"
            self.map_aliases[attribute] = alias
        return alias

    def alias_definitions(self) -> str:
        """`#mapN = affine_map<...>` lines for every alias used, in order."""
        lines = []
        for attribute, alias in self.map_aliases.items():
            lines.append(f"{alias} = {affine_map_text(attribute.data)}\n")
        return "".join(lines)


def print_module(
    module: ModuleOp,
    ctx: Context | None = None,
    local_scope: bool = False,
    **options: bool,
) -> str:
    """The text of `module` as mlir-opt prints it: aliases, the module, and
    the dialect resources (`{-# ... #-}`) when `ctx` is given. `local_scope`
    prints maps inline; `options` are Printer options
    (`print_generic_format`, `print_debuginfo`, ...)."""
    body = StringIO()
    printer = MlirPrinter(stream=body, local_scope=local_scope, **options)
    printer.print_op(module)
    if ctx is not None:
        printer.print_metadata(ctx.loaded_dialects)
    body.write("\n")
    return printer.alias_definitions() + body.getvalue()


@dataclass(frozen=True)
class MlirOptTarget(Target):
    """The `mlir` target of `pack-opt`: mlir-opt's printing (see the module)."""

    name = "mlir"

    print_generic_format: bool = False
    print_properties_as_attributes: bool = False
    print_debuginfo: bool = False
    syntax_highlight: bool = False
    local_scope: bool = False

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        """Write `module` to `output` as mlir-opt would."""
        output.write(
            print_module(
                module,
                ctx,
                local_scope=self.local_scope,
                print_generic_format=self.print_generic_format,
                print_properties_as_attributes=self.print_properties_as_attributes,
                print_debuginfo=self.print_debuginfo,
            )
        )
        output.write("\n")
