"""`cf.assert` in generic bodies: the interpreter fails with the assert's
message and location, passes keep it, compiled C reports it to the caller
(packdialect.compile's call, pack-run), never a crash or a silent pass."""

from __future__ import annotations

import numpy as np
import pytest
from support import needs_cc

import packdialect
from packdialect.interp import InterpreterError, run_function
from packdialect.ir.context import make_context
from packdialect.ir.parse import parse_source
from packdialect.runtime import AssertionFailed
from passes import parse_pipeline
from tools.pack_run import main as pack_run

MESSAGE = "unimplemented: tensor with zero element"


def recip(message: str = MESSAGE) -> str:
    """1 / x element-wise, asserting x != 0 (torch-mlir's BatchNorm check)."""
    quoted = message.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f"""#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @recip(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {{
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {{indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %ne = arith.cmpf one, %in, %zero : f32
    cf.assert %ne, "{quoted}"
    %d = arith.divf %one, %in : f32
    linalg.yield %d : f32
  }} -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}}
"""


LOCATION = "a.mlir:9:5"
GOOD = np.arange(1, 33, dtype=np.float32).reshape(4, 8)
BAD = GOOD.copy()
BAD[2, 5] = 0.0


def parsed(text: str = recip()):
    ctx = make_context()
    return ctx, parse_source(ctx, text, "a.mlir")


def test_interpreter_passes_when_it_holds():
    _, module = parsed()
    (got,) = run_function(module, "recip", [GOOD])
    np.testing.assert_allclose(got, 1.0 / GOOD, rtol=1e-6)


def test_interpreter_fails_with_message_and_location():
    _, module = parsed()
    with pytest.raises(InterpreterError) as err:
        run_function(module, "recip", [BAD])
    assert str(err.value) == f"'cf.assert' failed: {MESSAGE}"
    assert err.value.location == LOCATION


@pytest.mark.parametrize(
    "pipeline",
    [
        "canonicalize",
        "pack-greedily,propagate-packs,canonicalize,specialize-mmt4d",
        "cpu-pipeline{target=generic}",
    ],
)
def test_passes_keep_the_assert(pipeline):
    ctx, module = parsed()
    parse_pipeline(pipeline).apply(ctx, module)
    asserts = [op for op in module.walk() if op.name == "cf.assert"]
    assert len(asserts) == 1
    args = [GOOD, np.empty_like(GOOD)] if "cpu-pipeline" in pipeline else [GOOD]
    run_function(module, "recip", args)
    with pytest.raises(InterpreterError, match="'cf.assert' failed") as err:
        run_function(module, "recip", [BAD, *args[1:]])
    assert err.value.location == LOCATION


@needs_cc
def test_compiled_call_raises_then_recovers():
    compiled = packdialect.compile(recip())
    np.testing.assert_allclose(compiled.recip(GOOD), 1.0 / GOOD, rtol=1e-6)
    with pytest.raises(AssertionFailed) as err:
        compiled.recip(BAD)
    assert err.value.message == f"'cf.assert' failed: {MESSAGE}"
    assert err.value.location == "<input>:9:5"
    assert str(err.value) == f"<input>:9:5: error: 'cf.assert' failed: {MESSAGE}"
    # The failure was the last call's only: the next good call succeeds.
    np.testing.assert_allclose(compiled.recip(GOOD), 1.0 / GOOD, rtol=1e-6)


@needs_cc
def test_compiled_parallel_loops_report_the_assert():
    compiled = packdialect.compile(recip(), threads=2)
    with pytest.raises(AssertionFailed):
        compiled.recip(BAD)


@needs_cc
def test_message_reaches_the_caller_byte_for_byte():
    """Quotes, backslashes, a newline, comment and trigraph look-alikes stay
    inside the C string literal and come back unchanged."""
    message = 'say "no" \\ */ ??= %d\nnext'
    compiled = packdialect.compile(recip(message))
    with pytest.raises(AssertionFailed) as err:
        compiled.recip(BAD)
    assert err.value.message == f"'cf.assert' failed: {message}"


@pytest.mark.parametrize("backend", ["interp", pytest.param("c", marks=needs_cc)])
def test_pack_run_fails_with_the_assert(tmp_path, capsys, backend):
    source = tmp_path / "a.mlir"
    source.write_text(recip())
    np.savez(tmp_path / "bad.npz", arg0=BAD)
    np.savez(tmp_path / "good.npz", arg0=GOOD)
    out = tmp_path / "out.npz"
    base = [str(source), "--entry", "recip", "--backend", backend]
    assert pack_run([*base, "--inputs", str(tmp_path / "good.npz")]) == 0
    capsys.readouterr()
    status = pack_run(
        [*base, "--inputs", str(tmp_path / "bad.npz"), "--output", str(out)]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert err.strip() == f"{source}:9:5: error: 'cf.assert' failed: {MESSAGE}"
    assert not out.exists()
