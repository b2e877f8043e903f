"""`@pd.func` and `@pd.macro`: Python functions that build IR.

- A `@pd.func` becomes a `func.func` whose parameters come from its
  annotations (`pd.Tensor[(16, 64), pd.f32]`, or a dtype for a scalar).
  `f.module` builds (once) a module holding it and every `@pd.func` it calls;
  a call from one `@pd.func` to another is a `func.call`, and the callee is
  emitted once per module however often it is called. Called on numpy arrays
  outside any build, a `@pd.func` compiles itself once and runs.
- A `@pd.macro` is inlined: calling it while a function is being built runs
  its Python body there. Its Python locals are its own, its spliced SSA
  names live in their fragments (see splice.py), so calling a macro twice,
  or a macro and its caller using the same names, is fine.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

from xdsl.dialects import func
from xdsl.dialects.builtin import (
    FileLineColLoc,
    FunctionType,
    IntAttr,
    ModuleOp,
    StringAttr,
)
from xdsl.ir import Block, Region, SSAValue

from packdialect.builder.errors import (
    BuildError,
    build_error,
    expanding,
    outside_macros,
    user_location,
)
from packdialect.builder.scalars import constant, is_number
from packdialect.builder.scope import (
    Scope,
    current_scope,
    current_scope_or_none,
    emit,
    entered,
    tensor_scope,
    verify_op,
)
from packdialect.builder.types import DType, TensorSpec, type_str
from packdialect.builder.values import Value, check_visible, wrap
from packdialect.compiler import compile as compile_module

Param = tuple[str, TensorSpec | DType]


def _def_location(fn: Callable[..., Any]) -> str:
    code = getattr(fn, "__code__", None)
    if code is None:
        return ""
    return f"{code.co_filename}:{code.co_firstlineno}"


def annotated_params(fn: Callable[..., Any], owner: str) -> list[Param]:
    """(name, type) of every parameter, from its `pd.Tensor[...]`/dtype annotation."""
    where = _def_location(fn)
    try:
        signature = inspect.signature(fn, eval_str=True)
    except (NameError, TypeError, SyntaxError) as err:
        raise BuildError(
            f"{owner}: cannot read the annotations: {err}", where
        ) from None
    params: list[Param] = []
    for p in signature.parameters.values():
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise BuildError(f"{owner}: parameter '{p.name}' must be positional", where)
        if not isinstance(p.annotation, TensorSpec | DType):
            raise BuildError(
                f"{owner}: parameter '{p.name}' needs a type annotation such as "
                "pd.Tensor[(16, 64), pd.f32] (or pd.f32 for a scalar)",
                where,
            )
        params.append((p.name, p.annotation))
    return params


def _mlir_type(t: TensorSpec | DType) -> Any:
    return t.mlir


class ModuleBuild:
    """One module being built: its functions, in the order they were started."""

    def __init__(self) -> None:
        self.module = ModuleOp([])
        self.funcs: dict[Function, func.FuncOp] = {}
        self.building: set[Function] = set()

    def ensure(self, fn: Function) -> func.FuncOp:
        """`fn`'s func.func in this module, building it on first use."""
        if fn in self.building:
            raise build_error(
                f"@{fn.name} calls itself (directly or not): its result types are "
                "not known while it is being built"
            )
        found = self.funcs.get(fn)
        if found is not None:
            return found
        clash = next((f for f in self.funcs if f.name == fn.name), None)
        if clash is not None:
            raise build_error(
                f"two different @pd.func functions are named '{fn.name}' in one "
                "module; give one another name with @pd.func(name=...)"
            )
        return self._build(fn)

    def _build(self, fn: Function) -> func.FuncOp:
        params = fn.params()
        block = Block(arg_types=[_mlir_type(t) for _, t in params])
        for arg, (name, _) in zip(block.args, params, strict=True):
            arg.name_hint = name
        inputs = [_mlir_type(t) for _, t in params]
        func_op = func.FuncOp(fn.name, (inputs, []), Region(block))
        func_op.location = fn.location_attr()
        self.module.body.block.add_op(func_op)
        self.funcs[fn] = func_op
        self.building.add(fn)
        placeholder = func.ReturnOp()
        block.add_op(placeholder)
        scope = Scope(block, module=self, anchor=placeholder)
        try:
            with outside_macros(), entered(scope):
                returned = fn.python(*[wrap(arg, scope) for arg in block.args])
                results = _returned(returned, fn)
        finally:
            self.building.discard(fn)
        func_op.function_type = FunctionType.from_lists(
            inputs, [r.type for r in results]
        )
        ret = func.ReturnOp(*results)
        ret.location = func_op.location
        block.insert_op_before(ret, placeholder)
        block.erase_op(placeholder)
        verify_op(func_op, f"@{fn.name}")
        return func_op


