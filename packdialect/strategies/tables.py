"""The built-in strategies' tile tables: a row per element-type signature.

Each row gives a register tile (m0, n0, k0) and the reason for it, or the
strategy to fall back to; "*" matches any element type; a row may require a
target feature.
"""

from __future__ import annotations

from dataclasses import dataclass

from packdialect.analysis.contraction import Contraction
from packdialect.targets import TargetInfo


@dataclass(frozen=True)
class Tile:
    """A register tile (m0, n0, k0) and why it was picked. `fixed_k`: the
    instruction fixes k0 (a small K is padded, not used as k0); `fixed_shape`:
    the whole tile is an instruction shape (tensor-core fragments)."""

    m0: int
    n0: int
    k0: int
    why: str
    fixed_k: bool = False
    fixed_shape: bool = False


@dataclass(frozen=True)
class Row:
    """A table row: element types (lhs, rhs, acc; "*" matches any), an optional
    required target feature, and the tile (or the strategy to fall back to)."""

    types: tuple[str, str, str]
    tile: Tile | None = None
    feature: str | None = None
    fallback: str | None = None
    alternatives: tuple[Tile, ...] = ()

    def matches(self, contraction: Contraction, target: TargetInfo) -> bool:
        """Does this row apply to the contraction's element types on the target?"""
        if self.feature is not None and not target.has(self.feature):
            return False
        return all(
            want in ("*", have)
            for want, have in zip(self.types, contraction.element_types, strict=True)
        )


_ANY = ("*", "*", "*")

GENERIC_TABLE = (
    Row(
        _ANY,
        Tile(
            8,
            8,
            1,
            "portable C: an 8x8 accumulator tile with k0=1; the C compiler "
            "vectorizes the n0 loop with whatever vector width it has",
        ),
    ),
)

AVX2_TABLE = (
    Row(
        ("f32", "f32", "f32"),
        Tile(
            6,
            16,
            1,
            "6x16 (BLIS haswell style): 12 ymm accumulators + 2 B vectors + 1 "
            "broadcast = 15 of 16 registers, 12 FMAs per 8 loads on 2 FMA units",
        ),
    ),
    Row(
        ("f64", "f64", "f64"),
        Tile(6, 8, 1, "f64 6x8: 12 ymm accumulators (4 lanes) + 2 B + 1 broadcast"),
    ),
    Row(
        ("f16", "f16", "f32"),
        Tile(6, 16, 1, "f16 widened on load (vcvtph2ps, F16C); f32 6x16 tile"),
    ),
    Row(
        ("bf16", "bf16", "f32"),
        Tile(6, 16, 1, "bf16 widened on load by a 16-bit shift; f32 6x16 tile"),
    ),
    Row(
        ("i8", "i8", "i32"),
        Tile(
            6,
            16,
            2,
            "i8 extended to i16 pairs, vpmaddwd accumulates 2 products per i32 "
            "lane: k0 = 2, 12 ymm accumulators",
            fixed_k=True,
        ),
    ),
    Row(_ANY, Tile(4, 8, 1, "no specialized avx2 tile for these types; 4x8x1")),
)

