"""Built modules are ordinary MLIR: upstream's iree-opt parses and verifies
them (and its printing parses back here and computes the same), and they
round-trip through pack-opt unchanged. Skipped only where iree-opt is not
installed (`make setup-mlir` installs it)."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from support import needs_cc
from test_builder_support import random

import packdialect
import packdialect.builder as pd
from packdialect.interp import run_function
from packdialect.ir.context import parse_module
from packdialect.ir.parse import verify_located
from packdialect.ir.printer import print_module

SCALE = """
  %h = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
       ins(%t : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %h : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
"""


@pd.func
def _helper(x: pd.Tensor[(4, 8), pd.f32]):
    return pd.splice(SCALE, t=x)


@pd.func
def everything(
    x: pd.Tensor[(4, 8), pd.f32],
    w: pd.Tensor[(8, 8), pd.f32],
    b: pd.Tensor[(2, 4, 8), pd.f32],
    img: pd.Tensor[(1, 6, 6, 2), pd.f32],
    q: pd.Tensor[(4, 8), pd.i8],
):
    h = pd.relu(x @ w + pd.constant(np.arange(8, dtype=np.float32)))
    h = _helper(h) + pd.tanh(h[:, 0:1]) - pd.exp(x).T.T
    batched = b @ pd.transpose(b, (0, 2, 1))
    vec = (w @ h[0]) @ w + pd.max(h, axis=0, keepdims=True)[0]
    conv = pd.conv2d_nhwc_hwcf(img, pd.full((3, 3, 2, 4), 0.25, pd.f32), strides=(1, 2))
    packed = pd.pack(h, [0, 1], [3, 8], outer_dims_perm=[1, 0], padding_value=0.0)
    back = pd.unpack(packed, [0, 1], [3, 8], outer_dims_perm=[1, 0], dest_shape=(4, 8))
    soft = pd.softmax(back.astype(pd.bf16), axis=0).astype(pd.f32)
    qsum = pd.sum(pd.matmul(q, q.T, acc=pd.i32), axis=1)
    scalar = h[1, 2] * 2.0
    return soft * scalar, batched, vec, conv, pd.mean(qsum.astype(pd.f32)), x[0] @ w


def _inputs():
    return [
        random((4, 8), "f32", 1, -1, 1),
        random((8, 8), "f32", 2, -0.5, 0.5),
        random((2, 4, 8), "f32", 3),
        random((1, 6, 6, 2), "f32", 4),
        random((4, 8), "i8", 5, -100, 100),
    ]


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return shutil.which(name) or (str(beside) if beside.exists() else None)


def _run_tool(argv: list[str], text: str) -> str:
    proc = subprocess.run(
        argv, input=text, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _same_results(module_a, module_b):
    inputs = _inputs()
    got = run_function(module_a, "everything", inputs)
    want = run_function(module_b, "everything", inputs)
    assert len(got) == len(want) == 6
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


def test_iree_opt_parses_and_verifies_a_built_module_and_we_parse_its_output():
    tool = _tool("iree-opt")
    if tool is None:
        pytest.skip("iree-opt (upstream MLIR) is not installed")
    text = str(everything.module)
    upstream = _run_tool([tool], text)
    assert "func.func @everything(" in upstream and "func.func @_helper(" in upstream
    for op in ("linalg.batch_matmul", "linalg.matvec", "linalg.vecmat", "linalg.pack"):
        assert op in upstream, op
    ours = parse_module(upstream)
    verify_located(ours)
    _same_results(ours, everything.module)
    # upstream's generic form parses too
    generic = _run_tool([tool, "--mlir-print-op-generic"], text)
    _same_results(parse_module(generic), everything.module)


def test_a_built_module_round_trips_through_pack_opt():
    text = print_module(everything.module)
    printed = _run_tool([sys.executable, "-m", "tools.pack_opt", "-"], text)
    assert printed.rstrip("\n") == text.rstrip("\n")
    reparsed = _run_tool([sys.executable, "-m", "tools.pack_opt", "-"], printed)
    assert reparsed == printed


@needs_cc
def test_the_compiled_module_computes_what_the_interpreter_does():
    inputs = _inputs()
    want = run_function(everything.module, "everything", inputs)
    got = packdialect.compile(everything).everything(*inputs)
    # The first result went through a bf16 softmax: two bf16 ulps apart at most.
    np.testing.assert_allclose(got[0], want[0], rtol=1 / 64, atol=1e-6)
    for g, w in zip(got[1:], want[1:], strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


def test_every_op_kind_appears_in_the_conformance_module():
    names = {op.name for op in everything.module.walk()}
    for name in (
        "linalg.matmul",
        "linalg.batch_matmul",
        "linalg.matvec",
        "linalg.vecmat",
        "linalg.conv_2d_nhwc_hwcf",
        "linalg.transpose",
        "linalg.pack",
        "linalg.unpack",
        "linalg.fill",
        "linalg.generic",
        "tensor.extract_slice",
        "tensor.extract",
        "func.call",
        "arith.truncf",
        "math.tanh",
    ):
        assert name in names, name
