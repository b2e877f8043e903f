"""The error every emitter raises for IR it cannot translate."""

from __future__ import annotations

from xdsl.ir import Operation
from xdsl.utils.exceptions import DiagnosticException

from packdialect.diagnostics import location_of


class EmitError(DiagnosticException):
    """An emitter met IR it cannot translate (the message names the op or type).

    `location` is `file:line:col` of the offending op when known (drivers
    print it like MLIR diagnostics), else "".
    """

    def __init__(self, message: str, op: Operation | None = None) -> None:
        super().__init__(message)
        self.location = location_of(op)
