"""Checks upstream's verifiers make that xDSL 0.74's own ops lack.

`verify_located` (packdialect/ir/parse.py) runs these after an op's own
verifier, so pack-opt, pack-run and `packdialect.compile` reject such IR as
mlir-opt does, with upstream's message, at the op.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects.builtin import ArrayAttr
from xdsl.ir import Operation
from xdsl.utils.exceptions import VerifyException


def _reassociation_groups_not_empty(op: Operation) -> None:
    """tensor/memref expand_shape and collapse_shape: no empty group."""
    groups = op.properties.get("reassociation")
    if not isinstance(groups, ArrayAttr):
        return
    for group in groups.data:
        if isinstance(group, ArrayAttr) and not group.data:
            raise VerifyException("reassociation indices must not be empty")


EXTRA_VERIFIERS: dict[str, Callable[[Operation], None]] = {
    "tensor.expand_shape": _reassociation_groups_not_empty,
    "tensor.collapse_shape": _reassociation_groups_not_empty,
    "memref.expand_shape": _reassociation_groups_not_empty,
    "memref.collapse_shape": _reassociation_groups_not_empty,
}
"""Op name -> an extra check raising VerifyException with upstream's message."""


def verify_extra(op: Operation) -> None:
    """Run the extra check of `op`, if it has one."""
    check = EXTRA_VERIFIERS.get(op.name)
    if check is not None:
        check(op)
