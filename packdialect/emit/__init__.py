"""Emitters: lowered IR to source code, registered as xDSL targets (`-t c`).

`abi.py` is the target-neutral ABI of emitted functions (symbols, parameters,
bufferized outputs) that every backend and the runtime share; `errors.py`
the `EmitError` every emitter raises; `c/` the C backend. Emitters read only
lowered IR and never change it.
"""

from collections.abc import Callable

from xdsl.utils.target import Target


def _c_target() -> type[Target]:
    from packdialect.emit.c import CTarget

    return CTarget


TARGETS: dict[str, Callable[[], type[Target]]] = {"c": _c_target}
"""Target name -> lazy factory returning the Target class (for pack-opt -t)."""
