"""The target model: ONE description of every machine packdialect generates for.

`TargetInfo` (model.py) is what passes, strategies and the runtime may
assume; `cpu.py` holds the built-in x86 families and host detection,
`gpu.py` the tensor-core targets. `get_target(name)` resolves a name
("host" is detected from /proc/cpuinfo and sysfs).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from packdialect.targets.cpu import CPU_TARGETS, detect_host
from packdialect.targets.gpu import GPU_TARGETS
from packdialect.targets.model import FragmentShape, TargetError, TargetInfo

TARGETS: Mapping[str, TargetInfo] = MappingProxyType({**CPU_TARGETS, **GPU_TARGETS})
"""Every built-in target by name ("host" is detected, not listed)."""


def get_target(name: str) -> TargetInfo:
    """A built-in target by name, or the detected CPU for "host"."""
    if name == "host":
        return detect_host()
    target = TARGETS.get(name)
    if target is None:
        available = ", ".join([*sorted(TARGETS), "host"])
        raise TargetError(f"unknown target '{name}'; available: {available}")
    return target


def host_description(target: TargetInfo | None = None) -> str:
    """One line naming the host: CPU model, ISA family, caches."""
    host = target or detect_host()
    model = host.model or "unknown CPU"
    return (
        f"{model} ({host.isa}; L1d {host.l1d_kib} KiB, L2 {host.l2_kib} KiB, "
        f"L3 {host.l3_kib} KiB)"
    )


__all__ = [
    "TARGETS",
    "FragmentShape",
    "TargetError",
    "TargetInfo",
    "detect_host",
    "get_target",
    "host_description",
]
