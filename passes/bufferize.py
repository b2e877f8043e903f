"""`bufferize`: tensors to memrefs in destination-passing style.

A one-shot bufferizer for the programs packdialect compiles (static shapes,
one block per function, linalg / tensor / arith / math / func ops):

- Every function's tensor arguments become identity-layout memrefs, and its
  tensor results become out-parameters appended after the arguments (in
  result order). Such a function carries `packdialect.outputs = N : i64` and
  returns only its non-tensor results. Calls are rewritten to match.
- `tensor.empty` becomes `memref.alloc` (freed by `memref.dealloc` before the
  return). A dense constant becomes a private constant `memref.global` read
  with `memref.get_global`; a splat constant becomes an alloc filled with
  `linalg.fill` (so it can be written in place, e.g. as a matmul init).
- A destination-style op (every linalg op, `linalg.pack` / `linalg.unpack`,
  `tensor.insert_slice`, `tensor.insert`) writes into the buffer of its init
  *in place* when no later op reads that buffer (or anything aliasing it) and
  the buffer is writable (not an argument, not a constant); otherwise into a
  fresh alloc, which gets a copy of the init only when the op reads its init.
- A returned value whose buffer is an alloc of the result type is computed
  straight in the out-parameter (the alloc is replaced by it): an unpack or a
  matmul producing the result writes into the caller's array, no copy. Other
  results (arguments, constants, views, repeated results) are copied with
  `memref.copy`.
- `tensor.expand_shape` / `collapse_shape` / `extract_slice` become memref
  views (`memref.expand_shape` / `collapse_shape` / `subview`); `tensor.pad`
  is an alloc filled with the padding value plus a copy into a subview.
- `linalg.pack` / `linalg.unpack` have no memref form. They stay tensor ops,
  between buffers, the way upstream marks an op that still has to be lowered:

      %s = bufferization.to_tensor %src restrict : memref<..> to tensor<..>
      %d = bufferization.to_tensor %dst restrict writable : memref<..> to tensor<..>
      %p = linalg.pack %s ... into %d : tensor<..> -> tensor<..>
      bufferization.materialize_in_destination %p in restrict writable %dst

  `lower-packs` turns each such group into loops over `%src` and `%dst`.

Anything else with a tensor operand or result (e.g. `scf.for` on tensors,
dynamic shapes) is refused with a PassFailedException naming the op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import arith, bufferization, func, memref, tensor
from xdsl.dialects.builtin import (
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    FunctionType,
    IndexType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    StringAttr,
    SymbolRefAttr,
    TensorType,
    UnitAttr,
    i64,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.ops import BroadcastOp, FillOp, ReduceOp
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint
from xdsl.utils.exceptions import PassFailedException

from packdialect.analysis.layout import is_identity_layout
from packdialect.diagnostics import OpError, Refused
from packdialect.ir.attributes import OUTPUTS_ATTR
from packdialect.ir.ops import RelayoutOp
from packdialect.ir.resources import dense_elements

"""Function attribute: the number of trailing memref arguments that are outputs."""


def memref_type(tensor_type: Attribute, where: Operation | None = None) -> MemRefType:
    """The identity-layout memref type of a static tensor type."""
    if not isinstance(tensor_type, TensorType):
        raise PassFailedException(
            f"bufferize: expected a tensor type, got {tensor_type}"
        )
    if not tensor_type.has_static_shape():
        name = f" in '{where.name}'" if where is not None else ""
        raise OpError(
            where,
            f"bufferize: only static shapes are supported, got {tensor_type}{name}",
        )
    return MemRefType(tensor_type.get_element_type(), tensor_type.get_shape())


# ---------------------------------------------------------------------------
# Buffers and their roots
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class _Root:
    """An underlying allocation: a function argument, a constant or an alloc."""

    kind: str  # "arg" | "const" | "alloc"
    alloc: memref.AllocOp | None = None
    values: list[SSAValue] = field(default_factory=list)

    @property
    def writable(self) -> bool:
        """Only buffers this function allocated may be written."""
        return self.kind == "alloc"


@dataclass(frozen=True)
class _Buffer:
    """The memref holding a tensor value, the root it lives in, whether a view."""

    value: SSAValue
    root: _Root
    is_view: bool = False


class _Globals:
    """The module's constant globals, one per distinct dense attribute
    (a `dense_resource<...>` read into one: memref.global takes no other)."""

    def __init__(self, module: ModuleOp):
        self.module = module
        self.by_attr: dict[tuple[Attribute, Attribute], str] = {}
        self.taken = {
            op.sym_name.data
            for op in module.body.block.ops
            if isinstance(op, memref.GlobalOp | func.FuncOp)
        }
        self.first_func = next(
            (op for op in module.body.block.ops if isinstance(op, func.FuncOp)), None
        )

    def get(self, value: Attribute, mtype: MemRefType) -> str:
        """The symbol of a constant global holding `value` (created on demand)."""
        key = (value, mtype)
        if key in self.by_attr:
            return self.by_attr[key]
        shape = "x".join(str(d) for d in mtype.get_shape())
        base = f"__constant_{shape}x{mtype.get_element_type()}"
        name, counter = base, 0
        while name in self.taken:
            name = f"{base}_{counter}"
            counter += 1
        self.taken.add(name)
        self.by_attr[key] = name
        glob = memref.GlobalOp.get(
            StringAttr(name), mtype, value, StringAttr("private"), UnitAttr(), 64
        )
        block = self.module.body.block
        if self.first_func is not None:
            block.insert_op_before(glob, self.first_func)
        else:
            block.add_op(glob)
        return name


# ---------------------------------------------------------------------------
# Function signatures
# ---------------------------------------------------------------------------


def _is_tensor(value_type: Attribute) -> bool:
    return isinstance(value_type, TensorType)


def bufferized_signature(
    fn_type: FunctionType, where: Operation | None = None
) -> tuple[FunctionType, int]:
    """(memref signature with out-parameters, number of out-parameters)."""
    inputs = [memref_type(t, where) if _is_tensor(t) else t for t in fn_type.inputs]
    outs = [memref_type(t, where) for t in fn_type.outputs if _is_tensor(t)]
    scalars = [t for t in fn_type.outputs if not _is_tensor(t)]
    return FunctionType.from_lists([*inputs, *outs], scalars), len(outs)


def _needs_bufferization(fn: func.FuncOp) -> bool:
    """Whether any tensor appears in the signature or the body of `fn`."""
    fn_type = fn.function_type
    if any(_is_tensor(t) for t in (*fn_type.inputs, *fn_type.outputs)):
        return True
    return any(
        _is_tensor(v.type) for op in fn.walk() for v in (*op.operands, *op.results)
    )


# ---------------------------------------------------------------------------
# The function bufferizer
# ---------------------------------------------------------------------------


def _top_level_index(op: Operation, block: Block, positions: dict) -> int:
    """Position in `block` of the ancestor of `op` that lives in `block`."""
    current: Operation | None = op
    while current is not None and current.parent_block() is not block:
        current = current.parent_op()
    if current is None:
        return len(positions)
    return positions[current]


def _reads_init(op: Operation, output_index: int) -> bool:
    """Whether a linalg op reads the initial value of its output #output_index."""
    if isinstance(op, BroadcastOp):
        return False
    if isinstance(op, ReduceOp):
        return True
    if isinstance(op, LinalgStructuredOperation):
        block = op.body.block
        arg = block.args[len(op.inputs) + output_index]
        return bool(arg.uses)
    return True


