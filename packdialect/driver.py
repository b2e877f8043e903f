"""What the command-line tools share: load a file, run a pipeline string."""

from __future__ import annotations

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import PassPipeline
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException

from packdialect.ir.context import make_context
from packdialect.diagnostics import (
    ToolError,
    diagnostic_error,
    parse_source,
    verify_located,
)


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


def parse_pipeline(spec: str) -> PassPipeline:
    """A PassPipeline from a pipeline string; ToolError when malformed/unknown."""
    from passes import all_passes

    try:
        return PassPipeline.parse_spec(all_passes(), spec)
    except ArgSpecParseError as err:
        raise ToolError(f"malformed pass pipeline '{spec}': {err}") from None
    except (ValueError, KeyError, TypeError) as err:
        raise ToolError(f"invalid pass pipeline '{spec}': {err}") from None


def apply_pipeline(ctx: Context, module: ModuleOp, spec: str, where: str = "") -> None:
    """Run a pipeline string on `module`, then verify; ToolError on failure."""
    if not spec:
        return
    pipeline = parse_pipeline(spec)
    try:
        pipeline.apply(ctx, module)
    except DiagnosticException as err:
        raise diagnostic_error(err, where) from None
    verify_located(module, where)


def find_function(module: ModuleOp, name: str, where: str = "") -> func.FuncOp:
    """The func.func called `name` (a leading '@' is allowed)."""
    name = name.removeprefix("@")
    funcs = [op for op in module.walk() if isinstance(op, func.FuncOp)]
    for fn in funcs:
        if fn.sym_name.data == name:
            return fn
    available = ", ".join(f"@{f.sym_name.data}" for f in funcs) or "none"
    raise ToolError(f"no function '@{name}' (available: {available})", where)
