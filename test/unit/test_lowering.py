"""Each CPU lowering pass alone, checked with the numpy interpreter: the
function computes the same thing before and after the pass (on tensors
before, on buffers with out-parameters after)."""

from __future__ import annotations

import numpy as np
import pytest
from test_lowering_programs import PROGRAMS, assert_matches, mlp
from xdsl.dialects import func, scf
from xdsl.dialects.builtin import MemRefType, ModuleOp

from packdialect.diagnostics import Refused
from packdialect.interp import element_dtype, random_inputs, run_function
from packdialect.ir.attributes import OUTPUTS_ATTR, PARALLEL_ATTR
from packdialect.ir.context import make_context, parse_module
from passes import parse_pipeline
from passes.cpu.kernel_plan import CastOps, plan_kernel, vector_target
from passes.cpu.parallelize import estimate_work, trip_count

PACK = "pack-greedily{strategy=avx512 target=avx512},specialize-mmt4d"


def lowered(text: str, pipeline: str) -> ModuleOp:
    """`text` parsed and run through `pipeline` (verified)."""
    ctx = make_context()
    module = parse_module(text, ctx)
    parse_pipeline(pipeline).apply(ctx, module)
    module.verify()
    return module


def function(module: ModuleOp, name: str) -> func.FuncOp:
    """The func.func called `name`."""
    return next(
        op
        for op in module.walk()
        if isinstance(op, func.FuncOp) and op.sym_name.data == name
    )


def run_buffers(module: ModuleOp, name: str, args) -> list[np.ndarray]:
    """Run a bufferized function: allocate its out-parameters, return them."""
    fn = function(module, name)
    count = fn.attributes[OUTPUTS_ATTR].value.data  # type: ignore[union-attr]
    types = fn.function_type.inputs.data[len(fn.function_type.inputs.data) - count :]
    outs = []
    for t in types:
        assert isinstance(t, MemRefType)
        outs.append(
            np.full(t.get_shape(), 7, dtype=element_dtype(t.get_element_type()))
        )
    assert run_function(module, name, [*args, *outs]) == []
    return outs


def check_pass(text: str, name: str, pipeline: str, seed: int = 0) -> ModuleOp:
    """Interpreter results of `name` before and after `pipeline` agree."""
    before = parse_module(text)
    args = random_inputs(function(before, name), seed=seed)
    want = run_function(before, name, args)
    after = lowered(text, pipeline)
    if OUTPUTS_ATTR in function(after, name).attributes:
        got = run_buffers(after, name, args)
    else:
        got = run_function(after, name, args)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert_matches(g, w)
    return after


def ops_named(module: ModuleOp, prefix: str) -> list[str]:
    """Names of the ops of `module` starting with `prefix`."""
    return [op.name for op in module.walk() if op.name.startswith(prefix)]


# Small shapes: the interpreter runs scalar loops op by op.
SMALL_MATMUL = """
func.func @small(%a: tensor<5x3xf32>, %b: tensor<3x7xf32>, %c: tensor<5x7xf32>) -> tensor<5x7xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<5x3xf32>, tensor<3x7xf32>) outs(%c : tensor<5x7xf32>) -> tensor<5x7xf32>
  return %r : tensor<5x7xf32>
}
"""

RELAYOUT = """
func.func @relayout(%a: tensor<5x7xf32>) -> (tensor<4x2x2x3xf32>, tensor<5x7xf32>) {
  %pad = arith.constant -1.0 : f32
  %e = tensor.empty() : tensor<4x2x2x3xf32>
  %p = linalg.pack %a padding_value(%pad : f32) outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [2, 3] into %e : tensor<5x7xf32> -> tensor<4x2x2x3xf32>
  %e2 = tensor.empty() : tensor<5x7xf32>
  %u = linalg.unpack %p outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [2, 3] into %e2 : tensor<4x2x2x3xf32> -> tensor<5x7xf32>
  return %p, %u : tensor<4x2x2x3xf32>, tensor<5x7xf32>
}
"""

