"""`pack-stats`: report per function how many packs/unpacks run and what they move."""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.passes import ModulePass

from packdialect.diagnostics import remark
from packdialect.ir.ops import PackOp, RelayoutOp


def _bytes(t: TensorType) -> int | None:
    """Size in bytes of a static tensor type, else None."""
    if not t.has_static_shape():
        return None
    elt = t.get_element_type()
    width = getattr(elt, "bitwidth", None) or 8
    count = 1
    for d in t.get_shape():
        count *= d
    return count * max(width, 8) // 8


def function_stats(fn: func.FuncOp) -> dict[str, int]:
    """pack / unpack counts and the bytes they read+write (static shapes only)."""
    stats = {"pack": 0, "unpack": 0, "bytes": 0}
    for op in fn.walk():
        if not isinstance(op, RelayoutOp):
            continue
        stats["pack" if isinstance(op, PackOp) else "unpack"] += 1
        for t in (op.source.type, op.dest.type):
            size = _bytes(t) if isinstance(t, TensorType) else None
            stats["bytes"] += size or 0
    return stats


@dataclass(frozen=True)
class PackStatsPass(ModulePass):
    """Reports `pack-stats @fn: packs=N unpacks=M bytes=B` per function, as a
    remark at the function (stderr).

    The IR is left unchanged, so the pass can sit anywhere in a pipeline.
    """

    name = "pack-stats"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for fn in op.walk():
            if not isinstance(fn, func.FuncOp):
                continue
            s = function_stats(fn)
            remark(
                fn,
                f"pack-stats @{fn.sym_name.data}: packs={s['pack']} "
                f"unpacks={s['unpack']} bytes={s['bytes']}",
            )


__all__ = ["PackStatsPass", "function_stats"]
