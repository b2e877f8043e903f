"""memref values in C: a pointer (at the offset) plus sizes and strides.

`MemRefView` is what the emitter binds a memref SSA value to; `arg_view`
builds the view of a memref function argument from the ABI's parameter
names (`argN`, `argN_dK`, `argN_sK`).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import MemRefType, NoneAttr, StridedLayoutAttr
from xdsl.ir import Attribute

from packdialect.emit.c import index as ix
from packdialect.emit.c.types import EmitError


@dataclass(frozen=True)
class MemRefView:
    """A memref in C: pointer (at the offset), sizes and strides."""

    ptr: str
    elem: Attribute
    sizes: tuple[ix.Index, ...]
    strides: tuple[ix.Index, ...]
    base: str | None = None
    """Pointer to offset 0 of the layout (the allocation), when known."""

    def offset(self, indices: list[ix.Index]) -> ix.Index:
        """The element offset of `indices` from `ptr`."""
        return ix.linear(indices, list(self.strides))

    def address(self, indices: list[ix.Index]) -> str:
        """C pointer expression to the element at `indices`."""
        offset = self.offset(indices)
        return self.ptr if offset == 0 else f"{self.ptr} + {ix.text(offset)}"

    def element(self, indices: list[ix.Index]) -> str:
        """C lvalue of the element at `indices`."""
        return f"{self.ptr}[{ix.text(self.offset(indices))}]"

    def is_contiguous(self) -> bool:
        """Whether the view is dense row-major (strides from its sizes)."""
        return list(self.strides) == ix.row_major_strides(list(self.sizes))


def static_sizes(t: MemRefType, dynamic: list[ix.Index]) -> list[ix.Index]:
    """The sizes of `t`, taking dynamic ones from `dynamic` in order."""
    pending = list(dynamic)
    return [size if size >= 0 else pending.pop(0) for size in t.get_shape()]


def layout_strides(
    t: MemRefType, sizes: list[ix.Index], name: str | None
) -> list[ix.Index]:
    """Strides of `t`: row-major for the identity layout, else from the layout.

    Dynamic strides of a strided layout read `{name}_sK` (function arguments);
    without a name they are an error.
    """
    if isinstance(t.layout, NoneAttr):
        return ix.row_major_strides(sizes)
    if not isinstance(t.layout, StridedLayoutAttr):
        raise EmitError(f"memref layout '{t.layout}' is not supported by the C emitter")
    strides: list[ix.Index] = []
    for d, stride in enumerate(t.layout.get_strides()):
        if stride is not None:
            strides.append(stride)
        elif name is not None:
            strides.append(f"{name}_s{d}")
        else:
            raise EmitError(f"dynamic strides of '{t}' are not known in the C emitter")
    return strides


def static_offset(t: MemRefType) -> int | None:
    if isinstance(t.layout, NoneAttr):
        return 0
    if isinstance(t.layout, StridedLayoutAttr):
        return t.layout.get_offset()
    return None


def arg_view(t: MemRefType, name: str) -> MemRefView:
    """The view of a memref function argument `name` (dynamic sizes `name_dK`)."""
    sizes: list[ix.Index] = [
        size if size >= 0 else f"{name}_d{d}" for d, size in enumerate(t.get_shape())
    ]
    strides = layout_strides(t, sizes, name)
    base = name if static_offset(t) == 0 else None
    return MemRefView(name, t.element_type, tuple(sizes), tuple(strides), base)
