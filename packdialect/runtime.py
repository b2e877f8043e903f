"""Compile MLIR to a shared library and call its functions on numpy arrays.

    mod = packdialect.compile("matmul.mlir")          # path, MLIR text or ModuleOp
    C = mod.matmul(A, B)                              # numpy in, numpy out

`compile` parses the input, records each public function's original
signature, lowers it (the `cpu-pipeline` pass by default, or the given
pipeline; already-lowered memref IR is used as is), emits C, compiles it with
`cc -O3 -march=native -fopenmp -shared -fPIC` into a content-addressed cache
(`$PACKDIALECT_CACHE`, default `~/.cache/packdialect`; the key hashes the C
source, the flags and the compiler's version) and loads it with ctypes.

A function whose results were bufferized into out-parameters
(`packdialect.outputs = N`) is called with its inputs only (outputs are
allocated, 64-byte aligned, and returned: one array, or a tuple for several)
or with inputs and outputs (written in place and returned). Other functions
take every argument explicitly and return the C return value. Arguments are
checked (count, dtype, shape) before the call; non-contiguous arrays are
copied (and copied back when written). `bf16` arrays are `ml_dtypes.bfloat16`
when installed, else `uint16` holding the raw bits. The C compiler is `$CC`
or `cc`; no user text ever reaches a shell.
"""

from __future__ import annotations

import ctypes
import hashlib
import math
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    MemRefType,
    ModuleOp,
    NoneAttr,
    StridedLayoutAttr,
    TensorType,
    VectorType,
)
from xdsl.ir import Attribute, Operation
from xdsl.utils.exceptions import DiagnosticException

from packdialect.emit.c import (
    CParam,
    function_abi,
    function_symbols,
    is_public,
    num_outputs,
)
from packdialect.emit.c import emit_c as _emit_c
from packdialect.emit.c_types import scalar_ctype, vector_info, vector_typedef_name

__all__ = [
    "ArgumentError",
    "CompileError",
    "CompiledFunction",
    "CompiledModule",
    "compile",
    "compile_c",
    "emit_c",
]

BASE_FLAGS = ("-O3", "-march=native", "-fopenmp", "-std=c11", "-fno-math-errno")
_SHARED_FLAGS = ("-shared", "-fPIC")
_LOWERING_DIALECTS = ("linalg.", "tensor.", "bufferization.")


class CompileError(DiagnosticException):
    """Lowering or C compilation failed (the message names the C file)."""


class ArgumentError(DiagnosticException):
    """A compiled function was called with arguments of the wrong count/type/shape."""


def emit_c(module: ModuleOp) -> str:
    """The C translation of a lowered module (see packdialect.emit.c)."""
    return _emit_c(module)


# ---------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------


def _bf16_dtypes() -> list[np.dtype]:
    try:
        import ml_dtypes  # type: ignore[import-not-found]
    except ImportError:
        return [np.dtype(np.uint16)]
    return [np.dtype(ml_dtypes.bfloat16), np.dtype(np.uint16)]


def numpy_dtypes(t: Attribute) -> list[np.dtype]:
    """The numpy dtypes accepted for element type `t` (the first one is allocated)."""
    if isinstance(t, Float32Type):
        return [np.dtype(np.float32)]
    if isinstance(t, Float64Type):
        return [np.dtype(np.float64)]
    if isinstance(t, Float16Type):
        return [np.dtype(np.float16)]
    if isinstance(t, BFloat16Type):
        return _bf16_dtypes()
    if isinstance(t, IndexType):
        return [np.dtype(np.int64)]
    if isinstance(t, IntegerType):
        width = t.width.data
        if width == 1:
            return [np.dtype(np.bool_)]
        if width in (8, 16, 32, 64):
            # Signless: the signed and the unsigned dtype of the width are both fine.
            return [np.dtype(f"int{width}"), np.dtype(f"uint{width}")]
    raise CompileError(f"element type '{t}' has no numpy dtype")


