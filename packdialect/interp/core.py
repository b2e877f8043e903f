"""The interpreter's core: errors, element types, the handler table, scopes.

Each op family module (`arith`, `tensor`, `linalg`, ...) registers its
handlers in `_HANDLERS` with `@_handles("dialect.op")`; `run_function` runs a
function op by op, looking each op up there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    MemRefType,
    ModuleOp,
    ShapedType,
    UnrankedMemRefType,
    UnrankedTensorType,
)
from xdsl.dialects.func import FuncOp
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.utils.exceptions import DiagnosticException

from packdialect.diagnostics import location_of
from packdialect.ir.dtypes import DtypeError, element_type, round_to_bf16, value_dtype

__all__ = [
    "InterpreterError",
    "coerce",
    "element_dtype",
    "random_inputs",
    "round_to_bf16",
    "run_function",
]


class InterpreterError(DiagnosticException):
    """The interpreter cannot evaluate the IR: an unsupported op, a bad
    argument, a failed `cf.assert`. `location` is the op's `file:line:col`
    (tools print `location: error: message`), set where the op is known."""

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__(message)
        self.location = location


Array = np.ndarray


Handler = Callable[["_Scope", Operation, list[Array]], Sequence[Array]]


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


_FLOAT_TYPES = frozenset({Float16Type, BFloat16Type, Float32Type, Float64Type})


_element_type = element_type
"""The element type of a shaped type, or the type itself (packdialect.ir.dtypes)."""


def _int_width(type_attr: Attribute) -> int | None:
    """The bit width of an integer or index (element) type, None for others."""
    elem = _element_type(type_attr)
    if type(elem) is IndexType:
        return 64
    if type(elem) is IntegerType:
        return elem.width.data
    return None


def _is_float(type_attr: Attribute) -> bool:
    return type(_element_type(type_attr)) in _FLOAT_TYPES


def _is_bf16(type_attr: Attribute) -> bool:
    return type(_element_type(type_attr)) is BFloat16Type


def element_dtype(type_attr: Attribute) -> np.dtype:
    """The numpy dtype the interpreter computes with for an MLIR element type
    (or a shaped type's): the value form of `packdialect.ir.dtypes`.

    f16 -> float16, bf16 -> float32 (values kept rounded to bf16), f32, f64,
    i1 -> bool, iN -> the smallest intN holding N bits, index -> int64.
    """
    try:
        return value_dtype(type_attr)
    except DtypeError as err:
        raise InterpreterError(str(err)) from None


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
    rng: np.random.Generator, type_attr: Attribute, shape: tuple[int, ...]
) -> Array:
    if _is_float(type_attr):
        return coerce(rng.uniform(-1.0, 1.0, size=shape), type_attr)
    width = _int_width(type_attr)
    if width == 1:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if isinstance(_element_type(type_attr), IndexType):
        return coerce(rng.integers(0, 9, size=shape), type_attr)
    return coerce(rng.integers(-8, 9, size=shape), type_attr)


def _argument_shape(
    index: int,
    type_attr: Attribute,
    dynamic_size: int | None,
    shapes: Mapping[int, Sequence[int]],
) -> tuple[int, ...]:
    """The shape of random argument `index`: from `shapes`, else its static
    shape with `dynamic_size` for each dynamic dimension."""
    if isinstance(type_attr, UnrankedTensorType | UnrankedMemRefType):
        if index not in shapes:
            raise InterpreterError(
                f"argument {index} ({type_attr}) is unranked: pass its shape "
                "(shapes={index: (...)})"
            )
        return tuple(shapes[index])
    if not isinstance(type_attr, ShapedType):
        if tuple(shapes.get(index, ())) != ():
            raise InterpreterError(f"argument {index} is a scalar {type_attr}")
        return ()
    static = tuple(type_attr.get_shape())
    if index in shapes:
        shape = tuple(shapes[index])
        fits = len(shape) == len(static) and all(
            d in (DYNAMIC_INDEX, s) and s >= 0
            for d, s in zip(static, shape, strict=True)
        )
        if not fits:
            raise InterpreterError(
                f"shape {shape} for argument {index} does not fit {type_attr}"
            )
        return shape
    if DYNAMIC_INDEX not in static:
        return static
    if dynamic_size is None:
        raise InterpreterError(
            f"argument {index} ({type_attr}) has dynamic sizes: pass its shape "
            "(shapes={index: (...)}) or a dynamic_size"
        )
    return tuple(dynamic_size if d == DYNAMIC_INDEX else d for d in static)


def random_inputs(
    func_op: FuncOp,
    seed: int = 0,
    *,
    dynamic_size: int | None = None,
    shapes: Mapping[int, Sequence[int]] | None = None,
) -> list[Array]:
    """Random arguments for `func_op`: one array per argument, of its type.

    Floats are uniform in [-1, 1], integers in [-8, 8], index values in
    [0, 8], i1 random bools. A dynamic argument takes its shape from
    `shapes` (argument index -> shape), else every dynamic dimension gets
    `dynamic_size`; with neither, InterpreterError names the argument (no
    size is ever assumed).
    """
    rng = np.random.default_rng(seed)
    types = list(func_op.function_type.inputs.data)
    sizes = [
        _argument_shape(i, t, dynamic_size, shapes or {}) for i, t in enumerate(types)
    ]
    return [_random_value(rng, t, shape) for t, shape in zip(types, sizes, strict=True)]


# --------------------------------------------------------------------------
# Scopes, the handler table, running functions
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


_STRUCTURED_OP = "<linalg structured op>"
"""The `_HANDLERS` key of the evaluator of every structured op (a
`LinalgStructuredOperation`) that has no handler of its own by name."""


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
        handler = _HANDLERS.get(_STRUCTURED_OP)
    if handler is None:
        raise InterpreterError(f"unsupported operation '{op.name}'", location_of(op))
    args = [scope[operand] for operand in op.operands]
    try:
        results = handler(scope, op, args)
    except InterpreterError as err:
        if not err.location:
            err.location = location_of(op)
        raise
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
    try:
        with np.errstate(all="ignore"):
            results = _Interpreter(module).call(name, args)
    except RecursionError:
        raise InterpreterError(
            f"@{name}: calls and regions nest deeper than the interpreter can "
            f"follow (the Python recursion limit, {sys.getrecursionlimit()} "
            "frames): a recursion that never ends?"
        ) from None
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
