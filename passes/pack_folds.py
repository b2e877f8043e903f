"""Folds and canonicalizations of `linalg.pack` / `linalg.unpack`.

Mirrors upstream MLIR's split (`LinalgOps.cpp` canonicalizers,
`FillOp` canonicalizers, `PackAndUnpackPatterns.cpp`):

- **canonicalize** (`canonicalization_patterns`, attached to the ops by the
  `RelayoutCanonicalization` trait, so xDSL's `canonicalize` picks them up):
  pack(unpack(x)) -> x, unpack(pack(x)) -> x, drop a padding value static
  shapes prove unnecessary, pack(fill(c)) -> fill(c) into the pack's dest,
  unpack into the init of the destination-style op that defines its dest,
  and constant folding of a pack / unpack of an `arith.constant` (upstream
  folds splats only; dense constants are packed here too, with numpy, so
  weights cost no run-time pack).
- **fold-into-pack-unpack** (`fold_into_pack_unpack_patterns`): pad -> pack,
  transpose <-> pack / unpack, unpack -> extract_slice.
- **simplify-pack-unpack** (`simplify_pack_unpack_patterns`): a pack that
  only splits the innermost dim -> `tensor.expand_shape`, the mirror unpack ->
  `tensor.collapse_shape`.
- **fold-pack-unpack-into-empty** (`fold_pack_unpack_into_empty_patterns`):
  pack / unpack of `tensor.empty` -> the dest.

`packdialect/relayout.py` defines `RelayoutCanonicalization`, which imports
`canonicalization_patterns` from here lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IndexType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    TensorType,
    i64,
)
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.attrs import IteratorType
from xdsl.dialects.utils.dynamic_index_list import get_dynamic_index_list
from xdsl.ir import (
    Attribute,
    Block,
    Operation,
    OpResult,
    Region,
    SSAValue,
    Use,
)
from xdsl.ir.affine import AffineDimExpr, AffineMap
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.rewriter import InsertPoint

from packdialect.interpreter import pack_array, unpack_array
from packdialect.relayout import (
    PackOp,
    RelayoutOp,
    UnpackOp,
    infer_packed_shape,
)

Tile = int | SSAValue
ControlFn = Callable[[Use], bool]
"""Decides, per operand (an xDSL `Use`), whether a pattern may fire."""

MAX_FOLDED_CONSTANT_BYTES = 1 << 26
"""Constants larger than this (64 MiB) are not packed at compile time."""


# ---------------------------------------------------------------------------
# Small shared helpers (also used by passes.propagate_packs)
# ---------------------------------------------------------------------------


def always(_: Use) -> bool:
    """The default control function: every operand may be rewritten."""
    return True


def operand_use(op: Operation, index: int) -> Use:
    """The `Use` of `op`'s operand number `index` (upstream's OpOperand)."""
    for use in op.operands[index].uses:
        if use.operation is op and use.index == index:
            return use
    raise AssertionError(f"operand {index} of {op.name} has no use entry")


def normalized_perm(perm: Sequence[int]) -> tuple[int, ...]:
    """`perm` as a tuple, () when it is empty or the identity."""
    if list(perm) == list(range(len(perm))):
        return ()
    return tuple(perm)


def constant_attr(value: SSAValue) -> Attribute | None:
    """The value attribute of the `arith.constant` defining `value`, else None."""
    owner = value.owner
    if isinstance(owner, arith.ConstantOp):
        return owner.value
    return None


def same_scalar(a: SSAValue | None, b: SSAValue | None) -> bool:
    """Same SSA value, or two constants with the same value attribute."""
    if a is None or b is None:
        return a is b
    if a is b:
        return True
    attr_a, attr_b = constant_attr(a), constant_attr(b)
    return attr_a is not None and attr_a == attr_b


def static_tile(tile: Tile) -> int | None:
    """The tile as an int when it is static or an index constant."""
    if isinstance(tile, int):
        return tile
    attr = constant_attr(tile)
    if isinstance(attr, IntegerAttr):
        return attr.value.data
    return None


def same_tile(a: Tile, b: Tile) -> bool:
    """Tiles are equal: same SSA value or the same constant int."""
    if a is b:
        return True
    sa, sb = static_tile(a), static_tile(b)
    return sa is not None and sa == sb


@dataclass(frozen=True)
class Layout:
    """The relayout attributes of a pack / unpack (perm () means identity)."""

    inner_dims_pos: tuple[int, ...]
    tiles: tuple[Tile, ...]
    outer_dims_perm: tuple[int, ...] = ()

    @staticmethod
    def of(op: RelayoutOp) -> Layout:
        """The layout of a pack or unpack op."""
        return Layout(
            tuple(op.get_inner_dims_pos()),
            tuple(op.get_mixed_tiles()),
            normalized_perm(op.get_outer_dims_perm()),
        )

    def matches(self, other: Layout) -> bool:
        """Same positions, same permutation, same tiles."""
        if self.inner_dims_pos != other.inner_dims_pos:
            return False
        if self.outer_dims_perm != other.outer_dims_perm:
            return False
        if len(self.tiles) != len(other.tiles):
            return False
        return all(
            same_tile(a, b) for a, b in zip(self.tiles, other.tiles, strict=True)
        )

    def static_tiles(self) -> list[int] | None:
        """All tiles as ints, or None when one is dynamic."""
        tiles = [static_tile(t) for t in self.tiles]
        if any(t is None for t in tiles):
            return None
        return [t for t in tiles if t is not None]

    def perm_or_none(self) -> tuple[int, ...] | None:
        """The permutation to give a builder (None for the identity)."""
        return self.outer_dims_perm or None


def tensor_type(value: SSAValue) -> TensorType[Attribute]:
    """The tensor type of `value` (callers only pass tensors)."""
    t = value.type
    assert isinstance(t, TensorType)
    return t


def invert(perm: Sequence[int]) -> list[int]:
    """The inverse permutation."""
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return inverse


class Inserter:
    """Builds ops right before an anchor op through a PatternRewriter."""

    def __init__(self, rewriter: PatternRewriter, anchor: Operation):
        self.rewriter = rewriter
        self.anchor = anchor

    def __call__(self, op: Operation) -> Operation:
        """Insert `op` before the anchor and return it."""
        self.rewriter.insert(op, InsertPoint.before(self.anchor))
        return op

    def index(self, value: int | SSAValue) -> SSAValue:
        """`value` as an SSA index value (materializing constants)."""
        if isinstance(value, SSAValue):
            return value
        return self(arith.ConstantOp(IntegerAttr(value, IndexType()))).results[0]

    def sizes_of(self, value: SSAValue) -> list[int | SSAValue]:
        """The sizes of a tensor: ints where static, `tensor.dim` where not."""
        sizes: list[int | SSAValue] = []
        for i, d in enumerate(tensor_type(value).get_shape()):
            if d != DYNAMIC_INDEX:
                sizes.append(d)
                continue
            sizes.append(self(tensor.DimOp(value, self.index(i))).results[0])
        return sizes

    def ceil_div(self, a: int | SSAValue, b: Tile) -> int | SSAValue:
        """ceildiv(a, b), folded when both are static ints."""
        if isinstance(a, int) and isinstance(b, int):
            return -(-a // b)
        op = arith.CeilDivSIOp(self.index(a), self.index(b))
        return self(op).results[0]

    def mul(self, a: int | SSAValue, b: Tile) -> int | SSAValue:
        """a * b, folded when both are static ints."""
        if isinstance(a, int) and isinstance(b, int):
            return a * b
        return self(arith.MuliOp(self.index(a), self.index(b))).results[0]

    def empty(
        self, sizes: Sequence[int | SSAValue], element_type: Attribute
    ) -> SSAValue:
        """A `tensor.empty` of the given mixed sizes."""
        shape = [d if isinstance(d, int) else DYNAMIC_INDEX for d in sizes]
        dynamic = [d for d in sizes if isinstance(d, SSAValue)]
        return self(tensor.EmptyOp(dynamic, TensorType(element_type, shape))).results[0]

    def pack_dest(self, source: SSAValue, layout: Layout) -> SSAValue:
        """Upstream's PackOp::createDestinationTensor."""
        sizes = self.sizes_of(source)
        for pos, tile in zip(layout.inner_dims_pos, layout.tiles, strict=True):
            sizes[pos] = self.ceil_div(sizes[pos], tile)
        if layout.outer_dims_perm:
            sizes = [sizes[d] for d in layout.outer_dims_perm]
        sizes += list(layout.tiles)
        return self.empty(sizes, tensor_type(source).get_element_type())

    def unpack_dest(self, packed: SSAValue, layout: Layout) -> SSAValue:
        """Upstream's UnPackOp::createDestinationTensor (no padding dropped)."""
        outer = self.sizes_of(packed)[
            : tensor_type(packed).get_num_dims() - len(layout.tiles)
        ]
        sizes = list(outer)
        if layout.outer_dims_perm:
            sizes = [outer[i] for i in invert(layout.outer_dims_perm)]
        for pos, tile in zip(layout.inner_dims_pos, layout.tiles, strict=True):
            sizes[pos] = self.mul(sizes[pos], tile)
        return self.empty(sizes, tensor_type(packed).get_element_type())

    def pack(
        self,
        source: SSAValue,
        layout: Layout,
        padding_value: SSAValue | None = None,
        dest: SSAValue | None = None,
    ) -> PackOp:
        """A pack of `source` with `layout` (into a new empty unless `dest`)."""
        if dest is None:
            dest = self.pack_dest(source, layout)
        op = PackOp(
            source,
            dest,
            layout.inner_dims_pos,
            layout.tiles,
            layout.perm_or_none(),
            padding_value,
        )
        self(op)
        return op

    def unpack(
        self, source: SSAValue, layout: Layout, dest: SSAValue | None = None
    ) -> UnpackOp:
        """An unpack of `source` with `layout` (into a new empty unless `dest`)."""
        if dest is None:
            dest = self.unpack_dest(source, layout)
        op = UnpackOp(
            source, dest, layout.inner_dims_pos, layout.tiles, layout.perm_or_none()
        )
        self(op)
        return op