AVX512_TABLE = (
    Row(
        ("f32", "f32", "f32"),
        Tile(
            14,
            32,
            1,
            "14x32: 28 zmm accumulators + 2 B vectors + 1 broadcast = 31 of 32 "
            "registers; 2 B loads + 14 broadcasts per 28 FMAs (8x32 needs 10 "
            "loads per 16 FMAs, 16x16 17 per 16): measured ~5% faster than "
            "8x32 from L1 and L2; a partial last row tile costs the kernel "
            "fewer rows, not padding",
        ),
    ),
    Row(
        ("f64", "f64", "f64"),
        Tile(8, 16, 1, "f64 8x16: 16 zmm accumulators (8 lanes), 2 B + 8 broadcasts"),
    ),
    Row(
        ("f16", "f16", "f16"),
        Tile(8, 64, 1, "native f16 FMA (avx512fp16): 8 rows x 2 zmm of 32 lanes"),
        feature="avx512fp16",
    ),
    Row(
        ("f16", "f16", "f32"),
        Tile(8, 32, 1, "f16 widened on load (vcvtph2ps); f32 8x32 register tile"),
    ),
    Row(
        ("bf16", "bf16", "f32"),
        Tile(
            8,
            32,
            2,
            "vdpbf16ps (avx512bf16) multiplies bf16 pairs into f32 lanes: k0 = 2, "
            "8x32 f32 accumulators",
            fixed_k=True,
        ),
        feature="avx512bf16",
    ),
    Row(
        ("bf16", "bf16", "f32"),
        Tile(8, 32, 1, "bf16 widened on load by a 16-bit shift; f32 8x32 tile"),
    ),
    Row(
        ("i8", "i8", "i32"),
        Tile(
            8,
            32,
            2,
            "i8 extended to i16 pairs, vpdpwssd (avx512vnni) / vpmaddwd add 2 "
            "products per i32 lane: k0 = 2, 16 zmm accumulators",
            fixed_k=True,
        ),
    ),
    Row(_ANY, Tile(8, 16, 1, "no specialized avx512 tile for these types; 8x16x1")),
)

AMX_TABLE = (
    Row(
        ("bf16", "bf16", "f32"),
        Tile(
            16,
            16,
            32,
            "AMX tdpbf16ps: a 16x16 f32 tile += 16x32 bf16 x 32x16 bf16",
            fixed_k=True,
        ),
        feature="amxbf16",
    ),
    Row(
        ("i8", "i8", "i32"),
        Tile(
            16,
            16,
            64,
            "AMX tdpbssd: a 16x16 i32 tile += 16x64 i8 x 64x16 i8",
            fixed_k=True,
        ),
        feature="amxint8",
    ),
    Row(_ANY, fallback="avx512"),
)

_WMMA_NARROW_M = Tile(
    8, 32, 16, "m8n32k16 fragment for narrow M", fixed_k=True, fixed_shape=True
)
_WMMA_NARROW_N = Tile(
    32, 8, 16, "m32n8k16 fragment for narrow N", fixed_k=True, fixed_shape=True
)
_WMMA_16 = (_WMMA_NARROW_M, _WMMA_NARROW_N)

WMMA_TABLE = (
    Row(
        ("f16", "f16", "*"),
        Tile(
            16, 16, 16, "WMMA m16n16k16 f16 fragments", fixed_k=True, fixed_shape=True
        ),
        alternatives=_WMMA_16,
    ),
    Row(
        ("bf16", "bf16", "f32"),
        Tile(
            16,
            16,
            16,
            "WMMA m16n16k16 bf16 fragments (sm_80+)",
            fixed_k=True,
            fixed_shape=True,
        ),
        alternatives=_WMMA_16,
    ),
    Row(
        ("i8", "i8", "i32"),
        Tile(
            16, 16, 16, "WMMA m16n16k16 s8/u8 fragments", fixed_k=True, fixed_shape=True
        ),
        alternatives=_WMMA_16,
    ),
    Row(
        ("f32", "f32", "f32"),
        Tile(
            16,
            16,
            8,
            "WMMA m16n16k8 tf32 fragments (sm_80+): f32 inputs are rounded to "
            "tf32 by the tensor cores",
            fixed_k=True,
            fixed_shape=True,
        ),
    ),
    Row(
        ("f64", "f64", "f64"),
        Tile(
            8,
            8,
            4,
            "WMMA m8n8k4 f64 fragments (sm_80+)",
            fixed_k=True,
            fixed_shape=True,
        ),
    ),
    Row(_ANY, Tile(16, 16, 1, "no tensor-core fragment for these types; SIMT 16x16")),
)
