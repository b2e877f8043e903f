"""What a strategy returns: `PackingChoice`, the options of `pack-greedily`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeAlias

from xdsl.utils.exceptions import DiagnosticException

from packdialect.analysis.contraction import Contraction
from packdialect.targets import TargetInfo


class StrategyError(DiagnosticException):
    """A strategy could not be resolved, or a strategy misbehaved."""


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
"""A packing strategy: how to pack one contraction on a target (None: leave it)."""
