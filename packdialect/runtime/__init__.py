"""The runtime: build a lowered module into a library and call it on numpy arrays.

    lib = runtime.load(lowered_module)          # emit, build (cached), load
    C = lib.matmul(A, B)                         # numpy in, numpy out

`load` emits the module for a backend, builds it with that backend's
`Toolchain` into the content-addressed cache (`cache.py`: the key hashes the
source, the toolchain and the host CPU) and loads it (`module.py`); argument
checks and conversions live in `marshal.py`, with the one dtype map of
`packdialect.ir.dtypes`. Lowering from linalg on tensors is not the
runtime's job: `packdialect.compile` (the facade, `packdialect/compiler.py`)
runs the pipeline and then calls `load`.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import ModuleOp

from packdialect.emit.c import emit_c
from packdialect.runtime.cache import build_cached, cache_dir
from packdialect.runtime.errors import ArgumentError, AssertionFailed, CompileError
from packdialect.runtime.marshal import aligned_empty
from packdialect.runtime.module import (
    CompiledFunction,
    CompiledModule,
    PreparedCall,
    Signature,
    signatures_of,
)
from packdialect.runtime.toolchain import CCToolchain, Toolchain

BACKENDS = ("c",)
"""The backends `load` can build for."""


def toolchain_for(backend: str, cflags: Sequence[str] = ()) -> Toolchain:
    """The toolchain that builds `backend`'s source."""
    if backend != "c":
        raise CompileError(
            f"unknown target '{backend}' (available: {', '.join(BACKENDS)})"
        )
    return CCToolchain(tuple(cflags))


def compile_c(c_source: str, cflags: Sequence[str] = ()):
    """Build C source into the cache; (C file, shared library)."""
    return build_cached(c_source, CCToolchain(tuple(cflags)))


def load(
    module: ModuleOp,
    backend: str = "c",
    signatures: dict[str, Signature] | None = None,
    threads: int | None = None,
    cflags: Sequence[str] = (),
) -> CompiledModule:
    """Emit a lowered `module` for `backend`, build it (cached) and load it.

    `signatures` are the public functions' tensor-level signatures before
    lowering (they order the returned results); `threads` sets the OpenMP
    thread count of every call; `cflags` are extra compiler flags.
    """
    toolchain = toolchain_for(backend, cflags)
    source = emit_c(module)
    source_path, library = build_cached(source, toolchain)
    return CompiledModule(
        module, library, source_path, source, signatures or {}, threads
    )


__all__ = [
    "BACKENDS",
    "ArgumentError",
    "AssertionFailed",
    "CCToolchain",
    "CompileError",
    "CompiledFunction",
    "CompiledModule",
    "PreparedCall",
    "Signature",
    "Toolchain",
    "aligned_empty",
    "cache_dir",
    "compile_c",
    "load",
    "signatures_of",
    "toolchain_for",
]
