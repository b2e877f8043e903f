"""Toolchains: how emitted source becomes a shared library.

A `Toolchain` names its compiler, says what identifies its output (compiler
path and version, flags: part of the cache key) and builds one source file
into one shared library. `CCToolchain` (C11 with `$CC` or `cc`) is the first
implementation; a CUDA toolchain (nvcc) goes beside it. No user text ever
reaches a shell: commands are argument lists.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from packdialect.runtime.errors import CompileError

BASE_FLAGS = ("-O3", "-march=native", "-fopenmp", "-std=c11", "-fno-math-errno")
SHARED_FLAGS = ("-shared", "-fPIC")
TIMEOUT_SECONDS = 900


class Toolchain:
    """Builds emitted source of one language into a shared library."""

    name: str
    source_suffix: str

    def identity(self) -> str:
        """What determines the output besides the source (for the cache key)."""
        raise NotImplementedError

    def build(self, source: Path, library: Path) -> None:
        """Compile `source` into the shared library `library` (CompileError)."""
        raise NotImplementedError


@lru_cache(maxsize=8)
def compiler_version(compiler: str) -> str:
    """The first line of `compiler --version` (part of the cache key)."""
    try:
        proc = subprocess.run(
            [compiler, "--version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    output = proc.stdout or proc.stderr
    return output.splitlines()[0] if output else "unknown"


def find_compiler(variable: str = "CC", default: str = "cc") -> str:
    """The compiler named by `$variable` (else `default`) on PATH."""
    name = os.environ.get(variable, default)
    found = shutil.which(name)
    if found is None:
        raise CompileError(
            f"no C compiler found ('{name}' is not on PATH; set {variable})"
        )
    return found


def c_flags(extra: Sequence[str] = ()) -> list[str]:
    """The flags used to build a shared library from emitted C."""
    flags = list(BASE_FLAGS)
    if platform.machine().lower() in ("x86_64", "amd64"):
        flags.append("-mprefer-vector-width=512")
    return flags + list(extra) + list(SHARED_FLAGS)


@dataclass
class CCToolchain(Toolchain):
    """C11 with GCC vector extensions and OpenMP: `$CC` (default `cc`)."""

    extra_flags: Sequence[str] = ()
    compiler: str = field(default_factory=find_compiler)

    name = "cc"
    source_suffix = ".c"

    @property
    def flags(self) -> list[str]:
        """The full flag list, `-march=native` included."""
        return c_flags(self.extra_flags)

    def identity(self) -> str:
        return "\0".join(
            [" ".join(self.flags), self.compiler, compiler_version(self.compiler)]
        )

    def build(self, source: Path, library: Path) -> None:
        command = [self.compiler, *self.flags, "-o", str(library), str(source), "-lm"]
        try:
            proc = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
            )
        except subprocess.TimeoutExpired as error:
            raise CompileError(f"the C compiler timed out on {source}") from error
        if proc.returncode != 0:
            raise CompileError(
                f"C compilation of {source} failed ({command[0]} exit "
                f"{proc.returncode}):\n" + (proc.stderr or proc.stdout).strip()
            )
