"""`BuildError` and the user's source location.

Every error the builder raises names the line of *the user's* Python code
that built the failing op: the innermost stack frame outside this package
(for an op built inside a `@pd.macro`, the macro's line). A bad spliced
fragment also names the fragment's own `line:col`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import FrameType

from packdialect.diagnostics import ToolError

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


@dataclass
class BuildError(ToolError):
    """A program the builder cannot build: `file.py:line:col: error: message`.

    `location` is the user's Python line that built the op; `fragment` is,
    for an error inside a `pd.splice` fragment, its `line:col` there.
    """

    fragment: str = ""

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        where = f"in the spliced fragment at {self.fragment}: " if self.fragment else ""
        return f"{prefix}error: {where}{self.message}"


@dataclass(frozen=True)
class SourceLocation:
    """A position in the user's Python source (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def _is_internal(frame: FrameType) -> bool:
    return os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR)


def _column(frame: FrameType) -> int:
    """The 1-based column of the expression the frame is executing."""
    index = frame.f_lasti // 2
    for i, (_, _, col, _) in enumerate(frame.f_code.co_positions()):
        if i == index:
            return (col or 0) + 1
    return 1


def user_location() -> SourceLocation:
    """Where the user's code called into the builder (outside this package)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and _is_internal(frame):
        frame = frame.f_back
    if frame is None:
        return SourceLocation("<unknown>", 0, 0)
    return SourceLocation(frame.f_code.co_filename, frame.f_lineno, _column(frame))


_EXPANSIONS: ContextVar[tuple[tuple[str, SourceLocation], ...]] = ContextVar(
    "packdialect_builder_expansions", default=()
)


@contextmanager
def expanding(macro: str, where: SourceLocation) -> Iterator[None]:
    """Record that macro `macro` is being expanded at `where`."""
    token = _EXPANSIONS.set((*_EXPANSIONS.get(), (macro, where)))
    try:
        yield
    finally:
        _EXPANSIONS.reset(token)


@contextmanager
def outside_macros() -> Iterator[None]:
    """No macro expansions while a function is built on its own (a callee)."""
    token = _EXPANSIONS.set(())
    try:
        yield
    finally:
        _EXPANSIONS.reset(token)


def build_error(message: str, fragment: str = "") -> BuildError:
    """A BuildError located at the user's current line (and naming the
    call sites of the macros being expanded, innermost first)."""
    notes = "".join(
        f" (in macro '{name}' expanded at {where})"
        for name, where in reversed(_EXPANSIONS.get())
    )
    return BuildError(message + notes, str(user_location()), fragment)
