"""`cf.assert`: the check torch-mlir puts in generic bodies (BatchNorm's
zero-element check). Inside a structured op the condition is an array over
the loop space: the assert holds when every element is true."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.ir import Operation

from packdialect.diagnostics import location_of
from packdialect.interp.core import Array, InterpreterError, _handles, _Scope


def assert_message(message: str) -> str:
    """The error text of a failed `cf.assert` (the C runtime says the same)."""
    return f"'cf.assert' failed: {message}"


@_handles("cf.assert")
def _assert(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    if not np.all(args[0]):
        message = op.msg.data  # pyright: ignore[reportAttributeAccessIssue]
        raise InterpreterError(assert_message(message), location_of(op))
    return []