def erase_if_dead(rewriter: PatternRewriter, op: Operation) -> None:
    """Erase a linalg op on tensors whose results are all unused.

    xDSL does not know linalg ops on tensors are side-effect free, so its DCE
    keeps them; patterns that consume such an op erase it themselves.
    """
    if not op.results or any(r.uses for r in op.results):
        return
    if not isinstance(op, LinalgStructuredOperation | linalg.TransposeOp):
        return
    if any(isinstance(v.type, MemRefType) for v in op.operands):
        return
    rewriter.erase(op)


def requires_padding(shape: Sequence[int], layout: Layout) -> bool:
    """Upstream's requirePaddingValueStrict: padding needed or not provable."""
    for pos, tile in zip(layout.inner_dims_pos, layout.tiles, strict=True):
        t = static_tile(tile)
        if shape[pos] == DYNAMIC_INDEX or t is None or shape[pos] % t:
            return True
    return False


def padding_not_needed(op: PackOp) -> bool:
    """Static shapes prove that every tiled dim is a whole number of tiles."""
    shape = op.unpacked_type().get_shape()
    return not requires_padding(shape, Layout.of(op))


def reassociation(
    collapsed: Sequence[int], expanded: Sequence[int]
) -> list[list[int]] | None:
    """Groups of `expanded` dims whose products give `collapsed` (static shapes).

    Like upstream's getReassociationIndicesForReshape; None when there is none.
    """
    if DYNAMIC_INDEX in collapsed or DYNAMIC_INDEX in expanded:
        return None
    if not collapsed:
        return [] if all(d == 1 for d in expanded) else None
    groups: list[list[int]] = []
    i = 0
    for size in collapsed:
        group: list[int] = []
        product = 1
        while i < len(expanded) and (not group or product != size):
            group.append(i)
            product *= expanded[i]
            i += 1
        if product != size:
            return None
        groups.append(group)
    while i < len(expanded) and expanded[i] == 1:
        groups[-1].append(i)
        i += 1
    return groups if i == len(expanded) else None


