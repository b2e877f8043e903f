"""Helpers for rewriting around `linalg.pack` / `linalg.unpack` on tensors.

The relayout attributes of a pack / unpack as one `Layout`, an `Inserter`
that builds packs, unpacks, pads and index arithmetic before an op through a
rewriter, and the reshape and pad helpers that the canonicalizations
(`packdialect.ir.canonicalization`) and the passes (`pack-greedily`,
`propagate-packs`) share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from xdsl.dialects import affine, arith, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    AffineMapAttr,
    AnyFloat,
    ArrayAttr,
    FloatAttr,
    IndexType,
    IntegerAttr,
    MemRefType,
    TensorType,
    i64,
)
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.utils.dynamic_index_list import get_dynamic_index_list
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue, Use
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint

from packdialect.ir.relayout import PackOp, RelayoutOp, UnpackOp
from packdialect.ir.tensor_ops import PadOp, infer_pad_shape

Tile = int | SSAValue


ControlFn = Callable[[Use], bool]
"""Decides, per operand (an xDSL `Use`), whether a pattern may fire."""


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
    """The relayout attributes of a pack / unpack (perm () means identity).

    `spelled_perm`: the op spelled `outer_dims_perm` even though it is the
    identity (`[0]`); ops built from this layout spell it too, as upstream
    keeps it. It does not take part in comparisons (same semantics).
    """

    inner_dims_pos: tuple[int, ...]
    tiles: tuple[Tile, ...]
    outer_dims_perm: tuple[int, ...] = ()
    spelled_perm: bool = field(default=False, compare=False)

    @staticmethod
    def of(op: RelayoutOp) -> Layout:
        """The layout of a pack or unpack op."""
        return Layout(
            tuple(op.get_inner_dims_pos()),
            tuple(op.get_mixed_tiles()),
            normalized_perm(op.get_outer_dims_perm()),
            op.outer_dims_perm is not None,
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

    def perm_or_none(self, rank: int) -> tuple[int, ...] | None:
        """The permutation to give a builder of an op of unpacked `rank`:
        None for the identity, unless the layout spells it."""
        if self.outer_dims_perm:
            return self.outer_dims_perm
        return tuple(range(rank)) if self.spelled_perm else None


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
    """Builds ops on tensors right before an anchor op through a PatternRewriter.

    The one builder of the tensor-level rewrites (pack-greedily, propagation,
    the folds); loop nests on memrefs use `passes.utils.loops` instead, whose
    index constants are created once and grouped.
    """

    def __init__(self, rewriter: PatternRewriter, anchor: Operation):
        self.rewriter = rewriter
        self.anchor = anchor
        self.inserted: list[Operation] = []

    def __call__(self, op: Operation) -> Operation:
        """Insert `op` before the anchor and return it."""
        self.rewriter.insert(op, InsertPoint.before(self.anchor))
        self.inserted.append(op)
        return op

    def name_after(self, op: Operation) -> None:
        """Name every unnamed value built so far after `op`'s first result (as
        xDSL's `replace` names the ops it inserts), before `op` is replaced."""
        if not op.results:
            return
        for new in self.inserted:
            for result in new.results:
                if result.name_hint is None:
                    result.name_hint = op.results[0].name_hint

    def index(self, value: int | SSAValue) -> SSAValue:
        """`value` as an SSA index value (materializing constants)."""
        if isinstance(value, SSAValue):
            return value
        return self(arith.ConstantOp(IntegerAttr(value, IndexType()))).results[0]

    def dim(self, value: SSAValue, index: int) -> SSAValue:
        """`tensor.dim %value, index` (with its index constant)."""
        return self(tensor.DimOp(value, self.index(index))).results[0]

    def apply(self, expr: AffineExpr, symbols: Sequence[SSAValue]) -> SSAValue:
        """`affine.apply affine_map<()[s..] -> (expr)>()[symbols]`."""
        amap = AffineMap(0, len(symbols), (expr,))
        return self(affine.ApplyOp(list(symbols), AffineMapAttr(amap))).results[0]

    def zero(self, element_type: Attribute) -> SSAValue:
        """`arith.constant 0` of `element_type` (a padding value)."""
        if isinstance(element_type, AnyFloat):
            attr: Attribute = FloatAttr(0.0, element_type)
        else:
            attr = IntegerAttr(0, element_type)  # type: ignore[arg-type]
        return self(arith.ConstantOp(attr, element_type)).results[0]

    def sizes_of(self, value: SSAValue) -> list[int | SSAValue]:
        """The sizes of a tensor: ints where static, `tensor.dim` where not."""
        sizes: list[int | SSAValue] = []
        for i, d in enumerate(tensor_type(value).get_shape()):
            sizes.append(d if d != DYNAMIC_INDEX else self.dim(value, i))
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
            layout.perm_or_none(tensor_type(source).get_num_dims()),
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
            source,
            dest,
            layout.inner_dims_pos,
            layout.tiles,
            layout.perm_or_none(tensor_type(dest).get_num_dims()),
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
        if product != size or not group:
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
    result_shape: Sequence[int] | None = None,
) -> tensor.PadOp:
    """A `tensor.pad` of `source` yielding `value` (cloned in if a constant).

    The result type is inferred unless `result_shape` gives it (a static size
    that dynamic pad amounts are known to reach, as upstream's decomposition
    types its padded tile)."""
    shape = tensor_type(source).get_shape()
    static_low = [d if isinstance(d, int) else DYNAMIC_INDEX for d in low]
    static_high = [d if isinstance(d, int) else DYNAMIC_INDEX for d in high]
    inferred = infer_pad_shape(shape, static_low, static_high)
    if result_shape is None:
        result_shape = inferred
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
    op = PadOp(
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
