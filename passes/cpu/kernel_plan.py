"""Planning the vector kernel of one packed contraction (`vectorize-mmt4d`).

`plan_kernel(op, target)` reads a contraction on memrefs (linear maps, static
loops) and decides the register tile: which of m0 / n0 is the vector loop,
which operand is loaded as vectors and which broadcast, the casts, the
interleave of a [v0][k0] tile. `with_tile_k` / `with_tile_m` then choose
the cache blocking from the target's L1 and L2 sizes (see the pass's
docstring in vectorize_mmt4d.py). Everything here only reads IR.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    AnyFloat,
    IntegerType,
    MemRefType,
    VectorType,
    i8,
    i32,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)
from xdsl.utils.exceptions import PassFailedException, VerifyException

from packdialect.analysis.contraction import (
    MacMatch,
    analyze,
)
from packdialect.analysis.layout import is_identity_layout, memref_strides
from packdialect.diagnostics import Refused
from packdialect.targets import TargetInfo, get_target
from passes.utils.loops import (
    IndexConstants,
    expand_affine_expr,
)

VECTOR_TARGETS = ("avx512", "avx2", "generic")
"""The targets whose vector registers the kernel is built for (and "host")."""


def vector_target(name: str) -> TargetInfo:
    """The target to build kernels for: a CPU family by name, or "host" (this
    machine's features and cache sizes, with its family's vector registers)."""
    if name != "host" and name not in VECTOR_TARGETS:
        raise PassFailedException(
            f"vectorize-mmt4d: unknown target '{name}'; expected one of "
            f"{', '.join([*VECTOR_TARGETS, 'host'])}"
        )
    return get_target(name)


def bitwidth(element: Attribute) -> int:
    if isinstance(element, IntegerType):
        return max(8, element.width.data)
    if isinstance(element, AnyFloat):
        return element.bitwidth
    return 64


_DEFAULT_CASTS: dict[str, type[Operation]] = {
    "arith.extf": arith.ExtFOp,
    "arith.extsi": arith.ExtSIOp,
    "arith.extui": arith.ExtUIOp,
    "arith.sitofp": arith.SIToFPOp,
    "arith.uitofp": arith.UIToFPOp,
}


@dataclass(frozen=True)
class RowTail:
    """The rows of the register tile run over a dim of `size` elements that
    the packed layout pads: loop `outer` counts row tiles (the last one partial)."""

    outer: int
    size: int


MAX_INTERLEAVE = 8
"""Largest k0 of a [v0][k0] vector-operand tile that is deinterleaved."""

DEFAULT_ORDER = "knm"
"""Loop order outside the kernel: k blocks, then the vector operand's loops
(n: its panel stays in L1 across the m loop), then the broadcast operand's."""

MAX_UNROLLED_K0 = 16
"""k0 steps up to this many are unrolled; larger k0 get an scf.for."""


def linear_coefficients(expr: AffineExpr) -> dict[int, int] | None:
    """{loop: coefficient} of a linear expression of loops (constants ignored),
    None when `expr` is not linear (mod, floordiv, a product of loops)."""
    if isinstance(expr, AffineDimExpr):
        return {expr.position: 1}
    if isinstance(expr, AffineConstantExpr):
        return {}
    if not isinstance(expr, AffineBinaryOpExpr):
        return None
    lhs, rhs = linear_coefficients(expr.lhs), linear_coefficients(expr.rhs)
    if lhs is None or rhs is None:
        return None
    if expr.kind == AffineBinaryOpKind.Add:
        return {d: lhs.get(d, 0) + rhs.get(d, 0) for d in {*lhs, *rhs}}
    if expr.kind == AffineBinaryOpKind.Mul and isinstance(expr.rhs, AffineConstantExpr):
        return {d: c * expr.rhs.value for d, c in lhs.items()}
    return None


