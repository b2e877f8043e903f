"""`lower-packs`: `linalg.pack` / `linalg.unpack` to loops or to tensor ops.

Default (loops): runs after `bufferize`, which leaves every pack/unpack
between buffers as

    %s = bufferization.to_tensor %src restrict : memref<..> to tensor<..>
    %d = bufferization.to_tensor %dst restrict writable : memref<..> to tensor<..>
    %p = linalg.pack %s ... into %d : tensor<..> -> tensor<..>
    bufferization.materialize_in_destination %p in restrict writable %dst

and each such group becomes an `scf.for` nest copying `%src` into `%dst`:

- pack: loops over the packed destination in its memory order (outer dims in
  `outer_dims_perm` order, then the inner tiles), so the innermost loop writes
  contiguous elements; the source index of a tiled dim is `q * tile + l`.
  When a tile does not divide its dim, the loop over that dim's tiles is
  split: the full tiles (constant inner extents, which the C compiler
  unrolls), then the partial last tile, whose inner loop copies the elements
  that exist and then stores the padding value into the rest of the tile
  (each destination element is written once).
- unpack: loops over the unpacked destination in its memory order, every tiled
  dim split into `q` (tile index) and `l` (index in the tile; the partial last
  tile is a separate loop with its own constant extent), so the innermost loop
  writes contiguous elements and reads the tile row.

Loops of extent 1 are not emitted; loops carry `packdialect.parallel`.
Packs on plain tensors (not bufferized) are left alone in this mode.

`to-tensor-ops=true`: on tensors, as upstream's `decompose_pack_unpack` (outer
dims of 1, SSA tiles allowed) or `lowerPack` / `lowerUnPack` (any static op);
see `passes.lower_packs_tensor`. An op that fits neither is kept, with a remark.

In the loop mode, dynamic tiles or shapes are refused with an error at the op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import bufferization, memref
from xdsl.dialects.builtin import (
    MemRefType,
    ModuleOp,
)
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint
from xdsl.utils.exceptions import PassFailedException

from packdialect.analysis.layout import Relayout, memref_strides, relayout_facts
from packdialect.diagnostics import OpError, Refused
from packdialect.ir.ops import PackOp, RelayoutOp
from passes.lower_packs_tensor import lower_to_tensor_ops_or_remark
from passes.utils.loops import (
    IndexConstants,
    add_index,
    build_for,
    mul_index,
)

# ---------------------------------------------------------------------------
# Loops on buffers
# ---------------------------------------------------------------------------


def _loop(
    b: Builder,
    c: IndexConstants,
    extent: int | SSAValue,
    body,
    parallel: bool = True,
    start: int = 0,
) -> None:
    """A loop from `start` to `extent` (none for one iteration, nothing for
    none)."""
    if isinstance(extent, int):
        if extent <= start:
            return
        if extent - start == 1:
            body(b, c(start))
            return
        extent = c(extent)

    def wrapped(bb: Builder, iv: SSAValue, _):
        body(bb, iv)
        return []

    build_for(b, c(start), extent, c(1), [], wrapped, parallel)


def _tiles(facts: Relayout, dim: int, body) -> None:
    """Call `body(first, last, extent)` for the full tiles of `dim` (tile
    indices [first, last), `extent` elements each) and then its partial tile."""
    i = facts.tile_of(dim)
    assert i is not None
    tile = facts.tiles[i]
    full, rest = divmod(facts.shape[dim], tile)
    if full:
        body(0, full, tile)
    if rest:
        body(full, full + 1, rest)


PackLoop = tuple[str, int]
"""A loop of a pack nest: ("q", dim) over the tiles of unpacked dim `dim` (its
elements if untiled), or ("l", i) over the elements of inner tile `i`."""


def source_order(facts: Relayout, src_strides: Sequence[int]) -> list[PackLoop]:
    """The loops of an unpadded pack, the destination's innermost one last
    (contiguous stores) and the others by decreasing source stride, so the
    source is read in as few streams as possible (a [K][N] -> [N/n0][K][n0]
    pack then reads whole rows of the source instead of n0-wide columns)."""
    rank = facts.rank
    dest_order: list[PackLoop] = [("q", facts.perm[j]) for j in range(rank)]
    dest_order += [("l", i) for i in range(len(facts.tiles))]

    def extent(loop: PackLoop) -> int:
        kind, at = loop
        return facts.outer_extent(at) if kind == "q" else facts.tiles[at]

    # Extent-1 loops are left out (their index is 0); an empty one stays, so
    # that the nest runs no iteration.
    loops = [loop for loop in dest_order if extent(loop) != 1]
    if len(loops) < 2:
        return loops

    def stride(loop: PackLoop) -> int:
        kind, at = loop
        if kind == "l":
            return src_strides[facts.inner_dims_pos[at]]
        tile = facts.tile_of(at)
        return src_strides[at] * (1 if tile is None else facts.tiles[tile])

    outer = sorted(loops[:-1], key=stride, reverse=True)
    return [*outer, loops[-1]]


def emit_pack_loops_in_order(
    b: Builder,
    c: IndexConstants,
    facts: Relayout,
    src: SSAValue,
    dest: SSAValue,
    order: Sequence[PackLoop],
) -> None:
    """Loops (in `order`) that pack `src` into `dest` when no tile is partial."""
    assert not facts.needs_padding
    ivs: dict[PackLoop, SSAValue] = {}

    def iv(loop: PackLoop) -> SSAValue:
        return ivs[loop] if loop in ivs else c(0)

    def store(bb: Builder) -> None:
        src_idx = []
        for dim in range(facts.rank):
            tile = facts.tile_of(dim)
            if tile is None:
                src_idx.append(iv(("q", dim)))
                continue
            start = mul_index(bb, c, iv(("q", dim)), facts.tiles[tile])
            src_idx.append(add_index(bb, c, start, iv(("l", tile))))
        dest_idx = [iv(("q", facts.perm[j])) for j in range(facts.rank)]
        dest_idx += [iv(("l", i)) for i in range(len(facts.tiles))]
        value = bb.insert(memref.LoadOp.get(src, src_idx)).res
        bb.insert(memref.StoreOp.get(value, dest, dest_idx))

    def level(bb: Builder, depth: int) -> None:
        if depth == len(order):
            store(bb)
            return
        loop = order[depth]
        kind, at = loop
        extent = facts.outer_extent(at) if kind == "q" else facts.tiles[at]

        def body(bl: Builder, value: SSAValue) -> None:
            ivs[loop] = value
            level(bl, depth + 1)

        _loop(bb, c, extent, body)

    level(b, 0)


def emit_pack_loops(
    b: Builder,
    c: IndexConstants,
    facts: Relayout,
    src: SSAValue,
    dest: SSAValue,
    pad: SSAValue | None,
) -> None:
    """Loops that pack buffer `src` into buffer `dest` (see module docstring)."""
    if facts.needs_padding and pad is None:
        raise PassFailedException(
            "lower-packs: linalg.pack needs a padding_value for partial tiles"
        )
    strides = memref_strides(src.type)
    if not facts.needs_padding and strides is not None:
        emit_pack_loops_in_order(b, c, facts, src, dest, source_order(facts, strides))
        return
    n = facts.rank
    q: dict[int, SSAValue] = {}
    start: dict[int, SSAValue] = {}
    extent: dict[int, int] = {}
    l_ivs: list[SSAValue] = []

    def dest_index() -> list[SSAValue]:
        return [q[facts.perm[j]] for j in range(n)] + list(l_ivs)

    def store(bb: Builder) -> None:
        src_idx = []
        for dim in range(n):
            i = facts.tile_of(dim)
            src_idx.append(
                q[dim] if i is None else add_index(bb, c, start[dim], l_ivs[i])
            )
        value = bb.insert(memref.LoadOp.get(src, src_idx)).res
        bb.insert(memref.StoreOp.get(value, dest, dest_index()))

    def padding(bb: Builder, i: int) -> None:
        """Pad the rest of the tile: inner loops i.. over whole tiles."""
        if i == len(facts.tiles):
            assert pad is not None
            bb.insert(memref.StoreOp.get(pad, dest, dest_index()))
            return

        def body(bl: Builder, iv: SSAValue) -> None:
            l_ivs.append(iv)
            padding(bl, i + 1)
            l_ivs.pop()

        _loop(bb, c, facts.tiles[i], body)

    def inner(bb: Builder, i: int) -> None:
        if i == len(facts.tiles):
            store(bb)
            return
        dim = facts.inner_dims_pos[i]
        start[dim] = mul_index(bb, c, q[dim], facts.tiles[i])

        def copy(bl: Builder, iv: SSAValue) -> None:
            l_ivs.append(iv)
            inner(bl, i + 1)
            l_ivs.pop()

        def fill(bl: Builder, iv: SSAValue) -> None:
            l_ivs.append(iv)
            padding(bl, i + 1)
            l_ivs.pop()

        _loop(bb, c, extent[dim], copy)
        _loop(bb, c, facts.tiles[i], fill, start=extent[dim])

    def outer(bb: Builder, j: int) -> None:
        if j == n:
            inner(bb, 0)
            return
        dim = facts.perm[j]

        def body(bl: Builder, iv: SSAValue) -> None:
            q[dim] = iv
            outer(bl, j + 1)

        if facts.tile_of(dim) is None:
            _loop(bb, c, facts.outer_extent(dim), body)
            return

        def piece(first: int, last: int, elements: int) -> None:
            extent[dim] = elements
            _loop(bb, c, last, body, start=first)

        _tiles(facts, dim, piece)

    outer(b, 0)


def emit_unpack_loops(
    b: Builder, c: IndexConstants, facts: Relayout, src: SSAValue, dest: SSAValue
) -> None:
    """Loops that unpack buffer `src` into buffer `dest` (see module docstring)."""
    n = facts.rank
    q: dict[int, SSAValue] = {}
    x: dict[int, SSAValue] = {}
    l_ivs: dict[int, SSAValue] = {}

    def store(bb: Builder) -> None:
        src_idx = [q[facts.perm[j]] for j in range(n)]
        src_idx += [l_ivs[i] for i in range(len(facts.tiles))]
        value = bb.insert(memref.LoadOp.get(src, src_idx)).res
        bb.insert(memref.StoreOp.get(value, dest, [x[d] for d in range(n)]))

    def level(bb: Builder, dim: int) -> None:
        if dim == n:
            store(bb)
            return
        i = facts.tile_of(dim)
        if i is None:

            def plain(bl: Builder, iv: SSAValue) -> None:
                q[dim] = x[dim] = iv
                level(bl, dim + 1)

            _loop(bb, c, facts.shape[dim], plain)
            return

        def piece(first: int, last: int, elements: int) -> None:
            def tile(bt: Builder, qv: SSAValue) -> None:
                q[dim] = qv
                begin = mul_index(bt, c, qv, facts.tiles[i])

                def element(bl: Builder, lv: SSAValue) -> None:
                    l_ivs[i] = lv
                    x[dim] = add_index(bl, c, begin, lv)
                    level(bl, dim + 1)

                _loop(bt, c, elements, element)

            _loop(bb, c, last, tile, start=first)

        _tiles(facts, dim, piece)

    level(b, 0)


def _buffer_of(value: SSAValue) -> SSAValue | None:
    """The memref behind a `bufferization.to_tensor`, else None."""
    owner = value.owner
    if isinstance(owner, bufferization.ToTensorOp):
        return owner.memref
    return None


def _materialized_destination(op: RelayoutOp) -> tuple[Operation, SSAValue] | None:
    """The `materialize_in_destination` of `op`'s result and its memref."""
    uses = list(op.results[0].uses)
    if len(uses) != 1:
        return None
    user = uses[0].operation
    if not isinstance(user, bufferization.MaterializeInDestinationOp):
        return None
    if not isinstance(user.dest.type, MemRefType):
        return None
    return user, user.dest


