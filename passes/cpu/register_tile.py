"""The register tile of `vectorize-mmt4d`: one kernel invocation.

`RegisterTile` emits, at the loop values its subclass has set, the
register-resident kernel of a `KernelPlan`: accumulators splat from the fill
value or loaded (from `acc`, or the private buffer between k blocks), carried
through the reduction loops, the k0 steps of vector loads, broadcasts and
FMAs (`muli` + `addi` for integers), and the stores (into `acc`, the private
buffer, or a fused unpack's destination). The loop nest around it is
`KernelEmitter` in kernel_builder.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.dialects import arith, memref, vector
from xdsl.dialects.builtin import (
    DenseArrayBase,
    VectorType,
    i64,
)
from xdsl.ir import Attribute, SSAValue

from passes.cpu.kernel_plan import (
    MAX_UNROLLED_K0,
    Access,
    CastOps,
    KernelPlan,
)
from passes.utils.loops import (
    IndexConstants,
    add_index,
    build_for,
    constant_index,
)


def _cast(
    b: Builder, casts: CastOps, value: SSAValue, cast: str | None, to: Attribute
) -> SSAValue:
    """Apply the body's widening cast to a scalar or a vector."""
    if cast is None or value.type == to:
        return value
    op = casts.classes[cast].create(operands=[value], result_types=[to])
    return b.insert(op).results[0]


@dataclass(frozen=True)
class BlockRole:
    """Where a k block's kernel starts from and stores to: the first reads
    the fill value or `acc`, the last writes `final` or `acc`, the others use
    the private accumulator buffer (or `acc` when there is none)."""

    first: bool
    last: bool


