"""Chain-compatible tiles: when a contraction's LHS is (through element-wise
generics) the unpacked result of a contraction packed before it, pick the
LHS tiles that make that unpack and the new pack cancel: the consumer's m0
is the producer's m0 and its k0 the producer's n0.

Read from the IR only: the producer's tiles are the inner tiles of the
`linalg.unpack` pack-greedily left after it (ops are packed in order, so the
producer is already packed when its consumer is visited). An MLP's chain of
`linalg.matmul` + bias + ReLU then packs its activations once.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects import tensor
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr

from packdialect.analysis.contraction import Contraction
from packdialect.diagnostics import location_of
from packdialect.ir.ops import UnpackOp

MAX_CHAIN_K0 = 8
"""A producer's n0 larger than this is not taken as the consumer's k0: the
cost of a larger k0 than the strategy's (1 on every CPU table), measured
single-threaded on an AVX-512 host, cpu-pipeline with chain=true/false:
target generic (8x8x1 tiles, k0 8): MLP 256x256-256-256-128 1.03x the time,
16x64-64-64-32 1.00x; target host (14x32x1, k0 32): 31x slower
(vectorize-mmt4d's register kernel is built for small k0)."""

_MAX_STEPS = 16


@dataclass(frozen=True)
class ChainTiles:
    """The consumer's m0 and k0 that cancel its producer's unpack."""

    m0: int
    k0: int
    producer: str

    def describe(self) -> str:
        return (
            f"chain-compatible with the contraction at {self.producer}: "
            f"m0={self.m0}, k0={self.k0} (its m0 and n0)"
        )


def _elementwise_sources(op: Operation, value: SSAValue) -> list[SSAValue]:
    """The inputs of an all-parallel generic that `value` (its only result)
    reads at the same indices and with the same shape."""
    if not isinstance(op, GenericOp) or len(op.results) != 1:
        return []
    if any(str(it.data) != "parallel" for it in op.iterator_types):
        return []
    maps = [m.data for m in op.indexing_maps]
    out_map = maps[len(op.inputs)]
    shape = value.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
    return [
        operand
        for operand, amap in zip(op.inputs, maps, strict=False)
        if amap == out_map and getattr(operand.type, "get_shape", tuple)() == shape
    ]


def _search(
    value: SSAValue, collapses: tuple[tensor.CollapseShapeOp, ...], steps: int
) -> UnpackOp | None:
    """Depth-first through element-wise generics; a `collapse_shape` must be
    undone by an `expand_shape` with its reassociation further up (the
    reshapes around a batch of heads), so dims keep their meaning."""
    if steps > _MAX_STEPS:
        return None
    owner = value.owner
    if isinstance(owner, UnpackOp):
        return None if collapses else owner
    if isinstance(owner, tensor.CollapseShapeOp):
        return _search(owner.src, (*collapses, owner), steps + 1)
    if isinstance(owner, tensor.ExpandShapeOp):
        if not collapses:
            return None
        last = collapses[-1]
        if last.reassociation != owner.reassociation:
            return None
        if last.result.type != owner.src.type:
            return None
        return _search(owner.src, collapses[:-1], steps + 1)
    if not isinstance(owner, Operation):
        return None
    for source in _elementwise_sources(owner, value):
        found = _search(source, collapses, steps + 1)
        if found is not None:
            return found
    return None


def producer_unpack(value: SSAValue) -> UnpackOp | None:
    """The `linalg.unpack` `value` is computed from element-wise (through
    inverse pairs of reshapes), or None."""
    return _search(value, (), 0)


def _producer_location(unpack: UnpackOp) -> str:
    owner = unpack.source.owner
    return location_of(owner if isinstance(owner, Operation) else unpack)


def chain_tiles(op: Operation, contraction: Contraction) -> ChainTiles | None:
    """The LHS tiles that cancel the producer's unpack, or None when the
    LHS comes from no packed contraction (or the tiles cannot match)."""
    lhs_map = contraction.indexing_maps[0]
    unpack = producer_unpack(op.operands[0])
    if unpack is None or unpack.get_outer_dims_perm():
        return None
    tiles = unpack.get_mixed_tiles()
    if not all(isinstance(t, int) for t in tiles):
        return None
    found: dict[int, int] = {}
    for dim, tile in zip(unpack.get_inner_dims_pos(), tiles, strict=True):
        expr = lhs_map.results[dim]
        if not isinstance(expr, AffineDimExpr):
            return None
        found[expr.position] = tile  # type: ignore[assignment]
    if set(found) != {contraction.m_pos, contraction.k_pos}:
        return None
    k0 = found[contraction.k_pos]
    if k0 > MAX_CHAIN_K0:
        return None
    return ChainTiles(found[contraction.m_pos], k0, _producer_location(unpack))
