"""CPU targets: the built-in x86 families and detection of the host.

`detect_host()` reads /proc/cpuinfo (flags, model name) and sysfs (cache
sizes) and describes this machine as the most capable built-in family its
flags reach, with its own flags, caches and model name, named "host".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from packdialect.targets.model import TargetInfo

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

CPU_TARGETS: Mapping[str, TargetInfo] = MappingProxyType(
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
            family="generic",
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
            family="avx2",
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
            family="avx512",
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
            family="amx",
        ),
    }
)
"""Built-in CPU targets (immutable descriptions, not state)."""


def _cpuinfo_field(cpuinfo: str, name: str) -> str | None:
    """The value of the first `name : value` line of /proc/cpuinfo text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


def _cpu_flags(cpuinfo: str) -> frozenset[str] | None:
    """Normalized flags of the first CPU in /proc/cpuinfo text, None if absent."""
    value = _cpuinfo_field(cpuinfo, "flags")
    if value is None:
        return None
    flags = {flag.replace("_", "") for flag in value.split()}
    if "amxtile" in flags:
        flags.add("amx")
    return frozenset(flags)


def _family(flags: frozenset[str]) -> TargetInfo:
    """The most capable built-in CPU target whose defining features `flags` has."""
    if {"amx", "amxbf16", "amxint8", "avx512f"} <= flags:
        return CPU_TARGETS["amx"]
    if {"avx512f", "avx512bw"} <= flags:
        return CPU_TARGETS["avx512"]
    if {"avx2", "fma"} <= flags:
        return CPU_TARGETS["avx2"]
    return CPU_TARGETS["generic"]


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
    flags, cache sizes and model name, named "host". Falls back to `generic`
    when the flags cannot be read (non-Linux, non-x86)."""
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        text = ""
    flags = _cpu_flags(text)
    if flags is None:
        return replace(CPU_TARGETS["generic"], name="host")
    base = _family(flags)
    return replace(
        base,
        name="host",
        features=flags,
        model=_cpuinfo_field(text, "model name") or "",
        **_cache_kib(Path(sysfs_cpu)),
    )
