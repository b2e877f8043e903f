"""Propagating packs and unpacks through `linalg.generic` (upstream's
`BubbleUpPackOpThroughGenericOp`, `PushDownUnPackOpThroughGenericOp`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects import tensor
from xdsl.dialects.builtin import (
    AffineMapAttr,
    TensorType,
)
from xdsl.dialects.linalg.attrs import IteratorType, IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp, IndexOp
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap, AffineSymExpr
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
)

from packdialect.diagnostics import Refused
from packdialect.ir.ops import PackOp, RelayoutOp, UnpackOp
from packdialect.ir.relayout_utils import (
    ControlFn,
    Inserter,
    Layout,
    Tile,
    always,
    invert,
    normalized_perm,
    operand_use,
    requires_padding,
    tensor_type,
)

# ---------------------------------------------------------------------------
# Packing information on the iteration domain of a generic
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PackInfo:
    """How a pack / unpack on one operand tiles the loops of a generic.

    `tiled_loops` are the loops tiled, in the pack's inner-tile order;
    `outer_perm` permutes the loops (new loop j iterates old loop
    outer_perm[j]); () is the identity. `spelled_perm`: the pack spelled an
    `outer_dims_perm` (maybe the identity), so the packs and unpacks built for
    the other operands spell theirs, as upstream's do.
    """

    num_loops: int
    tiled_loops: tuple[int, ...]
    tiles: tuple[Tile, ...]
    outer_perm: tuple[int, ...]
    spelled_perm: bool = False

    def tile_of(self, loop: int) -> Tile:
        """The tile size of a tiled loop."""
        return self.tiles[self.tiled_loops.index(loop)]

    def point_loop(self, loop: int) -> int:
        """The new loop iterating inside a tile of `loop`."""
        return self.num_loops + self.tiled_loops.index(loop)

    def new_loop(self, loop: int) -> int:
        """The new loop iterating the (outer part of the) old `loop`."""
        if not self.outer_perm:
            return loop
        return invert(self.outer_perm)[loop]


def _maps(generic: GenericOp) -> list[AffineMap]:
    return [m.data for m in generic.indexing_maps]


def _is_parallel(it: Attribute) -> bool:
    return isinstance(it, IteratorTypeAttr) and it.data == IteratorType.PARALLEL


def has_gather_semantics(generic: GenericOp) -> bool:
    """The body reads by index (`linalg.index` or `tensor.extract`)."""
    return any(isinstance(op, IndexOp | tensor.ExtractOp) for op in generic.body.walk())


def _tiled_loop_is_bare(maps: Sequence[AffineMap], loop: int) -> bool:
    """`loop` only appears as a bare dim, at most once per map."""
    for amap in maps:
        bare = 0
        for expr in amap.results:
            if isinstance(expr, AffineDimExpr):
                bare += expr.position == loop
            elif loop in expr.used_dims():
                return False
        if bare > 1:
            return False
    return True


def _reduction_tile_reason(
    generic: GenericOp, operand_index: int, pos: int, tile: Tile
) -> Refused | None:
    """Why a reduction loop cannot be tiled by `tile` (a padded reduction
    would fold zeros into max / min / product reductions), or None."""
    if len(generic.res) != 1:
        return Refused("a tiled reduction loop in a generic with several results")
    shape = tensor_type(generic.operands[operand_index]).get_shape()
    if requires_padding(shape, Layout((pos,), (tile,), ())):
        return Refused(
            f"tiling the reduction dim {pos} of size {shape[pos]} by {tile} "
            "would pad it"
        )
    return None


def packing_info(
    generic: GenericOp,
    operand_index: int,
    layout: Layout,
    tile_reductions: bool = False,
) -> PackInfo | Refused:
    """Upstream's getPackingInfoFromOperand: map a relayout onto the loops.

    With `tile_reductions` (pushing an unpack down), a reduction loop may be
    tiled too when no padding is needed: the generic then reduces over the
    outer and the point loop, a reordering of the reduction (beyond
    upstream, which refuses; softmax and LayerNorm reduce a packed dim)."""
    maps = _maps(generic)
    amap = maps[operand_index]
    iterators = list(generic.iterator_types)
    tiled: list[int] = []
    for pos, tile in zip(layout.inner_dims_pos, layout.tiles, strict=True):
        expr = amap.results[pos]
        if not isinstance(expr, AffineDimExpr):
            return Refused(f"tiled dim {pos} is not a bare loop dim ({expr})")
        if not _is_parallel(iterators[expr.position]):
            if not tile_reductions:
                return Refused(f"tiled loop d{expr.position} is not parallel")
            reason = _reduction_tile_reason(generic, operand_index, pos, tile)
            if reason is not None:
                return reason
        tiled.append(expr.position)
    for loop in tiled:
        if not _tiled_loop_is_bare(maps, loop):
            return Refused(f"tiled loop d{loop} appears in a compound map result")
    permuted: list[int] = []
    for index, dim in enumerate(layout.outer_dims_perm):
        expr = amap.results[dim]
        if isinstance(expr, AffineDimExpr):
            permuted.append(expr.position)
        elif index != dim:
            return Refused(f"outer_dims_perm moves the compound map result {expr}")
    outer_perm: list[int] = []
    if permuted:
        chosen = set(permuted)
        rest = iter(permuted)
        outer_perm = [next(rest) if i in chosen else i for i in range(amap.num_dims)]
    return PackInfo(
        amap.num_dims,
        tuple(tiled),
        layout.tiles,
        normalized_perm(outer_perm),
        layout.spelled_perm or bool(layout.outer_dims_perm),
    )


def _rename(expr: AffineExpr, info: PackInfo, num_symbols: int) -> AffineExpr:
    dims = [AffineDimExpr(info.new_loop(i)) for i in range(info.num_loops)]
    symbols = [AffineSymExpr(i) for i in range(num_symbols)]
    return expr.replace_dims_and_symbols(dims, symbols)


def _operand_perm(results: Sequence[AffineExpr], info: PackInfo) -> list[int]:
    """Order an operand's bare-dim results by their new loop; others stay put."""
    slots = [p for p, e in enumerate(results) if isinstance(e, AffineDimExpr)]
    ordered = sorted(slots, key=lambda p: info.new_loop(results[p].position))  # pyright: ignore[reportAttributeAccessIssue]
    perm = list(range(len(results)))
    for slot, p in zip(slots, ordered, strict=True):
        perm[slot] = p
    return perm


