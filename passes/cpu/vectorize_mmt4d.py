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
cannot be vectorized are left alone; `report=true` says why in a located
remark per multiply-accumulate op.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    MemRefType,
    ModuleOp,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.ops import FillOp
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.rewriter import InsertPoint
from xdsl.utils.exceptions import PassFailedException

from packdialect.analysis.contraction import (
    match_multiply_accumulate,
)
from packdialect.diagnostics import Refused, location_of, remark_at
from packdialect.targets import TargetInfo
from passes.cpu.kernel_builder import KernelEmitter
from passes.cpu.kernel_fusion import (
    FUSE_MODES,
    Fusion,
    erase_buffer_if_unused,
    fuse_relayouts,
)
from passes.cpu.kernel_plan import (
    DEFAULT_ORDER,
    UNPACKED_VECTOR_K_BLOCK,
    CastOps,
    KernelPlan,
    plan_kernel,
    vector_target,
    with_tile_k,
    with_tile_m,
)


def vectorize_contraction(
    op: Operation,
    rewriter: PatternRewriter,
    target: TargetInfo,
    tile_k: int = 0,
    casts: CastOps | None = None,
    order: str = DEFAULT_ORDER,
    fuse: str = "auto",
    tile_m: int = 0,
) -> KernelPlan | Refused:
    """Replace `op` by its vector kernel; returns the plan, or why not.

    `fuse` (see FUSE_MODES) absorbs the packs of the operands and the unpack
    of the accumulator; `tile_m` blocks the row tiles (0: automatic, -1: no
    m blocking)."""
    casts = casts or CastOps.from_context(None)
    plan = plan_kernel(op, target, tile_k, casts)
    if isinstance(plan, Refused):
        return plan
    fusion = fuse_relayouts(plan, op, fuse, order)
    plan = fusion.plan
    if plan.vec_unpacked and tile_k <= 0:
        plan = with_tile_k(plan, target, UNPACKED_VECTOR_K_BLOCK)
    plan = with_tile_m(plan, target, tile_m, order)
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
        target: TargetInfo,
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
        location = location_of(op)
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
            what = result if isinstance(result, Refused) else result.describe()
            verb = "left alone" if isinstance(result, Refused) else "vectorized"
            remark_at(location, f"vectorize-mmt4d: {op.name} {verb}: {what}")


def _is_multiply_accumulate(op: LinalgStructuredOperation) -> bool:
    """Whether the body of `op` is a multiply-accumulate (reports skip the rest)."""
    return not isinstance(match_multiply_accumulate(op.body.block), Refused)


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
    "VectorizeContraction",
    "VectorizeMmt4dPass",
    "folded_fill",
    "vectorize_contraction",
]
