"""The C backend: lowered IR to one C11 translation unit (`-t c`).

`emitter.py` holds the emitter object (names, scopes, functions, scf, the
entry points `emit_c` and `CTarget`); the op families live beside it:
`scalar.py` (arith/math expressions), `memref.py` (buffers, views, globals),
`vector.py` (GCC vector types), with `types.py` (C types and literals),
`index.py` (foldable index arithmetic), `views.py` (memref views) and
`base.py` (the interface the mixins call).
"""

from packdialect.emit.c.emitter import CEmitter, CTarget, emit_c
from packdialect.emit.errors import EmitError

__all__ = ["CEmitter", "CTarget", "EmitError", "emit_c"]
