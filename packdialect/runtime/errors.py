"""The runtime's errors."""

from xdsl.utils.exceptions import DiagnosticException


class CompileError(DiagnosticException):
    """Lowering, emission or compilation failed (the message names the file).

    `location` is the `file:line:col` of the offending input when known;
    then the text reads `file:line:col: error: message`, like the tools.
    """

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__(f"{location}: error: {message}" if location else message)
        self.message = message
        self.location = location


class ArgumentError(DiagnosticException):
    """A compiled function was called with arguments of the wrong count/type/shape."""


class AssertionFailed(DiagnosticException):
    """A `cf.assert` did not hold during a call of a compiled function.

    `message` is the assert's message (`'cf.assert' failed: ...`, as the
    interpreter says), `location` its `file:line:col`; the text reads
    `file:line:col: error: 'cf.assert' failed: ...`, like the tools.
    """

    def __init__(self, message: str, location: str = "") -> None:
        text = f"'cf.assert' failed: {message}"
        super().__init__(f"{location}: error: {text}" if location else text)
        self.message = text
        self.location = location