def packed_view(info: PackInfo, amap: AffineMap) -> tuple[Layout | None, AffineMap]:
    """Upstream's getPackedOperandDetails: the operand's layout and new map.

    The layout is None when the operand needs no pack (scalar, 0-d, or no
    tiled loop and no moved loop).
    """
    num_new = info.num_loops + len(info.tiled_loops)
    results = list(amap.results)
    if not results:
        return None, AffineMap(num_new, amap.num_symbols, ())
    position = {
        e.position: p for p, e in enumerate(results) if isinstance(e, AffineDimExpr)
    }
    inner: list[int] = []
    tiles: list[Tile] = []
    points: list[AffineExpr] = []
    for loop in info.tiled_loops:
        if loop in position:
            inner.append(position[loop])
            tiles.append(info.tile_of(loop))
            points.append(AffineDimExpr(info.point_loop(loop)))
    renamed = [_rename(e, info, amap.num_symbols) for e in results]
    perm: tuple[int, ...] = ()
    if info.outer_perm:
        order = _operand_perm(results, info)
        renamed = [renamed[p] for p in order]
        perm = normalized_perm(order)
    new_map = AffineMap(num_new, amap.num_symbols, tuple(renamed + points))
    if not inner and not perm:
        return None, new_map
    return Layout(tuple(inner), tuple(tiles), perm, info.spelled_perm), new_map


def _new_iterators(generic: GenericOp, info: PackInfo) -> list[IteratorTypeAttr]:
    """The outer loops' iterators, then each point loop's: its loop's."""
    old = list(generic.iterator_types)
    order = info.outer_perm or tuple(range(info.num_loops))
    moved = [old[i] for i in order]
    return [*moved, *[old[loop] for loop in info.tiled_loops]]  # pyright: ignore[reportReturnType]