@dataclass(frozen=True)
class Access:
    """One operand: its memref, indexing map (linear in the loops), strides."""

    value: SSAValue
    amap: AffineMap
    strides: tuple[int, ...]

    def _coefficients(self) -> list[dict[int, int]]:
        found = [linear_coefficients(expr) for expr in self.amap.results]
        assert all(c is not None for c in found)
        return [c for c in found if c is not None]

    def stride(self, loop: int | None) -> int:
        """Elements skipped when `loop` advances by one (0 if not indexed)."""
        if loop is None:
            return 0
        return sum(
            coefficients.get(loop, 0) * stride
            for coefficients, stride in zip(
                self._coefficients(), self.strides, strict=True
            )
        )

    def position(self, loop: int) -> int:
        """Position of the last result using `loop` (-1 if none does)."""
        found = -1
        for pos, coefficients in enumerate(self._coefficients()):
            if coefficients.get(loop, 0):
                found = pos
        return found

    def indices(
        self, b: Builder, c: IndexConstants, values: dict[int, SSAValue]
    ) -> list[SSAValue]:
        """Memref indices for the loop values `values` (every loop it uses)."""
        zero = c(0)
        dims = [values.get(d, zero) for d in range(self.amap.num_dims)]
        return [expand_affine_expr(b, c, expr, dims) for expr in self.amap.results]

    @property
    def element_type(self) -> Attribute:
        """The element type of the memref."""
        t = self.value.type
        assert isinstance(t, MemRefType)
        return t.get_element_type()


@dataclass(frozen=True)
class KernelPlan:
    """How one contraction becomes a vector kernel (see the module docstring)."""

    extents: tuple[int, ...]
    vec: Access
    bcast: Access
    acc: Access
    vdim: int
    sdim: int | None
    kdim: int | None
    vec_cast: str | None
    bcast_cast: str | None
    is_float: bool
    interleave: int
    parallel_outer: tuple[int, ...]
    reduction_outer: tuple[int, ...]
    lanes: int
    tile_k: int
    swapped: bool = False
    final: Access | None = None
    """Where the last k block stores the accumulators (a fused unpack's
    destination); None: back into `acc`."""
    tail: RowTail | None = None
    """The rows run over a padded dim: the last row tile is partial."""
    tile_m: int = 0
    """Row tiles per m block (0: no m blocking)."""
    stage_source: Access | None = None
    """The broadcast operand is packed block by block (one m block x one k
    block, just before the kernels that read it, into a small buffer laid out
    like `bcast`) from this unpacked source instead of all at once."""
    bcast_unpacked: bool = False
    """The broadcast operand is read straight from a pack's source."""
    vec_unpacked: bool = False
    """The vector operand is read straight from a pack's source."""
    acc_scratch: bool = False
    """Between k blocks the accumulators go to a private buffer laid out
    [n tiles][row tiles of the m block][rows][vector] (the tiles the m loop
    visits one after the other are contiguous, so they stream); the first
    block reads `acc` (or the fill value), the last writes `final` or `acc`."""

    def extent(self, loop: int | None) -> int:
        """Extent of a loop (1 for an absent tile loop)."""
        return 1 if loop is None else self.extents[loop]

    @property
    def chunks(self) -> list[tuple[int, int]]:
        """(offset, width) of the vectors covering the vector tile loop."""
        v0 = self.extent(self.vdim)
        return [(o, min(self.lanes, v0 - o)) for o in range(0, v0, self.lanes)]

    @property
    def acc_type(self) -> Attribute:
        """The accumulator element type."""
        return self.acc.element_type

    def describe(self) -> str:
        """One line for reports."""
        s0, v0, k0 = (
            self.extent(self.sdim),
            self.extent(self.vdim),
            self.extent(self.kdim),
        )
        mode = "interleaved " if self.interleave > 1 else ""
        widths = "+".join(str(w) for _, w in self.chunks)
        text = (
            f"{s0}x{v0}x{k0} register tile, {len(self.chunks)} {mode}vector(s) of "
            f"{widths} x {self.acc_type} per row, k blocked by {self.tile_k}"
        )
        if self.tile_m:
            text += f", m blocked by {self.tile_m} tiles"
        if self.final is not None:
            text += ", stores into the unpack's destination"
        if self.tail is not None:
            text += f", {self.tail.size % s0} rows in the last tile"
        if self.acc_scratch:
            text += ", accumulates across k blocks in a private buffer"
        if self.stage_source is not None:
            text += ", packs the broadcast operand per block"
        elif self.bcast_unpacked:
            text += ", reads the broadcast operand unpacked"
        if self.vec_unpacked:
            text += ", reads the vector operand unpacked"
        return text


