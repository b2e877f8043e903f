"""Reference semantics, in numpy, for every op packdialect accepts on tensors.

```python
from packdialect.interpreter import run_function
results = run_function(module, "matmul", [a, b, c])
```

The interpreter is the oracle of the differential tests: a pass is correct when
the function computes the same thing before and after it. It walks the IR op by
op and gives each value a numpy array (a 0-d array for a scalar):

- `func`, `arith`, `math`, `tensor`, `scf` (structured control flow on scalars
  and tensors) and `linalg` (structured ops, `linalg.pack` / `linalg.unpack`).
- After bufferization and vectorization: `memref` (a buffer is an array; views
  alias it, so writes are seen through every view and the caller's memref
  arguments are updated in place), `bufferization`, `affine.apply` / `min`,
  `scf.parallel`, and the `vector` ops the emitters read.
- Every structured op (`linalg.generic` and every named op, through its body
  and indexing maps) is evaluated vectorized over its iteration space: the
  body's block arguments become numpy arrays laid out over the loops, and the
  body runs once, op by op. A reduction whose body is a known combiner
  (`addf`, `maxsi`, ...) reduces with the numpy ufunc; an add of a product is
  a contraction, evaluated with `np.matmul`. Any other body is folded
  sequentially over the reduction loops (still vectorized over the parallel
  ones).
- Integers are signless and wrap like two's complement at their bit width;
  f16 is `np.float16`; bf16 is stored as `np.float32` rounded to bf16 after
  every op; floating reductions accumulate f16/bf16 in f32.

Anything else raises `InterpreterError` naming the op.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    BFloat16Type,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    ShapedType,
    TensorType,
)
from xdsl.dialects.func import FuncOp
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Attribute, Block, BlockArgument, Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.utils.exceptions import DiagnosticException

__all__ = [
    "InterpreterError",
    "coerce",
    "element_dtype",
    "pack_array",
    "random_inputs",
    "round_to_bf16",
    "run_function",
    "unpack_array",
]


class InterpreterError(DiagnosticException):
    """The interpreter cannot evaluate the IR: an unsupported op, a bad argument."""


Array = np.ndarray
Handler = Callable[["_Scope", Operation, list[Array]], Sequence[Array]]

# Elements one evaluation of a structured op may materialize at once before
# its reduction loops are split into chunks.
_CHUNK_BUDGET = 1 << 22

_TERMINATORS = frozenset(
    {
        "func.return",
        "linalg.yield",
        "tensor.yield",
        "scf.yield",
        "scf.reduce",
        "scf.condition",
    }
)


# --------------------------------------------------------------------------
# Element types
# --------------------------------------------------------------------------


_FLOAT_DTYPES: dict[type, np.dtype] = {
    Float16Type: np.dtype(np.float16),
    BFloat16Type: np.dtype(np.float32),
    Float32Type: np.dtype(np.float32),
    Float64Type: np.dtype(np.float64),
}


def _element_type(type_attr: Attribute) -> Attribute:
    """The element type of a shaped type, or the type itself."""
    # Exact-type checks and getattr: isinstance on xDSL's ABCs is slow, and
    # this runs for every op the interpreter evaluates.
    return getattr(type_attr, "element_type", type_attr)


def _int_width(type_attr: Attribute) -> int | None:
    """The bit width of an integer or index (element) type, None for others."""
    elem = _element_type(type_attr)
    if type(elem) is IndexType:
        return 64
    if type(elem) is IntegerType:
        return elem.width.data
    return None


def _is_float(type_attr: Attribute) -> bool:
    return type(_element_type(type_attr)) in _FLOAT_DTYPES


def _is_bf16(type_attr: Attribute) -> bool:
    return type(_element_type(type_attr)) is BFloat16Type


def element_dtype(type_attr: Attribute) -> np.dtype:
    """The numpy storage dtype of an MLIR element type (or of a shaped type's).

    f16 -> float16, bf16 -> float32 (values kept rounded to bf16), f32, f64,
    i1 -> bool, iN -> the smallest intN holding N bits, index -> int64.
    """
    elem = _element_type(type_attr)
    float_dtype = _FLOAT_DTYPES.get(type(elem))
    if float_dtype is not None:
        return float_dtype
    width = _int_width(elem)
    if width is None:
        raise InterpreterError(f"unsupported element type '{elem}'")
    if width == 1:
        return np.dtype(np.bool_)
    for bits in (8, 16, 32, 64):
        if width <= bits:
            return np.dtype(f"int{bits}")
    raise InterpreterError(f"unsupported integer width {width} (at most 64)")


def round_to_bf16(values: Any) -> Array:
    """Round float32 values to the nearest bf16 (ties to even), kept as float32."""
    x = _contiguous(values, dtype=np.float32)
    bits = x.view(np.uint32)
    rounding = ((bits >> np.uint32(16)) & np.uint32(1)) + np.uint32(0x7FFF)
    rounded = ((bits + rounding) & np.uint32(0xFFFF0000)).view(np.float32)
    return np.where(np.isnan(x), x, rounded)


def _contiguous(values: Any, dtype: Any = None) -> Array:
    """A C-contiguous array (unlike np.ascontiguousarray, keeps 0-d arrays 0-d)."""
    return np.asarray(values, dtype=dtype, order="C")


def _signed(values: Any, width: int) -> Array:
    """Integer values as int64, read as signed numbers of `width` bits."""
    a = np.asarray(values)
    if a.dtype == np.bool_:
        v = a.astype(np.int64)
        return -v if width == 1 else v
    if a.dtype.kind == "f":
        return _float_to_int64(a)
    return a.astype(np.int64, copy=False)


def _unsigned(values: Any, width: int) -> Array:
    """Integer values read as unsigned numbers of `width` bits (int64 or uint64)."""
    v = _signed(values, width)
    if width >= 64:
        return _contiguous(v).view(np.uint64)
    return v & np.int64((1 << width) - 1)


def _wrap(values: Any, width: int) -> Array:
    """Integer values wrapped to `width` bits, in that width's storage dtype."""
    a = np.asarray(values)
    if width == 1:
        return (a.astype(np.int64) & 1).astype(np.bool_)
    if width in (8, 16, 32, 64):
        return a.astype(np.dtype(f"int{width}"), copy=False)
    mask = np.int64((1 << width) - 1)
    sign = np.int64(1 << (width - 1))
    v = (a.astype(np.int64) & mask ^ sign) - sign
    return v.astype(element_dtype(IntegerType(width)))


def _float_to_int64(values: Array) -> Array:
    """Truncate floats toward zero into int64 (NaN and overflow are poison: 0)."""
    t = np.trunc(values.astype(np.float64))
    t = np.where(np.isfinite(t), t, 0.0)
    return np.clip(t, -(2.0**63), 2.0**63 - 1024).astype(np.int64)


def coerce(values: Any, type_attr: Attribute) -> Array:
    """`values` converted to the storage of `type_attr` (or of its element type).

    Floats are cast (and rounded for bf16); integers wrap at their width.
    """
    a = np.asarray(values)
    if _is_float(type_attr):
        out = a.astype(element_dtype(type_attr), copy=False)
        return round_to_bf16(out) if _is_bf16(type_attr) else out
    width = _int_width(type_attr)
    if width is None:
        raise InterpreterError(f"unsupported type '{type_attr}'")
    if a.dtype.kind == "f":
        a = _float_to_int64(a)
    return _wrap(a, width)


def _accumulator_dtype(type_attr: Attribute) -> np.dtype:
    """The dtype reductions accumulate in: f32 for f16/bf16/f32, f64, int64."""
    if not _is_float(type_attr):
        return np.dtype(np.int64)
    if isinstance(_element_type(type_attr), Float64Type):
        return np.dtype(np.float64)
    return np.dtype(np.float32)


# --------------------------------------------------------------------------
# Random inputs
# --------------------------------------------------------------------------


def _random_value(
    rng: np.random.Generator, type_attr: Attribute, dynamic_size: int
) -> Array:
    shape: tuple[int, ...] = ()
    if isinstance(type_attr, ShapedType):
        shape = tuple(
            dynamic_size if d == DYNAMIC_INDEX else d for d in type_attr.get_shape()
        )
    if _is_float(type_attr):
        return coerce(rng.uniform(-1.0, 1.0, size=shape), type_attr)
    width = _int_width(type_attr)
    if width == 1:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if isinstance(_element_type(type_attr), IndexType):
        return coerce(rng.integers(0, 9, size=shape), type_attr)
    return coerce(rng.integers(-8, 9, size=shape), type_attr)


def random_inputs(
    func_op: FuncOp, seed: int = 0, *, dynamic_size: int = 8
) -> list[Array]:
    """Random arguments for `func_op`: one array per argument, of its type.

    Floats are uniform in [-1, 1], integers in [-8, 8], index values in
    [0, 8], i1 random bools; every dynamic dimension gets `dynamic_size`.
    """
    rng = np.random.default_rng(seed)
    return [
        _random_value(rng, arg_type, dynamic_size)
        for arg_type in func_op.function_type.inputs.data
    ]


# --------------------------------------------------------------------------
# Pack / unpack on arrays
# --------------------------------------------------------------------------


def _check_relayout(rank: int, inner_dims_pos: Sequence[int], perm: Sequence[int]):
    if sorted(perm) != list(range(rank)):
        raise InterpreterError(f"outer_dims_perm {list(perm)} is not a permutation")
    if len(set(inner_dims_pos)) != len(inner_dims_pos) or any(
        not 0 <= d < rank for d in inner_dims_pos
    ):
        raise InterpreterError(f"invalid inner_dims_pos {list(inner_dims_pos)}")


def pack_array(
    source: Array,
    inner_dims_pos: Sequence[int],
    inner_tiles: Sequence[int],
    outer_dims_perm: Sequence[int] = (),
    padding_value: Any = None,
    outer_shape: Sequence[int] | None = None,
) -> Array:
    """`linalg.pack` on a numpy array: pad, strip-mine, transpose.

    `outer_shape` is the packed outer shape (in outer_dims_perm order); by
    default ceildiv(dim, tile) on tiled dims. Missing padding_value pads with
    zeros (upstream leaves those elements undefined).
    """
    src = np.asarray(source)
    rank = src.ndim
    perm = list(outer_dims_perm) or list(range(rank))
    _check_relayout(rank, inner_dims_pos, perm)
    tile_of = dict(zip(inner_dims_pos, inner_tiles, strict=True))
    if any(t <= 0 for t in inner_tiles):
        raise InterpreterError(f"invalid tile sizes {list(inner_tiles)}")
    outer = [
        -(-src.shape[d] // tile_of[d]) if d in tile_of else src.shape[d]
        for d in range(rank)
    ]
    if outer_shape is not None:
        for j, d in enumerate(perm):
            outer[d] = outer_shape[j]
    padded = [outer[d] * tile_of.get(d, 1) for d in range(rank)]
    if any(p < s for p, s in zip(padded, src.shape, strict=True)) or any(
        padded[d] != src.shape[d] for d in range(rank) if d not in tile_of
    ):
        raise InterpreterError(
            f"packed outer shape {[outer[d] for d in perm]} does not cover the "
            f"source shape {list(src.shape)}"
        )
    pad_value = 0 if padding_value is None else np.asarray(padding_value).item()
    src = np.pad(
        src,
        [(0, p - s) for p, s in zip(padded, src.shape, strict=True)],
        constant_values=pad_value,
    )
    expanded: list[int] = []
    outer_axis: dict[int, int] = {}
    inner_axis: dict[int, int] = {}
    for d in range(rank):
        outer_axis[d] = len(expanded)
        expanded.append(outer[d])
        if d in tile_of:
            inner_axis[d] = len(expanded)
            expanded.append(tile_of[d])
    order = [outer_axis[d] for d in perm] + [inner_axis[d] for d in inner_dims_pos]
    return _contiguous(src.reshape(expanded).transpose(order))


def unpack_array(
    packed: Array,
    inner_dims_pos: Sequence[int],
    inner_tiles: Sequence[int],
    outer_dims_perm: Sequence[int],
    dest_shape: Sequence[int],
) -> Array:
    """`linalg.unpack` on a numpy array: transpose, merge tiles, drop padding."""
    src = np.asarray(packed)
    rank = len(dest_shape)
    k = len(inner_dims_pos)
    perm = list(outer_dims_perm) or list(range(rank))
    _check_relayout(rank, inner_dims_pos, perm)
    if src.ndim != rank + k or list(src.shape[rank:]) != list(inner_tiles):
        raise InterpreterError(
            f"packed shape {list(src.shape)} does not end with the tiles "
            f"{list(inner_tiles)}"
        )
    order: list[int] = []
    merged: list[int] = []
    for d in range(rank):
        j = perm.index(d)
        order.append(j)
        size = src.shape[j]
        if d in inner_dims_pos:
            i = list(inner_dims_pos).index(d)
            order.append(rank + i)
            size *= inner_tiles[i]
        merged.append(size)
    if any(m < s for m, s in zip(merged, dest_shape, strict=True)):
        raise InterpreterError(
            f"packed shape {list(src.shape)} does not cover the unpacked shape "
            f"{list(dest_shape)}"
        )
    full = src.transpose(order).reshape(merged)
    return _contiguous(full[tuple(slice(0, s) for s in dest_shape)])


# --------------------------------------------------------------------------
# Interpreter core
# --------------------------------------------------------------------------


@dataclass
class _LoopSpace:
    """The iteration space of a structured op being evaluated (maybe a chunk)."""

    ranges: tuple[int, ...]
    chunk: dict[int, slice] = field(default_factory=dict[int, slice])

    def index(self, dim: int) -> Array:
        """The values of loop `dim`, laid out along its axis of the loop space."""
        if not 0 <= dim < len(self.ranges):
            raise InterpreterError(f"linalg.index {dim} out of range")
        values = np.arange(self.ranges[dim], dtype=np.int64)
        if dim in self.chunk:
            values = values[self.chunk[dim]]
        shape = [1] * len(self.ranges)
        shape[dim] = values.size
        return values.reshape(shape)


class _Scope:
    """The values of one function call, and the loop space of the body being run.

    SSA values are unique, so the regions nested in a call (loop bodies,
    structured op bodies) share one table; a nested scope only changes the
    loop space `linalg.index` reads. Values are keyed by `id` (cheap to hash).
    """

    def __init__(
        self,
        interpreter: _Interpreter,
        values: dict[int, Array] | None = None,
        loops: _LoopSpace | None = None,
    ):
        self.interpreter = interpreter
        self.values: dict[int, Array] = {} if values is None else values
        self.loops = loops

    def __getitem__(self, value: SSAValue) -> Array:
        found = self.values.get(id(value))
        if found is None:
            raise InterpreterError(f"value {value} is used before it is defined")
        return found

    def bind(self, value: SSAValue, array: Array) -> None:
        """Give `value` its array."""
        self.values[id(value)] = array

    def child(self, loops: _LoopSpace | None = None) -> _Scope:
        """The scope of a nested region (with its own loop space, if given)."""
        return _Scope(self.interpreter, self.values, loops or self.loops)


_HANDLERS: dict[str, Handler] = {}


def _handles(*names: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for name in names:
            _HANDLERS[name] = fn
        return fn

    return register


def _eval_op(scope: _Scope, op: Operation) -> None:
    """Evaluate one op and bind its results in `scope`."""
    handler = _HANDLERS.get(op.name)
    if handler is None and isinstance(op, LinalgStructuredOperation):
        handler = _eval_structured_op
    if handler is None:
        raise InterpreterError(f"unsupported operation '{op.name}'")
    args = [scope[operand] for operand in op.operands]
    results = handler(scope, op, args)
    if len(results) != len(op.results):
        raise InterpreterError(
            f"'{op.name}' produced {len(results)} values for {len(op.results)} results"
        )
    for result, value in zip(op.results, results, strict=True):
        scope.bind(result, value)


def _run_block(
    scope: _Scope,
    block: Block,
    args: Sequence[Array],
    skip: frozenset[Operation] = frozenset(),
) -> list[Array]:
    """Bind `args` to the block arguments, run the ops, return the terminator's operands.

    Ops in `skip` are not evaluated (nor then is the terminator: returns []).
    """
    if len(args) != len(block.args):
        raise InterpreterError(
            f"block expects {len(block.args)} arguments, got {len(args)}"
        )
    for block_arg, value in zip(block.args, args, strict=True):
        scope.bind(block_arg, value)
    for op in block.ops:
        if op.name in _TERMINATORS:
            return [] if skip else [scope[operand] for operand in op.operands]
        if op not in skip:
            _eval_op(scope, op)
    raise InterpreterError("block has no terminator the interpreter knows")


class _Interpreter:
    """Runs the functions of one module."""

    def __init__(self, module: ModuleOp):
        self.module = module
        self.globals: dict[str, Array] = {}
        self.functions: dict[str, FuncOp] = {
            op.sym_name.data: op for op in module.walk() if isinstance(op, FuncOp)
        }

    def call(self, name: str, args: Sequence[Any]) -> list[Array]:
        """Run function @name on `args`."""
        func = self.functions.get(name)
        if func is None:
            raise InterpreterError(f"no function named @{name}")
        if not func.body.blocks:
            raise InterpreterError(f"function @{name} has no body")
        if len(func.body.blocks) != 1:
            raise InterpreterError(f"function @{name} has more than one block")
        arg_types = func.function_type.inputs.data
        if len(args) != len(arg_types):
            raise InterpreterError(
                f"function @{name} takes {len(arg_types)} arguments, got {len(args)}"
            )
        values = [
            _coerce_argument(value, arg_type, i)
            for i, (value, arg_type) in enumerate(zip(args, arg_types, strict=True))
        ]
        return _run_block(_Scope(self), func.body.block, values)


def _coerce_argument(value: Any, type_attr: Attribute, index: int) -> Array:
    """A caller's argument converted to the storage of the argument type."""
    a = np.asarray(value)
    if not isinstance(type_attr, ShapedType):
        if a.ndim != 0:
            raise InterpreterError(
                f"argument #{index}: expected a scalar of type {type_attr}, got an "
                f"array of shape {a.shape}"
            )
        return coerce(a, type_attr)
    shape = type_attr.get_shape()
    if a.ndim != len(shape) or any(
        d != DYNAMIC_INDEX and d != s for d, s in zip(shape, a.shape, strict=True)
    ):
        raise InterpreterError(
            f"argument #{index}: expected shape {_shape_str(shape)}, got {list(a.shape)}"
        )
    if not isinstance(type_attr, MemRefType):
        return coerce(a, type_attr)
    # A buffer is written in place: it must be the caller's own array.
    dtype = element_dtype(type_attr)
    if not isinstance(value, np.ndarray) or a.dtype != dtype or not a.flags.writeable:
        raise InterpreterError(
            f"argument #{index}: a {type_attr} argument must be a writable numpy "
            f"array of dtype {dtype} (it is updated in place), got {a.dtype}"
        )
    return a


def _shape_str(shape: Sequence[int]) -> str:
    return "[" + ", ".join("?" if d == DYNAMIC_INDEX else str(d) for d in shape) + "]"


def run_function(module: ModuleOp, name: str, args: Sequence[Any]) -> list[Array]:
    """Run function @name of `module` on numpy arrays or scalars.

    Arguments are converted to the storage dtype of their MLIR types; results
    are fresh numpy arrays (0-d for scalars).
    """
    with np.errstate(all="ignore"):
        results = _Interpreter(module).call(name, args)
    return [np.array(r, copy=True) for r in results]


def _int(value: Array) -> int:
    """A scalar index value as a Python int."""
    a = np.asarray(value)
    if a.ndim != 0:
        raise InterpreterError("expected a scalar index value")
    return int(a)


def _mixed(
    static: Sequence[int], dynamic: Sequence[SSAValue], scope: _Scope
) -> list[int]:
    """Static values with each DYNAMIC_INDEX replaced by the next dynamic value."""
    values = iter(dynamic)
    return [_int(scope[next(values)]) if s == DYNAMIC_INDEX else s for s in static]


def _result_shape(type_attr: Attribute, dynamic: Sequence[int]) -> list[int]:
    """The shape of a shaped type with its dynamic dims filled from `dynamic`."""
    assert isinstance(type_attr, ShapedType)
    sizes = iter(dynamic)
    return [next(sizes) if d == DYNAMIC_INDEX else d for d in type_attr.get_shape()]


# --------------------------------------------------------------------------
# func, scf
# --------------------------------------------------------------------------


@_handles("func.call")
def _call(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    callee = op.callee.string_value()  # pyright: ignore[reportAttributeAccessIssue]
    return scope.interpreter.call(callee, args)


@_handles("scf.for")
def _scf_for(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    lb, ub, step = (_int(a) for a in args[:3])
    if step <= 0:
        raise InterpreterError(f"scf.for step must be positive, got {step}")
    carried = list(args[3:])
    block = op.regions[0].block
    for iv in range(lb, ub, step):
        index = coerce(iv, block.args[0].type)
        carried = _run_block(scope.child(), block, [index, *carried])
    return carried


@_handles("scf.while")
def _scf_while(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    before, after = (region.block for region in op.regions)
    values = list(args)
    while True:
        cond, *forwarded = _run_block(scope.child(), before, values)
        if np.ndim(cond) != 0:
            raise InterpreterError("scf.while needs a scalar condition")
        if not bool(cond):
            return forwarded
        values = _run_block(scope.child(), after, forwarded)


@_handles("scf.if")
def _scf_if(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    cond = np.asarray(args[0])
    regions = op.regions
    if cond.ndim == 0:
        region = regions[0] if bool(cond) else regions[1]
        if not region.blocks:
            return []
        return _run_block(scope.child(), region.block, [])
    # A vectorized condition (inside a structured op body): run both sides.
    if not regions[1].blocks:
        raise InterpreterError("scf.if with a vector condition needs an else region")
    then_values = _run_block(scope.child(), regions[0].block, [])
    else_values = _run_block(scope.child(), regions[1].block, [])
    return [
        coerce(np.where(cond, t, e), r.type)
        for t, e, r in zip(then_values, else_values, op.results, strict=True)
    ]


# --------------------------------------------------------------------------
# arith
# --------------------------------------------------------------------------


def _dense_values(attr: DenseIntOrFPElementsAttr, type_attr: Attribute) -> Array:
    """The array held by a dense elements attribute."""
    elem = attr.get_element_type()
    shape = tuple(attr.get_shape())
    raw = attr.data.data
    formats = {Float16Type: "<f2", Float32Type: "<f4", Float64Type: "<f8"}
    width = _int_width(elem)
    if type(elem) in formats:
        flat = np.frombuffer(raw, dtype=formats[type(elem)])
    elif isinstance(elem, BFloat16Type):
        halves = np.frombuffer(raw, dtype="<u2").astype(np.uint32)
        flat = (halves << np.uint32(16)).view(np.float32)
    elif width in (1, 8, 16, 32, 64):
        size = 1 if width == 1 else width // 8
        flat = np.frombuffer(raw, dtype=f"<i{size}")
    else:
        flat = np.asarray(attr.get_values())
    count = math.prod(shape)
    if flat.size == 1 and count != 1:
        flat = np.full(count, flat[0])
    return coerce(flat.reshape(shape), type_attr).copy()


@_handles("arith.constant")
def _constant(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    attr = op.value  # pyright: ignore[reportAttributeAccessIssue]
    result_type = op.results[0].type
    if isinstance(attr, IntegerAttr | FloatAttr):
        return [coerce(attr.value.data, result_type)]
    if isinstance(attr, DenseIntOrFPElementsAttr):
        return [_dense_values(attr, result_type)]
    raise InterpreterError(f"unsupported constant value {attr}")


_FLOAT_BINARY: dict[str, Callable[[Array, Array], Array]] = {
    "arith.addf": np.add,
    "arith.subf": np.subtract,
    "arith.mulf": np.multiply,
    "arith.divf": np.divide,
    "arith.remf": np.fmod,
    "arith.maximumf": np.maximum,
    "arith.minimumf": np.minimum,
    "arith.maxnumf": np.fmax,
    "arith.minnumf": np.fmin,
    "math.powf": np.power,
    "math.atan2": np.arctan2,
    "math.copysign": np.copysign,
}


def _erf(x: Array) -> Array:
    return np.asarray(np.frompyfunc(math.erf, 1, 1)(x.astype(np.float64)), np.float64)


def _round_half_away(x: Array) -> Array:
    return np.copysign(np.floor(np.abs(x) + 0.5), x)


_FLOAT_UNARY: dict[str, Callable[[Array], Array]] = {
    "arith.negf": np.negative,
    "math.absf": np.abs,
    "math.exp": np.exp,
    "math.exp2": np.exp2,
    "math.expm1": np.expm1,
    "math.log": np.log,
    "math.log2": np.log2,
    "math.log10": np.log10,
    "math.log1p": np.log1p,
    "math.sqrt": np.sqrt,
    "math.rsqrt": lambda x: 1 / np.sqrt(x),
    "math.cbrt": np.cbrt,
    "math.tanh": np.tanh,
    "math.sinh": np.sinh,
    "math.cosh": np.cosh,
    "math.sin": np.sin,
    "math.cos": np.cos,
    "math.tan": np.tan,
    "math.asin": np.arcsin,
    "math.acos": np.arccos,
    "math.atan": np.arctan,
    "math.asinh": np.arcsinh,
    "math.acosh": np.arccosh,
    "math.atanh": np.arctanh,
    "math.erf": _erf,
    "math.floor": np.floor,
    "math.ceil": np.ceil,
    "math.trunc": np.trunc,
    "math.round": _round_half_away,
    "math.roundeven": np.rint,
}


def _float_binary(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [coerce(_FLOAT_BINARY[op.name](args[0], args[1]), op.results[0].type)]


def _float_unary(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [coerce(_FLOAT_UNARY[op.name](args[0]), op.results[0].type)]


for _name in _FLOAT_BINARY:
    _HANDLERS[_name] = _float_binary
for _name in _FLOAT_UNARY:
    _HANDLERS[_name] = _float_unary


@_handles("math.fma")
def _fma(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    a, b, c = (np.asarray(x).astype(np.float64) for x in args)
    return [coerce(a * b + c, op.results[0].type)]


@_handles("math.fpowi")
def _fpowi(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    width = _int_width(op.operands[1].type) or 64
    exponent = _signed(args[1], width).astype(np.float64)
    return [coerce(np.power(args[0].astype(np.float64), exponent), op.results[0].type)]


def _nonzero(divisor: Array) -> Array:
    """Division by zero is undefined behaviour: divide by one instead."""
    return np.where(divisor == 0, 1, divisor)


def _trunc_div(a: Array, b: Array) -> Array:
    b = _nonzero(b)
    q = a // b
    return q + ((a % b != 0) & ((a < 0) != (b < 0)))


def _ceil_div(a: Array, b: Array) -> Array:
    b = _nonzero(b)
    return a // b + (a % b != 0)


def _shift_amount_ok(amount: Array, width: int) -> Array:
    return (amount >= 0) & (amount < width)


def _shli(a: Array, b: Array, width: int) -> Array:
    ok = _shift_amount_ok(b, width)
    return np.where(ok, a << np.where(ok, b, 0), 0)


def _shr(a: Array, b: Array, width: int) -> Array:
    ok = _shift_amount_ok(b, width)
    return np.where(ok, a >> np.where(ok, b, 0), 0)


# name -> (function on int64 values, operands read as unsigned)
_INT_BINARY: dict[str, tuple[Callable[[Array, Array, int], Array], bool]] = {
    "arith.addi": (lambda a, b, w: a + b, False),
    "arith.subi": (lambda a, b, w: a - b, False),
    "arith.muli": (lambda a, b, w: a * b, False),
    "arith.andi": (lambda a, b, w: a & b, False),
    "arith.ori": (lambda a, b, w: a | b, False),
    "arith.xori": (lambda a, b, w: a ^ b, False),
    "arith.maxsi": (lambda a, b, w: np.maximum(a, b), False),
    "arith.minsi": (lambda a, b, w: np.minimum(a, b), False),
    "arith.maxui": (lambda a, b, w: np.maximum(a, b), True),
    "arith.minui": (lambda a, b, w: np.minimum(a, b), True),
    "arith.divsi": (lambda a, b, w: _trunc_div(a, b), False),
    "arith.remsi": (lambda a, b, w: np.fmod(a, _nonzero(b)), False),
    "arith.divui": (lambda a, b, w: a // _nonzero(b), True),
    "arith.remui": (lambda a, b, w: a % _nonzero(b), True),
    "arith.floordivsi": (lambda a, b, w: a // _nonzero(b), False),
    "arith.ceildivsi": (lambda a, b, w: _ceil_div(a, b), False),
    "arith.ceildivui": (lambda a, b, w: _ceil_div(a, b), True),
    "arith.shli": (lambda a, b, w: _shli(a, b, w), True),
    "arith.shrui": (lambda a, b, w: _shr(a, b, w), True),
    "arith.shrsi": (lambda a, b, w: _shr(a, b, w), False),
}


def _int_binary(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    fn, unsigned = _INT_BINARY[op.name]
    width = _int_width(op.operands[0].type)
    if width is None:
        raise InterpreterError(f"'{op.name}' expects integer operands")
    read = _unsigned if unsigned else _signed
    a, b = read(args[0], width), read(args[1], width)
    return [coerce(fn(a, b, width), op.results[0].type)]


for _name in _INT_BINARY:
    _HANDLERS[_name] = _int_binary


@_handles("math.absi")
def _absi(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    width = _int_width(op.operands[0].type) or 64
    return [coerce(np.abs(_signed(args[0], width)), op.results[0].type)]


_CMPI = {
    0: np.equal,
    1: np.not_equal,
    2: np.less,
    3: np.less_equal,
    4: np.greater,
    5: np.greater_equal,
    6: np.less,
    7: np.less_equal,
    8: np.greater,
    9: np.greater_equal,
}


@_handles("arith.cmpi")
def _cmpi(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    predicate = op.predicate.value.data  # pyright: ignore[reportAttributeAccessIssue]
    width = _int_width(op.operands[0].type) or 64
    read = _unsigned if predicate >= 6 else _signed
    return [np.asarray(_CMPI[predicate](read(args[0], width), read(args[1], width)))]


def _cmpf_ordered(name: str, a: Array, b: Array, ordered: Array) -> Array:
    compare = {
        "eq": np.equal,
        "gt": np.greater,
        "ge": np.greater_equal,
        "lt": np.less,
        "le": np.less_equal,
        "ne": np.not_equal,
    }[name]
    return ordered & compare(a, b)


_CMPF_NAMES = [
    "false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord",
    "ueq", "ugt", "uge", "ult", "ule", "une", "uno", "true",
]  # fmt: skip


@_handles("arith.cmpf")
def _cmpf(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    name = _CMPF_NAMES[op.predicate.value.data]  # pyright: ignore[reportAttributeAccessIssue]
    a, b = np.asarray(args[0]), np.asarray(args[1])
    ordered = ~(np.isnan(a) | np.isnan(b))
    shape = np.broadcast_shapes(a.shape, b.shape)
    if name in ("false", "true"):
        return [np.full(shape, name == "true")]
    if name == "ord":
        return [ordered]
    if name == "uno":
        return [~ordered]
    result = _cmpf_ordered(name[1:], a, b, ordered)
    if name[0] == "u":
        result = result | ~ordered
    return [np.asarray(result)]


@_handles("arith.select")
def _select(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    cond = np.asarray(args[0]).astype(np.bool_)
    return [coerce(np.where(cond, args[1], args[2]), op.results[0].type)]


@_handles("arith.extf", "arith.truncf")
def _float_cast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [coerce(args[0], op.results[0].type)]


def _source_width(op: Operation) -> int:
    width = _int_width(op.operands[0].type)
    if width is None:
        raise InterpreterError(f"'{op.name}' expects an integer operand")
    return width


@_handles("arith.extsi", "arith.trunci", "arith.index_cast")
def _int_cast_signed(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    return [coerce(_signed(args[0], _source_width(op)), op.results[0].type)]


@_handles("arith.extui", "arith.index_castui")
def _int_cast_unsigned(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    return [coerce(_unsigned(args[0], _source_width(op)), op.results[0].type)]


@_handles("arith.sitofp")
def _sitofp(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    values = _signed(args[0], _source_width(op)).astype(np.float64)
    return [coerce(values, op.results[0].type)]


@_handles("arith.uitofp")
def _uitofp(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    values = _unsigned(args[0], _source_width(op)).astype(np.float64)
    return [coerce(values, op.results[0].type)]


@_handles("arith.fptosi", "arith.fptoui")
def _fptoi(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [coerce(_float_to_int64(np.asarray(args[0])), op.results[0].type)]


def _bits(values: Array, type_attr: Attribute) -> Array:
    """The raw bits of values of `type_attr`, as an unsigned integer array."""
    a = _contiguous(values)
    if _is_bf16(type_attr):
        return (a.astype(np.float32).view(np.uint32) >> np.uint32(16)).astype(np.uint16)
    width = _int_width(type_attr)
    if width is not None:
        return _unsigned(a, width)
    return a.view(np.dtype(f"uint{a.dtype.itemsize * 8}"))


def _from_bits(bits: Array, type_attr: Attribute) -> Array:
    """Values of `type_attr` with the given raw bits."""
    if _is_bf16(type_attr):
        return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32)
    if _is_float(type_attr):
        dtype = element_dtype(type_attr)
        return _contiguous(bits).astype(f"uint{dtype.itemsize * 8}").view(dtype)
    return coerce(bits.astype(np.uint64).view(np.int64), type_attr)


@_handles("arith.bitcast")
def _bitcast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    bits = _bits(np.asarray(args[0]), op.operands[0].type)
    return [_from_bits(np.asarray(bits), op.results[0].type)]


# --------------------------------------------------------------------------
# tensor
# --------------------------------------------------------------------------


@_handles("tensor.empty")
def _tensor_empty(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    result_type = op.results[0].type
    shape = _result_shape(result_type, [_int(a) for a in args])
    return [np.zeros(shape, dtype=element_dtype(result_type))]


@_handles("tensor.dim", "memref.dim")
def _tensor_dim(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    dim = _int(args[1])
    shape = np.shape(args[0])
    if not 0 <= dim < len(shape):
        raise InterpreterError(
            f"tensor.dim index {dim} out of range for rank {len(shape)}"
        )
    return [np.asarray(shape[dim], dtype=np.int64)]


@_handles("tensor.cast")
def _tensor_cast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    result_type = op.results[0].type
    if isinstance(result_type, TensorType):
        shape = result_type.get_shape()
        if len(shape) != args[0].ndim or any(
            d != DYNAMIC_INDEX and d != s
            for d, s in zip(shape, args[0].shape, strict=True)
        ):
            raise InterpreterError(
                f"tensor.cast of a {list(args[0].shape)} tensor to {result_type}"
            )
    return [args[0]]


def _gather_indices(indices: Sequence[Array]) -> tuple[Array, ...]:
    return tuple(np.asarray(i).astype(np.int64, copy=False) for i in indices)


@_handles("tensor.extract")
def _tensor_extract(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    tensor, indices = args[0], _gather_indices(args[1:])
    if any(i.ndim for i in indices):
        # Vectorized (in a structured op body): every lane is evaluated, also
        # those a select or scf.if discards, so clamp instead of failing.
        indices = tuple(
            np.clip(i, 0, max(size - 1, 0))
            for i, size in zip(indices, tensor.shape, strict=True)
        )
    try:
        return [np.asarray(tensor[indices])]
    except IndexError as error:
        raise InterpreterError(f"tensor.extract out of bounds: {error}") from None


@_handles("tensor.insert")
def _tensor_insert(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    scalar, dest = args[0], args[1].copy()
    try:
        dest[tuple(_int(i) for i in args[2:])] = scalar
    except IndexError as error:
        raise InterpreterError(f"tensor.insert out of bounds: {error}") from None
    return [dest]


@_handles("tensor.from_elements")
def _tensor_from_elements(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    result_type = op.results[0].type
    shape = _result_shape(result_type, [])
    return [coerce(np.array([np.asarray(a) for a in args]).reshape(shape), result_type)]


@_handles("tensor.splat")
def _tensor_splat(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    result_type = op.results[0].type
    shape = _result_shape(result_type, [_int(a) for a in args[1:]])
    return [np.full(shape, coerce(args[0], result_type))]


@_handles("tensor.concat")
def _tensor_concat(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    dim = op.dim.value.data  # pyright: ignore[reportAttributeAccessIssue]
    return [np.concatenate(args, axis=dim)]


def _reassociation(op: Operation) -> list[list[int]]:
    groups = op.reassociation.data  # pyright: ignore[reportAttributeAccessIssue]
    return [[attr.value.data for attr in group.data] for group in groups]


@_handles("tensor.collapse_shape")
def _collapse_shape(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = args[0]
    shape = [math.prod(src.shape[d] for d in group) for group in _reassociation(op)]
    return [src.reshape(shape)]


@_handles("tensor.expand_shape")
def _expand_shape(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    static = op.static_output_shape.get_values()  # pyright: ignore[reportAttributeAccessIssue]
    shape = _mixed(static, op.dynamic_output_shape, scope)  # pyright: ignore[reportAttributeAccessIssue]
    if math.prod(shape) != args[0].size:
        raise InterpreterError(
            f"tensor.expand_shape of {list(args[0].shape)} into {shape}"
        )
    return [args[0].reshape(shape)]


@_handles("tensor.reshape")
def _tensor_reshape(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    shape = [int(s) for s in np.asarray(args[1]).reshape(-1)]
    if math.prod(shape) != args[0].size:
        raise InterpreterError(f"tensor.reshape of {list(args[0].shape)} into {shape}")
    return [args[0].reshape(shape)]


def _slice_params(
    op: Operation, scope: _Scope
) -> tuple[list[int], list[int], list[int]]:
    offsets = _mixed(op.static_offsets.get_values(), op.offsets, scope)  # pyright: ignore[reportAttributeAccessIssue]
    sizes = _mixed(op.static_sizes.get_values(), op.sizes, scope)  # pyright: ignore[reportAttributeAccessIssue]
    strides = _mixed(op.static_strides.get_values(), op.strides, scope)  # pyright: ignore[reportAttributeAccessIssue]
    return offsets, sizes, strides


def _slices(
    shape: Sequence[int],
    offsets: Sequence[int],
    sizes: Sequence[int],
    strides: Sequence[int],
) -> tuple[slice, ...]:
    result: list[slice] = []
    for dim, (o, s, st) in enumerate(zip(offsets, sizes, strides, strict=True)):
        last = o + (s - 1) * st
        if o < 0 or st <= 0 or s < 0 or (s > 0 and last >= shape[dim]):
            raise InterpreterError(
                f"slice offsets {list(offsets)} sizes {list(sizes)} strides "
                f"{list(strides)} out of bounds of {list(shape)}"
            )
        result.append(slice(o, o + s * st, st) if s else slice(o, o))
    return tuple(result)


def _kept_dims(sizes: Sequence[int], result_type: Attribute) -> list[bool]:
    """Which slice dims a (maybe rank-reduced) result type keeps; the rest are 1s."""
    assert isinstance(result_type, ShapedType)
    target = result_type.get_shape()
    kept: list[bool] = []
    for size in sizes:
        j = sum(kept)
        keep = j < len(target) and target[j] in (DYNAMIC_INDEX, size)
        if not keep and size != 1:
            raise InterpreterError(f"cannot drop non-unit dim {size} for {result_type}")
        kept.append(keep)
    if sum(kept) != len(target):
        raise InterpreterError(f"slice sizes {list(sizes)} do not give {result_type}")
    return kept


def _rank_reduced_shape(sizes: Sequence[int], result_type: Attribute) -> list[int]:
    """Drop the unit sizes the rank-reduced result type does not have."""
    kept = _kept_dims(sizes, result_type)
    return [s for s, keep in zip(sizes, kept, strict=True) if keep]


@_handles("tensor.extract_slice")
def _extract_slice(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = args[0]
    offsets, sizes, strides = _slice_params(op, scope)
    part = src[_slices(src.shape, offsets, sizes, strides)]
    return [_contiguous(part).reshape(_rank_reduced_shape(sizes, op.results[0].type))]


@_handles("tensor.insert_slice")
def _insert_slice(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src, dest = args[0], args[1].copy()
    offsets, sizes, strides = _slice_params(op, scope)
    dest[_slices(dest.shape, offsets, sizes, strides)] = src.reshape(sizes)
    return [dest]


@_handles("tensor.pad")
def _tensor_pad(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = args[0]
    low = _mixed(op.static_low.get_values(), op.low, scope)  # pyright: ignore[reportAttributeAccessIssue]
    high = _mixed(op.static_high.get_values(), op.high, scope)  # pyright: ignore[reportAttributeAccessIssue]
    if any(p < 0 for p in [*low, *high]):
        raise InterpreterError(f"tensor.pad with negative padding {low} {high}")
    shape = [lo + s + hi for lo, s, hi in zip(low, src.shape, high, strict=True)]
    # The body may depend on the indices: evaluate it over the whole result.
    indices = [
        np.arange(size, dtype=np.int64).reshape(
            [-1 if d == dim else 1 for d in range(len(shape))]
        )
        for dim, size in enumerate(shape)
    ]
    (pad_value,) = _run_block(scope.child(), op.regions[0].block, indices)
    result_type = op.results[0].type
    result = np.array(np.broadcast_to(coerce(pad_value, result_type), shape))
    result[tuple(slice(lo, lo + s) for lo, s in zip(low, src.shape, strict=True))] = src
    return [result]


# --------------------------------------------------------------------------
# memref, bufferization, affine index arithmetic, scf.parallel
# --------------------------------------------------------------------------
#
# A buffer is a numpy array; views (subview, reshapes) alias it, so writes
# through any of them are seen by all, as in MLIR.


@_handles("memref.alloc", "memref.alloca")
def _memref_alloc(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    result_type = op.results[0].type
    n_dynamic = len(op.dynamic_sizes)  # pyright: ignore[reportAttributeAccessIssue]
    shape = _result_shape(result_type, [_int(a) for a in args[:n_dynamic]])
    return [np.zeros(shape, dtype=element_dtype(result_type))]


@_handles("memref.dealloc", "memref.assume_alignment")
def _memref_noop(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return list(args[: len(op.results)])


@_handles("memref.load")
def _memref_load(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    try:
        return [np.array(args[0][tuple(_int(i) for i in args[1:])])]
    except IndexError as error:
        raise InterpreterError(f"memref.load out of bounds: {error}") from None


@_handles("memref.store")
def _memref_store(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    try:
        args[1][tuple(_int(i) for i in args[2:])] = args[0]
    except IndexError as error:
        raise InterpreterError(f"memref.store out of bounds: {error}") from None
    return []


@_handles("memref.copy")
def _memref_copy(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src, dst = args
    if src.shape != dst.shape:
        raise InterpreterError(
            f"memref.copy from {list(src.shape)} to {list(dst.shape)}"
        )
    dst[...] = src
    return []


@_handles("memref.cast")
def _memref_cast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [args[0]]


@_handles("memref.get_global")
def _memref_get_global(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    name = op.name_.string_value()  # pyright: ignore[reportAttributeAccessIssue]
    interpreter = scope.interpreter
    if name not in interpreter.globals:
        interpreter.globals[name] = _global_value(interpreter.module, name)
    return [interpreter.globals[name]]


def _global_value(module: ModuleOp, name: str) -> Array:
    for op in module.walk():
        if op.name != "memref.global" or op.sym_name.data != name:  # pyright: ignore[reportAttributeAccessIssue]
            continue
        memref_type = op.type  # pyright: ignore[reportAttributeAccessIssue]
        init = op.initial_value  # pyright: ignore[reportAttributeAccessIssue]
        if isinstance(init, DenseIntOrFPElementsAttr):
            return _dense_values(init, memref_type)
        return np.zeros(memref_type.get_shape(), dtype=element_dtype(memref_type))
    raise InterpreterError(f"no memref.global named @{name}")


def _view_reshape(array: Array, shape: Sequence[int], op_name: str) -> Array:
    """Reshape a buffer without copying (a copy would break aliasing)."""
    try:
        return np.reshape(array, shape, copy=False)
    except ValueError:
        raise InterpreterError(
            f"'{op_name}' of a strided view {list(array.shape)} into {list(shape)} "
            "needs a copy"
        ) from None


@_handles("memref.collapse_shape")
def _memref_collapse(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    src = args[0]
    shape = [math.prod(src.shape[d] for d in group) for group in _reassociation(op)]
    return [_view_reshape(src, shape, op.name)]


@_handles("memref.expand_shape")
def _memref_expand(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    static = op.static_output_shape.get_values()  # pyright: ignore[reportAttributeAccessIssue]
    shape = _mixed(static, op.output_shape, scope)  # pyright: ignore[reportAttributeAccessIssue]
    return [_view_reshape(args[0], shape, op.name)]


@_handles("memref.subview")
def _memref_subview(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = args[0]
    offsets, sizes, strides = _slice_params(op, scope)
    slices = list(_slices(src.shape, offsets, sizes, strides))
    kept = _kept_dims(sizes, op.results[0].type)
    # A dropped unit dim is indexed, not sliced: the result stays a view.
    index = tuple(
        sl if keep else off for sl, keep, off in zip(slices, kept, offsets, strict=True)
    )
    return [src[index]]


@_handles("bufferization.to_tensor", "bufferization.to_buffer", "bufferization.clone")
def _buffer_copy(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    # Tensors are values and buffers are mutable: never share storage.
    return [np.array(args[0], copy=True)]


@_handles("bufferization.alloc_tensor")
def _alloc_tensor(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    copy = op.copy  # pyright: ignore[reportAttributeAccessIssue]
    if copy is not None:
        return [np.array(scope[copy], copy=True)]
    result_type = op.results[0].type
    sizes = [_int(scope[v]) for v in op.dynamic_sizes]  # pyright: ignore[reportAttributeAccessIssue]
    return [
        np.zeros(_result_shape(result_type, sizes), dtype=element_dtype(result_type))
    ]


@_handles("bufferization.materialize_in_destination")
def _materialize(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src, dest = args
    if src.shape != dest.shape:
        raise InterpreterError(
            f"materialize_in_destination of {list(src.shape)} into {list(dest.shape)}"
        )
    value = coerce(src, op.operands[1].type)
    if op.results:
        return [value]
    dest[...] = value
    return []


def _affine_map_results(op: Operation, args: list[Array]) -> list[Any]:
    amap = op.map.data  # pyright: ignore[reportAttributeAccessIssue]
    values = [np.asarray(a).astype(np.int64) for a in args]
    dims, symbols = values[: amap.num_dims], values[amap.num_dims :]
    return [_eval_affine(e, dims, symbols) for e in amap.results]


@_handles("affine.apply")
def _affine_apply(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    (value,) = _affine_map_results(op, args)
    return [np.asarray(value, dtype=np.int64)]


@_handles("affine.min", "affine.max")
def _affine_min_max(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    values = np.broadcast_arrays(*_affine_map_results(op, args))
    pick = np.minimum if op.name == "affine.min" else np.maximum
    return [np.asarray(pick.reduce(values), dtype=np.int64)]


@_handles("scf.parallel")
def _scf_parallel(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    if op.results:
        raise InterpreterError("scf.parallel with reductions is not supported")
    n = len(op.lowerBound)  # pyright: ignore[reportAttributeAccessIssue]
    lbs, ubs, steps = ([_int(a) for a in args[i * n : (i + 1) * n]] for i in range(3))
    if any(step <= 0 for step in steps):
        raise InterpreterError(f"scf.parallel steps must be positive, got {steps}")
    ranges = [range(lb, ub, st) for lb, ub, st in zip(lbs, ubs, steps, strict=True)]
    block = op.regions[0].block
    for point in itertools.product(*ranges):
        ivs = [np.asarray(i, dtype=np.int64) for i in point]
        _run_block(scope.child(), block, ivs)
    return []


# --------------------------------------------------------------------------
# vector
# --------------------------------------------------------------------------
#
# A vector is a numpy array of its shape. Reads and writes of buffers go
# through index arrays, so out-of-bounds and masked-off lanes are never
# touched (they read the padding / pass-through value instead).


def _vector_shape(type_attr: Attribute) -> list[int]:
    assert isinstance(type_attr, ShapedType)
    return list(type_attr.get_shape())


def _lane_indices(
    base: Sequence[int],
    buffer_shape: Sequence[int],
    dims_of_lanes: Sequence[int | None],
    vshape: Sequence[int],
) -> tuple[tuple[Array, ...], Array]:
    """The buffer index of every vector lane, and whether it is in bounds.

    Vector dim k walks buffer dim dims_of_lanes[k] from `base` (None: a
    broadcast dim that does not move).
    """
    r = len(vshape)
    indices = []
    valid = np.ones(vshape, dtype=np.bool_)
    for d, start in enumerate(base):
        index = np.full([1] * r, start, dtype=np.int64)
        for k, dim in enumerate(dims_of_lanes):
            if dim == d:
                steps = np.arange(vshape[k], dtype=np.int64).reshape(
                    [vshape[k] if a == k else 1 for a in range(r)]
                )
                index = index + steps
        valid &= (index >= 0) & (index < buffer_shape[d])
        indices.append(np.clip(index, 0, max(buffer_shape[d] - 1, 0)))
    return tuple(np.broadcast_to(i, vshape) for i in indices), valid


def _minor_lanes(buffer_rank: int, vector_rank: int) -> list[int | None]:
    """vector.load / store: the vector covers the innermost buffer dims."""
    if vector_rank > buffer_rank:
        raise InterpreterError(
            f"a rank-{vector_rank} vector access into a rank-{buffer_rank} buffer"
        )
    return list(range(buffer_rank - vector_rank, buffer_rank))


def _transfer_lanes(op: Operation, buffer_rank: int) -> list[int | None]:
    amap = op.permutation_map.data  # pyright: ignore[reportAttributeAccessIssue]
    lanes: list[int | None] = []
    for expr in amap.results:
        if isinstance(expr, AffineDimExpr):
            lanes.append(expr.position)
        elif isinstance(expr, AffineConstantExpr) and expr.value == 0:
            lanes.append(None)
        else:
            raise InterpreterError(f"unsupported permutation_map {amap}")
    if amap.num_dims != buffer_rank:
        raise InterpreterError(
            f"permutation_map {amap} for a rank-{buffer_rank} buffer"
        )
    return lanes


def _read_lanes(
    buffer: Array,
    base: Sequence[int],
    lanes: Sequence[int | None],
    vshape: Sequence[int],
    fill: Array,
    enabled: Array | None,
) -> Array:
    indices, valid = _lane_indices(base, buffer.shape, lanes, vshape)
    if enabled is not None:
        valid = valid & enabled
    return np.where(valid, buffer[indices], fill)


def _write_lanes(
    buffer: Array,
    base: Sequence[int],
    lanes: Sequence[int | None],
    value: Array,
    enabled: Array | None,
) -> None:
    indices, valid = _lane_indices(base, buffer.shape, lanes, value.shape)
    if enabled is not None:
        valid = valid & enabled
    buffer[tuple(i[valid] for i in indices)] = value[valid]


def _checked_access(valid: Array, op: Operation) -> None:
    if not valid.all():
        raise InterpreterError(f"'{op.name}' out of bounds")


@_handles("vector.load")
def _vector_load(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    buffer, base = args[0], [_int(i) for i in args[1:]]
    vshape = _vector_shape(op.results[0].type)
    lanes = _minor_lanes(buffer.ndim, len(vshape))
    indices, valid = _lane_indices(base, buffer.shape, lanes, vshape)
    _checked_access(valid, op)
    return [np.array(buffer[indices])]


@_handles("vector.store")
def _vector_store(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    value, buffer, base = args[0], args[1], [_int(i) for i in args[2:]]
    lanes = _minor_lanes(buffer.ndim, value.ndim)
    indices, valid = _lane_indices(base, buffer.shape, lanes, value.shape)
    _checked_access(valid, op)
    buffer[indices] = value
    return []


@_handles("vector.maskedload")
def _vector_maskedload(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    buffer, mask, passthru = args[0], args[-2], args[-1]
    base = [_int(i) for i in args[1:-2]]
    lanes = _minor_lanes(buffer.ndim, passthru.ndim)
    return [
        _read_lanes(buffer, base, lanes, passthru.shape, passthru, mask.astype(bool))
    ]


@_handles("vector.maskedstore")
def _vector_maskedstore(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    buffer, mask, value = args[0], args[-2], args[-1]
    base = [_int(i) for i in args[1:-2]]
    lanes = _minor_lanes(buffer.ndim, value.ndim)
    _write_lanes(buffer, base, lanes, value, mask.astype(bool))
    return []


@_handles("vector.transfer_read")
def _transfer_read(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    buffer = scope[op.source]  # pyright: ignore[reportAttributeAccessIssue]
    base = [_int(scope[i]) for i in op.indices]  # pyright: ignore[reportAttributeAccessIssue]
    padding = scope[op.padding]  # pyright: ignore[reportAttributeAccessIssue]
    mask = op.mask  # pyright: ignore[reportAttributeAccessIssue]
    enabled = scope[mask].astype(bool) if mask is not None else None
    vshape = _vector_shape(op.results[0].type)
    lanes = _transfer_lanes(op, buffer.ndim)
    fill = coerce(padding, op.results[0].type)
    return [_read_lanes(buffer, base, lanes, vshape, fill, enabled)]


@_handles("vector.transfer_write")
def _transfer_write(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    value = scope[op.vector]  # pyright: ignore[reportAttributeAccessIssue]
    buffer = scope[op.source]  # pyright: ignore[reportAttributeAccessIssue]
    base = [_int(scope[i]) for i in op.indices]  # pyright: ignore[reportAttributeAccessIssue]
    mask = op.mask  # pyright: ignore[reportAttributeAccessIssue]
    enabled = scope[mask].astype(bool) if mask is not None else None
    target = buffer.copy() if op.results else buffer  # a tensor is a value
    _write_lanes(target, base, _transfer_lanes(op, buffer.ndim), value, enabled)
    return [target] if op.results else []


@_handles("vector.broadcast", "vector.splat")
def _vector_broadcast(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    result_type = op.results[0].type
    shape = _vector_shape(result_type)
    return [coerce(np.array(np.broadcast_to(args[0], shape)), result_type)]


@_handles("vector.fma")
def _vector_fma(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    a, b, c = (np.asarray(x).astype(np.float64) for x in args)
    return [coerce(a * b + c, op.results[0].type)]


def _position(op: Operation, scope: _Scope) -> tuple[int, ...]:
    static = op.static_position.get_values()  # pyright: ignore[reportAttributeAccessIssue]
    return tuple(_mixed(static, op.dynamic_position, scope))  # pyright: ignore[reportAttributeAccessIssue]


@_handles("vector.extract")
def _vector_extract(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return [np.array(args[0][_position(op, scope)])]


@_handles("vector.insert")
def _vector_insert(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    dest = args[1].copy()
    dest[_position(op, scope)] = args[0]
    return [dest]


@_handles("vector.shape_cast")
def _vector_shape_cast(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    return [args[0].reshape(_vector_shape(op.results[0].type))]


@_handles("vector.shuffle")
def _vector_shuffle(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    mask = list(op.mask.get_values())  # pyright: ignore[reportAttributeAccessIssue]
    both = np.concatenate([np.atleast_1d(args[0]), np.atleast_1d(args[1])])
    return [both[mask]]


@_handles("vector.create_mask")
def _vector_create_mask(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    shape = _vector_shape(op.results[0].type)
    mask = np.zeros(shape, dtype=np.bool_)
    mask[tuple(slice(0, max(_int(a), 0)) for a in args)] = True
    return [mask]


@_handles("vector.constant_mask")
def _vector_constant_mask(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    shape = _vector_shape(op.results[0].type)
    sizes = op.properties.get("mask_dim_sizes") or op.attributes.get("mask_dim_sizes")
    if sizes is None:
        raise InterpreterError("vector.constant_mask without mask_dim_sizes")
    mask = np.zeros(shape, dtype=np.bool_)
    mask[tuple(slice(0, s) for s in sizes.get_values())] = True  # pyright: ignore[reportAttributeAccessIssue]
    return [mask]


_VECTOR_KINDS = {
    "add": "arith.addf",
    "mul": "arith.mulf",
    "minui": "arith.minui",
    "minsi": "arith.minsi",
    "minnumf": "arith.minnumf",
    "maxui": "arith.maxui",
    "maxsi": "arith.maxsi",
    "maxnumf": "arith.maxnumf",
    "and": "arith.andi",
    "or": "arith.ori",
    "xor": "arith.xori",
    "maximumf": "arith.maximumf",
    "minimumf": "arith.minimumf",
}


@_handles("vector.reduction")
def _vector_reduction(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    kind = str(op.kind.data)  # pyright: ignore[reportAttributeAccessIssue]
    if kind not in _VECTOR_KINDS:
        raise InterpreterError(f"unsupported vector.reduction kind '{kind}'")
    ufunc, unsigned = _COMBINERS[_VECTOR_KINDS[kind]]
    result_type = op.results[0].type
    values = _to_accumulator(args[0], result_type, unsigned).reshape(-1)
    if len(args) > 1:
        values = np.concatenate(
            [_to_accumulator(args[1], result_type, unsigned).reshape(1), values]
        )
    return [coerce(ufunc.reduce(values), result_type)]


def _raw_bits(values: Array, type_attr: Attribute) -> Array:
    """The raw bits of each element, as an unsigned array of the element's width."""
    width = _int_width(type_attr)
    if width is None:
        width = 16 if _is_bf16(type_attr) else element_dtype(type_attr).itemsize * 8
    if width not in (8, 16, 32, 64):
        raise InterpreterError(f"cannot bitcast {width}-bit elements")
    bits = _bits(values, type_attr)
    return np.asarray(bits).astype(np.dtype(f"uint{width}"))


@_handles("vector.bitcast")
def _vector_bitcast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    result_type = op.results[0].type
    shape = _vector_shape(result_type)
    out_width = _int_width(result_type)
    if out_width is None:
        out_width = (
            16 if _is_bf16(result_type) else element_dtype(result_type).itemsize * 8
        )
    raw = _contiguous(_raw_bits(args[0], op.operands[0].type))
    bits = raw.view(np.uint8).view(np.dtype(f"uint{out_width}")).reshape(shape)
    return [_from_bits(bits, result_type)]


# --------------------------------------------------------------------------
# linalg: pack, unpack and the simple named ops
# --------------------------------------------------------------------------


def _relayout_attrs(
    op: Operation, scope: _Scope
) -> tuple[list[int], list[int], list[int]]:
    """(inner_dims_pos, tiles as ints, outer_dims_perm) of a pack / unpack."""
    inner = list(op.inner_dims_pos.get_values())  # pyright: ignore[reportAttributeAccessIssue]
    perm_attr = op.outer_dims_perm  # pyright: ignore[reportAttributeAccessIssue]
    perm = list(perm_attr.get_values()) if perm_attr is not None else []
    static = op.static_inner_tiles.get_values()  # pyright: ignore[reportAttributeAccessIssue]
    tiles = _mixed(static, op.inner_tiles, scope)  # pyright: ignore[reportAttributeAccessIssue]
    return inner, tiles, perm


@_handles("linalg.pack", "tensor.pack")
def _pack(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = scope[op.source]  # pyright: ignore[reportAttributeAccessIssue]
    dest = scope[op.dest]  # pyright: ignore[reportAttributeAccessIssue]
    padding = op.padding_value  # pyright: ignore[reportAttributeAccessIssue]
    pad_value = scope[padding] if padding is not None else None
    inner, tiles, perm = _relayout_attrs(op, scope)
    if list(dest.shape[src.ndim :]) != tiles:
        raise InterpreterError(
            f"pack destination {list(dest.shape)} does not end with the tiles {tiles}"
        )
    packed = pack_array(src, inner, tiles, perm, pad_value, dest.shape[: src.ndim])
    return _write_outputs(op, [dest], [packed])


@_handles("linalg.unpack", "tensor.unpack")
def _unpack(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    src = scope[op.source]  # pyright: ignore[reportAttributeAccessIssue]
    dest = scope[op.dest]  # pyright: ignore[reportAttributeAccessIssue]
    inner, tiles, perm = _relayout_attrs(op, scope)
    unpacked = unpack_array(src, inner, tiles, perm, dest.shape)
    return _write_outputs(op, [dest], [unpacked])


def _write_outputs(
    op: Operation, outputs: Sequence[Array], values: Sequence[Array]
) -> Sequence[Array]:
    """Tensor semantics: return the new values. Buffers: write them in place."""
    converted = [
        coerce(value, out.type)
        for value, out in zip(values, _output_operands(op), strict=True)
    ]
    if op.results:
        return converted
    for buffer, value in zip(outputs, converted, strict=True):
        buffer[...] = value
    return []


def _output_operands(op: Operation) -> Sequence[SSAValue]:
    if isinstance(op, LinalgStructuredOperation):
        return op.outputs
    for name in ("dest", "init"):
        if hasattr(op, name):
            return [getattr(op, name)]
    return op.operands[-1:]


@_handles("linalg.fill")
def _fill(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    out = args[-1]
    return _write_outputs(
        op, [out], [np.full(out.shape, coerce(args[0], op.operands[-1].type))]
    )


@_handles("linalg.copy")
def _copy(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    return _write_outputs(op, [args[1]], [args[0]])


@_handles("linalg.transpose")
def _transpose(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    perm = list(op.permutation.get_values())  # pyright: ignore[reportAttributeAccessIssue]
    return _write_outputs(op, [args[1]], [_contiguous(np.transpose(args[0], perm))])


@_handles("linalg.broadcast")
def _broadcast(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    dims = tuple(op.dimensions.get_values())  # pyright: ignore[reportAttributeAccessIssue]
    src, out = args
    expanded = np.expand_dims(src, dims) if dims else src
    return _write_outputs(op, [out], [np.array(np.broadcast_to(expanded, out.shape))])


@_handles("linalg.reduce")
def _reduce(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    dims = set(op.dimensions.get_values())  # pyright: ignore[reportAttributeAccessIssue]
    src, init = args
    rank = src.ndim
    kept = tuple(AffineDimExpr(d) for d in range(rank) if d not in dims)
    maps = [AffineMap.identity(rank), AffineMap(rank, 0, kept)]
    parallel = [d not in dims for d in range(rank)]
    values = _run_structured(
        scope, maps, parallel, [src], [init], op.regions[0].block, [op.operands[1].type]
    )
    return _write_outputs(op, [init], values)


@_handles("linalg.index")
def _linalg_index(scope: _Scope, op: Operation, args: list[Array]) -> Sequence[Array]:
    if scope.loops is None:
        raise InterpreterError("linalg.index outside of a structured op")
    return [scope.loops.index(op.dim.value.data)]  # pyright: ignore[reportAttributeAccessIssue]


# --------------------------------------------------------------------------
# Structured ops: vectorized evaluation over the iteration space
# --------------------------------------------------------------------------


def _eval_structured_op(
    scope: _Scope, op: Operation, args: list[Array]
) -> Sequence[Array]:
    assert isinstance(op, LinalgStructuredOperation)
    maps = [m.data for m in op.get_indexing_maps().data]
    parallel = [str(it.data) == "parallel" for it in op.get_iterator_types().data]
    n_in = len(op.inputs)
    ins, outs = args[:n_in], args[n_in:]
    out_types = [o.type for o in op.outputs]
    values = _run_structured(scope, maps, parallel, ins, outs, op.body.block, out_types)
    return _write_outputs(op, outs, values)


def _loop_ranges(
    maps: Sequence[AffineMap], shapes: Sequence[tuple[int, ...]]
) -> tuple[int, ...]:
    """Each loop's range, read off the first operand dim indexed by it alone."""
    num_loops = maps[0].num_dims if maps else 0
    ranges: list[int | None] = [None] * num_loops
    for amap, shape in zip(maps, shapes, strict=True):
        if len(amap.results) != len(shape):
            raise InterpreterError(
                f"indexing map {amap} does not match an operand of rank {len(shape)}"
            )
        for expr, size in zip(amap.results, shape, strict=True):
            if isinstance(expr, AffineDimExpr) and ranges[expr.position] is None:
                ranges[expr.position] = size
    missing = [d for d, r in enumerate(ranges) if r is None]
    if missing:
        raise InterpreterError(f"cannot infer the range of loop d{missing[0]}")
    return tuple(r for r in ranges if r is not None)


def _eval_affine(expr: AffineExpr, dims: Sequence[Any], symbols: Sequence[Any]) -> Any:
    """An affine expression on dim / symbol values (ints or int arrays)."""
    if isinstance(expr, AffineDimExpr):
        return dims[expr.position]
    if isinstance(expr, AffineSymExpr):
        return symbols[expr.position]
    if isinstance(expr, AffineConstantExpr):
        return expr.value
    if not isinstance(expr, AffineBinaryOpExpr):
        raise InterpreterError(f"unsupported affine expression {expr}")
    lhs = _eval_affine(expr.lhs, dims, symbols)
    rhs = _eval_affine(expr.rhs, dims, symbols)
    match expr.kind:
        case AffineBinaryOpKind.Add:
            return lhs + rhs
        case AffineBinaryOpKind.Mul:
            return lhs * rhs
        case AffineBinaryOpKind.Mod:
            return lhs % rhs
        case AffineBinaryOpKind.FloorDiv:
            return lhs // rhs
        case AffineBinaryOpKind.CeilDiv:
            return -((-lhs) // rhs)


def _loop_values(ranges: Sequence[int]) -> list[Array]:
    """Each loop's values laid out along its own axis of the loop space."""
    n = len(ranges)
    return [
        np.arange(r, dtype=np.int64).reshape([r if a == d else 1 for a in range(n)])
        for d, r in enumerate(ranges)
    ]


def _affine_values(expr: AffineExpr, ranges: Sequence[int]) -> Array | int:
    """An affine expression of the loops, over the loop space (broadcastable)."""
    return _eval_affine(expr, _loop_values(ranges), [])


def _bare_dims(amap: AffineMap) -> list[int] | None:
    """The loop of each result when they are distinct bare dims, else None."""
    dims = [e.position for e in amap.results if isinstance(e, AffineDimExpr)]
    if len(dims) != len(amap.results) or len(set(dims)) != len(dims):
        return None
    return dims


def _as_loop_space(value: Any, n: int) -> Array:
    a = np.asarray(value)
    if a.ndim == n:
        return a
    if a.ndim == 0:
        return a.reshape((1,) * n)
    raise InterpreterError(
        f"structured op body value of rank {a.ndim} in a {n}-loop nest"
    )


def _gather(array: Array, amap: AffineMap, ranges: Sequence[int]) -> Array:
    """The operand's element for each loop point, broadcastable to the loop space."""
    n = len(ranges)
    a = np.asarray(array)
    dims = _bare_dims(amap)
    if dims is not None:
        order = sorted(range(len(dims)), key=lambda i: dims[i])
        shape = [1] * n
        for axis, d in enumerate(dims):
            if a.shape[axis] != ranges[d]:
                raise InterpreterError(
                    f"operand dim #{axis} of size {a.shape[axis]} indexed by loop "
                    f"d{d} of range {ranges[d]}"
                )
            shape[d] = a.shape[axis]
        return np.transpose(a, order).reshape(shape)
    indices = tuple(_affine_values(e, ranges) for e in amap.results)
    try:
        return _as_loop_space(a[indices], n)
    except IndexError as error:
        raise InterpreterError(
            f"indexing map {amap} reads out of bounds: {error}"
        ) from None


def _last_along(value: Array, axes: Sequence[int]) -> Array:
    """Keep the last point along `axes` (the last write of a loop that is not stored)."""
    index = [slice(None)] * value.ndim
    for axis in axes:
        if value.shape[axis] > 1:
            index[axis] = slice(-1, None)
    return value[tuple(index)]


def _scatter(
    init: Array, amap: AffineMap, value: Array, ranges: Sequence[int]
) -> Array:
    """The output after storing each loop point's value where the map sends it."""
    n = len(ranges)
    used = {d for e in amap.results for d in e.used_dims()}
    value = _last_along(
        _as_loop_space(value, n), [d for d in range(n) if d not in used]
    )
    dims = _bare_dims(amap)
    if dims is not None:
        full = [ranges[d] if d in used else 1 for d in range(n)]
        v = np.broadcast_to(value, full).reshape([ranges[d] for d in sorted(dims)])
        order = [sorted(dims).index(d) for d in dims]
        return _contiguous(np.transpose(v, order))
    out = np.array(init, copy=True)
    indices = tuple(_affine_values(e, ranges) for e in amap.results)
    try:
        if not indices:
            out[...] = value.reshape(())
        else:
            target = np.broadcast_shapes(*(np.shape(i) for i in indices))
            out[indices] = np.broadcast_to(value, target)
    except (IndexError, ValueError) as error:
        raise InterpreterError(
            f"indexing map {amap} writes out of bounds: {error}"
        ) from None
    return out


def _slice_chunk(view: Array, chunk: dict[int, slice]) -> Array:
    index = [slice(None)] * view.ndim
    for axis, sl in chunk.items():
        if view.shape[axis] != 1:
            index[axis] = sl
    return view[tuple(index)]


def _chunk_ranges(ranges: Sequence[int], chunk: dict[int, slice]) -> list[int]:
    return [
        len(range(*chunk[d].indices(r))) if d in chunk else r
        for d, r in enumerate(ranges)
    ]


def _reduction_chunks(
    ranges: Sequence[int], red_axes: Sequence[int], budget: int
) -> Iterator[dict[int, slice]]:
    """Split the reduction loops so one chunk holds about `budget` points."""
    parallel = math.prod(r for d, r in enumerate(ranges) if d not in red_axes)
    room = max(1, budget // max(parallel, 1))
    step: dict[int, int] = {}
    for axis in reversed(red_axes):
        size = max(ranges[axis], 1)
        step[axis] = min(size, room)
        room = max(1, room // size)
    starts = [range(0, ranges[a], step[a]) for a in red_axes]
    for combo in itertools.product(*starts):
        yield {
            a: slice(s, min(s + step[a], ranges[a]))
            for a, s in zip(red_axes, combo, strict=True)
        }


@dataclass(frozen=True)
class _Reduction:
    """A body that yields `combiner(out_arg, expr)` for one output."""

    combiner: Operation
    expr: SSAValue
    mul: Operation | None  # when the combiner adds a product: a contraction


# combiner op -> (numpy ufunc, reads values as unsigned)
_COMBINERS: dict[str, tuple[np.ufunc, bool]] = {
    "arith.addf": (np.add, False),
    "arith.addi": (np.add, False),
    "arith.mulf": (np.multiply, False),
    "arith.muli": (np.multiply, False),
    "arith.maximumf": (np.maximum, False),
    "arith.minimumf": (np.minimum, False),
    "arith.maxnumf": (np.fmax, False),
    "arith.minnumf": (np.fmin, False),
    "arith.maxsi": (np.maximum, False),
    "arith.minsi": (np.minimum, False),
    "arith.maxui": (np.maximum, True),
    "arith.minui": (np.minimum, True),
    "arith.andi": (np.bitwise_and, False),
    "arith.ori": (np.bitwise_or, False),
    "arith.xori": (np.bitwise_xor, False),
}


def _match_reduction(
    block: Block, out_arg: BlockArgument, yielded: SSAValue
) -> _Reduction | None:
    """Recognize `yield combiner(out_arg, expr)` where out_arg is used only there."""
    op = yielded.owner
    if not isinstance(op, Operation) or op.name not in _COMBINERS:
        return None
    if op.parent_block() is not block or not yielded.has_one_use():
        return None
    if not out_arg.has_one_use():
        return None
    lhs, rhs = op.operands
    if lhs is out_arg:
        expr = rhs
    elif rhs is out_arg:
        expr = lhs
    else:
        return None
    mul = expr.owner
    is_product = (
        op.name in ("arith.addf", "arith.addi")
        and isinstance(mul, Operation)
        and mul.name in ("arith.mulf", "arith.muli")
        and mul.parent_block() is block
        and expr.has_one_use()
    )
    return _Reduction(op, expr, mul if is_product else None)  # pyright: ignore[reportArgumentType]


def _to_accumulator(value: Any, type_attr: Attribute, unsigned: bool) -> Array:
    dtype = _accumulator_dtype(type_attr)
    if dtype.kind == "f":
        return np.asarray(value).astype(dtype)
    width = _int_width(type_attr) or 64
    return _unsigned(value, width) if unsigned else _signed(value, width)


def _contract(
    x: Array, x_labels: list[int], y: Array, y_labels: list[int], out_labels: list[int]
) -> Array:
    """Sum of products over the labels not in `out_labels`, via one np.matmul."""

    def sum_private(
        a: Array, labels: list[int], other: list[int]
    ) -> tuple[Array, list[int]]:
        private = [
            i
            for i, lab in enumerate(labels)
            if lab not in other and lab not in out_labels
        ]
        if private:
            a = a.sum(axis=tuple(private))
            labels = [lab for i, lab in enumerate(labels) if i not in private]
        return a, labels

    x, x_labels = sum_private(x, x_labels, y_labels)
    y, y_labels = sum_private(y, y_labels, x_labels)
    batch = [lab for lab in out_labels if lab in x_labels and lab in y_labels]
    rows = [lab for lab in out_labels if lab in x_labels and lab not in y_labels]
    cols = [lab for lab in out_labels if lab in y_labels and lab not in x_labels]
    inner = [lab for lab in x_labels if lab in y_labels and lab not in out_labels]
    size = {lab: x.shape[i] for i, lab in enumerate(x_labels)}
    size.update({lab: y.shape[i] for i, lab in enumerate(y_labels)})

    def prod(labels: list[int]) -> int:
        return math.prod(size[lab] for lab in labels)

    xt = x.transpose([x_labels.index(lab) for lab in batch + rows + inner])
    yt = y.transpose([y_labels.index(lab) for lab in batch + inner + cols])
    result = np.matmul(
        xt.reshape(prod(batch), prod(rows), prod(inner)),
        yt.reshape(prod(batch), prod(inner), prod(cols)),
    )
    current = batch + rows + cols
    result = result.reshape([size[lab] for lab in current])
    return result.transpose([current.index(lab) for lab in out_labels])


def _contraction_partial(
    x: Array,
    y: Array,
    red_axes: Sequence[int],
    ranges: Sequence[int],
    acc_type: Attribute,
) -> Array:
    """sum over the reduction loops of x * y, laid out over the loop space."""
    n = len(ranges)
    x = _as_loop_space(_to_accumulator(x, acc_type, False), n)
    y = _as_loop_space(_to_accumulator(y, acc_type, False), n)
    x_labels = [d for d in range(n) if x.shape[d] != 1]
    y_labels = [d for d in range(n) if y.shape[d] != 1]
    out_labels = [
        d for d in range(n) if d not in red_axes and (d in x_labels or d in y_labels)
    ]
    result = _contract(
        x.reshape([x.shape[d] for d in x_labels]),
        x_labels,
        y.reshape([y.shape[d] for d in y_labels]),
        y_labels,
        out_labels,
    )
    repeats = math.prod(
        ranges[d] for d in red_axes if d not in x_labels and d not in y_labels
    )
    if repeats != 1:
        result = result * np.asarray(repeats, dtype=result.dtype)
    shape = [1] * n
    for d in out_labels:
        shape[d] = ranges[d]
    return result.reshape(shape)


def _combiner_partial(
    value: Array,
    reduction: _Reduction,
    red_axes: Sequence[int],
    ranges: Sequence[int],
    acc_type: Attribute,
) -> Array:
    """The combiner folded over the reduction loops of one chunk."""
    ufunc, unsigned = _COMBINERS[reduction.combiner.name]
    x = _as_loop_space(_to_accumulator(value, acc_type, unsigned), len(ranges))
    shape = [ranges[d] if d in red_axes else x.shape[d] for d in range(len(ranges))]
    return ufunc.reduce(np.broadcast_to(x, shape), axis=tuple(red_axes), keepdims=True)


def _run_structured(
    scope: _Scope,
    maps: Sequence[AffineMap],
    parallel: Sequence[bool],
    ins: Sequence[Array],
    outs: Sequence[Array],
    block: Block,
    out_types: Sequence[Attribute],
) -> list[Array]:
    """Evaluate a structured op: the new value of each output."""
    operands = [np.asarray(a) for a in [*ins, *outs]]
    if len(maps) != len(operands):
        raise InterpreterError(
            f"{len(maps)} indexing maps for {len(operands)} operands"
        )
    ranges = _loop_ranges(maps, [a.shape for a in operands])
    if len(parallel) != len(ranges):
        raise InterpreterError(
            f"{len(parallel)} iterator types for {len(ranges)} loops"
        )
    views = [_gather(a, m, ranges) for a, m in zip(operands, maps, strict=True)]
    out_maps = maps[len(ins) :]
    red_axes = [d for d, par in enumerate(parallel) if not par]
    if not red_axes:
        body_scope = scope.child(_LoopSpace(ranges))
        values = _run_block(body_scope, block, views)
    else:
        for amap in out_maps:
            if any(d in red_axes for e in amap.results for d in e.used_dims()):
                raise InterpreterError(
                    f"output indexing map {amap} uses a reduction loop"
                )
        values = _run_reduction(
            scope, block, views, len(ins), ranges, red_axes, out_types
        )
    return [
        _scatter(init, amap, coerce(value, t), ranges)
        for init, amap, value, t in zip(outs, out_maps, values, out_types, strict=True)
    ]


def _yielded_values(block: Block) -> list[SSAValue]:
    terminator = block.last_op
    if terminator is None or terminator.name not in _TERMINATORS:
        raise InterpreterError("structured op body has no yield")
    return list(terminator.operands)


def _run_reduction(
    scope: _Scope,
    block: Block,
    views: Sequence[Array],
    n_in: int,
    ranges: tuple[int, ...],
    red_axes: list[int],
    out_types: Sequence[Attribute],
) -> list[Array]:
    """The outputs of a structured op with reduction loops (loop-space layout)."""
    out_args = block.args[n_in:]
    yielded = _yielded_values(block)
    reductions = [
        _match_reduction(block, arg, value)
        for arg, value in zip(out_args, yielded, strict=True)
    ]
    if any(r is None for r in reductions):
        return _fold_sequentially(
            scope, block, views, n_in, ranges, red_axes, out_types
        )
    matched = [r for r in reductions if r is not None]
    return _reduce_with_combiners(
        scope, block, views, n_in, ranges, red_axes, out_types, matched
    )


def _body_footprint(
    block: Block,
    views: Sequence[Array],
    ranges: Sequence[int],
    skip: frozenset[Operation],
) -> int:
    """The most elements one value of the body holds when evaluated at once.

    A value spans the loops its operands span (a block argument: the loops its
    indexing map reads; linalg.index d: loop d); an op with regions, all.
    """
    spans: dict[SSAValue, frozenset[int]] = {
        arg: frozenset(d for d in range(len(ranges)) if view.shape[d] != 1)
        for arg, view in zip(block.args, views, strict=True)
    }
    every_loop = frozenset(range(len(ranges)))
    largest = 0
    for op in block.ops:
        if op in skip or op.name in _TERMINATORS:
            continue
        if op.name == "linalg.index":
            span = frozenset([op.dim.value.data])  # pyright: ignore[reportAttributeAccessIssue]
        elif op.regions:
            span = every_loop
        else:
            span = frozenset().union(*(spans.get(v, frozenset()) for v in op.operands))
        for result in op.results:
            spans[result] = span
        largest = max(largest, math.prod(ranges[d] for d in span))
    return largest


def _reduce_with_combiners(
    scope: _Scope,
    block: Block,
    views: Sequence[Array],
    n_in: int,
    ranges: tuple[int, ...],
    red_axes: list[int],
    out_types: Sequence[Attribute],
    reductions: list[_Reduction],
) -> list[Array]:
    """Evaluate the combined expressions over chunks of the reduction loops."""
    skip = frozenset(
        [r.combiner for r in reductions]
        + [r.mul for r in reductions if r.mul is not None]
    )
    accs = [
        _to_accumulator(view, t, _COMBINERS[r.combiner.name][1])
        for view, t, r in zip(views[n_in:], out_types, reductions, strict=True)
    ]
    if _body_footprint(block, views, ranges, skip) <= _CHUNK_BUDGET:
        chunks: Iterator[dict[int, slice]] = iter([{}])
    else:
        chunks = _reduction_chunks(ranges, red_axes, _CHUNK_BUDGET)
    for chunk in chunks:
        body_scope = scope.child(_LoopSpace(ranges, chunk))
        sliced = [_slice_chunk(v, chunk) for v in views]
        _run_block(body_scope, block, sliced, skip)
        chunk_ranges = _chunk_ranges(ranges, chunk)
        for j, r in enumerate(reductions):
            if r.mul is not None:
                lhs, rhs = (body_scope[v] for v in r.mul.operands)
                partial = _contraction_partial(
                    lhs, rhs, red_axes, chunk_ranges, out_types[j]
                )
            else:
                partial = _combiner_partial(
                    body_scope[r.expr], r, red_axes, chunk_ranges, out_types[j]
                )
            accs[j] = _COMBINERS[r.combiner.name][0](accs[j], partial)
    return accs


def _fold_sequentially(
    scope: _Scope,
    block: Block,
    views: Sequence[Array],
    n_in: int,
    ranges: tuple[int, ...],
    red_axes: list[int],
    out_types: Sequence[Attribute],
) -> list[Array]:
    """Run the body once per reduction point, vectorized over the parallel loops."""
    n = len(ranges)
    parallel_shape = [1 if d in red_axes else r for d, r in enumerate(ranges)]
    accs = [
        np.broadcast_to(coerce(view, t), parallel_shape)
        for view, t in zip(views[n_in:], out_types, strict=True)
    ]
    for point in itertools.product(*(range(ranges[d]) for d in red_axes)):
        chunk = {d: slice(p, p + 1) for d, p in zip(red_axes, point, strict=True)}
        body_scope = scope.child(_LoopSpace(ranges, chunk))
        inputs = [_slice_chunk(v, chunk) for v in views[:n_in]]
        values = _run_block(body_scope, block, [*inputs, *accs])
        accs = [
            np.broadcast_to(coerce(_as_loop_space(v, n), t), parallel_shape)
            for v, t in zip(values, out_types, strict=True)
        ]
    return accs