def _outs_not_used(generic: GenericOp) -> bool:
    args = generic.body.block.args[len(generic.inputs) :]
    return all(not arg.uses for arg in args)


def properly_dominates(value: SSAValue, op: Operation) -> bool:
    """`value` is available before `op` (structured code: same block chain)."""
    owner = value.owner
    block = owner if isinstance(owner, Block) else owner.parent_block()
    anchor: Operation | None = op
    while anchor is not None and anchor.parent_block() is not block:
        anchor = anchor.parent_op()
    if anchor is None or block is None:
        return False
    if isinstance(owner, Block):
        return True
    return owner is not anchor and owner.is_before_in_block(anchor)


def tiles_dominate(tiles: Sequence[Tile], op: Operation) -> bool:
    return all(isinstance(t, int) or properly_dominates(t, op) for t in tiles)


@dataclass
class _PackedGeneric:
    """What a rewrite needs to build the packed generic."""

    info: PackInfo
    views: list[tuple[Layout | None, AffineMap]]


def _plan(
    generic: GenericOp, info: PackInfo, poison_padding: bool
) -> _PackedGeneric | Refused:
    """The packed view of every operand; refuse packs that would need padding."""
    views = [packed_view(info, amap) for amap in _maps(generic)]
    for value, (layout, _) in zip(generic.operands, views, strict=True):
        if layout is None or not isinstance(value.type, TensorType):
            continue
        if not poison_padding and requires_padding(value.type.get_shape(), layout):
            return Refused(
                f"packing a {value.type} operand would need padding "
                "(poison-padding=false)"
            )
    if not tiles_dominate(info.tiles, generic):
        return Refused("a dynamic tile size does not dominate the generic")
    return _PackedGeneric(info, views)


def _existing_pack(value: SSAValue, layout: Layout, before: Operation) -> PackOp | None:
    """A pack of `value` with `layout` and no padding value already built
    before `before` (the same operand twice, or packed by an earlier
    rewrite): reused, so a value is packed once per layout."""
    for use in value.uses:
        pack = use.operation
        if not isinstance(pack, PackOp) or pack.source is not value:
            continue
        if pack.padding_value is not None or not Layout.of(pack).matches(layout):
            continue
        if properly_dominates(pack.result, before):
            return pack
    return None


def _pack_operand(insert: Inserter, value: SSAValue, layout: Layout) -> SSAValue:
    """A pack of a generic operand (zero padding where it is needed; an
    identical earlier pack is reused)."""
    if not requires_padding(tensor_type(value).get_shape(), layout):
        existing = _existing_pack(value, layout, insert.anchor)
        if existing is not None:
            return existing.result
    padding = None
    if requires_padding(tensor_type(value).get_shape(), layout):
        padding = insert.zero(tensor_type(value).get_element_type())
    return insert.pack(value, layout, padding).result


def _build_generic(
    insert: Inserter,
    generic: GenericOp,
    plan: _PackedGeneric,
    inputs: Sequence[SSAValue],
    out: SSAValue,
) -> GenericOp:
    maps = [AffineMapAttr(m) for _, m in plan.views]
    new = GenericOp(
        inputs,
        [out],
        generic.body.clone(),
        maps,
        _new_iterators(generic, plan.info),
        [out.type],
        generic.doc,
        generic.library_call,
    )
    new.attributes |= generic.attributes
    insert(new)
    return new


# ---------------------------------------------------------------------------
# Bubble a pack up through a generic
# ---------------------------------------------------------------------------


def _packed_type(value: SSAValue, layout: Layout) -> Attribute:
    """The type a pack of `value` with `layout` has (upstream's inferPackedType)."""
    return RelayoutOp.infer_packed_type(
        tensor_type(value), layout.inner_dims_pos, layout.tiles, layout.outer_dims_perm
    )


