"""Pack / unpack folds: execution checks of every lit input, compile-time
packing of constants against a plain-loop reference, and the helpers."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, ModuleOp
from xdsl.passes import PassPipeline
from xdsl.traits import HasCanonicalizationPatternsTrait

import packdialect.ir.canonicalization as pack_folds
import packdialect.ir.canonicalization.constant_folds as pack_constant_folds
from packdialect.interp import random_inputs, run_function
from packdialect.ir.canonicalization.constant_folds import dense_bits
from packdialect.ir.context import make_context, parse_module
from packdialect.ir.ops import PackOp, UnpackOp
from packdialect.ir.relayout import RelayoutCanonicalization
from packdialect.ir.relayout_utils import Layout, normalized_perm, reassociation
from passes import all_passes

ROOT = Path(__file__).resolve().parents[2]
LIT_INPUTS = sorted((ROOT / "test/lit/passes").glob("pack-folds*.mlir"))


# ---------------------------------------------------------------------------
# Execution check of every lit input
# ---------------------------------------------------------------------------


def run_line_pipeline(text: str) -> str:
    """The pipeline of the `RUN: pack-opt %s -p PIPELINE` line."""
    match = re.search(r"// RUN: pack-opt %s -p (?:'([^']+)'|(\S+))", text)
    assert match, "no RUN line"
    return match.group(1) or match.group(2)


def apply_pipeline(text: str, pipeline: str) -> ModuleOp:
    """Parse `text` and run a pipeline string on it (verified)."""
    ctx = make_context()
    module = parse_module(text, ctx)
    PassPipeline.parse_spec(all_passes(), pipeline).apply(ctx, module)
    module.verify()
    return module


def lit_cases() -> list[tuple[Path, str]]:
    """(lit file, function name) for every function of every input."""
    cases: list[tuple[Path, str]] = []
    for path in LIT_INPUTS:
        module = parse_module(path.read_text(), make_context())
        cases += [
            (path, fn.sym_name.data)
            for fn in module.walk()
            if isinstance(fn, func.FuncOp) and not fn.is_declaration
        ]
    return cases


def assert_same(actual: np.ndarray, expected: np.ndarray) -> None:
    """rtol 1e-5 for floats, exact for integers and booleans."""
    assert actual.shape == expected.shape
    if expected.dtype.kind == "f":
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_array_equal(actual, expected)


@pytest.mark.parametrize(
    ("path", "name"), lit_cases(), ids=lambda v: v.name if isinstance(v, Path) else v
)
def test_lit_input_executes_the_same(path: Path, name: str) -> None:
    text = path.read_text()
    before = parse_module(text, make_context())
    after = apply_pipeline(text, run_line_pipeline(text))
    fn = next(
        f
        for f in before.walk()
        if isinstance(f, func.FuncOp) and f.sym_name.data == name
    )
    for seed in (0, 1):
        # a dynamic size is 4: the inputs with dynamic arguments are so written
        args = random_inputs(fn, seed=seed, dynamic_size=4)
        expected = run_function(before, name, args)
        actual = run_function(after, name, args)
        for a, e in zip(actual, expected, strict=True):
            assert_same(a, e)


def test_every_lit_input_is_covered() -> None:
    names = {p.name for p, _ in lit_cases()}
    assert names == {
        "pack-folds-canonicalize.mlir",
        "pack-folds-canonicalize-fold-into.mlir",
        "pack-folds-empty.mlir",
        "pack-folds-fold-into.mlir",
        "pack-folds-simplify.mlir",
    }


# ---------------------------------------------------------------------------
# Constant folding against a plain-loop pack
# ---------------------------------------------------------------------------


def reference_pack(
    source: np.ndarray,
    inner: tuple[int, ...],
    tiles: tuple[int, ...],
    perm: tuple[int, ...],
    pad: object,
) -> np.ndarray:
    """linalg.pack, element by element, from the definition."""
    rank = source.ndim
    order = perm or tuple(range(rank))
    tile_of = dict(zip(inner, tiles, strict=True))
    outer = [
        -(-source.shape[d] // tile_of[d]) if d in tile_of else source.shape[d]
        for d in range(rank)
    ]
    shape = [outer[d] for d in order] + list(tiles)
    out = np.full(shape, pad, dtype=source.dtype)
    for index in itertools.product(*(range(s) for s in shape)):
        x = [0] * rank
        for j, d in enumerate(order):
            x[d] = index[j]
        for i, d in enumerate(inner):
            x[d] = x[d] * tiles[i] + index[rank + i]
        if all(x[d] < source.shape[d] for d in range(rank)):
            out[index] = source[tuple(x)]
    return out


def _literal(values: np.ndarray) -> str:
    if values.ndim == 0:
        return repr(values.item())
    return "[" + ", ".join(_literal(v) for v in values) + "]"


def _type(shape: tuple[int, ...], element: str) -> str:
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def fold_program(
    values: np.ndarray,
    element: str,
    inner: tuple[int, ...],
    tiles: tuple[int, ...],
    perm: tuple[int, ...],
    pad: str | None,
) -> str:
    """A function packing a dense constant (optionally with padding)."""
    src = _type(values.shape, element)
    packed = reference_pack(values, inner, tiles, perm, 0).shape
    dst = _type(packed, element)
    padding = f"padding_value(%pad : {element}) " if pad is not None else ""
    perm_text = f"outer_dims_perm = {list(perm)} " if perm else ""
    pad_line = f"%pad = arith.constant {pad} : {element}" if pad is not None else ""
    return f"""
