"""pack-run end to end: examples reproduce numpy; bad inputs give clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from support import needs_cc

from tools.pack_run import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _conv_nhwc_hwcf(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    n, h, wd, _ = x.shape
    kh, kw, _, f = w.shape
    out = np.zeros((n, h - kh + 1, wd - kw + 1, f), np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i : i + out.shape[1], j : j + out.shape[2], :]
            out += np.einsum("nhwc,cf->nhwf", patch, w[i, j])
    return out


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _f32(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.uniform(-1, 1, shape).astype(np.float32)


def _i8(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.integers(-128, 128, shape, dtype=np.int8)


CASES = {
    "matmul": (
        "matmul.mlir",
        lambda r: [_f32(r, 64, 48), _f32(r, 48, 32)],
        lambda a, b: a.astype(np.float64) @ b,
    ),
    "batch_matmul": (
        "batch_matmul.mlir",
        lambda r: [_f32(r, 4, 32, 24), _f32(r, 4, 24, 16)],
        lambda a, b: np.matmul(a.astype(np.float64), b),
    ),
    "matmul_tt": (
        "matmul_transposed.mlir",
        lambda r: [_f32(r, 40, 24), _f32(r, 20, 40)],
        lambda a, b: a.T.astype(np.float64) @ b.T,
    ),
    "matmul_i8": (
        "matmul_i8.mlir",
        lambda r: [_i8(r, 32, 64), _i8(r, 64, 16)],
        lambda a, b: a.astype(np.int32) @ b.astype(np.int32),
    ),
    "conv": (
        "conv_nhwc.mlir",
        lambda r: [_f32(r, 1, 10, 10, 8), _f32(r, 3, 3, 8, 16)],
        _conv_nhwc_hwcf,
    ),
    "softmax": ("softmax.mlir", lambda r: [_f32(r, 16, 128) * 4], _softmax),
}


@pytest.mark.parametrize("entry", sorted(CASES))
def test_examples_reproduce_numpy(entry: str, tmp_path: Path, capsys) -> None:
    file, make_inputs, reference = CASES[entry]
    inputs = make_inputs(np.random.default_rng(1))
    np.savez(tmp_path / "in.npz", **{f"arg{i}": a for i, a in enumerate(inputs)})
    out = tmp_path / "out.npz"
    argv = [
        str(EXAMPLES / file),
        "--entry",
        entry,
        "--inputs",
        str(tmp_path / "in.npz"),
    ]
    assert main([*argv, "--output", str(out)]) == 0, capsys.readouterr().err
    got = np.load(out)["result0"]
    want = reference(*inputs)
    if np.issubdtype(got.dtype, np.integer):
        np.testing.assert_array_equal(got, want)
    else:
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def _run_with(tmp_path: Path, capsys, arrays: dict[str, np.ndarray]) -> tuple[int, str]:
    np.savez(tmp_path / "in.npz", **arrays)
    status = main(
        [
            str(EXAMPLES / "matmul.mlir"),
            "--entry",
            "matmul",
            "--inputs",
            str(tmp_path / "in.npz"),
        ]
    )
    return status, capsys.readouterr().err


def test_missing_argument_is_named(tmp_path: Path, capsys) -> None:
    status, err = _run_with(tmp_path, capsys, {"arg0": np.zeros((64, 48), np.float32)})
    assert status != 0
    assert "missing input 'arg1'" in err and "tensor<48x32xf32>" in err


def test_wrong_dtype_is_named(tmp_path: Path, capsys) -> None:
    arrays = {
        "arg0": np.zeros((64, 48), np.float64),
        "arg1": np.zeros((48, 32), np.float32),
    }
    status, err = _run_with(tmp_path, capsys, arrays)
    assert status != 0
    assert "'arg0'" in err and "float64" in err and "float32" in err


def test_wrong_shape_is_named(tmp_path: Path, capsys) -> None:
    arrays = {
        "arg0": np.zeros((64, 48), np.float32),
        "arg1": np.zeros((32, 48), np.float32),
    }
    status, err = _run_with(tmp_path, capsys, arrays)
    assert status != 0
    assert "'arg1'" in err and "(32, 48)" in err and "tensor<48x32xf32>" in err


def test_too_many_arguments(tmp_path: Path, capsys) -> None:
    arrays = {
        "arg0": np.zeros((64, 48), np.float32),
        "arg1": np.zeros((48, 32), np.float32),
        "arg2": np.zeros(3, np.float32),
    }
    status, err = _run_with(tmp_path, capsys, arrays)
    assert status != 0
    assert "'arg2'" in err and "takes 2 argument" in err


def test_missing_entry_lists_available(capsys) -> None:
    status = main([str(EXAMPLES / "matmul.mlir"), "--entry", "nope"])
    assert status != 0
    assert "no function '@nope'" in capsys.readouterr().err


def test_random_inputs_are_reproducible(capsys) -> None:
    argv = [str(EXAMPLES / "matmul.mlir"), "--entry", "matmul", "--seed", "3"]
    main(argv)
    first = capsys.readouterr().out
    main(argv)
    assert capsys.readouterr().out == first
    main([*argv[:-1], "4"])
    assert capsys.readouterr().out != first


def test_pipeline_keeps_the_numbers(tmp_path: Path, capsys) -> None:
    rng = np.random.default_rng(0)
    a, b = _f32(rng, 64, 48), _f32(rng, 48, 32)
    np.savez(tmp_path / "in.npz", arg0=a, arg1=b)
    out = tmp_path / "out.npz"
    argv = [
        str(EXAMPLES / "matmul.mlir"),
        "--entry",
        "matmul",
        "--inputs",
        str(tmp_path / "in.npz"),
    ]
    assert (
        main([*argv, "--pipeline", "linalg-generalize-named-ops", "--output", str(out)])
        == 0
    )
    np.testing.assert_allclose(
        np.load(out)["result0"], a.astype(np.float64) @ b, rtol=1e-5, atol=1e-5
    )


def test_cli_errors_have_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mlir"
    bad.write_text("func.func @f() {\n  %0 = arith.constant : i32\n}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "tools.pack_run", str(bad), "--entry", "f"],
        capture_output=True,
        text=True,
        cwd=EXAMPLES.parent,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert f"{bad}:2:" in proc.stderr and "error:" in proc.stderr


BF16_MATMUL = """
func.func @mm(%a: tensor<8x24xbf16>, %b: tensor<24x16xbf16>) -> tensor<8x16xbf16> {
  %zero = arith.constant 0.0 : bf16
  %init = tensor.empty() : tensor<8x16xbf16>
  %acc = linalg.fill ins(%zero : bf16) outs(%init : tensor<8x16xbf16>) -> tensor<8x16xbf16>
  %c = linalg.matmul ins(%a, %b : tensor<8x24xbf16>, tensor<24x16xbf16>)
                     outs(%acc : tensor<8x16xbf16>) -> tensor<8x16xbf16>
  return %c : tensor<8x16xbf16>
}
"""


@needs_cc
def test_bf16_results_through_c_match_the_interpreter(tmp_path: Path, capsys) -> None:
    """The compiled bf16 result (raw bits) is read back as the interpreter's
    float32 values, so --check compares like with like."""
    source = tmp_path / "mm.mlir"
    source.write_text(BF16_MATMUL)
    out = tmp_path / "out.npz"
    argv = [str(source), "--entry", "mm", "--seed", "3", "--backend", "c"]
    assert main([*argv, "--check", "--output", str(out)]) == 0, capsys.readouterr()
    assert "check: OK" in capsys.readouterr().out
    got = np.load(out)["result0"]
    assert got.dtype == np.float32
    bits = got.view(np.uint32)
    assert not (bits & 0xFFFF).any(), "bf16 results carry no low mantissa bits"
