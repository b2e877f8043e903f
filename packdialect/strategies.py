"""Pluggable packing strategies and target descriptions.

A *strategy* is any callable

    strategy(contraction: Contraction, target: TargetInfo) -> PackingChoice | None

that picks the tile sizes (m0, n0, k0), padding, inner order and layout with
which `pack-greedily` packs one contraction; None means "leave this op alone".
Strategies are found by name (`get_strategy`), in this order:

1. built-ins and anything registered with `@register_strategy("name")`;
2. the Python entry point group `packdialect.strategies`
   (`my-strategy = "my_package.module:choose"` in a plugin's pyproject.toml);
3. a module path `package.module:function` (importable from sys.path).

A *target* (`TargetInfo`) describes the machine: ISA features, vector width,
registers, FMA units, caches. `get_target("host")` reads /proc/cpuinfo.

Built-in strategies are small tables: a row per element-type signature gives
a register tile and the reason for it; `_fit_to_problem` shrinks the tile for
narrow problems (a 4-row matmul gets m0 = 4, not a padded 8 or 16).
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import reduce
from pathlib import Path
from types import MappingProxyType
from typing import TypeAlias

from xdsl.utils.exceptions import DiagnosticException

from packdialect.analysis.contraction import Contraction

ENTRY_POINT_GROUP = "packdialect.strategies"
AUTO = "auto"


class StrategyError(DiagnosticException):
    """A strategy or target could not be resolved, or a strategy misbehaved."""


# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetInfo:
    """What a strategy may assume about the machine.

    `features` uses cpuinfo flag names without underscores ("avx2", "fma",
    "avx512f", "avx512bf16", "avx512fp16", "avx512vnni"), plus "amx",
    "amxbf16", "amxint8" for AMX and "wmma", "tf32" for tensor cores.
    For a GPU, a "vector" is a warp of 32 lanes of 32 bits.
    `default_strategy` is what `strategy=auto` resolves to.
    """

    name: str
    arch: str
    features: frozenset[str]
    vector_bits: int
    vector_registers: int
    fma_units: int
    l1d_kib: int
    l2_kib: int
    l3_kib: int
    default_strategy: str

    def has(self, *features: str) -> bool:
        """True when the target has every one of `features`."""
        return all(feature in self.features for feature in features)

    def lanes(self, element_bits: int) -> int:
        """Elements of `element_bits` bits in one vector register."""
        return max(1, self.vector_bits // element_bits)


_AVX2_FEATURES = frozenset({"sse42", "avx", "avx2", "fma", "f16c"})
_AVX512_FEATURES = _AVX2_FEATURES | {
    "avx512f",
    "avx512bw",
    "avx512dq",
    "avx512vl",
    "avx512vnni",
    "avx512bf16",
    "avx512fp16",
}

_CPU_CACHES = {"l1d_kib": 48, "l2_kib": 2048, "l3_kib": 32768}

TARGETS: Mapping[str, TargetInfo] = MappingProxyType(
    {
        "generic": TargetInfo(
            name="generic",
            arch="cpu",
            features=frozenset(),
            vector_bits=128,
            vector_registers=16,
            fma_units=1,
            l1d_kib=32,
            l2_kib=256,
            l3_kib=0,
            default_strategy="generic",
        ),
        "avx2": TargetInfo(
            name="avx2",
            arch="cpu",
            features=_AVX2_FEATURES,
            vector_bits=256,
            vector_registers=16,
            fma_units=2,
            l1d_kib=32,
            l2_kib=256,
            l3_kib=8192,
            default_strategy="avx2",
        ),
        "avx512": TargetInfo(
            name="avx512",
            arch="cpu",
            features=_AVX512_FEATURES,
            vector_bits=512,
            vector_registers=32,
            fma_units=2,
            **_CPU_CACHES,
            default_strategy="avx512",
        ),
        "amx": TargetInfo(
            name="amx",
            arch="cpu",
            features=_AVX512_FEATURES | {"amx", "amxbf16", "amxint8"},
            vector_bits=512,
            vector_registers=32,
            fma_units=2,
            **_CPU_CACHES,
            default_strategy="amx",
        ),
        # A "vector" is a warp (32 lanes x 32 bits); registers per thread; the
        # "FMA units" are the tensor cores of an SM; L1 is the SM's shared memory.
        "cuda-wmma": TargetInfo(
            name="cuda-wmma",
            arch="gpu",
            features=frozenset({"wmma", "tf32", "bf16", "int8", "fp64"}),
            vector_bits=1024,
            vector_registers=255,
            fma_units=4,
            l1d_kib=192,
            l2_kib=40960,
            l3_kib=0,
            default_strategy="wmma",
        ),
    }
)
"""Built-in targets (immutable descriptions, not state)."""


def _cpu_flags(cpuinfo: str) -> frozenset[str] | None:
    """Normalized flags of the first CPU in /proc/cpuinfo text, None if absent."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() != "flags":
            continue
        flags = {flag.replace("_", "") for flag in value.split()}
        if "amxtile" in flags:
            flags.add("amx")
        return frozenset(flags)
    return None


