"""The Context factory: every xDSL dialect plus packdialect's ops."""

from __future__ import annotations

from collections.abc import Callable

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Attribute, Dialect, Operation
from xdsl.parser import Parser
from xdsl.rewriter import Rewriter
from xdsl.universe import Universe

from packdialect.ir import canonicalization
from packdialect.ir.affine_ops import AFFINE_OPS
from packdialect.ir.arith_ops import ARITH_OPS
from packdialect.ir.ops import (
    LINALG_ATTRIBUTES,
    LINALG_OPS,
    TENSOR_OPS,
    PackOp,
    TensorPackOp,
    TensorUnpackOp,
    UnpackOp,
)
from packdialect.ir.resources import RESOURCES, builtin_dialect


def _extended(
    base: Dialect,
    extra: tuple[type[Operation], ...],
    attributes: tuple[type[Attribute], ...] = (),
) -> Dialect:
    """`base` with `extra` ops (and attributes) added; an extra op replaces a
    same-named one."""
    names = {op.name for op in extra}
    ops = [op for op in base.operations if op.name not in names]
    return Dialect(base.name, [*ops, *extra], [*base.attributes, *attributes])


def dialect_factories() -> dict[str, Callable[[], Dialect]]:
    """Name -> lazy factory for every dialect packdialect understands."""
    assert canonicalization.canonicalization_patterns  # pack/unpack folds installed
    factories = dict(Universe.get_multiverse().all_dialects)
    linalg, tensor, arith = factories["linalg"], factories["tensor"], factories["arith"]
    factories["linalg"] = lambda: _extended(linalg(), LINALG_OPS, LINALG_ATTRIBUTES)
    factories["tensor"] = lambda: _extended(tensor(), TENSOR_OPS)
    factories["arith"] = lambda: _extended(arith(), ARITH_OPS)
    affine_dialect = factories["affine"]
    factories["affine"] = lambda: _extended(affine_dialect(), AFFINE_OPS)
    factories["builtin"] = builtin_dialect
    return factories


def register_dialects(ctx: Context) -> None:
    """Register (lazily) every dialect into `ctx`."""
    for name, factory in dialect_factories().items():
        ctx.register_dialect(name, factory)


def make_context(allow_unregistered: bool = False) -> Context:
    """A fresh Context with every xDSL dialect plus packdialect's ops."""
    ctx = Context(allow_unregistered=allow_unregistered)
    register_dialects(ctx)
    return ctx


def upgrade_legacy_ops(module: Operation) -> None:
    """Rewrite the old spellings `tensor.pack`/`tensor.unpack` to `linalg.*`."""
    legacy = [
        op for op in module.walk() if isinstance(op, TensorPackOp | TensorUnpackOp)
    ]
    for op in legacy:
        cls = PackOp if isinstance(op, TensorPackOp) else UnpackOp
        new = cls.create(
            operands=list(op.operands),
            result_types=[r.type for r in op.results],
            properties=dict(op.properties),
            attributes=dict(op.attributes),
        )
        new.location = op.location
        Rewriter.replace_op(op, new)


def parse_module(
    text: str, ctx: Context | None = None, name: str = "<input>"
) -> ModuleOp:
    """Parse MLIR text into a ModuleOp (legacy spellings upgraded)."""
    RESOURCES.begin_parse()
    module = Parser(ctx or make_context(), text, name).parse_module()
    upgrade_legacy_ops(module)
    return module
