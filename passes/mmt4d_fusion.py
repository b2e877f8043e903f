"""Packs and unpacks that the vector kernel of `vectorize-mmt4d` absorbs.

After `bufferize`, a packed contraction reads buffers that bufferized
`linalg.pack` groups fill and writes a buffer that a bufferized
`linalg.unpack` group reads:

    %s = bufferization.to_tensor %src restrict : memref<MxK> to tensor<..>
    %d = bufferization.to_tensor %packed restrict writable : ...
    %p = linalg.pack %s ... into %d
    bufferization.materialize_in_destination %p in restrict writable %packed

A pack or unpack only moves elements: packed element `(o..., t...)` is
unpacked element `o_d * tile_d + t_d` along each tiled dim `d` (`o_d` alone
along an untiled one). So an access of the packed buffer through an affine
map (linear in the loops) is the same access of the unpacked buffer through
a composed map, still linear. The kernel can therefore

- read an operand straight from the pack's source (no packed copy, no
  scratch buffer), when that is cheaper than packing it (`fuse_operand`);
- store its final accumulators straight into the unpack's destination
  (`final_destination`): the unpack's work is done by the kernel's stores.

Padding: a padded dim is only allowed along the rows of the register tile
(the broadcast operand's tile loop, `sdim`), whose last tile the kernel then
computes with fewer rows (`RowTail`), so no padding element is read or
written. Everything here only inspects IR; `vectorize-mmt4d` rewrites.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects import bufferization, func, memref
from xdsl.dialects.builtin import MemRefType
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap
from xdsl.utils.exceptions import PassFailedException

from packdialect.ir.ops import PackOp, UnpackOp
from passes.lower_packs import Relayout, relayout_facts

L1_SETS = 64
"""Sets of a 48 KiB 12-way (or 32 KiB 8-way) L1 with 64-byte lines."""

LINE_BYTES = 64

MAX_ROWS_PER_SET = 4
"""Rows of a register tile read unpacked may share at most this many ways of
one L1 set (else they evict the vector operand's panel)."""

FEW_REUSES = 2
"""An operand reused by at most this many tiles of the other one is read
unpacked: packing it would cost as much as reading it."""

_VIEW_OPS = (
    "memref.subview",
    "memref.collapse_shape",
    "memref.expand_shape",
    "memref.cast",
    "memref.reinterpret_cast",
)


@dataclass(frozen=True)
class RelayoutGroup:
    """A bufferized pack or unpack: the op, its source and destination buffers,
    the stand-in `to_tensor`s and the `materialize_in_destination`."""

    op: PackOp | UnpackOp
    source: SSAValue
    dest: SSAValue
    materialize: Operation
    facts: Relayout

    @property
    def ops(self) -> list[Operation]:
        """The ops of the group, in erasure order (users first)."""
        stand_ins = [
            v.owner
            for v in (self.op.source, self.op.dest)
            if isinstance(v.owner, bufferization.ToTensorOp)
        ]
        return [self.materialize, self.op, *stand_ins]  # type: ignore[list-item]


@dataclass(frozen=True)
class RowTail:
    """The rows of the register tile run over a dim of `size` elements that
    the packed layout pads: loop `outer` counts row tiles (the last one partial)."""

    outer: int
    size: int


def _buffer_of(value: SSAValue) -> SSAValue | None:
    owner = value.owner
    if isinstance(owner, bufferization.ToTensorOp):
        return owner.memref
    return None


def _group(op: Operation) -> RelayoutGroup | None:
    """The bufferized group of a pack/unpack with static facts, else None."""
    if not isinstance(op, PackOp | UnpackOp):
        return None
    uses = list(op.results[0].uses)
    if len(uses) != 1:
        return None
    materialize = uses[0].operation
    if not isinstance(materialize, bufferization.MaterializeInDestinationOp):
        return None
    source, dest = _buffer_of(op.source), materialize.dest
    if source is None or not isinstance(dest.type, MemRefType):
        return None
    if _buffer_of(op.dest) is not dest:
        return None
    try:
        facts = relayout_facts(op)
    except PassFailedException:  # dynamic tiles or shapes: not ours to absorb
        return None
    return RelayoutGroup(op, source, dest, materialize, facts)


def producer_pack(buffer: SSAValue) -> RelayoutGroup | None:
    """The bufferized pack that fills `buffer`, if one does."""
    for use in buffer.uses:
        user = use.operation
        if isinstance(user, bufferization.MaterializeInDestinationOp):
            group = _group(user.source.owner)  # type: ignore[arg-type]
            if group is not None and isinstance(group.op, PackOp):
                return group
    return None


def consumer_unpack(buffer: SSAValue) -> RelayoutGroup | None:
    """The bufferized unpack that reads `buffer`, if one does."""
    for use in buffer.uses:
        user = use.operation
        if not isinstance(user, bufferization.ToTensorOp):
            continue
        for tensor_use in user.results[0].uses:
            group = _group(tensor_use.operation)
            if group is not None and isinstance(group.op, UnpackOp):
                return group
    return None


def unpacked_map(amap: AffineMap, facts: Relayout) -> AffineMap:
    """`amap` (loops -> packed indices) composed with the unpacking of `facts`
    (packed indices -> unpacked indices)."""
    rank = facts.rank
    results = amap.results
    exprs: list[AffineExpr] = []
    for dim in range(rank):
        outer = results[facts.perm.index(dim)]
        tile = facts.tile_of(dim)
        if tile is None:
            exprs.append(outer)
        else:
            exprs.append(outer * facts.tiles[tile] + results[rank + tile])
    return AffineMap(amap.num_dims, 0, tuple(exprs))


def row_tail(
    amap: AffineMap, facts: Relayout, sdim: int | None, m_loops: Sequence[int]
) -> RowTail | None | str:
    """The RowTail the padding of `facts` needs (None: nothing is padded), or
    why the padding cannot be absorbed."""
    rank = facts.rank
    tail = None
    for dim in range(rank):
        if not facts.is_padded(dim):
            continue
        tile = facts.tile_of(dim)
        assert tile is not None
        inner = amap.results[rank + tile]
        outer = amap.results[facts.perm.index(dim)]
        is_rows = (
            sdim is not None
            and isinstance(inner, AffineDimExpr)
            and inner.position == sdim
            and isinstance(outer, AffineDimExpr)
            and list(m_loops) == [outer.position]
        )
        if not is_rows or tail is not None:
            return f"dim {dim} is padded and is not the rows of the register tile"
        tail = RowTail(outer.position, facts.shape[dim])
    return tail


def buffer_root(value: SSAValue) -> SSAValue:
    """The buffer a memref value views (through subview, reshape and cast ops)."""
    while isinstance(value.owner, Operation) and value.owner.name in _VIEW_OPS:
        value = value.owner.operands[0]
    return value


def _uses_root(op: Operation, root: SSAValue) -> bool:
    for inner in op.walk():
        if isinstance(inner, func.CallOp):
            return True
        if any(
            isinstance(v.type, MemRefType) and buffer_root(v) is root
            for v in inner.operands
        ):
            return True
    return False


def untouched_between(
    first: Operation, last: Operation, roots: Sequence[SSAValue], skip: set[Operation]
) -> bool:
    """Whether no op strictly between `first` and `last` (same block; `skip`
    excepted) uses one of the buffers `roots` (or calls a function)."""
    if first.parent_block() is not last.parent_block():
        return False
    op = first.next_op
    while op is not None and op is not last:
        if op not in skip and any(_uses_root(op, r) for r in roots):
            return False
        op = op.next_op
    return op is last


def only_users(buffer: SSAValue, allowed: set[Operation]) -> bool:
    """Whether every user of `buffer` is in `allowed` or is a dealloc."""
    return all(
        use.operation in allowed or isinstance(use.operation, memref.DeallocOp)
        for use in buffer.uses
    )


def rows_alias_in_l1(row_stride_bytes: int, rows: int) -> bool:
    """Whether `rows` rows this far apart crowd one L1 set (more than
    MAX_ROWS_PER_SET of them map to the same set)."""
    if row_stride_bytes % LINE_BYTES:
        return False
    lines = row_stride_bytes // LINE_BYTES
    sets = L1_SETS // math.gcd(lines, L1_SETS)
    return -(-rows // min(rows, sets)) > MAX_ROWS_PER_SET


def erase_buffer_if_unused(buffer: SSAValue) -> list[Operation]:
    """The alloc of `buffer` and its deallocs, when nothing else uses it."""
    owner = buffer.owner
    if not isinstance(owner, memref.AllocOp):
        return []
    users = [use.operation for use in buffer.uses]
    if not all(isinstance(u, memref.DeallocOp) for u in users):
        return []
    return [*users, owner]


__all__ = [
    "FEW_REUSES",
    "RelayoutGroup",
    "RowTail",
    "buffer_root",
    "consumer_unpack",
    "erase_buffer_if_unused",
    "only_users",
    "producer_pack",
    "row_tail",
    "rows_alias_in_l1",
    "unpacked_map",
    "untouched_between",
]
