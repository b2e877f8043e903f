"""`lower-packs{to-tensor-ops=true}`: pack / unpack to ops on tensors.

Two forms, as upstream has them:

- a pack whose outer dims are all 1 (an unpack whose *tiled* outer dims are
  all 1) is decomposed like upstream's `decompose_pack_unpack`
  (`DecomposeOuterUnitDims{Pack,UnPack}OpPattern`); tiles may be SSA values:

      pack:   [tensor.pad (padding_value, high = tile - size)]
              [tensor.empty + linalg.transpose (tiled dims to the back, in
               inner_dims_pos order)]
              tensor.insert_slice into the dest (sizes [1, .., 1, tiles])
      unpack: tensor.extract_slice of the tile (unit outer dims dropped)
              [tensor.empty + linalg.transpose into the dest's dim order]
              [tensor.extract_slice dropping the padding]
              [tensor.insert_slice into the dest]

  Bracketed steps are left out when they would do nothing (identity
  permutation, no padding, a slice whose type is the dest's);

- any other static pack as upstream's `linalg::lowerPack`: `tensor.pad`
  (only when a tile does not divide its dim) + `tensor.expand_shape` +
  `linalg.transpose` into the dest; unpack as `lowerUnPack`: `tensor.empty` +
  `linalg.transpose` + `tensor.collapse_shape` + `tensor.extract_slice` (only
  when padded) + `linalg.copy` into the dest.

An op that fits neither (dynamic tiles or shapes with outer dims other than 1)
is kept, with a remark at it; the rest of the input is still lowered.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    DenseArrayBase,
    IntegerAttr,
    TensorType,
    i64,
)
from xdsl.dialects.linalg.ops import CopyOp, TransposeOp
from xdsl.dialects.utils.dynamic_index_list import split_dynamic_index_list
from xdsl.ir import Attribute, SSAValue
from xdsl.ir.affine import AffineExpr
from xdsl.pattern_rewriter import PatternRewriter

from packdialect.analysis.layout import Relayout, relayout_facts
from packdialect.diagnostics import Refused, remark
from packdialect.ir.ops import PackOp, RelayoutOp, UnpackOp
from packdialect.ir.relayout_utils import (
    Inserter,
    build_pad,
    static_tile,
    tensor_type,
)

Size = int | SSAValue
"""A size known statically (int) or at run time (an index value)."""


def _static(size: Size) -> int:
    return size if isinstance(size, int) else DYNAMIC_INDEX


def _same(a: Size, b: Size) -> bool:
    return a is b or (isinstance(a, int) and a == b)


def _mixed_tiles(op: RelayoutOp) -> list[Size]:
    """The tiles, constant index values folded to ints."""
    tiles: list[Size] = []
    for tile in op.get_mixed_tiles():
        folded = static_tile(tile)
        tiles.append(tile if folded is None else folded)
    return tiles


def _outer_perm(op: RelayoutOp) -> tuple[int, ...]:
    rank = op.unpacked_type().get_num_dims()
    return op.get_outer_dims_perm() or tuple(range(rank))


def _extract_slice(
    insert: Inserter, source: SSAValue, sizes: Sequence[Size], shape: Sequence[int]
) -> SSAValue:
    """`tensor.extract_slice` at offset 0, unit strides; `shape` may drop units."""
    rank = len(sizes)
    elt = tensor_type(source).get_element_type()
    op = tensor.ExtractSliceOp(
        source, [0] * rank, list(sizes), [1] * rank, TensorType(elt, shape)
    )
    return insert(op).results[0]


def _insert_slice(
    insert: Inserter, source: SSAValue, dest: SSAValue, sizes: Sequence[Size]
) -> SSAValue:
    """`tensor.insert_slice` at offset 0, unit strides (maybe rank-reducing)."""
    rank = len(sizes)
    static_sizes, dynamic_sizes = split_dynamic_index_list(list(sizes), DYNAMIC_INDEX)
    op = tensor.InsertSliceOp.build(
        operands=[source, dest, [], dynamic_sizes, []],
        properties={
            "static_offsets": DenseArrayBase.from_list(i64, [0] * rank),
            "static_sizes": DenseArrayBase.from_list(i64, static_sizes),
            "static_strides": DenseArrayBase.from_list(i64, [1] * rank),
        },
        result_types=[dest.type],
    )
    return insert(op).results[0]


def _transpose(
    insert: Inserter, value: SSAValue, sizes: Sequence[Size], perm: Sequence[int]
) -> tuple[SSAValue, list[Size]]:
    """`linalg.transpose` of `value` (mixed `sizes`) by `perm` into a new
    `tensor.empty`; nothing for the identity. Returns the value and its sizes."""
    if list(perm) == list(range(len(perm))):
        return value, list(sizes)
    permuted = [sizes[p] for p in perm]
    empty = insert.empty(permuted, tensor_type(value).get_element_type())
    transpose = insert(
        TransposeOp(value, empty, DenseArrayBase.from_list(i64, list(perm)))
    )
    return transpose.results[0], permuted


def _size(insert: Inserter, value: SSAValue, dim: int) -> Size:
    size = tensor_type(value).get_shape()[dim]
    return size if size != DYNAMIC_INDEX else insert.dim(value, dim)


def _pad_high(insert: Inserter, tile: Size, size: Size) -> Size:
    """`tile - size`, an `affine.apply` when either is dynamic (upstream's form)."""
    if isinstance(tile, int) and isinstance(size, int):
        return tile - size
    if isinstance(tile, int):
        assert isinstance(size, SSAValue)
        return insert.apply(AffineExpr.constant(tile) - AffineExpr.symbol(0), [size])
    if isinstance(size, int):
        return insert.apply(AffineExpr.symbol(0) - AffineExpr.constant(size), [tile])
    return insert.apply(AffineExpr.symbol(0) - AffineExpr.symbol(1), [tile, size])


# ---------------------------------------------------------------------------
# Outer dims of 1: upstream's decompose_pack_unpack
# ---------------------------------------------------------------------------


def has_unit_outer_dims(op: RelayoutOp) -> bool:
    """Whether upstream's decomposition applies: every outer dim of a pack's
    dest is 1; every tiled outer dim of an unpack's source is 1."""
    rank = op.unpacked_type().get_num_dims()
    outer = op.packed_type().get_shape()[:rank]
    if isinstance(op, PackOp):
        return all(d == 1 for d in outer)
    tiled = set(op.get_inner_dims_pos())
    perm = _outer_perm(op)
    return all(outer[j] == 1 for j in range(rank) if perm[j] in tiled)


def decompose_pack(op: PackOp, rewriter: PatternRewriter) -> None:
    """A pack into a single tile: pad, move the tiled dims back, insert."""
    insert = Inserter(rewriter, op)
    source_type = op.unpacked_type()
    rank = source_type.get_num_dims()
    inner = op.get_inner_dims_pos()
    tiles = _mixed_tiles(op)
    tile_of = dict(zip(inner, tiles, strict=True))
    # The tile the source fills: its tile size along a tiled dim, else 1 (the
    # dest's outer dims are all 1, so an untiled dim is 1 too).
    whole: list[Size] = [tile_of.get(d, 1) for d in range(rank)]
    whole_shape = [_static(s) for s in whole]
    value = op.source
    if op.padding_value is not None:
        high = [
            _pad_high(insert, whole[d], _size(insert, value, d)) for d in range(rank)
        ]
        if any(not _same(h, 0) for h in high):
            pad = build_pad(
                insert, value, [0] * rank, high, op.padding_value, None, whole_shape
            )
            value = pad.result
    if tensor_type(value).get_shape() != tuple(whole_shape):
        # Without padding the source is one whole tile: say so in its type.
        cast = tensor.CastOp(
            value, TensorType(source_type.get_element_type(), whole_shape)
        )
        value = insert(cast).results[0]
    untiled = [d for d in range(rank) if d not in tile_of]
    value, _ = _transpose(insert, value, whole, [*untiled, *inner])
    result = _insert_slice(insert, value, op.dest, [1] * rank + tiles)
    insert.name_after(op)
    rewriter.replace(op, [], [result])


def decompose_unpack(op: UnpackOp, rewriter: PatternRewriter) -> None:
    """An unpack of single tiles: extract, move dims in place, drop padding,
    insert into the dest."""
    insert = Inserter(rewriter, op)
    source = op.source
    packed = op.packed_type().get_shape()
    dest_shape = op.unpacked_type().get_shape()
    rank = len(dest_shape)
    inner = op.get_inner_dims_pos()
    perm = _outer_perm(op)
    # 1. The tile, without the outer dims of 1 (which include the tiled ones).
    read_sizes: list[Size] = []
    kept_sizes: list[Size] = []
    kept_shape: list[int] = []
    kept_dims: list[int] = []  # the dest dim of each kept dim
    for j in range(rank):
        if packed[j] == 1:
            read_sizes.append(1)
            continue
        size = _size(insert, source, j)
        read_sizes.append(size)
        kept_sizes.append(size)
        kept_shape.append(packed[j])
        kept_dims.append(perm[j])
    tiles = _mixed_tiles(op)
    read_sizes += tiles
    kept_sizes += tiles
    kept_shape += list(packed[rank:])
    kept_dims += list(inner)
    value = _extract_slice(insert, source, read_sizes, kept_shape)
    # 2. Into the dest's dim order.
    order = sorted(range(len(kept_dims)), key=kept_dims.__getitem__)
    value, sizes = _transpose(insert, value, kept_sizes, order)
    dims = sorted(kept_dims)
    # 3. Drop the padding of partial tiles.
    wanted = [_size(insert, op.dest, d) for d in dims]
    if not all(_same(a, b) for a, b in zip(sizes, wanted, strict=True)):
        value = _extract_slice(insert, value, wanted, [_static(w) for w in wanted])
    # 4. Into the dest, unless the slice already is the whole dest.
    if dims == list(range(rank)) and all(isinstance(w, int) for w in wanted):
        result = value
    else:
        at = dict(zip(dims, wanted, strict=True))
        result = _insert_slice(
            insert, value, op.dest, [at.get(d, 1) for d in range(rank)]
        )
    insert.name_after(op)
    rewriter.replace(op, [], [result])


# ---------------------------------------------------------------------------
# Any static pack: upstream's lowerPack / lowerUnPack
# ---------------------------------------------------------------------------


def _expanded_layout(facts: Relayout) -> tuple[list[int], list[list[int]], dict]:
    """Shape, reassociation and positions of the strip-mined (expanded) tensor.

    Each unpacked dim d becomes (outer, tile) when tiled, else (d). Returns the
    expanded shape, the reassociation groups, and {("o"|"t", d): position}.
    """
    shape: list[int] = []
    groups: list[list[int]] = []
    where: dict[tuple[str, int], int] = {}
    for dim in range(facts.rank):
        group = [len(shape)]
        where[("o", dim)] = len(shape)
        shape.append(facts.outer_extent(dim))
        i = facts.tile_of(dim)
        if i is not None:
            where[("t", dim)] = len(shape)
            group.append(len(shape))
            shape.append(facts.tiles[i])
        groups.append(group)
    return shape, groups, where


def _packed_order(facts: Relayout, where: dict) -> list[int]:
    """Expanded positions in packed order: outer dims (permuted), then tiles."""
    order = [where[("o", facts.perm[j])] for j in range(facts.rank)]
    order += [where[("t", d)] for d in facts.inner_dims_pos]
    return order


def _reassociation(groups: Sequence[Sequence[int]]) -> ArrayAttr:
    return ArrayAttr(ArrayAttr(IntegerAttr(i, i64) for i in g) for g in groups)


def lower_pack(op: PackOp, facts: Relayout, rewriter: PatternRewriter) -> None:
    """pack -> pad + expand_shape + transpose (upstream `linalg::lowerPack`)."""
    insert = Inserter(rewriter, op)
    source = op.source
    elt: Attribute = op.unpacked_type().get_element_type()
    shape, groups, where = _expanded_layout(facts)
    padded_shape = [
        facts.outer_extent(d)
        * (facts.tiles[facts.tile_of(d)] if facts.tile_of(d) is not None else 1)  # type: ignore[index]
        for d in range(facts.rank)
    ]
    if facts.needs_padding:
        assert op.padding_value is not None  # the verifier requires it
        high = [p - s for p, s in zip(padded_shape, facts.shape, strict=True)]
        pad = build_pad(insert, source, [0] * facts.rank, high, op.padding_value, None)
        source = pad.result
    expand = insert(
        tensor.ExpandShapeOp(
            source, [], _reassociation(groups), shape, TensorType(elt, shape)
        )
    )
    perm = DenseArrayBase.from_list(i64, _packed_order(facts, where))
    transpose = insert(TransposeOp(expand.results[0], op.dest, perm))
    insert.name_after(op)
    rewriter.replace(op, [], [transpose.results[0]])


def lower_unpack(op: UnpackOp, facts: Relayout, rewriter: PatternRewriter) -> None:
    """unpack -> transpose + collapse_shape + extract_slice + copy (upstream)."""
    insert = Inserter(rewriter, op)
    elt = op.unpacked_type().get_element_type()
    shape, groups, where = _expanded_layout(facts)
    order = _packed_order(facts, where)
    inverse = [order.index(p) for p in range(len(order))]
    empty = insert(tensor.EmptyOp([], TensorType(elt, shape)))
    transpose = insert(
        TransposeOp(op.source, empty.results[0], DenseArrayBase.from_list(i64, inverse))
    )
    padded_shape = [shape[g[0]] * (shape[g[1]] if len(g) > 1 else 1) for g in groups]
    collapse = insert(
        tensor.CollapseShapeOp.create(
            operands=[transpose.results[0]],
            result_types=[TensorType(elt, padded_shape)],
            properties={"reassociation": _reassociation(groups)},
        )
    )
    value = collapse.results[0]
    if facts.needs_padding:
        value = _extract_slice(insert, value, list(facts.shape), list(facts.shape))
    copy = insert(CopyOp([value], [op.dest], [op.dest.type]))
    insert.name_after(op)
    rewriter.replace(op, [], [copy.results[0]])


def lower_to_tensor_ops(op: RelayoutOp, rewriter: PatternRewriter) -> Refused | None:
    """Lower `op` on tensors (None), or say why it is kept."""
    if has_unit_outer_dims(op):
        if isinstance(op, PackOp):
            decompose_pack(op, rewriter)
        elif isinstance(op, UnpackOp):
            decompose_unpack(op, rewriter)
        return None
    facts = relayout_facts(op)
    if isinstance(facts, Refused):
        what = "dynamic inner tiles" if op.inner_tiles else "dynamic shapes"
        unit = "outer dims" if isinstance(op, PackOp) else "tiled outer dims"
        return Refused(
            f"lower-packs: kept '{op.name}': with {what} it lowers to tensor "
            f"ops only when its {unit} are all 1"
        )
    if isinstance(op, PackOp):
        lower_pack(op, facts, rewriter)
    elif isinstance(op, UnpackOp):
        lower_unpack(op, facts, rewriter)
    return None


def lower_to_tensor_ops_or_remark(op: RelayoutOp, rewriter: PatternRewriter) -> None:
    """`lower_to_tensor_ops`, with a remark at an op that is kept."""
    refused = lower_to_tensor_ops(op, rewriter)
    if refused is not None:
        remark(op, refused.reason)


__all__ = [
    "decompose_pack",
    "decompose_unpack",
    "has_unit_outer_dims",
    "lower_pack",
    "lower_to_tensor_ops",
    "lower_to_tensor_ops_or_remark",
    "lower_unpack",
]