VIEWS = """
func.func @views(%a: tensor<6x8xf32>, %b: tensor<2x4xf32>) -> (tensor<2x3x8xf32>, tensor<8x9xf32>, tensor<6x8xf32>, tensor<48xf32>) {
  %x = tensor.expand_shape %a [[0, 1], [2]] output_shape [2, 3, 8] : tensor<6x8xf32> into tensor<2x3x8xf32>
  %cst = arith.constant 0.5 : f32
  %p = tensor.pad %a low[1, 0] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %cst : f32
  } : tensor<6x8xf32> to tensor<8x9xf32>
  %s = tensor.extract_slice %a[1, 2] [2, 4] [1, 1] : tensor<6x8xf32> to tensor<2x4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %sum = linalg.add ins(%s, %b : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %i = tensor.insert_slice %sum into %a[3, 3] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<6x8xf32>
  %c = tensor.collapse_shape %i [[0, 1]] : tensor<6x8xf32> into tensor<48xf32>
  return %x, %p, %i, %c : tensor<2x3x8xf32>, tensor<8x9xf32>, tensor<6x8xf32>, tensor<48xf32>
}
"""

# ---------------------------------------------------------------------------
# bufferize
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["softmax", "elementwise_reductions", "mlp", "chain", "matmul_i8"]
)
def test_bufferize_keeps_the_semantics(name: str):
    module = check_pass(PROGRAMS[name], name, "bufferize")
    assert not any("tensor" in str(arg.type) for arg in function(module, name).args)


def test_bufferize_views_pad_and_slices():
    check_pass(VIEWS, "views", "bufferize")


def test_bufferize_packed_program():
    module = check_pass(PROGRAMS["matmul"], "matmul", PACK + ",bufferize")
    assert ops_named(module, "bufferization.materialize_in_destination")


def test_bufferize_writes_the_result_in_place():
    """The unpack of the packed matmul writes the out-parameter: no copy."""
    module = lowered(PROGRAMS["matmul"], PACK + ",bufferize")
    assert not ops_named(module, "memref.copy")


def test_bufferize_constants_become_globals():
    module = lowered(mlp(), "bufferize")
    globals_ = ops_named(module, "memref.global")
    assert len(globals_) == 3
    fn = function(module, "mlp")
    assert fn.attributes[OUTPUTS_ATTR].value.data == 1  # type: ignore[union-attr]


def test_bufferize_refuses_dynamic_shapes():
    from xdsl.utils.exceptions import PassFailedException

    text = (
        "func.func @d(%a: tensor<?xf32>) -> tensor<?xf32> { return %a : tensor<?xf32> }"
    )
    with pytest.raises(PassFailedException, match="only static shapes"):
        lowered(text, "bufferize")


# ---------------------------------------------------------------------------
# lower-packs
# ---------------------------------------------------------------------------


def test_lower_packs_loops_after_bufferize():
    module = check_pass(RELAYOUT, "relayout", "bufferize,lower-packs")
    assert not ops_named(module, "linalg.")
    assert not ops_named(module, "bufferization.")


def test_lower_packs_to_tensor_ops():
    module = check_pass(RELAYOUT, "relayout", "lower-packs{to-tensor-ops=true}")
    assert not ops_named(module, "linalg.pack")
    assert not ops_named(module, "linalg.unpack")
    assert ops_named(module, "linalg.transpose")


def test_lower_packs_tensor_ops_then_bufferize():
    check_pass(RELAYOUT, "relayout", "lower-packs{to-tensor-ops=true},bufferize")


def test_lower_packs_leaves_tensor_packs_alone():
    module = lowered(RELAYOUT, "lower-packs")
    assert ops_named(module, "linalg.pack")


# ---------------------------------------------------------------------------
# linalg-to-loops
# ---------------------------------------------------------------------------


def test_linalg_to_loops_on_a_matmul():
    module = check_pass(SMALL_MATMUL, "small", "bufferize,linalg-to-loops")
    assert not ops_named(module, "linalg.")


def test_linalg_to_loops_on_views():
    module = check_pass(VIEWS, "views", "bufferize,linalg-to-loops")
    assert not ops_named(module, "linalg.")


