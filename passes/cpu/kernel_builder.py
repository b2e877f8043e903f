"""Building the vector kernel of a `KernelPlan` (`vectorize-mmt4d`).

`KernelEmitter(plan, op, casts, order, init).emit()` inserts, before `op`,
the loop nest of the plan (batch loops, m blocks and the partial row tile, k
blocks, the vector operand's and the broadcast operand's tile loops in
`order`, the staging of the broadcast operand and the private accumulator
buffer) and in it the register-resident kernel: accumulators loaded or
splat, carried through the reduction loops, the k0 steps of vector loads,
broadcasts and FMAs, and the stores. The kernel itself is `RegisterTile`
(register_tile.py), which this class extends.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from xdsl.builder import Builder
from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import (
    ArrayAttr,
    IntegerAttr,
    MemRefType,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import (
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)
from xdsl.rewriter import InsertPoint, Rewriter

from packdialect.analysis.layout import memref_strides
from passes.cpu.kernel_plan import (
    DEFAULT_ORDER,
    Access,
    CastOps,
    KernelPlan,
    split_parallel,
)
from passes.cpu.register_tile import BlockRole, RegisterTile
from passes.utils.loops import (
    IndexConstants,
    add_index,
    build_for,
    constant_index,
    mul_index,
)


class KernelEmitter(RegisterTile):
    """Builds the loop nest and the vector kernel of one plan."""

    def __init__(
        self,
        plan: KernelPlan,
        op: Operation,
        casts: CastOps,
        order: str = DEFAULT_ORDER,
        init: SSAValue | None = None,
    ):
        self.init = init
        self.order = order
        self.groups: dict[str, list[int]] = {}
        self.plan = plan
        self.casts = casts
        self.c = IndexConstants(InsertPoint.before(op))
        self.b = Builder(InsertPoint.before(op))
        self.values: dict[int, SSAValue] = {}
        self.rows = plan.extent(plan.sdim)
        """Rows of the register tile being emitted (fewer in a partial tile)."""
        self.row_loop: int | None = None
        self.row_range: tuple[SSAValue, SSAValue] | None = None
        """Bounds of `row_loop` in the piece being emitted."""
        self.op = op
        self.tail_rows = 0
        """Rows of a partial tile that follows the row tiles of `row_range`."""
        self.scratch: Access | None = None
        self.relative_row: SSAValue | None = None
        """The row tile's index within its m block (for the private buffers)."""
        self.staged: dict[int, SSAValue] = {}
        """With a staged broadcast operand: loop -> its index in the staging
        buffer (row tile and k relative to the block being computed)."""

    # ---- loop nest --------------------------------------------------------
    def emit(self) -> None:
        """The whole nest: batch loops, the row pieces (m blocks, partial tile),
        and in each the k-block loop (k), the loops of the vector operand (n)
        and of the broadcast operand (m) in `order`, then the kernel."""
        plan = self.plan
        final = plan.final
        self.plan = replace(
            plan,
            vec=self._vector_view(plan.vec),
            acc=self._vector_view(plan.acc),
            final=self._vector_view(final) if final is not None else None,
        )
        batch, n_loops, m_loops = split_parallel(self.plan)
        self.groups = {"n": n_loops, "m": m_loops}
        if plan.stage_source is not None:
            self._allocate_stage()
        if plan.acc_scratch:
            self._allocate_scratch()
        self._nest(self.b, batch, self._row_pieces)

    def _block_tiles(self) -> int:
        """Row tiles of the longest m block (the last one holds the partial tile)."""
        plan = self.plan
        tiles = plan.extents[self.groups["m"][0]]
        if not plan.tile_m:
            return tiles
        partial = plan.tail is not None and plan.tail.size % plan.extent(plan.sdim)
        return min(tiles, plan.tile_m + (1 if partial else 0))

    def _private_buffer(
        self, element: Attribute, shape: list[int], name: str
    ) -> SSAValue:
        """A buffer for the nest: allocated before it, freed after it."""
        buffer_type = MemRefType(element, shape)
        alloc = self.b.insert(memref.AllocOp([], [], buffer_type, IntegerAttr(64, i64)))
        alloc.results[0].name_hint = name
        Rewriter.insert_op(
            memref.DeallocOp.get(alloc.results[0]), InsertPoint.after(self.op)
        )
        return alloc.results[0]

    def _allocate_scratch(self) -> None:
        """The private accumulator buffer of `acc_scratch`."""
        plan = self.plan
        assert plan.sdim is not None
        loops = [*self.groups["n"], self.groups["m"][0], plan.sdim, plan.vdim]
        shape = [plan.extents[d] for d in self.groups["n"]]
        shape += [self._block_tiles(), plan.extent(plan.sdim), plan.extent(plan.vdim)]
        buffer = self._private_buffer(plan.acc_type, shape, "acc_blocks")
        amap = AffineMap(
            len(plan.extents), 0, tuple(AffineExpr.dimension(d) for d in loops)
        )
        strides = memref_strides(buffer.type)
        assert strides is not None
        self.scratch = Access(buffer, amap, strides)

    def _allocate_stage(self) -> None:
        """The staging buffer: `bcast`'s (packed) layout, with one m block of
        row tiles and one k block (freed after the nest). (A copy in the
        source's row order would be a cheaper copy, but the kernel's 14
        row streams then cost more than the copy saves: measured.)"""
        plan = self.plan
        row_loop = self.groups["m"][0]
        inner_k = plan.reduction_outer[-1] if plan.reduction_outer else None
        sizes = {row_loop: self._block_tiles()}
        if inner_k is not None:
            sizes[inner_k] = plan.tile_k or plan.extents[inner_k]
        shape = []
        for expr in plan.bcast.amap.results:
            assert isinstance(expr, AffineDimExpr)
            shape.append(sizes.get(expr.position, plan.extents[expr.position]))
        buffer = self._private_buffer(plan.bcast.element_type, shape, "stage")
        strides = memref_strides(buffer.type)
        assert strides is not None
        self.plan = replace(plan, bcast=Access(buffer, plan.bcast.amap, strides))

    def _row_pieces(self, b: Builder) -> None:
        """All row tiles at once; or, with a partial last tile or m blocking,
        the full tiles in m blocks, the partial tile with the last block (so
        the vector operand's panel is still in L1 for it)."""
        plan = self.plan
        outer = plan.tail.outer if plan.tail is not None else None
        if outer is None and (
            plan.tile_m or plan.stage_source is not None or plan.acc_scratch
        ):
            outer = self.groups["m"][0]
        if outer is None:
            self._levels(b, self.order, None, self.init)
            return
        self.row_loop = outer
        m0 = plan.extent(plan.sdim)
        full, rest = (
            divmod(plan.tail.size, m0) if plan.tail else (plan.extents[outer], 0)
        )
        c, tile = self.c, plan.tile_m or max(full, 1)
        blocks = max(1, -(-full // tile))

        def body(bb: Builder, mb: SSAValue, _):
            mb.name_hint = "mb"
            lower = mul_index(bb, c, mb, tile)
            self.row_range = (lower, add_index(bb, c, lower, c(tile)))
            self._levels(bb, self.order, None, self.init)
            return []

        # Sequential: the loop over the vector operand's tiles inside is the
        # parallel one (m blocks are few and uneven). The last block is
        # peeled: it may be short and it carries the partial tile.
        if blocks > 1:
            build_for(b, c(0), c(blocks - 1), c(1), [], body)
        self.row_range = (c((blocks - 1) * tile), c(full))
        self.tail_rows = rest
        self._levels(b, self.order, None, self.init)
        self.tail_rows = 0
        self.row_range = None

    def _levels(
        self,
        b: Builder,
        order: str,
        block: tuple[SSAValue, SSAValue] | None,
        init: SSAValue | None,
        role: BlockRole | None = None,
    ) -> None:
        """Emit the loops of `order` (outermost first), then the kernel."""
        role = role or BlockRole(True, True)
        if not order:
            self._kernel(b, block, init, role)
            return
        head, rest = order[0], order[1:]
        if head == "n" and order == "nm" and self.plan.stage_source is not None:
            self._stage_block(b, block)
        if head in self.groups:
            self._nest(
                b,
                self.groups[head],
                lambda bb: self._levels(bb, rest, block, init, role),
            )
            return
        self._blocks(b, rest, init)

    def _vector_view(self, access: Access) -> Access:
        """`access` with the dims after the vector dim folded into it
        (`memref.collapse_shape`), so that vectors run along the innermost dim."""
        pos = access.position(self.plan.vdim)
        rank = len(access.amap.results)
        if pos == rank - 1:
            return access
        value_type = access.value.type
        assert isinstance(value_type, MemRefType)
        shape = list(value_type.get_shape())
        groups = [[d] for d in range(pos)] + [list(range(pos, rank))]
        new_shape = shape[:pos] + [math.prod(shape[pos:])]
        view = self.b.insert(
            memref.CollapseShapeOp.create(
                operands=[access.value],
                result_types=[MemRefType(value_type.get_element_type(), new_shape)],
                properties={
                    "reassociation": ArrayAttr(
                        ArrayAttr(IntegerAttr(d, i64) for d in g) for g in groups
                    )
                },
            )
        )
        if access.value.name_hint:
            view.results[0].name_hint = access.value.name_hint + "_flat"
        # The trailing indices are 0 wherever a vector is read (unit dims, or
        # the k0 = 0 start of an interleaved tile): the vector dim's index
        # scales by the size of the folded dims.
        folded = math.prod(shape[pos + 1 :])
        results = list(access.amap.results[:pos])
        results.append(
            access.amap.results[pos] * folded
            if folded > 1
            else access.amap.results[pos]
        )
        amap = AffineMap(access.amap.num_dims, 0, tuple(results))
        strides = memref_strides(view.results[0].type)
        assert strides is not None
        return Access(view.results[0], amap, strides)

    def _bounds(self, loop: int) -> tuple[SSAValue, SSAValue]:
        if loop == self.row_loop and self.row_range is not None:
            return self.row_range
        return self.c(0), self.c(self.plan.extents[loop])

    def _nest(self, b: Builder, loops: Sequence[int], inner) -> None:
        if not loops:
            inner(b)
            return
        loop, rest = loops[0], loops[1:]
        lower, upper = self._bounds(loop)
        first, end = constant_index(lower), constant_index(upper)
        if first is not None and end is not None and end - first == 1:
            self.values[loop] = lower
            self._nest(b, rest, inner)
        elif first is None or end is None or end > first:

            def body(bb: Builder, iv: SSAValue, _):
                iv.name_hint = self._role(loop)
                self.values[loop] = iv
                self._nest(bb, rest, inner)
                return []

            build_for(b, lower, upper, self.c(1), [], body, parallel=True)
        if loop == self.row_loop and self.tail_rows:
            full_rows = self.rows
            self.values[loop] = upper
            self.rows = self.tail_rows
            self._nest(b, rest, inner)
            self.rows = full_rows

    def _role(self, loop: int) -> str:
        """A name for the index of an outer loop: b(atch), m, n or k."""
        plan = self.plan
        if loop in plan.reduction_outer:
            return "k"
        in_vec, in_bcast = plan.vec.position(loop) >= 0, plan.bcast.position(loop) >= 0
        if in_vec and in_bcast:
            return "b"
        vec_name, bcast_name = ("m", "n") if plan.swapped else ("n", "m")
        return vec_name if in_vec else bcast_name

    def _blocks(self, b: Builder, order: str, init: SSAValue | None) -> None:
        """The k-block loop around the loops of `order` and the kernel.

        The first k block starts from the fill value folded into the kernel
        (or from `acc`), the last one stores into `final` (or `acc`); with an
        initial value, a final destination or a private accumulator buffer,
        those blocks are peeled."""
        plan = self.plan
        inner_k = plan.reduction_outer[-1] if plan.reduction_outer else None
        if inner_k is None or not plan.tile_k or plan.tile_k >= plan.extents[inner_k]:
            self._levels(b, order, None, init, BlockRole(True, True))
            return
        extent, tile = plan.extents[inner_k], plan.tile_k
        blocks = -(-extent // tile)
        c = self.c

        def block_at(
            bb: Builder, kb: SSAValue, first_init: SSAValue | None, role: BlockRole
        ) -> None:
            start = mul_index(bb, c, kb, tile)
            known = constant_index(kb)
            if extent % tile == 0 or (
                known is not None and (known + 1) * tile <= extent
            ):
                bound = c(tile)
            else:
                rest = bb.insert(arith.SubiOp(c(extent), start)).result
                bound = bb.insert(arith.MinSIOp(c(tile), rest)).result
            self._levels(bb, order, (start, bound), first_init, role)

        def body(bb: Builder, kb: SSAValue, _):
            kb.name_hint = "kb"
            block_at(bb, kb, None, BlockRole(False, False))
            return []

        peel_first = init is not None or plan.acc_scratch
        peel_last = plan.final is not None or plan.acc_scratch
        first = 0
        if peel_first:
            block_at(b, c(0), init, BlockRole(True, blocks == 1))
            first = 1
        end = blocks - 1 if peel_last else blocks
        if first < end:
            build_for(b, c(first), c(end), c(1), [], body)
        if peel_last and first < blocks and end < blocks:
            block_at(b, c(blocks - 1), None, BlockRole(False, True))

    def _stage_block(self, b: Builder, block: tuple[SSAValue, SSAValue] | None) -> None:
        """Pack the current block of the broadcast operand (the row tiles of
        `row_range` and the partial tile after them, the k range of `block`)
        from its unpacked source into the staging buffer, in its order."""
        c = self.c
        assert self.row_range is not None
        lower, upper = self.row_range
        known = (constant_index(lower), constant_index(upper))
        if known[0] is not None and known[1] is not None:
            count: SSAValue = c(known[1] - known[0])
        else:
            count = b.insert(arith.SubiOp(upper, lower)).result
        if known[0] is None or known[1] is None or known[1] > known[0]:
            self._stage_rows(b, block, c(0), count, self.rows)
        if self.tail_rows:
            self._stage_rows(b, block, count, c(1), self.tail_rows)

    def _stage_rows(
        self,
        b: Builder,
        block: tuple[SSAValue, SSAValue] | None,
        first: SSAValue,
        count: SSAValue,
        rows: int,
    ) -> None:
        """Stage `count` row tiles of `rows` rows from staging index `first`
        (source row tile `row_range[0] + first`), element by element in the
        staging buffer's order. (Whole vectors transposed by shuffles measured
        no faster: the copy waits on memory, not on instructions.)"""
        plan, c = self.plan, self.c
        source = plan.stage_source
        assert source is not None and self.row_range is not None
        row_loop = self.groups["m"][0]
        inner_k = plan.reduction_outer[-1] if plan.reduction_outer else None
        bounds: dict[int, SSAValue] = {row_loop: count}
        offsets: dict[int, SSAValue] = {row_loop: self.row_range[0]}
        if inner_k is not None:
            bounds[inner_k] = block[1] if block else c(plan.extents[inner_k])
            if block:
                offsets[inner_k] = block[0]
        if plan.sdim is not None:
            bounds[plan.sdim] = c(rows)
        loops = [
            e.position for e in plan.bcast.amap.results if isinstance(e, AffineDimExpr)
        ]
        relative: dict[int, SSAValue] = {}

        def copy(bb: Builder) -> None:
            values = dict(self.values)
            dest = dict(self.values)
            for loop, value in relative.items():
                if loop == row_loop and constant_index(first) != 0:
                    value = add_index(bb, c, first, value)
                dest[loop] = value
                offset = offsets.get(loop)
                values[loop] = (
                    value if offset is None else add_index(bb, c, offset, value)
                )
            scalar = bb.insert(
                memref.LoadOp.get(source.value, source.indices(bb, c, values))
            ).res
            bb.insert(
                memref.StoreOp.get(
                    scalar, plan.bcast.value, plan.bcast.indices(bb, c, dest)
                )
            )

        def level(bb: Builder, depth: int) -> None:
            if depth == len(loops):
                copy(bb)
                return
            loop = loops[depth]
            upper_bound = bounds.get(loop, c(plan.extents[loop]))
            if constant_index(upper_bound) == 1:
                relative[loop] = c(0)
                level(bb, depth + 1)
                return

            def body(bl: Builder, iv: SSAValue, _):
                relative[loop] = iv
                level(bl, depth + 1)
                return []

            build_for(bb, c(0), upper_bound, c(1), [], body, parallel=depth == 0)

        level(b, 0)