def _family(flags: frozenset[str]) -> TargetInfo:
    """The most capable built-in CPU target whose defining features `flags` has."""
    if {"amx", "amxbf16", "amxint8", "avx512f"} <= flags:
        return TARGETS["amx"]
    if {"avx512f", "avx512bw"} <= flags:
        return TARGETS["avx512"]
    if {"avx2", "fma"} <= flags:
        return TARGETS["avx2"]
    return TARGETS["generic"]


def _cache_kib(sysfs_cpu: Path) -> dict[str, int]:
    """{'l1d_kib', 'l2_kib', 'l3_kib'} read from sysfs cache descriptions."""
    sizes: dict[str, int] = {}
    for index in sorted(sysfs_cpu.glob("cache/index*")):
        try:
            level = (index / "level").read_text().strip()
            kind = (index / "type").read_text().strip()
            size = (index / "size").read_text().strip()
        except OSError:
            continue
        if kind == "Instruction" or not size.endswith("K"):
            continue
        key = "l1d_kib" if level == "1" else f"l{level}_kib"
        if key in ("l1d_kib", "l2_kib", "l3_kib"):
            sizes[key] = int(size[:-1])
    return sizes


def detect_host(
    cpuinfo: str | Path = "/proc/cpuinfo",
    sysfs_cpu: str | Path = "/sys/devices/system/cpu/cpu0",
) -> TargetInfo:
    """Describe this machine: the built-in family its CPU flags reach, with its own
    flags and cache sizes, named "host". Falls back to `generic` when the flags
    cannot be read (non-Linux, non-x86)."""
    try:
        flags = _cpu_flags(Path(cpuinfo).read_text())
    except OSError:
        flags = None
    if flags is None:
        return replace(TARGETS["generic"], name="host")
    base = _family(flags)
    return replace(base, name="host", features=flags, **_cache_kib(Path(sysfs_cpu)))


def get_target(name: str) -> TargetInfo:
    """A built-in target by name, or the detected CPU for "host"."""
    if name == "host":
        return detect_host()
    target = TARGETS.get(name)
    if target is None:
        available = ", ".join([*sorted(TARGETS), "host"])
        raise StrategyError(f"unknown target '{name}'; available: {available}")
    return target


# ---------------------------------------------------------------------------
# Choices
# ---------------------------------------------------------------------------


def _int_triple(what: str, values: Iterable[int]) -> tuple[int, int, int]:
    """Validate three non-negative ints."""
    triple = tuple(values)
    if len(triple) != 3 or not all(isinstance(v, int) and v >= 0 for v in triple):
        raise StrategyError(f"{what} must be 3 non-negative integers, got {triple}")
    return triple  # type: ignore[return-value]