class RegisterTile:
    """Emits the register-resident kernel at the current loop values.

    The state is the loop nest's (see `KernelEmitter`): `values` maps loops
    to their SSA values at the kernel, `row_range` / `groups` / `scratch` /
    `staged` say where the row tiles, the private accumulator buffer and a
    staged broadcast operand are.
    """

    plan: KernelPlan
    casts: CastOps
    c: IndexConstants
    values: dict[int, SSAValue]
    rows: int
    row_range: tuple[SSAValue, SSAValue] | None
    groups: dict[str, list[int]]
    scratch: Access | None
    relative_row: SSAValue | None
    staged: dict[int, SSAValue]

    def _tile_values(self, s: int, v: int, k: int) -> dict[int, SSAValue]:
        values = dict(self.values)
        for loop, value in (
            (self.plan.sdim, s),
            (self.plan.vdim, v),
            (self.plan.kdim, k),
        ):
            if loop is not None:
                values[loop] = self.c(value)
        return values

    def _kernel(
        self,
        b: Builder,
        block: tuple[SSAValue, SSAValue] | None,
        init: SSAValue | None,
        role: BlockRole,
    ) -> None:
        plan = self.plan
        self.relative_row = None
        if self.row_range is not None and (
            plan.stage_source is not None or self.scratch is not None
        ):
            row_loop = self.groups["m"][0]
            lower = self.row_range[0]
            value = self.values[row_loop]
            self.relative_row = (
                value
                if constant_index(lower) == 0
                else b.insert(arith.SubiOp(value, lower)).result
            )
        self.staged = {}
        if plan.stage_source is not None and self.relative_row is not None:
            self.staged = {self.groups["m"][0]: self.relative_row}
        if role.first and init is not None:
            accs = self._splat_accs(b, init)
        else:
            source = plan.acc if role.first or self.scratch is None else self.scratch
            accs = self._load_accs(b, source)
        finals = self._reduction_loops(b, list(plan.reduction_outer), accs, block)
        if role.last:
            target = plan.final if plan.final is not None else plan.acc
        else:
            target = self.scratch if self.scratch is not None else plan.acc
        self._store_accs(b, finals, target)

    def _access_values(
        self, target: Access, s: int, offset: int
    ) -> dict[int, SSAValue]:
        """Loop values for the accumulator tile row `s`, vector `offset` in
        `target` (the private buffer counts row tiles within the m block)."""
        values = self._tile_values(s, offset, 0)
        if target is self.scratch and self.relative_row is not None:
            values[self.groups["m"][0]] = self.relative_row
        return values

    def _splat_accs(self, b: Builder, init: SSAValue) -> list[SSAValue]:
        """Accumulators starting from the folded fill value."""
        splats: dict[int, SSAValue] = {}
        accs = []
        for _ in range(self.rows):
            for _, width in self.plan.chunks:
                if width not in splats:
                    splats[width] = b.insert(
                        vector.BroadcastOp(init, self._acc_vector_type(width))
                    ).vector
                accs.append(splats[width])
        return accs

    def _acc_vector_type(self, width: int) -> VectorType:
        return VectorType(self.plan.acc_type, [width])

    def _load_accs(self, b: Builder, source: Access) -> list[SSAValue]:
        plan = self.plan
        accs = []
        for s in range(self.rows):
            for offset, width in plan.chunks:
                values = self._access_values(source, s, offset)
                idx = source.indices(b, self.c, values)
                load = b.insert(
                    vector.LoadOp(source.value, idx, self._acc_vector_type(width))
                )
                accs.append(load.result)
        return accs

    def _store_accs(self, b: Builder, accs: Sequence[SSAValue], target: Access) -> None:
        plan = self.plan
        it = iter(accs)
        for s in range(self.rows):
            for offset, _ in plan.chunks:
                values = self._access_values(target, s, offset)
                b.insert(
                    vector.StoreOp(
                        next(it), target.value, target.indices(b, self.c, values)
                    )
                )

    def _reduction_loops(
        self,
        b: Builder,
        loops: list[int],
        accs: list[SSAValue],
        block: tuple[SSAValue, SSAValue] | None,
    ) -> list[SSAValue]:
        if not loops:
            return self._k0_steps(b, accs)
        loop, rest = loops[0], loops[1:]
        c = self.c
        blocked = block is not None and not rest
        extent = self.plan.extents[loop]
        if extent == 1 and not blocked:
            self.values[loop] = c(0)
            if self.staged:
                self.staged[loop] = c(0)
            return self._reduction_loops(b, rest, accs, block)
        upper = block[1] if blocked and block else c(extent)

        def body(bb: Builder, iv: SSAValue, carried: Sequence[SSAValue]):
            iv.name_hint = "k"
            for arg in carried:
                arg.name_hint = "acc"
            value = add_index(bb, c, block[0], iv) if blocked and block else iv
            self.values[loop] = value
            if self.staged:
                self.staged[loop] = iv
            return self._reduction_loops(bb, rest, list(carried), block)

        for_op = build_for(b, c(0), upper, c(1), accs, body)
        return list(for_op.results)

    def _k0_steps(self, b: Builder, accs: list[SSAValue]) -> list[SSAValue]:
        plan = self.plan
        k0 = plan.extent(plan.kdim)
        if k0 <= MAX_UNROLLED_K0 or plan.kdim is None:
            panels = self._interleaved_panels(b) if plan.interleave > 1 else None
            for k in range(k0):
                accs = self._step(b, accs, self.c(k), panels, k)
            return accs
        c = self.c

        def body(bb: Builder, iv: SSAValue, carried: Sequence[SSAValue]):
            return self._step(bb, list(carried), iv, None, None)

        return list(build_for(b, c(0), c(k0), c(1), accs, body).results)

    def _interleaved_panels(self, b: Builder) -> list[SSAValue]:
        """Whole [chunk][k0] blocks of the vector operand (deinterleaved later)."""
        plan = self.plan
        panels = []
        for offset, width in plan.chunks:
            values = self._tile_values(0, offset, 0)
            vtype = VectorType(plan.vec.element_type, [width * plan.interleave])
            load = b.insert(
                vector.LoadOp(
                    plan.vec.value, plan.vec.indices(b, self.c, values), vtype
                )
            )
            panels.append(load.result)
        return panels

    def _vec_operands(
        self, b: Builder, k: SSAValue, panels: list[SSAValue] | None, kk: int | None
    ) -> list[SSAValue]:
        plan = self.plan
        out = []
        for j, (offset, width) in enumerate(plan.chunks):
            if panels is not None and kk is not None:
                mask = [t * plan.interleave + kk for t in range(width)]
                raw = b.insert(
                    vector.ShuffleOp.create(
                        operands=[panels[j], panels[j]],
                        result_types=[VectorType(plan.vec.element_type, [width])],
                        properties={"mask": DenseArrayBase.from_list(i64, mask)},
                    )
                ).results[0]
            else:
                values = self._tile_values(0, offset, 0)
                if plan.kdim is not None:
                    values[plan.kdim] = k
                vtype = VectorType(plan.vec.element_type, [width])
                raw = b.insert(
                    vector.LoadOp(
                        plan.vec.value, plan.vec.indices(b, self.c, values), vtype
                    )
                ).result
            out.append(
                _cast(b, self.casts, raw, plan.vec_cast, self._acc_vector_type(width))
            )
        return out

    def _step(
        self,
        b: Builder,
        accs: list[SSAValue],
        k: SSAValue,
        panels: list[SSAValue] | None,
        kk: int | None,
    ) -> list[SSAValue]:
        """One k0 step: acc[i][j] += bcast(i, k) * vec(j, k)."""
        plan = self.plan
        vecs = self._vec_operands(b, k, panels, kk)
        new = list(accs)
        index = 0
        for s in range(self.rows):
            values = self._tile_values(s, 0, 0)
            if plan.kdim is not None:
                values[plan.kdim] = k
            values.update(self.staged)
            scalar = b.insert(
                memref.LoadOp.get(
                    plan.bcast.value, plan.bcast.indices(b, self.c, values)
                )
            ).res
            scalar = _cast(b, self.casts, scalar, plan.bcast_cast, plan.acc_type)
            splats: dict[int, SSAValue] = {}
            for j, (_, width) in enumerate(plan.chunks):
                if width not in splats:
                    splats[width] = b.insert(
                        vector.BroadcastOp(scalar, self._acc_vector_type(width))
                    ).vector
                new[index] = self._mac(b, splats[width], vecs[j], accs[index])
                index += 1
        return new

    def _mac(self, b: Builder, x: SSAValue, y: SSAValue, acc: SSAValue) -> SSAValue:
        if self.plan.is_float:
            return b.insert(vector.FMAOp(x, y, acc)).res
        product = b.insert(arith.MuliOp(x, y)).result
        return b.insert(arith.AddiOp(acc, product)).result
