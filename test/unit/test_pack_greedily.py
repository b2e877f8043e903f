"""pack-greedily: loop bookkeeping, options, the core function, the pass, and an
execution check of every lit input (interpreter before == after the pass)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.passes import PassPipeline
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.utils.exceptions import PassFailedException

from packdialect.diagnostics import Refused
from packdialect.interp import random_inputs, run_function
from packdialect.ir.context import make_context, parse_module
from packdialect.ir.ops import PackOp, UnpackOp
from packdialect.strategies import PackingChoice
from passes import all_passes
from passes.pack_greedily import PackGreedilyPass, pack_matmul_greedily
from passes.packing.build import RoundedUp, plan_tiles
from passes.packing.loops import (
    compute_permutation_vector,
    interchange_maps,
    mmt4d_outer_perm,
    pack_loops,
)
from passes.packing.options import PackGreedilyOptions

LIT_PASSES = Path(__file__).resolve().parents[1] / "lit" / "passes"

WORKED_EXAMPLE = """
func.func @matmul(%A : tensor<1023x255xf32>, %B : tensor<255x127xf32>,
                  %C : tensor<1023x127xf32>) -> tensor<1023x127xf32> {
  %0 = linalg.matmul ins(%A, %B : tensor<1023x255xf32>, tensor<255x127xf32>)
                     outs(%C : tensor<1023x127xf32>) -> tensor<1023x127xf32>
  return %0 : tensor<1023x127xf32>
}
"""

MATVEC = """
func.func @matvec(%A : tensor<16x8xf32>, %x : tensor<8xf32>, %y : tensor<16xf32>) -> tensor<16xf32> {
  %0 = linalg.matvec ins(%A, %x : tensor<16x8xf32>, tensor<8xf32>) outs(%y : tensor<16xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}
"""


def _maps(*results: tuple[int, ...], num_dims: int = 3) -> list[AffineMap]:
    return [
        AffineMap(num_dims, 0, tuple(AffineExpr.dimension(d) for d in r))
        for r in results
    ]


def _first_linalg_op(module: ModuleOp):
    fn = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    return fn.body.block.first_op


def _apply(module: ModuleOp, pipeline: str) -> None:
    PassPipeline.parse_spec(all_passes(), pipeline).apply(make_context(), module)


# ---------------------------------------------------------------------------
# Loop bookkeeping
# ---------------------------------------------------------------------------


def test_permutation_vector_upstream_example():
    # computePermutationVector's documented example.
    assert compute_permutation_vector(5, (2, 4), (1, 0)) == [4, 2, 0, 1, 3]


def test_permutation_vector_moves_mnk_innermost_in_order():
    # m=0, n=1, k=2 with inner-dims-order 1,2,0 -> loops (k, m, n).
    assert compute_permutation_vector(3, (0, 1, 2), (1, 2, 0)) == [2, 0, 1]
    # Other loops keep their relative order in front.
    assert compute_permutation_vector(5, (1, 2, 0), (3, 4, 2)) == [3, 4, 0, 1, 2]


def test_interchange_renames_loops():
    maps = _maps((0, 2), (2, 1), (0, 1))
    new = interchange_maps(maps, [2, 0, 1])  # new loops (k, m, n)
    assert [str(m) for m in new] == [
        "(d0, d1, d2) -> (d1, d0)",
        "(d0, d1, d2) -> (d0, d2)",
        "(d0, d1, d2) -> (d1, d2)",
    ]


def test_pack_loops_appends_a_dim_per_tiled_loop_and_operand():
    maps = _maps((1, 0), (0, 2), (1, 2))  # loops (k, m, n)
    packed = pack_loops(maps, ["reduction", "parallel", "parallel"], [32, 8, 16])
    assert not isinstance(packed, Refused)
    assert packed.iterators == ["reduction", "parallel", "parallel"] * 2
    assert [str(m) for m in packed.maps] == [
        "(d0, d1, d2, d3, d4, d5) -> (d1, d0, d3, d4)",
        "(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)",
        "(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)",
    ]
    # (operand dim, tiled loop): A[m, k] packs dim 1 (k) then dim 0 (m).
    assert packed.operand_dims == [[(1, 0), (0, 1)], [(0, 0), (1, 2)], [(0, 1), (1, 2)]]


def test_pack_loops_skips_zero_tiles():
    maps = _maps((1, 0), (0, 2), (1, 2))
    packed = pack_loops(maps, ["reduction", "parallel", "parallel"], [32, 0, 0])
    assert not isinstance(packed, Refused)
    assert packed.operand_dims == [[(1, 0)], [(0, 0)], []]
    assert packed.maps[2].num_dims == 4


def test_pack_loops_refuses_compound_expressions():
    d0, d1, d2 = (AffineExpr.dimension(i) for i in range(3))
    maps = [
        AffineMap(3, 0, (d0 + d2,)),
        AffineMap(3, 0, (d2, d1)),
        AffineMap(3, 0, (d1,)),
    ]
    reason = pack_loops(maps, ["parallel", "parallel", "reduction"], [0, 0, 4])
    assert isinstance(reason, Refused)
    assert "compound expression" in str(reason)


def test_mmt4d_outer_perm_sorts_outer_dims_by_loop():
    # Loops (m, n, k, mm, nn, kk); B[k, n] packed: (d2, d1, d4, d5).
    amap = _maps((2, 1, 4, 5), num_dims=6)[0]
    assert mmt4d_outer_perm(amap, 2) == [1, 0]
    # A batch last in the map goes first: (d1, d3, d0, ...) -> [2, 0, 1].
    amap = _maps((1, 3, 0, 4, 6), num_dims=7)[0]
    assert mmt4d_outer_perm(amap, 3) == [2, 0, 1]


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"packed_sizes": (8, 16)}, "packed-sizes must be 3 non-negative"),
        ({"packed_sizes": (8, -1, 4)}, "packed-sizes must be 3 non-negative"),
        (
            {"packed_sizes": (8, 16, 32), "inner_dims_order": (0, 0, 1)},
            "permutation of 0,1,2",
        ),
        (
            {"packed_sizes": (8, 0, 32), "padded_sizes_next_multiple_of": (4, 0, 0)},
            "m has both a packed size (8)",
        ),
        (
            {
                "packed_sizes": (8, 16, 32),
                "inner_dims_order": (1, 2, 0),
                "mmt4d_layout": True,
            },
            "mmt4d-layout=true needs the loops (m, n, k)",
        ),
    ],
)
def test_invalid_options_raise(kwargs, message):
    with pytest.raises(PassFailedException, match=re.escape(message)):
        PackGreedilyOptions(**kwargs)


def test_pass_options_parse_from_pipeline():
    (parsed,) = PassPipeline.parse_spec(
        all_passes(),
        "pack-greedily{packed-sizes=8,16,32 padded-sizes-next-multiple-of=0,0,0 "
        "inner-dims-order=1,2,0 mmt4d-layout=false report=true}",
    ).passes
    assert isinstance(parsed, PackGreedilyPass)
    assert parsed.packed_sizes == (8, 16, 32)
    assert parsed.inner_dims_order == (1, 2, 0)
    assert parsed.mmt4d_layout is False
    assert parsed.report is True
    options = parsed.explicit_options()
    assert options is not None
    assert options.packed_sizes == (8, 16, 32)


def test_sizes_and_strategy_are_exclusive():
    with pytest.raises(PassFailedException, match="not both"):
        PackGreedilyPass(packed_sizes=(8, 8, 8), strategy="avx2").explicit_options()


def test_plan_tiles_rounds_up_padded_loops():
    module = parse_module(WORKED_EXAMPLE)
    from packdialect.analysis.contraction import analyze

    contraction = analyze(_first_linalg_op(module))
    assert not isinstance(contraction, Refused)
    options = PackGreedilyOptions((8, 0, 32), (0, 10, 0), (1, 2, 0))
    perm = compute_permutation_vector(3, (0, 1, 2), (1, 2, 0))
    assert plan_tiles(contraction, options, perm) == [32, 8, 130]


def test_plan_tiles_defers_dynamic_padded_loops():
    module = parse_module(
        WORKED_EXAMPLE.replace("255x127", "255x?").replace("1023x127", "1023x?")
    )
    from packdialect.analysis.contraction import analyze

    contraction = analyze(_first_linalg_op(module))
    assert not isinstance(contraction, Refused)
    options = PackGreedilyOptions((8, 0, 32), (0, 10, 0), (1, 2, 0))
    perm = compute_permutation_vector(3, (0, 1, 2), (1, 2, 0))
    assert plan_tiles(contraction, options, perm) == [32, 8, RoundedUp(10)]


# ---------------------------------------------------------------------------
# The core function
# ---------------------------------------------------------------------------


def test_worked_example_types():
    module = parse_module(WORKED_EXAMPLE)
    op = _first_linalg_op(module)
    options = PackGreedilyOptions((8, 16, 32), inner_dims_order=(1, 2, 0))
    result = pack_matmul_greedily(PatternRewriter(op), op, options)
    assert not isinstance(result, Refused)
    module.verify()
    assert [str(p.result.type) for p in result.pack_ops] == [
        "tensor<128x8x32x8xf32>",
        "tensor<8x8x32x16xf32>",
        "tensor<128x8x8x16xf32>",
    ]
    assert all(p.padding_value is not None for p in result.pack_ops)
    assert [p.get_inner_dims_pos() for p in result.pack_ops] == [(1, 0), (0, 1), (0, 1)]
    assert isinstance(result.packed_op, GenericOp)
    (unpack,) = result.unpack_ops
    assert str(unpack.result.type) == "tensor<1023x127xf32>"
    fn = next(op for op in module.walk() if isinstance(op, func.FuncOp))
    assert unpack.dest is fn.args[2]  # unpacked into the original init


def test_refusal_leaves_module_unchanged():
    module = parse_module(MATVEC)
    before = str(module)
    op = _first_linalg_op(module)
    result = pack_matmul_greedily(
        PatternRewriter(op), op, PackGreedilyOptions((8, 16, 32))
    )
    assert result == Refused("need 3 or more loops to find a matmul to pack, found 2")
    assert str(module) == before


def test_all_zero_sizes_is_a_refusal():
    module = parse_module(WORKED_EXAMPLE)
    op = _first_linalg_op(module)
    result = pack_matmul_greedily(
        PatternRewriter(op), op, PackGreedilyOptions((0, 0, 0))
    )
    assert result == Refused("all packed sizes are 0: nothing to pack")


def test_packed_generic_is_not_packed_again():
    module = parse_module(WORKED_EXAMPLE)
    _apply(module, "pack-greedily{packed-sizes=8,16,32 inner-dims-order=1,2,0}")
    assert sum(isinstance(op, PackOp) for op in module.walk()) == 3
    assert sum(isinstance(op, UnpackOp) for op in module.walk()) == 1


def test_worked_example_matches_numpy():
    module = parse_module(WORKED_EXAMPLE)
    _apply(module, "pack-greedily{packed-sizes=8,16,32 inner-dims-order=1,2,0}")
    rng = np.random.default_rng(7)
    a = rng.uniform(-1, 1, (1023, 255)).astype(np.float32)
    b = rng.uniform(-1, 1, (255, 127)).astype(np.float32)
    c = rng.uniform(-1, 1, (1023, 127)).astype(np.float32)
    (got,) = run_function(module, "matmul", [a, b, c])
    expected = a.astype(np.float64) @ b.astype(np.float64) + c
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------


def small_strategy(contraction, target):
    """4x4x4, no mmt4d layout; declines contractions with a batch loop."""
    if contraction.dims.batch:
        return None
    return PackingChoice((4, 4, 4), mmt4d_layout=False, reason="test strategy")


# Loaded through a module path, like a user's plugin.
SMALL = f"{__name__}:small_strategy"


def _apply_pass(module: ModuleOp, **options) -> None:
    PackGreedilyPass(**options).apply(make_context(), module)


def test_strategy_chooses_sizes(capsys):
    module = parse_module(WORKED_EXAMPLE)
    _apply_pass(module, strategy=SMALL, report=True)
    packs = [op for op in module.walk() if isinstance(op, PackOp)]
    assert [str(p.result.type) for p in packs][0] == "tensor<256x64x4x4xf32>"
    err = capsys.readouterr().err
    assert (
        "packed-sizes=4,4,4 inner-dims-order=0,1,2 mmt4d-layout=false (test strategy)"
        in err
    )


def test_strategy_may_decline(capsys):
    module = parse_module(
        """
        func.func @bmm(%A : tensor<2x8x8xf32>, %B : tensor<2x8x8xf32>, %C : tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
          %0 = linalg.batch_matmul ins(%A, %B : tensor<2x8x8xf32>, tensor<2x8x8xf32>) outs(%C : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
          return %0 : tensor<2x8x8xf32>
        }
        """
    )
    before = str(module)
    _apply_pass(module, strategy=SMALL, report=True)
    assert str(module) == before
    err = capsys.readouterr().err
    assert f"not packed: strategy '{SMALL}' declined" in err


def test_layout_option_overrides_strategy():
    module = parse_module(WORKED_EXAMPLE)
    _apply_pass(module, strategy=SMALL, mmt4d_layout=True)
    rhs_pack = [op for op in module.walk() if isinstance(op, PackOp)][1]
    assert rhs_pack.get_outer_dims_perm() == (1, 0)


# ---------------------------------------------------------------------------
# Execution check of every lit input
# ---------------------------------------------------------------------------

RUN_PIPELINE = re.compile(
    r"^// RUN: pack-opt %s (?:--split-input-file )?-p (?:'([^']+)'|(\S+))", re.M
)


def _lit_cases() -> list[tuple[str, str]]:
    """(lit file, pipeline) for every `pack-opt %s -p ...` RUN line of our tests."""
    files = sorted(LIT_PASSES.glob("pack-greedily*.mlir")) + sorted(
        LIT_PASSES.glob("specialize-mmt4d*.mlir")
    )
    return [
        (f.name, quoted or bare)
        for f in files
        for quoted, bare in RUN_PIPELINE.findall(f.read_text())
    ]


LIT_CASES = _lit_cases()


def test_lit_cases_found():
    names = {name for name, _ in LIT_CASES}
    assert {
        "pack-greedily.mlir",
        "pack-greedily-kinds.mlir",
        "specialize-mmt4d.mlir",
    } <= names
    assert len(LIT_CASES) >= 10


def _run(module: ModuleOp, fn: func.FuncOp, args: list[np.ndarray]) -> list[np.ndarray]:
    """Results, then every buffer argument (written in place)."""
    copies = [np.array(a, copy=True) for a in args]
    results = run_function(module, fn.sym_name.data, copies)
    return results + [c for c, a in zip(copies, args, strict=True) if np.ndim(a)]


def _assert_same(before: list[np.ndarray], after: list[np.ndarray], where: str) -> None:
    assert len(before) == len(after), where
    for b, a in zip(before, after, strict=True):
        assert a.shape == b.shape, where
        if np.issubdtype(b.dtype, np.floating):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4, err_msg=where)
        else:
            np.testing.assert_array_equal(a, b, err_msg=where)


@pytest.mark.parametrize(("name", "pipeline"), LIT_CASES)
def test_lit_input_runs_the_same_after_the_pass(name: str, pipeline: str):
    # The interpreter has no affine.apply (dynamic packed sizes): lower-affine
    # turns them into arith first.
    text = (LIT_PASSES / name).read_text()
    for chunk in text.split("// -----"):
        before = parse_module(chunk)
        after = parse_module(chunk)
        _apply(after, pipeline + ",lower-affine")
        after.verify()
        for fn in before.walk():
            if not isinstance(fn, func.FuncOp):
                continue
            args = random_inputs(fn, seed=3, dynamic_size=13)
            where = f"{name} @{fn.sym_name.data} with {pipeline}"
            _assert_same(_run(before, fn, args), _run(after, fn, args), where)
