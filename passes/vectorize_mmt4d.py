"""`vectorize-mmt4d`: a packed contraction on memrefs becomes a register-tiled
vector kernel (vector dialect) inside a cache-blocked loop nest.

Input: `linalg.mmt4d`, `linalg.batch_mmt4d`, or any linalg op on memrefs that
`packdialect.contraction.analyze` recognizes as a multiply-accumulate
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

Cache blocking: the innermost reduction loop is split into blocks of
`tile-k` iterations (0 = the vector operand's k-panel fills half of L1).
`order` nests the loops outside the kernel: `k` (the k blocks), `n` (the
vector operand's loops) and `m` (the broadcast operand's); the default `knm`
keeps one vector-operand panel in L1 across the whole m loop while the
broadcast operand's block streams from L2 (BLIS's jr/ir loops). Batch loops
are outermost. Loops over parallel dims carry `packdialect.parallel`.

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
    NoneAttr,
    StridedLayoutAttr,
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
from xdsl.rewriter import InsertPoint
from xdsl.utils.exceptions import PassFailedException

from packdialect.contraction import MacMatch, analyze, match_multiply_accumulate
from passes.bufferize import is_identity_layout
from passes.linalg_to_loops import (
    IndexConstants,
    add_index,
    build_for,
    constant_index,
    expand_affine_expr,
    mul_index,
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

    def lanes(self, element: Attribute) -> int:
        """Lanes of `element` in one vector register."""
        bits = _bitwidth(element)
        return max(1, self.vector_bits // bits)


_TARGETS = {
    "avx512": VectorTarget("avx512", 512, 32, 48),
    "avx2": VectorTarget("avx2", 256, 16, 32),
    "generic": VectorTarget("generic", 128, 16, 32),
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
            "host", base.vector_bits, base.registers, info.l1d_kib or base.l1d_kib
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


def memref_strides(value_type: Attribute) -> tuple[int, ...] | None:
    """Static element strides of a memref type, else None."""
    if not isinstance(value_type, MemRefType):
        return None
    layout = value_type.layout
    shape = value_type.get_shape()
    if isinstance(layout, NoneAttr):
        strides, running = [], 1
        for size in reversed(shape):
            strides.append(running)
            running *= size
        return tuple(reversed(strides))
    if isinstance(layout, StridedLayoutAttr):
        strides = layout.get_strides()
        if any(s is None for s in strides):
            return None
        return tuple(s for s in strides if s is not None)
    return None


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
        return (
            f"{s0}x{v0}x{k0} register tile, {len(self.chunks)} {mode}vector(s) of "
            f"{widths} x {self.acc_type} per row, k blocked by {self.tile_k}"
        )


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


def _with_tile_k(plan: KernelPlan, target: VectorTarget, tile_k: int) -> KernelPlan:
    """Choose the k blocking: the vector operand's panel fills half of L1."""
    if not plan.reduction_outer:
        return replace(plan, tile_k=0)
    inner_k = plan.reduction_outer[-1]
    k_extent = plan.extents[inner_k]
    if tile_k <= 0:
        panel = plan.extent(plan.vdim) * plan.extent(plan.kdim)
        panel_bytes = panel * _bitwidth(plan.vec.element_type) // 8
        tile_k = max(16, (target.l1d_kib * 1024 // 2) // max(1, panel_bytes))
    return replace(plan, tile_k=min(tile_k, k_extent))


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

    # ---- loop nest --------------------------------------------------------
    def emit(self) -> None:
        """The whole nest: batch loops, then the k-block loop (k), the loops of
        the vector operand (n) and of the broadcast operand (m) in `order`."""
        self.plan = replace(
            self.plan,
            vec=self._vector_view(self.plan.vec),
            acc=self._vector_view(self.plan.acc),
        )
        batch, n_loops, m_loops = self._split_parallel()
        self.groups = {"n": n_loops, "m": m_loops}
        self._nest(
            self.b, batch, lambda bb: self._levels(bb, self.order, None, self.init)
        )

    def _levels(
        self,
        b: Builder,
        order: str,
        block: tuple[SSAValue, SSAValue] | None,
        init: SSAValue | None,
    ) -> None:
        """Emit the loops of `order` (outermost first), then the kernel."""
        if not order:
            self._kernel(b, block, init)
            return
        head, rest = order[0], order[1:]
        if head in self.groups:
            self._nest(
                b, self.groups[head], lambda bb: self._levels(bb, rest, block, init)
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

    def _split_parallel(self) -> tuple[list[int], list[int], list[int]]:
        """(batch loops, loops of the vector operand, loops of the broadcast one)."""
        plan = self.plan
        batch = [
            d
            for d in plan.parallel_outer
            if plan.vec.position(d) >= 0 and plan.bcast.position(d) >= 0
        ]
        rest = [d for d in plan.parallel_outer if d not in batch]
        n_loops = [d for d in rest if plan.vec.position(d) >= 0]
        m_loops = [d for d in rest if d not in n_loops]
        return batch, n_loops, m_loops

    def _nest(self, b: Builder, loops: Sequence[int], inner) -> None:
        if not loops:
            inner(b)
            return
        loop, rest = loops[0], loops[1:]
        extent = self.plan.extents[loop]
        if extent == 1:
            self.values[loop] = self.c(0)
            self._nest(b, rest, inner)
            return

        def body(bb: Builder, iv: SSAValue, _):
            iv.name_hint = self._role(loop)
            self.values[loop] = iv
            self._nest(bb, rest, inner)
            return []

        build_for(b, self.c(0), self.c(extent), self.c(1), [], body, parallel=True)

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

        With an initial value (a fill folded into the kernel), the first k
        block starts its accumulators from it: that block is peeled."""
        plan = self.plan
        inner_k = plan.reduction_outer[-1] if plan.reduction_outer else None
        if inner_k is None or not plan.tile_k or plan.tile_k >= plan.extents[inner_k]:
            self._levels(b, order, None, init)
            return
        extent, tile = plan.extents[inner_k], plan.tile_k
        c = self.c

        def block_at(bb: Builder, kb: SSAValue, first_init: SSAValue | None) -> None:
            start = mul_index(bb, c, kb, tile)
            known = constant_index(kb)
            if extent % tile == 0 or (
                known is not None and (known + 1) * tile <= extent
            ):
                bound = c(tile)
            else:
                rest = bb.insert(arith.SubiOp(c(extent), start)).result
                bound = bb.insert(arith.MinSIOp(c(tile), rest)).result
            self._levels(bb, order, (start, bound), first_init)

        def body(bb: Builder, kb: SSAValue, _):
            kb.name_hint = "kb"
            block_at(bb, kb, None)
            return []

        first = 0
        if init is not None:
            block_at(b, c(0), init)
            first = 1
        blocks = -(-extent // tile)
        if first < blocks:
            build_for(b, c(first), c(blocks), c(1), [], body)

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
    ) -> None:
        plan = self.plan
        accs = self._splat_accs(b, init) if init is not None else self._load_accs(b)
        finals = self._reduction_loops(b, list(plan.reduction_outer), accs, block)
        self._store_accs(b, finals)

    def _splat_accs(self, b: Builder, init: SSAValue) -> list[SSAValue]:
        """Accumulators starting from the folded fill value."""
        splats: dict[int, SSAValue] = {}
        accs = []
        for _ in range(self.plan.extent(self.plan.sdim)):
            for _, width in self.plan.chunks:
                if width not in splats:
                    splats[width] = b.insert(
                        vector.BroadcastOp(init, self._acc_vector_type(width))
                    ).vector
                accs.append(splats[width])
        return accs

    def _acc_vector_type(self, width: int) -> VectorType:
        return VectorType(self.plan.acc_type, [width])

    def _load_accs(self, b: Builder) -> list[SSAValue]:
        plan = self.plan
        accs = []
        for s in range(plan.extent(plan.sdim)):
            for offset, width in plan.chunks:
                values = self._tile_values(s, offset, 0)
                idx = plan.acc.indices(b, self.c, values)
                load = b.insert(
                    vector.LoadOp(plan.acc.value, idx, self._acc_vector_type(width))
                )
                accs.append(load.result)
        return accs

    def _store_accs(self, b: Builder, accs: Sequence[SSAValue]) -> None:
        plan = self.plan
        it = iter(accs)
        for s in range(plan.extent(plan.sdim)):
            for offset, _ in plan.chunks:
                values = self._tile_values(s, offset, 0)
                b.insert(
                    vector.StoreOp(
                        next(it), plan.acc.value, plan.acc.indices(b, self.c, values)
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
            return self._reduction_loops(b, rest, accs, block)
        upper = block[1] if blocked and block else c(extent)

        def body(bb: Builder, iv: SSAValue, carried: Sequence[SSAValue]):
            iv.name_hint = "k"
            for arg in carried:
                arg.name_hint = "acc"
            value = add_index(bb, c, block[0], iv) if blocked and block else iv
            self.values[loop] = value
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
        for s in range(plan.extent(plan.sdim)):
            values = self._tile_values(s, 0, 0)
            if plan.kdim is not None:
                values[plan.kdim] = k
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
) -> KernelPlan | str:
    """Replace `op` by its vector kernel; returns the plan, or why not."""
    casts = casts or CastOps.from_context(None)
    plan = plan_kernel(op, target, tile_k, casts)
    if isinstance(plan, str):
        return plan
    fill = folded_fill(op, plan.acc.value)
    init = None
    if fill is not None:
        init = fill.inputs[0]
        rewriter.erase(fill)
    KernelEmitter(plan, op, casts, order=order, init=init).emit()
    rewriter.erase(op)
    return plan


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
    ):
        self.order = order
        self.target = target
        self.tile_k = tile_k
        self.report = report
        self.casts = casts or CastOps.from_context(None)

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, LinalgStructuredOperation) or op.results:
            return
        if len(op.inputs) != 2 or len(op.outputs) != 1:
            return
        is_mac = self.report and _is_multiply_accumulate(op)
        result = vectorize_contraction(
            op, rewriter, self.target, self.tile_k, self.casts, self.order
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
    outer k iterations; 0 = automatic), `report=true` (one line per op).
    """

    name = "vectorize-mmt4d"

    target: str = "host"
    tile_k: int = 0
    order: str = DEFAULT_ORDER
    report: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if sorted(self.order) != ["k", "m", "n"]:
            raise PassFailedException(
                "vectorize-mmt4d: order must be a permutation of 'k', 'n', 'm' "
                f"(k blocks, vector-operand loops, broadcast-operand loops), got "
                f"'{self.order}'"
            )
        pattern = VectorizeContraction(
            vector_target(self.target),
            self.tile_k,
            self.report,
            CastOps.from_context(ctx),
            self.order,
        )
        PatternRewriteWalker(pattern, apply_recursively=False).rewrite_module(op)


__all__ = [
    "KernelPlan",
    "VectorTarget",
    "VectorizeContraction",
    "VectorizeMmt4dPass",
    "plan_kernel",
    "vector_target",
    "vectorize_contraction",
]