def _static_facts(op: RelayoutOp) -> Relayout:
    """The static facts of `op`; PassFailedException when it has none."""
    facts = relayout_facts(op)
    if isinstance(facts, Refused):
        raise OpError(op, f"lower-packs: {facts.reason}")
    return facts


def lower_relayout_to_loops(
    op: RelayoutOp, rewriter: PatternRewriter
) -> Refused | None:
    """Replace a bufferized pack/unpack group by loops (None), or say why not."""
    src = _buffer_of(op.source)
    found = _materialized_destination(op)
    if src is None or found is None:
        return Refused(f"'{op.name}' is not bufferized (run bufferize first)")
    materialize, dest = found
    facts = _static_facts(op)
    c = IndexConstants(InsertPoint.before(op))
    b = Builder(InsertPoint.before(op))
    if isinstance(op, PackOp):
        emit_pack_loops(b, c, facts, src, dest, op.padding_value)
    else:
        emit_unpack_loops(b, c, facts, src, dest)
    stand_ins = [v.owner for v in (op.source, op.dest)]
    rewriter.erase(materialize)
    rewriter.erase(op)
    for stand_in in stand_ins:
        if isinstance(stand_in, Operation) and not stand_in.results[0].uses:
            rewriter.erase(stand_in)
    return None


