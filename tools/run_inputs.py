"""`pack-run`'s inputs: from an npz or random, checked before anything runs.

- `load_npz_inputs`: `arg0`, `arg1`, ... of an npz, each checked against
  the function's signature (dtype, rank, static sizes);
- `parse_shapes`: the `--shape arg0=4x8` options, the sizes of dynamic
  arguments when inputs are random;
- `argument_shapes`: every argument's shape (static, or from `--shape`),
  refusing a dynamic argument without one;
- `check_sizes`: refuse inputs larger than this machine's memory, naming
  the argument and the byte count, before anything is allocated.

Every failure is a ToolError.
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from collections.abc import Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ShapedType,
    UnrankedMemRefType,
    UnrankedTensorType,
)
from xdsl.ir import Attribute

from packdialect.diagnostics import ToolError
from packdialect.ir.dtypes import DtypeError, value_dtype

_SHAPE_OPTION = re.compile(r"arg(\d+)=(\d+(?:x\d+)*)$")
INT64_MAX = 2**63 - 1
UNRANKED = (UnrankedTensorType, UnrankedMemRefType)


def expected_dtype(t: Attribute) -> np.dtype:
    """The numpy dtype that carries values of MLIR type `t` (its value form)."""
    try:
        return value_dtype(t)
    except DtypeError as err:
        raise ToolError(f"type {t} has no numpy form: {err}") from None


def check_argument(index: int, t: Attribute, value: np.ndarray) -> np.ndarray:
    """`value` if it fits argument `index` of type `t`; ToolError otherwise."""
    name = f"arg{index}"
    want = expected_dtype(t)
    if value.dtype != want:
        raise ToolError(
            f"input '{name}' has dtype {value.dtype}, expected {want} for {t}"
        )
    if isinstance(t, UNRANKED):
        return value
    if not isinstance(t, ShapedType):
        if value.shape != ():
            raise ToolError(
                f"input '{name}' has shape {value.shape}, expected a scalar {t}"
            )
        return value
    shape = t.get_shape()
    fits = len(shape) == value.ndim and all(
        d in (DYNAMIC_INDEX, s) for d, s in zip(shape, value.shape, strict=True)
    )
    if not fits:
        raise ToolError(f"input '{name}' has shape {value.shape}, expected {t}")
    return value


def load_npz_inputs(path: str, fn: func.FuncOp) -> list[np.ndarray]:
    """The arguments of `fn` from the npz at `path` (checked)."""
    types = list(fn.function_type.inputs.data)
    if not os.path.isfile(path):
        reason = "is a directory" if os.path.isdir(path) else "no such file"
        raise ToolError(f"cannot read inputs '{path}': {reason}")
    if not zipfile.is_zipfile(path):
        raise ToolError(
            f"cannot read inputs '{path}': not an npz file (a zip archive of "
            ".npy arrays, as numpy.savez writes)"
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: np.asarray(data[k]) for k in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
        raise ToolError(f"cannot read inputs '{path}': {err}") from None
    extra = sorted(set(arrays) - {f"arg{i}" for i in range(len(types))})
    if extra:
        raise ToolError(
            f"unexpected input '{extra[0]}': @{fn.sym_name.data} takes "
            f"{len(types)} argument(s)"
        )
    result = []
    for i, t in enumerate(types):
        if f"arg{i}" not in arrays:
            raise ToolError(f"missing input 'arg{i}' (expected {t})")
        result.append(check_argument(i, t, arrays[f"arg{i}"]))
    return result


def parse_shapes(options: Sequence[str]) -> dict[int, tuple[int, ...]]:
    """`--shape argN=AxBxC` options as {N: (A, B, C)}; ToolError for a
    malformed or repeated one."""
    shapes: dict[int, tuple[int, ...]] = {}
    for option in options:
        for item in option.split(","):
            found = _SHAPE_OPTION.match(item.strip())
            if found is None:
                raise ToolError(
                    f"malformed --shape '{option}': expected argN=DIMS such as "
                    "arg0=4x8 (sizes separated by 'x', several separated by ',')"
                )
            index = int(found.group(1))
            if index in shapes:
                raise ToolError(f"--shape gives the shape of 'arg{index}' twice")
            dims = tuple(int(d) for d in found.group(2).split("x"))
            if max(dims) > INT64_MAX:
                raise ToolError(f"--shape '{item}': a size is larger than INT64_MAX")
            shapes[index] = dims
    return shapes


def argument_shapes(
    fn: func.FuncOp, given: dict[int, tuple[int, ...]]
) -> list[tuple[int, ...]]:
    """Each argument's shape: its static one, or the one `--shape` gives (which
    must agree with the static sizes). A dynamic argument without one is
    refused: the interpreter never guesses sizes."""
    types = list(fn.function_type.inputs.data)
    unknown = sorted(i for i in given if i >= len(types))
    if unknown:
        raise ToolError(
            f"--shape names 'arg{unknown[0]}', but @{fn.sym_name.data} takes "
            f"{len(types)} argument(s)"
        )
    shapes = []
    missing = []
    for i, t in enumerate(types):
        static = tuple(t.get_shape()) if isinstance(t, ShapedType) else ()
        if isinstance(t, UNRANKED):
            if i not in given:
                missing.append(f"'arg{i}' ({t})")
            else:
                shapes.append(given[i])
        elif i in given:
            _check_given(i, t, static, given[i])
            shapes.append(given[i])
        elif DYNAMIC_INDEX in static:
            missing.append(f"'arg{i}' ({t})")
        else:
            shapes.append(static)
    if missing:
        raise ToolError(
            f"dynamic sizes in {', '.join(missing)}: give each shape with "
            "--shape, e.g. --shape arg0=4x8, or the arrays with --inputs"
        )
    return shapes


def _check_given(
    index: int, t: Attribute, static: tuple[int, ...], shape: tuple[int, ...]
) -> None:
    if not isinstance(t, ShapedType):
        raise ToolError(f"--shape gives a shape for 'arg{index}', a scalar {t}")
    fits = len(shape) == len(static) and all(
        d in (DYNAMIC_INDEX, s) for d, s in zip(static, shape, strict=True)
    )
    if not fits:
        dims = "x".join(map(str, shape))
        raise ToolError(f"--shape arg{index}={dims} does not fit {t}")


def machine_memory() -> int | None:
    """Bytes of physical memory (None where the platform does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def human_bytes(n: int) -> str:
    """`n` bytes as `12.3 GiB (13207024435 bytes)`."""
    value, unit = float(n), "bytes"
    for name in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if value < 1024:
            break
        value, unit = value / 1024, name
    return f"{n} bytes" if unit == "bytes" else f"{value:.1f} {unit} ({n} bytes)"


def check_sizes(
    fn: func.FuncOp, shapes: Sequence[tuple[int, ...]], limit: int | None
) -> None:
    """Refuse inputs that need more than `limit` bytes (each one, and all
    together), naming the argument and the size, before allocating."""
    if limit is None:
        return
    total = 0
    for i, (t, shape) in enumerate(
        zip(fn.function_type.inputs.data, shapes, strict=True)
    ):
        size = math.prod(shape) * expected_dtype(t).itemsize
        total += size
        if size > limit:
            raise ToolError(
                f"input 'arg{i}' ({t}) needs {human_bytes(size)}, more than this "
                f"machine's memory ({human_bytes(limit)})"
            )
    if total > limit:
        raise ToolError(
            f"the inputs need {human_bytes(total)} in all, more than this "
            f"machine's memory ({human_bytes(limit)})"
        )
