"""Diagnostics: located errors and remarks, and the failure convention.

- `ToolError`: a user-facing error printed as `file:line:col: error: message`
  (or `prog: error: message` without a location), exit status 1.
- `OpError(op, message)`: what a pass raises when it cannot go on because
  of an op: reported at the op's location, like a verifier error.
- `Refused`: what a core function (`pack_matmul_greedily`,
  `plan_kernel`, `analyze`, ...) returns instead of its result when it
  leaves an op alone; `reason` is one sentence.
- `remark(op, message)`: the one channel through which patterns and passes
  report (with `report=true`): `file:line:col: remark: message` on stderr,
  at the op's location (or its closest located ancestor's), as mlir-opt
  prints `emitRemark`. Inside `capture_diagnostics()` (pack-opt's
  `--verify-diagnostics`) they are collected as `Diagnostic`s instead.
- `run_tool`: runs a command-line tool's body and turns every error into one
  line and an exit status, never a traceback.
- `call_with_deep_stack`: runs a callable on a thread with a large stack and
  recursion limit, so that IR nested thousands of regions deep (upstream
  parses it) goes through xDSL's recursive parser, printer and walks.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from xdsl.dialects.builtin import FileLineColLoc
from xdsl.ir import Operation
from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    PassFailedException,
)

UNKNOWN_LOCATION = "<unknown>"
"""The location printed for an op that has none (nor any located ancestor)."""

DEEP_RECURSION_LIMIT = 60_000
"""Python frames allowed on a deep-stack thread: xDSL's parser takes about 8
per level of region nesting, its printer, verifier and walks about 4, so the
parser gives up (with a located error) near 7,000 levels and every later
stage has room for what it parsed."""

DEEP_STACK_BYTES = 1 << 29
"""The C stack of a deep-stack thread (512 MiB of address space; only what is
used is backed by memory), enough for DEEP_RECURSION_LIMIT frames."""

T = TypeVar("T")


@dataclass(frozen=True)
class Refused:
    """Why a core function left an op alone (upstream's notifyMatchFailure)."""

    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic: `severity` is error, warning, remark or note."""

    severity: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location or UNKNOWN_LOCATION}: {self.severity}: {self.message}"


_collector: ContextVar[list[Diagnostic] | None] = ContextVar(
    "packdialect_diagnostics", default=None
)


@contextmanager
def capture_diagnostics() -> Iterator[list[Diagnostic]]:
    """Collect the remarks reported inside the block instead of printing them."""
    collected: list[Diagnostic] = []
    token = _collector.set(collected)
    try:
        yield collected
    finally:
        _collector.reset(token)


def report(diagnostic: Diagnostic) -> None:
    """Print `diagnostic` on stderr, or collect it inside `capture_diagnostics`."""
    collected = _collector.get()
    if collected is not None:
        collected.append(diagnostic)
        return
    print(diagnostic, file=sys.stderr)


def remark(op: Operation | None, message: str) -> None:
    """Report `message` at `op` as `file:line:col: remark: message` (stderr)."""
    remark_at(location_of(op, UNKNOWN_LOCATION), message)


def remark_at(location: str, message: str) -> None:
    """Report `message` at a `file:line:col` (for an op about to be replaced)."""
    report(Diagnostic("remark", location or UNKNOWN_LOCATION, message))


class OpError(PassFailedException):
    """A pass cannot handle an op: reported as `file:line:col: error:` at it."""

    def __init__(self, op: Operation | None, message: str) -> None:
        super().__init__(message)
        self.location = location_of(op)


@dataclass
class ToolError(Exception):
    """A user-facing error: `location: error: message` (location may be empty)."""

    message: str
    location: str = ""

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        return f"{prefix}error: {self.message}"


def location_of(op: Operation | None, default: str = "") -> str:
    """`file:line:col` of `op` (or of its closest located ancestor)."""
    while op is not None:
        loc = op.location
        if isinstance(loc, FileLineColLoc):
            return f"{loc.filename.data}:{loc.line.data}:{loc.column.data}"
        op = op.parent_op()
    return default


def diagnostic_error(err: DiagnosticException, default_location: str) -> ToolError:
    """A ToolError from a pass or verifier DiagnosticException."""
    text = str(err).strip() or type(err).__name__
    return ToolError(
        text.split("\n\n")[0], getattr(err, "location", "") or default_location
    )


class _DeepStack:
    """The recursion limit while deep-stack threads run (shared by all of
    them, restored when the last one ends) and which threads are deep."""

    lock = threading.Lock()
    users = 0
    saved_limit = 0
    local = threading.local()

    @classmethod
    def enter(cls) -> None:
        with cls.lock:
            if cls.users == 0:
                cls.saved_limit = sys.getrecursionlimit()
                sys.setrecursionlimit(max(cls.saved_limit, DEEP_RECURSION_LIMIT))
            cls.users += 1

    @classmethod
    def leave(cls) -> None:
        with cls.lock:
            cls.users -= 1
            if cls.users == 0:
                sys.setrecursionlimit(cls.saved_limit)

    @classmethod
    def start(cls, target: Callable[[], None]) -> threading.Thread | None:
        """A started daemon thread with a DEEP_STACK_BYTES stack (None when
        the platform cannot make one)."""
        with cls.lock:
            try:
                previous = threading.stack_size(DEEP_STACK_BYTES)
            except (ValueError, RuntimeError):
                return None
            try:
                thread = threading.Thread(target=target, daemon=True)
                thread.start()
            except RuntimeError:  # no memory for the stack (ulimit -v, ...)
                return None
            finally:
                threading.stack_size(previous)
        return thread


def call_with_deep_stack(fn: Callable[[], T]) -> T:
    """`fn()`, run on a thread with a large stack and recursion limit.

    xDSL parses, prints, verifies and walks IR recursively, a few Python
    frames per level of nesting; on the default limit (1,000 frames) that
    stops near 150 levels, where MLIR goes on. Exceptions propagate to the
    caller unchanged; a call from a deep-stack thread runs directly. The
    recursion limit belongs to the interpreter: while such a call runs,
    other threads see the raised limit too.
    """
    if getattr(_DeepStack.local, "deep", False):
        return fn()
    outcome: dict[str, object] = {}

    def target() -> None:
        _DeepStack.local.deep = True
        try:
            outcome["value"] = fn()
        except BaseException as error:  # re-raised on the caller's thread
            outcome["error"] = error

    _DeepStack.enter()
    try:
        thread = _DeepStack.start(target)
        if thread is not None:
            thread.join()
    finally:
        _DeepStack.leave()
    if thread is None:
        return fn()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def run_tool(prog: str, body: Callable[[], int | None]) -> int:
    """Run a tool's body, turning every error into `prog: error: ...` and a status.

    User errors exit 1; anything unexpected exits 2 with a one-line message
    (set PACKDIALECT_DEBUG=1 for the traceback). Never a traceback otherwise.
    The body runs with a deep stack (`call_with_deep_stack`).
    """
    try:
        return call_with_deep_stack(body) or 0
    except ToolError as err:
        print(err if err.location else f"{prog}: {err}", file=sys.stderr)
    except ArgSpecParseError as err:
        print(f"{prog}: error: malformed pass pipeline: {err}", file=sys.stderr)
    except DiagnosticException as err:
        message = getattr(err, "message", None) or str(err).strip()
        first = message.splitlines()[0] if message else type(err).__name__
        location = getattr(err, "location", "")
        prefix = location if isinstance(location, str) and location else prog
        print(f"{prefix}: error: {first}", file=sys.stderr)
    except (ValueError, KeyError) as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
    except MemoryError as err:
        print(
            f"{prog}: error: out of memory ({err or 'allocation failed'})",
            file=sys.stderr,
        )
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