def reassociation_attr(
    groups: Sequence[Sequence[int]],
) -> ArrayAttr[ArrayAttr[IntegerAttr]]:
    """The `reassociation` property of collapse_shape / expand_shape."""
    return ArrayAttr(ArrayAttr(IntegerAttr(d, i64) for d in g) for g in groups)


def expand_shape(
    source: SSAValue,
    groups: Sequence[Sequence[int]],
    result_type: TensorType[Attribute],
) -> tensor.ExpandShapeOp:
    """A static `tensor.expand_shape` (callers check the result is static)."""
    return tensor.ExpandShapeOp(
        source, [], reassociation_attr(groups), result_type.get_shape(), result_type
    )


def collapse_shape(
    source: SSAValue,
    groups: Sequence[Sequence[int]],
    result_type: TensorType[Attribute],
) -> tensor.CollapseShapeOp:
    """A `tensor.collapse_shape`."""
    return tensor.CollapseShapeOp.create(
        operands=[source],
        result_types=[result_type],
        properties={"reassociation": reassociation_attr(groups)},
    )


def pad_constant_value(pad: tensor.PadOp) -> SSAValue | None:
    """The value a `tensor.pad` yields when it is the same for every index.

    Upstream's getConstantPaddingValue: a value defined outside the pad's
    region, or an `arith.constant` inside it.
    """
    block = pad.region.block
    terminator = block.last_op
    if not isinstance(terminator, tensor.YieldOp) or len(terminator.operands) != 1:
        return None
    value = terminator.operands[0]
    owner = value.owner
    if isinstance(owner, Operation) and owner.parent_block() is block:
        return value if isinstance(owner, arith.ConstantOp) else None
    if isinstance(owner, Block) and owner is block:
        return None
    return value


