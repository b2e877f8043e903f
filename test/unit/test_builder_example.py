"""The example of issue 14, verbatim, and what it must compute.

`test_the_issue_example_verbatim` runs the issue's code unchanged (inside a
function) and checks its two results against numpy; the others check the
built MLP with random inputs through the interpreter and the C backend,
and that packdialect.compile takes the function, its module, MLIR text
and a path alike.
"""

import runpy

import numpy as np
import pytest
from support import needs_cc
from test_builder_support import BACKENDS, check, random, run

import packdialect
import packdialect.builder as pd


def _mlp_reference(x, ws, bs):
    for i in range(3):
        x = np.maximum(x @ ws[i] + bs[i], 0)
    return x * 0.5


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# The issue's example, character for character (run as its own script).
ISSUE_EXAMPLE = '''\
import numpy as np
import packdialect
import packdialect.builder as pd

@pd.macro                       # inlined into the caller, hygienically
def dense(x, w, b):
    t = x @ w + b               # linalg.matmul (+ fill), broadcasting add as linalg.generic
    return pd.relu(t)

@pd.func                        # becomes func.func @mlp
def mlp(x: pd.Tensor[(16, 64), pd.f32], ws: pd.Tensor[(3, 64, 64), pd.f32], bs: pd.Tensor[(3, 64), pd.f32]):
    for i in range(3):          # Python runs at build time: the loop unrolls
        x = dense(x, ws[i], bs[i])
    half = pd.splice("""
      %e = tensor.empty() : tensor<16x64xf32>
      %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                           iterator_types = ["parallel", "parallel"]}
           ins(%t : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
      ^bb0(%a: f32, %o: f32):
        %c = arith.constant 0.5 : f32
        %m = arith.mulf %a, %c : f32
        linalg.yield %m : f32
      } -> tensor<16x64xf32>
    """, t=x)                   # %t is bound to x; returns the last op's result
    return half

print(mlp.module)               # MLIR text; parses in iree-opt
mod = packdialect.compile(mlp, target="c")         # the usual compiled module
y = mod.mlp(np.ones((16, 64), np.float32), np.ones((3, 64, 64), np.float32), np.zeros((3, 64), np.float32))

@pd.jit                         # compiled on the first call per shape/dtype, cached
def scaled(a, b):
    return pd.softmax(a @ b, axis=1)
scaled(np.ones((8, 32), np.float32), np.ones((32, 16), np.float32))
'''


@needs_cc
def test_the_issue_example_verbatim(tmp_path, capsys):
    script = tmp_path / "issue_example.py"
    script.write_text(ISSUE_EXAMPLE)
    namespace = runpy.run_path(str(script))
    printed = capsys.readouterr().out
    assert printed.count("linalg.matmul") == 3
    assert "func.func @mlp(%x: tensor<16x64xf32>, %ws: tensor<3x64x64xf32>" in printed
    want = _mlp_reference(np.ones((16, 64)), np.ones((3, 64, 64)), np.zeros((3, 64)))
    assert want[0, 0] == 64**3 / 2
    np.testing.assert_array_equal(namespace["y"], want)
    scaled = namespace["scaled"]
    assert scaled.compilations == 1
    a, b = random((8, 32), "f32", 1), random((32, 16), "f32", 2)
    np.testing.assert_allclose(scaled(a, b), _softmax_rows(a @ b), rtol=1e-5, atol=1e-6)
    assert scaled.compilations == 1  # same shapes: the cached version


@pd.macro
def _dense(x, w, b):
    t = x @ w + b
    return pd.relu(t)


@pd.func
def _mlp(
    x: pd.Tensor[(16, 64), pd.f32],
    ws: pd.Tensor[(3, 64, 64), pd.f32],
    bs: pd.Tensor[(3, 64), pd.f32],
):
    for i in range(3):
        x = _dense(x, ws[i], bs[i])
    return pd.splice(
        """
      %e = tensor.empty() : tensor<16x64xf32>
      %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                           iterator_types = ["parallel", "parallel"]}
           ins(%t : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
      ^bb0(%a: f32, %o: f32):
        %c = arith.constant 0.5 : f32
        %m = arith.mulf %a, %c : f32
        linalg.yield %m : f32
      } -> tensor<16x64xf32>
    """,
        t=x,
    )


def _mlp_inputs():
    return [
        random((16, 64), "f32", 3, -1, 1),
        random((3, 64, 64), "f32", 4, -0.2, 0.2),
        random((3, 64), "f32", 5, -1, 1),
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_example_mlp_computes_three_dense_layers_and_a_half(backend):
    inputs = _mlp_inputs()
    check(run(_mlp, inputs, backend), [_mlp_reference(*inputs)], "f32", scale=4)


def test_the_example_mlp_unrolls_three_layers_of_named_ops():
    text = str(_mlp.module)
    assert text.count("linalg.matmul") == 3
    assert text.count("linalg.fill") == 3
    assert text.count("tensor.extract_slice") == 6
    # 3 broadcasting adds, 3 relus, the spliced scale
    assert text.count("linalg.generic") == 7
    assert "affine_map<(d0, d1) -> (d1)>" in text  # the bias broadcast along rows


@needs_cc
def test_compile_takes_the_function_its_module_text_and_a_path(tmp_path):
    inputs = _mlp_inputs()
    want = _mlp_reference(*inputs)
    path = tmp_path / "mlp.mlir"
    path.write_text(str(_mlp.module))
    for source in (_mlp, _mlp.module, str(_mlp.module), path, str(path)):
        out = packdialect.compile(source)._mlp(*inputs)
        np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)


def test_compile_refuses_what_is_neither_mlir_nor_a_builder_function():
    from packdialect.runtime import CompileError

    with pytest.raises(CompileError, match="cannot compile a int"):
        packdialect.compile(42)


@needs_cc
def test_a_func_called_on_arrays_outside_a_build_compiles_and_runs():
    inputs = _mlp_inputs()
    np.testing.assert_allclose(
        _mlp(*inputs), _mlp_reference(*inputs), rtol=1e-5, atol=1e-5
    )