func.func @f() -> {dst} {{
  %c = arith.constant dense<{_literal(values)}> : {src}
  {pad_line}
  %e = tensor.empty() : {dst}
  %p = linalg.pack %c {padding}{perm_text}inner_dims_pos = {list(inner)} inner_tiles = {list(tiles)} into %e : {src} -> {dst}
  func.return %p : {dst}
}}
"""


def folded_constant(module: ModuleOp) -> DenseIntOrFPElementsAttr:
    """The constant the function returns (the pack must be gone)."""
    assert not any(isinstance(op, PackOp | UnpackOp) for op in module.walk())
    ret = next(op for op in module.walk() if isinstance(op, func.ReturnOp))
    owner = ret.operands[0].owner
    assert isinstance(owner, arith.ConstantOp)
    assert isinstance(owner.value, DenseIntOrFPElementsAttr)
    return owner.value


CONSTANT_CASES = [
    # element, numpy dtype, shape, inner, tiles, perm, padding
    ("f32", np.float32, (5, 7), (0, 1), (2, 4), (), "-1.5"),
    ("f32", np.float32, (6, 8), (1, 0), (4, 2), (1, 0), None),
    ("i8", np.int8, (3, 5, 4), (2, 0), (2, 2), (2, 0, 1), "7"),
    ("i32", np.int32, (9,), (0,), (4,), (), "0"),
    ("f16", np.float16, (4, 3), (1,), (2,), (1, 0), "2.5"),
    ("i64", np.int64, (2, 6), (), (), (1, 0), None),
]


@pytest.mark.parametrize("case", CONSTANT_CASES, ids=lambda c: f"{c[0]}{c[2]}")
def test_pack_of_constant_is_packed_at_compile_time(case: tuple) -> None:
    element, dtype, shape, inner, tiles, perm, pad = case
    rng = np.random.default_rng(len(shape))
    if np.dtype(dtype).kind == "f":
        values = (rng.integers(-16, 16, size=shape) / 8).astype(dtype)
    else:
        values = rng.integers(-100, 100, size=shape).astype(dtype)
    text = fold_program(values, element, inner, tiles, perm, pad)
    attr = folded_constant(apply_pipeline(text, "canonicalize"))
    bits = dense_bits(attr)
    assert bits is not None
    actual = bits.view(dtype)
    pad_value = dtype(float(pad)) if pad is not None else 0
    expected = reference_pack(values, inner, tiles, perm, pad_value)
    np.testing.assert_array_equal(actual, expected)


def test_large_constants_are_not_folded(monkeypatch: pytest.MonkeyPatch) -> None:
    values = np.arange(64, dtype=np.int32).reshape(8, 8)
    text = fold_program(values, "i32", (0, 1), (4, 4), (), None)
    monkeypatch.setattr(pack_constant_folds, "MAX_FOLDED_CONSTANT_BYTES", 64)
    module = apply_pipeline(text, "canonicalize")
    assert any(isinstance(op, PackOp) for op in module.walk())


# ---------------------------------------------------------------------------
# Registration and helpers
# ---------------------------------------------------------------------------


def test_canonicalization_patterns_are_attached_to_both_ops() -> None:
    for op in (PackOp, UnpackOp):
        traits = op.get_traits_of_type(HasCanonicalizationPatternsTrait)
        assert any(isinstance(t, RelayoutCanonicalization) for t in traits)
        patterns = traits[0].get_patterns(op)
        assert len(patterns) == len(pack_folds.canonicalization_patterns())


def test_folds_are_registered_as_passes() -> None:
    registered = all_passes()
    for name in (
        "propagate-packs",
        "fold-into-pack-unpack",
        "simplify-pack-unpack",
        "fold-pack-unpack-into-empty",
    ):
        assert registered[name]().name == name


def test_layout_matching_treats_identity_perm_as_absent() -> None:
    assert normalized_perm([0, 1, 2]) == ()
    assert normalized_perm([1, 0]) == (1, 0)
    assert Layout((0, 1), (8, 16), ()).matches(Layout((0, 1), (8, 16), ()))
    assert not Layout((0, 1), (8, 16)).matches(Layout((1, 0), (8, 16)))
    assert not Layout((0,), (8,)).matches(Layout((0,), (4,)))


@pytest.mark.parametrize(
    ("collapsed", "expanded", "groups"),
    [
        ((5, 256), (5, 8, 32), [[0], [1, 2]]),
        ((1, 64), (1, 4, 1, 16), [[0], [1, 2, 3]]),
        ((64,), (4, 16, 1), [[0, 1, 2]]),
        ((255,), (8, 32), None),
        ((1, 64), (4, 1, 16), None),
    ],
)
def test_reassociation(collapsed, expanded, groups) -> None:
    assert reassociation(collapsed, expanded) == groups