def padded_dims(pad: tensor.PadOp) -> list[bool]:
    """Per dim: whether the pad may add elements (dynamic amounts count)."""
    low = pad.static_low.get_values()
    high = pad.static_high.get_values()
    return [lo != 0 or hi != 0 for lo, hi in zip(low, high, strict=True)]


def build_pad(
    insert: Inserter,
    source: SSAValue,
    low: Sequence[int | SSAValue],
    high: Sequence[int | SSAValue],
    value: SSAValue,
    nofold: Attribute | None,
) -> tensor.PadOp:
    """A `tensor.pad` of `source` yielding `value` (cloned in if a constant)."""
    shape = tensor_type(source).get_shape()
    result_shape = [
        d + lo + hi
        if d != DYNAMIC_INDEX and isinstance(lo, int) and isinstance(hi, int)
        else DYNAMIC_INDEX
        for d, lo, hi in zip(shape, low, high, strict=True)
    ]
    block = Block(arg_types=[IndexType()] * len(shape))
    yielded = value
    owner = value.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(
        owner.parent_op(), tensor.PadOp
    ):
        clone = owner.clone()
        block.add_op(clone)
        yielded = clone.results[0]
    block.add_op(tensor.YieldOp(yielded))
    static_low = [d if isinstance(d, int) else DYNAMIC_INDEX for d in low]
    static_high = [d if isinstance(d, int) else DYNAMIC_INDEX for d in high]
    op = tensor.PadOp(
        source,
        [d for d in low if isinstance(d, SSAValue)],
        [d for d in high if isinstance(d, SSAValue)],
        Region(block),
        static_low,
        static_high,
        TensorType(tensor_type(source).get_element_type(), result_shape),
        nofold,  # pyright: ignore[reportArgumentType]
    )
    insert(op)
    return op


