"""Contraction analysis on linalg structured ops.

Three layers, usable separately:

- `infer_contraction_dims(maps, iterators)`: the batch, m, n and k loop sets,
  computed from the indexing maps and iterator types alone, exactly like
  upstream MLIR's `linalg::inferContractionDims`
  (mlir/lib/Dialect/Linalg/IR/LinalgInterfaces.cpp).
- `match_multiply_accumulate(block)`: does the body compute
  `acc + cast(a) * cast(b)` (float or integer, optional widening casts)?
- `analyze(op)`: both of the above plus the checks `pack-greedily` needs
  (2 inputs + 1 init, 3+ loops, non-empty m/n/k, bare dims on the loops it will
  pack) and the facts a packing strategy wants (static sizes, element types,
  kind). It returns a `Contraction`, or a sentence saying why the op is not a
  packable contraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects.builtin import ShapedType
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import YieldOp
from xdsl.ir import Attribute, Block, BlockArgument, Operation, OpResult, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)
from xdsl.utils.hints import isa

from packdialect.diagnostics import Refused

PARALLEL = "parallel"
REDUCTION = "reduction"

#: Casts accepted on a multiply operand, i.e. between an input and the multiply.
WIDENING_CASTS = (
    "arith.extf",
    "arith.extsi",
    "arith.extui",
    "arith.sitofp",
    "arith.uitofp",
)
_ADD_TO_MUL = {"arith.addf": "arith.mulf", "arith.addi": "arith.muli"}
# Significand bits (with the implicit one) of the float types an integer may be
# converted to exactly.
_SIGNIFICAND_BITS = {"f16": 11, "bf16": 8, "f32": 24, "f64": 53, "f80": 64, "f128": 113}


# ---------------------------------------------------------------------------
# Loop sets from indexing maps
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractionDims:
    """The loops of a contraction, each set sorted (upstream `ContractionDimensions`).

    Every entry is a loop index (the `dN` of the indexing maps).
    """

    batch: tuple[int, ...]
    m: tuple[int, ...]
    n: tuple[int, ...]
    k: tuple[int, ...]

    def innermost(self) -> tuple[int, int, int] | None:
        """The highest loop of m, n and k (the ones upstream packs), or None if a set is empty."""
        if not (self.m and self.n and self.k):
            return None
        return self.m[-1], self.n[-1], self.k[-1]


def _iterator_name(iterator: str | IteratorTypeAttr) -> str:
    """'parallel' / 'reduction' / 'window' from a string or an IteratorTypeAttr."""
    if isinstance(iterator, IteratorTypeAttr):
        return str(iterator.data)
    return str(iterator)


def _results_using(amap: AffineMap, dim: int) -> list[AffineExpr]:
    """The results of `amap` that are a function of loop `dim`."""
    return [expr for expr in amap.results if dim in expr.used_dims()]


def bare_dims(amap: AffineMap, iterators: Sequence[str], iterator: str) -> set[int]:
    """Loops of type `iterator` that `amap` indexes as a bare dim used by no other result.

    This is upstream's `findPermutationsIndexingOperand`: `(d0, d0 + d1)` gives
    nothing for d0 (it feeds two results) and nothing for d1 (not bare).
    """
    found: set[int] = set()
    for expr in amap.results:
        if not isinstance(expr, AffineDimExpr):
            continue
        dim = expr.position
        if iterators[dim] == iterator and len(_results_using(amap, dim)) == 1:
            found.add(dim)
    return found


def infer_contraction_dims(
    indexing_maps: Sequence[AffineMap],
    iterator_types: Sequence[str | IteratorTypeAttr],
) -> ContractionDims | None:
    """Infer batch, m, n and k loops of an op with maps (LHS, RHS, RES).

    m = parallel loops bare in LHS and RES but not RHS; n = the same with LHS and
    RHS swapped; batch = parallel loops bare in all three; k = reduction loops
    bare in both LHS and RHS. Sets may be empty (a matvec has no n). Returns
    None only when the input is not three maps over `len(iterator_types)` loops.
    """
    iterators = [_iterator_name(it) for it in iterator_types]
    if len(indexing_maps) != 3:
        return None
    if any(amap.num_dims != len(iterators) for amap in indexing_maps):
        return None
    lhs, rhs, res = (bare_dims(amap, iterators, PARALLEL) for amap in indexing_maps)
    lhs_red, rhs_red = (
        bare_dims(amap, iterators, REDUCTION) for amap in indexing_maps[:2]
    )
    return ContractionDims(
        batch=tuple(sorted(lhs & rhs & res)),
        m=tuple(sorted((lhs & res) - rhs)),
        n=tuple(sorted((rhs & res) - lhs)),
        k=tuple(sorted(lhs_red & rhs_red)),
    )


# ---------------------------------------------------------------------------
# Multiply-accumulate body
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MacMatch:
    """A body computing `acc + cast(lhs) * cast(rhs)`.

    `lhs_cast` / `rhs_cast` name the cast applied to block argument #0 / #1
    (e.g. "arith.extsi"), None when used as is; the types are the block
    argument types (the element types of the operands).
    """

    mul: str
    add: str
    lhs_cast: str | None
    rhs_cast: str | None
    lhs_type: Attribute
    rhs_type: Attribute
    acc_type: Attribute

    @property
    def is_float(self) -> bool:
        """True for mulf/addf, False for muli/addi."""
        return self.mul == "arith.mulf"

    @property
    def is_widening(self) -> bool:
        """True when at least one input is cast before the multiply."""
        return self.lhs_cast is not None or self.rhs_cast is not None


def _describe_value(value: SSAValue, block: Block) -> str:
    """Name a value for a reason message: 'block argument #1' or 'arith.negf'."""
    if isinstance(value, BlockArgument):
        if value.block is block:
            return f"block argument #{value.index}"
        return "a value defined outside the body"
    if isinstance(value, OpResult):
        return value.op.name
    return "an unknown value"


def _exact_int_to_float(cast: Operation) -> Refused | None:
    """Why an int->float cast is not exact (a widening cast must be), or None."""
    src, dst = cast.operands[0].type, cast.results[0].type
    width = getattr(src, "bitwidth", None)
    significand = _SIGNIFICAND_BITS.get(str(dst))
    if width is None or significand is None:
        return Refused(
            f"{cast.name} from {src} to {dst} is not a supported widening cast"
        )
    needed = width - 1 if cast.name == "arith.sitofp" else width
    if needed > significand:
        return Refused(
            f"{cast.name} from {src} to {dst} is not exact ({dst} has "
            f"{significand} significand bits), so it is not a widening cast"
        )
    return None


def _trace_input(
    value: SSAValue, block: Block
) -> tuple[int, Operation | None] | Refused:
    """Follow a multiply operand back to a block argument through at most one cast."""
    cast: Operation | None = None
    if isinstance(value, OpResult) and value.op.name in WIDENING_CASTS:
        cast = value.op
        value = cast.operands[0]
    if isinstance(value, BlockArgument) and value.block is block:
        return value.index, cast
    if cast is not None:
        return Refused(
            f"body is not a multiply-accumulate: {cast.name} widens "
            f"{_describe_value(value, block)}, not an input"
        )
    return Refused(
        "body is not a multiply-accumulate: a multiply operand comes from "
        f"{_describe_value(value, block)}, which is neither an input nor a widening "
        f"cast of one ({', '.join(WIDENING_CASTS)})"
    )


def _find_add(block: Block) -> Operation | Refused:
    """The add yielded by the body, or why there is none."""
    if len(block.args) != 3:
        return Refused(
            "body must have 3 block arguments (lhs, rhs, accumulator), "
            f"found {len(block.args)}"
        )
    yield_op = block.last_op
    if not isinstance(yield_op, YieldOp):
        return Refused("body does not end with linalg.yield")
    if len(yield_op.operands) != 1:
        return Refused(
            f"linalg.yield must return 1 value, found {len(yield_op.operands)}"
        )
    yielded = yield_op.operands[0]
    if not isinstance(yielded, OpResult) or yielded.op.parent_block() is not block:
        return Refused(
            "body is not a multiply-accumulate: linalg.yield returns "
            f"{_describe_value(yielded, block)}"
        )
    if yielded.op.name not in _ADD_TO_MUL:
        return Refused(
            f"body is not a multiply-accumulate: found {yielded.op.name} "
            "where arith.addf or arith.addi was expected"
        )
    return yielded.op


def _find_mul(add: Operation, block: Block) -> Operation | Refused:
    """The multiply added to the accumulator by `add`, or why there is none."""
    acc = block.args[2]
    lhs, rhs = add.operands
    if lhs is not acc and rhs is not acc:
        return Refused(
            f"yield does not use the accumulator: neither operand of {add.name} "
            "is block argument #2"
        )
    product = rhs if lhs is acc else lhs
    expected = _ADD_TO_MUL[add.name]
    if not isinstance(product, OpResult) or product.op.name != expected:
        return Refused(
            f"body is not a multiply-accumulate: found {_describe_value(product, block)} "
            f"where {expected} was expected"
        )
    if product.type != acc.type:
        return Refused(
            f"body is not a multiply-accumulate: the product has type {product.type} "
            f"but the accumulator has type {acc.type}"
        )
    return product.op


def _match_inputs(
    mul: Operation, block: Block
) -> dict[int, Operation | None] | Refused:
    """Map input index (0 = lhs, 1 = rhs) to the cast applied to it, or why not."""
    casts: dict[int, Operation | None] = {}
    for operand in mul.operands:
        traced = _trace_input(operand, block)
        if isinstance(traced, Refused):
            return traced
        index, cast = traced
        casts[index] = cast
    if sorted(casts) != [0, 1]:
        return Refused(
            f"body is not a multiply-accumulate: {mul.name} must multiply the two "
            "inputs (block arguments #0 and #1) once each"
        )
    for cast in casts.values():
        if cast is not None and cast.name in ("arith.sitofp", "arith.uitofp"):
            reason = _exact_int_to_float(cast)
            if reason is not None:
                return Refused(f"body is not a multiply-accumulate: {reason}")
    return casts


def match_multiply_accumulate(block: Block) -> MacMatch | Refused:
    """Recognize `linalg.yield(add(acc, mul(cast?(lhs), cast?(rhs))))`.

    add/mul are arith.addf/mulf or arith.addi/muli, in either operand order; the
    optional casts are arith.extf, extsi, extui and exact sitofp/uitofp, possibly
    different on the two sides. Any other operation in the body is refused.
    Returns a MacMatch, or a sentence saying why the body is not one.
    """
    add = _find_add(block)
    if isinstance(add, Refused):
        return add
    mul = _find_mul(add, block)
    if isinstance(mul, Refused):
        return mul
    casts = _match_inputs(mul, block)
    if isinstance(casts, Refused):
        return casts
    matched = {id(op) for op in (add, mul, block.last_op, *casts.values()) if op}
    extra = [op.name for op in block.ops if id(op) not in matched]
    if extra:
        return Refused(
            "body has operations outside the multiply-accumulate: " + ", ".join(extra)
        )
    lhs_cast, rhs_cast = casts[0], casts[1]
    return MacMatch(
        mul=mul.name,
        add=add.name,
        lhs_cast=lhs_cast.name if lhs_cast else None,
        rhs_cast=rhs_cast.name if rhs_cast else None,
        lhs_type=block.args[0].type,
        rhs_type=block.args[1].type,
        acc_type=block.args[2].type,
    )


# ---------------------------------------------------------------------------
# Whole-op analysis
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Contraction:
    """What `analyze` learned about a packable contraction.

    `loop_sizes[i]` is the static extent of loop `di` (None when dynamic or not
    readable from a bare dim of some operand). `kind` is one of "matmul",
    "batch_matmul", "matvec" (a matmul whose static M or N is 1), "conv" (the
    LHS is indexed by sums of loops, or the op is a named convolution) and
    "generic" (any other contraction, e.g. several m loops). The packed loops
    are the innermost of each set: `m_pos`, `n_pos`, `k_pos`.
    """

    op_name: str
    dims: ContractionDims
    iterator_types: tuple[str, ...]
    indexing_maps: tuple[AffineMap, ...]
    loop_sizes: tuple[int | None, ...]
    lhs_type: Attribute
    rhs_type: Attribute
    acc_type: Attribute
    kind: str
    mac: MacMatch | None

    @property
    def num_loops(self) -> int:
        """Number of loops of the op."""
        return len(self.iterator_types)

    @property
    def mnk_positions(self) -> tuple[int, int, int]:
        """Loop indices (m, n, k) that packing tiles: the innermost of each set."""
        return self.dims.m[-1], self.dims.n[-1], self.dims.k[-1]

    @property
    def m_pos(self) -> int:
        """The m loop that packing tiles."""
        return self.dims.m[-1]

    @property
    def n_pos(self) -> int:
        """The n loop that packing tiles."""
        return self.dims.n[-1]

    @property
    def k_pos(self) -> int:
        """The k loop that packing tiles."""
        return self.dims.k[-1]

    @property
    def mnk_sizes(self) -> tuple[int | None, int | None, int | None]:
        """Static extents (M, N, K) of the packed loops; None when dynamic."""
        m, n, k = self.mnk_positions
        return self.loop_sizes[m], self.loop_sizes[n], self.loop_sizes[k]

    @property
    def m_size(self) -> int | None:
        """Static extent of the packed m loop, None when dynamic."""
        return self.loop_sizes[self.m_pos]

    @property
    def n_size(self) -> int | None:
        """Static extent of the packed n loop, None when dynamic."""
        return self.loop_sizes[self.n_pos]

    @property
    def k_size(self) -> int | None:
        """Static extent of the packed k loop, None when dynamic."""
        return self.loop_sizes[self.k_pos]

    @property
    def batch_sizes(self) -> tuple[int | None, ...]:
        """Static extents of the batch loops."""
        return tuple(self.loop_sizes[d] for d in self.dims.batch)

    @property
    def element_types(self) -> tuple[str, str, str]:
        """Element types (lhs, rhs, acc) as MLIR spells them, e.g. ('i8', 'i8', 'i32')."""
        return str(self.lhs_type), str(self.rhs_type), str(self.acc_type)

    @property
    def signature(self) -> str:
        """Element types for messages, e.g. 'bf16 x bf16 -> f32'."""
        lhs, rhs, acc = self.element_types
        return f"{lhs} x {rhs} -> {acc}"

    def describe(self) -> str:
        """One line for reports: kind, packed loops with sizes, element types."""
        parts = []
        for name, pos in zip("mnk", self.mnk_positions, strict=True):
            size = self.loop_sizes[pos]
            parts.append(f"{name}=d{pos} ({'?' if size is None else size})")
        if self.dims.batch:
            parts.append("batch=" + ",".join(f"d{d}" for d in self.dims.batch))
        return f"{self.kind} {' '.join(parts)} {self.signature}"


def _element_type(value: SSAValue) -> Attribute:
    """Element type of a shaped value, or the value's type for scalars."""
    if isa(value.type, ShapedType):
        return value.type.get_element_type()
    return value.type


