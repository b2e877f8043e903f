"""What the command-line tools share: run a pipeline string, find a function."""

from __future__ import annotations

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import PassPipeline
from xdsl.utils.exceptions import DiagnosticException

from packdialect.diagnostics import ToolError, diagnostic_error
from packdialect.ir.parse import verify_located
from passes import PipelineError, parse_pipeline


def check_pipeline(spec: str) -> PassPipeline:
    """The pipeline a string names; ToolError when it is malformed."""
    try:
        return parse_pipeline(spec)
    except PipelineError as err:
        raise ToolError(str(err)) from None


def apply_pipeline(ctx: Context, module: ModuleOp, spec: str, where: str = "") -> None:
    """Run a pipeline string on `module`, then verify; ToolError on failure."""
    if not spec:
        return
    pipeline = check_pipeline(spec)
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