@dataclass(frozen=True)
class PackingChoice:
    """How to pack one contraction; the options of `pack-greedily`.

    `packed_sizes` are (m0, n0, k0) tiles (0 = do not pack that loop);
    `padded_sizes_next_multiple_of` (m, n, k) pads a loop to a multiple instead
    of tiling it (at most one of the two may be non-zero per loop);
    `inner_dims_order` places m, n, k among the three innermost loops (a
    permutation of 0, 1, 2; upstream's `matmul_inner_dims_order`);
    `mmt4d_layout` asks for LHS [M][K][m0][k0], RHS [N][K][n0][k0],
    ACC [M][N][m0][n0]. `reason` says why, for `report=true`.
    """

    packed_sizes: tuple[int, int, int]
    padded_sizes_next_multiple_of: tuple[int, int, int] | None = None
    inner_dims_order: tuple[int, int, int] = (0, 1, 2)
    mmt4d_layout: bool = True
    reason: str = ""

    def __post_init__(self) -> None:
        sizes = _int_triple("packed_sizes", self.packed_sizes)
        object.__setattr__(self, "packed_sizes", sizes)
        order = _int_triple("inner_dims_order", self.inner_dims_order)
        if sorted(order) != [0, 1, 2]:
            raise StrategyError(
                f"inner_dims_order must be a permutation of 0, 1, 2, got {order}"
            )
        object.__setattr__(self, "inner_dims_order", order)
        padded = self.padded_sizes_next_multiple_of
        if padded is None:
            return
        padded = _int_triple("padded_sizes_next_multiple_of", padded)
        object.__setattr__(self, "padded_sizes_next_multiple_of", padded)
        for name, size, multiple in zip("mnk", sizes, padded, strict=True):
            if size and multiple:
                raise StrategyError(
                    f"at most one of packed size ({size}) and padded size next "
                    f"multiple of ({multiple}) may be non-zero for {name}"
                )

    def as_options(self) -> str:
        """The equivalent `pack-greedily{...}` options."""
        parts = ["packed-sizes=" + ",".join(map(str, self.packed_sizes))]
        if self.padded_sizes_next_multiple_of is not None:
            padded = ",".join(map(str, self.padded_sizes_next_multiple_of))
            parts.append(f"padded-sizes-next-multiple-of={padded}")
        parts.append("inner-dims-order=" + ",".join(map(str, self.inner_dims_order)))
        parts.append(f"mmt4d-layout={str(self.mmt4d_layout).lower()}")
        return " ".join(parts)


Strategy: TypeAlias = Callable[[Contraction, TargetInfo], PackingChoice | None]


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

_REGISTRY: dict[str, Callable[[], Strategy]] = {}
"""Name -> zero-argument factory returning the strategy."""


def register_strategy(
    name: str, *, override: bool = False
) -> Callable[[Strategy], Strategy]:
    """Decorator registering a strategy under `name` (in-process plugins, tests);
    an existing name is an error unless `override`."""

    def decorate(strategy: Strategy) -> Strategy:
        if name in _REGISTRY and not override:
            raise StrategyError(f"strategy '{name}' is already registered")
        _REGISTRY[name] = lambda: strategy
        return strategy

    return decorate


def _entry_points() -> dict[str, importlib.metadata.EntryPoint]:
    """Installed entry points of the strategy group, by name (first wins)."""
    found: dict[str, importlib.metadata.EntryPoint] = {}
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry)
    return found


def available_strategies() -> dict[str, str]:
    """Every strategy name that resolves without a module path, with its origin."""
    names = {
        name: "built-in" if factory().__module__ == __name__ else "registered"
        for name, factory in _REGISTRY.items()
    }
    for name, entry in _entry_points().items():
        names.setdefault(name, f"entry point {entry.value}")
    return dict(sorted(names.items()))


def _load(name: str, what: str, loader: Callable[[], object]) -> Strategy:
    """Run `loader`, turning any failure or a non-callable into a StrategyError."""
    try:
        strategy = loader()
    except Exception as exc:  # a plugin can fail in any way; report, don't crash
        raise StrategyError(
            f"cannot load strategy '{name}' ({what}): {type(exc).__name__}: {exc}"
        ) from exc
    if not callable(strategy):
        raise StrategyError(
            f"strategy '{name}' ({what}) is a {type(strategy).__name__}, not a callable"
        )
    return strategy  # type: ignore[return-value]


