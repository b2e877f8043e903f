"""propagate-packs: execution checks of every lit input, the core functions'
refusals, the control function, and the MLP against a numpy forward pass."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, ModuleOp, TensorType
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Use
from xdsl.passes import PassPipeline
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
)

from packdialect.diagnostics import Refused
from packdialect.interp import random_inputs, run_function
from packdialect.ir.canonicalization.constant_folds import dense_bits
from packdialect.ir.context import make_context, parse_module
from packdialect.ir.ops import Mmt4dOp, PackOp, UnpackOp
from packdialect.ir.relayout_utils import Layout
from passes import all_passes
from passes.pack_stats import function_stats
from passes.propagate_packs import (
    bubble_up_pack_through_generic,
    data_layout_propagation_patterns,
    packed_view,
    packing_info,
    push_down_unpack_through_generic,
)

ROOT = Path(__file__).resolve().parents[2]
LIT_INPUTS = [
    *sorted((ROOT / "test/lit/passes").glob("propagate-packs*.mlir")),
    *sorted((ROOT / "test/lit/pipelines").glob("mlp*.mlir")),
]
MLP_PIPELINE = (
    "pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},"
    "propagate-packs,canonicalize,specialize-mmt4d"
)


# ---------------------------------------------------------------------------
# Execution check of every lit input: interpreter before == after
# ---------------------------------------------------------------------------


def run_line_pipeline(text: str) -> str | None:
    """The pipeline of the last `RUN: pack-opt %s -p PIPELINE` line of a lit file.

    None when no RUN line runs pack-opt on the file itself (error tests start
    with `not`; pipeline tests on examples/ are checked separately).
    """
    found = None
    for line in text.splitlines():
        if not line.startswith("// RUN: pack-opt %s "):
            continue
        match = re.search(r"-p (?:'([^']+)'|(\S+))", line)
        if match:
            found = match.group(1) or match.group(2)
    return found


def lit_cases() -> list[tuple[Path, str]]:
    """(lit file, function name) for every function of every input."""
    cases: list[tuple[Path, str]] = []
    for path in LIT_INPUTS:
        if run_line_pipeline(path.read_text()) is None:
            continue
        module = parse_module(path.read_text(), make_context())
        cases += [
            (path, fn.sym_name.data)
            for fn in module.walk()
            if isinstance(fn, func.FuncOp) and not fn.is_declaration
        ]
    return cases


def apply_pipeline(text: str, pipeline: str) -> ModuleOp:
    """Parse `text` and run a pipeline string on it (verified)."""
    ctx = make_context()
    module = parse_module(text, ctx)
    PassPipeline.parse_spec(all_passes(), pipeline).apply(ctx, module)
    module.verify()
    return module


def assert_same(actual: np.ndarray, expected: np.ndarray) -> None:
    """rtol 1e-5 for floats, exact for integers and booleans."""
    assert actual.shape == expected.shape
    if expected.dtype.kind == "f":
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_array_equal(actual, expected)


def check_execution(text: str, pipeline: str, name: str) -> None:
    """Run `name` before and after `pipeline` on random inputs and compare."""
    before = parse_module(text, make_context())
    after = apply_pipeline(text, pipeline)
    fn = next(
        f
        for f in before.walk()
        if isinstance(f, func.FuncOp) and f.sym_name.data == name
    )
    for seed in (0, 1):
        args = random_inputs(fn, seed=seed, dynamic_size=16)
        expected = run_function(before, name, args)
        actual = run_function(after, name, args)
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected, strict=True):
            assert_same(a, e)


@pytest.mark.parametrize(
    ("path", "name"), lit_cases(), ids=lambda v: v.name if isinstance(v, Path) else v
)
def test_lit_input_executes_the_same(path: Path, name: str) -> None:
    text = path.read_text()
    pipeline = run_line_pipeline(text)
    assert pipeline is not None
    check_execution(text, pipeline, name)


def test_every_lit_input_is_covered() -> None:
    names = {p.name for p, _ in lit_cases()}
    assert {"propagate-packs.mlir", "propagate-packs-poison.mlir"} <= names
    assert {"propagate-packs-mlp.mlir", "mlp-matmul-chain.mlir"} <= names


def test_run_line_pipeline_reads_quoted_and_bare() -> None:
    assert (
        run_line_pipeline("// RUN: pack-opt %s -p canonicalize | x") == "canonicalize"
    )
    text = "// RUN: pack-opt %s -p 'a{b=1},c' | x\n// RUN: not pack-opt %s -p d"
    assert run_line_pipeline(text) == "a{b=1},c"


# ---------------------------------------------------------------------------
# Core functions
# ---------------------------------------------------------------------------

ELEMENTWISE = """
func.func @f(%x: tensor<16x64xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %g PADDING inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}
"""

REDUCTION = """
func.func @f(%x: tensor<16x4x16xf32>, %acc: tensor<16xf32>) -> tensor<16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [1] inner_tiles = [16] into %e : tensor<16x4x16xf32> -> tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%u : tensor<16x64xf32>) outs(%acc : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  func.return %g : tensor<16xf32>
}
"""


def _first(module: ModuleOp, cls: type):
    return next(op for op in module.walk() if isinstance(op, cls))


def test_packing_info_maps_tiles_onto_loops() -> None:
    module = parse_module(ELEMENTWISE.replace("PADDING", ""), make_context())
    generic = _first(module, GenericOp)
    layout = Layout((1, 0), (16, 8), (1, 0))
    info = packing_info(generic, 1, layout)
    assert not isinstance(info, Refused)
    assert info.tiled_loops == (1, 0)
    assert info.outer_perm == (1, 0)
    assert info.point_loop(1) == 2 and info.point_loop(0) == 3
    view, amap = packed_view(info, generic.indexing_maps.data[0].data)
    assert view is not None and view.inner_dims_pos == (1, 0)
    assert view.outer_dims_perm == (1, 0)
    assert str(amap) == "(d0, d1, d2, d3) -> (d0, d1, d2, d3)"


def test_packing_info_refuses_a_tiled_reduction() -> None:
    module = parse_module(REDUCTION, make_context())
    generic = _first(module, GenericOp)
    info = packing_info(generic, 0, Layout.of(_first(module, UnpackOp)))
    assert info == Refused("tiled loop d1 is not parallel")


def _rewriter_at(op) -> PatternRewriter:
    return PatternRewriter(op)


def test_bubble_up_refuses_a_padding_value_unless_poison() -> None:
    text = ELEMENTWISE.replace("tensor<16x64xf32>", "tensor<15x64xf32>").replace(
        "PADDING", "padding_value(%z : f32)"
    )
    text = text.replace(
        "%e = tensor.empty()", "%z = arith.constant 0.0 : f32\n  %e = tensor.empty()", 1
    )
    module = parse_module(text, make_context())
    pack = _first(module, PackOp)
    refused = bubble_up_pack_through_generic(_rewriter_at(pack), pack)
    assert refused == Refused("the pack has a padding value (poison-padding=false)")
    new = bubble_up_pack_through_generic(_rewriter_at(pack), pack, poison_padding=True)
    assert isinstance(new, GenericOp)
    assert new.res[0].type == pack.result.type


def test_push_down_refuses_with_reason() -> None:
    padded = REDUCTION.replace("tensor<16x64xf32>", "tensor<16x60xf32>")
    module = parse_module(padded, make_context())
    generic = _first(module, GenericOp)
    refused = push_down_unpack_through_generic(_rewriter_at(generic), generic)
    assert refused == Refused(
        "tiling the reduction dim 1 of size 60 by 16 would pad it"
    )


def test_push_down_through_a_tiled_reduction_reduces_the_same() -> None:
    module = parse_module(REDUCTION, make_context())
    rng = np.random.default_rng(4)
    x = rng.standard_normal((16, 4, 16)).astype(np.float32)
    acc = rng.standard_normal(16).astype(np.float32)
    (before,) = run_function(module, "f", [x, acc])
    generic = _first(module, GenericOp)
    new = push_down_unpack_through_generic(_rewriter_at(generic), generic)
    assert not isinstance(new, Refused)
    generic.results[0].replace_all_uses_with(new)
    generic.detach()
    generic.erase()
    (after,) = run_function(module, "f", [x, acc])
    want = x.astype(np.float64).reshape(16, 64).sum(axis=1) + acc
    np.testing.assert_allclose(after, before, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(after, want, rtol=1e-5, atol=1e-5)


def _apply(module: ModuleOp, patterns) -> None:
    PatternRewriteWalker(GreedyRewritePatternApplier(patterns)).rewrite_module(module)


def test_control_function_sees_the_operand_and_can_refuse() -> None:
    module = parse_module(ELEMENTWISE.replace("PADDING", ""), make_context())
    seen: list[Use] = []

    def control(use: Use) -> bool:
        seen.append(use)
        return False

    _apply(module, data_layout_propagation_patterns(control))
    assert seen and all(isinstance(u.operation, PackOp) for u in seen)
    assert all(u.index == 0 for u in seen)
    assert isinstance(_first(module, PackOp).source.owner, GenericOp)
    _apply(module, data_layout_propagation_patterns(lambda use: True))
    x = _first(module, func.FuncOp).body.block.args[0]
    assert _first(module, PackOp).source is x


# ---------------------------------------------------------------------------
# The MLP: one pack, one unpack, packed constant weights, numpy-exact result
# ---------------------------------------------------------------------------


def _constants(module: ModuleOp) -> dict[str, np.ndarray]:
    """The f32 dense constants of the example, by SSA name."""
    result: dict[str, np.ndarray] = {}
    for op in module.walk():
        if isinstance(op, arith.ConstantOp) and isinstance(
            op.value, DenseIntOrFPElementsAttr
        ):
            bits = dense_bits(op.value)
            assert bits is not None
            result[op.result.name_hint or ""] = bits.view(np.float32)
    return result


def test_mlp_example_keeps_one_pack_and_one_unpack() -> None:
    text = (ROOT / "examples/mlp.mlir").read_text()
    before = parse_module(text, make_context())
    after = apply_pipeline(text, MLP_PIPELINE)
    fn = _first(after, func.FuncOp)
    assert function_stats(fn)["pack"] == 1 and function_stats(fn)["unpack"] == 1
    pack = _first(after, PackOp)
    assert pack.source == fn.body.block.args[0]
    assert sum(isinstance(op, Mmt4dOp) for op in after.walk()) == 3
    assert not any(
        isinstance(op, GenericOp) and "reduction" in str(op.iterator_types)
        for op in after.walk()
    )
    packed_weights = [
        c
        for c in after.walk()
        if isinstance(c, arith.ConstantOp)
        and isinstance(c.result.type, TensorType)
        and len(c.result.type.get_shape()) == 4
    ]
    assert len(packed_weights) == 3

    w = _constants(before)
    x = random_inputs(_first(before, func.FuncOp), seed=7)[0]
    relu = lambda v: np.maximum(v, 0.0)  # noqa: E731
    h = relu(x @ w["W1"] + w["b1"])
    h = relu(h @ w["W2"] + w["b2"])
    expected = h @ w["W3"]
    (actual,) = run_function(after, "mlp", [x])
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)
    (reference,) = run_function(before, "mlp", [x])
    np.testing.assert_allclose(actual, reference, rtol=1e-5, atol=1e-6)
