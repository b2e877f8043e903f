"""The one target model: what passes, strategies and the runtime may assume.

A `TargetInfo` is an immutable description of a machine (not state). CPU
fields: ISA features, vector width and register count, FMA units, cache
sizes. GPU targets use the same fields with their own meaning (a "vector" is
a warp of 32 lanes of 32 bits, registers are per thread, the "FMA units" are
the tensor cores of an SM, L1 is the SM's shared memory) plus `sm` and the
tensor-core `fragments` (see `packdialect.targets.gpu`).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.utils.exceptions import DiagnosticException


class TargetError(DiagnosticException):
    """An unknown target name, or a target a pass cannot use."""


@dataclass(frozen=True)
class FragmentShape:
    """One tensor-core instruction shape: m x n x k on these element types."""

    m: int
    n: int
    k: int
    operands: str
    """Element type of A and B ("f16", "bf16", "i8", "tf32", "f64")."""
    accumulator: str


@dataclass(frozen=True)
class TargetInfo:
    """What a strategy, a pass or the runtime may assume about the machine.

    `features` uses cpuinfo flag names without underscores ("avx2", "fma",
    "avx512f", "avx512bf16", "avx512fp16", "avx512vnni"), plus "amx",
    "amxbf16", "amxint8" for AMX and "wmma", "tf32" for tensor cores.
    `family` is the built-in target whose tiles this machine takes (the host
    is detected as one of them); `default_strategy` is what `strategy=auto`
    resolves to. `model` is the CPU (or GPU) model name where known.
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
    family: str = ""
    model: str = ""
    sm: str = ""
    """GPU compute capability (`sm_80`); empty for CPUs."""
    fragments: tuple[FragmentShape, ...] = ()
    """Tensor-core instruction shapes (GPU targets)."""

    def has(self, *features: str) -> bool:
        """True when the target has every one of `features`."""
        return all(feature in self.features for feature in features)

    def lanes(self, element_bits: int) -> int:
        """Elements of `element_bits` bits in one vector register."""
        return max(1, self.vector_bits // element_bits)

    @property
    def isa(self) -> str:
        """The instruction-set family, for reports ("avx512", "avx2", ...)."""
        return self.family or self.name