def static_loop_sizes(
    operands: Sequence[SSAValue], indexing_maps: Sequence[AffineMap]
) -> tuple[int | None, ...]:
    """Static extent of every loop, read from an operand dim indexed by a bare dim."""
    num_loops = indexing_maps[0].num_dims if indexing_maps else 0
    sizes: list[int | None] = [None] * num_loops
    for operand, amap in zip(operands, indexing_maps, strict=True):
        if not isa(operand.type, ShapedType):
            continue
        shape = operand.type.get_shape()
        # strict=False: unverified IR with a rank mismatch must not crash here
        for expr, extent in zip(amap.results, shape, strict=False):
            if isinstance(expr, AffineDimExpr) and sizes[expr.position] is None:
                sizes[expr.position] = extent if extent >= 0 else None
    return tuple(sizes)


def _non_bare_use(
    indexing_maps: Sequence[AffineMap], loops: Sequence[int]
) -> Refused | None:
    """Why one of `loops` cannot be packed (upstream packs bare dims only), or None."""
    for operand, amap in zip(("LHS", "RHS", "result"), indexing_maps, strict=True):
        for dim in loops:
            uses = _results_using(amap, dim)
            if len(uses) > 1:
                return Refused(
                    f"loop d{dim} indexes {len(uses)} dimensions of the {operand} "
                    f"({amap}); packing needs it in at most one"
                )
            if uses and not isinstance(uses[0], AffineDimExpr):
                return Refused(
                    f"loop d{dim} appears in the compound expression {uses[0]} in the "
                    f"{operand} indexing map; only bare dimensions can be packed"
                )
    return None


