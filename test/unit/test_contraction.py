"""Contraction analysis: loop sets from maps, the multiply-accumulate body
matcher, and `analyze` on parsed named and generic ops."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from xdsl.dialects.builtin import f32, i8, i32
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.ir.affine import AffineMap

from packdialect.analysis.contraction import (
    Contraction,
    ContractionDims,
    MacMatch,
    analyze,
    infer_contraction_dims,
    match_multiply_accumulate,
)
from packdialect.diagnostics import Refused
from packdialect.ir.context import parse_module

P, R = "parallel", "reduction"


def maps(*fns) -> list[AffineMap]:
    """AffineMaps from lambdas over the loops."""
    return [AffineMap.from_callable(fn) for fn in fns]


def dims(batch=(), m=(), n=(), k=()) -> ContractionDims:
    """Expected ContractionDims."""
    return ContractionDims(tuple(batch), tuple(m), tuple(n), tuple(k))


# name -> (maps, iterator types, expected dims). Each case is also checked
# against upstream MLIR's inferContractionDims when iree-opt is available.
CASES = {
    "matmul_nn": (
        maps(lambda m, n, k: (m, k), lambda m, n, k: (k, n), lambda m, n, k: (m, n)),
        [P, P, R],
        dims(m=[0], n=[1], k=[2]),
    ),
    "matmul_nt": (
        maps(lambda m, n, k: (m, k), lambda m, n, k: (n, k), lambda m, n, k: (m, n)),
        [P, P, R],
        dims(m=[0], n=[1], k=[2]),
    ),
    "matmul_tn": (
        maps(lambda m, n, k: (k, m), lambda m, n, k: (k, n), lambda m, n, k: (m, n)),
        [P, P, R],
        dims(m=[0], n=[1], k=[2]),
    ),
    "matmul_tt": (
        maps(lambda m, n, k: (k, m), lambda m, n, k: (n, k), lambda m, n, k: (m, n)),
        [P, P, R],
        dims(m=[0], n=[1], k=[2]),
    ),
    "matmul_result_transposed": (
        maps(lambda m, n, k: (m, k), lambda m, n, k: (k, n), lambda m, n, k: (n, m)),
        [P, P, R],
        dims(m=[0], n=[1], k=[2]),
    ),
    "matmul_k_outermost": (
        maps(lambda k, m, n: (m, k), lambda k, m, n: (k, n), lambda k, m, n: (m, n)),
        [R, P, P],
        dims(m=[1], n=[2], k=[0]),
    ),
    "batch_matmul_permuted": (
        maps(
            lambda b, m, n, k: (m, b, k),
            lambda b, m, n, k: (k, n, b),
            lambda b, m, n, k: (b, n, m),
        ),
        [P, P, P, R],
        dims(batch=[0], m=[1], n=[2], k=[3]),
    ),
    "conv_2d_nhwc_hwcf": (
        maps(
            lambda n, oh, ow, f, kh, kw, c: (n, oh + kh, ow + kw, c),
            lambda n, oh, ow, f, kh, kw, c: (kh, kw, c, f),
            lambda n, oh, ow, f, kh, kw, c: (n, oh, ow, f),
        ),
        [P, P, P, P, R, R, R],
        dims(m=[0], n=[3], k=[6]),
    ),
    "conv_1x1_as_generic": (
        maps(
            lambda n, h, w, f, c: (n, h, w, c),
            lambda n, h, w, f, c: (c, f),
            lambda n, h, w, f, c: (n, h, w, f),
        ),
        [P, P, P, P, R],
        dims(m=[0, 1, 2], n=[3], k=[4]),
    ),
    "matvec_no_n": (
        maps(lambda m, k: (m, k), lambda m, k: (k,), lambda m, k: (m,)),
        [P, R],
        dims(m=[0], k=[1]),
    ),
    "extra_parallel_dim_in_lhs": (
        maps(
            lambda b, m, n, k: (b, m, k),
            lambda b, m, n, k: (k, n),
            lambda b, m, n, k: (b, m, n),
        ),
        [P, P, P, R],
        dims(m=[0, 1], n=[2], k=[3]),
    ),
    "broadcast_rhs_over_batch_in_n": (
        maps(
            lambda b, m, n, k: (m, k),
            lambda b, m, n, k: (b, k, n),
            lambda b, m, n, k: (b, m, n),
        ),
        [P, P, P, R],
        dims(m=[1], n=[0, 2], k=[3]),
    ),
    "m_used_twice_in_lhs": (
        maps(lambda m, n, k: (m, m, k), lambda m, n, k: (k, n), lambda m, n, k: (m, n)),
        [P, P, R],
        dims(n=[1], k=[2]),
    ),
    "k_used_twice_in_rhs": (
        maps(lambda m, n, k: (m, k), lambda m, n, k: (k, k, n), lambda m, n, k: (m, n)),
        [P, P, R],
        dims(m=[0], n=[1]),
    ),
    "reduction_only_in_lhs": (
        maps(
            lambda m, n, k, r: (m, k, r),
            lambda m, n, k, r: (k, n),
            lambda m, n, k, r: (m, n),
        ),
        [P, P, R, R],
        dims(m=[0], n=[1], k=[2]),
    ),
    "m_in_compound_rhs_expr": (
        maps(
            lambda m, n, k: (m, k),
            lambda m, n, k: (k, n, m * 2),
            lambda m, n, k: (m, n),
        ),
        [P, P, R],
        dims(m=[0], n=[1], k=[2]),
    ),
    "batch_and_two_k": (
        maps(
            lambda b, k1, m, n, k2: (b, k1, m, k2),
            lambda b, k1, m, n, k2: (b, k2, k1, n),
            lambda b, k1, m, n, k2: (b, m, n),
        ),
        [P, R, P, P, R],
        dims(batch=[0], m=[2], n=[3], k=[1, 4]),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_infer_contraction_dims(name):
    indexing_maps, iterators, expected = CASES[name]
    assert infer_contraction_dims(indexing_maps, iterators) == expected


def test_infer_accepts_iterator_type_attrs():
    indexing_maps, iterators, expected = CASES["matmul_nn"]
    attrs = [IteratorTypeAttr.parallel()] * 2 + [IteratorTypeAttr.reduction()]
    assert infer_contraction_dims(indexing_maps, attrs) == expected


def test_infer_rejects_malformed_input():
    indexing_maps, iterators, _ = CASES["matmul_nn"]
    assert infer_contraction_dims(indexing_maps[:2], iterators) is None
    assert infer_contraction_dims(indexing_maps, iterators[:2]) is None


def test_innermost_picks_highest_loop_of_each_set():
    assert dims(m=[0, 1, 2], n=[3], k=[1, 4]).innermost() == (2, 3, 4)
    assert dims(m=[0], k=[1]).innermost() is None


# ---------------------------------------------------------------------------
# Upstream oracle: upstream's inferContractionDims through the transform dialect
# ---------------------------------------------------------------------------


def _iree_opt() -> str | None:
    """iree-opt from PATH or next to this Python (the project venv)."""
    beside = Path(sys.executable).parent / "iree-opt"
    return shutil.which("iree-opt") or (str(beside) if beside.exists() else None)


def _generic_text(indexing_maps, iterators) -> str:
    """A func with one f32 multiply-accumulate generic over these maps."""
    sizes = [2 + i for i in range(len(iterators))]
    shapes = [
        [e + 1 for e in amap.eval([s - 1 for s in sizes], [])] for amap in indexing_maps
    ]
    types = ["tensor<" + "x".join(map(str, shape)) + "xf32>" for shape in shapes]
    maps_attr = ", ".join(f"affine_map<{amap}>" for amap in indexing_maps)
    iters = ", ".join(f'"{it}"' for it in iterators)
    return f"""
