"""Parsing MLIR text with `file:line:col` locations, and located verification.

`parse_source` parses with a `LocatingParser` (every op gets the location of
its name, as in MLIR) and upgrades legacy spellings; `verify_located`
verifies innermost first and names the failing op; `load_module` does both
for a file. Every failure is a `ToolError` with a location.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from xdsl.context import Context
from xdsl.dialects.builtin import (
    FileLineColLoc,
    IntAttr,
    ModuleOp,
    StringAttr,
    UnknownLoc,
)
from xdsl.ir import Attribute, Operation, TypeAttribute
from xdsl.parser import Parser
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import ParseError, VerifyException
from xdsl.utils.lexer import Span
from xdsl.utils.mlir_lexer import MLIRTokenKind

from packdialect.diagnostics import ToolError, location_of
from packdialect.ir.context import make_context, upgrade_legacy_ops
from packdialect.ir.extra_verifiers import verify_extra
from packdialect.ir.resources import RESOURCES

INT64_MAX = 2**63 - 1


class LocatingParser(Parser):
    """A Parser that records `file:line:col` on every op without a `loc(...)`.

    Like MLIR, the location is that of the op name (after `%r = `).
    """

    def __init__(self, ctx: Context, text: str, name: str, line_offset: int = 0):
        super().__init__(ctx, text, name)
        RESOURCES.begin_parse()
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

    def parse_shape_dimension(self, allow_dynamic: bool = True) -> int:
        """xDSL's, but like MLIR a size must fit in int64 ("invalid dimension")."""
        token = self._current_token
        size = super().parse_shape_dimension(allow_dynamic)
        if size > INT64_MAX:
            self.raise_error("invalid dimension", token.span)
        return size

    def parse_optional_attribute(self) -> Attribute | None:
        """xDSL's, but an attribute whose value its type rejects (an integer
        out of range, ...) is a parse error at the attribute, as in MLIR."""
        start = self._current_token.span.start
        try:
            return super().parse_optional_attribute()
        except VerifyException as err:
            self.raise_error(_first_line(err), start, max(start + 1, self.pos))
        except (NotImplementedError, ZeroDivisionError) as err:
            # xDSL's affine expressions refuse semi-affine products and
            # quotients, and fold a constant division by zero
            self.raise_error(
                f"unsupported affine expression: {_first_line(err)}",
                start,
                max(start + 1, self.pos),
            )

    def parse_optional_type(self) -> TypeAttribute | None:
        """xDSL's, but a type its verifier rejects is a parse error at it."""
        start = self._current_token.span.start
        try:
            return super().parse_optional_type()
        except VerifyException as err:
            self.raise_error(_first_line(err), start, max(start + 1, self.pos))

    def at_end(self) -> bool:
        """Whether no token is left (the text is blanks and comments)."""
        return self._current_token.kind == MLIRTokenKind.EOF

    def current_location(self) -> str:
        """`file:line:col` of the token the parser is at."""
        where = self._current_token.span.get_location()
        return f"{where.file}:{where.line + self._line_offset}:{where.col}"

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


def _first_line(err: Exception) -> str:
    text = str(err).split("\n\n")[0].strip()
    return text.splitlines()[0] if text else type(err).__name__


def parse_error(err: ParseError, line_offset: int = 0) -> ToolError:
    """A ToolError from an xDSL ParseError (first line of its message only)."""
    where = err.span.get_location()
    line = where.line + line_offset
    return ToolError(
        err.msg.strip().splitlines()[0], f"{where.file}:{line}:{where.col}"
    )


def parse_source(ctx: Context, text: str, name: str, line_offset: int = 0) -> ModuleOp:
    """Parse MLIR text with locations; raise ToolError on a syntax error.

    xDSL's parser recurses a few frames per level of nesting (regions,
    attributes, types): input nested deeper than the recursion limit allows
    is refused at the token where the parser stopped. Run under
    `call_with_deep_stack` to reach thousands of levels.
    """
    parser = LocatingParser(ctx, text, name, line_offset)
    if parser.at_end():
        return ModuleOp([])  # only blanks and comments: MLIR's empty module
    try:
        module = parser.parse_module()
    except ParseError as err:
        raise parse_error(err, line_offset) from None
    except RecursionError:
        where = parser.current_location()
        raise ToolError(
            "nesting too deep to parse (more than the Python recursion "
            f"limit, {sys.getrecursionlimit()} frames, allows)",
            where,
        ) from None
    upgrade_legacy_ops(module)
    return module


def verify_located(module: ModuleOp, default_location: str = "") -> None:
    """Verify every op, innermost first; raise ToolError naming the failing op."""
    for op in post_order(module):
        _check_unique_symbols(op, default_location)
        try:
            op.verify(verify_nested_ops=False)
            verify_extra(op)
        except VerifyException as err:
            message = str(err).split("\n\n")[0].strip()
            # Upstream's emitOpError prefixes "'name' op "; emitError does not.
            if getattr(err, "op_prefix", True):
                message = f"'{op.name}' op {message}"
            raise ToolError(message, location_of(op, default_location)) from None


def _check_unique_symbols(op: Operation, default_location: str) -> None:
    """In a symbol table, a second definition of a name is an error at it
    (MLIR: "redefinition of symbol named 'f'"), not at the table."""
    if not op.has_trait(SymbolTable):
        return
    seen: dict[str, Operation] = {}
    for child in _children(op):
        name = child.properties.get("sym_name") or child.attributes.get("sym_name")
        if not isinstance(name, StringAttr):
            continue
        if name.data in seen:
            first = location_of(seen[name.data], default_location)
            raise ToolError(
                f"redefinition of symbol named '{name.data}' (first defined at {first})",
                location_of(child, default_location),
            )
        seen[name.data] = child


def _children(op: Operation) -> Iterator[Operation]:
    for region in op.regions:
        for block in region.blocks:
            yield from block.ops


def post_order(op: Operation) -> Iterator[Operation]:
    """`op` and every op nested in it, children before parents (iterative:
    no recursion however deep the regions nest)."""
    stack = [(op, _children(op))]
    while stack:
        parent, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield parent
        else:
            stack.append((child, _children(child)))


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
