"""Building what `pack-greedily` inserts: the run-time tiles, the packs of the
operands and their destinations (through the tensor `Inserter`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    TensorType,
)
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap
from xdsl.utils.exceptions import PassFailedException

from packdialect.analysis.contraction import Contraction
from packdialect.ir.ops import PackOp
from packdialect.ir.relayout import ceildiv
from packdialect.ir.relayout_utils import Inserter
from passes.packing.options import PackGreedilyOptions

Tile = int | SSAValue


# ---------------------------------------------------------------------------
# IR construction
# ---------------------------------------------------------------------------


def _loop_extent_value(
    builder: Inserter,
    operands: Sequence[SSAValue],
    maps: Sequence[AffineMap],
    loop: int,
) -> SSAValue:
    """`tensor.dim` of the first operand dim indexed by loop `loop` as a bare dim."""
    for operand, amap in zip(operands, maps, strict=True):
        for index, expr in enumerate(amap.results):
            if isinstance(expr, AffineDimExpr) and expr.position == loop:
                return builder.dim(operand, index)
    raise PassFailedException(f"pack-greedily: loop d{loop} indexes no operand")


def _round_up_expr(multiple: int) -> AffineExpr:
    """`(s0 ceildiv multiple) * multiple`."""
    return AffineExpr.symbol(0).ceil_div(multiple) * multiple


@dataclass(frozen=True)
class RoundedUp:
    """A planned tile: the extent of a dynamic loop rounded up to `multiple`."""

    multiple: int


PlannedTile = int | RoundedUp


def plan_tiles(
    contraction: Contraction, options: PackGreedilyOptions, perm: Sequence[int]
) -> list[PlannedTile]:
    """Tile of every interchanged loop: 0 for all but the last three.

    A padded-sizes-next-multiple-of entry tiles its loop by the extent rounded
    up (one padded tile); for a dynamic extent the tile is computed at run time.
    """
    num_loops = len(perm)
    tiles: list[PlannedTile] = [0] * num_loops
    for i, position in enumerate(options.inner_dims_order):
        loop = num_loops - 3 + position
        multiple = options.padded_sizes_next_multiple_of[i]
        if not multiple:
            tiles[loop] = options.packed_sizes[i]
            continue
        extent = contraction.loop_sizes[perm[loop]]
        if extent is None:
            tiles[loop] = RoundedUp(multiple)
        else:
            tiles[loop] = ceildiv(extent, multiple) * multiple
    return tiles


def materialize_tiles(
    builder: Inserter,
    planned: Sequence[PlannedTile],
    operands: Sequence[SSAValue],
    maps: Sequence[AffineMap],
) -> list[Tile]:
    """Build the affine.apply of every run-time tile."""
    tiles: list[Tile] = []
    for loop, tile in enumerate(planned):
        if isinstance(tile, int):
            tiles.append(tile)
            continue
        extent = _loop_extent_value(builder, operands, maps, loop)
        tiles.append(builder.apply(_round_up_expr(tile.multiple), [extent]))
    return tiles


def _outer_size(
    builder: Inserter, operand: SSAValue, dim: int, tile: Tile | None
) -> Tile:
    """Size of outer dim `dim` of the packed operand (int or SSA value)."""
    assert isinstance(operand.type, TensorType)
    size = operand.type.get_shape()[dim]
    if tile is None:
        return size if size != DYNAMIC_INDEX else builder.dim(operand, dim)
    if isinstance(tile, int):
        if size != DYNAMIC_INDEX:
            return ceildiv(size, tile)
        value = builder.dim(operand, dim)
        return builder.apply(AffineExpr.symbol(0).ceil_div(tile), [value])
    # A run-time tile: `dim ceildiv tile` is semi-affine, which xDSL cannot
    # parse back, so it is an arith.ceildivsi (upstream composes an affine.apply).
    value = size if size != DYNAMIC_INDEX else builder.dim(operand, dim)
    return builder(arith.CeilDivSIOp(builder.index(value), tile)).results[0]


def _needs_padding(operand: SSAValue, packed: Sequence[tuple[int, Tile]]) -> bool:
    """Upstream's rule: pad unless tiles and shape are static and divide evenly."""
    assert isinstance(operand.type, TensorType)
    shape = operand.type.get_shape()
    if any(d == DYNAMIC_INDEX for d in shape):
        return True
    return any(not isinstance(tile, int) or shape[dim] % tile for dim, tile in packed)


def build_pack(
    builder: Inserter,
    operand: SSAValue,
    packed: Sequence[tuple[int, Tile]],
    outer_perm: Sequence[int] | None,
) -> PackOp:
    """tensor.empty + (zero) + linalg.pack of `operand` on `packed` dims."""
    assert isinstance(operand.type, TensorType)
    rank = operand.type.get_num_dims()
    tile_of = dict(packed)
    outer = [_outer_size(builder, operand, d, tile_of.get(d)) for d in range(rank)]
    if outer_perm is not None:
        outer = [outer[p] for p in outer_perm]
    tiles = [tile for _, tile in packed]
    sizes = outer + tiles
    shape = [s if isinstance(s, int) else DYNAMIC_INDEX for s in sizes]
    dest_type = TensorType(operand.type.get_element_type(), shape)
    dynamic_sizes = [s for s in sizes if not isinstance(s, int)]
    empty = builder(tensor.EmptyOp(dynamic_sizes, dest_type))
    padding = None
    if _needs_padding(operand, packed):
        padding = builder.zero(operand.type.get_element_type())
    pack = PackOp(
        operand,
        empty.results[0],
        [dim for dim, _ in packed],
        tiles,
        outer_perm,
        padding,
    )
    builder(pack)
    return pack