def _is_linear(amap: AffineMap) -> bool:
    return not amap.num_symbols and all(
        linear_coefficients(expr) is not None for expr in amap.results
    )


def _inner_loop(loops: Sequence[int], operand: Access) -> int | None:
    """The loop of `loops` indexing the trailing-most dim of `operand`."""
    if len(loops) < 2:
        return None
    return max(loops, key=operand.position)


def _casts(mac: MacMatch, swap: bool) -> tuple[str | None, str | None]:
    """(vector operand cast, broadcast operand cast)."""
    if swap:
        return mac.lhs_cast, mac.rhs_cast
    return mac.rhs_cast, mac.lhs_cast


def _accesses(op: LinalgStructuredOperation) -> list[Access] | Refused:
    maps = [m.data for m in op.get_indexing_maps()]
    accesses = []
    for value, amap in zip((*op.inputs, *op.outputs), maps, strict=True):
        strides = memref_strides(value.type)
        if strides is None:
            return Refused("operands must be memrefs with static strides")
        if not _is_linear(amap):
            return Refused(f"indexing map {amap} is not linear in the loops")
        accesses.append(Access(value, amap, strides))
    return accesses


def _vector_mode(
    vec: Access, acc: Access, vdim: int | None, kdim: int | None, k0: int
) -> int | None:
    """1 for contiguous vectors along `vdim`, k0 for a [v0][k0] tile with a small
    k0 (loaded whole, deinterleaved with shuffles), else None."""
    if vdim is None or acc.stride(vdim) != 1:
        return None
    if vec.stride(vdim) == 1:
        return 1
    interleaved = kdim is not None and vec.stride(kdim) == 1 and vec.stride(vdim) == k0
    if interleaved and 1 < k0 <= MAX_INTERLEAVE:
        return k0
    return None


def _trailing_loops(access: Access, vdim: int) -> list[int] | None:
    """The loops of the map results after the one of `vdim` (None if a result
    there is not a bare loop)."""
    pos = access.position(vdim)
    loops = []
    for expr in access.amap.results[pos + 1 :]:
        if not isinstance(expr, AffineDimExpr):
            return None
        loops.append(expr.position)
    return loops


def vector_view_reason(
    access: Access,
    vdim: int,
    kdim: int | None,
    interleave: int,
    extents: Sequence[int],
) -> Refused | None:
    """Why vectors along `vdim` cannot be read as the innermost dim of a
    (collapsed) view of `access`, or None. A vector.load reads along the
    innermost dim, so the dims after the vector dim must be unit dims (or
    the k0 dim of an interleaved tile) and foldable into it."""
    trailing = _trailing_loops(access, vdim)
    if trailing is None:
        return Refused("a dim after the vector dim is not a bare loop")
    if not trailing:
        return None
    allowed = {kdim} if interleave > 1 else set()
    for loop in trailing:
        if loop not in allowed and extents[loop] != 1:
            return Refused(
                f"dim of loop d{loop} after the vector dim is not a unit dim"
            )
    if not is_identity_layout(access.value.type):
        return Refused("the vector dim would need a collapsed view of a strided memref")
    return None


_INT_CASTS = ("arith.extsi", "arith.extui")


@dataclass(frozen=True)
class CastOps:
    """The cast op classes to build (from the context) and what they accept."""

    classes: dict[str, type[Operation]]
    vector_int_casts: bool

    @staticmethod
    def from_context(ctx: Context | None) -> CastOps:
        """Look the casts up in `ctx` (so an override registered there is used)."""
        classes: dict[str, type[Operation]] = dict(_DEFAULT_CASTS)
        if ctx is not None:
            for name in classes:
                found = ctx.get_optional_op(name)
                if found is not None:
                    classes[name] = found
        return CastOps(classes, _accepts_vectors(classes["arith.extsi"]))