def mixed_pads(pad: tensor.PadOp) -> tuple[list[int | SSAValue], list[int | SSAValue]]:
    """(low, high) pad amounts as ints or SSA values."""
    low = get_dynamic_index_list(
        pad.static_low.get_values(), tuple(pad.low), DYNAMIC_INDEX
    )
    high = get_dynamic_index_list(
        pad.static_high.get_values(), tuple(pad.high), DYNAMIC_INDEX
    )
    return list(low), list(high)


# ---------------------------------------------------------------------------
# Constant folding (numpy, at compile time)
# ---------------------------------------------------------------------------

_STORAGE = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def _storage_dtype(element_type: Attribute) -> np.dtype | None:
    """An unsigned dtype as wide as one element's bytes in a dense attribute."""
    size = getattr(element_type, "compile_time_size", None)
    if size not in _STORAGE:
        return None
    return np.dtype(_STORAGE[size]).newbyteorder("<")


def dense_bits(attr: DenseIntOrFPElementsAttr) -> np.ndarray | None:
    """The elements of a dense attribute as raw bit patterns, shaped."""
    dtype = _storage_dtype(attr.get_element_type())
    if dtype is None:
        return None
    flat = np.frombuffer(attr.data.data, dtype=dtype)
    count = int(np.prod(attr.get_shape(), dtype=np.int64))
    if flat.size == 1 and count != 1:
        flat = np.full(count, flat[0], dtype=dtype)
    if flat.size != count:
        return None
    return flat.reshape(attr.get_shape())


def scalar_bits(attr: Attribute, element_type: Attribute) -> int | None:
    """The bit pattern of a scalar constant of `element_type`."""
    dtype = _storage_dtype(element_type)
    if dtype is None or not isinstance(attr, IntegerAttr | FloatAttr):
        return None
    packer = getattr(element_type, "pack", None)
    if packer is None:
        return None
    raw = packer([attr.value.data])
    return int(np.frombuffer(raw, dtype=dtype)[0])


def bits_to_dense(
    bits: np.ndarray, result_type: TensorType[Attribute]
) -> DenseIntOrFPElementsAttr:
    """A dense attribute of `result_type` holding raw bit patterns."""
    data = np.ascontiguousarray(bits, dtype=bits.dtype.newbyteorder("<")).tobytes()
    return DenseIntOrFPElementsAttr(result_type, BytesAttr(data))


def fold_constant_pack(op: PackOp) -> DenseIntOrFPElementsAttr | None:
    """The packed constant for a pack of an `arith.constant`, else None."""
    attr = constant_attr(op.source)
    result_type = op.packed_type()
    layout = Layout.of(op)
    tiles = layout.static_tiles()
    if not isinstance(attr, DenseIntOrFPElementsAttr) or tiles is None:
        return None
    if not result_type.has_static_shape() or _too_large(result_type):
        return None
    bits = dense_bits(attr)
    if bits is None:
        return None
    pad_bits = 0
    if op.padding_value is not None:
        pad_attr = constant_attr(op.padding_value)
        pad = (
            None if pad_attr is None else scalar_bits(pad_attr, attr.get_element_type())
        )
        if pad is None:
            return None
        pad_bits = pad
    n = len(attr.get_shape())
    packed = pack_array(
        bits,
        layout.inner_dims_pos,
        tiles,
        layout.outer_dims_perm,
        bits.dtype.type(pad_bits),
        result_type.get_shape()[:n],
    )
    return bits_to_dense(packed, result_type)


