"""Pattern sets that fold neighbouring ops into packs / unpacks.

- `fold_into_pack_unpack_patterns` (upstream's
  populateFoldIntoPackAndUnpackPatterns): pad -> pack, transpose <-> pack /
  unpack, unpack -> extract_slice.
- `simplify_pack_unpack_patterns` (populateSimplifyPackAndUnpackPatterns): a
  pack that only splits the innermost dim -> `tensor.expand_shape`, the
  mirror unpack -> `tensor.collapse_shape`.
- `fold_pack_unpack_into_empty_patterns`
  (populateFoldPackUnpackIntoTensorEmptyPatterns): pack / unpack of
  `tensor.empty` -> the dest.

The passes that apply them are in `passes/pack_folds.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects import tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.attrs import IteratorType
from xdsl.ir import Block, Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from packdialect.ir.relayout import PackOp, RelayoutOp, UnpackOp, infer_packed_shape
from packdialect.ir.relayout_utils import (
    ControlFn,
    Inserter,
    Layout,
    collapse_shape,
    erase_if_dead,
    expand_shape,
    invert,
    normalized_perm,
    operand_use,
    pad_constant_value,
    reassociation,
    same_scalar,
    tensor_type,
)

# ---------------------------------------------------------------------------
# fold-into-pack-unpack: pad, transposes and extract_slice folded into relayouts
# ---------------------------------------------------------------------------


def _controlled(control: ControlFn | None, op: Operation, index: int) -> bool:
    return control is None or control(operand_use(op, index))


def transpose_permutation(op: Operation) -> list[int] | None:
    """The permutation of a `linalg.transpose` or of a transposing generic.

    Result dim i reads input dim perm[i] (the `permutation` semantics).
    """
    if isinstance(op, linalg.TransposeOp):
        return list(op.permutation.get_values())
    if not isinstance(op, linalg.GenericOp):
        return None
    if len(op.inputs) != 1 or len(op.outputs) != 1:
        return None
    if any(it.data != IteratorType.PARALLEL for it in op.iterator_types):
        return None
    in_map, out_map = (m.data for m in op.indexing_maps)
    if in_map == out_map or not _is_permutation(in_map) or not _is_permutation(out_map):
        return None
    block = op.body.block
    yield_op = block.last_op
    if block.first_op is not yield_op or yield_op is None:
        return None
    if list(yield_op.operands) != [block.args[0]]:
        return None
    positions = {e.position: i for i, e in enumerate(in_map.results)}  # pyright: ignore
    return [positions[e.position] for e in out_map.results]  # pyright: ignore


def _is_permutation(amap: AffineMap) -> bool:
    dims = [e.position for e in amap.results if isinstance(e, AffineDimExpr)]
    return len(dims) == len(amap.results) == amap.num_dims and sorted(dims) == list(
        range(amap.num_dims)
    )


@dataclass
class FoldPadIntoPack(RewritePattern):
    """pack(pad(x)) -> pack(x) with the pad's value as padding.

    Only when every padded dim is tiled, the pad is high-side only, and the pad
    adds less than a whole tile (so the pack needs no artificial padding).
    """

    control: ControlFn | None = None

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        pad = op.source.owner
        if not isinstance(pad, tensor.PadOp) or pad.nofold is not None:
            return
        if not _controlled(self.control, op, 0):
            return
        value = pad_constant_value(pad)
        if value is None:
            return
        if op.padding_value is not None and not same_scalar(op.padding_value, value):
            return
        if not self._fits(op, pad):
            return
        if _defined_in(value, pad):
            value = Inserter(rewriter, op)(value.owner.clone()).results[0]  # pyright: ignore
        new = PackOp(
            pad.source,
            op.dest,
            op.get_inner_dims_pos(),
            op.get_mixed_tiles(),
            op.get_outer_dims_perm() if op.outer_dims_perm is not None else None,
            value,
        )
        rewriter.replace(op, new)

    @staticmethod
    def _fits(op: PackOp, pad: tensor.PadOp) -> bool:
        if any(lo != 0 for lo in pad.static_low.get_values()) or pad.low:
            return False
        if pad.high:
            return False
        layout = Layout.of(op)
        tiles = layout.static_tiles()
        shape = tensor_type(pad.source).get_shape()
        if tiles is None or DYNAMIC_INDEX in shape:
            return False
        tile_of = dict(zip(layout.inner_dims_pos, tiles, strict=True))
        padded_shape = tensor_type(pad.result).get_shape()
        for d, (hi, size, padded) in enumerate(
            zip(pad.static_high.get_values(), shape, padded_shape, strict=True)
        ):
            if hi == 0:
                continue
            if d not in tile_of or -(-size // tile_of[d]) != -(-padded // tile_of[d]):
                return False
        return True


def _defined_in(value: SSAValue, op: Operation) -> bool:
    """Whether `value` is defined inside one of `op`'s regions."""
    owner = value.owner
    block = owner if isinstance(owner, Block) else owner.parent_block()
    while block is not None:
        parent = block.parent_op()
        if parent is op:
            return True
        block = parent.parent_block() if parent is not None else None
    return False


