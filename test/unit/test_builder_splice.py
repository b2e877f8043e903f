"""pd.splice, @pd.macro and @pd.func calls: binding, results, hygiene.

Hygiene means: a fragment sees only the names bound to it (never a caller's
value that happens to share a name), names it defines never clash with the
caller's or another fragment's, and a macro expanded twice, or a macro and
its caller that use the same Python locals and SSA names, still compute
what they say."""

import numpy as np
import pytest
from test_builder_support import BACKENDS, check, random, run

import packdialect.builder as pd
from packdialect.ir.context import parse_module
from packdialect.ir.parse import verify_located

SCALE = """
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
       ins(%t : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 3.0 : f32
    %m = arith.mulf %a, %c : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
"""


@pd.macro
def _shift(x, t):
    # Same Python names as the caller (x, t, r) and the same SSA names (%t,
    # %e, %r, %c) as the caller's own splice.
    r = pd.splice(
        """
      %c = arith.constant 1.0 : f32
      %e = tensor.empty() : tensor<4x8xf32>
      %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                           iterator_types = ["parallel", "parallel"]}
           ins(%t, %x : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
      ^bb0(%a: f32, %b: f32, %o: f32):
        %s = arith.subf %a, %b : f32
        %p = arith.addf %s, %c : f32
        linalg.yield %p : f32
      } -> tensor<4x8xf32>
    """,
        t=t,
        x=x,
    )
    t = r * 2.0
    return t


@pd.func
def _hygienic(x: pd.Tensor[(4, 8), pd.f32], t: pd.Tensor[(4, 8), pd.f32]):
    r = pd.splice(SCALE, t=x)  # r = 3x
    t = _shift(r, t)  # 2 (t - 3x + 1)
    t = _shift(t, r)  # 2 (3x - t' + 1)
    c = pd.splice(SCALE, t=t)  # the same fragment again
    return c, r


def _hygienic_reference(x, t):
    r = 3 * x
    t1 = 2 * (t - r + 1)
    t2 = 2 * (r - t1 + 1)
    return [3 * t2, r]


@pytest.mark.parametrize("backend", BACKENDS)
def test_macro_and_caller_sharing_python_and_ssa_names_compute_correctly(backend):
    x, t = random((4, 8), "f32", 1), random((4, 8), "f32", 2)
    check(run(_hygienic, [x, t], backend), _hygienic_reference(x, t), "f32", scale=16)


def test_spliced_names_are_renamed_apart_in_the_printed_module():
    text = str(_hygienic.module)
    # Four fragments define %e and %r; each is printed under its own name.
    for name in ("%r", "%r_1", "%r_2", "%r_3", "%e", "%e_1", "%e_2", "%e_3"):
        assert f"{name} = " in text, name
    definitions = [
        line.split(" = ")[0].strip() for line in text.splitlines() if " = " in line
    ]
    assert len(definitions) == len(set(definitions))
    # and the text parses back into a valid module
    verify_located(parse_module(text))


def test_a_fragment_cannot_capture_an_unbound_name_of_the_caller():
    @pd.func
    def capture(x: pd.Tensor[(4, 8), pd.f32]):
        pd.splice(SCALE, t=x)  # defines %r in its own fragment
        return pd.splice("%q = arith.addf %r, %r : tensor<4x8xf32>")

    with pytest.raises(pd.BuildError, match="%r is used but neither defined"):
        _ = capture.module


def test_a_fragment_cannot_redefine_a_bound_name():
    @pd.func
    def redefine(x: pd.Tensor[(4, 8), pd.f32]):
        return pd.splice("%t = tensor.empty() : tensor<4x8xf32>", t=x)

    with pytest.raises(pd.BuildError, match=r"%t is bound by pd.splice\(t=...\)"):
        _ = redefine.module


@pytest.mark.parametrize("backend", BACKENDS)
def test_results_names_the_values_a_fragment_returns(backend):
    @pd.func
    def two(x: pd.Tensor[(4, 8), pd.f32]):
        doubled, tripled = pd.splice(
            """
          #id = affine_map<(d0, d1) -> (d0, d1)>
          %c2 = arith.constant 2.0 : f32
          %e = tensor.empty() : tensor<4x8xf32>
          %d = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
               ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
          ^bb0(%a: f32, %o: f32):
            %m = arith.mulf %a, %c2 : f32
            linalg.yield %m : f32
          } -> tensor<4x8xf32>
          %t = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
               ins(%d, %x : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
          ^bb0(%a: f32, %b: f32, %o: f32):
            %s = arith.addf %a, %b : f32
            linalg.yield %s : f32
          } -> tensor<4x8xf32>
        """,
            results=["d", "t"],
            x=x,
        )
        return tripled - doubled

    x = random((4, 8), "f32", 3)
    check(run(two, [x], backend), [x], "f32", scale=8)


@pytest.mark.parametrize("backend", BACKENDS)
def test_splice_inside_a_generic_body_builds_scalar_ops(backend):
    @pd.func
    def body(x: pd.Tensor[(4, 8), pd.f32]):
        return pd.generic(
            ["(i, j) -> (i, j)", "(i, j) -> (i, j)"],
            ["parallel", "parallel"],
            lambda v, _: pd.splice(
                """
              %h = arith.constant 0.5 : f32
              %m = arith.mulf %v, %h : f32
              %r = math.tanh %m : f32
            """,
                v=v,
            ),
            ins=[x],
            outs=[pd.empty((4, 8), pd.f32)],
        )

    x = random((4, 8), "f32", 4)
    check(run(body, [x], backend), [np.tanh(0.5 * x)], "f32")


@pd.func
def _affine(x: pd.Tensor[(4, 8), pd.f32], w: pd.Tensor[(8, 8), pd.f32]):
    return pd.relu(x @ w)


@pd.func
def _two_calls(x: pd.Tensor[(4, 8), pd.f32], w: pd.Tensor[(8, 8), pd.f32]):
    return _affine(_affine(x, w), w=w)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_func_calling_a_func_emits_the_callee_once(backend):
    text = str(_two_calls.module)
    assert text.count("func.func @_affine(") == 1
    assert text.count("func.call @_affine(") == 2
    assert text.count("linalg.matmul") == 1
    x, w = random((4, 8), "f32", 5), random((8, 8), "f32", 6)
    want = np.maximum(np.maximum(x @ w, 0) @ w, 0)
    check(run(_two_calls, [x, w], backend), [want], "f32", scale=8)


def test_a_call_with_the_wrong_argument_type_names_both_types():
    @pd.func
    def caller(x: pd.Tensor[(4, 4), pd.f32], w: pd.Tensor[(8, 8), pd.f32]):
        return _affine(x, w)

    with pytest.raises(pd.BuildError) as err:
        _ = caller.module
    message = str(err.value)
    assert (
        "argument 'x' is tensor<4x4xf32> but @_affine takes tensor<4x8xf32>" in message
    )


def test_a_macro_outside_a_build_is_an_error():
    @pd.macro
    def twice(x):
        return x + x

    with pytest.raises(pd.BuildError, match="can only run while a @pd.func"):
        twice(np.ones(3))


def test_a_fragment_cannot_end_the_function():
    @pd.func
    def ret(x: pd.Tensor[(4, 8), pd.f32]):
        return pd.splice("func.return %x : tensor<4x8xf32>", x=x)

    with pytest.raises(pd.BuildError, match="cannot contain a terminator"):
        _ = ret.module
