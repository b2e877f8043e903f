"""GPU targets: NVIDIA tensor-core machines.

`cuda-wmma` describes an sm_80-class GPU for the packing strategies: its
"vector" is a warp (32 lanes x 32 bits), registers are per thread, the "FMA
units" are the tensor cores of an SM and L1 is the SM's shared memory.
`fragments` lists the WMMA shapes (m16n16k16 f16/bf16/i8, m16n16k8 tf32,
m8n8k4 f64); the CUDA backend adds its per-arch targets here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from packdialect.targets.model import FragmentShape, TargetInfo

WMMA_FRAGMENTS = (
    FragmentShape(16, 16, 16, "f16", "f32"),
    FragmentShape(32, 8, 16, "f16", "f32"),
    FragmentShape(8, 32, 16, "f16", "f32"),
    FragmentShape(16, 16, 16, "bf16", "f32"),
    FragmentShape(16, 16, 16, "i8", "i32"),
    FragmentShape(16, 16, 8, "tf32", "f32"),
    FragmentShape(8, 8, 4, "f64", "f64"),
)
"""The WMMA fragment shapes of sm_80 (CUDA C++ Programming Guide, 7.24.6)."""

GPU_TARGETS: Mapping[str, TargetInfo] = MappingProxyType(
    {
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
            family="cuda-wmma",
            sm="sm_80",
            fragments=WMMA_FRAGMENTS,
        ),
    }
)
"""Built-in GPU targets."""
