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
from dataclasses import dataclass, replace

from xdsl.dialects import bufferization, func, memref
from xdsl.dialects.builtin import (
    MemRefType,
)
from xdsl.dialects.linalg.ops import FillOp
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import (
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)

from packdialect.analysis.layout import (
    Relayout,
    memref_strides,
    relayout_facts,
)
from packdialect.diagnostics import Refused
from packdialect.ir.ops import PackOp, UnpackOp
from passes.cpu.kernel_plan import (
    DEFAULT_ORDER,
    Access,
    KernelPlan,
    RowTail,
    bitwidth,
    split_parallel,
    vector_view_reason,
)

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
    facts = relayout_facts(op)
    if isinstance(facts, Refused):  # dynamic tiles or shapes: not ours to absorb
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
) -> RowTail | None | Refused:
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
            return Refused(
                f"dim {dim} is padded and is not the rows of the register tile"
            )
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


FUSE_MODES = ("auto", "never", "always", "stage")
"""`fuse=auto`: absorb the unpack of the accumulator whenever it is legal;
read an operand unpacked when that is cheaper than packing it (see
`_worth_reading_unpacked`), else pack the broadcast operand block by block
inside the loop nest where the nest allows it (`_stageable`); `always`: read
operands unpacked whenever legal; `stage`: pack the broadcast operand block
by block whenever legal; `never`: keep every pack and unpack."""


@dataclass
class Fusion:
    """What `fuse_relayouts` absorbed: the plan that reads/writes the unpacked
    buffers, the ops to erase once the kernel is built, the packed buffers to
    erase when nothing else uses them, and allocs to hoist above the kernel."""

    plan: KernelPlan
    erase: list[Operation]
    buffers: list[SSAValue]
    hoist: list[Operation]

    def absorb(self, group: RelayoutGroup, buffer: SSAValue) -> None:
        """Record that the kernel does the work of `group` (on `buffer`)."""
        self.erase += group.ops
        self.buffers.append(buffer)


def fuse_relayouts(
    plan: KernelPlan, op: Operation, mode: str = "auto", order: str = DEFAULT_ORDER
) -> Fusion:
    """Absorb the bufferized unpack of the accumulator and the packs of the
    operands into the kernel where legal (and, for `auto`, profitable)."""
    fusion = Fusion(plan, [], [], [])
    if mode == "never" or plan.vec.value is plan.bcast.value:
        return fusion
    _fuse_final(fusion, op)
    _fuse_operand(fusion, op, swapped_role=False, mode=mode, order=order)
    _fuse_operand(fusion, op, swapped_role=True, mode=mode, order=order)
    return fusion


def _merge_tail(
    current: RowTail | None, found: RowTail | None | str
) -> RowTail | None | Refused:
    if isinstance(found, Refused) or found is None:
        return found if isinstance(found, Refused) else current
    if current is not None and current != found:
        return Refused("the packs pad the rows differently")
    return found


def _available_at(value: SSAValue, op: Operation) -> bool | Operation:
    """True when `value` is defined before `op` (dominates it); an operand-less
    alloc defined later in the same block (returned, to be hoisted); else False."""
    owner = value.owner
    if not isinstance(owner, Operation):
        return owner.is_ancestor(op)  # a block argument of an enclosing block
    block = owner.parent_block()
    if block is None:
        return False
    ancestor = block.find_ancestor_op_in_block(op)
    if ancestor is None:
        return False
    if owner.is_before_in_block(ancestor):
        return True
    if ancestor is op and isinstance(owner, memref.AllocOp) and not owner.operands:
        return owner
    return False


def _fuse_final(fusion: Fusion, op: Operation) -> None:
    """Store the last k block into the destination of the accumulator's unpack."""
    plan = fusion.plan
    acc = plan.acc.value
    group = consumer_unpack(acc)
    if group is None or group.source is not acc:
        return
    fills = {u.operation for u in acc.uses if isinstance(u.operation, FillOp)}
    if not only_users(acc, {op, *group.ops, *fills}):
        return
    _, _, m_loops = split_parallel(plan)
    tail = _merge_tail(
        plan.tail, row_tail(plan.acc.amap, group.facts, plan.sdim, m_loops)
    )
    strides = memref_strides(group.dest.type)
    if isinstance(tail, Refused) or strides is None:
        return
    final = Access(group.dest, unpacked_map(plan.acc.amap, group.facts), strides)
    if final.stride(plan.vdim) != 1 or vector_view_reason(
        final, plan.vdim, plan.kdim, 1, plan.extents
    ):
        return
    root = buffer_root(group.dest)
    if root in (buffer_root(plan.vec.value), buffer_root(plan.bcast.value)):
        return
    if not untouched_between(op, group.materialize, [root], set(group.ops)):
        return
    available = _available_at(group.dest, op)
    if available is False:
        return
    if isinstance(available, Operation):
        fusion.hoist.append(available)
    fusion.plan = replace(plan, final=final, tail=tail)
    fusion.absorb(group, acc)