class FunctionBufferizer:
    """Rewrites one function from tensors to memrefs (see the module docstring)."""

    def __init__(self, fn: func.FuncOp, globals_: _Globals, signatures: dict):
        self.fn = fn
        self.globals = globals_
        self.signatures = signatures
        self.block = fn.body.block
        self.ops = list(self.block.ops)
        self.positions = {op: i for i, op in enumerate(self.ops)}
        self.last_use = self._last_uses()
        self.buffers: dict[SSAValue, _Buffer] = {}
        self.roots: list[_Root] = []
        self.dead: list[Operation] = []
        self.position = 0

    # ---- analysis ---------------------------------------------------------
    def _last_uses(self) -> dict[SSAValue, int]:
        """Top-level position of the last use of every tensor value."""
        last: dict[SSAValue, int] = {}
        values: list[SSAValue] = list(self.block.args)
        for op in self.ops:
            values.extend(op.results)
        for value in values:
            if not _is_tensor(value.type):
                continue
            last[value] = max(
                (
                    _top_level_index(use.operation, self.block, self.positions)
                    for use in value.uses
                ),
                default=-1,
            )
        return last

    def _can_write_in_place(self, init: SSAValue, op: Operation) -> bool:
        """True when `op` may overwrite the buffer of `init`."""
        buffer = self.buffers[init]
        root = buffer.root
        if not root.writable:
            return False
        for value in root.values:
            if self.last_use.get(value, -1) > self.position:
                return False
        others = [v for v in op.operands if v is not init and v in self.buffers]
        return all(self.buffers[v].root is not root for v in others)

    # ---- helpers ----------------------------------------------------------
    def _record(self, value: SSAValue, buffer: _Buffer) -> None:
        self.buffers[value] = buffer
        buffer.root.values.append(value)

    def _buffer(self, value: SSAValue) -> SSAValue:
        if value not in self.buffers:
            raise PassFailedException(
                f"bufferize: no buffer for a tensor value of type {value.type}"
            )
        return self.buffers[value].value

    def _new_alloc(
        self, b: Builder, mtype: MemRefType, hint: str | None = None
    ) -> _Root:
        alloc = b.insert(
            memref.AllocOp.get(mtype.get_element_type(), 64, mtype.get_shape())
        )
        alloc.memref.name_hint = hint
        root = _Root("alloc", alloc)
        self.roots.append(root)
        return root

    def _fill(self, b: Builder, scalar: SSAValue, dest: SSAValue) -> None:
        b.insert(FillOp((scalar,), (dest,), res=()))

    def _splat_value(self, value: SSAValue) -> Attribute | None:
        """The scalar attribute of a splat dense constant, else None."""
        owner = value.owner
        if not isinstance(owner, arith.ConstantOp):
            return None
        attr = owner.value
        if isinstance(attr, DenseIntOrFPElementsAttr) and attr.is_splat():
            return attr.get_attrs()[0]
        return None

    def _destination(
        self, b: Builder, op: Operation, init: SSAValue, needs_content: bool
    ) -> _Buffer:
        """The buffer `op` writes its result into, for its init `init`."""
        if self._can_write_in_place(init, op):
            return self.buffers[init]
        mtype = memref_type(init.type, op)
        root = self._new_alloc(
            b, mtype, op.results[0].name_hint if op.results else None
        )
        dest = root.alloc.memref if root.alloc else None
        assert dest is not None
        if needs_content:
            splat = self._splat_value(init)
            if splat is not None:
                scalar = b.insert(arith.ConstantOp(splat)).result
                self._fill(b, scalar, dest)
            else:
                b.insert(memref.CopyOp(self._buffer(init), dest))
        return _Buffer(dest, root)

    def _identity_buffer(self, b: Builder, value: SSAValue, op: Operation) -> SSAValue:
        """A contiguous buffer holding `value` (a copy when it is a strided view)."""
        buf = self._buffer(value)
        if is_identity_layout(buf.type):
            return buf
        root = self._new_alloc(b, memref_type(value.type, op))
        assert root.alloc is not None
        b.insert(memref.CopyOp(buf, root.alloc.memref))
        return root.alloc.memref

    # ---- driver -----------------------------------------------------------
    def run(self) -> None:
        """Bufferize the whole function."""
        new_type, num_outs = self.signatures[self.fn.sym_name.data]
        out_args = self._rewrite_arguments(new_type)
        for index, op in enumerate(self.ops):
            self.position = index
            if isinstance(op, func.ReturnOp):
                self._return(op, out_args)
                continue
            self._op(op)
        for op in reversed(self.dead):
            op.detach()
            op.erase(safe_erase=False)
        self._erase_tensor_arguments()
        self.fn.function_type = new_type
        if num_outs:
            self.fn.attributes[OUTPUTS_ATTR] = IntegerAttr(num_outs, i64)

    def _rewrite_arguments(self, new_type: FunctionType) -> list[SSAValue]:
        """Add a memref argument before each tensor one; append the out-parameters.

        The tensor arguments stay (as keys of the analysis) until `run` ends.
        """
        for index, arg in enumerate(list(self.block.args)):
            if not _is_tensor(arg.type):
                continue
            new_arg = self.block.insert_arg(new_type.inputs.data[index], arg.index)
            new_arg.name_hint = arg.name_hint
            self._record(arg, _Buffer(new_arg, _Root("arg")))
        num_args = len(self.fn.function_type.inputs.data)
        outs = []
        for index, t in enumerate(new_type.inputs.data[num_args:]):
            out = self.block.insert_arg(t, len(self.block.args))
            out.name_hint = f"out{index}"
            outs.append(out)
        return outs

    def _erase_tensor_arguments(self) -> None:
        for arg in list(self.block.args):
            if _is_tensor(arg.type):
                self.block.erase_arg(arg)

    # ---- per-op rules -----------------------------------------------------
    def _op(self, op: Operation) -> None:
        if isinstance(op, RelayoutOp):
            return self._relayout(op)
        if isinstance(op, LinalgStructuredOperation | BroadcastOp | ReduceOp):
            return self._linalg(op)
        # by class or base class: packdialect's PadOp refines tensor.PadOp
        handler = next((_HANDLERS[c] for c in type(op).__mro__ if c in _HANDLERS), None)
        if handler is not None:
            return handler(self, op)
        if isinstance(op, arith.ConstantOp) and _is_tensor(op.result.type):
            return self._constant(op)
        if any(_is_tensor(v.type) for v in (*op.operands, *op.results)):
            raise OpError(op, f"bufferize: '{op.name}' on tensors is not supported")
        if any(_is_tensor(v.type) for inner in op.walk() for v in inner.operands):
            raise OpError(op, f"bufferize: '{op.name}' uses tensors inside its regions")
        return None

    def _constant(self, op: arith.ConstantOp) -> None:
        b = Builder(InsertPoint.before(op))
        mtype = memref_type(op.result.type, op)
        attr = op.value
        dense = dense_elements(attr)
        if isinstance(dense, Refused):
            raise OpError(op, f"bufferize: {dense}")
        if dense.is_splat():
            root = self._new_alloc(b, mtype, op.result.name_hint)
            assert root.alloc is not None
            scalar = b.insert(arith.ConstantOp(dense.get_attrs()[0])).result
            self._fill(b, scalar, root.alloc.memref)
            self._record(op.result, _Buffer(root.alloc.memref, root))
        else:
            name = self.globals.get(dense, mtype)
            get = b.insert(memref.GetGlobalOp(name, mtype))
            get.memref.name_hint = op.result.name_hint
            self._record(op.result, _Buffer(get.memref, _Root("const")))
        self.dead.append(op)

    def _empty(self, op: tensor.EmptyOp) -> None:
        b = Builder(InsertPoint.before(op))
        root = self._new_alloc(b, memref_type(op.tensor.type, op), op.tensor.name_hint)
        assert root.alloc is not None
        self._record(op.tensor, _Buffer(root.alloc.memref, root))
        self.dead.append(op)

    def _linalg(self, op: Operation) -> None:
        b = Builder(InsertPoint.before(op))
        if isinstance(op, BroadcastOp | ReduceOp):
            inputs, outputs = [op.input], [op.init]
        else:
            assert isinstance(op, LinalgStructuredOperation)
            inputs, outputs = list(op.inputs), list(op.outputs)
        if any(isinstance(v.type, MemRefType) for v in outputs):
            if op.results:
                raise OpError(op, f"bufferize: '{op.name}' mixes memrefs and tensors")
            return None
        dests = [
            self._destination(b, op, init, _reads_init(op, i))
            for i, init in enumerate(outputs)
        ]
        in_bufs = [self._buffer(v) if _is_tensor(v.type) else v for v in inputs]
        new_operands = [*in_bufs, *(d.value for d in dests)]
        new = type(op).create(
            operands=new_operands,
            result_types=[],
            properties=dict(op.properties),
            attributes=dict(op.attributes),
            regions=[op.detach_region(r) for r in list(op.regions)],
        )
        b.insert(new)
        for result, dest in zip(op.results, dests, strict=True):
            self._record(result, dest)
        self.dead.append(op)
        return None

    def _relayout(self, op: RelayoutOp) -> None:
        b = Builder(InsertPoint.before(op))
        dest = self._destination(b, op, op.dest, needs_content=False)
        src = self._buffer(op.source)
        src_t = b.insert(bufferization.ToTensorOp(src, restrict=True))
        dest_t = b.insert(
            bufferization.ToTensorOp(dest.value, restrict=True, writable=True)
        )
        op.operands[0] = src_t.tensor
        op.operands[1] = dest_t.tensor
        materialize = bufferization.MaterializeInDestinationOp.create(
            operands=[op.results[0], dest.value],
            properties={"restrict": UnitAttr(), "writable": UnitAttr()},
        )
        self.block.insert_op_after(materialize, op)
        # Later (tensor) uses of the result read the destination buffer.
        self._record(op.results[0], dest)

    def _view(self, op: Operation, view: Operation) -> None:
        """Record `op`'s tensor result as the memref view `view`."""
        source = op.operands[0]
        root = self.buffers[source].root
        self._record(op.results[0], _Buffer(view.results[0], root, is_view=True))
        self.dead.append(op)

    def _expand_shape(self, op: tensor.ExpandShapeOp) -> None:
        b = Builder(InsertPoint.before(op))
        src = self._identity_buffer(b, op.src, op)
        result_type = memref_type(op.result.type, op)
        view = b.insert(
            memref.ExpandShapeOp.create(
                operands=[src],
                result_types=[result_type],
                properties={
                    "reassociation": op.reassociation,
                    "static_output_shape": DenseArrayBase.from_list(
                        i64, list(result_type.get_shape())
                    ),
                },
            )
        )
        self._view_from(op, view, op.src)

    def _collapse_shape(self, op: tensor.CollapseShapeOp) -> None:
        b = Builder(InsertPoint.before(op))
        src = self._identity_buffer(b, op.src, op)
        view = b.insert(
            memref.CollapseShapeOp.create(
                operands=[src],
                result_types=[memref_type(op.result.type, op)],
                properties={"reassociation": op.reassociation},
            )
        )
        self._view_from(op, view, op.src)

    def _view_from(self, op: Operation, view: Operation, source: SSAValue) -> None:
        root = self.buffers[source].root
        buf = self.buffers[source].value
        is_view = view.results[0] is not buf
        self._record(op.results[0], _Buffer(view.results[0], root, is_view=is_view))
        self.dead.append(op)

    def _subview(
        self, b: Builder, buf: SSAValue, offsets, sizes, strides, op: Operation
    ) -> SSAValue:
        """A static `memref.subview` of `buf`."""
        if not all(isinstance(x, int) for x in (*offsets, *sizes, *strides)):
            raise OpError(
                op,
                f"bufferize: '{op.name}' with dynamic offsets/sizes is not supported",
            )
        buf_type = buf.type
        assert isinstance(buf_type, MemRefType)
        view = b.insert(
            memref.SubviewOp.from_static_parameters(
                buf, buf_type, offsets, sizes, strides
            )
        )
        return view.result

    def _extract_slice(self, op: tensor.ExtractSliceOp) -> None:
        b = Builder(InsertPoint.before(op))
        src = self._buffer(op.source)
        offsets, sizes, strides = _static_slice(op)
        view = self._subview(b, src, offsets, sizes, strides, op)
        result_type = op.result.type
        assert isinstance(result_type, TensorType)
        if len(result_type.get_shape()) != len(sizes):
            view = self._rank_reduce(b, view, result_type, sizes, op)
        root = self.buffers[op.source].root
        self._record(op.result, _Buffer(view, root, is_view=True))
        self.dead.append(op)

    def _rank_reduce(
        self, b: Builder, view: SSAValue, result_type: TensorType, sizes, op: Operation
    ) -> SSAValue:
        """Drop the unit dims of a subview to reach a rank-reduced slice type."""
        view_type = view.type
        assert isinstance(view_type, MemRefType)
        reduced = memref.SubviewOp.infer_result_type(
            view_type, [0] * len(sizes), list(sizes), [1] * len(sizes), reduce_rank=True
        )
        if list(reduced.get_shape()) != list(result_type.get_shape()):
            raise OpError(
                op,
                f"bufferize: cannot rank-reduce {view_type} to {result_type} "
                f"in '{op.name}'",
            )
        new = b.insert(
            memref.SubviewOp.get(
                view, [0] * len(sizes), list(sizes), [1] * len(sizes), reduced
            )
        )
        return new.result

    def _insert_slice(self, op: tensor.InsertSliceOp) -> None:
        b = Builder(InsertPoint.before(op))
        dest = self._destination(b, op, op.dest, needs_content=True)
        offsets, sizes, strides = _static_slice(op)
        window = self._subview(b, dest.value, offsets, sizes, strides, op)
        source_type = op.source.type
        assert isinstance(source_type, TensorType)
        if len(source_type.get_shape()) != len(sizes):
            window = self._rank_reduce(b, window, source_type, sizes, op)
        b.insert(memref.CopyOp(self._buffer(op.source), window))
        self._record(op.result, dest)
        self.dead.append(op)

    def _pad(self, op: tensor.PadOp) -> None:
        b = Builder(InsertPoint.before(op))
        pad_value = _pad_scalar(op, b)
        result_type = memref_type(op.result.type, op)
        root = self._new_alloc(b, result_type)
        assert root.alloc is not None
        self._fill(b, pad_value, root.alloc.memref)
        low = list(op.static_low.get_values())
        source_type = op.source.type
        assert isinstance(source_type, TensorType)
        sizes = list(source_type.get_shape())
        window = self._subview(b, root.alloc.memref, low, sizes, [1] * len(sizes), op)
        b.insert(memref.CopyOp(self._buffer(op.source), window))
        self._record(op.result, _Buffer(root.alloc.memref, root))
        self.dead.append(op)

    def _extract(self, op: tensor.ExtractOp) -> None:
        b = Builder(InsertPoint.before(op))
        load = b.insert(memref.LoadOp.get(self._buffer(op.tensor), list(op.indices)))
        op.result.replace_all_uses_with(load.res)
        self.dead.append(op)

    def _insert(self, op: tensor.InsertOp) -> None:
        b = Builder(InsertPoint.before(op))
        dest = self._destination(b, op, op.dest, needs_content=True)
        b.insert(memref.StoreOp.get(op.scalar, dest.value, list(op.indices)))
        self._record(op.result, dest)
        self.dead.append(op)

    def _cast(self, op: tensor.CastOp) -> None:
        memref_type(op.result.type, op)
        buf = self.buffers[op.source]
        self._record(op.result, buf)
        self.dead.append(op)

    def _dim(self, op: tensor.DimOp) -> None:
        b = Builder(InsertPoint.before(op))
        source_type = op.source.type
        assert isinstance(source_type, TensorType)
        index_owner = op.index.owner
        if not isinstance(index_owner, arith.ConstantOp):
            raise OpError(op, "bufferize: tensor.dim needs a constant index")
        value = index_owner.value
        assert isinstance(value, IntegerAttr)
        size = source_type.get_shape()[value.value.data]
        const = b.insert(arith.ConstantOp(IntegerAttr(size, IndexType())))
        op.result.replace_all_uses_with(const.result)
        self.dead.append(op)

    def _from_elements(self, op: tensor.FromElementsOp) -> None:
        b = Builder(InsertPoint.before(op))
        mtype = memref_type(op.result.type, op)
        root = self._new_alloc(b, mtype)
        assert root.alloc is not None
        shape = mtype.get_shape()
        for flat, element in enumerate(op.elements):
            indices = []
            rest = flat
            for size in reversed(shape):
                indices.append(rest % size)
                rest //= size
            idx = [
                b.insert(arith.ConstantOp(IntegerAttr(i, IndexType()))).result
                for i in reversed(indices)
            ]
            b.insert(memref.StoreOp.get(element, root.alloc.memref, idx))
        self._record(op.result, _Buffer(root.alloc.memref, root))
        self.dead.append(op)

    def _splat(self, op: tensor.SplatOp) -> None:
        b = Builder(InsertPoint.before(op))
        root = self._new_alloc(b, memref_type(op.result.type, op))
        assert root.alloc is not None
        self._fill(b, op.input, root.alloc.memref)
        self._record(op.result, _Buffer(root.alloc.memref, root))
        self.dead.append(op)

    def _call(self, op: func.CallOp) -> None:
        b = Builder(InsertPoint.before(op))
        callee = op.callee.root_reference.data
        if callee not in self.signatures:
            raise OpError(op, f"bufferize: call to unknown function @{callee}")
        args = [self._buffer(v) if _is_tensor(v.type) else v for v in op.arguments]
        outs: list[_Buffer] = []
        for result in op.results:
            if _is_tensor(result.type):
                root = self._new_alloc(b, memref_type(result.type, op))
                assert root.alloc is not None
                outs.append(_Buffer(root.alloc.memref, root))
        scalar_types = [r.type for r in op.results if not _is_tensor(r.type)]
        call = b.insert(
            func.CallOp(
                SymbolRefAttr(callee), [*args, *(o.value for o in outs)], scalar_types
            )
        )
        scalars = iter(call.results)
        tensors = iter(outs)
        for result in op.results:
            if _is_tensor(result.type):
                self._record(result, next(tensors))
            else:
                result.replace_all_uses_with(next(scalars))
        self.dead.append(op)

    def _return(self, op: func.ReturnOp, out_args: Sequence[SSAValue]) -> None:
        b = Builder(InsertPoint.before(op))
        claimed: set[int] = set()
        outs = iter(out_args)
        scalars: list[SSAValue] = []
        for value in op.arguments:
            if not _is_tensor(value.type):
                scalars.append(value)
                continue
            out = next(outs)
            buf = self.buffers[value]
            root = buf.root
            can_claim = (
                root.kind == "alloc"
                and root.alloc is not None
                and not buf.is_view
                and id(root) not in claimed
                and root.alloc.memref.type == out.type
            )
            if can_claim:
                assert root.alloc is not None
                claimed.add(id(root))
                root.alloc.memref.replace_all_uses_with(out)
                root.alloc.detach()
                root.alloc.erase()
                root.alloc = None
                continue
            b.insert(memref.CopyOp(buf.value, out))
        for root in self.roots:
            if root.alloc is not None:
                b.insert(memref.DeallocOp.get(root.alloc.memref))
        b.insert(func.ReturnOp(*scalars))
        self.dead.append(op)


