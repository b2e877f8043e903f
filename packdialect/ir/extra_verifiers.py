"""Upstream verifier checks that xDSL 0.74's definitions of its ops miss.

`verify_located` (packdialect/ir/parse.py) runs `verify_extra(op)` after each
op's own verifier, so that input mlir-opt rejects is rejected here too, with
MLIR's message, at the op, instead of failing later inside a pass or the
interpreter. Keyed by op name, so ops built by passes with xDSL's classes
are covered alike.

- `tensor.empty`: one `index` operand per dynamic dimension of the result
  ("incorrect number of dynamic sizes, has N, expected M"); xDSL accepts
  `tensor.empty() : tensor<?xf32>`, whose size nothing defines.
- `tensor` / `memref` `expand_shape` and `collapse_shape`: no empty
  reassociation group ("reassociation indices must not be empty").
- every op: a single-block region of an op that needs terminators has one
  ("empty block: expect at least a terminator"); xDSL checks this in
  `Block.verify`, which a verifier walking op by op does not call.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects.builtin import DYNAMIC_INDEX, ArrayAttr, TensorType
from xdsl.ir import Operation
from xdsl.traits import NoTerminator
from xdsl.utils.exceptions import VerifyException

from packdialect.ir.relayout import EmitError as UnprefixedError


def _verify_empty(op: Operation) -> None:
    result = op.results[0].type if op.results else None
    if not isinstance(result, TensorType):
        return
    expected = sum(1 for d in result.get_shape() if d == DYNAMIC_INDEX)
    if len(op.operands) != expected:
        raise VerifyException(
            f"incorrect number of dynamic sizes, has {len(op.operands)}, "
            f"expected {expected}"
        )


def _reassociation_groups_not_empty(op: Operation) -> None:
    groups = op.properties.get("reassociation")
    if not isinstance(groups, ArrayAttr):
        return
    for group in groups.data:
        if isinstance(group, ArrayAttr) and not group.data:
            raise VerifyException("reassociation indices must not be empty")


EXTRA_VERIFIERS: dict[str, Callable[[Operation], None]] = {
    "tensor.empty": _verify_empty,
    "tensor.expand_shape": _reassociation_groups_not_empty,
    "tensor.collapse_shape": _reassociation_groups_not_empty,
    "memref.expand_shape": _reassociation_groups_not_empty,
    "memref.collapse_shape": _reassociation_groups_not_empty,
}
"""Op name -> a check raising VerifyException with upstream's message."""


def _verify_blocks(op: Operation) -> None:
    if op.has_trait(NoTerminator):
        return
    for region in op.regions:
        blocks = list(region.blocks)
        if len(blocks) == 1 and blocks[0].first_op is None:
            raise UnprefixedError("empty block: expect at least a terminator")


def verify_extra(op: Operation) -> None:
    """Upstream's checks of `op` that xDSL's verifier lacks (VerifyException)."""
    _verify_blocks(op)
    check = EXTRA_VERIFIERS.get(op.name)
    if check is not None:
        check(op)
