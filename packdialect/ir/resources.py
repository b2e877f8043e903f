"""`dense_resource<...>` constants: the blobs of a file's
`{-# dialect_resources: { builtin: { NAME: "0x..." } } #-}` section.

torch-mlir writes every weight this way. xDSL keeps the blobs in the
builtin dialect's `OpAsmDialectInterface`; two things make that unusable
as it stands:

- parsing the same file twice in one process loses the second copy's data
  (the parse functions of `packdialect.ir` call `RESOURCES.begin_parse()`):
  the first parse owns `NAME`, the second renames its attribute to `NAME_0`
  but then declares `NAME` again for the resources section, so the blob
  lands under `NAME_1` and `NAME_0` stays empty;
- nothing turns a resource into elements.

`ResourceStore` fixes the first (a name declared and not yet filled is the
one the resources section fills), and `dense_elements` the second: every
consumer of constants (interpreter, constant folds, the C globals) reads a
resource through it, so resources behave exactly like `dense<...>`. The
store is one per process, as xDSL's is, so that an attribute finds its blob
without a Context; names are unique in it, so modules never share a blob by
accident.
"""

from __future__ import annotations

import math

from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface
from xdsl.dialects.builtin import (
    Builtin,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    ShapedType,
)
from xdsl.ir import Attribute, Dialect

from packdialect.diagnostics import Refused
from packdialect.ir.dtypes import DtypeError, storage_dtype

BLOB_ALIGNMENT_BYTES = 4
"""MLIR's hex blobs start with their alignment as a little-endian uint32."""


class ResourceStore(OpAsmDialectInterface):
    """The builtin dialect's blobs; see the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self._pending: dict[str, str] = {}
        self._written: dict[str, str] = {}

    def begin_parse(self) -> None:
        """A new file: names declared by an earlier parse are not its own."""
        self._pending.clear()

    def declare_resource(self, key: str) -> str:
        """A unique name for `key`; the same one while it awaits its blob."""
        pending = self._pending.get(key)
        if pending is not None:
            return pending
        unique = super().declare_resource(key)
        self._pending[key] = unique
        self._written[unique] = key
        return unique

    def written_name(self, unique: str) -> str:
        """The name the file wrote for the resource stored as `unique`."""
        return self._written.get(unique, unique)

    def parse_resource(self, key: str, val: str) -> None:
        """Store the blob of `key` (xDSL's checks: declared, a hex string)."""
        super().parse_resource(key, val)
        for raw, unique in list(self._pending.items()):
            if unique == key:
                del self._pending[raw]

    def add_blob(self, key: str, data: bytes) -> str:
        """Store `data` under a fresh name derived from `key`; the name."""
        unique = super().declare_resource(key)
        header = BLOB_ALIGNMENT_BYTES.to_bytes(4, "little")
        super().parse_resource(unique, "0x" + (header + data).hex().upper())
        return unique


RESOURCES = ResourceStore()
"""The process's blobs (one store, as xDSL's builtin dialect has one)."""


def builtin_dialect() -> Dialect:
    """xDSL's builtin dialect with `RESOURCES` as its resource interface."""
    return Dialect(
        Builtin.name, list(Builtin.operations), list(Builtin.attributes), [RESOURCES]
    )


def resource_bytes(attr: DenseResourceAttr) -> bytes | Refused:
    """The element bytes of a resource (its alignment header dropped)."""
    blob = RESOURCES.lookup(attr.resource_handle.data)
    name = RESOURCES.written_name(attr.resource_handle.data)
    if not blob:
        return Refused(f"dense_resource<{name}> has no data in dialect_resources")
    try:
        raw = bytes.fromhex(blob[2:])
    except ValueError:
        return Refused(f"dense_resource<{name}> is not a hex blob")
    if len(raw) < 4:
        return Refused(f"dense_resource<{name}> has no alignment header")
    return raw[4:]


def dense_elements(attr: Attribute) -> DenseIntOrFPElementsAttr | Refused:
    """`attr` as a dense elements attribute: itself, or a resource's blob
    read into one (checked against the type's byte size)."""
    if isinstance(attr, DenseIntOrFPElementsAttr):
        return attr
    if not isinstance(attr, DenseResourceAttr):
        return Refused(f"not a dense constant: {attr}")
    shaped = attr.type
    assert isinstance(shaped, ShapedType)
    data = resource_bytes(attr)
    if isinstance(data, Refused):
        return data
    try:
        width = storage_dtype(shaped.get_element_type()).itemsize
    except DtypeError:
        return Refused(f"unsupported element type in {attr}")
    expected = width * math.prod(shaped.get_shape())
    if len(data) != expected:
        name = RESOURCES.written_name(attr.resource_handle.data)
        return Refused(
            f"dense_resource<{name}> holds {len(data)} bytes, "
            f"its type {shaped} needs {expected}"
        )
    return DenseIntOrFPElementsAttr(shaped, BytesAttr(data))  # pyright: ignore[reportArgumentType]


def is_dense_constant(attr: Attribute) -> bool:
    """A `dense<...>` or a `dense_resource<...>` elements attribute."""
    return isinstance(attr, DenseIntOrFPElementsAttr | DenseResourceAttr)


def in_form_of(source: Attribute | None, folded: DenseIntOrFPElementsAttr) -> Attribute:
    """`folded` as a resource (a new blob named after `source`'s) when the
    constant it was computed from was one, so that printed files keep their
    weights in the resources section; else `folded` itself."""
    if not isinstance(source, DenseResourceAttr):
        return folded
    name = RESOURCES.add_blob(source.resource_handle.data, folded.data.data)
    return DenseResourceAttr.from_params(name, folded.get_type())
