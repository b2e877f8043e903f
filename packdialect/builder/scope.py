"""The build state: where the next op goes, and which values are visible.

A `Scope` is a block being filled: a function's body, or the body of a
structured op (`linalg.generic`) while its Python body function runs. Scopes
nest; the current one lives in a context variable, so building one function
from inside another (a `@pd.func` calling another) just enters a new root
scope and returns to the caller's when done.

Every op goes through `emit`: it gets the user's Python location, is
verified (a verifier failure becomes a located `BuildError`) and is appended
to the current block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from xdsl.dialects.builtin import FileLineColLoc, IntAttr, StringAttr
from xdsl.ir import Block, Operation
from xdsl.utils.exceptions import VerifyException

from packdialect.builder.errors import BuildError, build_error, user_location


@dataclass(eq=False)
class Scope:
    """A block being built, its enclosing scope and the module build it is in.

    `body` is True inside a structured op's body, where only scalar ops may
    be built; `module` is the module build the scope belongs to; `anchor`
    is the op new ops go before (None: the end of the block).
    """

    block: Block
    parent: Scope | None = None
    module: Any = None
    body: bool = False
    anchor: Operation | None = None

    def insert(self, op: Operation) -> None:
        """Append `op` to the block (before the anchor, a function's placeholder
        terminator that keeps the block well formed while it is built)."""
        if self.anchor is not None:
            self.block.insert_op_before(op, self.anchor)
        else:
            self.block.add_op(op)

    def sees(self, other: Scope) -> bool:
        """Whether values of `other` are visible here (it is this or an ancestor)."""
        scope: Scope | None = self
        while scope is not None:
            if scope is other:
                return True
            scope = scope.parent
        return False

    @property
    def root(self) -> Scope:
        """The function scope this scope is nested in."""
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


_CURRENT: ContextVar[Scope | None] = ContextVar(
    "packdialect_builder_scope", default=None
)


def current_scope_or_none() -> Scope | None:
    """The scope being built, or None outside every build."""
    return _CURRENT.get()


def current_scope(what: str) -> Scope:
    """The scope being built; a BuildError naming `what` outside every build."""
    scope = _CURRENT.get()
    if scope is None:
        raise build_error(
            f"{what} builds IR, so it can only run while a @pd.func or @pd.jit "
            "function is being built"
        )
    return scope


def tensor_scope(what: str) -> Scope:
    """The current scope, refusing a structured op's body (scalars only there)."""
    scope = current_scope(what)
    if scope.body:
        raise build_error(
            f"{what} builds a tensor op, which cannot go inside the body of a "
            "structured op (pd.generic bodies work on scalars)"
        )
    return scope


@contextmanager
def entered(scope: Scope) -> Iterator[Scope]:
    """Make `scope` current while the block runs."""
    token = _CURRENT.set(scope)
    try:
        yield scope
    finally:
        _CURRENT.reset(token)


def location_attr() -> FileLineColLoc:
    """The user's current Python line as an MLIR location."""
    where = user_location()
    return FileLineColLoc(
        StringAttr(where.file), IntAttr(where.line), IntAttr(where.column)
    )


def verify_op(op: Operation, what: str) -> None:
    """Verify `op` (and its regions); a failure is a BuildError at the user's line."""
    try:
        op.verify()
    except VerifyException as err:
        message = str(err).split("\n\n")[0].strip()
        raise build_error(f"{what}: '{op.name}' op {message}") from None


def emit(op: Operation, what: str = "") -> Operation:
    """Append a new op to the current block, located and verified."""
    scope = current_scope(what or op.name)
    op.location = location_attr()
    scope.insert(op)
    verify_op(op, what or op.name)
    return op


__all__ = [
    "BuildError",
    "Scope",
    "current_scope",
    "current_scope_or_none",
    "emit",
    "entered",
    "location_attr",
    "tensor_scope",
    "verify_op",
]
