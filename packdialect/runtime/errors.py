"""The runtime's errors."""

from xdsl.utils.exceptions import DiagnosticException


class CompileError(DiagnosticException):
    """Lowering, emission or compilation failed (the message names the file)."""


class ArgumentError(DiagnosticException):
    """A compiled function was called with arguments of the wrong count/type/shape."""
