"""Loop bookkeeping of `pack-greedily`: pure functions on indexing maps
(interchange, tiling a loop into an outer and an inner loop, the mmt4d outer
order)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap

from packdialect.diagnostics import Refused

Tile = int | SSAValue


# ---------------------------------------------------------------------------
# Loop bookkeeping (pure functions on maps)
# ---------------------------------------------------------------------------


def compute_permutation_vector(
    size: int, positions: Sequence[int], desired: Sequence[int]
) -> list[int]:
    """`perm[new] = old`: move loops `positions` to `desired`, others in order.

    Upstream's `computePermutationVector`: size 5, positions (2, 4), desired
    (1, 0) gives [4, 2, 0, 1, 3].
    """
    perm = [-1] * size
    for pos, want in zip(positions, desired, strict=True):
        perm[want] = pos
    rest = iter(d for d in range(size) if d not in positions)
    return [entry if entry != -1 else next(rest) for entry in perm]


def interchange_maps(maps: Sequence[AffineMap], perm: Sequence[int]) -> list[AffineMap]:
    """Rename loops so that new loop `i` is old loop `perm[i]` (interchangeGenericOp)."""
    inverse = [0] * len(perm)
    for new, old in enumerate(perm):
        inverse[old] = new
    dims = [AffineExpr.dimension(inverse[d]) for d in range(len(perm))]
    return [amap.replace_dims_and_symbols(dims, [], len(perm), 0) for amap in maps]


def _result_using(amap: AffineMap, dim: int) -> int | None:
    """Index of the first result of `amap` that is a function of loop `dim`."""
    for index, expr in enumerate(amap.results):
        if dim in expr.used_dims():
            return index
    return None


@dataclass
class PackedLoops:
    """Maps and iterators after tiling some loops, and what each operand packs.

    `operand_dims[i]` lists (operand dim, x) pairs of operand `i`, in the
    order of the tiled loops (the inner_dims_pos of its pack); `pack_loops`
    gives the tiled loop as x, `pack_matmul_greedily` replaces it by the tile.
    """

    maps: list[AffineMap]
    iterators: list[str]
    operand_dims: list[list[tuple[int, Any]]]


def pack_loops(
    maps: Sequence[AffineMap],
    iterators: Sequence[str],
    tiles: Sequence[object],
) -> PackedLoops | Refused:
    """Tile every loop `i` with `tiles[i] != 0` (upstream `packLinalgMetadataOnce`).

    Each tiled loop gets a new innermost loop of the same iterator type; every
    operand that indexes the loop (as a bare dim) gets a new trailing dim.
    Returns a reason when a tiled loop appears in a compound expression.
    """
    maps, iterators = list(maps), list(iterators)
    operand_dims: list[list[tuple[int, Any]]] = [[] for _ in maps]
    for loop, tile in enumerate(tiles):
        if tile == 0:
            continue
        new_dim = len(iterators)
        iterators.append(iterators[loop])
        for index, amap in enumerate(maps):
            pos = _result_using(amap, loop)
            results = amap.results
            if pos is not None:
                if not isinstance(results[pos], AffineDimExpr):
                    return Refused(
                        f"loop d{loop} appears in the compound expression "
                        f"{results[pos]}; only bare dimensions can be packed"
                    )
                results = (*results, AffineExpr.dimension(new_dim))
                operand_dims[index].append((pos, loop))
            maps[index] = AffineMap(new_dim + 1, 0, results)
    return PackedLoops(maps, iterators, operand_dims)


def _outer_key(expr: AffineExpr, index: int) -> tuple[int, int]:
    """Sort key of an outer result in the mmt4d layout: its (lowest) loop."""
    used = expr.used_dims()
    return (min(used) if used else -1, index)


def mmt4d_outer_perm(amap: AffineMap, rank: int) -> list[int]:
    """Outer permutation putting the first `rank` results of `amap` in loop order.

    With loops (..., m, n, k) this gives LHS [.., M, K], RHS [.., N, K] and
    ACC [.., M, N], everything else (batch) in front.
    """
    keyed = sorted(range(rank), key=lambda i: _outer_key(amap.results[i], i))
    return keyed


def permute_outer(amap: AffineMap, perm: Sequence[int]) -> AffineMap:
    """`amap` with its first len(perm) results permuted by `perm`."""
    rank = len(perm)
    results = tuple(amap.results[p] for p in perm) + amap.results[rank:]
    return AffineMap(amap.num_dims, 0, results)
