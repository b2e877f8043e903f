"""`vectorize-mmt4d`: a packed contraction on memrefs becomes a register-tiled
vector kernel (vector dialect) inside a cache-blocked loop nest.

Input: `linalg.mmt4d`, `linalg.batch_mmt4d`, or any linalg op on memrefs that
`packdialect.analysis.contraction.analyze` recognizes as a multiply-accumulate
contraction whose maps are linear in the loops (the packed `linalg.generic`s
`pack-greedily` produces, whatever their inner layout, 1x1 convolutions
included).

The register tile: of the m, n and k loop sets, the loop indexing the
trailing-most dim of the accumulator (m, n) or of the LHS (k) is the inner
tile loop m0 / n0 / k0 (a k set with a single loop has a tile of 1). One of
m0 / n0 is the *vector* loop: its accumulator elements and those of its
operand must be contiguous (`[k0][n0]` tiles, `k0 = 1` mmt4d tiles), or the
operand's inner tile may be `[v0][k0]` with k0 <= 8 (loaded whole and
deinterleaved with `vector.shuffle`: i8/bf16 pairs). n0 is preferred (RHS
rows as vectors, LHS scalars broadcast); m0 serves the mirrored layouts. The
other tile loop is unrolled over rows of accumulators. A vector is read along
the innermost dim of a `memref.collapse_shape` view when unit dims (or the k0
of an interleaved tile) follow the vector dim.

The kernel, for each tile of the outer parallel loops:

    acc[i][j] = vector.load ACC tile row i, chunk j       (register-resident)
    scf.for k (and every other reduction loop) iter_args(acc...) {
      for k0 (unrolled, or an scf.for when k0 > 16):
        v[j] = vector.load VEC operand (ext to the accumulator type)
        for i: s = vector.broadcast (ext(memref.load BCAST operand))
               acc[i][j] = vector.fma s, v[j], acc[i][j]   (muli + addi for ints)
      scf.yield acc...
    }
    vector.store acc[i][j]

Chunks are `target` vector registers (16 f32 on avx512, 8 on avx2, 4 on
generic). When the accumulator was just filled (`linalg.fill`, nothing else
touching it since), the fill is folded away: the accumulators of the first
k block start from the fill value instead of a load.

Cache blocking (the default `order=knm`, a single loop over row tiles):

    for mb: m blocks of `tile-m` row tiles             (sequential)
      for kb: k blocks of `tile-k` iterations          (sequential)
        [stage the broadcast operand's (mb, kb) block]
        for n: the vector operand's tiles              (the parallel loop)
          for m in mb: kernel; [the partial row tile]

`tile-k` (0 = automatic): the vector operand's k panel fills about half of
L1, in k blocks of equal size (16 when the vector operand is read unpacked:
bands of whole rows). `tile-m` (0 = automatic, -1 = none): m blocks of equal
size whose accumulators (rows x all of n) stay in L2 across the k blocks,
unless that makes them much shorter than a broadcast-operand block of 3/16
of L2. Between k blocks the accumulators go through a private buffer laid
out [n tiles][row tiles of the m block][m0][n0], so the tiles the m loop
visits stream (`acc_scratch`); the first k block starts from the folded fill
value (or `acc`), the last stores into `acc` or the unpack's destination.
`order` can nest `k`, `n` and `m` otherwise (no m blocking then); batch loops
are outermost. Loops over parallel dims carry `packdialect.parallel`, except
the loop over m blocks (few and uneven: the n loop inside is the one to
split between threads), as does the outer loop of a staging copy.

Packs and unpacks (`fuse`, see FUSE_MODES and passes/mmt4d_fusion.py): run
after `bufferize` and before `lower-packs`, the pass sees the bufferized
packs that fill the operands and the unpack that reads the accumulator. The
unpack is absorbed when its destination can take whole vectors (the last k
block stores there; rows that only the padding would hold are not computed:
the last row tile is a kernel with fewer rows). An operand that few tiles of
the other reuse is read straight from the pack's source; otherwise the
broadcast operand is packed block by block into a small staging buffer
right before the kernels that read it (BLIS's packed A block), so its
packed copy never leaves L2.

Integer widening on vectors needs `arith.extsi` / `extui` on vectors, which
xDSL 0.74 refuses: such ops are left alone (scalar loops via
linalg-to-loops) unless the context registers a vector-capable op. Ops that
cannot be vectorized are left alone; `report=true` prints why on stderr.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import arith, func, memref, vector
from xdsl.dialects.builtin import (
    AnyFloat,
    ArrayAttr,
    DenseArrayBase,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    VectorType,
    i64,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.ops import FillOp
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import PassFailedException

from packdialect.analysis.contraction import (
    MacMatch,
    analyze,
    match_multiply_accumulate,
)
from passes.bufferize import is_identity_layout
from passes.linalg_to_loops import (
    IndexConstants,
    add_index,
    build_for,
    constant_index,
    expand_affine_expr,
    mul_index,
)
from passes.lower_packs import memref_strides
from passes.mmt4d_fusion import (
    FEW_REUSES,
    RelayoutGroup,
    RowTail,
    buffer_root,
    consumer_unpack,
    erase_buffer_if_unused,
    only_users,
    producer_pack,
    row_tail,
    rows_alias_in_l1,
    unpacked_map,
    untouched_between,
)

# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VectorTarget:
    """What the kernel needs to know about the machine."""

    name: str
    vector_bits: int
    registers: int
    l1d_kib: int
    l2_kib: int = 256

    def lanes(self, element: Attribute) -> int:
        """Lanes of `element` in one vector register."""
        bits = _bitwidth(element)
        return max(1, self.vector_bits // bits)


_TARGETS = {
    "avx512": VectorTarget("avx512", 512, 32, 48, 2048),
    "avx2": VectorTarget("avx2", 256, 16, 32, 256),
    "generic": VectorTarget("generic", 128, 16, 32, 256),
}


def vector_target(name: str) -> VectorTarget:
    """A VectorTarget by name; "host" reads this machine's features."""
    if name == "host":
        from packdialect.strategies import get_target

        info = get_target("host")
        family = (
            "avx512"
            if info.has("avx512f")
            else "avx2"
            if info.has("avx2")
            else "generic"
        )
        base = _TARGETS[family]
        return VectorTarget(
            "host",
            base.vector_bits,
            base.registers,
            info.l1d_kib or base.l1d_kib,
            info.l2_kib or base.l2_kib,
        )
    if name not in _TARGETS:
        raise PassFailedException(
            f"vectorize-mmt4d: unknown target '{name}'; expected one of "
            f"{', '.join([*_TARGETS, 'host'])}"
        )
    return _TARGETS[name]