def _static_slice(op: tensor.ExtractSliceOp | tensor.InsertSliceOp):
    """Static (offsets, sizes, strides) of a slice op."""
    if op.offsets or op.sizes or op.strides:
        raise OpError(
            op,
            f"bufferize: '{op.name}' with dynamic offsets, sizes or strides is not "
            "supported",
        )
    return (
        list(op.static_offsets.get_values()),
        list(op.static_sizes.get_values()),
        list(op.static_strides.get_values()),
    )


def _pad_scalar(op: tensor.PadOp, b: Builder) -> SSAValue:
    """The padding value of a tensor.pad (hoisting a constant defined inside)."""
    if op.low or op.high:
        raise OpError(op, "bufferize: tensor.pad with dynamic padding is not supported")
    yield_op = op.region.block.last_op
    assert yield_op is not None
    value = yield_op.operands[0]
    owner = value.owner
    if isinstance(owner, Operation) and owner.parent_op() is op:
        if not isinstance(owner, arith.ConstantOp):
            raise OpError(
                op,
                "bufferize: tensor.pad needs a padding value that does not depend "
                "on the position",
            )
        return b.insert(owner.clone()).results[0]
    if value in op.region.block.args:
        raise OpError(
            op,
            "bufferize: tensor.pad needs a padding value that does not depend on the "
            "position",
        )
    return value


