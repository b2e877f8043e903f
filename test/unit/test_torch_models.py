"""The PyTorch models of examples/torch/, exported by torch-mlir with its
default options (the .mlir files and torch's inputs/outputs are committed,
so these tests need no torch): they parse, the interpreter and the compiled
C reproduce torch's outputs, and packing them gives the counts below."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from support import needs_cc

import packdialect
from packdialect.diagnostics import capture_diagnostics
from packdialect.interp import InterpreterError, run_function
from packdialect.ir.context import make_context
from packdialect.ir.parse import parse_source, verify_located
from packdialect.runtime import AssertionFailed
from passes import parse_pipeline
from passes.pipelines.cpu import cpu_passes

TORCH = Path(__file__).resolve().parents[2] / "examples" / "torch"
MODELS = [
    "mlp",
    "mobilenet_block",
    "encoder_block",
    "resnet_block",
    "batch_matmul",
    "matmul",
]
MMT4D_PIPELINE = (
    "pack-greedily{mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d"
)
RELATIVE = 1e-4
"""Tolerance relative to the magnitude (max |x|) of torch's output."""


def load(name: str, text: str | None = None):
    ctx = make_context()
    path = TORCH / f"{name}.mlir"
    module = parse_source(ctx, path.read_text() if text is None else text, str(path))
    verify_located(module)
    return ctx, module


def inputs(name: str) -> list[np.ndarray]:
    data = np.load(TORCH / f"{name}.inputs.npz")
    return [data[f"arg{i}"] for i in range(len(data.files))]


def torch_outputs(name: str) -> list[np.ndarray]:
    data = np.load(TORCH / f"{name}.torch.npz")
    return [data[f"result{i}"] for i in range(len(data.files))]


def assert_matches_torch(got, name: str) -> None:
    got = got if isinstance(got, list | tuple) else [got]
    want = torch_outputs(name)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        scale = float(np.abs(w).max())
        assert float(np.abs(g.astype(np.float64) - w).max()) <= RELATIVE * scale


def counts(module) -> dict[str, int]:
    names = [op.name for op in module.walk()]
    return {
        key: names.count(f"linalg.{key}")
        for key in ("pack", "unpack", "mmt4d", "batch_mmt4d")
    }


@pytest.mark.parametrize("name", MODELS)
def test_parses_and_runs_like_torch(name):
    _, module = load(name)
    assert_matches_torch(run_function(module, name, inputs(name)), name)


@needs_cc
@pytest.mark.parametrize("name", MODELS)
def test_compiled_c_matches_torch(name):
    compiled = packdialect.compile(TORCH / f"{name}.mlir", threads=1)
    assert_matches_torch(getattr(compiled, name)(*inputs(name)), name)


@pytest.mark.parametrize("name", MODELS)
def test_mmt4d_pipeline_keeps_the_results(name):
    ctx, module = load(name)
    parse_pipeline(MMT4D_PIPELINE).apply(ctx, module)
    assert_matches_torch(run_function(module, name, inputs(name)), name)


def test_mlp_packs_once_with_the_hand_written_tiles():
    ctx, module = load("mlp")
    parse_pipeline(
        "pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},"
        "propagate-packs,canonicalize,specialize-mmt4d"
    ).apply(ctx, module)
    assert counts(module) == {"pack": 1, "unpack": 1, "mmt4d": 3, "batch_mmt4d": 0}


# Under the default strategy (target generic): the pack/unpack counts the
# README reports. The MLP's chain of matmuls gets chain-compatible tiles
# (each consumer's k0 is its producer's n0), so its packs cancel.
DEFAULT_COUNTS = {
    "mlp": {"pack": 1, "unpack": 1, "mmt4d": 3, "batch_mmt4d": 0},
    "mobilenet_block": {"pack": 4, "unpack": 2, "mmt4d": 2, "batch_mmt4d": 0},
    "resnet_block": {"pack": 6, "unpack": 2, "mmt4d": 3, "batch_mmt4d": 0},
    "batch_matmul": {"pack": 2, "unpack": 1, "mmt4d": 0, "batch_mmt4d": 1},
    "matmul": {"pack": 2, "unpack": 1, "mmt4d": 1, "batch_mmt4d": 0},
}


@pytest.mark.parametrize("name", sorted(DEFAULT_COUNTS))
def test_default_strategy_counts(name):
    ctx, module = load(name)
    parse_pipeline(MMT4D_PIPELINE).apply(ctx, module)
    assert counts(module) == DEFAULT_COUNTS[name]


ENCODER_TODAY = 16 + 12
"""The encoder block's packs + unpacks before the attention propagation."""