def _check_pack_dest(pack: PackOp, generic: GenericOp) -> Refused | None:
    """Refuse a pack dest the bubbled pack could not write (before any rewrite)."""
    dest = pack.dest
    if not dest.has_one_use():
        return Refused("the pack dest has other uses")
    empty = dest.owner
    if not isinstance(empty, tensor.EmptyOp):
        if properly_dominates(dest, generic):
            return None
        return Refused("the pack dest does not dominate the generic")
    if all(properly_dominates(d, generic) for d in empty.dynamic_sizes):
        return None
    if _packed_type(generic.outputs[0], Layout.of(pack)) != dest.type:
        return Refused("the pack dest sizes do not dominate the generic")
    return None


def _fresh_pack_dest(insert: Inserter, pack: PackOp, generic: GenericOp) -> SSAValue:
    """The dest the bubbled pack writes: a new empty, or the dest if it dominates.

    A `tensor.empty` dest is recreated before the generic, from its own sizes
    when they dominate the generic, else from the sizes of the generic's init.
    """
    dest = pack.dest
    empty = dest.owner
    if not isinstance(empty, tensor.EmptyOp):
        return dest
    if all(properly_dominates(d, generic) for d in empty.dynamic_sizes):
        return insert(tensor.EmptyOp(list(empty.dynamic_sizes), dest.type)).results[0]
    return insert.pack_dest(generic.outputs[0], Layout.of(pack))


def bubble_up_pack_through_generic(
    rewriter: PatternRewriter,
    pack: PackOp,
    control: ControlFn = always,
    poison_padding: bool = False,
) -> GenericOp | Refused:
    """pack(generic(x...)) -> generic'(pack(x)...) working on the packed domain.

    Every refusal is decided before the IR is touched.
    """
    generic = pack.source.owner
    if not isinstance(generic, GenericOp):
        return Refused("the pack source is not a linalg.generic")
    if not control(operand_use(pack, 0)):
        return Refused("the control function refused")
    if has_gather_semantics(generic):
        return Refused("the body uses linalg.index or tensor.extract")
    if len(generic.res) != 1:
        return Refused("the generic has several results")
    if not generic.res[0].has_one_use():
        return Refused("the generic result has several uses")
    if pack.padding_value is not None and not poison_padding:
        return Refused("the pack has a padding value (poison-padding=false)")
    init_index = len(generic.inputs)
    info = packing_info(generic, init_index, Layout.of(pack))
    if isinstance(info, Refused):
        return info
    plan = _plan(generic, info, poison_padding)
    if isinstance(plan, Refused):
        return plan
    init = generic.outputs[0]
    init_layout = plan.views[init_index][0]
    assert init_layout is not None
    pack_init = not isinstance(init.owner, tensor.EmptyOp) and not _outs_not_used(
        generic
    )
    if pack_init and _packed_type(init, init_layout) != pack.result.type:
        return Refused(f"the packed init would not have type {pack.result.type}")
    if (refused := _check_pack_dest(pack, generic)) is not None:
        return refused
    insert = Inserter(rewriter, generic)
    if pack_init:
        out = _pack_operand(insert, init, init_layout)
    else:
        out = _fresh_pack_dest(insert, pack, generic)
    inputs = [
        value if layout is None else _pack_operand(insert, value, layout)
        for value, (layout, _) in zip(generic.inputs, plan.views, strict=False)
    ]
    return _build_generic(insert, generic, plan, inputs, out)


@dataclass
class BubbleUpPackThroughGeneric(RewritePattern):
    """Pattern around `bubble_up_pack_through_generic`."""

    control: ControlFn = always
    poison_padding: bool = False

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        generic = op.source.owner
        new = bubble_up_pack_through_generic(
            rewriter, op, self.control, self.poison_padding
        )
        if isinstance(new, Refused):
            return
        rewriter.replace(op, [], [new.res[0]])
        assert isinstance(generic, GenericOp)
        rewriter.erase(generic)


# ---------------------------------------------------------------------------
# Push an unpack down through a generic
# ---------------------------------------------------------------------------


