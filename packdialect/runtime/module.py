"""Loaded libraries and their callable functions.

`CompiledModule` loads a shared library built from a lowered module; its
public functions are attributes and items, each a `CompiledFunction`:

A function whose results were bufferized into out-parameters
(`packdialect.outputs = N`) is called with its inputs only (outputs are
allocated, 64-byte aligned, and returned: one array, or a tuple for several)
or with inputs and outputs (written in place and returned). Other functions
take every argument explicitly and return the C return value (a numpy scalar
of the storage dtype: float32 for f32). Arguments are
checked (count, dtype, shape) before the call; non-contiguous arrays are
copied (and copied back when written); see `marshal.py` for the numpy forms.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.dialects.builtin import MemRefType, ModuleOp, TensorType
from xdsl.ir import Attribute, Operation

from packdialect.emit.abi import (
    ASSERT_FAILED_SYMBOL,
    ASSERT_LOCATION_SYMBOL,
    ASSERT_MESSAGE_SYMBOL,
    CParam,
    function_abi,
    function_symbols,
    is_public,
    num_outputs,
)
from packdialect.ir.dtypes import storage_dtype
from packdialect.runtime.errors import ArgumentError, AssertionFailed, CompileError
from packdialect.runtime.marshal import (
    ArgSpec,
    aligned_empty,
    arg_spec,
    c_arguments,
    is_row_major,
    param_ctypes,
    prepare,
    scalar_ctypes,
    type_ctype,
)


@dataclass(frozen=True)
class Signature:
    """A public function's signature before lowering (tensor types)."""

    inputs: tuple[Attribute, ...]
    results: tuple[Attribute, ...]