def fold_constant_unpack(op: UnpackOp) -> DenseIntOrFPElementsAttr | None:
    """The unpacked constant for an unpack of an `arith.constant`, else None."""
    attr = constant_attr(op.source)
    result_type = op.unpacked_type()
    tiles = Layout.of(op).static_tiles()
    if not isinstance(attr, DenseIntOrFPElementsAttr) or tiles is None:
        return None
    if not result_type.has_static_shape() or _too_large(result_type):
        return None
    bits = dense_bits(attr)
    if bits is None:
        return None
    layout = Layout.of(op)
    unpacked = unpack_array(
        bits,
        layout.inner_dims_pos,
        tiles,
        layout.outer_dims_perm,
        result_type.get_shape(),
    )
    return bits_to_dense(unpacked, result_type)


def _too_large(t: TensorType[Attribute]) -> bool:
    size = getattr(t.get_element_type(), "compile_time_size", 8) or 8
    count = 1
    for d in t.get_shape():
        count *= d
    return count * size > MAX_FOLDED_CONSTANT_BYTES


# ---------------------------------------------------------------------------
# Canonicalization patterns (root: pack or unpack)
# ---------------------------------------------------------------------------


class FoldPackOfUnpack(RewritePattern):
    """pack(unpack(x)) -> x when the layouts agree and no padding is involved."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        unpack = op.source.owner
        if not isinstance(unpack, UnpackOp):
            return
        if unpack.source.type != op.result.type or op.padding_value is not None:
            return
        if not Layout.of(op).matches(Layout.of(unpack)):
            return
        rewriter.replace(op, [], [unpack.source])


class FoldUnpackOfPack(RewritePattern):
    """unpack(pack(x)) -> x when the layouts agree and no padding is lost.

    Upstream refuses any padding value; a padded pack followed by an unpack
    to the same static shape drops exactly the padding it added, so it folds.
    """

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, UnpackOp):
            return
        pack = op.source.owner
        if not isinstance(pack, PackOp):
            return
        source_type = pack.source.type
        if source_type != op.result.type:
            return
        if (
            pack.padding_value is not None
            and not tensor_type(pack.source).has_static_shape()
        ):
            return
        if not Layout.of(op).matches(Layout.of(pack)):
            return
        rewriter.replace(op, [], [pack.source])


class DropUnneededPadding(RewritePattern):
    """Remove a padding_value when every tiled dim is statically a whole tile count."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp) or op.padding_value is None:
            return
        if not padding_not_needed(op):
            return
        new = PackOp(
            op.source,
            op.dest,
            op.get_inner_dims_pos(),
            op.get_mixed_tiles(),
            op.get_outer_dims_perm() if op.outer_dims_perm is not None else None,
            None,
            attributes=dict(op.attributes),
        )
        rewriter.replace(op, new)


class FoldFillIntoPack(RewritePattern):
    """pack(fill(c)) -> fill(c) into the pack's dest (upstream FoldFillWithPack)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        fill = op.source.owner
        if not isinstance(fill, linalg.FillOp) or len(fill.inputs) != 1:
            return
        if op.padding_value is not None and not same_scalar(
            op.padding_value, fill.inputs[0]
        ):
            return
        if not op.dest.has_one_use():
            return
        rewriter.replace(op, linalg.FillOp([fill.inputs[0]], [op.dest]))
        erase_if_dead(rewriter, fill)


class FoldConstantPack(RewritePattern):
    """pack(arith.constant) -> arith.constant of the packed value."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, PackOp):
            return
        attr = fold_constant_pack(op)
        if attr is None:
            return
        rewriter.replace(op, arith.ConstantOp(attr, op.result.type))