def _unpacked_operands(generic: GenericOp) -> list[int] | Refused:
    """The indices of the operands produced by a linalg.unpack.

    Upstream takes a generic with exactly one; several are taken here too
    (the residual adds and the normalizations of attention and LayerNorm
    read two unpacked values): the one with the most inner tiles whose
    layout maps onto the loops drives the rewrite (the others' layouts are
    then usually the views it gives them), and the others are packed with
    the layout the loops give them, a pack of an unpack that cancels when
    the layouts agree."""
    found = [i for i, v in enumerate(generic.operands) if isinstance(v.owner, UnpackOp)]
    if not found:
        return Refused("no operand comes from linalg.unpack")
    return sorted(found, key=lambda i: -len(Layout.of(generic.operands[i].owner).tiles))  # pyright: ignore[reportArgumentType]


def _plan_push_down(
    generic: GenericOp, index: int, control: ControlFn, poison_padding: bool
) -> tuple[_PackedGeneric, UnpackOp] | Refused:
    """The packed generic when the unpack of operand `index` drives it."""
    unpack = generic.operands[index].owner
    assert isinstance(unpack, UnpackOp)
    if not control(operand_use(generic, index)):
        return Refused("the control function refused")
    layout = Layout.of(unpack)
    info = packing_info(generic, index, layout, tile_reductions=True)
    if isinstance(info, Refused):
        return info
    plan = _plan(generic, info, poison_padding)
    if isinstance(plan, Refused):
        return plan
    view = plan.views[index][0]
    if view is None or not view.matches(layout):
        return Refused("the unpacked operand does not map back onto the unpack")
    return plan, unpack


def push_down_unpack_through_generic(
    rewriter: PatternRewriter,
    generic: GenericOp,
    control: ControlFn = always,
    poison_padding: bool = False,
) -> SSAValue | Refused:
    """generic(unpack(x), y...) -> unpack(generic'(x, pack(y)...))."""
    if len(generic.res) != 1:
        return Refused("the generic has several results")
    if has_gather_semantics(generic):
        return Refused("the body uses linalg.index or tensor.extract")
    candidates = _unpacked_operands(generic)
    if isinstance(candidates, Refused):
        return candidates
    planned = Refused("no unpacked operand")
    for index in candidates:
        planned = _plan_push_down(generic, index, control, poison_padding)
        if not isinstance(planned, Refused):
            break
    if isinstance(planned, Refused):
        return planned
    plan, unpack = planned
    insert = Inserter(rewriter, generic)
    init_index = len(generic.inputs)
    init = generic.outputs[0]
    init_layout = plan.views[init_index][0]
    out = _packed_init(insert, generic, init, init_layout, index == init_index)
    inputs = [
        unpack.source if i == index else _packed_input(insert, value, view)
        for i, (value, (view, _)) in enumerate(
            zip(generic.inputs, plan.views, strict=False)
        )
    ]
    new = _build_generic(insert, generic, plan, inputs, out)
    if init_layout is None:
        return new.res[0]
    return insert.unpack(new.res[0], init_layout, init).result


def _packed_input(insert: Inserter, value: SSAValue, view: Layout | None) -> SSAValue:
    """An input of the packed generic: another unpack's source when its
    layout is the view (no padding: the plan checked), else a pack."""
    if view is None:
        return value
    owner = value.owner
    if isinstance(owner, UnpackOp) and Layout.of(owner).matches(view):
        return owner.source
    return _pack_operand(insert, value, view)


def _packed_init(
    insert: Inserter,
    generic: GenericOp,
    init: SSAValue,
    layout: Layout | None,
    init_is_unpacked: bool,
) -> SSAValue:
    """The init of the packed generic (the unpack source when the init is it)."""
    if layout is None:
        return init
    if init_is_unpacked:
        unpack = init.owner
        assert isinstance(unpack, UnpackOp)
        return unpack.source
    if isinstance(init.owner, tensor.EmptyOp) or _outs_not_used(generic):
        return insert.pack_dest(init, layout)
    return _pack_operand(insert, init, layout)


@dataclass
class PushDownUnpackThroughGeneric(RewritePattern):
    """Pattern around `push_down_unpack_through_generic`."""

    control: ControlFn = always
    poison_padding: bool = False

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, GenericOp):
            return
        new = push_down_unpack_through_generic(
            rewriter, op, self.control, self.poison_padding
        )
        if isinstance(new, Refused):
            return
        rewriter.replace(op, [], [new])