def _load_module_path(path: str) -> Strategy:
    """Import `package.module:function` (the function may be dotted: `Cls.method`)."""
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise StrategyError(
            f"strategy module path must look like 'package.module:function', got '{path}'"
        )

    def load() -> object:
        module = importlib.import_module(module_name)
        return reduce(getattr, attribute.split("."), module)

    return _load(path, "module path", load)


def _unknown(name: str) -> StrategyError:
    """The error for a name that is neither registered nor an entry point."""
    listing = ", ".join(
        f"{n} ({origin})" for n, origin in available_strategies().items()
    )
    return StrategyError(
        f"unknown strategy '{name}'; available: {listing}; or '{AUTO}' (the "
        "target's default), or a module path 'package.module:function'"
    )


def get_strategy(name: str) -> Strategy:
    """Resolve a strategy name: registered, entry point, then module path."""
    factory = _REGISTRY.get(name)
    if factory is not None:
        return factory()
    entry = _entry_points().get(name)
    if entry is not None:
        return _load(name, f"entry point {entry.value}", entry.load)
    if ":" in name:
        return _load_module_path(name)
    raise _unknown(name)


def choose(
    contraction: Contraction,
    strategy: str = AUTO,
    target: str | TargetInfo = "host",
) -> PackingChoice | None:
    """Ask `strategy` (a name; "auto" = the target's default) how to pack
    `contraction` on `target` (a name, "host", or a TargetInfo). None means the
    strategy declines: leave the op alone."""
    info = target if isinstance(target, TargetInfo) else get_target(target)
    name = info.default_strategy if strategy == AUTO else strategy
    strategy_fn = get_strategy(name)
    try:
        choice = strategy_fn(contraction, info)
    except DiagnosticException:
        raise
    except Exception as exc:  # plugin code: report it as a diagnostic
        raise StrategyError(
            f"strategy '{name}' failed on {contraction.op_name}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if choice is not None and not isinstance(choice, PackingChoice):
        raise StrategyError(
            f"strategy '{name}' returned a {type(choice).__name__}; expected a "
            "PackingChoice or None"
        )
    return choice


# ---------------------------------------------------------------------------
# Built-in strategies: tables
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Built-in strategies: the choice logic
# ---------------------------------------------------------------------------


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
        fallback = get_strategy(row.fallback or "generic")(contraction, target)
        if fallback is None:
            return None
        why = f"{name}: no tile for {contraction.signature}; falling back to "
        return replace(fallback, reason=why + fallback.reason)
    if row.tile.fixed_shape:
        tile, notes = _fit_fragment(row, row.tile, contraction)
    else:
        tile, notes = _fit_to_problem(row.tile, contraction)
    return _choice(name, tile, notes)


@register_strategy("generic")
def generic_strategy(
    contraction: Contraction, target: TargetInfo
) -> PackingChoice | None:
    """Portable tiles for the C emitter on any CPU."""
    return _table_strategy("generic", GENERIC_TABLE, contraction, target)


@register_strategy("avx2")
def avx2_strategy(contraction: Contraction, target: TargetInfo) -> PackingChoice | None:
    """Tiles for 16 ymm registers and 2 FMA units (Haswell and later)."""
    return _table_strategy("avx2", AVX2_TABLE, contraction, target)


@register_strategy("avx512")
def avx512_strategy(
    contraction: Contraction, target: TargetInfo
) -> PackingChoice | None:
    """Tiles for 32 zmm registers and 2 FMA units (f32, f16/bf16->f32, i8->i32)."""
    return _table_strategy("avx512", AVX512_TABLE, contraction, target)


@register_strategy("amx")
def amx_strategy(contraction: Contraction, target: TargetInfo) -> PackingChoice | None:
    """AMX tiles for bf16 and i8; other types fall back to avx512."""
    return _table_strategy("amx", AMX_TABLE, contraction, target)


@register_strategy("wmma")
def wmma_strategy(contraction: Contraction, target: TargetInfo) -> PackingChoice | None:
    """CUDA WMMA fragment shapes (f16, bf16, i8, tf32, f64)."""
    return _table_strategy("wmma", WMMA_TABLE, contraction, target)