class FoldConstantUnpack(RewritePattern):
    """unpack(arith.constant) -> arith.constant of the unpacked value."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, UnpackOp):
            return
        attr = fold_constant_unpack(op)
        if attr is None:
            return
        rewriter.replace(op, arith.ConstantOp(attr, op.result.type))


class UnpackIntoDpsInit(RewritePattern):
    """unpack into the result of a destination-style op -> into that op's init.

    The unpack overwrites its whole dest, so what the op wrote is irrelevant.
    """

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, UnpackOp):
            return
        producer = op.dest.owner
        init = _dps_init_of(op.dest)
        if init is None or not isinstance(producer, Operation):
            return
        new = UnpackOp(
            op.source,
            init,
            op.get_inner_dims_pos(),
            op.get_mixed_tiles(),
            op.get_outer_dims_perm() if op.outer_dims_perm is not None else None,
            attributes=dict(op.attributes),
        )
        rewriter.replace(op, new)
        erase_if_dead(rewriter, producer)


def _dps_init_of(value: SSAValue) -> SSAValue | None:
    """The init tied to `value` when a destination-style op produced it."""
    if not isinstance(value, OpResult):
        return None
    owner = value.op
    if isinstance(owner, LinalgStructuredOperation | linalg.TransposeOp):
        outputs = owner.outputs  # pyright: ignore[reportAttributeAccessIssue]
        return outputs[value.index] if value.index < len(outputs) else None
    if isinstance(owner, RelayoutOp):
        return owner.dest
    return None


def canonicalization_patterns() -> tuple[RewritePattern, ...]:
    """The patterns `canonicalize` applies to pack / unpack.

    Upstream's own canonicalizers plus, as the project asks, the folds of a
    pad or transpose into the pack / unpack that consumes it and of
    `tensor.empty` (upstream keeps those in separate pattern sets). Folds
    rooted on other ops (a transpose of a pack or unpack, an extract_slice of
    an unpack) stay in `fold-into-pack-unpack`: canonicalize only applies an
    op's own patterns. The split of a pack into `expand_shape` stays in
    `simplify-pack-unpack`: it would stop packs from cancelling.
    """
    return (
        FoldPackOfUnpack(),
        DropUnneededPadding(),
        FoldFillIntoPack(),
        FoldConstantPack(),
        FoldUnpackOfPack(),
        UnpackIntoDpsInit(),
        FoldConstantUnpack(),
        FoldPadIntoPack(None),
        FoldTransposeIntoPack(None),
        FoldTransposeIntoUnpack(None),
        *fold_pack_unpack_into_empty_patterns(),
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


# ---------------------------------------------------------------------------
# Passes
# ---------------------------------------------------------------------------


def apply_patterns(module: ModuleOp, patterns: Sequence[RewritePattern]) -> None:
    """Apply `patterns` greedily to a fixed point (dead pure ops are erased)."""
    PatternRewriteWalker(GreedyRewritePatternApplier(list(patterns))).rewrite_module(
        module
    )


@dataclass(frozen=True)
class FoldIntoPackUnpackPass(ModulePass):
    """Fold pads, transposes and slices into neighbouring packs / unpacks."""

    name = "fold-into-pack-unpack"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_patterns(op, fold_into_pack_unpack_patterns())


@dataclass(frozen=True)
class SimplifyPackUnpackPass(ModulePass):
    """Rewrite packs / unpacks that are only reshapes into expand / collapse_shape."""

    name = "simplify-pack-unpack"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_patterns(op, simplify_pack_unpack_patterns())


@dataclass(frozen=True)
class FoldPackUnpackIntoEmptyPass(ModulePass):
    """Replace packs / unpacks of `tensor.empty` by their dest."""

    name = "fold-pack-unpack-into-empty"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_patterns(op, fold_pack_unpack_into_empty_patterns())


__all__ = [
    "ControlFn",
    "FoldIntoPackUnpackPass",
    "FoldPackUnpackIntoEmptyPass",
    "Inserter",
    "Layout",
    "SimplifyPackUnpackPass",
    "canonicalization_patterns",
    "fold_constant_pack",
    "fold_constant_unpack",
    "fold_into_pack_unpack_patterns",
    "fold_pack_unpack_into_empty_patterns",
    "simplify_pack_unpack_patterns",
]