_CTYPES_SCALARS: dict[str, Any] = {
    "int64_t": ctypes.c_int64,
    "int32_t": ctypes.c_int32,
    "int16_t": ctypes.c_int16,
    "int8_t": ctypes.c_int8,
    "bool": ctypes.c_bool,
    "float": ctypes.c_float,
    "double": ctypes.c_double,
    "uint16_t": ctypes.c_uint16,
}


def _scalar_ctypes(t: Attribute) -> Any | None:
    """The ctypes type of a scalar of type t (None: not passable, e.g. f16)."""
    if isinstance(t, VectorType | MemRefType | TensorType):
        return None
    return _CTYPES_SCALARS.get(scalar_ctype(t))


def _type_ctype(t: Attribute) -> str:
    if isinstance(t, VectorType):
        return vector_typedef_name(vector_info(t))
    return scalar_ctype(t)


def _is_row_major(t: MemRefType) -> bool:
    """Whether a memref argument is laid out like a C-contiguous numpy array."""
    if isinstance(t.layout, NoneAttr):
        return True
    if not isinstance(t.layout, StridedLayoutAttr):
        return False
    shape = t.get_shape()
    expected: list[int | None] = []
    running: int | None = 1
    for size in reversed(shape):
        expected.append(running)
        running = None if running is None or size < 0 else running * size
    return all(
        s is None or s == e
        for s, e in zip(t.get_strides() or (), reversed(expected), strict=True)
    )


# ---------------------------------------------------------------------------
# Compiled functions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """A public function's signature before lowering (tensor types)."""

    inputs: tuple[Attribute, ...]
    results: tuple[Attribute, ...]