def test_linalg_to_loops_on_softmax_and_reductions():
    for name in ("softmax", "elementwise_reductions"):
        module = check_pass(PROGRAMS[name], name, "bufferize,linalg-to-loops")
        assert not ops_named(module, "linalg.")


def test_linalg_to_loops_marks_only_parallel_loops():
    module = lowered(PROGRAMS["softmax"], "bufferize,linalg-to-loops")
    loops = [op for op in module.walk() if isinstance(op, scf.ForOp)]
    assert any(PARALLEL_ATTR in loop.attributes for loop in loops)
    for loop in loops:
        if PARALLEL_ATTR in loop.attributes:
            assert not loop.iter_args


# ---------------------------------------------------------------------------
# vectorize-mmt4d
# ---------------------------------------------------------------------------

PIPE_VEC = (
    PACK + ",bufferize,lower-packs,vectorize-mmt4d{target=avx512},linalg-to-loops"
)


def test_vectorize_mmt4d_small_matmul():
    module = check_pass(SMALL_MATMUL, "small", PIPE_VEC)
    assert ops_named(module, "vector.fma")
    assert not ops_named(module, "linalg.")


def test_vectorize_mmt4d_k_blocking_with_a_partial_block():
    module = check_pass(
        SMALL_MATMUL,
        "small",
        PACK
        + ",bufferize,lower-packs,vectorize-mmt4d{target=avx2 tile-k=2},linalg-to-loops",
    )
    assert ops_named(module, "arith.minsi")


@pytest.mark.parametrize("target", ["avx2", "generic"])
def test_vectorize_mmt4d_targets(target: str):
    pipeline = (
        f"pack-greedily{{target={target}}},specialize-mmt4d,bufferize,lower-packs,"
        f"vectorize-mmt4d{{target={target}}},linalg-to-loops"
    )
    module = check_pass(SMALL_MATMUL, "small", pipeline)
    assert ops_named(module, "vector.fma")


LAYOUTS = {
    # RHS inner tile [k0][n0] (the propagation-friendly layout)
    "k0_n0": (
        "(m, k, m0, k0)",
        "(n, k, k0, n0)",
        "(m, n, m0, n0)",
        (2, 3, 4, 2),
        (3, 3, 2, 16),
        (2, 3, 4, 16),
    ),
    # the mmt4d layout with k0 = 2 (interleaved RHS tile)
    "n0_k0": (
        "(m, k, m0, k0)",
        "(n, k, n0, k0)",
        "(m, n, m0, n0)",
        (2, 3, 4, 2),
        (3, 3, 16, 2),
        (2, 3, 4, 16),
    ),
    # two vectors per row of a [n0][k0] tile: the second starts at n0 = 16
    "n0_k0_two_vectors": (
        "(m, k, m0, k0)",
        "(n, k, n0, k0)",
        "(m, n, m0, n0)",
        (2, 3, 2, 2),
        (2, 3, 32, 2),
        (2, 2, 2, 32),
    ),
    # contiguous along m0: the LHS is the vector operand
    "m0_contiguous": (
        "(m, k, k0, m0)",
        "(n, k, k0, n0)",
        "(m, n, n0, m0)",
        (2, 3, 1, 16),
        (3, 3, 1, 4),
        (2, 3, 4, 16),
    ),
}


def _packed_generic(layout: str, elt: str = "f32", acc: str = "f32") -> str:
    lhs_map, rhs_map, acc_map, lhs, rhs, out = LAYOUTS[layout]

    def t(shape, e):
        return "tensor<" + "x".join(map(str, shape)) + f"x{e}>"

    ext = "arith.extf" if elt != acc else None
    body = (
        f"%xe = {ext} %x : {elt} to {acc}\n    %ye = {ext} %y : {elt} to {acc}\n    "
        f"%p = arith.mulf %xe, %ye : {acc}"
        if ext
        else f"%p = arith.mulf %x, %y : {acc}"
    )
    loops = "(m, n, k, m0, n0, k0)"
    return f"""
func.func @packed(%a: {t(lhs, elt)}, %b: {t(rhs, elt)}, %c: {t(out, acc)}) -> {t(out, acc)} {{
  %r = linalg.generic {{indexing_maps = [affine_map<{loops} -> {lhs_map}>, affine_map<{loops} -> {rhs_map}>, affine_map<{loops} -> {acc_map}>], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]}} ins(%a, %b : {t(lhs, elt)}, {t(rhs, elt)}) outs(%c : {t(out, acc)}) {{
  ^bb0(%x: {elt}, %y: {elt}, %s: {acc}):
    {body}
    %n = arith.addf %s, %p : {acc}
    linalg.yield %n : {acc}
  }} -> {t(out, acc)}
  return %r : {t(out, acc)}
}}
"""


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_vectorize_every_packed_layout(layout: str):
    module = check_pass(
        _packed_generic(layout),
        "packed",
        "bufferize,vectorize-mmt4d{target=avx512 tile-k=2},linalg-to-loops",
    )
    assert ops_named(module, "vector.fma")
    assert not ops_named(module, "linalg.")


