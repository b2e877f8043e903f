"""The facade behind `packdialect.compile`: parse, lower, emit, build, load.

This is the one module of `packdialect/` that runs pass pipelines, so the
one that imports `passes/`, and only inside `compile` (an import-linter
contract in `make lint` keeps it so). Everything below it (ir, analysis,
targets, strategies, interp, emit, runtime) never imports `passes`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.utils.exceptions import DiagnosticException

from packdialect.diagnostics import (
    ToolError,
    call_with_deep_stack,
    diagnostic_error,
)
from packdialect.ir.context import make_context
from packdialect.ir.parse import parse_source, verify_located
from packdialect.runtime import (
    BACKENDS,
    CompiledModule,
    CompileError,
    load,
    signatures_of,
)

_LOWERING_DIALECTS = ("linalg.", "tensor.", "bufferization.")


def _parse(
    source: str | os.PathLike | ModuleOp | object, ctx: Context
) -> tuple[ModuleOp, str]:
    """The module to compile, parsed with locations (ToolError), and its name.

    A builder function (`packdialect.builder`'s @pd.func) is anything with a
    `.module` ModuleOp: accepted by duck typing, so the facade never imports
    the builder (which sits above it).
    """
    built = getattr(source, "module", None)
    if isinstance(built, ModuleOp):
        return built.clone(), "<module>"
    if isinstance(source, ModuleOp):
        return source.clone(), "<module>"
    if not isinstance(source, str | os.PathLike):
        raise CompileError(
            f"cannot compile a {type(source).__name__}: expected MLIR text, a path, "
            "a ModuleOp or a builder function (with a .module)"
        )
    if isinstance(source, os.PathLike):
        source = os.fspath(source)
    else:
        looks_like_path = "\n" not in source and not any(c in source for c in "{(%")
        if not looks_like_path or not (
            Path(source).is_file() or source.endswith(".mlir")
        ):
            return parse_source(ctx, source, "<input>"), "<input>"
    try:
        text = Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise ToolError(f"cannot read '{source}': {reason}") from None
    return parse_source(ctx, text, source), source


def needs_lowering(module: ModuleOp) -> bool:
    """Whether the module still holds tensors or linalg/tensor ops."""
    for op in module.walk():
        if op.name.startswith(_LOWERING_DIALECTS):
            return True
        if any(isinstance(r.type, TensorType) for r in op.results):
            return True
        if op.name == "func.func":
            types = op.function_type  # type: ignore[attr-defined]
            if any(
                isinstance(t, TensorType)
                for t in (*types.inputs.data, *types.outputs.data)
            ):
                return True
    return False


def default_pipeline(threads: int | None) -> str:
    """The pipeline `compile` runs on linalg-on-tensors input."""
    return f"cpu-pipeline{{threads={threads}}}" if threads else "cpu-pipeline"


def _compile_error(error: ToolError) -> CompileError:
    """A CompileError with a ToolError's `file:line:col: error: message`
    (only the message when it has no location)."""
    return CompileError(error.message, error.location)


def lower(module: ModuleOp, ctx: Context, spec: str) -> None:
    """Apply a pass-pipeline string (xDSL's and packdialect's passes) in
    place; CompileError (located where the IR has a location) on failure."""
    from passes import PipelineError, parse_pipeline

    try:
        pipeline = parse_pipeline(spec)
    except PipelineError as error:
        raise CompileError(f"invalid pipeline: {error}") from None
    try:
        pipeline.apply(ctx, module)
    except CompileError:
        raise
    except DiagnosticException as error:
        raise _compile_error(diagnostic_error(error, "")) from None


def compile(  # noqa: A001 - the documented API name
    source: str | os.PathLike | ModuleOp | object,
    target: str = "c",
    pipeline: str | None = None,
    threads: int | None = None,
    cflags: Sequence[str] = (),
) -> CompiledModule:
    """Lower, emit, compile and load `source`: a path, MLIR text, a ModuleOp,
    or a builder function (`@pd.func` of `packdialect.builder`: anything whose
    `.module` is a ModuleOp).

    `pipeline` is a pass-pipeline string run before emission (default:
    `cpu-pipeline{threads=N}` when the module still has tensors or linalg
    ops; nothing when it is already lowered). `threads` also sets the OpenMP
    thread count of every call. `cflags` are extra compiler flags.
    """
    if threads is not None and (not isinstance(threads, int) or threads < 0):
        raise CompileError(f"threads must be a non-negative integer, got {threads!r}")
    if target not in BACKENDS:
        raise CompileError(
            f"unknown target '{target}' (available: {', '.join(BACKENDS)})"
        )
    return call_with_deep_stack(
        lambda: _compile(source, target, pipeline, threads, cflags)
    )


def _compile(
    source: str | os.PathLike | ModuleOp,
    target: str,
    pipeline: str | None,
    threads: int | None,
    cflags: Sequence[str],
) -> CompiledModule:
    """`compile`'s body (on a deep stack); user errors become CompileError."""
    ctx = make_context()
    lowering = False
    try:
        module, name = _parse(source, ctx)
        lowering = needs_lowering(module)
        if lowering:
            # Input on tensors is verified as the tools verify it. Lowered
            # input goes to the emitter, which refuses what it cannot
            # translate: xDSL 0.74's verifiers reject vector forms of arith
            # ops (cmpi, sitofp, index_cast) that upstream accepts.
            verify_located(module, name)
    except ToolError as error:
        raise _compile_error(error) from None
    signatures = signatures_of(module)
    if pipeline is None and lowering:
        pipeline = default_pipeline(threads)
    if pipeline:
        lower(module, ctx, pipeline)
    try:
        return load(module, target, signatures, threads, cflags)
    except CompileError:
        raise
    except DiagnosticException as error:
        raise _compile_error(diagnostic_error(error, "")) from None


__all__ = ["compile", "default_pipeline", "lower", "needs_lowering"]