def _empty_set_reason(dims: ContractionDims) -> Refused | None:
    """Why the m, n or k set is empty, or None when all three have a loop."""
    if not dims.m:
        return Refused(
            "no m loop: no parallel loop is a bare dimension of both the LHS and "
            "the result without indexing the RHS"
        )
    if not dims.n:
        return Refused(
            "no n loop: no parallel loop is a bare dimension of both the RHS and "
            "the result without indexing the LHS (a matrix-vector product?)"
        )
    if not dims.k:
        return Refused(
            "no k loop: no reduction loop is a bare dimension of both the LHS and "
            "the RHS"
        )
    return None


def _has_sum_of_dims(amap: AffineMap) -> bool:
    """True when a result adds loops, like the `oh + kh` of a convolution input."""
    return any(
        isinstance(expr, AffineBinaryOpExpr) and expr.kind == AffineBinaryOpKind.Add
        for expr in amap.results
    )


def classify(
    op_name: str,
    indexing_maps: Sequence[AffineMap],
    dims: ContractionDims,
    loop_sizes: Sequence[int | None],
) -> str:
    """The `kind` of a contraction (see `Contraction`)."""
    if "conv" in op_name or _has_sum_of_dims(indexing_maps[0]):
        return "conv"
    single = len(dims.m) == len(dims.n) == len(dims.k) == 1
    plain = all(amap.is_projected_permutation() for amap in indexing_maps)
    if not (single and plain) or len(loop_sizes) != len(dims.batch) + 3:
        return "generic"
    if loop_sizes[dims.m[0]] == 1 or loop_sizes[dims.n[0]] == 1:
        return "matvec"
    return "batch_matmul" if dims.batch else "matmul"


