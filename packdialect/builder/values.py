"""Builder values: `Tensor` and `Scalar`, wrappers around SSA values.

A value remembers the scope that built it; using it where that scope is not
visible (in another function, or after a `pd.generic` body has ended) is a
`BuildError`. Python operators (`@ + - * / // -x`, `x.T`, `x[i]`,
`x.astype`) dispatch through `OPERATORS`, a table the op modules fill when
they are imported (importing `packdialect.builder` imports them all), so
this module never imports them.

`pd.Tensor[(16, 64), pd.f32]` is the annotation of a tensor parameter: the
class subscripted gives a `TensorSpec`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from xdsl.dialects.builtin import TensorType
from xdsl.ir import Attribute, SSAValue

from packdialect.builder.errors import build_error
from packdialect.builder.scope import Scope, current_scope
from packdialect.builder.types import DType, TensorSpec, dtype_of, make_spec, type_str

OPERATORS: dict[str, Callable[..., Any]] = {}
"""Operator name -> the op builder implementing it (filled by the op modules)."""


def operator(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an op builder as the implementation of an operator."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        OPERATORS[name] = fn
        return fn

    return register


def _dispatch(name: str) -> Callable[..., Any]:
    def method(self: Value, *args: Any) -> Any:
        return OPERATORS[name](self, *args)

    method.__name__ = name
    return method


def _reflected(name: str) -> Callable[..., Any]:
    def method(self: Value, other: Any) -> Any:
        return OPERATORS[name](other, self)

    method.__name__ = f"r{name}"
    return method


class Value:
    """An SSA value being built, with numpy-like operators."""

    __slots__ = ("scope", "ssa")
    __array_ufunc__ = None  # `ndarray + value` defers to our reflected operators

    def __init__(self, ssa: SSAValue, scope: Scope):
        self.ssa = ssa
        self.scope = scope

    @property
    def type(self) -> Attribute:
        """The MLIR type."""
        return self.ssa.type

    @property
    def dtype(self) -> DType:
        """The element type."""
        found = dtype_of(getattr(self.type, "element_type", self.type))
        if found is None:
            raise build_error(f"values of type {type_str(self.type)} are not supported")
        return found

    def astype(self, dtype: Any) -> Value:
        """This value converted to `dtype` (numpy's `astype`)."""
        return OPERATORS["astype"](self, dtype)

    def __bool__(self) -> bool:
        raise build_error(
            "a builder value has no truth value at build time (Python runs before "
            "the program does): use pd.maximum, pd.minimum or pd.generic instead"
        )

    __add__ = _dispatch("add")
    __radd__ = _reflected("add")
    __sub__ = _dispatch("sub")
    __rsub__ = _reflected("sub")
    __mul__ = _dispatch("mul")
    __rmul__ = _reflected("mul")
    __truediv__ = _dispatch("div")
    __rtruediv__ = _reflected("div")
    __floordiv__ = _dispatch("floordiv")
    __rfloordiv__ = _reflected("floordiv")
    __neg__ = _dispatch("neg")


class Tensor(Value):
    """A ranked tensor value. `Tensor[shape, dtype]` is a parameter annotation."""

    __slots__ = ()

    def __class_getitem__(cls, params: Any) -> TensorSpec:
        return make_spec(params)

    @property
    def shape(self) -> tuple[int, ...]:
        """The static shape."""
        assert isinstance(self.type, TensorType)
        return tuple(self.type.get_shape())

    @property
    def ndim(self) -> int:
        """The rank."""
        return len(self.shape)

    @property
    def T(self) -> Tensor:  # noqa: N802 - numpy's name
        """The transpose (dims reversed, as numpy's `.T`)."""
        return OPERATORS["transpose"](self)

    def __matmul__(self, other: Any) -> Tensor:
        return OPERATORS["matmul"](self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return OPERATORS["matmul"](other, self)

    def __getitem__(self, index: Any) -> Value:
        return OPERATORS["getitem"](self, index)

    def __len__(self) -> int:
        return self.shape[0] if self.shape else 0

    def __iter__(self) -> Iterator[Value]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        return f"<pd.Tensor {type_str(self.type)}>"


class Scalar(Value):
    """A scalar value (an element inside a `pd.generic` body, or a scalar argument)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<pd.Scalar {self.type}>"


def wrap(ssa: SSAValue, scope: Scope | None = None) -> Value:
    """A Tensor or Scalar for an SSA value built in `scope` (default: the current)."""
    scope = scope or current_scope("wrapping a value")
    if isinstance(ssa.type, TensorType):
        return Tensor(ssa, scope)
    return Scalar(ssa, scope)


def check_visible(value: Value, what: str) -> SSAValue:
    """The SSA value of `value`, if it may be used in the current scope."""
    scope = current_scope(what)
    if not scope.sees(value.scope):
        raise build_error(
            f"{what}: this value was built in another function or in a structured "
            "op's body that has ended; pass it as an argument instead"
        )
    return value.ssa


__all__ = [
    "OPERATORS",
    "Scalar",
    "Tensor",
    "Value",
    "check_visible",
    "operator",
    "wrap",
]
