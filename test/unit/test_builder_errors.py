"""Build errors point at the user's Python code: `file.py:line:col: error:`
naming the line that built the op (inside a macro, with the line that
expanded it) and both shapes; a bad fragment names its own line:col and the
Python line of the splice call."""

import inspect

import numpy as np
import pytest

import packdialect.builder as pd

HERE = __file__


def _line_after() -> int:
    """The line number of the caller's next line."""
    return inspect.currentframe().f_back.f_lineno + 1


def _error(fn) -> str:
    with pytest.raises(pd.BuildError) as err:
        _ = fn.module
    return str(err.value)


def test_a_bad_matmul_names_the_python_line_and_both_shapes():
    @pd.func
    def bad(a: pd.Tensor[(16, 64), pd.f32], b: pd.Tensor[(32, 16), pd.f32]):
        line[0] = _line_after()
        return a @ b

    line = [0]
    message = _error(bad)
    assert message.startswith(f"{HERE}:{line[0]}:")
    assert (
        ": error: '@': cannot multiply tensor<16x64xf32> and tensor<32x16xf32>"
        in message
    )
    assert "(64 != 32)" in message


def test_an_error_inside_a_macro_names_its_line_and_the_expansion():
    @pd.macro
    def dense(x, w):
        where["op"] = _line_after()
        return pd.relu(x @ w)

    @pd.func
    def net(x: pd.Tensor[(4, 8), pd.f32], w: pd.Tensor[(4, 8), pd.f32]):
        where["call"] = _line_after()
        return dense(x, w)

    where = {}
    message = _error(net)
    assert message.startswith(f"{HERE}:{where['op']}:")
    assert f"(in macro 'dense' expanded at {HERE}:{where['call']}:" in message
    assert "tensor<4x8xf32> and tensor<4x8xf32>" in message


def test_a_bad_fragment_names_its_line_col_and_the_splice_call():
    @pd.func
    def bad(a: pd.Tensor[(16, 64), pd.f32]):
        line[0] = _line_after()
        return pd.splice(
            """%c = arith.constant 0.5 : f32
%r = arith.mulf %t, %c : tensor<8xf32>""",
            t=a,
        )

    line = [0]
    message = _error(bad)
    assert message.startswith(f"{HERE}:{line[0]}:")
    assert (
        "error: in the spliced fragment at 2:17: operand is used with type tensor<8xf32>"
        in message
    )


@pytest.mark.parametrize(
    ("fragment", "position", "text"),
    [
        ("%e = foo.bar : f32", "1:6", "Operation foo.bar is not registered"),
        (
            "%e = tensor.empty() : tensor<4x2xf32>\n"
            "%r = linalg.transpose ins(%t : tensor<4x8xf32>) outs(%e : tensor<4x2xf32>) "
            "permutation = [1, 0]",
            "2:6",
            "'linalg.transpose' op dim(result, 0) = 4 doesn't match dim(input, permutation[0]) = 8",
        ),
        ("%r = arith.addf %t, %t : tensor<4x8xf32", "1:40", "Expected '>'"),
    ],
)
def test_fragment_syntax_and_verifier_errors_are_located_in_the_fragment(
    fragment, position, text
):
    @pd.func
    def bad(t: pd.Tensor[(4, 8), pd.f32]):
        return pd.splice(fragment, t=t)

    message = _error(bad)
    assert f"error: in the spliced fragment at {position}: {text}" in message
    assert message.startswith(HERE)


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (
            lambda a, b: a + b,
            "'+': cannot broadcast tensor<4x8xf32> and tensor<3xf32> together",
        ),
        (lambda a, b: a[4], "index 4 is out of bounds for axis 0 with size 4"),
        (
            lambda a, b: a.astype(pd.i32) / 2,
            "'/' on i32 values: numpy would give floats",
        ),
        (
            lambda a, b: a + b.astype(pd.f16),
            "element types differ: tensor<4x8xf32> and tensor<3xf16>",
        ),
        (
            lambda a, b: pd.sum(a, axis=2),
            "axis 2 is out of bounds for a tensor of rank 2",
        ),
        (
            lambda a, b: pd.exp(a.astype(pd.i8)),
            "pd.exp needs floating-point values, got i8",
        ),
        (lambda a, b: pd.transpose(a, (0, 0)), "axes [0, 0] are not a permutation"),
        (
            lambda a, b: pd.pack(a, [0], [3]),
            "Only full tiles are supported when padding_value is not set",
        ),
        (lambda a, b: pd.conv2d_nhwc_hwcf(a, a), "needs rank-4 input and filter"),
        (lambda a, b: a + np.ones(3), "wrap it with pd.constant(...)"),
    ],
)
def test_bad_ops_name_the_facts(body, text):
    @pd.func
    def bad(a: pd.Tensor[(4, 8), pd.f32], b: pd.Tensor[(3,), pd.f32]):
        return body(a, b)

    message = _error(bad)
    assert text in message
    assert message.startswith(HERE)


def test_returning_something_else_names_the_def_line():
    @pd.func
    def bad(a: pd.Tensor[(4, 8), pd.f32]):
        return np.ones(3)

    line = bad.python.__code__.co_firstlineno
    message = _error(bad)
    assert message.startswith(f"{HERE}:{line}: error: @bad must return builder values")


def test_a_recursive_func_is_an_error():
    @pd.func
    def forever(a: pd.Tensor[(4,), pd.f32]):
        return forever(a)

    assert "@forever calls itself" in _error(forever)


def test_two_funcs_with_one_name_in_a_module_are_an_error():
    def make():
        @pd.func
        def twin(a: pd.Tensor[(4,), pd.f32]):
            return a + 1.0

        return twin

    first, second = make(), make()

    @pd.func
    def both(a: pd.Tensor[(4,), pd.f32]):
        return first(a) + second(a)

    assert "two different @pd.func functions are named 'twin'" in _error(both)


def test_a_parameter_without_annotation_names_the_def_line():
    def plain(a, b: pd.Tensor[(3,), pd.f32]):
        return a

    line = plain.__code__.co_firstlineno
    message = _error(pd.func(plain))
    assert message.startswith(f"{HERE}:{line}: error:")
    assert "parameter 'a' needs a type annotation" in message


def test_a_value_from_another_function_cannot_be_used():
    leaked = []

    @pd.func
    def first(x: pd.Tensor[(4,), pd.f32]):
        leaked.append(x)
        return x

    @pd.func
    def second(x: pd.Tensor[(4,), pd.f32]):
        return x + leaked[0]

    _ = first.module
    assert "built in another function" in _error(second)


def test_a_builder_value_has_no_truth_value():
    @pd.func
    def branchy(x: pd.Tensor[(4,), pd.f32]):
        if x:
            return x
        return -x

    assert "no truth value at build time" in _error(branchy)


def test_a_bad_tensor_annotation_is_a_build_error():
    with pytest.raises(pd.BuildError, match="shape must be positive integers"):
        pd.Tensor[(0, 4), pd.f32]