def _returned(value: Any, fn: Function) -> list[SSAValue]:
    """The SSA values a function's Python body returned (located at its def)."""
    values = list(value) if isinstance(value, tuple | list) else [value]
    if value is None:
        values = []
    for v in values:
        if not isinstance(v, Value):
            raise BuildError(
                f"@{fn.name} must return builder values (tensors or scalars), got "
                f"{type(v).__name__}",
                fn.def_location,
            )
    return [check_visible(v, f"return from @{fn.name}") for v in values]


class Function:
    """A `@pd.func`: builds a `func.func`; `.module` is its module."""

    def __init__(
        self,
        fn: Callable[..., Any],
        name: str | None = None,
        params: Sequence[Param] | None = None,
        origin: Callable[..., Any] | None = None,
    ):
        self.python = fn
        self.name = name or fn.__name__
        self._params = list(params) if params is not None else None
        self._origin = origin or fn
        self._module: ModuleOp | None = None
        self._compiled: Any = None
        functools.update_wrapper(self, self._origin)

    def params(self) -> list[Param]:
        """(name, type) of every parameter."""
        if self._params is None:
            self._params = annotated_params(self._origin, f"@{self.name}")
        return self._params

    @property
    def def_location(self) -> str:
        """`file:line` of the Python `def` (of its first decorator)."""
        return _def_location(self._origin)

    def location_attr(self) -> FileLineColLoc:
        """The MLIR location of the Python `def`."""
        code = self._origin.__code__
        return FileLineColLoc(
            StringAttr(code.co_filename), IntAttr(code.co_firstlineno), IntAttr(1)
        )

    @property
    def module(self) -> ModuleOp:
        """The module holding this function and every `@pd.func` it calls (built once)."""
        if self._module is None:
            build = ModuleBuild()
            build.ensure(self)
            self._module = build.module
        return self._module

    def __str__(self) -> str:
        return str(self.module)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if current_scope_or_none() is None:
            return self._run(*args, **kwargs)
        return call(self, args, kwargs)

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        """Compile once (C backend) and call on numpy arrays."""
        if kwargs:
            raise build_error(f"@{self.name}: pass the arrays positionally")
        if self._compiled is None:
            self._compiled = compile_module(self.module)
        return self._compiled[self.name](*args)


def call(fn: Function, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """A `func.call` to `fn` (built into the current module once) on `args`."""
    what = f"call to @{fn.name}"
    scope = tensor_scope(what)
    params = fn.params()
    try:
        bound = inspect.Signature(
            [
                inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                for n, _ in params
            ]
        ).bind(*args, **kwargs)
    except TypeError as err:
        raise build_error(f"{what}: {err}") from None
    operands = [
        _argument(bound.arguments[name], name, t, fn.name) for name, t in params
    ]
    callee = scope.root.module.ensure(fn)
    outputs = callee.function_type.outputs.data
    op = emit(func.CallOp(fn.name, operands, list(outputs)), what)
    results = [wrap(r, scope) for r in op.results]
    if len(results) == 1:
        return results[0]
    return tuple(results) if results else None


def _argument(value: Any, name: str, t: TensorSpec | DType, callee: str) -> SSAValue:
    what = f"call to @{callee}"
    if isinstance(t, DType) and is_number(value):
        return constant(value, t, what).ssa
    if not isinstance(value, Value):
        raise build_error(
            f"{what}: argument '{name}' must be a builder value, got {value!r}"
        )
    if value.type != t.mlir:
        raise build_error(
            f"{what}: argument '{name}' is {type_str(value.type)} but "
            f"@{callee} takes {type_str(t.mlir)}"
        )
    return check_visible(value, what)


class Macro:
    """A `@pd.macro`: its Python body runs inline wherever it is called."""

    def __init__(self, fn: Callable[..., Any]):
        self.python = fn
        self.name = fn.__name__
        functools.update_wrapper(self, fn)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        current_scope(f"macro {self.name}")
        with expanding(self.name, user_location()):
            return self.python(*args, **kwargs)


def func_decorator(
    fn: Callable[..., Any] | None = None, *, name: str | None = None
) -> Any:
    """`@pd.func` or `@pd.func(name="...")`: a Function."""
    if fn is None:
        return lambda f: Function(f, name=name)
    return Function(fn, name=name)


def macro(fn: Callable[..., Any]) -> Macro:
    """`@pd.macro`: a function inlined, hygienically, into its callers."""
    return Macro(fn)