def _accepts_vectors(ext_class: type[Operation]) -> bool:
    """Whether an integer extension op verifies on vector operands."""
    block = Block(arg_types=[VectorType(i8, [4])])
    try:
        op = ext_class.create(
            operands=[block.args[0]], result_types=[VectorType(i32, [4])]
        )
        op.verify()
    except (VerifyException, AssertionError, AttributeError, TypeError):
        return False
    op.drop_all_references()
    return True


def plan_kernel(
    op: Operation, target: TargetInfo, tile_k: int = 0, casts: CastOps | None = None
) -> KernelPlan | Refused:
    """The kernel plan for `op`, or a sentence saying why it is left alone."""
    if not isinstance(op, LinalgStructuredOperation) or op.results:
        return Refused(f"'{op.name}' is not a linalg op on memrefs")
    casts = casts or CastOps.from_context(None)
    con = analyze(op)
    if isinstance(con, Refused):
        return con
    if con.mac is None:
        return Refused("body is not a multiply-accumulate")
    if any(size is None for size in con.loop_sizes):
        return Refused("loop extents must be static")
    accesses = _accesses(op)
    if isinstance(accesses, Refused):
        return accesses
    lhs, rhs, acc = accesses
    dims = con.dims
    m0, n0 = _inner_loop(dims.m, acc), _inner_loop(dims.n, acc)
    k0 = _inner_loop(dims.k, lhs)
    if m0 is None and n0 is None:
        return Refused(
            "not packed: neither m nor n has an inner tile loop (pack it first)"
        )
    extents = tuple(s for s in con.loop_sizes if s is not None)
    kext = 1 if k0 is None else extents[k0]
    lanes = target.lanes(bitwidth(acc.element_type))
    choice = None
    for vec, bcast, vdim, sdim, swap in (
        (rhs, lhs, n0, m0, False),
        (lhs, rhs, m0, n0, True),
    ):
        mode = _vector_mode(vec, acc, vdim, k0, kext)
        if mode is not None and vdim is not None:
            choice = (vec, bcast, vdim, sdim, swap, mode)
            break
    if choice is None:
        return Refused(
            "no vectorizable layout: neither the n0 nor the m0 tile is contiguous "
            "in the accumulator and in its operand (nor a [v0][k0] tile with k0 <= 8)"
        )
    vec, bcast, vdim, sdim, swap, mode = choice
    for access, what in ((vec, "vector operand"), (acc, "accumulator")):
        interleave = mode if access is vec else 1
        reason = vector_view_reason(access, vdim, k0, interleave, extents)
        if reason is not None:
            return Refused(f"{what}: {reason}")
    tile = {t for t in (m0, n0, k0) if t is not None}
    iters = con.iterator_types
    outer = [d for d in range(len(extents)) if d not in tile]
    reduction_outer = tuple(d for d in outer if iters[d] == "reduction")
    parallel_outer = tuple(d for d in outer if iters[d] == "parallel")
    if any(acc.position(d) < 0 for d in parallel_outer):
        return Refused("a parallel loop does not index the accumulator")
    vec_cast, bcast_cast = _casts(con.mac, swap)
    if vec_cast in _INT_CASTS and not casts.vector_int_casts:
        return Refused(
            f"{vec_cast} on vectors is not available in this context (xDSL's "
            "arith integer casts take scalars only)"
        )
    plan = KernelPlan(
        extents=extents,
        vec=vec,
        bcast=bcast,
        acc=acc,
        vdim=vdim,
        sdim=sdim,
        kdim=k0,
        vec_cast=vec_cast,
        bcast_cast=bcast_cast,
        is_float=con.mac.is_float,
        interleave=mode,
        parallel_outer=parallel_outer,
        reduction_outer=reduction_outer,
        lanes=lanes,
        tile_k=0,
        swapped=swap,
    )
    return with_tile_k(plan, target, tile_k)


L1_PANEL_SHARE = 1 / 2
"""Share of L1 the vector operand's k panel may fill (the rest holds the
broadcast operand's stream and the accumulator tile)."""

L2_BLOCK_SHARE = 3 / 16
"""Share of L2 one m block of the broadcast operand may fill."""

UNPACKED_VECTOR_K_BLOCK = 16
"""k blocking when the vector operand is read unpacked (few row tiles reuse
it): each k block reads a band of whole rows of it, which streams, instead
of k-long column panels."""

