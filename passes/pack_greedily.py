"""`pack-greedily`: pack every contraction into a tiled layout.

Mirrors upstream MLIR's `linalg::packMatmulGreedily`
(mlir/lib/Dialect/Linalg/Transforms/Transforms.cpp, exposed as
`transform.structured.pack_greedily`), with the mmt4d layout of
`linalg::blockPackMatmul` (BlockPackMatmul.cpp) as an option:

1. infer the batch, m, n, k loops from the indexing maps and pick the highest
   loop of m, n and k (`packdialect.analysis.contraction.analyze`);
2. generalize to `linalg.generic` and interchange the loops so that m, n, k
   are the three innermost ones in the requested order, the other loops
   keeping their relative order in front;
3. tile each of those loops by its packed size (or by the loop extent
   rounded up to `padded-sizes-next-multiple-of`), pack every operand on the
   loops it indexes (zero padding when a size is dynamic or not divisible),
   and unpack the result into the original init.

With `mmt4d-layout=true` the loops are (m, n, k) and the outer dims of every
operand follow the loop order, which gives LHS [M][K][m0][k0],
RHS [N][K][n0][k0], ACC [M][N][m0][n0] with batch dims outermost: the maps of
`linalg.mmt4d` / `linalg.batch_mmt4d` (see `specialize-mmt4d`).

Differences from upstream, on purpose: an op that cannot be packed is left
exactly as it was (upstream may leave it generalized and interchanged); an op
with an empty m, n or k set is refused (upstream's test expects that; some
builds read past an empty list); an op whose k loop would be padded is refused
unless its body is a multiply-accumulate, since a zero padding is only neutral
for a sum of products; the unused `tensor.dim`s upstream creates are not
built, and with a run-time tile (a dynamic loop padded to a multiple) the
outer sizes are `arith.ceildivsi` instead of a semi-affine `affine.apply`
(which xDSL cannot parse back).

`report=true` reports one remark per linalg op (stderr):
`FILE:LINE:COL: remark: pack-greedily: @FUNC: OP: packed <contraction> with
<options>` or `...: OP: not packed: <reason>`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ModuleOp,
    TensorType,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Operation, Region, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.utils.exceptions import PassFailedException

from packdialect.analysis.contraction import Contraction, analyze
from packdialect.diagnostics import Refused, location_of, remark_at
from packdialect.ir.ops import PackOp, UnpackOp
from packdialect.ir.relayout_utils import Inserter
from passes.packing.build import (
    PlannedTile,
    build_pack,
    materialize_tiles,
    plan_tiles,
)
from passes.packing.chain import chain_tiles
from passes.packing.conv import CONV_MODES, ConvAsMatmulPattern
from passes.packing.loops import (
    PackedLoops,
    compute_permutation_vector,
    interchange_maps,
    mmt4d_outer_perm,
    pack_loops,
    permute_outer,
)
from passes.packing.options import PackGreedilyOptions, PackResult

_ITERATORS = {
    "parallel": IteratorTypeAttr.parallel,
    "reduction": IteratorTypeAttr.reduction,
    "window": IteratorTypeAttr.window,
}


# ---------------------------------------------------------------------------
# The core function
# ---------------------------------------------------------------------------


def _k_padding_reason(
    contraction: Contraction, tiles: Sequence[PlannedTile], perm: Sequence[int]
) -> Refused | None:
    """Why zero-padding k would change the result (non-MAC body), or None."""
    if contraction.mac is not None:
        return None
    for loop, tile in enumerate(tiles):
        if perm[loop] != contraction.k_pos or tile == 0:
            continue
        extent = contraction.loop_sizes[contraction.k_pos]
        if isinstance(tile, int) and extent is not None and extent % tile == 0:
            return None
        return Refused(
            f"the k loop d{contraction.k_pos} would be padded with zeros, which is "
            "only neutral for a multiply-accumulate body"
        )
    return None


def _structure_reason(op: LinalgStructuredOperation) -> Refused | None:
    """Why the operands cannot be packed (not ranked tensors), or None."""
    for value in (*op.inputs, *op.outputs):
        if not isinstance(value.type, TensorType):
            return Refused(
                f"operand of type {value.type} is not a tensor; packing needs tensors"
            )
    if len(op.results) != 1:
        return Refused("expected one tensor result")
    return None


def _packed_body(op: LinalgStructuredOperation, rewriter: PatternRewriter) -> Region:
    """The body of the packed generic: moved from a generic, cloned from a named op."""
    if isinstance(op, GenericOp):
        return rewriter.move_region_contents_to_new_regions(op.body)
    return op.body.clone()


def _mmt4d_perms(
    packed: PackedLoops, ranks: Sequence[int]
) -> tuple[list[AffineMap], list[list[int] | None]]:
    """Outer perms (LHS, RHS always; ACC when not identity) and permuted maps."""
    maps: list[AffineMap] = []
    perms: list[list[int] | None] = []
    for index, (amap, rank) in enumerate(zip(packed.maps, ranks, strict=True)):
        if not packed.operand_dims[index]:
            maps.append(amap)
            perms.append(None)
            continue
        perm = mmt4d_outer_perm(amap, rank)
        is_identity = perm == list(range(rank))
        perms.append(None if index == 2 and is_identity else perm)
        maps.append(permute_outer(amap, perm))
    return maps, perms


def pack_matmul_greedily(
    rewriter: PatternRewriter, op: Operation, options: PackGreedilyOptions
) -> PackResult | Refused:
    """Pack `op`'s contraction like upstream's `packMatmulGreedily`.

    Returns the new ops, or a sentence saying why `op` was left unchanged
    (nothing is modified in that case).
    """
    contraction = analyze(op, require_mac=False)
    if isinstance(contraction, Refused):
        return contraction
    assert isinstance(op, LinalgStructuredOperation)
    reason = _structure_reason(op)
    if reason is not None:
        return reason
    if not any(options.packed_sizes) and not any(options.padded_sizes_next_multiple_of):
        return Refused("all packed sizes are 0: nothing to pack")
    num_loops = contraction.num_loops
    desired = [num_loops - 3 + o for o in options.inner_dims_order]
    perm = compute_permutation_vector(num_loops, contraction.mnk_positions, desired)
    maps = interchange_maps(contraction.indexing_maps, perm)
    iterators = [contraction.iterator_types[p] for p in perm]
    operands = [*op.inputs, *op.outputs]

    planned = plan_tiles(contraction, options, perm)
    reason = _k_padding_reason(contraction, planned, perm)
    if reason is not None:
        return reason
    packed = pack_loops(maps, iterators, planned)
    if isinstance(packed, Refused):
        return packed

    builder = Inserter(rewriter, op)
    tiles = materialize_tiles(builder, planned, operands, maps)
    packed.operand_dims = [
        [(dim, tiles[loop]) for dim, loop in dims] for dims in packed.operand_dims
    ]
    ranks = [v.type.get_num_dims() for v in operands]  # type: ignore[union-attr]
    new_maps, perms = packed.maps, [None] * len(operands)
    if options.mmt4d_layout:
        new_maps, perms = _mmt4d_perms(packed, ranks)

    new_operands: list[SSAValue] = []
    pack_ops: list[PackOp] = []
    for index, operand in enumerate(operands):
        dims = packed.operand_dims[index]
        if not dims:
            new_operands.append(operand)
            continue
        pack = build_pack(builder, operand, dims, perms[index])
        pack_ops.append(pack)
        new_operands.append(pack.result)

    num_inputs = len(op.inputs)
    generic = GenericOp(
        new_operands[:num_inputs],
        new_operands[num_inputs:],
        _packed_body(op, rewriter),
        [AffineMapAttr(m) for m in new_maps],
        [_ITERATORS[it]() for it in packed.iterators],
        [v.type for v in new_operands[num_inputs:]],
    )
    generic.location = op.location  # remarks about it point at the source op
    builder(generic)
    result = generic.results[0]
    unpack_ops: list[UnpackOp] = []
    init_pack = pack_ops[-1] if packed.operand_dims[-1] else None
    if init_pack is not None:
        unpack = UnpackOp(
            result,
            op.outputs[0],
            init_pack.get_inner_dims_pos(),
            init_pack.get_mixed_tiles(),
            perms[-1],
        )
        builder(unpack)
        unpack_ops.append(unpack)
        result = unpack.result
    builder.name_after(op)
    rewriter.replace(op, [], [result])
    return PackResult(pack_ops, generic, unpack_ops, contraction)


# ---------------------------------------------------------------------------
# Pattern and pass
# ---------------------------------------------------------------------------

OptionsFn = Callable[[Operation, Contraction], "PackGreedilyOptions | Refused"]
"""Control function: options for one op, or the reason to leave it alone."""

ReportFn = Callable[[str, str], None]
"""Receives, per visited op, its location and one line saying what happened."""


def report_prefix(op: Operation) -> str:
    """`pack-greedily: @<function>: <op name>: ` for a report line.

    Call it before `op` is replaced (a detached op has no function).
    """
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, func.FuncOp):
        parent = parent.parent_op()
    where = f"@{parent.sym_name.data}: " if isinstance(parent, func.FuncOp) else ""
    return f"pack-greedily: {where}{op.name}: "


class PackGreedilyPattern(RewritePattern):
    """Packs each linalg structured op whose control function gives options."""

    def __init__(self, options_for: OptionsFn, report: ReportFn | None = None):
        self.options_for = options_for
        self.report = report

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, LinalgStructuredOperation):
            return
        if self.report is None:
            self._rewrite(op, rewriter)
            return
        location, prefix = location_of(op), report_prefix(op)
        self.report(location, prefix + self._rewrite(op, rewriter))

    def _rewrite(self, op: Operation, rewriter: PatternRewriter) -> str:
        """Pack `op`; return the report outcome."""
        contraction = analyze(op, require_mac=False)
        if isinstance(contraction, Refused):
            return f"not packed: {contraction}"
        options = self.options_for(op, contraction)
        if isinstance(options, Refused):
            return f"not packed: {options}"
        result = pack_matmul_greedily(rewriter, op, options)
        if isinstance(result, Refused):
            return f"not packed: {result}"
        why = f" ({options.reason})" if options.reason else ""
        return f"packed {contraction.describe()} with {options.describe()}{why}"


def pack_greedily_patterns(
    options_for: OptionsFn, report: ReportFn | None = None
) -> list[RewritePattern]:
    """The pattern list of `pack-greedily` (apply each op once: the packed
    generic is itself a contraction and would be packed again)."""
    return [PackGreedilyPattern(options_for, report)]


def fixed_options(options: PackGreedilyOptions) -> OptionsFn:
    """A control function giving the same options to every op."""
    return lambda op, contraction: options


@dataclass(frozen=True)
class PackGreedilyPass(ModulePass):
    """Pack every contraction (upstream `transform.structured.pack_greedily`).

    Options: `packed-sizes=M,N,K`, `padded-sizes-next-multiple-of=M,N,K`,
    `inner-dims-order=a,b,c` (default 0,1,2), `mmt4d-layout=true|false`.
    Without sizes, `strategy=NAME` (default `auto`: the target's default) on
    `target=NAME` (default `generic`; `host` detects this CPU) picks them per
    op. `report=true` reports a located remark per linalg op saying what was
    packed or why not. `conv=im2col` (default) first rewrites 2-D
    convolutions into matmuls (1x1 without a copy, k x k through im2col:
    `passes.packing.conv`), `conv=direct` only the 1x1 ones (a k x k
    convolution is packed directly, as a conv-shaped generic), `conv=none`
    rewrites none (every convolution packed as it is, as upstream's
    `pack_greedily` does). With a strategy and the mmt4d layout,
    `chain=true` (default) gives a contraction whose LHS is the unpacked
    result of one packed before it the tiles that cancel that pair (its m0
    and k0 are the producer's m0 and n0: `passes.packing.chain`).
    """

    name = "pack-greedily"

    packed_sizes: tuple[int, ...] = ()
    padded_sizes_next_multiple_of: tuple[int, ...] = ()
    inner_dims_order: tuple[int, ...] = ()
    mmt4d_layout: bool | None = None
    strategy: str = "auto"
    target: str = "generic"
    report: bool = False
    conv: str = "im2col"
    chain: bool = True

    def explicit_options(self) -> PackGreedilyOptions | None:
        """The options when sizes are given on the command line, else None."""
        if not self.packed_sizes and not self.padded_sizes_next_multiple_of:
            return None
        if self.strategy != "auto":
            raise PassFailedException(
                "pack-greedily: give either packed-sizes / "
                "padded-sizes-next-multiple-of or strategy, not both"
            )
        return PackGreedilyOptions(
            packed_sizes=self.packed_sizes or (0, 0, 0),  # type: ignore[arg-type]
            padded_sizes_next_multiple_of=self.padded_sizes_next_multiple_of
            or (0, 0, 0),  # type: ignore[arg-type]
            inner_dims_order=self.inner_dims_order or (0, 1, 2),  # type: ignore[arg-type]
            mmt4d_layout=bool(self.mmt4d_layout),
        )

    def strategy_options(self) -> OptionsFn:
        """A control function asking the strategy, with command-line overrides."""
        from packdialect.strategies import AUTO, choose, get_strategy
        from packdialect.targets import get_target

        target = get_target(self.target)
        # Resolve the name now, so that a bad name fails even without ops.
        get_strategy(
            target.default_strategy if self.strategy == AUTO else self.strategy
        )

        def options_for(op: Operation, contraction: Contraction):
            choice = choose(contraction, self.strategy, target)
            if choice is None:
                return Refused(
                    f"strategy '{self.strategy}' declined on target '{target.name}'"
                )
            layout = choice.mmt4d_layout
            if self.mmt4d_layout is not None:
                layout = self.mmt4d_layout
            sizes, reason = choice.packed_sizes, choice.reason
            chained = chain_tiles(op, contraction) if self.chain and layout else None
            if chained is not None and not choice.padded_sizes_next_multiple_of:
                sizes = (chained.m0, sizes[1], chained.k0)
                reason = f"{reason}; {chained.describe()}"
            return PackGreedilyOptions(
                packed_sizes=sizes,
                padded_sizes_next_multiple_of=choice.padded_sizes_next_multiple_of
                or (0, 0, 0),
                inner_dims_order=self.inner_dims_order or choice.inner_dims_order,  # type: ignore[arg-type]
                mmt4d_layout=layout,
                reason=reason,
            )

        return options_for

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.conv not in CONV_MODES:
            raise PassFailedException(
                f"pack-greedily: conv must be one of {', '.join(CONV_MODES)}, "
                f"got '{self.conv}'"
            )
        explicit = self.explicit_options()
        options_for = (
            fixed_options(explicit) if explicit is not None else self.strategy_options()
        )
        report = remark_at if self.report else None
        if self.conv != "none":
            PatternRewriteWalker(
                ConvAsMatmulPattern(self.conv, report), apply_recursively=False
            ).rewrite_module(op)
        PatternRewriteWalker(
            PackGreedilyPattern(options_for, report), apply_recursively=False
        ).rewrite_module(op)


__all__ = [
    "PackGreedilyPass",
    "PackGreedilyPattern",
    "fixed_options",
    "pack_greedily_patterns",
    "pack_matmul_greedily",
    "report_prefix",
]