func.func @case(%a: {types[0]}, %b: {types[1]}, %c: {types[2]}) -> {types[2]} {{
  %0 = linalg.generic {{indexing_maps = [{maps_attr}], iterator_types = [{iters}]}}
      ins(%a, %b : {types[0]}, {types[1]}) outs(%c : {types[2]}) {{
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }} -> {types[2]}
  return %0 : {types[2]}
}}"""


def _param_checks(name: str, values: tuple[int, ...]) -> list[str]:
    """Transform IR asserting that param %{name} holds exactly `values`."""
    p = "!transform.param<i64>"
    lines = [
        f"%{name}_count = transform.num_associations %{name} : ({p}) -> {p}",
        f"%{name}_len = transform.param.constant {len(values)} : i64 -> {p}",
        f"transform.match.param.cmpi eq %{name}_count, %{name}_len : {p}",
    ]
    if not values:
        return lines
    names = []
    for i, value in enumerate(values):
        lines.append(f"%{name}_{i} = transform.param.constant {value} : i64 -> {p}")
        names.append(f"%{name}_{i}")
    lines.append(f"%{name}_want = transform.merge_handles {', '.join(names)} : {p}")
    lines.append(f"transform.match.param.cmpi eq %{name}, %{name}_want : {p}")
    return lines


def _oracle_chunk(indexing_maps, iterators, expected: ContractionDims) -> str:
    """Payload + a matcher that annotates the generic with `oracle_ok` only if
    upstream's classify_contraction_dims gives `expected`."""
    p = "!transform.param<i64>"
    checks = []
    for set_name in ("batch", "m", "n", "k"):
        checks += _param_checks(set_name, getattr(expected, set_name))
    body = "\n      ".join(checks)
    return f"""{_generic_text(indexing_maps, iterators)}
module attributes {{transform.with_named_sequence}} {{
  transform.named_sequence @match(%op: !transform.any_op {{transform.readonly}}) -> !transform.any_op {{
    transform.match.structured %op : !transform.any_op {{
    ^bb0(%s: !transform.any_op):
      %batch, %m, %n, %k = transform.match.structured.classify_contraction_dims %s
          : (!transform.any_op) -> ({p}, {p}, {p}, {p})
      {body}
      transform.match.structured.yield
    }}
    transform.yield %op : !transform.any_op
  }}
  transform.named_sequence @mark(%op: !transform.any_op {{transform.readonly}}) {{
    transform.annotate %op "oracle_ok" : !transform.any_op
    transform.yield
  }}
  transform.named_sequence @__transform_main(%root: !transform.any_op {{transform.consumed}}) {{
    transform.foreach_match in %root @match -> @mark : (!transform.any_op) -> !transform.any_op
    transform.yield
  }}
}}"""