L2_ACC_SHARE = 3 / 4
"""Share of L2 the accumulators of one m block (all n tiles) may fill to stay
there across k blocks."""


def with_tile_k(plan: KernelPlan, target: TargetInfo, tile_k: int) -> KernelPlan:
    """Choose the k blocking: the vector operand's k panel fills about half
    of L1, in blocks of equal size. An empty k loop (K = 0: the result is
    its init) is not blocked."""
    if not plan.reduction_outer:
        return replace(plan, tile_k=0)
    inner_k = plan.reduction_outer[-1]
    k_extent = plan.extents[inner_k]
    if k_extent <= 0:
        return replace(plan, tile_k=0)
    if tile_k <= 0:
        panel = plan.extent(plan.vdim) * plan.extent(plan.kdim)
        panel_bytes = panel * bitwidth(plan.vec.element_type) // 8
        budget = int(target.l1d_kib * 1024 * L1_PANEL_SHARE)
        longest = max(16, budget // max(1, panel_bytes))
        blocks = -(-k_extent // longest)
        tile_k = -(-k_extent // blocks)
    return replace(plan, tile_k=min(tile_k, k_extent))


def with_tile_m(
    plan: KernelPlan, target: TargetInfo, tile_m: int, order: str
) -> KernelPlan:
    """Choose the m blocking (in row tiles), in blocks of equal size: small
    enough that the block's accumulators (rows x all of n) stay in L2 across
    the k blocks (L2_ACC_SHARE), unless that makes the block less than half
    as tall as the one whose broadcast operand (rows x k block) fills
    L2_BLOCK_SHARE of L2 (then that one: fewer passes over the vector
    operand). Only for the default loop order and a single loop over row
    tiles; then the accumulators also go through a private buffer between k
    blocks (`acc_scratch`) when there are several."""
    batch, n_loops, m_loops = split_parallel(plan)
    if order != DEFAULT_ORDER or len(m_loops) != 1 or tile_m < 0:
        return replace(plan, tile_m=0)
    rows = plan.extent(plan.sdim)
    tiles = plan.tail.size // rows if plan.tail else plan.extents[m_loops[0]]
    if tile_m == 0:
        reduction = math.prod(plan.extents[d] for d in plan.reduction_outer)
        k_block = plan.tile_k or reduction
        l2 = target.l2_kib * 1024
        block_rows = rows * plan.extent(plan.kdim)
        block_bytes = block_rows * k_block * bitwidth(plan.bcast.element_type) // 8
        by_bcast = int(l2 * L2_BLOCK_SHARE) // max(1, block_bytes)
        n_extent = math.prod(plan.extents[d] for d in n_loops) * plan.extent(plan.vdim)
        acc_bytes = rows * n_extent * bitwidth(plan.acc_type) // 8
        by_acc = int(l2 * L2_ACC_SHARE) // max(1, acc_bytes)
        longest = max(1, by_acc if 2 * by_acc >= by_bcast else by_bcast)
        blocks = -(-max(tiles, 1) // longest)
        tile_m = -(-max(tiles, 1) // blocks)
    if tile_m >= tiles:
        tile_m = 0
    inner_k = plan.reduction_outer[-1] if plan.reduction_outer else None
    k_blocks = (
        0
        if inner_k is None or not plan.tile_k
        else -(-plan.extents[inner_k] // plan.tile_k)
    )
    scratch = k_blocks > 1 and not batch and plan.sdim is not None
    return replace(plan, tile_m=tile_m, acc_scratch=scratch)


def split_parallel(plan: KernelPlan) -> tuple[list[int], list[int], list[int]]:
    """(batch loops, loops of the vector operand only, loops of the broadcast
    operand only) among the outer parallel loops."""
    batch = [
        d
        for d in plan.parallel_outer
        if plan.vec.position(d) >= 0 and plan.bcast.position(d) >= 0
    ]
    rest = [d for d in plan.parallel_outer if d not in batch]
    n_loops = [d for d in rest if plan.vec.position(d) >= 0]
    m_loops = [d for d in rest if d not in n_loops]
    return batch, n_loops, m_loops
