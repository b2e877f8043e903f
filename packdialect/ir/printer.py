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
  the default type there; a named attribute keeps it (`a = 1 : i64`).

`print_module(module)` returns the whole text, aliases first.
"""

from __future__ import annotations

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
from xdsl.ir import Attribute, Operation
from xdsl.printer import Printer
from xdsl.traits import IsolatedFromAbove
from xdsl.utils.target import Target

DEFAULT_DIALECTS = {"func.func": "func"}
"""Ops whose regions print ops of a dialect without its prefix (MLIR's
getDefaultDialect); builtin ops print without a prefix everywhere."""


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
        default = DEFAULT_DIALECTS.get(op.name)
        if default is not None:
            self._default_dialects.append(default)
        try:
            if name == op.name:
                super().print_op(op)
            else:
                self._print_custom_op(op, name)
        finally:
            if default is not None:
                self._default_dialects.pop()

    def _print_custom_op(self, op: Operation, name: str) -> None:
        """The custom form of `op` under its short `name`."""
        scope = bool(op.get_traits_of_type(IsolatedFromAbove))
        self._print_results(op)
        if scope:
            self.enter_scope()
        self.print_string(name)
        op.print(self)
        if self.print_debuginfo:
            self.print_string(" ")
            self.print_attribute(op.location)
        if scope:
            self.exit_scope()

    # ---- attributes -------------------------------------------------------
    def print_attribute(self, attribute: Attribute) -> None:
        if isinstance(attribute, AffineMapAttr) and not (
            self.print_generic_format or self.local_scope
        ):
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
            text = StringIO()
            Printer(stream=text).print_attribute(attribute)
            lines.append(f"{alias} = {text.getvalue()}\n")
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
