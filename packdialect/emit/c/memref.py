"""memref ops for the C emitter.

A memref value is a `MemRefView`: a C pointer to the element at the view's
offset, its sizes and its strides (each an int when static, else a C int64_t
expression). Views of views (subview, collapse_shape, expand_shape, cast)
only compute new pointers, sizes and strides; loads and stores linearize
their indices with the strides.
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    DenseIntOrFPElementsAttr,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerAttr,
    MemRefType,
    StridedLayoutAttr,
    UnitAttr,
)
from xdsl.ir import Attribute, Operation, SSAValue

from packdialect.emit.c import index as ix
from packdialect.emit.c.base import EmitterBase
from packdialect.emit.c.types import (
    EmitError,
    byte_size,
    is_bf16,
    is_float,
    is_i1,
    scalar_ctype,
    scalar_literal,
)
from packdialect.emit.c.views import (
    MemRefView,
    layout_strides,
    static_offset,
    static_sizes,
)
from packdialect.ir.dtypes import DtypeError, storage_dtype

_ALLOC_HELPER = """\
static inline void *pdh_alloc(size_t align, size_t bytes) {
  size_t rounded = (bytes + align - 1) / align * align;
  void *p = aligned_alloc(align, rounded ? rounded : align);
  if (!p) abort();
  return p;
}
"""

SCRATCH_MIN_BYTES = 4096
"""An alloc freed in its own block, this large or larger (or of dynamic size),
is a cached scratch buffer (see `_SCRATCH_HELPER`)."""

_HUGE_PAGE_BYTES = 1 << 21

_SCRATCH_HELPER = f"""\
#if defined(__linux__)
#include <sys/mman.h>
#endif
// A scratch buffer cached across calls, one per alloc site and thread: no
// malloc, no page faults and warm TLB entries on every call after the first.
// A call that finds it busy (recursion) gets a buffer of its own.
typedef struct {{ void *ptr; size_t bytes; size_t align; int busy; }} pdh_scratch_t;
static inline void *pdh_scratch(pdh_scratch_t *slot, size_t align, size_t bytes) {{
  if (slot->busy) return pdh_alloc(align, bytes);
  if (slot->bytes < bytes || slot->align < align || !slot->ptr) {{
    free(slot->ptr);
    size_t huge = bytes >= {_HUGE_PAGE_BYTES}u ? {_HUGE_PAGE_BYTES}u : align;
    size_t grain = huge > align ? huge : align;
    slot->ptr = pdh_alloc(grain, bytes);
    slot->bytes = bytes;
    slot->align = align;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (grain >= {_HUGE_PAGE_BYTES}u) madvise(slot->ptr, (bytes + grain - 1) / grain * grain, MADV_HUGEPAGE);
#endif
  }}
  slot->busy = 1;
  return slot->ptr;
}}
static inline void pdh_scratch_release(pdh_scratch_t *slot, void *p) {{
  if (slot->busy && p == slot->ptr) slot->busy = 0;
  else free(p);
}}
"""


def _mixed(static: tuple[int, ...], dynamic: list[ix.Index]) -> list[ix.Index]:
    """Merge static values (DYNAMIC_INDEX placeholders) with dynamic operands."""
    pending = list(dynamic)
    return [value if value != DYNAMIC_INDEX else pending.pop(0) for value in static]


def _rank_reduction_kept(sizes: list[ix.Index], reduced: tuple[int, ...]) -> list[int]:
    """Dims of a subview kept in its rank-reduced result (upstream's greedy rule)."""
    kept: list[int] = []
    for d, size in enumerate(sizes):
        if len(kept) < len(reduced):
            target = reduced[len(kept)]
            if size == target or (target < 0 and not isinstance(size, int)):
                kept.append(d)
                continue
        if size != 1:
            raise EmitError("cannot infer the dropped dims of a rank-reducing subview")
    if len(kept) != len(reduced):
        raise EmitError("cannot infer the dropped dims of a rank-reducing subview")
    return kept


class MemRefEmitterMixin(EmitterBase):
    """memref op translation; mixed into CEmitter (uses its core methods)."""

    def memref_handlers(self) -> dict:
        """Op name -> handler for the memref dialect."""
        return {
            "memref.load": self._emit_load,
            "memref.store": self._emit_store,
            "memref.alloc": self._emit_alloc,
            "memref.alloca": self._emit_alloca,
            "memref.dealloc": self._emit_dealloc,
            "memref.get_global": self._emit_get_global,
            "memref.subview": self._emit_subview,
            "memref.cast": self._emit_alias,
            "memref.assume_alignment": self._emit_alias,
            "memref.memory_space_cast": self._emit_alias,
            "memref.collapse_shape": self._emit_collapse_shape,
            "memref.expand_shape": self._emit_expand_shape,
            "memref.reinterpret_cast": self._emit_reinterpret_cast,
            "memref.dim": self._emit_dim,
            "memref.rank": self._emit_rank,
            "memref.copy": self._emit_copy,
        }

    def view(self, value: SSAValue) -> MemRefView:
        """The MemRefView of a memref value."""
        bound = self.lookup(value)
        if not isinstance(bound, MemRefView):
            raise EmitError(f"expected a memref value, got {value.type}")
        return bound

    def indices(self, values) -> list[ix.Index]:
        """Index operands as foldable index quantities."""
        return [self.index(v) for v in values]

    def memref_call_args(self, value: SSAValue) -> list[str]:
        """The C arguments passing a memref to a function (see the ABI)."""
        view = self.view(value)
        t = value.type
        assert isinstance(t, MemRefType)
        args = [view.ptr]
        args += [ix.text(view.sizes[d]) for d, s in enumerate(t.get_shape()) if s < 0]
        if isinstance(t.layout, StridedLayoutAttr):
            args += [
                ix.text(view.strides[d])
                for d, s in enumerate(t.layout.get_strides())
                if s is None
            ]
        return args

    def carried_view(self, t: MemRefType, init: SSAValue | None) -> MemRefView:
        """A pointer variable for a memref carried by scf.for / scf.if."""
        if any(size < 0 for size in t.get_shape()):
            raise EmitError(f"loop-carried memref '{t}' must have a static shape")
        sizes: list[ix.Index] = list(t.get_shape())
        strides = layout_strides(t, sizes, None)
        name = self.fresh()
        ctype = scalar_ctype(t.element_type)
        initial = f" = {self.view(init).ptr}" if init is not None else ""
        self.line(f"{ctype} *{name}{initial};")
        base = name if static_offset(t) == 0 else None
        return MemRefView(name, t.element_type, tuple(sizes), tuple(strides), base)

    def _declare_pointer(self, elem: Attribute, expression: str) -> str:
        name = self.fresh()
        self.line(f"{scalar_ctype(elem)} *{name} = {expression};")
        return name

    # -- loads and stores -------------------------------------------------------

    def _emit_load(self, op: Operation) -> None:
        view = self.view(op.operands[0])
        self.declare(op.results[0], view.element(self.indices(op.operands[1:])))

    def _emit_store(self, op: Operation) -> None:
        value, memref, *indices = op.operands
        target = self.view(memref).element(self.indices(indices))
        self.line(f"{target} = {self.expr(value)};")

    # -- allocation -------------------------------------------------------------

    def _alloc_layout(
        self, op: Operation
    ) -> tuple[MemRefType, list[ix.Index], list[ix.Index]]:
        t = op.results[0].type
        assert isinstance(t, MemRefType)
        dynamic = self.indices(op.operands[: sum(1 for s in t.get_shape() if s < 0)])
        sizes = static_sizes(t, dynamic)
        return t, sizes, layout_strides(t, sizes, None)

    def _emit_alloc(self, op: Operation) -> None:
        t, sizes, strides = self._alloc_layout(op)
        helper = self.helpers.require("pdh_alloc", lambda: _ALLOC_HELPER)
        align = _alignment(op)
        count = _footprint(sizes, strides)
        elem_size = byte_size(t.element_type)
        nbytes = (
            count * elem_size
            if isinstance(count, int)
            else f"(size_t){ix.atom(count)} * {elem_size}"
        )
        if _is_scratch(op, nbytes):
            slot = self.fresh("pds")
            self.scratch_slots[op.results[0]] = slot
            scratch = self.helpers.require("pdh_scratch", lambda: _SCRATCH_HELPER)
            self.line(f"static _Thread_local pdh_scratch_t {slot};")
            call = f"{scratch}(&{slot}, {align}, {nbytes})"
        else:
            call = f"{helper}({align}, {nbytes})"
        name = self._declare_pointer(t.element_type, call)
        self.bind(
            op.results[0],
            MemRefView(name, t.element_type, tuple(sizes), tuple(strides), name),
        )

    def _emit_alloca(self, op: Operation) -> None:
        t, sizes, strides = self._alloc_layout(op)
        count = _footprint(sizes, strides)
        name = self.fresh()
        length = max(count, 1) if isinstance(count, int) else ix.text(count)
        ctype = scalar_ctype(t.element_type)
        self.line(
            f"{ctype} {name}[{length}] __attribute__((aligned({_alignment(op)})));"
        )
        self.bind(
            op.results[0],
            MemRefView(name, t.element_type, tuple(sizes), tuple(strides), name),
        )

    def _emit_dealloc(self, op: Operation) -> None:
        pointer = self.view(op.operands[0]).ptr
        slot = self.scratch_slots.get(op.operands[0])
        if slot is not None:
            self.line(f"pdh_scratch_release(&{slot}, {pointer});")
            return
        self.line(f"free({pointer});")

    # -- globals ----------------------------------------------------------------

    def global_declaration(self, op: Operation, symbol: str) -> str:
        """The C definition of a memref.global."""
        t = op.properties["type"]
        assert isinstance(t, MemRefType)
        if any(size < 0 for size in t.get_shape()):
            raise EmitError(f"memref.global of dynamic type '{t}'")
        count = max(1, math.prod(t.get_shape()))
        constant = op.properties.get("constant") is not None
        qualifier = "const " if constant else ""
        attrs = f"__attribute__((aligned({_alignment(op)}), unused))"
        head = f"static {qualifier}{scalar_ctype(t.element_type)} {symbol}[{count}] {attrs}"
        initial = op.properties.get("initial_value")
        if not isinstance(initial, DenseIntOrFPElementsAttr):
            if initial is not None and not isinstance(initial, UnitAttr):
                raise EmitError(
                    f"unsupported initial value of memref.global: {initial.name}"
                )
            return head + ";"
        return f"{head} = {_dense_initializer(initial, t.element_type, count)};"

    def _emit_get_global(self, op: Operation) -> None:
        name = op.properties["name"].root_reference.data  # type: ignore[union-attr]
        global_op = self.globals.get(name)
        if global_op is None:
            raise EmitError(f"memref.get_global of unknown global '{name}'")
        t = op.results[0].type
        assert isinstance(t, MemRefType)
        symbol = self.global_symbols[name]
        ctype = scalar_ctype(t.element_type)
        ptr = f"(({ctype} *){symbol})"
        sizes: list[ix.Index] = list(t.get_shape())
        strides = layout_strides(t, sizes, None)
        self.bind(
            op.results[0],
            MemRefView(ptr, t.element_type, tuple(sizes), tuple(strides), ptr),
        )

    # -- views ------------------------------------------------------------------

    def _emit_alias(self, op: Operation) -> None:
        self.bind(op.results[0], self.view(op.operands[0]))

    def _emit_subview(self, op: Operation) -> None:
        source = self.view(op.operands[0])
        offsets = _mixed(op.static_offsets.get_values(), self.indices(op.offsets))
        sizes = _mixed(op.static_sizes.get_values(), self.indices(op.sizes))
        steps = _mixed(op.static_strides.get_values(), self.indices(op.strides))
        strides = [
            ix.mul(s, step) for s, step in zip(source.strides, steps, strict=True)
        ]
        t = op.results[0].type
        assert isinstance(t, MemRefType)
        kept = list(range(len(sizes)))
        if t.get_num_dims() < len(sizes):
            kept = _rank_reduction_kept(sizes, t.get_shape())
        offset = source.offset(offsets)
        ptr = source.ptr
        if offset != 0:
            ptr = self._declare_pointer(
                source.elem, f"{source.ptr} + {ix.text(offset)}"
            )
        view = MemRefView(
            ptr,
            source.elem,
            tuple(sizes[d] for d in kept),
            tuple(strides[d] for d in kept),
            source.base,
        )
        self.bind(op.results[0], view)

    def _emit_collapse_shape(self, op: Operation) -> None:
        source = self.view(op.operands[0])
        sizes: list[ix.Index] = []
        strides: list[ix.Index] = []
        for group in _reassociation(op):
            sizes.append(ix.product([source.sizes[d] for d in group]))
            inner = [d for d in group if source.sizes[d] != 1] or group
            strides.append(source.strides[inner[-1]])
        view = MemRefView(
            source.ptr, source.elem, tuple(sizes), tuple(strides), source.base
        )
        self.bind(op.results[0], view)

    def _emit_expand_shape(self, op: Operation) -> None:
        source = self.view(op.operands[0])
        t = op.results[0].type
        assert isinstance(t, MemRefType)
        sizes = _mixed(
            op.static_output_shape.get_values(), self.indices(op.operands[1:])
        )
        strides: list[ix.Index] = [0] * len(sizes)
        for source_dim, group in enumerate(_reassociation(op)):
            running = source.strides[source_dim]
            for d in reversed(group):
                strides[d] = running
                running = ix.mul(running, sizes[d])
        view = MemRefView(
            source.ptr, source.elem, tuple(sizes), tuple(strides), source.base
        )
        self.bind(op.results[0], view)

    def _emit_reinterpret_cast(self, op: Operation) -> None:
        source = self.view(op.operands[0])
        if source.base is None:
            raise EmitError(
                "memref.reinterpret_cast of a view whose base pointer is unknown"
            )
        offsets = _mixed(op.static_offsets.get_values(), self.indices(op.offsets))
        sizes = _mixed(op.static_sizes.get_values(), self.indices(op.sizes))
        strides = _mixed(op.static_strides.get_values(), self.indices(op.strides))
        ptr = source.base
        if offsets[0] != 0:
            ptr = self._declare_pointer(
                source.elem, f"{source.base} + {ix.text(offsets[0])}"
            )
        view = MemRefView(ptr, source.elem, tuple(sizes), tuple(strides), source.base)
        self.bind(op.results[0], view)

    def _emit_dim(self, op: Operation) -> None:
        view = self.view(op.operands[0])
        which = self.index(op.operands[1])
        if isinstance(which, int):
            if not 0 <= which < len(view.sizes):
                raise EmitError(f"memref.dim index {which} out of range")
            size = view.sizes[which]
        else:
            listed = ", ".join(ix.text(s) for s in view.sizes)
            size = f"((int64_t[]){{{listed}}})[{which}]"
        self._bind_index(op.results[0], size)

    def _emit_rank(self, op: Operation) -> None:
        self._bind_index(op.results[0], len(self.view(op.operands[0]).sizes))

    def _bind_index(self, value: SSAValue, quantity: ix.Index) -> None:
        if isinstance(quantity, int):
            self.bind(value, ix.text(quantity))
            self.constants[value] = quantity
            return
        self.declare(value, quantity)

    def _emit_copy(self, op: Operation) -> None:
        source, target = (self.view(v) for v in op.operands)
        if source.is_contiguous() and target.is_contiguous():
            nbytes = ix.mul(ix.product(list(source.sizes)), byte_size(source.elem))
            self.line(f"memcpy({target.ptr}, {source.ptr}, {ix.text(nbytes)});")
            return
        ivs = [self.fresh("i") for _ in source.sizes]
        for iv, size in zip(ivs, source.sizes, strict=True):
            self.line(f"for (int64_t {iv} = 0; {iv} < {ix.text(size)}; ++{iv})")
            self.indent += 1
        indices: list[ix.Index] = list(ivs)
        self.line(f"{target.element(indices)} = {source.element(indices)};")
        self.indent -= len(ivs)


def _is_scratch(op: Operation, nbytes: int | str) -> bool:
    """Whether an alloc is a cached scratch buffer: large (or dynamic) and
    deallocated in its own block, so its lifetime is one execution of it."""
    if isinstance(nbytes, int) and nbytes < SCRATCH_MIN_BYTES:
        return False
    block = op.parent_block()
    return any(
        use.operation.name == "memref.dealloc" and use.operation.parent_block() is block
        for use in op.results[0].uses
    )


def _reassociation(op: Operation) -> list[list[int]]:
    attr = op.properties["reassociation"]
    return [[d.value.data for d in group.data] for group in attr.data]  # type: ignore[union-attr]


def _alignment(op: Operation) -> int:
    attr = op.properties.get("alignment")
    if isinstance(attr, IntegerAttr) and attr.value.data > 64:
        return attr.value.data
    return 64


def _footprint(sizes: list[ix.Index], strides: list[ix.Index]) -> ix.Index:
    """Number of elements an allocation of this layout needs."""
    if not sizes:
        return 1
    if strides == ix.row_major_strides(sizes):
        return ix.product(sizes)
    last: ix.Index = 1
    for size, stride in zip(sizes, strides, strict=True):
        last = ix.add(last, ix.mul(ix.add(size, -1), stride))
    return last


# ---------------------------------------------------------------------------
# Dense initializers
# ---------------------------------------------------------------------------


def dense_array(attr: DenseIntOrFPElementsAttr, elem: Attribute) -> np.ndarray:
    """The elements of a dense attribute in their storage form (bf16: bits)."""
    try:
        dtype = storage_dtype(elem)
    except DtypeError as err:
        raise EmitError(str(err)) from None
    return np.frombuffer(attr.data.data, dtype=dtype.newbyteorder("<"))


def element_text(value, elem: Attribute) -> str:
    if is_bf16(elem):
        return f"0x{int(value):04x}"
    if is_i1(elem):
        return "1" if value else "0"
    if isinstance(elem, IndexType) or not is_float(elem):
        return scalar_literal(int(value), elem)
    return scalar_literal(float(value), elem)


def _dense_initializer(
    attr: DenseIntOrFPElementsAttr, elem: Attribute, count: int
) -> str:
    """A C initializer list for a dense attribute (GNU ranges for splats)."""
    values = dense_array(attr, elem)
    if len(values) not in (1, count):
        raise EmitError(
            f"dense initializer has {len(values)} values for {count} elements"
        )
    if not values.any():
        return "{0}"
    first = values[0]
    if len(values) == 1 or (values == first).all():
        return f"{{[0 ... {count - 1}] = {element_text(first, elem)}}}"
    return "{" + ", ".join(element_texts(values, elem)) + "}"


def element_texts(values, elem: Attribute) -> list[str]:
    """C texts of many dense values, fast for large f32/f64 constants."""
    if not isinstance(elem, Float32Type | Float64Type):
        return [element_text(v, elem) for v in values.tolist()]
    pattern, suffix = ("%.9g", "f") if isinstance(elem, Float32Type) else ("%.17g", "")
    texts = []
    for value in values.tolist():
        text = pattern % value
        if not ("." in text or "e" in text):
            if text in ("nan", "inf", "-inf", "-nan"):
                texts.append(scalar_literal(value, elem))
                continue
            text += ".0"
        texts.append(f"({text}{suffix})" if text[0] == "-" else text + suffix)
    return texts
