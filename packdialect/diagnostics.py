"""Source locations and `file:line:col: error: ...` diagnostics for the tools."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

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
from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    ParseError,
    VerifyException,
)
from xdsl.utils.lexer import Span

from packdialect.ir.context import upgrade_legacy_ops


@dataclass
class ToolError(Exception):
    """A user-facing error: `location: error: message` (location may be empty)."""

    message: str
    location: str = ""

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        return f"{prefix}error: {self.message}"


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


def location_of(op: Operation | None, default: str = "") -> str:
    """`file:line:col` of `op` (or of its closest located ancestor)."""
    while op is not None:
        loc = op.location
        if isinstance(loc, FileLineColLoc):
            return f"{loc.filename.data}:{loc.line.data}:{loc.column.data}"
        op = op.parent_op()
    return default


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


def diagnostic_error(err: DiagnosticException, default_location: str) -> ToolError:
    """A ToolError from a pass or verifier DiagnosticException."""
    text = str(err).strip() or type(err).__name__
    return ToolError(
        text.split("\n\n")[0], getattr(err, "location", "") or default_location
    )


def run_tool(prog: str, body: Callable[[], int | None]) -> int:
    """Run a tool's body, turning every error into `prog: error: ...` and a status.

    User errors exit 1; anything unexpected exits 2 with a one-line message
    (set PACKDIALECT_DEBUG=1 for the traceback). Never a traceback otherwise.
    """
    try:
        return body() or 0
    except ToolError as err:
        print(err if err.location else f"{prog}: {err}", file=sys.stderr)
    except ArgSpecParseError as err:
        print(f"{prog}: error: malformed pass pipeline: {err}", file=sys.stderr)
    except DiagnosticException as err:
        first = str(err).strip().splitlines()
        print(
            f"{prog}: error: {first[0] if first else type(err).__name__}",
            file=sys.stderr,
        )
    except (ValueError, KeyError) as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
    except Exception as err:
        if os.environ.get("PACKDIALECT_DEBUG"):
            raise
        print(
            f"{prog}: error: internal error ({type(err).__name__}: {err}); "
            "rerun with PACKDIALECT_DEBUG=1 for a traceback",
            file=sys.stderr,
        )
        return 2
    return 1
