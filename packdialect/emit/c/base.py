"""The core interface of the C emitter that the op-family mixins build on.

`CEmitter` (emitter.py) implements these; `MemRefEmitterMixin` (memref.py) and
`VectorEmitterMixin` (vector.py) only call them, so each op family lives in
its own file without knowing how names, scopes and output lines are kept.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from xdsl.ir import Attribute, Operation, SSAValue

from packdialect.emit.c import index as ix
from packdialect.emit.c.scalar import Helpers, ScalarExprs

if TYPE_CHECKING:
    from packdialect.emit.c.types import VectorInfo
    from packdialect.emit.c.views import MemRefView


class EmitterBase:
    """Names, scopes, output lines and types; implemented by CEmitter."""

    helpers: Helpers
    scalars: ScalarExprs
    indent: int
    constants: dict[SSAValue, int]
    globals: dict[str, Operation]
    global_symbols: dict[str, str]
    uses_intrinsics: bool
    scratch_slots: dict[SSAValue, str]

    def line(self, text: str) -> None:
        """Append one line of C at the current indentation."""
        raise NotImplementedError

    def block(self, opening: str, closing: str = "}") -> AbstractContextManager[None]:
        """`opening` ... `closing` around a scoped, indented body."""
        raise NotImplementedError

    def fresh(self, prefix: str = "v") -> str:
        """A new local C name."""
        raise NotImplementedError

    def bind(self, value: SSAValue, bound: str | MemRefView) -> None:
        """Make `value` read as a C expression or a memref view."""
        raise NotImplementedError

    def lookup(self, value: SSAValue) -> str | MemRefView:
        """What `value` is bound to."""
        raise NotImplementedError

    def expr(self, value: SSAValue) -> str:
        """The C expression of a scalar or vector value."""
        raise NotImplementedError

    def index(self, value: SSAValue) -> ix.Index:
        """An index value as a foldable quantity (int when constant)."""
        raise NotImplementedError

    def declare(self, value: SSAValue, expression: str) -> str:
        """Emit `T vN = expression;` for `value`, bind it, return the name."""
        raise NotImplementedError

    def ctype(self, t: Attribute) -> str:
        """The C type of a scalar or vector SSA value."""
        raise NotImplementedError

    def vector_ctype(self, t: Attribute | VectorInfo, unsigned: bool = False) -> str:
        """The typedef of a vector type (or its unsigned view)."""
        raise NotImplementedError
