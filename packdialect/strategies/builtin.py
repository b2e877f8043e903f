"""The built-in strategies: generic, avx2, avx512, amx, wmma.

Each looks up its table (`packdialect.strategies.tables`) and fits the tile
to the problem: `_fit_to_problem` shrinks a CPU tile for narrow problems (a
4-row matmul gets m0 = 4, not a padded 8 or 16); `_fit_fragment` picks the
tensor-core fragment that pads least.
"""

from __future__ import annotations

from dataclasses import replace

from packdialect.analysis.contraction import Contraction
from packdialect.strategies.choice import PackingChoice, Strategy
from packdialect.strategies.tables import (
    AMX_TABLE,
    AVX2_TABLE,
    AVX512_TABLE,
    GENERIC_TABLE,
    WMMA_TABLE,
    Row,
    Tile,
)
from packdialect.targets import TargetInfo


def _pow2_ceil(value: int) -> int:
    """Smallest power of two >= value (value >= 1)."""
    return 1 << (value - 1).bit_length()


def _fit_to_problem(tile: Tile, contraction: Contraction) -> tuple[Tile, list[str]]:
    """Shrink a CPU tile to a narrow problem; notes say what changed.

    M below m0: m0 = M (one row tile, no padding; rows are unrolled, any count
    works). N below n0: n0 = the next power of two >= N (n0 is the vector
    dim). K below k0: shrunk the same way unless the instruction fixes k0.
    Dynamic sizes keep the table tile.
    """
    m, n, k = contraction.mnk_sizes
    m0, n0, k0 = tile.m0, tile.n0, tile.k0
    notes = []
    if m is not None and 0 < m < m0:
        notes.append(f"narrow M={m}: m0={m} instead of {m0}")
        m0 = m
    if n is not None and n > 0 and _pow2_ceil(n) < n0:
        notes.append(f"narrow N={n}: n0={_pow2_ceil(n)} instead of {n0}")
        n0 = _pow2_ceil(n)
    if k is not None and k > 0 and _pow2_ceil(k) < k0:
        if tile.fixed_k:
            notes.append(f"K={k} is padded to k0={k0}, which the instruction fixes")
        else:
            notes.append(f"small K={k}: k0={_pow2_ceil(k)} instead of {k0}")
            k0 = _pow2_ceil(k)
    return replace(tile, m0=m0, n0=n0, k0=k0), notes


def _padding_ratio(tile: Tile, contraction: Contraction) -> float:
    """Padded M*N over M*N for this tile (dynamic sizes count as unpadded)."""
    ratio = 1.0
    for size, tile_size in zip(
        contraction.mnk_sizes[:2], (tile.m0, tile.n0), strict=True
    ):
        if size:
            ratio *= -(-size // tile_size) * tile_size / size
    return ratio


def _fit_fragment(
    row: Row, tile: Tile, contraction: Contraction
) -> tuple[Tile, list[str]]:
    """Pick a tensor-core fragment: shapes are fixed, so a narrow M or N selects
    the fragment (m16n16, m8n32, m32n8) that pads M x N the least."""
    best = min((tile, *row.alternatives), key=lambda t: _padding_ratio(t, contraction))
    if best is tile:
        return tile, []
    m, n, _ = contraction.mnk_sizes
    return best, [f"M={m}, N={n}: pads less than {tile.m0}x{tile.n0}"]


def _lookup(
    table: tuple[Row, ...], contraction: Contraction, target: TargetInfo
) -> Row:
    """First row of `table` that matches (tables end with a catch-all row)."""
    return next(row for row in table if row.matches(contraction, target))


def _choice(strategy: str, tile: Tile, notes: list[str]) -> PackingChoice:
    """A PackingChoice in the mmt4d layout with a readable reason."""
    reason = f"{strategy}: {tile.m0}x{tile.n0}x{tile.k0} ({tile.why})"
    if notes:
        reason += "; " + "; ".join(notes)
    return PackingChoice(packed_sizes=(tile.m0, tile.n0, tile.k0), reason=reason)


def _table_strategy(
    name: str, table: tuple[Row, ...], contraction: Contraction, target: TargetInfo
) -> PackingChoice | None:
    """Look up the row, fit it to the problem, or hand over to the fallback."""
    row = _lookup(table, contraction, target)
    if row.tile is None:
        fallback = BUILTINS[row.fallback or "generic"](contraction, target)
        if fallback is None:
            return None
        why = f"{name}: no tile for {contraction.signature}; falling back to "
        return replace(fallback, reason=why + fallback.reason)
    if row.tile.fixed_shape:
        tile, notes = _fit_fragment(row, row.tile, contraction)
    else:
        tile, notes = _fit_to_problem(row.tile, contraction)
    return _choice(name, tile, notes)


def generic_strategy(
    contraction: Contraction, target: TargetInfo
) -> PackingChoice | None:
    """Portable tiles for the C emitter on any CPU."""
    return _table_strategy("generic", GENERIC_TABLE, contraction, target)


def avx2_strategy(contraction: Contraction, target: TargetInfo) -> PackingChoice | None:
    """Tiles for 16 ymm registers and 2 FMA units (Haswell and later)."""
    return _table_strategy("avx2", AVX2_TABLE, contraction, target)


def avx512_strategy(
    contraction: Contraction, target: TargetInfo
) -> PackingChoice | None:
    """Tiles for 32 zmm registers and 2 FMA units (f32, f16/bf16->f32, i8->i32)."""
    return _table_strategy("avx512", AVX512_TABLE, contraction, target)


def amx_strategy(contraction: Contraction, target: TargetInfo) -> PackingChoice | None:
    """AMX tiles for bf16 and i8; other types fall back to avx512."""
    return _table_strategy("amx", AMX_TABLE, contraction, target)


def wmma_strategy(contraction: Contraction, target: TargetInfo) -> PackingChoice | None:
    """CUDA WMMA fragment shapes (f16, bf16, i8, tf32, f64)."""
    return _table_strategy("wmma", WMMA_TABLE, contraction, target)


BUILTINS: dict[str, Strategy] = {
    "generic": generic_strategy,
    "avx2": avx2_strategy,
    "avx512": avx512_strategy,
    "amx": amx_strategy,
    "wmma": wmma_strategy,
}
"""The built-in strategies by name (the registry starts from these)."""
