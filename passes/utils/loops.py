"""Building loop nests and index arithmetic on memrefs (scf + arith).

`IndexConstants` creates each index constant once, grouped at one insertion
point; `add_index` / `mul_index` fold zeros and ones; `expand_affine_expr`
and `indices_for_map` turn affine expressions into arith ops; `build_for` and
`build_nest` build `scf.for` loops (marked `packdialect.parallel` when asked).
Shared by linalg-to-loops, lower-packs and vectorize-mmt4d.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import IndexType, IntegerAttr, UnitAttr
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)
from xdsl.rewriter import InsertPoint
from xdsl.utils.exceptions import PassFailedException

from packdialect.ir.attributes import PARALLEL_ATTR


class IndexConstants:
    """`arith.constant ... : index` values, each created once, all grouped at
    `insertion_point` (ahead of any code inserted there afterwards)."""

    def __init__(self, insertion_point: InsertPoint):
        self.insertion_point = insertion_point
        self.last: Operation | None = None
        self.cache: dict[int, SSAValue] = {}

    def __call__(self, value: int) -> SSAValue:
        """The index constant `value`."""
        if value not in self.cache:
            op = arith.ConstantOp(IntegerAttr(value, IndexType()))
            op.result.name_hint = f"c{value}" if value >= 0 else f"c_{-value}"
            where = (
                self.insertion_point
                if self.last is None
                else InsertPoint.after(self.last)
            )
            Builder(where).insert(op)
            self.last = op
            self.cache[value] = op.result
        return self.cache[value]


def constant_index(value: SSAValue) -> int | None:
    """The integer an index `arith.constant` defines, else None."""
    owner = value.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


def add_index(b: Builder, c: IndexConstants, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
    """lhs + rhs on index values (folding a zero)."""
    if constant_index(rhs) == 0:
        return lhs
    if constant_index(lhs) == 0:
        return rhs
    return b.insert(arith.AddiOp(lhs, rhs)).result


def mul_index(b: Builder, c: IndexConstants, lhs: SSAValue, factor: int) -> SSAValue:
    """lhs * factor on index values (folding 0 and 1)."""
    if factor == 1:
        return lhs
    if factor == 0:
        return c(0)
    known = constant_index(lhs)
    if known is not None:
        return c(known * factor)
    return b.insert(arith.MuliOp(lhs, c(factor))).result


def expand_affine_expr(
    b: Builder, c: IndexConstants, expr: AffineExpr, dims: Sequence[SSAValue]
) -> SSAValue:
    """`expr` evaluated on `dims` with arith ops (indices are non-negative)."""
    if isinstance(expr, AffineDimExpr):
        return dims[expr.position]
    if isinstance(expr, AffineConstantExpr):
        return c(expr.value)
    if not isinstance(expr, AffineBinaryOpExpr):
        raise PassFailedException(f"unsupported affine expression {expr}")
    lhs = expand_affine_expr(b, c, expr.lhs, dims)
    if expr.kind == AffineBinaryOpKind.Mul and isinstance(expr.rhs, AffineConstantExpr):
        return mul_index(b, c, lhs, expr.rhs.value)
    rhs = expand_affine_expr(b, c, expr.rhs, dims)
    if expr.kind == AffineBinaryOpKind.Add:
        return add_index(b, c, lhs, rhs)
    op_class = {
        AffineBinaryOpKind.Mul: arith.MuliOp,
        AffineBinaryOpKind.Mod: arith.RemUIOp,
        AffineBinaryOpKind.FloorDiv: arith.DivUIOp,
        AffineBinaryOpKind.CeilDiv: arith.CeilDivUIOp,
    }[expr.kind]
    return b.insert(op_class(lhs, rhs)).result


def indices_for_map(
    b: Builder, c: IndexConstants, amap: AffineMap, ivs: Sequence[SSAValue]
) -> list[SSAValue]:
    """The memref indices an indexing map gives for loop values `ivs`."""
    if amap.num_symbols:
        raise PassFailedException(
            f"indexing maps with symbols are not supported: {amap}"
        )
    return [expand_affine_expr(b, c, expr, ivs) for expr in amap.results]


BodyFn = Callable[[Builder, SSAValue, Sequence[SSAValue]], Sequence[SSAValue]]


def build_for(
    b: Builder,
    lb: SSAValue,
    ub: SSAValue,
    step: SSAValue,
    iter_args: Sequence[SSAValue],
    body: BodyFn,
    parallel: bool = False,
) -> scf.ForOp:
    """Insert `scf.for` with `body(builder, iv, iter_args) -> yielded values`."""
    block = Block(arg_types=[IndexType(), *(v.type for v in iter_args)])
    block.args[0].name_hint = "i"
    inner = Builder(InsertPoint.at_end(block))
    yielded = body(inner, block.args[0], block.args[1:])
    inner.insert(scf.YieldOp(*yielded))
    loop = b.insert(scf.ForOp(lb, ub, step, iter_args, Region(block)))
    if parallel:
        loop.attributes[PARALLEL_ATTR] = UnitAttr()
    return loop


def build_nest(
    b: Builder,
    c: IndexConstants,
    extents: Sequence[int],
    parallel: Sequence[bool],
    iter_args: Sequence[SSAValue],
    body: Callable[[Builder, list[SSAValue], Sequence[SSAValue]], Sequence[SSAValue]],
) -> Sequence[SSAValue]:
    """A perfect nest of unit-step loops from 0 to `extents` (unit extents
    get no loop: their index is the constant 0). Returns the nest's results."""
    ivs: list[SSAValue] = []

    def level(builder: Builder, depth: int, carried: Sequence[SSAValue]):
        if depth == len(extents):
            return body(builder, list(ivs), carried)
        if extents[depth] == 1:
            ivs.append(c(0))
            result = level(builder, depth + 1, carried)
            ivs.pop()
            return result

        def inner(lb: Builder, iv: SSAValue, args: Sequence[SSAValue]):
            ivs.append(iv)
            result = level(lb, depth + 1, args)
            ivs.pop()
            return result

        loop = build_for(
            builder, c(0), c(extents[depth]), c(1), carried, inner, parallel[depth]
        )
        return loop.results

    return level(b, 0, iter_args)
