"""The ABI of emitted functions, shared by every emitter and the runtime.

Every backend exports the same C-callable functions, so the runtime calls a
`.so` from C or from CUDA the same way:

* A public `func.func` is an entry point exported as `pd_<name>` (characters
  outside [A-Za-z0-9_] become `_`, clashes get a `_N` suffix:
  `function_symbols`); a private one is internal; a body-less declaration is
  an existing C function called by its own name, which must be a C
  identifier. `memref.global`s become `pdg_<name>`.
* Parameters (`function_abi`), in order per argument: a memref is a `T *`
  pointer to the element at its offset (`T *restrict` in public functions),
  then one `int64_t` per dynamic size (`argN_dK`), then one `int64_t` per
  dynamic stride of a strided layout (`argN_sK`); the identity layout is
  contiguous row-major. Scalars and vectors are passed by value.
* Bufferized results: `packdialect.outputs = N` on a function says its last N
  memref arguments are the outputs, in result order (`num_outputs`).
  Functions return nothing or one scalar/vector value.
* Asserts (`cf.assert`): a library whose code checks any exports
  `int32_t packdialect_assert_failed(void)`: 0, or the 1-based number of the
  first assert that failed since it was last asked (asking clears it), and
  `const char *packdialect_assert_message(int32_t)` /
  `packdialect_assert_location(int32_t)`: that assert's message and
  `file:line:col`. The runtime asks after every call and raises. A library
  without asserts exports none of them. (User functions are `pd_*`, so
  these names never clash with them.)

`ctype_of` maps an element or value type to its C type name, so this module
knows the ABI's shape without knowing an emitter's types.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from xdsl.dialects.builtin import (
    IntegerAttr,
    MemRefType,
    ModuleOp,
    StridedLayoutAttr,
    VectorType,
)
from xdsl.ir import Attribute, Operation

from packdialect.emit.errors import EmitError
from packdialect.ir.attributes import OUTPUTS_ATTR

ASSERT_FAILED_SYMBOL = "packdialect_assert_failed"
ASSERT_MESSAGE_SYMBOL = "packdialect_assert_message"
ASSERT_LOCATION_SYMBOL = "packdialect_assert_location"
"""The assert part of the ABI (see the module docstring)."""

_C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def sanitize(name: str) -> str:
    """`name` with every character outside [A-Za-z0-9_] replaced by '_'."""
    return _UNSAFE.sub("_", name) or "_"


def unique_symbols(names: list[str], prefix: str) -> dict[str, str]:
    """Map each MLIR symbol to a distinct C identifier `prefix + sanitized`."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = prefix + sanitize(name)
        candidate, counter = base, 1
        while candidate in taken:
            candidate = f"{base}_{counter}"
            counter += 1
        taken.add(candidate)
        result[name] = candidate
    return result


def is_declaration(func: Operation) -> bool:
    """Whether a func.func has no body (an external function)."""
    return not func.regions or not func.regions[0].blocks


@dataclass(frozen=True)
class CParam:
    """One C parameter of an emitted function.

    kind is "memref" (a pointer), "size" (a dynamic size of memref argument
    `arg`, dimension `dim`), "stride" (a dynamic stride), "scalar" or "vector".
    """

    kind: str
    ctype: str
    name: str
    arg: int
    dim: int = -1


def function_symbols(module: ModuleOp) -> dict[str, str]:
    """MLIR function name -> C symbol.

    Defined functions get `pd_` + the sanitized name (made unique); an
    external declaration (no body) names an existing C function and keeps
    its name, which must then be a C identifier.
    """
    funcs = [op for op in module.ops if op.name == "func.func"]
    defined = [f.sym_name.data for f in funcs if not is_declaration(f)]  # type: ignore[attr-defined]
    symbols = unique_symbols(defined, "pd_")
    for func in funcs:
        name = func.sym_name.data  # type: ignore[attr-defined]
        if not is_declaration(func):
            continue
        if not _C_IDENTIFIER.fullmatch(name):
            raise EmitError(f"external function '{name}' is not a C identifier", func)
        symbols[name] = name
    return symbols


def global_symbols(module: ModuleOp) -> dict[str, str]:
    """memref.global name -> C symbol (`pdg_` + sanitized name, made unique)."""
    names = [op.sym_name.data for op in module.ops if op.name == "memref.global"]
    return unique_symbols(names, "pdg_")


def is_public(func: Operation) -> bool:
    """Whether a func.func is public (an entry point)."""
    visibility = func.properties.get("sym_visibility")
    return visibility is None or visibility.data == "public"  # type: ignore[union-attr]


def num_outputs(func: Operation) -> int:
    """The `packdialect.outputs` count of a function (0 when absent)."""
    attr = func.attributes.get(OUTPUTS_ATTR)
    if attr is None:
        return 0
    if not isinstance(attr, IntegerAttr):
        raise EmitError(f"'{OUTPUTS_ATTR}' must be an integer attribute")
    return attr.value.data


def function_abi(func: Operation, ctype_of: Callable[[Attribute], str]) -> list[CParam]:
    """The C parameters of a func.func, in order (see the module docstring)."""
    params: list[CParam] = []
    restrict = " *restrict " if is_public(func) else " *"
    for index, t in enumerate(func.function_type.inputs.data):
        name = f"arg{index}"
        if isinstance(t, MemRefType):
            params.append(
                CParam("memref", ctype_of(t.element_type) + restrict, name, index)
            )
            params += _dynamic_params(t, name, index)
        elif isinstance(t, VectorType):
            params.append(CParam("vector", ctype_of(t) + " ", name, index))
        else:
            params.append(CParam("scalar", ctype_of(t) + " ", name, index))
    return params


def _dynamic_params(t: MemRefType, name: str, index: int) -> list[CParam]:
    """The int64_t size and stride parameters following a memref pointer."""
    params = [
        CParam("size", "int64_t ", f"{name}_d{d}", index, d)
        for d, size in enumerate(t.get_shape())
        if size < 0
    ]
    if isinstance(t.layout, StridedLayoutAttr):
        for d, stride in enumerate(t.get_strides() or ()):
            if stride is None:
                params.append(CParam("stride", "int64_t ", f"{name}_s{d}", index, d))
    return params