def _bitwidth(element: Attribute) -> int:
    if isinstance(element, IntegerType):
        return max(8, element.width.data)
    if isinstance(element, AnyFloat):
        return element.bitwidth
    return 64


# ---------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------

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


def _accesses(op: LinalgStructuredOperation) -> list[Access] | str:
    maps = [m.data for m in op.get_indexing_maps()]
    accesses = []
    for value, amap in zip((*op.inputs, *op.outputs), maps, strict=True):
        strides = memref_strides(value.type)
        if strides is None:
            return "operands must be memrefs with static strides"
        if not _is_linear(amap):
            return f"indexing map {amap} is not linear in the loops"
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


def _vector_view_reason(
    access: Access,
    vdim: int,
    kdim: int | None,
    interleave: int,
    extents: Sequence[int],
) -> str | None:
    """Why vectors along `vdim` cannot be read as the innermost dim of a
    (collapsed) view of `access`, or None. A vector.load reads along the
    innermost dim, so the dims after the vector dim must be unit dims (or
    the k0 dim of an interleaved tile) and foldable into it."""
    trailing = _trailing_loops(access, vdim)
    if trailing is None:
        return "a dim after the vector dim is not a bare loop"
    if not trailing:
        return None
    allowed = {kdim} if interleave > 1 else set()
    for loop in trailing:
        if loop not in allowed and extents[loop] != 1:
            return f"dim of loop d{loop} after the vector dim is not a unit dim"
    if not is_identity_layout(access.value.type):
        return "the vector dim would need a collapsed view of a strided memref"
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
    from xdsl.dialects.builtin import i8, i32
    from xdsl.ir import Block
    from xdsl.utils.exceptions import VerifyException

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
    op: Operation, target: VectorTarget, tile_k: int = 0, casts: CastOps | None = None
) -> KernelPlan | str:
    """The kernel plan for `op`, or a sentence saying why it is left alone."""
    if not isinstance(op, LinalgStructuredOperation) or op.results:
        return f"'{op.name}' is not a linalg op on memrefs"
    casts = casts or CastOps.from_context(None)
    con = analyze(op)
    if isinstance(con, str):
        return con
    if con.mac is None:
        return "body is not a multiply-accumulate"
    if any(size is None for size in con.loop_sizes):
        return "loop extents must be static"
    accesses = _accesses(op)
    if isinstance(accesses, str):
        return accesses
    lhs, rhs, acc = accesses
    dims = con.dims
    m0, n0 = _inner_loop(dims.m, acc), _inner_loop(dims.n, acc)
    k0 = _inner_loop(dims.k, lhs)
    if m0 is None and n0 is None:
        return "not packed: neither m nor n has an inner tile loop (pack it first)"
    extents = tuple(s for s in con.loop_sizes if s is not None)
    kext = 1 if k0 is None else extents[k0]
    lanes = target.lanes(acc.element_type)
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
        return (
            "no vectorizable layout: neither the n0 nor the m0 tile is contiguous "
            "in the accumulator and in its operand (nor a [v0][k0] tile with k0 <= 8)"
        )
    vec, bcast, vdim, sdim, swap, mode = choice
    for access, what in ((vec, "vector operand"), (acc, "accumulator")):
        interleave = mode if access is vec else 1
        reason = _vector_view_reason(access, vdim, k0, interleave, extents)
        if reason is not None:
            return f"{what}: {reason}"
    tile = {t for t in (m0, n0, k0) if t is not None}
    iters = con.iterator_types
    outer = [d for d in range(len(extents)) if d not in tile]
    reduction_outer = tuple(d for d in outer if iters[d] == "reduction")
    parallel_outer = tuple(d for d in outer if iters[d] == "parallel")
    if any(acc.position(d) < 0 for d in parallel_outer):
        return "a parallel loop does not index the accumulator"
    vec_cast, bcast_cast = _casts(con.mac, swap)
    if vec_cast in _INT_CASTS and not casts.vector_int_casts:
        return (
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
    return _with_tile_k(plan, target, tile_k)


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


def _with_tile_k(plan: KernelPlan, target: VectorTarget, tile_k: int) -> KernelPlan:
    """Choose the k blocking: the vector operand's k panel fills about half
    of L1, in blocks of equal size."""
    if not plan.reduction_outer:
        return replace(plan, tile_k=0)
    inner_k = plan.reduction_outer[-1]
    k_extent = plan.extents[inner_k]
    if tile_k <= 0:
        panel = plan.extent(plan.vdim) * plan.extent(plan.kdim)
        panel_bytes = panel * _bitwidth(plan.vec.element_type) // 8
        budget = int(target.l1d_kib * 1024 * L1_PANEL_SHARE)
        longest = max(16, budget // max(1, panel_bytes))
        blocks = -(-k_extent // longest)
        tile_k = -(-k_extent // blocks)
    return replace(plan, tile_k=min(tile_k, k_extent))


def _with_tile_m(
    plan: KernelPlan, target: VectorTarget, tile_m: int, order: str
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
        block_bytes = block_rows * k_block * _bitwidth(plan.bcast.element_type) // 8
        by_bcast = int(l2 * L2_BLOCK_SHARE) // block_bytes
        n_extent = math.prod(plan.extents[d] for d in n_loops) * plan.extent(plan.vdim)
        acc_bytes = rows * n_extent * _bitwidth(plan.acc_type) // 8
        by_acc = int(l2 * L2_ACC_SHARE) // acc_bytes
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


# ---------------------------------------------------------------------------
# Code generation
# ---------------------------------------------------------------------------


_DEFAULT_CASTS: dict[str, type[Operation]] = {
    "arith.extf": arith.ExtFOp,
    "arith.extsi": arith.ExtSIOp,
    "arith.extui": arith.ExtUIOp,
    "arith.sitofp": arith.SIToFPOp,
    "arith.uitofp": arith.UIToFPOp,
}


def _cast(
    b: Builder, casts: CastOps, value: SSAValue, cast: str | None, to: Attribute
) -> SSAValue:
    """Apply the body's widening cast to a scalar or a vector."""
    if cast is None or value.type == to:
        return value
    op = casts.classes[cast].create(operands=[value], result_types=[to])
    return b.insert(op).results[0]


# ---------------------------------------------------------------------------
# Fusion with the packs and the unpack around the contraction
# ---------------------------------------------------------------------------

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
) -> RowTail | None | str:
    if isinstance(found, str) or found is None:
        return found if isinstance(found, str) else current
    if current is not None and current != found:
        return "the packs pad the rows differently"
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
    if isinstance(tail, str) or strides is None:
        return
    final = Access(group.dest, unpacked_map(plan.acc.amap, group.facts), strides)
    if final.stride(plan.vdim) != 1 or _vector_view_reason(
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
    if isinstance(tail, str):
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
    if unpacked.stride(plan.vdim) != 1 or _vector_view_reason(
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
    element_bytes = _bitwidth(plan.bcast.element_type) // 8
    row_stride = plan.bcast.stride(plan.sdim) * element_bytes
    return not rows_alias_in_l1(row_stride, plan.extent(plan.sdim))


# ---------------------------------------------------------------------------
# The kernel and its loop nest
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockRole:
    """Where a k block's kernel starts from and stores to: the first reads
    the fill value or `acc`, the last writes `final` or `acc`, the others use
    the private accumulator buffer (or `acc` when there is none)."""

    first: bool
    last: bool


class KernelEmitter:
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

    # ---- the kernel -------------------------------------------------------
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


def vectorize_contraction(
    op: Operation,
    rewriter: PatternRewriter,
    target: VectorTarget,
    tile_k: int = 0,
    casts: CastOps | None = None,
    order: str = DEFAULT_ORDER,
    fuse: str = "auto",
    tile_m: int = 0,
) -> KernelPlan | str:
    """Replace `op` by its vector kernel; returns the plan, or why not.

    `fuse` (see FUSE_MODES) absorbs the packs of the operands and the unpack
    of the accumulator; `tile_m` blocks the row tiles (0: automatic, -1: no
    m blocking)."""
    casts = casts or CastOps.from_context(None)
    plan = plan_kernel(op, target, tile_k, casts)
    if isinstance(plan, str):
        return plan
    fusion = fuse_relayouts(plan, op, fuse, order)
    plan = fusion.plan
    if plan.vec_unpacked and tile_k <= 0:
        plan = _with_tile_k(plan, target, UNPACKED_VECTOR_K_BLOCK)
    plan = _with_tile_m(plan, target, tile_m, order)
    for alloc in fusion.hoist:
        alloc.detach()
        rewriter.insert(alloc, InsertPoint.before(op))
    fill = folded_fill(op, plan.acc.value)
    init = None
    if fill is not None:
        init = fill.inputs[0]
        rewriter.erase(fill)
    KernelEmitter(plan, op, casts, order=order, init=init).emit()
    rewriter.erase(op)
    _erase_absorbed(rewriter, fusion)
    return plan


def _erase_absorbed(rewriter: PatternRewriter, fusion: Fusion) -> None:
    """Erase the absorbed pack/unpack groups and the buffers nothing uses now."""
    for dead in fusion.erase:
        if all(not r.uses for r in dead.results):
            rewriter.erase(dead)
    for buffer in fusion.buffers:
        for dead in erase_buffer_if_unused(buffer):
            rewriter.erase(dead)


def folded_fill(op: Operation, acc: SSAValue) -> FillOp | None:
    """The `linalg.fill` of the whole accumulator that `op` is the next user of
    (so the kernel can start from the fill value and the fill can go), else None."""
    block = op.parent_block()
    if block is None:
        return None
    previous = op.prev_op
    while previous is not None:
        if isinstance(previous, FillOp) and previous.outputs[0] is acc:
            scalar = previous.inputs[0]
            if scalar.type != _element(acc):
                return None
            return previous
        if _touches(previous, acc):
            return None
        previous = previous.prev_op
    return None


def _element(value: SSAValue) -> Attribute:
    t = value.type
    assert isinstance(t, MemRefType)
    return t.get_element_type()


def _touches(op: Operation, buffer: SSAValue) -> bool:
    """Whether `op` (or an op nested in it) uses `buffer` or might alias it."""
    for inner in op.walk():
        if buffer in inner.operands:
            return True
        if isinstance(inner, func.CallOp):
            return True
    return False


class VectorizeContraction(RewritePattern):
    """Packed contraction on memrefs -> vector kernel."""

    def __init__(
        self,
        target: VectorTarget,
        tile_k: int = 0,
        report: bool = False,
        casts: CastOps | None = None,
        order: str = DEFAULT_ORDER,
        fuse: str = "auto",
        tile_m: int = 0,
    ):
        self.order = order
        self.target = target
        self.tile_k = tile_k
        self.report = report
        self.casts = casts or CastOps.from_context(None)
        self.fuse = fuse
        self.tile_m = tile_m

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, LinalgStructuredOperation) or op.results:
            return
        if len(op.inputs) != 2 or len(op.outputs) != 1:
            return
        is_mac = self.report and _is_multiply_accumulate(op)
        result = vectorize_contraction(
            op,
            rewriter,
            self.target,
            self.tile_k,
            self.casts,
            self.order,
            self.fuse,
            self.tile_m,
        )
        if is_mac:
            what = result if isinstance(result, str) else result.describe()
            verb = "left alone" if isinstance(result, str) else "vectorized"
            print(f"vectorize-mmt4d: {op.name} {verb}: {what}", file=sys.stderr)


def _is_multiply_accumulate(op: LinalgStructuredOperation) -> bool:
    """Whether the body of `op` is a multiply-accumulate (reports skip the rest)."""
    return not isinstance(match_multiply_accumulate(op.body.block), str)


@dataclass(frozen=True)
class VectorizeMmt4dPass(ModulePass):
    """mmt4d-like contractions on memrefs -> register-tiled vector kernels.

    Options: `target=host|avx512|avx2|generic`, `tile-k=N` (k blocking in
    outer k iterations; 0 = automatic), `tile-m=N` (m blocking in row tiles;
    0 = automatic, -1 = none), `order` (loops outside the kernel),
    `fuse=auto|never|always` (absorb packs and unpacks, see FUSE_MODES),
    `report=true` (one line per op).
    """

    name = "vectorize-mmt4d"

    target: str = "host"
    tile_k: int = 0
    tile_m: int = 0
    order: str = DEFAULT_ORDER
    fuse: str = "auto"
    report: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if sorted(self.order) != ["k", "m", "n"]:
            raise PassFailedException(
                "vectorize-mmt4d: order must be a permutation of 'k', 'n', 'm' "
                f"(k blocks, vector-operand loops, broadcast-operand loops), got "
                f"'{self.order}'"
            )
        if self.fuse not in FUSE_MODES:
            raise PassFailedException(
                f"vectorize-mmt4d: fuse must be one of {', '.join(FUSE_MODES)}, "
                f"got '{self.fuse}'"
            )
        pattern = VectorizeContraction(
            vector_target(self.target),
            self.tile_k,
            self.report,
            CastOps.from_context(ctx),
            self.order,
            self.fuse,
            self.tile_m,
        )
        PatternRewriteWalker(pattern, apply_recursively=False).rewrite_module(op)


__all__ = [
    "FUSE_MODES",
    "Fusion",
    "KernelPlan",
    "VectorTarget",
    "VectorizeContraction",
    "VectorizeMmt4dPass",
    "fuse_relayouts",
    "plan_kernel",
    "split_parallel",
    "vector_target",
    "vectorize_contraction",
]