_HANDLERS = {
    tensor.EmptyOp: FunctionBufferizer._empty,
    tensor.ExpandShapeOp: FunctionBufferizer._expand_shape,
    tensor.CollapseShapeOp: FunctionBufferizer._collapse_shape,
    tensor.ExtractSliceOp: FunctionBufferizer._extract_slice,
    tensor.InsertSliceOp: FunctionBufferizer._insert_slice,
    tensor.PadOp: FunctionBufferizer._pad,
    tensor.ExtractOp: FunctionBufferizer._extract,
    tensor.InsertOp: FunctionBufferizer._insert,
    tensor.CastOp: FunctionBufferizer._cast,
    tensor.DimOp: FunctionBufferizer._dim,
    tensor.FromElementsOp: FunctionBufferizer._from_elements,
    tensor.SplatOp: FunctionBufferizer._splat,
    func.CallOp: FunctionBufferizer._call,
}


def bufferize_module(module: ModuleOp) -> None:
    """Bufferize every function of `module` (signatures first, then bodies)."""
    functions = [op for op in module.body.block.ops if isinstance(op, func.FuncOp)]
    signatures = {
        fn.sym_name.data: bufferized_signature(fn.function_type, fn) for fn in functions
    }
    globals_ = _Globals(module)
    for fn in functions:
        if not _needs_bufferization(fn):
            continue
        if fn.is_declaration:
            new_type, num_outs = signatures[fn.sym_name.data]
            fn.function_type = new_type
            if num_outs:
                fn.attributes[OUTPUTS_ATTR] = IntegerAttr(num_outs, i64)
            continue
        if len(fn.body.blocks) != 1:
            raise OpError(
                fn,
                f"bufferize: @{fn.sym_name.data} has several blocks; only one is "
                "supported",
            )
        FunctionBufferizer(fn, globals_, signatures).run()


@dataclass(frozen=True)
class BufferizePass(ModulePass):
    """Tensors to memrefs in destination-passing style (see module docstring)."""

    name = "bufferize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        bufferize_module(op)


__all__ = [
    "BufferizePass",
    "FunctionBufferizer",
    "bufferize_module",
    "bufferized_signature",
    "memref_type",
]