@dataclass(frozen=True)
class _ArgSpec:
    """What one argument must be, precomputed so that calls stay cheap."""

    where: str
    """"function 'f': argument 0 (%a)", for error messages."""
    memref: bool
    output: bool
    dtypes: tuple[np.dtype, ...] = ()
    shape: tuple[int, ...] = ()
    """Static sizes; -1 where dynamic."""
    expected: str = ""
    scalar: Any = None
    """The ctypes type of a scalar argument."""
    bf16: bool = False
    """A bf16 memref: float32 inputs (the interpreter's carrier) are converted."""


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
        self._params: list[CParam] = function_abi(func, _type_ctype)
        self._signature = _consistent(
            signature, self._inputs, self._results, self.num_outputs
        )
        self._problem = self._check_callable()
        self._cfunc = cfunc
        if self._problem is not None:
            return
        names = _argument_names(func)
        self._specs = [self._spec(i, t, names[i]) for i, t in enumerate(self._inputs)]
        self._cfunc.argtypes = [_param_ctypes(p, self._inputs) for p in self._params]
        self._cfunc.restype = (
            _scalar_ctypes(self._results[0]) if self._results else None
        )

    def _spec(self, index: int, t: Attribute, name: str) -> _ArgSpec:
        where = f"function '{self.name}': argument {index}" + (
            f" ({name})" if name else ""
        )
        output = self.num_outputs > 0 and index >= self.num_inputs
        if not isinstance(t, MemRefType):
            return _ArgSpec(
                where, False, output, expected=f"a scalar {t}", scalar=_scalar_ctypes(t)
            )
        dtypes = tuple(numpy_dtypes(t.element_type))
        shape = tuple(s if s >= 0 else -1 for s in t.get_shape())
        dims = "x".join("?" if s < 0 else str(s) for s in shape)
        expected = (
            f"memref<{dims + 'x' if dims else ''}{t.element_type}> (numpy {dtypes[0]})"
        )
        bf16 = isinstance(t.element_type, BFloat16Type)
        return _ArgSpec(where, True, output, dtypes, shape, expected, bf16=bf16)

    def _check_callable(self) -> str | None:
        for index, t in enumerate(self._inputs):
            if isinstance(t, MemRefType) and not _is_row_major(t):
                return f"argument {index} has non-contiguous layout {t}"
            if not isinstance(t, MemRefType) and _scalar_ctypes(t) is None:
                return f"argument {index} of type {t} cannot be passed from Python"
        if self._results and _scalar_ctypes(self._results[0]) is None:
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
            _prepare(spec, value) for spec, value in zip(self._specs, args, strict=True)
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
        return PreparedCall(self, args, passed, self._c_arguments(passed), copies)

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

    def _c_arguments(self, passed: list[Any]) -> list[Any]:
        arguments: list[Any] = []
        for param in self._params:
            value = passed[param.arg]
            if param.kind == "memref":
                arguments.append(data_pointer(value))
            elif param.kind == "size":
                arguments.append(value.shape[param.dim])
            elif param.kind == "stride":
                arguments.append(value.strides[param.dim] // value.itemsize)
            else:
                arguments.append(value)
        return arguments

    def _results_of(self, args: tuple[Any, ...], value: Any) -> Any:
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


def _prepare(spec: _ArgSpec, value: Any) -> Any:
    """The value to pass for one argument (an array for memrefs), or ArgumentError."""
    if not spec.memref:
        return _prepare_scalar(spec, value)
    if (
        type(value) is np.ndarray
        and value.shape == spec.shape
        and value.dtype in spec.dtypes
    ):
        flags = value.flags
        if flags.c_contiguous and flags.aligned:
            return value  # the common case, checked cheaply
    return _prepare_array(spec, value)


def _prepare_array(spec: _ArgSpec, value: Any) -> Any:
    """_prepare for memrefs: conversions, copies and error messages."""
    if type(value) is not np.ndarray:
        if spec.output:
            raise ArgumentError(
                f"{spec.where}: output must be a numpy array of {spec.expected}"
            )
        try:
            value = np.asarray(value, dtype=spec.dtypes[0])
        except (TypeError, ValueError) as error:
            raise ArgumentError(f"{spec.where}: expected {spec.expected}") from error
    if spec.bf16 and not spec.output and value.dtype == np.float32:
        value = bf16_bits(value)
    if value.dtype not in spec.dtypes:
        raise ArgumentError(
            f"{spec.where}: expected {spec.expected}, got dtype {value.dtype}"
        )
    shape = value.shape
    if len(shape) != len(spec.shape) or any(
        s != g and s >= 0 for s, g in zip(spec.shape, shape, strict=True)
    ):
        raise ArgumentError(
            f"{spec.where}: expected {spec.expected}, got shape {shape}"
        )
    flags = value.flags
    if flags.c_contiguous and flags.aligned:
        return value
    return np.require(value, requirements=["C", "A"])


def bf16_bits(values: np.ndarray) -> np.ndarray:
    """float32 values rounded to bf16 (ties to even) as raw uint16 bits."""
    from packdialect.interpreter import round_to_bf16

    rounded = np.ascontiguousarray(round_to_bf16(values), dtype=np.float32)
    return (rounded.view(np.uint32) >> np.uint32(16)).astype(np.uint16)


def _prepare_scalar(spec: _ArgSpec, value: Any) -> Any:
    if isinstance(value, np.ndarray) and value.ndim > 0:
        raise ArgumentError(
            f"{spec.where} expects {spec.expected}, got an array of shape {value.shape}"
        )
    if isinstance(value, np.generic | np.ndarray):
        value = value.item()
    try:
        return spec.scalar(value)
    except TypeError as error:
        raise ArgumentError(
            f"{spec.where} expects {spec.expected}, got {type(value).__name__}"
        ) from error


def _one_or_tuple(values: list[Any]) -> Any:
    if not values:
        return None
    return values[0] if len(values) == 1 else tuple(values)


def _argument_names(func: Operation) -> list[str]:
    blocks = list(func.regions[0].blocks) if func.regions else []
    if not blocks:
        return [""] * len(func.function_type.inputs.data)  # type: ignore[attr-defined]
    return [f"%{a.name_hint}" if a.name_hint else "" for a in blocks[0].args]


def _param_ctypes(param: CParam, inputs: tuple[Attribute, ...]) -> Any:
    if param.kind == "memref":
        return ctypes.c_void_p
    if param.kind in ("size", "stride"):
        return ctypes.c_int64
    return _scalar_ctypes(inputs[param.arg])


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


def data_pointer(array: np.ndarray) -> int:
    """Address of a C-contiguous array's data (faster than `array.ctypes.data`)."""
    try:
        return ctypes.addressof(ctypes.c_char.from_buffer(array))
    except (TypeError, ValueError, BufferError):  # read-only or empty
        return array.ctypes.data


def aligned_empty(shape: Sequence[int], dtype: np.dtype, align: int = 64) -> np.ndarray:
    """np.empty(shape, dtype) whose data starts on an `align`-byte boundary."""
    nbytes = math.prod(shape) * dtype.itemsize
    buffer = np.empty(nbytes + align, dtype=np.uint8)
    start = (-data_pointer(buffer)) % align
    return buffer[start : start + nbytes].view(dtype).reshape(tuple(shape))


# ---------------------------------------------------------------------------
# Compiled modules
# ---------------------------------------------------------------------------


class CompiledModule:
    """A loaded shared library; its public functions are attributes and items."""

    def __init__(
        self,
        module: ModuleOp,
        library: Path,
        c_path: Path,
        c_source: str,
        signatures: dict[str, Signature],
        threads: int | None = None,
    ) -> None:
        self.library_path = library
        self.c_path = c_path
        self.c_source = c_source
        self.threads = threads
        try:
            self._lib = ctypes.CDLL(str(library))
        except OSError as error:
            raise CompileError(
                f"cannot load {library} (from {c_path}): {error}"
            ) from error
        self._set_threads = getattr(self._lib, "packdialect_set_num_threads", None)
        if self._set_threads is not None:
            self._set_threads.argtypes = [ctypes.c_int]
            self._set_threads.restype = None
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
        return cfunc(*arguments)


# ---------------------------------------------------------------------------
# Compilation
# ---------------------------------------------------------------------------


def _parse(source: str | os.PathLike | ModuleOp, ctx: Context) -> ModuleOp:
    from packdialect.ir.context import parse_module

    if isinstance(source, ModuleOp):
        return source.clone()
    if isinstance(source, os.PathLike):
        return parse_module(Path(source).read_text(), ctx, str(source))
    looks_like_path = "\n" not in source and not any(c in source for c in "{(%")
    if looks_like_path and Path(source).is_file():
        return parse_module(Path(source).read_text(), ctx, source)
    return parse_module(source, ctx)


def _signatures(module: ModuleOp) -> dict[str, Signature]:
    signatures = {}
    for op in module.ops:
        if op.name == "func.func" and is_public(op):
            function_type = op.function_type  # type: ignore[attr-defined]
            signatures[op.sym_name.data] = Signature(  # type: ignore[attr-defined]
                tuple(function_type.inputs.data), tuple(function_type.outputs.data)
            )
    return signatures


def needs_lowering(module: ModuleOp) -> bool:
    """Whether the module still holds tensors or linalg/tensor ops."""
    for op in module.walk():
        if op.name.startswith(_LOWERING_DIALECTS):
            return True
        if any(isinstance(r.type, TensorType) for r in op.results):
            return True
        if op.name == "func.func":
            types = op.function_type  # type: ignore[attr-defined]
            if any(
                isinstance(t, TensorType)
                for t in (*types.inputs.data, *types.outputs.data)
            ):
                return True
    return False


def _available_passes() -> dict:
    from passes import all_passes

    return all_passes()


def _default_pipeline(threads: int | None) -> str:
    factory = _available_passes().get("cpu-pipeline")
    try:
        available = factory is not None and factory() is not None
    except ImportError:
        available = False
    if not available:
        raise CompileError(
            "the module is not lowered (it has tensors or linalg ops) and no "
            "'cpu-pipeline' pass is available; pass pipeline=... or lowered IR"
        )
    return f"cpu-pipeline{{threads={threads}}}" if threads else "cpu-pipeline"


def run_pipeline(module: ModuleOp, ctx: Context, spec: str) -> None:
    """Apply a pass-pipeline string (xDSL's and packdialect's passes) in place."""
    from xdsl.passes import PassPipeline

    try:
        pipeline = PassPipeline.parse_spec(_available_passes(), spec)
    except (Exception, BaseException) as error:  # ArgSpecParseError is a BaseException
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        raise CompileError(f"invalid pipeline '{spec}': {error}") from error
    pipeline.apply(ctx, module)


def compile(  # noqa: A001 - the documented API name
    source: str | os.PathLike | ModuleOp,
    target: str = "c",
    pipeline: str | None = None,
    threads: int | None = None,
    cflags: Sequence[str] = (),
) -> CompiledModule:
    """Lower, emit, compile and load `source` (a path, MLIR text or a ModuleOp).

    `pipeline` is a pass-pipeline string run before emission (default:
    `cpu-pipeline{threads=N}` when the module still has tensors or linalg
    ops; nothing when it is already lowered). `threads` also sets the OpenMP
    thread count of every call. `cflags` are extra compiler flags.
    """
    if target != "c":
        raise CompileError(f"unknown target '{target}' (available: c)")
    from packdialect.ir.context import make_context

    ctx = make_context()
    module = _parse(source, ctx)
    signatures = _signatures(module)
    if pipeline is None and needs_lowering(module):
        pipeline = _default_pipeline(threads)
    if pipeline:
        run_pipeline(module, ctx, pipeline)
    c_source = emit_c(module)
    c_path, library = compile_c(c_source, cflags)
    return CompiledModule(module, library, c_path, c_source, signatures, threads)


# ---------------------------------------------------------------------------
# The C compiler and the cache
# ---------------------------------------------------------------------------


def cache_dir() -> Path:
    """The cache directory ($PACKDIALECT_CACHE or ~/.cache/packdialect), created."""
    configured = os.environ.get("PACKDIALECT_CACHE")
    path = Path(configured) if configured else Path.home() / ".cache" / "packdialect"
    path.mkdir(parents=True, exist_ok=True)
    return path


def find_compiler() -> str:
    """The C compiler: $CC or `cc` on PATH (CompileError when there is none)."""
    name = os.environ.get("CC", "cc")
    found = shutil.which(name)
    if found is None:
        raise CompileError(f"no C compiler found ('{name}' is not on PATH; set CC)")
    return found


@lru_cache(maxsize=8)
def compiler_version(compiler: str) -> str:
    """The first line of `compiler --version` (part of the cache key)."""
    try:
        proc = subprocess.run(
            [compiler, "--version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (
        (proc.stdout or proc.stderr).splitlines()[0]
        if (proc.stdout or proc.stderr)
        else "unknown"
    )


def compiler_flags(extra: Sequence[str] = ()) -> list[str]:
    """The flags used to build a shared library from emitted C."""
    flags = list(BASE_FLAGS)
    if platform.machine().lower() in ("x86_64", "amd64"):
        flags.append("-mprefer-vector-width=512")
    return flags + list(extra) + list(_SHARED_FLAGS)


def compile_c(c_source: str, cflags: Sequence[str] = ()) -> tuple[Path, Path]:
    """Compile C source into the cache; return (C file, shared library).

    Raises CompileError with the C file's path and the compiler's message.
    """
    compiler = find_compiler()
    flags = compiler_flags(cflags)
    key_text = "\0".join(
        [c_source, " ".join(flags), compiler, compiler_version(compiler)]
    )
    key = hashlib.sha256(key_text.encode()).hexdigest()[:32]
    directory = cache_dir()
    c_path = directory / f"pd_{key}.c"
    library = directory / f"pd_{key}.so"
    if library.is_file():
        return c_path, library
    _atomic_write(c_path, c_source.encode())
    fd, temp_name = tempfile.mkstemp(suffix=".so", dir=directory)
    os.close(fd)
    command = [compiler, *flags, "-o", temp_name, str(c_path), "-lm"]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired as error:
        os.unlink(temp_name)
        raise CompileError(f"the C compiler timed out on {c_path}") from error
    if proc.returncode != 0:
        os.unlink(temp_name)
        raise CompileError(
            f"C compilation of {c_path} failed ({' '.join(command[:1])} exit {proc.returncode}):\n"
            + (proc.stderr or proc.stdout).strip()
        )
    os.replace(temp_name, library)
    return c_path, library


def _atomic_write(path: Path, data: bytes) -> None:
    fd, temp_name = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp_name, path)