def test_cases_agree_with_upstream_infer_contraction_dims(tmp_path):
    tool = _iree_opt()
    if tool is None:
        pytest.skip("iree-opt (upstream MLIR) is not installed")
    names = sorted(CASES)
    chunks = [_oracle_chunk(*CASES[name]) for name in names]
    source = tmp_path / "cases.mlir"
    source.write_text("\n// -----\n".join(chunks))
    run = subprocess.run(
        [tool, "--split-input-file", "--transform-interpreter", str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    outputs = re.split(r"^// -----$", run.stdout, flags=re.MULTILINE)
    assert len(outputs) == len(names)
    disagree = [
        name
        for name, out in zip(names, outputs, strict=True)
        if not re.search(r"linalg\.generic.*oracle_ok", out)
    ]
    assert disagree == []


# ---------------------------------------------------------------------------
# Multiply-accumulate body
# ---------------------------------------------------------------------------


def generic_op(
    body: str, lhs="f32", rhs=None, acc=None, shapes=("4x8", "8x16", "4x16")
):
    """Parse a matmul-shaped linalg.generic whose region is `body`."""
    rhs, acc = rhs or lhs, acc or lhs
    ta, tb, tc = (
        f"tensor<{s}x{t}>" for s, t in zip(shapes, (lhs, rhs, acc), strict=True)
    )
    text = f"""
func.func @f(%a: {ta}, %b: {tb}, %c: {tc}) -> {tc} {{
  %0 = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
      affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
      iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%a, %b : {ta}, {tb}) outs(%c : {tc}) {{
  ^bb0(%x: {lhs}, %y: {rhs}, %acc: {acc}):
{body}
  }} -> {tc}
  return %0 : {tc}
}}"""
    return first_linalg_op(text)


def first_linalg_op(text: str) -> LinalgStructuredOperation:
    """The first linalg structured op of parsed MLIR text."""
    module = parse_module(text)
    return next(op for op in module.walk() if isinstance(op, LinalgStructuredOperation))


def mac_of(body: str, **types) -> MacMatch | str:
    """match_multiply_accumulate on the body of a generic."""
    return match_multiply_accumulate(generic_op(body, **types).body.block)


F32_MAC = """
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32"""


@pytest.mark.parametrize(
    "body",
    [
        F32_MAC,
        F32_MAC.replace("%acc, %p", "%p, %acc"),
        F32_MAC.replace("%x, %y", "%y, %x"),
    ],
    ids=["acc_first", "acc_second", "mul_swapped"],
)
def test_mac_float_operand_orders(body):
    mac = mac_of(body)
    assert isinstance(mac, MacMatch)
    assert (mac.mul, mac.add) == ("arith.mulf", "arith.addf")
    assert (mac.lhs_cast, mac.rhs_cast) == (None, None)
    assert mac.is_float and not mac.is_widening


def cast_body(lhs_cast, rhs_cast, lhs, rhs, acc, swap=False):
    """A widening MAC body with the given casts (None = no cast)."""
    mul, add = (
        ("arith.mulf", "arith.addf")
        if acc.startswith(("f", "bf"))
        else ("arith.muli", "arith.addi")
    )
    lines, names = [], []
    for name, cast, src in (("x", lhs_cast, lhs), ("y", rhs_cast, rhs)):
        if cast is None:
            names.append(f"%{name}")
            continue
        lines.append(f"    %{name}w = {cast} %{name} : {src} to {acc}")
        names.append(f"%{name}w")
    if swap:
        names.reverse()
    lines.append(f"    %p = {mul} {names[0]}, {names[1]} : {acc}")
    lines.append(f"    %s = {add} %p, %acc : {acc}")
    lines.append(f"    linalg.yield %s : {acc}")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "lhs_cast, rhs_cast, lhs, rhs, acc",
    [
        ("arith.extsi", "arith.extsi", "i8", "i8", "i32"),
        ("arith.extui", "arith.extui", "i8", "i8", "i32"),
        ("arith.extsi", "arith.extui", "i8", "i8", "i32"),
        ("arith.extf", "arith.extf", "f16", "f16", "f32"),
        ("arith.extf", "arith.extf", "bf16", "bf16", "f32"),
        ("arith.sitofp", "arith.sitofp", "i8", "i8", "f32"),
        ("arith.uitofp", "arith.sitofp", "i8", "i16", "f32"),
        ("arith.extsi", None, "i8", "i32", "i32"),
        (None, "arith.extf", "f32", "f16", "f32"),
    ],
)
@pytest.mark.parametrize("swap", [False, True], ids=["mul_ab", "mul_ba"])
def test_mac_widening_casts(lhs_cast, rhs_cast, lhs, rhs, acc, swap):
    body = cast_body(lhs_cast, rhs_cast, lhs, rhs, acc, swap)
    mac = mac_of(body, lhs=lhs, rhs=rhs, acc=acc)
    assert isinstance(mac, MacMatch), mac
    assert (mac.lhs_cast, mac.rhs_cast) == (lhs_cast, rhs_cast)
    assert (str(mac.lhs_type), str(mac.rhs_type), str(mac.acc_type)) == (lhs, rhs, acc)
    assert mac.is_widening


def test_mac_integer_types():
    mac = mac_of(cast_body(None, None, "i32", "i32", "i32"), lhs="i32")
    assert isinstance(mac, MacMatch)
    assert (mac.mul, mac.add, mac.acc_type) == ("arith.muli", "arith.addi", i32)
    assert not mac.is_float
    assert (
        mac_of(
            cast_body("arith.extsi", "arith.extsi", "i8", "i8", "i32"),
            lhs="i8",
            acc="i32",
        ).lhs_type
        == i8
    )


@pytest.mark.parametrize(
    "body, types, reason",
    [
        (
            F32_MAC.replace("arith.addf %acc, %p", "arith.subf %acc, %p"),
            {},
            "body is not a multiply-accumulate: found arith.subf where arith.addf or arith.addi was expected",
        ),
        (
            F32_MAC.replace("arith.mulf", "arith.divf"),
            {},
            "found arith.divf where arith.mulf was expected",
        ),
        (
            F32_MAC.replace("%acc, %p", "%p, %x"),
            {},
            "yield does not use the accumulator",
        ),
        (
            F32_MAC.replace("arith.mulf %x, %y", "arith.mulf %x, %x"),
            {},
            "must multiply the two inputs (block arguments #0 and #1) once each",
        ),
        (
            F32_MAC.replace("arith.mulf %x, %y", "arith.mulf %x, %acc"),
            {},
            "must multiply the two inputs",
        ),
        (
            "    %n = arith.negf %x : f32\n" + F32_MAC.replace("%x, %y", "%n, %y"),
            {},
            "a multiply operand comes from arith.negf",
        ),
        (
            "    linalg.yield %acc : f32",
            {},
            "linalg.yield returns block argument #2",
        ),
        (
            "    %p = arith.mulf %x, %y : f32\n    linalg.yield %p : f32",
            {},
            "found arith.mulf where arith.addf or arith.addi was expected",
        ),
        (
            "    %one = arith.constant 1.0 : f32\n" + F32_MAC,
            {},
            "body has operations outside the multiply-accumulate: arith.constant",
        ),
        (
            F32_MAC.replace("%acc, %p", "%acc, %acc"),
            {},
            "found block argument #2 where arith.mulf was expected",
        ),
        (
            # product computed narrow, widened after: not a widening MAC
            "    %p = arith.mulf %x, %y : f16\n    %w = arith.extf %p : f16 to f32\n"
            "    %s = arith.addf %acc, %w : f32\n    linalg.yield %s : f32",
            {"lhs": "f16", "acc": "f32"},
            "found arith.extf where arith.mulf was expected",
        ),
        (
            "    %t = arith.truncf %x : f32 to f16\n    %u = arith.truncf %y : f32 to f16\n"
            "    %p = arith.mulf %t, %u : f16\n    %s = arith.addf %acc, %p : f16\n"
            "    linalg.yield %s : f16",
            {"lhs": "f32", "acc": "f16"},
            "comes from arith.truncf, which is neither an input nor a widening cast",
        ),
        (
            cast_body("arith.sitofp", "arith.sitofp", "i32", "i32", "f32"),
            {"lhs": "i32", "acc": "f32"},
            "arith.sitofp from i32 to f32 is not exact",
        ),
        (
            "    %p = arith.muli %x, %y : i8\n    %s = arith.addi %acc, %p : i8\n"
            "    linalg.yield %s : i8",
            {"lhs": "i8", "acc": "i8"},
            None,
        ),
    ],
)
def test_mac_refusals(body, types, reason):
    result = mac_of(body, **types)
    if reason is None:
        assert isinstance(result, MacMatch)
        return
    assert isinstance(result, Refused)
    assert reason in str(result)


def test_mac_refuses_a_cast_of_a_non_input():
    body = (
        "    %t = arith.addf %x, %x : f16\n    %w = arith.extf %t : f16 to f32\n"
        "    %v = arith.extf %y : f16 to f32\n    %p = arith.mulf %w, %v : f32\n"
        "    %s = arith.addf %acc, %p : f32\n    linalg.yield %s : f32"
    )
    result = mac_of(body, lhs="f16", acc="f32")
    assert result == Refused(
        "body is not a multiply-accumulate: arith.extf widens arith.addf, not an input"
    )


# ---------------------------------------------------------------------------
# analyze()
# ---------------------------------------------------------------------------


def func(args: str, body: str) -> LinalgStructuredOperation:
    """The first linalg op of a func with `args` and `body`."""
    return first_linalg_op(f"func.func @f({args}) {{\n{body}\n  return\n}}")


def test_analyze_generic_matmul_with_mixed_casts():
    body = cast_body("arith.extsi", "arith.extui", "i8", "i8", "i32")
    c = analyze(
        generic_op(body, lhs="i8", acc="i32", shapes=("30x20", "20x10", "30x10"))
    )
    assert isinstance(c, Contraction)
    assert c.dims == dims(m=[0], n=[1], k=[2])
    assert c.mnk_positions == (0, 1, 2)
    assert c.loop_sizes == (30, 10, 20)
    assert c.mnk_sizes == (30, 10, 20)
    assert c.element_types == ("i8", "i8", "i32")
    assert c.signature == "i8 x i8 -> i32"
    assert c.kind == "matmul"
    assert c.mac is not None and (c.mac.lhs_cast, c.mac.rhs_cast) == (
        "arith.extsi",
        "arith.extui",
    )
    assert c.describe() == "matmul m=d0 (30) n=d1 (10) k=d2 (20) i8 x i8 -> i32"


def test_analyze_named_matmul_f32():
    c = analyze(
        func(
            "%a: tensor<128x64xf32>, %b: tensor<64x32xf32>, %c: tensor<128x32xf32>",
            "  %0 = linalg.matmul ins(%a, %b : tensor<128x64xf32>, tensor<64x32xf32>)"
            " outs(%c : tensor<128x32xf32>) -> tensor<128x32xf32>",
        )
    )
    assert isinstance(c, Contraction)
    assert (c.op_name, c.kind, c.mnk_sizes) == (
        "linalg.matmul",
        "matmul",
        (128, 32, 64),
    )
    assert c.lhs_type == f32 and c.mac is not None


def test_analyze_named_matmul_transposed_b_i8():
    c = analyze(
        func(
            "%a: tensor<4x8xi8>, %b: tensor<16x8xi8>, %c: tensor<4x16xi32>",
            "  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,"
            " affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]"
            " ins(%a, %b : tensor<4x8xi8>, tensor<16x8xi8>) outs(%c : tensor<4x16xi32>)"
            " -> tensor<4x16xi32>",
        )
    )
    assert isinstance(c, Contraction), c
    assert c.mnk_sizes == (4, 16, 8)
    assert c.mac is not None and c.mac.lhs_cast == "arith.extsi"


def test_analyze_named_batch_matmul_bf16():
    c = analyze(
        func(
            "%a: tensor<2x4x8xbf16>, %b: tensor<2x8x16xbf16>, %c: tensor<2x4x16xf32>",
            "  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x4x8xbf16>, tensor<2x8x16xbf16>)"
            " outs(%c : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>",
        )
    )
    assert isinstance(c, Contraction), c
    assert c.kind == "batch_matmul"
    assert c.dims == dims(batch=[0], m=[1], n=[2], k=[3])
    assert c.batch_sizes == (2,)
    assert c.signature == "bf16 x bf16 -> f32"
    assert c.mac is not None and c.mac.lhs_cast == "arith.extf"


@pytest.mark.parametrize(
    "image, filt, out, sizes",
    [
        ("1x10x10x8", "3x3x8x16", "1x8x8x16", (1, 8, 8, 16, 3, 3, 8)),
        ("2x7x7x8", "1x1x8x16", "2x7x7x16", (2, 7, 7, 16, 1, 1, 8)),
    ],
    ids=["3x3", "1x1"],
)
def test_analyze_conv_2d_nhwc_hwcf(image, filt, out, sizes):
    ti, tf, to = (f"tensor<{s}xf32>" for s in (image, filt, out))
    c = analyze(
        func(
            f"%i: {ti}, %f: {tf}, %o: {to}",
            "  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>,"
            " strides = dense<1> : tensor<2xi64>}"
            f" ins(%i, %f : {ti}, {tf}) outs(%o : {to}) -> {to}",
        )
    )
    assert isinstance(c, Contraction), c
    assert c.kind == "conv"
    # only the bare loops qualify: m = image batch, n = output channel, k = input channel
    assert c.dims == dims(m=[0], n=[3], k=[6])
    assert c.loop_sizes == sizes


def test_analyze_dynamic_sizes_are_none():
    body = F32_MAC
    op = generic_op(body, shapes=("?x8", "8x?", "?x?"))
    c = analyze(op)
    assert isinstance(c, Contraction)
    assert c.mnk_sizes == (None, None, 8)
    assert c.kind == "matmul"
    assert c.describe().startswith("matmul m=d0 (?) n=d1 (?) k=d2 (8)")


def test_analyze_matvec_like_kind():
    c = analyze(generic_op(F32_MAC, shapes=("1x8", "8x16", "1x16")))
    assert isinstance(c, Contraction) and c.kind == "matvec"


def test_analyze_extra_parallel_dim_is_generic_kind():
    c = analyze(
        func(
            "%a: tensor<3x4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<3x4x16xf32>",
            """  %0 = linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>,
      affine_map<(b, m, n, k) -> (k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<3x4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<3x4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):"""
            + F32_MAC
            + "\n  } -> tensor<3x4x16xf32>",
        )
    )
    assert isinstance(c, Contraction), c
    assert c.kind == "generic"
    assert c.dims.m == (0, 1) and c.mnk_positions == (1, 2, 3)


@pytest.mark.parametrize(
    "args, body, reason",
    [
        (
            "%a: tensor<4x8xf32>, %v: tensor<8xf32>, %o: tensor<4xf32>",
            "  %0 = linalg.matvec ins(%a, %v : tensor<4x8xf32>, tensor<8xf32>)"
            " outs(%o : tensor<4xf32>) -> tensor<4xf32>",
            "need 3 or more loops to find a matmul to pack, found 2",
        ),
        (
            "%a: tensor<2x4x8xf32>, %v: tensor<2x8xf32>, %o: tensor<2x4xf32>",
            "  %0 = linalg.batch_matvec ins(%a, %v : tensor<2x4x8xf32>, tensor<2x8xf32>)"
            " outs(%o : tensor<2x4xf32>) -> tensor<2x4xf32>",
            "no n loop: no parallel loop is a bare dimension of both the RHS and the "
            "result without indexing the LHS (a matrix-vector product?)",
        ),
        (
            "%a: tensor<4x8xf32>, %o: tensor<4x8xf32>",
            "  %0 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,"
            ' affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}'
            " ins(%a : tensor<4x8xf32>) outs(%o : tensor<4x8xf32>) {\n"
            "  ^bb0(%x: f32, %y: f32):\n    linalg.yield %x : f32\n  } -> tensor<4x8xf32>",
            "expected 2 inputs and 1 init, found 1 input(s) and 1 init(s)",
        ),
    ],
    ids=["matvec", "batch_matvec", "one_input"],
)
def test_analyze_refusals_named(args, body, reason):
    assert analyze(func(args, body)) == Refused(reason)


def _generic_with_maps(lhs_map: str, rhs_map: str, lhs_shape: str, rhs_shape: str):
    """A MAC generic over loops (m, n, k) with the given LHS/RHS maps and a 4x16 result."""
    ta, tb = f"tensor<{lhs_shape}xf32>", f"tensor<{rhs_shape}xf32>"
    return func(
        f"%a: {ta}, %b: {tb}, %c: tensor<4x16xf32>",
        f"""  %0 = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> ({lhs_map})>,
      affine_map<(m, n, k) -> ({rhs_map})>, affine_map<(m, n, k) -> (m, n)>],
      iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%a, %b : {ta}, {tb}) outs(%c : tensor<4x16xf32>) {{
  ^bb0(%x: f32, %y: f32, %acc: f32):{F32_MAC}
  }} -> tensor<4x16xf32>""",
    )


def test_analyze_refuses_compound_expression_on_chosen_loop():
    op = _generic_with_maps("m, k", "k, n, m * 2", "4x8", "8x16x7")
    assert analyze(op) == Refused(
        "loop d0 appears in the compound expression (d0 * 2) in the RHS indexing "
        "map; only bare dimensions can be packed"
    )


def test_analyze_refuses_chosen_loop_used_twice():
    op = _generic_with_maps("m, k", "k, n, m, m", "4x8", "8x16x4x4")
    reason = analyze(op)
    assert isinstance(reason, Refused)
    assert str(reason).startswith("loop d0 indexes 2 dimensions of the RHS")


def test_analyze_refuses_empty_m_and_k():
    assert str(
        analyze(_generic_with_maps("m, m, k", "k, n", "4x4x8", "8x16"))
    ).startswith("no m loop")
    assert str(
        analyze(_generic_with_maps("m, k", "k, k, n", "4x8", "8x8x16"))
    ).startswith("no k loop")


def test_analyze_body_reason_and_require_mac_false():
    op = generic_op(F32_MAC.replace("arith.addf %acc, %p", "arith.maximumf %acc, %p"))
    reason = analyze(op)
    assert reason == Refused(
        "body is not a multiply-accumulate: found arith.maximumf where arith.addf "
        "or arith.addi was expected"
    )
    c = analyze(op, require_mac=False)
    assert isinstance(c, Contraction) and c.mac is None
    assert c.mnk_sizes == (4, 16, 8)


def test_analyze_non_linalg_op():
    module = parse_module("func.func @f() {\n  return\n}")
    ret = next(op for op in module.walk() if op.name == "func.return")
    assert analyze(ret) == Refused("func.return is not a linalg structured op")