def test_encoder_block_packs_at_most_half_of_before():
    """Propagation through reductions of packed dims and generics with two
    unpacked operands, and chain tiles through the heads' reshapes."""
    ctx, module = load("encoder_block")
    parse_pipeline(MMT4D_PIPELINE).apply(ctx, module)
    found = counts(module)
    assert found["pack"] + found["unpack"] <= ENCODER_TODAY // 2, found
    assert (found["pack"], found["unpack"]) == (8, 5)
    assert found["mmt4d"] + found["batch_mmt4d"] == 6


@pytest.mark.parametrize(
    ("name", "convs"), [("mobilenet_block", 2), ("resnet_block", 3)]
)
def test_every_conv_becomes_mmt4d_in_cpu_pipeline(name, convs):
    """cpu-pipeline's packing stages (up to specialize-mmt4d): each
    non-depthwise convolution is one linalg.mmt4d."""
    ctx, module = load(name)
    stages = cpu_passes(target="generic")
    upto = [p.name for p in stages].index("specialize-mmt4d") + 1
    for stage in stages[:upto]:
        stage.apply(ctx, module)
    assert counts(module)["mmt4d"] == convs
    names = [op.name for op in module.walk()]
    assert not any(n.startswith("linalg.conv_") for n in names)
    assert names.count("linalg.depthwise_conv_2d_nchw_chw") == (
        1 if name == "mobilenet_block" else 0
    )
    assert_matches_torch(run_function(module, name, inputs(name)), name)


def test_pack_stats_reports_the_mlp():
    ctx, module = load("mlp")
    with capture_diagnostics() as seen:
        parse_pipeline(MMT4D_PIPELINE + ",pack-stats").apply(ctx, module)
    assert [d.message.split(" bytes=")[0] for d in seen] == [
        "pack-stats @mlp: packs=1 unpacks=1"
    ]


# A running variance of -eps makes BatchNorm's sqrt(var + eps) zero: the
# zero-element check torch-mlir puts in the generic body fails.
RUNNING_VAR = "torch_tensor_32_torch.float32_1"
ASSERT_AT = "mobilenet_block.mlir:41:7"
ASSERT_MESSAGE = "'cf.assert' failed: unimplemented: tensor with zero element"


def zero_variance_mobilenet() -> str:
    text = (TORCH / "mobilenet_block.mlir").read_text()
    variance = np.full(32, 0.5, np.float32)
    variance[5] = -np.float32(1e-5)
    blob = "0x04000000" + variance.astype("<f4").tobytes().hex().upper()
    text, count = re.subn(
        rf'({re.escape(RUNNING_VAR)}: )"0x[0-9A-F]+"', rf'\1"{blob}"', text
    )
    assert count == 1
    return text


def test_failing_assert_in_the_interpreter():
    _, module = load("mobilenet_block", zero_variance_mobilenet())
    with pytest.raises(InterpreterError) as err:
        run_function(module, "mobilenet_block", inputs("mobilenet_block"))
    assert str(err.value) == ASSERT_MESSAGE
    assert err.value.location.endswith(ASSERT_AT)


@needs_cc
def test_failing_assert_in_compiled_c():
    compiled = packdialect.compile(zero_variance_mobilenet(), threads=1)
    with pytest.raises(AssertionFailed) as err:
        compiled.mobilenet_block(*inputs("mobilenet_block"))
    assert err.value.message == ASSERT_MESSAGE
    assert err.value.location == "<input>:41:7"


def test_chain_false_keeps_the_strategy_tiles():
    """Without chain-compatible tiles every matmul's activations are
    unpacked and packed again (the strategy's k0 = 1)."""
    ctx, module = load("mlp")
    parse_pipeline(MMT4D_PIPELINE.replace("true}", "true chain=false}")).apply(
        ctx, module
    )
    assert counts(module) == {"pack": 3, "unpack": 3, "mmt4d": 3, "batch_mmt4d": 0}
    assert_matches_torch(run_function(module, "mlp", inputs("mlp")), "mlp")


def test_chain_skips_a_large_producer_n0():
    """avx512's 14x32 tile would make k0 32 (slow in vectorize-mmt4d): not
    chained, so the count stays."""
    ctx, module = load("mlp")
    parse_pipeline(MMT4D_PIPELINE.replace("true}", "true target=avx512}")).apply(
        ctx, module
    )
    generics = [op for op in module.walk() if op.name == "linalg.mmt4d"]
    k0s = {op.inputs[0].type.get_shape()[-1] for op in generics}
    assert k0s == {1}