def test_vectorize_widening_f16():
    module = check_pass(
        _packed_generic("n0_k0", "f16", "f32"),
        "packed",
        "bufferize,vectorize-mmt4d{target=avx512},linalg-to-loops",
    )
    assert ops_named(module, "vector.shuffle")


def test_plan_reasons():
    module = lowered(SMALL_MATMUL, "bufferize")
    matmul = next(op for op in module.walk() if op.name == "linalg.matmul")
    reason = plan_kernel(matmul, vector_target("avx512"))
    assert isinstance(reason, Refused) and str(reason).startswith("not packed")
    module = lowered(PROGRAMS["matmul_i8"], PACK + ",bufferize")
    mmt4d = next(op for op in module.walk() if op.name == "linalg.mmt4d")
    casts = CastOps.from_context(make_context())
    reason = plan_kernel(mmt4d, vector_target("avx512"), casts=casts)
    if casts.vector_int_casts:
        assert not isinstance(reason, Refused)
    else:
        assert isinstance(reason, Refused) and "arith.extsi" in str(reason)


def test_i8_falls_back_to_scalar_loops_exactly():
    check_pass(
        PROGRAMS["matmul_i8"]
        .replace("37x29", "5x3")
        .replace("29x53", "3x7")
        .replace("37x53", "5x7"),
        "matmul_i8",
        PACK + ",bufferize,lower-packs,vectorize-mmt4d{target=avx512},linalg-to-loops",
    )


# ---------------------------------------------------------------------------
# parallelize and the pipeline
# ---------------------------------------------------------------------------


def test_parallelize_converts_outermost_parallel_loops():
    module = check_pass(
        PROGRAMS["softmax"],
        "softmax",
        "bufferize,linalg-to-loops,parallelize{threads=2 min-work=0}",
    )
    parallel = [op for op in module.walk() if isinstance(op, scf.ParallelOp)]
    assert parallel
    for op in parallel:
        assert not any(isinstance(p, scf.ParallelOp) for p in _ancestors(op))


def _ancestors(op):
    parent = op.parent_op()
    while parent is not None:
        yield parent
        parent = parent.parent_op()


def test_parallelize_threads_1_is_sequential():
    module = lowered(
        PROGRAMS["softmax"], "bufferize,linalg-to-loops,parallelize{threads=1}"
    )
    assert not ops_named(module, "scf.parallel")


def test_estimate_work_counts_vector_lanes():
    module = lowered(PROGRAMS["matmul"], PIPE_VEC)
    fn = function(module, "matmul")
    loops = [op for op in fn.body.block.ops if isinstance(op, scf.ForOp)]
    assert all(trip_count(loop) is not None for loop in loops)
    kernel = max(loops, key=estimate_work)
    # 37x53x29 MACs (padded to 40x64x29), two ops each
    assert estimate_work(kernel) >= 2 * 37 * 53 * 29


def test_cpu_pipeline_on_small_programs():
    for name, text in (("small", SMALL_MATMUL), ("relayout", RELAYOUT)):
        module = check_pass(
            text, name, "cpu-pipeline{target=avx512 threads=2 min-work=0}"
        )
        for prefix in ("linalg.", "tensor.", "bufferization."):
            assert not ops_named(module, prefix)