class CompiledFunction:
    """A callable wrapper around one exported C function."""

    def __init__(
        self,
        name: str,
        func: Operation,
        cfunc: Any,
        owner: CompiledModule,
        signature: Signature | None,
    ) -> None:
        self.name = name
        self._owner = owner
        self._inputs: tuple[Attribute, ...] = tuple(func.function_type.inputs.data)  # type: ignore[attr-defined]
        self._results: tuple[Attribute, ...] = tuple(func.function_type.outputs.data)  # type: ignore[attr-defined]
        self.num_outputs = num_outputs(func)
        self._params: list[CParam] = function_abi(func, type_ctype)
        self._signature = _consistent(
            signature, self._inputs, self._results, self.num_outputs
        )
        self._problem = self._check_callable()
        self._cfunc = cfunc
        if self._problem is not None:
            return
        names = _argument_names(func)
        self._specs = [self._spec(i, t, names[i]) for i, t in enumerate(self._inputs)]
        self._cfunc.argtypes = [param_ctypes(p, self._inputs) for p in self._params]
        self._cfunc.restype = scalar_ctypes(self._results[0]) if self._results else None
        # ctypes returns Python floats/ints; a scalar result comes back as a
        # numpy scalar of its storage dtype (f32 -> float32, not float64).
        self._scalar_type = (
            storage_dtype(self._results[0]).type if self._results else None
        )

    def _spec(self, index: int, t: Attribute, name: str) -> ArgSpec:
        where = f"function '{self.name}': argument {index}" + (
            f" ({name})" if name else ""
        )
        output = self.num_outputs > 0 and index >= self.num_inputs
        return arg_spec(where, t, output)

    def _check_callable(self) -> str | None:
        for index, t in enumerate(self._inputs):
            if isinstance(t, MemRefType) and not is_row_major(t):
                return f"argument {index} has non-contiguous layout {t}"
            if not isinstance(t, MemRefType) and scalar_ctypes(t) is None:
                return f"argument {index} of type {t} cannot be passed from Python"
        if self._results and scalar_ctypes(self._results[0]) is None:
            return f"result of type {self._results[0]} cannot be returned to Python"
        return None

    @property
    def num_inputs(self) -> int:
        """Number of arguments when the outputs are allocated by the runtime."""
        return len(self._inputs) - self.num_outputs

    def __repr__(self) -> str:
        return f"<compiled function {self.name}>"

    def __call__(self, *args: Any) -> Any:
        """Check, convert, call, and return the outputs (see the module docs)."""
        return self.prepare(*args)()

    def prepare(self, *args: Any) -> PreparedCall:
        """Check and convert the arguments once; the returned call reruns cheaply.

        `f.prepare(A, B)()` is `f(A, B)`; calling the prepared call again
        reruns the C function on the same arrays (and outputs) with no
        checks, which is what timing loops want.
        """
        if self._problem is not None:
            raise ArgumentError(
                f"function '{self.name}' cannot be called: {self._problem}"
            )
        explicit = len(args) == len(self._inputs)
        if not explicit:
            if not (self.num_outputs and len(args) == self.num_inputs):
                raise ArgumentError(self._count_message(len(args)))
            args = args + tuple(self._allocate_outputs())
        passed = [
            prepare(spec, value) for spec, value in zip(self._specs, args, strict=True)
        ]
        if explicit and self.num_outputs:
            self._check_outputs_do_not_alias(passed)
        # Outputs the C code wrote into a converted copy are copied back; inputs
        # are read-only, so their copies (and bf16 conversions) stay private.
        copies = [
            (original, array)
            for spec, original, array in zip(self._specs, args, passed, strict=True)
            if spec.output
            and array is not original
            and isinstance(original, np.ndarray)
        ]
        return PreparedCall(
            self, args, passed, c_arguments(self._params, passed), copies
        )

    def _check_outputs_do_not_alias(self, passed: list[Any]) -> None:
        """Outputs are `restrict` pointers: they may not overlap other arguments."""
        arrays = [(i, a) for i, a in enumerate(passed) if isinstance(a, np.ndarray)]
        for index in range(self.num_inputs, len(passed)):
            for other, array in arrays:
                if other != index and np.may_share_memory(passed[index], array):
                    raise ArgumentError(
                        f"{self._specs[index].where}: the output overlaps argument "
                        f"{other}; outputs must be distinct buffers"
                    )

    def _count_message(self, got: int) -> str:
        if self.num_outputs:
            return (
                f"function '{self.name}' takes {self.num_inputs} arguments "
                f"(or {len(self._inputs)} with its outputs), got {got}"
            )
        return f"function '{self.name}' takes {len(self._inputs)} arguments, got {got}"

    def _allocate_outputs(self) -> list[np.ndarray]:
        outputs = []
        for spec in self._specs[self.num_inputs :]:
            if -1 in spec.shape:
                raise ArgumentError(
                    f"{spec.where}: the output has a dynamic shape; pass the output array"
                )
            outputs.append(aligned_empty(spec.shape, spec.dtypes[0]))
        return outputs

    def _results_of(self, args: tuple[Any, ...], value: Any) -> Any:
        if self._scalar_type is not None:
            value = self._scalar_type(value)
        if not self.num_outputs:
            return value
        outputs = list(args[self.num_inputs :])
        if self._signature is None:
            return _one_or_tuple(outputs + ([value] if self._results else []))
        ordered = [
            outputs.pop(0) if isinstance(t, TensorType | MemRefType) else value
            for t in self._signature.results
        ]
        return _one_or_tuple(ordered)


class PreparedCall:
    """A checked call of a CompiledFunction on fixed arrays (see `prepare`)."""

    def __init__(self, function, args, passed, c_arguments, copies) -> None:
        self._function = function
        self._args = args
        self._passed = passed  # keeps copies alive while their pointers are used
        self._c_arguments = c_arguments
        self._copies = copies

    def __call__(self) -> Any:
        """Run the C function and return its outputs (like the CompiledFunction)."""
        function = self._function
        value = function._owner._invoke(function._cfunc, self._c_arguments)
        for original, array in self._copies:
            np.copyto(original, array)
        return function._results_of(self._args, value)


def _one_or_tuple(values: list[Any]) -> Any:
    if not values:
        return None
    return values[0] if len(values) == 1 else tuple(values)


def _argument_names(func: Operation) -> list[str]:
    blocks = list(func.regions[0].blocks) if func.regions else []
    if not blocks:
        return [""] * len(func.function_type.inputs.data)  # type: ignore[attr-defined]
    return [f"%{a.name_hint}" if a.name_hint else "" for a in blocks[0].args]


