"""The options of `pack-greedily` for one op, and what packing it produced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects.linalg.ops import GenericOp
from xdsl.utils.exceptions import PassFailedException

from packdialect.analysis.contraction import Contraction
from packdialect.ir.ops import PackOp, UnpackOp

# ---------------------------------------------------------------------------
# Options and results
# ---------------------------------------------------------------------------


def _triple(name: str, values: Sequence[int]) -> tuple[int, int, int]:
    """Three non-negative ints, else PassFailedException naming the option."""
    triple = tuple(values)
    if len(triple) != 3 or any(v < 0 for v in triple):
        shown = ",".join(map(str, triple))
        raise PassFailedException(
            f"pack-greedily: {name} must be 3 non-negative integers (m, n, k), "
            f"got '{shown}'"
        )
    return triple  # type: ignore[return-value]


@dataclass(frozen=True)
class PackGreedilyOptions:
    """How to pack one contraction (upstream's pack_greedily parameters).

    `packed_sizes` (m, n, k): tile of each loop, 0 = not tiled by a size.
    `padded_sizes_next_multiple_of` (m, n, k): a non-zero entry tiles that
    loop by its whole extent rounded up to the multiple (one padded tile).
    `inner_dims_order`: where m, n, k go among the three innermost loops
    (upstream's `matmul_inner_dims_order`; [1, 2, 0] gives loops (k, m, n)).
    `mmt4d_layout`: permute outer dims to the mmt4d layout (loops must be
    (m, n, k), i.e. order [0, 1, 2]). `reason`: where the options came from.
    """

    packed_sizes: tuple[int, int, int]
    padded_sizes_next_multiple_of: tuple[int, int, int] = (0, 0, 0)
    inner_dims_order: tuple[int, int, int] = (0, 1, 2)
    mmt4d_layout: bool = False
    reason: str = ""

    def __post_init__(self) -> None:
        sizes = _triple("packed-sizes", self.packed_sizes)
        padded = _triple(
            "padded-sizes-next-multiple-of", self.padded_sizes_next_multiple_of
        )
        order = _triple("inner-dims-order", self.inner_dims_order)
        if sorted(order) != [0, 1, 2]:
            raise PassFailedException(
                "pack-greedily: inner-dims-order must be a permutation of 0,1,2, "
                f"got '{','.join(map(str, order))}'"
            )
        for name, size, multiple in zip("mnk", sizes, padded, strict=True):
            if size and multiple:
                raise PassFailedException(
                    f"pack-greedily: {name} has both a packed size ({size}) and a "
                    f"padded-sizes-next-multiple-of ({multiple}); give at most one"
                )
        if self.mmt4d_layout and order != (0, 1, 2):
            raise PassFailedException(
                "pack-greedily: mmt4d-layout=true needs the loops (m, n, k), i.e. "
                f"inner-dims-order=0,1,2, got '{','.join(map(str, order))}'"
            )
        object.__setattr__(self, "packed_sizes", sizes)
        object.__setattr__(self, "padded_sizes_next_multiple_of", padded)
        object.__setattr__(self, "inner_dims_order", order)

    def describe(self) -> str:
        """The equivalent pass options, for reports."""
        parts = ["packed-sizes=" + ",".join(map(str, self.packed_sizes))]
        if any(self.padded_sizes_next_multiple_of):
            padded = ",".join(map(str, self.padded_sizes_next_multiple_of))
            parts.append(f"padded-sizes-next-multiple-of={padded}")
        parts.append("inner-dims-order=" + ",".join(map(str, self.inner_dims_order)))
        parts.append(f"mmt4d-layout={str(self.mmt4d_layout).lower()}")
        return " ".join(parts)


@dataclass
class PackResult:
    """What `pack_matmul_greedily` built (upstream `linalg::PackResult`)."""

    pack_ops: list[PackOp]
    packed_op: GenericOp
    unpack_ops: list[UnpackOp]
    contraction: Contraction