def _permute_into(
    perm: Sequence[int], inner: Sequence[int], rank: int
) -> list[int] | None:
    """checkAndPermute: [inner[perm[i]] for i < rank], None if perm mixes tiles in."""
    result: list[int] = []
    for i in range(rank):
        p = perm[i]
        if p >= rank:
            return None
        result.append(inner[p] if inner else p)
    return result


@dataclass
class FoldTransposeIntoPack(RewritePattern):
    """pack(transpose(x)) -> pack(x) with permuted positions and outer perm."""

    control: ControlFn | None = None

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        producer = op.source.owner
        if not isinstance(producer, Operation):
            return
        perm = transpose_permutation(producer)
        if perm is None or not _controlled(self.control, op, 0):
            return
        outer = op.get_outer_dims_perm()
        new_outer = [perm[q] for q in outer] if outer else list(perm)
        layout = Layout(
            tuple(perm[d] for d in op.get_inner_dims_pos()),
            tuple(op.get_mixed_tiles()),
            normalized_perm(new_outer),
        )
        insert = Inserter(rewriter, op)
        new = insert.pack(producer.operands[0], layout, op.padding_value)
        rewriter.replace(op, [], [new.result])
        erase_if_dead(rewriter, producer)


@dataclass
class FoldPackIntoTranspose(RewritePattern):
    """transpose(pack(x)) -> pack(x) when the transpose keeps tiles innermost."""

    control: ControlFn | None = None

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        perm = transpose_permutation(op)
        if perm is None or not op.operands:
            return
        pack = op.operands[0].owner
        if not isinstance(pack, PackOp) or not _controlled(self.control, op, 0):
            return
        rank = pack.unpacked_type().get_num_dims()
        new_outer = _permute_into(perm, pack.get_outer_dims_perm(), rank)
        if new_outer is None:
            return
        tiles = pack.get_mixed_tiles()
        inner = pack.get_inner_dims_pos()
        picks = [p - rank for p in perm[rank:]]
        layout = Layout(
            tuple(inner[r] for r in picks),
            tuple(tiles[r] for r in picks),
            normalized_perm(new_outer),
        )
        insert = Inserter(rewriter, op)
        new = insert.pack(pack.source, layout, pack.padding_value)
        rewriter.replace(op, [], [new.result])


@dataclass
class FoldTransposeIntoUnpack(RewritePattern):
    """unpack(transpose(y)) -> unpack(y) when the transpose keeps tiles innermost."""

    control: ControlFn | None = None

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, UnpackOp):
            return
        producer = op.source.owner
        if not isinstance(producer, Operation):
            return
        perm = transpose_permutation(producer)
        if perm is None or not _controlled(self.control, op, 0):
            return
        rank = op.unpacked_type().get_num_dims()
        inverse = invert(perm)
        new_outer = _permute_into(inverse, op.get_outer_dims_perm(), rank)
        if new_outer is None:
            return
        tiles = op.get_mixed_tiles()
        inner = op.get_inner_dims_pos()
        picks = [p - rank for p in inverse[rank:]]
        layout = Layout(
            tuple(inner[r] for r in picks),
            tuple(tiles[r] for r in picks),
            normalized_perm(new_outer),
        )
        insert = Inserter(rewriter, op)
        new = insert.unpack(producer.operands[0], layout, op.dest)
        rewriter.replace(op, [], [new.result])
        erase_if_dead(rewriter, producer)


@dataclass
class FoldUnpackIntoTranspose(RewritePattern):
    """transpose(unpack(x)) -> unpack(x) into the transpose's init."""

    control: ControlFn | None = None

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        perm = transpose_permutation(op)
        if perm is None or not op.operands:
            return
        unpack = op.operands[0].owner
        if not isinstance(unpack, UnpackOp):
            return
        if not _controlled(self.control, op, 0):
            return
        inverse = invert(perm)
        outer = unpack.get_outer_dims_perm()
        new_outer = [inverse[q] for q in outer] if outer else inverse
        layout = Layout(
            tuple(inverse[d] for d in unpack.get_inner_dims_pos()),
            tuple(unpack.get_mixed_tiles()),
            normalized_perm(new_outer),
        )
        init = op.operands[1]
        insert = Inserter(rewriter, op)
        new = insert.unpack(unpack.source, layout, init)
        rewriter.replace(op, [], [new.result])