def _consistent(
    signature: Signature | None,
    inputs: tuple[Attribute, ...],
    results: tuple[Attribute, ...],
    outputs: int,
) -> Signature | None:
    """The original signature, if it matches the lowered one (else None)."""
    if signature is None:
        return None
    shaped = [t for t in signature.results if isinstance(t, TensorType | MemRefType)]
    scalars = len(signature.results) - len(shaped)
    if len(signature.inputs) != len(inputs) - outputs or len(shaped) != outputs:
        return None
    if scalars != len(results):
        return None
    return signature


class CompiledModule:
    """A loaded shared library; its public functions are attributes and items."""

    def __init__(
        self,
        module: ModuleOp,
        library: Path,
        source_path: Path,
        source: str,
        signatures: dict[str, Signature],
        threads: int | None = None,
    ) -> None:
        self.library_path = library
        self.source_path = source_path
        self.source = source
        self.threads = threads
        try:
            self._lib = ctypes.CDLL(str(library))
        except OSError as error:
            raise CompileError(
                f"cannot load {library} (from {source_path}): {error}"
            ) from error
        self._set_threads = getattr(self._lib, "packdialect_set_num_threads", None)
        if self._set_threads is not None:
            self._set_threads.argtypes = [ctypes.c_int]
            self._set_threads.restype = None
        self._asserts = _AssertQueries.of(self._lib)
        symbols = function_symbols(module)
        self._functions: dict[str, CompiledFunction] = {}
        for func in module.ops:
            if (
                func.name != "func.func"
                or not is_public(func)
                or not func.regions[0].blocks
            ):
                continue
            name = func.sym_name.data  # type: ignore[attr-defined]
            cfunc = getattr(self._lib, symbols[name])
            self._functions[name] = CompiledFunction(
                name, func, cfunc, self, signatures.get(name)
            )

    @property
    def c_path(self) -> Path:
        """The emitted source file (named for the C backend)."""
        return self.source_path

    @property
    def c_source(self) -> str:
        """The emitted source text (named for the C backend)."""
        return self.source

    @property
    def functions(self) -> list[str]:
        """Names of the callable (public) functions."""
        return list(self._functions)

    def __getitem__(self, name: str) -> CompiledFunction:
        if name not in self._functions:
            raise KeyError(
                f"no public function '{name}' (have: {', '.join(self._functions)})"
            )
        return self._functions[name]

    def __getattr__(self, name: str) -> CompiledFunction:
        functions = self.__dict__.get("_functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError(
            f"no public function '{name}' (have: {', '.join(functions)})"
        )

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._functions))

    def _invoke(self, cfunc: Any, arguments: list[Any]) -> Any:
        if self.threads and self._set_threads is not None:
            self._set_threads(int(self.threads))
        value = cfunc(*arguments)
        if self._asserts is not None:
            self._asserts.raise_if_failed()
        return value


@dataclass(frozen=True)
class _AssertQueries:
    """The assert functions of a library (the ABI's assert part)."""

    failed: Any
    message: Any
    location: Any

    @staticmethod
    def of(lib: ctypes.CDLL) -> _AssertQueries | None:
        """The library's assert functions, or None when its code has no asserts."""
        failed = getattr(lib, ASSERT_FAILED_SYMBOL, None)
        if failed is None:
            return None
        failed.argtypes, failed.restype = [], ctypes.c_int32
        texts = []
        for symbol in (ASSERT_MESSAGE_SYMBOL, ASSERT_LOCATION_SYMBOL):
            function = getattr(lib, symbol)
            function.argtypes, function.restype = [ctypes.c_int32], ctypes.c_char_p
            texts.append(function)
        return _AssertQueries(failed, *texts)

    def raise_if_failed(self) -> None:
        """Raise AssertionFailed when an assert failed during the last call."""
        number = self.failed()
        if not number:
            return
        message = self.message(number).decode(errors="replace")
        raise AssertionFailed(message, self.location(number).decode(errors="replace"))


def signatures_of(module: ModuleOp) -> dict[str, Signature]:
    """The tensor-level signature of every public function (before lowering)."""
    signatures = {}
    for op in module.ops:
        if op.name == "func.func" and is_public(op):
            function_type = op.function_type  # type: ignore[attr-defined]
            signatures[op.sym_name.data] = Signature(  # type: ignore[attr-defined]
                tuple(function_type.inputs.data), tuple(function_type.outputs.data)
            )
    return signatures