def _fuse_operand(
    fusion: Fusion, op: Operation, swapped_role: bool, mode: str, order: str
) -> None:
    """Read the broadcast operand (or, with `swapped_role`, the vector operand)
    straight from the source of the pack that fills it, or pack the broadcast
    operand block by block inside the nest."""
    plan = fusion.plan
    access = plan.vec if swapped_role else plan.bcast
    group = producer_pack(access.value)
    if group is None:
        return
    stand_in = group.op.dest.owner
    if not only_users(access.value, {op, group.materialize, stand_in}):  # type: ignore[arg-type]
        return
    strides = memref_strides(group.source.type)
    if strides is None:
        return
    root = buffer_root(group.source)
    if not untouched_between(group.materialize, op, [root], set()):
        return
    written = [plan.acc] + ([plan.final] if plan.final is not None else [])
    if any(buffer_root(w.value) is root for w in written):
        return  # the kernel writes what it would read
    unpacked = Access(group.source, unpacked_map(access.amap, group.facts), strides)
    if swapped_role:
        new_plan = _vector_operand_unpacked(plan, unpacked, group)
    else:
        new_plan = _broadcast_operand_unpacked(plan, unpacked, group)
    if new_plan is None:
        return
    read_unpacked = mode == "always" or (
        mode == "auto" and _worth_reading_unpacked(new_plan, swapped_role)
    )
    if not read_unpacked:
        staged = not swapped_role and mode in ("auto", "stage")
        new_plan = replace(
            new_plan, bcast=plan.bcast, stage_source=unpacked, bcast_unpacked=False
        )
        if not staged or not _stageable(new_plan, order):
            return
    fusion.plan = new_plan
    fusion.absorb(group, access.value)


def _stageable(plan: KernelPlan, order: str) -> bool:
    """Whether the broadcast operand can be packed block by block: the default
    loop order, one loop over row tiles, and a packed map of bare loops (row
    tiles, reduction loops, tile loops; no batch loop)."""
    batch, _, m_loops = split_parallel(plan)
    if order != DEFAULT_ORDER or len(m_loops) != 1 or batch:
        return False
    allowed = {m_loops[0], plan.sdim, plan.kdim, *plan.reduction_outer} - {None}
    loops = []
    for expr in plan.bcast.amap.results:
        if not isinstance(expr, AffineDimExpr) or expr.position not in allowed:
            return False
        loops.append(expr.position)
    return len(set(loops)) == len(loops)


def _broadcast_operand_unpacked(
    plan: KernelPlan, unpacked: Access, group: RelayoutGroup
) -> KernelPlan | None:
    _, _, m_loops = split_parallel(plan)
    tail = _merge_tail(
        plan.tail, row_tail(plan.bcast.amap, group.facts, plan.sdim, m_loops)
    )
    if isinstance(tail, Refused):
        return None
    if tail is not None and plan.final is None:
        # Rows the padding would hold are not computed: only an absorbed
        # unpack guarantees nothing reads them from the accumulator.
        return None
    return replace(plan, bcast=unpacked, tail=tail, bcast_unpacked=True)


def _vector_operand_unpacked(
    plan: KernelPlan, unpacked: Access, group: RelayoutGroup
) -> KernelPlan | None:
    if group.facts.needs_padding or plan.interleave != 1:
        return None
    if unpacked.stride(plan.vdim) != 1 or vector_view_reason(
        unpacked, plan.vdim, plan.kdim, 1, plan.extents
    ):
        return None
    return replace(plan, vec=unpacked, vec_unpacked=True)


def _worth_reading_unpacked(plan: KernelPlan, vector_operand: bool) -> bool:
    """Reading an operand unpacked saves its packing but reads it in a worse
    order: worth it when few tiles of the other operand reuse it, or (for the
    broadcast operand) when its rows do not crowd an L1 set."""
    _, n_loops, m_loops = split_parallel(plan)
    other = m_loops if vector_operand else n_loops
    if math.prod(plan.extents[d] for d in other) <= FEW_REUSES:
        return True
    if vector_operand:
        return False
    element_bytes = bitwidth(plan.bcast.element_type) // 8
    row_stride = plan.bcast.stride(plan.sdim) * element_bytes
    return not rows_alias_in_l1(row_stride, plan.extent(plan.sdim))
