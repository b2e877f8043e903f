"""`@pd.jit`: build and compile on the first call per argument shape and dtype.

```python
@pd.jit
def scaled(a, b):
    return pd.softmax(a @ b, axis=1)

scaled(np.ones((8, 32), np.float32), np.ones((32, 16), np.float32))
```

Every numpy array argument becomes a tensor parameter of its shape and
dtype (`ml_dtypes.bfloat16` arrays are bf16); every other argument (an
int, a float, a tuple, ...) is a build-time constant the Python body sees
as is. The compiled function is cached per (shapes, dtypes, constants).
Compiling logs on the `packdialect.builder` logger: the first compile at
INFO, every later one ("recompiling ... for new argument types") at
WARNING, which Python shows by default. Called while another function is
being built, a `@pd.jit` function is inlined like a macro.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from packdialect.builder.errors import build_error
from packdialect.builder.functions import Function, Param
from packdialect.builder.scope import current_scope_or_none
from packdialect.builder.types import TensorSpec, dtype_from_numpy
from packdialect.compiler import compile as compile_module

logger = logging.getLogger("packdialect.builder")


def _spec(array: np.ndarray, position: int, name: str) -> TensorSpec:
    dtype = dtype_from_numpy(array.dtype)
    if dtype is None:
        raise build_error(
            f"@pd.jit {name}: argument {position} has unsupported dtype {array.dtype}"
        )
    if array.ndim == 0 or array.size == 0:
        raise build_error(
            f"@pd.jit {name}: argument {position} has shape {array.shape}; "
            "pass non-empty arrays of rank >= 1 (numbers are build-time constants)"
        )
    return TensorSpec(tuple(array.shape), dtype)


def _static_key(value: Any, position: int, name: str) -> Hashable:
    if not isinstance(value, Hashable):
        raise build_error(
            f"@pd.jit {name}: argument {position} ({type(value).__name__}) is neither "
            "a numpy array nor a hashable build-time constant"
        )
    return (type(value).__name__, value)


class Jit:
    """A function compiled on first call per argument signature, then cached."""

    def __init__(
        self,
        fn: Callable[..., Any],
        target: str = "c",
        pipeline: str | None = None,
        threads: int | None = None,
    ):
        self.python = fn
        self.name = fn.__name__
        self.target = target
        self.pipeline = pipeline
        self.threads = threads
        self._cache: dict[tuple[Hashable, ...], Any] = {}
        self._param_names = list(inspect.signature(fn).parameters)
        functools.update_wrapper(self, fn)

    @property
    def compilations(self) -> int:
        """How many versions have been compiled (one per signature seen)."""
        return len(self._cache)

    def _signature(
        self, args: tuple[Any, ...]
    ) -> tuple[tuple[Hashable, ...], list[Param]]:
        key: list[Hashable] = []
        params: list[Param] = []
        for i, arg in enumerate(args):
            if isinstance(arg, np.ndarray):
                spec = _spec(arg, i, self.name)
                key.append(spec)
                name = self._param_names[i] if i < len(self._param_names) else f"arg{i}"
                params.append((name, spec))
            else:
                key.append(_static_key(arg, i, self.name))
        return tuple(key), params

    def _function(self, args: tuple[Any, ...], params: list[Param]) -> Function:
        def specialized(*tensors: Any) -> Any:
            supplied = iter(tensors)
            return self.python(
                *[next(supplied) if isinstance(a, np.ndarray) else a for a in args]
            )

        return Function(specialized, name=self.name, params=params, origin=self.python)

    def lower(self, *args: Any) -> ModuleOp:
        """The module `self(*args)` would compile (linalg on tensors)."""
        _, params = self._signature(args)
        return self._function(args, params).module

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if current_scope_or_none() is not None:
            return self.python(*args, **kwargs)
        if kwargs:
            raise build_error(f"@pd.jit {self.name}: pass the arguments positionally")
        key, params = self._signature(args)
        compiled = self._cache.get(key)
        if compiled is None:
            compiled = self._compile(key, args, params)
        return compiled(*[a for a in args if isinstance(a, np.ndarray)])

    def _compile(
        self, key: tuple[Hashable, ...], args: tuple[Any, ...], params: list[Param]
    ) -> Any:
        described = ", ".join(
            str(k) if isinstance(k, TensorSpec) else repr(k[1]) for k in key
        )  # type: ignore[index]
        if self._cache:
            logger.warning(
                "pd.jit: recompiling %s for new argument types (%s); %d version(s) "
                "compiled before",
                self.name,
                described,
                len(self._cache),
            )
        else:
            logger.info("pd.jit: compiling %s for (%s)", self.name, described)
        module = self._function(args, params).module
        compiled = compile_module(
            module, target=self.target, pipeline=self.pipeline, threads=self.threads
        )
        function = compiled[self.name]
        self._cache[key] = function
        return function


def jit(
    fn: Callable[..., Any] | None = None,
    *,
    target: str = "c",
    pipeline: str | None = None,
    threads: int | None = None,
) -> Any:
    """`@pd.jit` or `@pd.jit(target=..., pipeline=..., threads=...)`."""
    if fn is None:
        return lambda f: Jit(f, target=target, pipeline=pipeline, threads=threads)
    return Jit(fn, target=target, pipeline=pipeline, threads=threads)
