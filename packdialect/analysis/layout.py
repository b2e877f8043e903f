"""Layout facts: memref strides and the static shape of a pack / unpack.

- `memref_strides`, `is_identity_layout`: what a memref type's layout says
  about where its elements are;
- `Relayout` / `relayout_facts`: the static facts of a pack or unpack
  (unpacked shape, tiles, outer permutation), for the lowerings that turn
  one into loops or absorb it into a kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects.builtin import MemRefType, NoneAttr, StridedLayoutAttr
from xdsl.ir import Attribute

from packdialect.diagnostics import Refused
from packdialect.ir.ops import RelayoutOp


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


def is_identity_layout(value_type: Attribute) -> bool:
    """True for a memref whose layout is the identity (contiguous, row-major)."""
    if not isinstance(value_type, MemRefType):
        return False
    layout = value_type.layout
    if isinstance(layout, NoneAttr):
        return True
    if isinstance(layout, StridedLayoutAttr):
        strides = list(layout.get_strides())
        offset = layout.get_offset()
        return offset == 0 and strides == _contiguous_strides(value_type.get_shape())
    return False


def _contiguous_strides(shape: Sequence[int]) -> list[int]:
    """Row-major strides of a static shape."""
    strides: list[int] = []
    running = 1
    for size in reversed(shape):
        strides.append(running)
        running *= size
    return list(reversed(strides))


@dataclass(frozen=True)
class Relayout:
    """The static facts of a pack/unpack: unpacked shape, tiles, permutation."""

    shape: tuple[int, ...]
    inner_dims_pos: tuple[int, ...]
    tiles: tuple[int, ...]
    perm: tuple[int, ...]

    @property
    def rank(self) -> int:
        """Rank of the unpacked side."""
        return len(self.shape)

    def tile_of(self, dim: int) -> int | None:
        """The inner tile index that tiles unpacked dim `dim`, else None."""
        if dim in self.inner_dims_pos:
            return self.inner_dims_pos.index(dim)
        return None

    def outer_extent(self, dim: int) -> int:
        """Number of tiles along unpacked dim `dim` (the dim itself if untiled)."""
        i = self.tile_of(dim)
        if i is None:
            return self.shape[dim]
        return -(-self.shape[dim] // self.tiles[i])

    def is_padded(self, dim: int) -> bool:
        """Whether the last tile along `dim` is partial."""
        i = self.tile_of(dim)
        return i is not None and self.shape[dim] % self.tiles[i] != 0

    @property
    def needs_padding(self) -> bool:
        """Whether any tile does not divide its dim."""
        return any(self.is_padded(d) for d in range(self.rank))


def relayout_facts(op: RelayoutOp) -> Relayout | Refused:
    """The static facts of `op`, or why there are none (dynamic tiles/shapes)."""
    tiles = op.get_static_inner_tiles()
    if op.inner_tiles or any(t < 0 for t in tiles):
        return Refused(f"'{op.name}' with dynamic inner tiles is not supported")
    unpacked = op.unpacked_type()
    if not unpacked.has_static_shape() or not op.packed_type().has_static_shape():
        return Refused(f"{op.name} with dynamic shapes is not supported")
    rank = unpacked.get_num_dims()
    perm = op.get_outer_dims_perm() or tuple(range(rank))
    return Relayout(
        tuple(unpacked.get_shape()), op.get_inner_dims_pos(), tuple(tiles), tuple(perm)
    )
