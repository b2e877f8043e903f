"""Parsing MLIR text with `file:line:col` locations, and located verification.

`parse_source` parses with a `LocatingParser` (every op gets the location of
its name, as in MLIR) and upgrades legacy spellings; `verify_located`
verifies innermost first and names the failing op; `load_module` does both
for a file. Every failure is a `ToolError` with a location.
"""

from __future__ import annotations

from xdsl.context import Context
from xdsl.dialects.builtin import (
    FileLineColLoc,
    IntAttr,
    ModuleOp,
    StringAttr,
    UnknownLoc,
)
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.utils.exceptions import ParseError, VerifyException
from xdsl.utils.lexer import Span

from packdialect.diagnostics import ToolError, location_of
from packdialect.ir.context import make_context, upgrade_legacy_ops
from packdialect.ir.extra_verifiers import verify_extra


class LocatingParser(Parser):
    """A Parser that records `file:line:col` on every op without a `loc(...)`.

    Like MLIR, the location is that of the op name (after `%r = `).
    """

    def __init__(self, ctx: Context, text: str, name: str, line_offset: int = 0):
        super().__init__(ctx, text, name)
        self._line_offset = line_offset
        self._name_spans: list[Span] = []

    def _parse_op_result_list(self):
        results = super()._parse_op_result_list()
        self._name_spans.append(self._current_token.span)
        return results

    def _get_op_by_name(self, name: str) -> type[Operation]:
        """xDSL's lookup, but an unknown op is reported at its name, as MLIR does."""
        op_type = self.ctx.get_optional_op(
            name, dialect_stack=self._parser_state.dialect_stack
        )
        if op_type is None:
            at = self._name_spans[-1] if self._name_spans else None
            self.raise_error(f"Operation {name} is not registered", at)
        return op_type

    def parse_operation(self) -> Operation:
        op = super().parse_operation()
        span = self._name_spans.pop()
        if isinstance(op.location, UnknownLoc):
            where = span.get_location()
            op.location = FileLineColLoc(
                StringAttr(where.file),
                IntAttr(where.line + self._line_offset),
                IntAttr(where.col),
            )
        return op


def parse_error(err: ParseError, line_offset: int = 0) -> ToolError:
    """A ToolError from an xDSL ParseError (first line of its message only)."""
    where = err.span.get_location()
    line = where.line + line_offset
    return ToolError(
        err.msg.strip().splitlines()[0], f"{where.file}:{line}:{where.col}"
    )


def parse_source(ctx: Context, text: str, name: str, line_offset: int = 0) -> ModuleOp:
    """Parse MLIR text with locations; raise ToolError on a syntax error."""
    try:
        module = LocatingParser(ctx, text, name, line_offset).parse_module()
    except ParseError as err:
        raise parse_error(err, line_offset) from None
    upgrade_legacy_ops(module)
    return module


def verify_located(module: ModuleOp, default_location: str = "") -> None:
    """Verify every op, innermost first; raise ToolError naming the failing op."""
    for op in _post_order(module):
        try:
            op.verify(verify_nested_ops=False)
            verify_extra(op)
        except VerifyException as err:
            message = str(err).split("\n\n")[0].strip()
            # Upstream's emitOpError prefixes "'name' op "; emitError does not.
            if getattr(err, "op_prefix", True):
                message = f"'{op.name}' op {message}"
            raise ToolError(message, location_of(op, default_location)) from None


def _post_order(op: Operation):
    for region in op.regions:
        for block in region.blocks:
            for child in block.ops:
                yield from _post_order(child)
    yield op


def load_module(path: str, ctx: Context | None = None) -> tuple[Context, ModuleOp]:
    """Read, parse and verify an .mlir file; ToolError on any problem."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise ToolError(f"cannot read '{path}': {reason}") from None
    ctx = ctx or make_context()
    module = parse_source(ctx, text, path)
    verify_located(module, path)
    return ctx, module
