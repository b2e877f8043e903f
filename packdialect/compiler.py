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

from packdialect.ir.context import make_context, parse_module
from packdialect.runtime import (
    BACKENDS,
    CompiledModule,
    CompileError,
    load,
    signatures_of,
)

_LOWERING_DIALECTS = ("linalg.", "tensor.", "bufferization.")


def _parse(source: str | os.PathLike | ModuleOp | object, ctx: Context) -> ModuleOp:
    # A builder function (`packdialect.builder`'s @pd.func) is anything with a
    # `.module` ModuleOp: accepted by duck typing, so the facade never imports
    # the builder (which sits above it).
    built = getattr(source, "module", None)
    if isinstance(built, ModuleOp):
        return built.clone()
    if isinstance(source, ModuleOp):
        return source.clone()
    if not isinstance(source, str | os.PathLike):
        raise CompileError(
            f"cannot compile a {type(source).__name__}: expected MLIR text, a path, "
            "a ModuleOp or a builder function (with a .module)"
        )
    if isinstance(source, os.PathLike):
        return parse_module(Path(source).read_text(), ctx, str(source))
    looks_like_path = "\n" not in source and not any(c in source for c in "{(%")
    if looks_like_path and Path(source).is_file():
        return parse_module(Path(source).read_text(), ctx, source)
    return parse_module(source, ctx)


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


def lower(module: ModuleOp, ctx: Context, spec: str) -> None:
    """Apply a pass-pipeline string (xDSL's and packdialect's passes) in place."""
    from passes import PipelineError, parse_pipeline

    try:
        pipeline = parse_pipeline(spec)
    except PipelineError as error:
        raise CompileError(f"invalid pipeline '{spec}': {error}") from None
    pipeline.apply(ctx, module)


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
    if target not in BACKENDS:
        raise CompileError(
            f"unknown target '{target}' (available: {', '.join(BACKENDS)})"
        )
    ctx = make_context()
    module = _parse(source, ctx)
    signatures = signatures_of(module)
    if pipeline is None and needs_lowering(module):
        pipeline = default_pipeline(threads)
    if pipeline:
        lower(module, ctx, pipeline)
    return load(module, target, signatures, threads, cflags)


__all__ = ["compile", "default_pipeline", "lower", "needs_lowering"]