@dataclass
class FoldUnpackIntoExtractSlice(RewritePattern):
    """extract_slice(unpack(x)) at offset 0 -> unpack(x) into a smaller empty.

    Only when the slice drops less than a tile on tiled dims and nothing on
    the others (so the new unpack's packed outer sizes stay exact).
    """

    control: ControlFn | None = None

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, tensor.ExtractSliceOp):
            return
        unpack = op.source.owner
        if not isinstance(unpack, UnpackOp):
            return
        if not _controlled(self.control, op, 0):
            return
        if op.offsets or op.sizes or op.strides:
            return
        if any(o != 0 for o in op.static_offsets.get_values()):
            return
        if any(s != 1 for s in op.static_strides.get_values()):
            return
        sizes = list(op.static_sizes.get_values())
        result_type = tensor_type(op.result)
        if result_type.get_num_dims() != len(sizes):
            return
        layout = Layout.of(unpack)
        tiles = layout.static_tiles()
        packed = unpack.packed_type()
        if tiles is None or not packed.has_static_shape():
            return
        expected = infer_packed_shape(
            sizes, layout.inner_dims_pos, tiles, layout.outer_dims_perm
        )
        if list(expected) != list(packed.get_shape()):
            return
        insert = Inserter(rewriter, op)
        dest = insert.empty(sizes, result_type.get_element_type())
        new = insert.unpack(unpack.source, layout, dest)
        rewriter.replace(op, [], [new.result])


def fold_into_pack_unpack_patterns(
    control: ControlFn | None = None,
) -> list[RewritePattern]:
    """Upstream's populateFoldIntoPackAndUnpackPatterns."""
    return [
        FoldUnpackIntoExtractSlice(control),
        FoldPadIntoPack(control),
        FoldPackIntoTranspose(control),
        FoldTransposeIntoPack(control),
        FoldTransposeIntoUnpack(control),
        FoldUnpackIntoTranspose(control),
    ]


# ---------------------------------------------------------------------------
# simplify-pack-unpack: relayouts that are only reshapes
# ---------------------------------------------------------------------------


def _count_non_unit(shape: Sequence[int]) -> int:
    return sum(1 for d in shape if d == DYNAMIC_INDEX or d > 1)


def _is_like_pad(op: RelayoutOp) -> bool:
    """Upstream isLikePad / isLikeUnPad: tiles in order, every outer dim 1."""
    inner = list(op.get_inner_dims_pos())
    if inner != list(range(len(inner))):
        return False
    shape = op.packed_type().get_shape()
    return all(d == 1 for d in shape[: len(shape) - len(inner)])


def _is_reshape_like(op: RelayoutOp) -> bool:
    """Tiles only the innermost dim (identity perm), or packs a 1-D-like tensor."""
    perm = normalized_perm(op.get_outer_dims_perm())
    inner = op.get_inner_dims_pos()
    rank = op.unpacked_type().get_num_dims()
    if not perm and len(inner) == 1 and inner[0] == rank - 1:
        return True
    one_d = _count_non_unit(op.unpacked_type().get_shape()) <= 1 and (
        _count_non_unit(op.get_static_inner_tiles()) <= 1
    )
    return one_d or _is_like_pad(op)


class SimplifyPackToExpandShape(RewritePattern):
    """A pack without padding that is only a reshape -> `tensor.expand_shape`."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp) or op.padding_value is not None:
            return
        if not _is_reshape_like(op):
            return
        source, dest = op.unpacked_type(), op.packed_type()
        if not source.has_static_shape() or not dest.has_static_shape():
            return
        groups = reassociation(source.get_shape(), dest.get_shape())
        if groups is None:
            return
        if source == dest:
            rewriter.replace(op, [], [op.source])
            return
        rewriter.replace(op, expand_shape(op.source, groups, dest))


class SimplifyUnpackToCollapseShape(RewritePattern):
    """An unpack that is only a reshape -> `tensor.collapse_shape`."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, UnpackOp) or not _is_reshape_like(op):
            return
        source, dest = op.packed_type(), op.unpacked_type()
        if not source.has_static_shape() or not dest.has_static_shape():
            return
        groups = reassociation(dest.get_shape(), source.get_shape())
        if groups is None:
            return
        if source == dest:
            rewriter.replace(op, [], [op.source])
            return
        rewriter.replace(op, collapse_shape(op.source, groups, dest))


def simplify_pack_unpack_patterns() -> list[RewritePattern]:
    """Upstream's populateSimplifyPackAndUnpackPatterns."""
    return [SimplifyPackToExpandShape(), SimplifyUnpackToCollapseShape()]


# ---------------------------------------------------------------------------
# fold-pack-unpack-into-empty
# ---------------------------------------------------------------------------


class FoldEmptyIntoPack(RewritePattern):
    """pack(tensor.empty) -> dest (nothing defined is moved; no padding)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp) or op.padding_value is not None:
            return
        if not isinstance(op.source.owner, tensor.EmptyOp):
            return
        rewriter.replace(op, [], [op.dest])


class FoldEmptyIntoUnpack(RewritePattern):
    """unpack(tensor.empty) -> dest."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, UnpackOp):
            return
        if not isinstance(op.source.owner, tensor.EmptyOp):
            return
        rewriter.replace(op, [], [op.dest])


def fold_pack_unpack_into_empty_patterns() -> list[RewritePattern]:
    """Upstream's populateFoldPackUnpackIntoTensorEmptyPatterns."""
    return [FoldEmptyIntoPack(), FoldEmptyIntoUnpack()]
