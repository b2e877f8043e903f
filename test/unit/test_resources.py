"""`dense_resource<...>` constants behave exactly like `dense<...>` ones:
interpreter, compile-time packing, C globals, printing back, errors."""

from __future__ import annotations

import numpy as np
import pytest
from support import needs_cc

import packdialect
from packdialect.diagnostics import capture_diagnostics
from packdialect.interp import InterpreterError, run_function
from packdialect.ir.context import make_context, parse_module
from packdialect.ir.parse import parse_source
from packdialect.ir.printer import print_module
from packdialect.runtime import CompileError
from passes import parse_pipeline

RNG = np.random.default_rng(7)
W = RNG.standard_normal((32, 24)).astype(np.float32)
B = RNG.standard_normal(24).astype(np.float32)
PIPELINE = (
    "pack-greedily{packed-sizes=8,8,8 mmt4d-layout=true},"
    "propagate-packs,canonicalize,specialize-mmt4d"
)


def blob(array: np.ndarray) -> str:
    """MLIR's hex blob of `array`: the alignment (4, uint32 LE), the bytes."""
    return '"0x04000000' + array.astype("<f4").tobytes().hex().upper() + '"'


def dense_text(array: np.ndarray) -> str:
    """`dense<...>` of an f32 array, written out element by element."""
    return (
        "dense<"
        + np.array2string(
            array, separator=", ", threshold=10**9, floatmode="unique"
        ).replace("\n", "")
        + ">"
    )


def linear(w_attr: str, b_attr: str, resources: str = "") -> str:
    """x @ w + b with `w` and `b` given as constant attributes."""
    return f"""
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
func.func @linear(%x: tensor<16x32xf32>) -> tensor<16x24xf32> {{
  %zero = arith.constant 0.0 : f32
  %w = arith.constant {w_attr}
  %b = arith.constant {b_attr}
  %e = tensor.empty() : tensor<16x24xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<16x24xf32>) -> tensor<16x24xf32>
  %m = linalg.matmul ins(%x, %w : tensor<16x32xf32>, tensor<32x24xf32>) outs(%f : tensor<16x24xf32>) -> tensor<16x24xf32>
  %r = linalg.generic {{indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]}} ins(%m, %b : tensor<16x24xf32>, tensor<24xf32>) outs(%e : tensor<16x24xf32>) {{
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %s = arith.addf %in, %in_0 : f32
    linalg.yield %s : f32
  }} -> tensor<16x24xf32>
  return %r : tensor<16x24xf32>
}}
{resources}"""


RESOURCE_TEXT = linear(
    "dense_resource<weight> : tensor<32x24xf32>",
    "dense_resource<bias> : tensor<24xf32>",
    "{-#\n  dialect_resources: {\n    builtin: {\n"
    f"      weight: {blob(W)},\n      bias: {blob(B)}\n    }}\n  }}\n#-}}\n",
)
DENSE_TEXT = linear(
    f"{dense_text(W)} : tensor<32x24xf32>", f"{dense_text(B)} : tensor<24xf32>"
)


def reference(x: np.ndarray) -> np.ndarray:
    """The function in numpy (float64)."""
    return x.astype(np.float64) @ W.astype(np.float64) + B


def x_input() -> np.ndarray:
    return RNG.standard_normal((16, 32)).astype(np.float32)


def counts(module, ctx) -> tuple[int, int]:
    """(packs, unpacks) of @linear after PIPELINE."""
    parse_pipeline(PIPELINE).apply(ctx, module)
    names = [op.name for op in module.walk()]
    return names.count("linalg.pack"), names.count("linalg.unpack")


def test_interpreter_reads_the_blobs():
    x = x_input()
    (got,) = run_function(parse_module(RESOURCE_TEXT), "linear", [x])
    np.testing.assert_allclose(got, reference(x), rtol=1e-5, atol=1e-5)


def test_parsing_the_same_file_twice_keeps_both_copies():
    """xDSL alone gives the second parse's attributes an empty blob."""
    x = x_input()
    first = parse_module(RESOURCE_TEXT)
    second = parse_module(RESOURCE_TEXT)
    for module in (second, first):
        (got,) = run_function(module, "linear", [x])
        np.testing.assert_allclose(got, reference(x), rtol=1e-5, atol=1e-5)


def test_packs_of_resources_fold_like_packs_of_dense():
    """The weight's pack is computed at compile time for both spellings."""
    found = {}
    for name, text in (("resource", RESOURCE_TEXT), ("dense", DENSE_TEXT)):
        ctx = make_context()
        module = parse_module(text, ctx)
        found[name] = counts(module, ctx)
        x = x_input()
        (got,) = run_function(module, "linear", [x])
        np.testing.assert_allclose(got, reference(x), rtol=1e-5, atol=1e-5)
    assert found["resource"] == found["dense"] == (1, 1)


def test_folded_resources_print_back_as_resources():
    """The packed weight is a new blob in the printed resources section, and
    the printed text parses back to the same function."""
    ctx = make_context()
    module = parse_module(RESOURCE_TEXT, ctx)
    counts(module, ctx)
    text = print_module(module, ctx)
    assert "dialect_resources" in text
    assert "dense_resource<weight_" in text  # the packed weight, a new blob
    assert "dense<" not in text
    x = x_input()
    (got,) = run_function(parse_module(text), "linear", [x])
    np.testing.assert_allclose(got, reference(x), rtol=1e-5, atol=1e-5)


@needs_cc
def test_compiled_c_reads_the_blobs():
    x = x_input()
    got = packdialect.compile(RESOURCE_TEXT).linear(x)
    np.testing.assert_allclose(got, reference(x), rtol=1e-5, atol=1e-5)


MISSING = linear(
    "dense_resource<weight> : tensor<32x24xf32>",
    "dense_resource<bias> : tensor<24xf32>",
    "{-#\n  dialect_resources: {\n    builtin: {\n"
    f"      weight: {blob(W)}\n    }}\n  }}\n#-}}\n",
)
SHORT = linear(
    "dense_resource<weight> : tensor<32x24xf32>",
    "dense_resource<bias> : tensor<24xf32>",
    "{-#\n  dialect_resources: {\n    builtin: {\n"
    f"      weight: {blob(W)},\n      bias: {blob(B[:20])}\n    }}\n  }}\n#-}}\n",
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MISSING, r"dense_resource<bias> has no data in dialect_resources"),
        (
            SHORT,
            r"dense_resource<bias> holds 80 bytes, its type tensor<24xf32> needs 96",
        ),
    ],
    ids=["missing", "short"],
)
def test_bad_blobs_are_located_errors(text, message):
    with pytest.raises(InterpreterError, match=message) as err:
        module = parse_source(make_context(), text, "w.mlir")
        run_function(module, "linear", [x_input()])
    assert err.value.location == "w.mlir:7:8"
    with pytest.raises(
        CompileError, match=r"<input>:7:8: error: bufferize: " + message
    ):
        packdialect.compile(text)


def test_pack_stats_counts_no_pack_of_a_resource():
    """The folded weight needs no run-time pack: pack-stats counts x's only."""
    ctx = make_context()
    module = parse_module(RESOURCE_TEXT, ctx)
    with capture_diagnostics() as seen:
        parse_pipeline(PIPELINE + ",pack-stats").apply(ctx, module)
    assert [d.message.split(" bytes=")[0] for d in seen] == [
        "pack-stats @linear: packs=1 unpacks=1"
    ]