def _structure_reason(op: LinalgStructuredOperation) -> Refused | None:
    """Why the op's operands or loops cannot hold a matmul, or None."""
    num_inputs, num_inits = len(op.inputs), len(op.outputs)
    if (num_inputs, num_inits) != (2, 1):
        return Refused(
            f"expected 2 inputs and 1 init, found {num_inputs} input(s) and {num_inits} init(s)"
        )
    maps = [attr.data for attr in op.get_indexing_maps()]
    if any(amap.num_symbols for amap in maps):
        return Refused("indexing maps with symbols are not supported")
    num_loops = len(op.get_iterator_types())
    if num_loops < 3:
        return Refused(
            f"need 3 or more loops to find a matmul to pack, found {num_loops}"
        )
    return None


def analyze(op: Operation, *, require_mac: bool = True) -> Contraction | Refused:
    """Analyze a linalg structured op (named or generic) as a packable contraction.

    Returns a Contraction, or a sentence saying why the op is left alone.
    With `require_mac=False` the body is not checked (upstream's
    pack_greedily never looks at it); `mac` is then the match or None.
    """
    if not isinstance(op, LinalgStructuredOperation):
        return Refused(f"{op.name} is not a linalg structured op")
    reason = _structure_reason(op)
    if reason is not None:
        return reason
    maps = tuple(attr.data for attr in op.get_indexing_maps())
    iterators = tuple(_iterator_name(it) for it in op.get_iterator_types())
    dims = infer_contraction_dims(maps, iterators)
    if dims is None:
        return Refused("indexing maps do not match the loops of the op")
    reason = _empty_set_reason(dims) or _non_bare_use(maps, dims.innermost() or ())
    if reason is not None:
        return reason
    mac = match_multiply_accumulate(op.body.block)
    if isinstance(mac, Refused):
        if require_mac:
            return mac
        mac = None
    operands = (*op.inputs, *op.outputs)
    sizes = static_loop_sizes(operands, maps)
    lhs, rhs, acc = (_element_type(value) for value in operands)
    return Contraction(
        op_name=op.name,
        dims=dims,
        iterator_types=iterators,
        indexing_maps=maps,
        loop_sizes=sizes,
        lhs_type=lhs,
        rhs_type=rhs,
        acc_type=acc,
        kind=classify(op.name, maps, dims, sizes),
        mac=mac,
    )