# ---------------------------------------------------------------------------
# Patterns and pass
# ---------------------------------------------------------------------------


class LowerRelayoutToLoops(RewritePattern):
    """Bufferized pack/unpack -> scf loops."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: RelayoutOp, rewriter: PatternRewriter) -> None:
        lower_relayout_to_loops(op, rewriter)


class LowerRelayoutToTensorOps(RewritePattern):
    """pack/unpack on tensors -> tensor ops (`lower_packs_tensor`)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: RelayoutOp, rewriter: PatternRewriter) -> None:
        if _buffer_of(op.source) is not None:
            return
        lower_to_tensor_ops_or_remark(op, rewriter)


def lower_packs_patterns(to_tensor_ops: bool = False) -> list[RewritePattern]:
    """The patterns of `lower-packs` for the chosen mode."""
    if to_tensor_ops:
        return [LowerRelayoutToTensorOps()]
    return [LowerRelayoutToLoops()]


@dataclass(frozen=True)
class LowerPacksPass(ModulePass):
    """pack/unpack to loops (after bufferize) or to tensor ops (`to-tensor-ops`)."""

    name = "lower-packs"

    to_tensor_ops: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for pattern in lower_packs_patterns(self.to_tensor_ops):
            PatternRewriteWalker(pattern, apply_recursively=False).rewrite_module(op)


__all__ = [
    "LowerPacksPass",
    "emit_pack_loops",
    "emit_unpack_loops",
    "lower_packs_patterns",
    "lower_relayout_to_loops",
]
