"""Packing strategies: targets, built-in choices, the registry and plugins."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from xdsl.dialects.builtin import bf16, f16, f32, f64, i8, i32
from xdsl.ir.affine import AffineMap
from xdsl.utils.exceptions import DiagnosticException

from packdialect.analysis.contraction import Contraction, ContractionDims
from packdialect.strategies import (
    PackingChoice,
    StrategyError,
    available_strategies,
    choose,
    get_strategy,
    register_strategy,
)
from packdialect.strategies import builtin as strategies
from packdialect.strategies import registry as strategy_registry
from packdialect.targets import TARGETS

PLUGINS = Path(__file__).resolve().parents[2] / "examples" / "plugins"
TYPES = {"f32": f32, "f16": f16, "bf16": bf16, "f64": f64, "i8": i8, "i32": i32}
SIGNATURES = {
    "f32": ("f32", "f32", "f32"),
    "f64": ("f64", "f64", "f64"),
    "f16": ("f16", "f16", "f32"),
    "f16f16": ("f16", "f16", "f16"),
    "bf16": ("bf16", "bf16", "f32"),
    "i8": ("i8", "i8", "i32"),
}


def matmul(m, n, k, types="f32") -> Contraction:
    """A plain (m, n, k) matmul Contraction; None sizes are dynamic."""
    lhs, rhs, acc = SIGNATURES[types]
    kind = "matvec" if 1 in (m, n) else "matmul"
    return Contraction(
        op_name="linalg.matmul",
        dims=ContractionDims((), (0,), (1,), (2,)),
        iterator_types=("parallel", "parallel", "reduction"),
        indexing_maps=(
            AffineMap.from_callable(lambda m, n, k: (m, k)),
            AffineMap.from_callable(lambda m, n, k: (k, n)),
            AffineMap.from_callable(lambda m, n, k: (m, n)),
        ),
        loop_sizes=(m, n, k),
        lhs_type=TYPES[lhs],
        rhs_type=TYPES[rhs],
        acc_type=TYPES[acc],
        kind=kind,
        mac=None,
    )


# ---------------------------------------------------------------------------
# Built-in choices
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "strategy, target, shape, types, expected",
    [
        ("generic", "generic", (512, 512, 512), "f32", (8, 8, 1)),
        ("avx2", "avx2", (512, 512, 512), "f32", (6, 16, 1)),
        ("avx2", "avx2", (512, 512, 512), "i8", (6, 16, 2)),
        ("avx512", "avx512", (1023, 127, 255), "f32", (14, 32, 1)),
        ("avx512", "avx512", (512, 512, 512), "f64", (8, 16, 1)),
        ("avx512", "avx512", (512, 512, 512), "f16", (8, 32, 1)),
        ("avx512", "avx512", (512, 512, 512), "f16f16", (8, 64, 1)),
        ("avx512", "avx512", (512, 512, 512), "bf16", (8, 32, 2)),
        ("avx512", "avx512", (512, 512, 512), "i8", (8, 32, 2)),
        ("amx", "amx", (512, 512, 512), "bf16", (16, 16, 32)),
        ("amx", "amx", (512, 512, 512), "i8", (16, 16, 64)),
        ("wmma", "cuda-wmma", (512, 512, 512), "f16", (16, 16, 16)),
        ("wmma", "cuda-wmma", (512, 512, 512), "bf16", (16, 16, 16)),
        ("wmma", "cuda-wmma", (512, 512, 512), "i8", (16, 16, 16)),
        ("wmma", "cuda-wmma", (512, 512, 512), "f32", (16, 16, 8)),
        ("wmma", "cuda-wmma", (512, 512, 512), "f64", (8, 8, 4)),
        # dynamic sizes keep the table tile
        ("avx512", "avx512", (None, None, None), "f32", (14, 32, 1)),
    ],
)
def test_builtin_tiles(strategy, target, shape, types, expected):
    choice = choose(matmul(*shape, types), strategy, target)
    assert choice is not None
    assert choice.packed_sizes == expected
    assert choice.mmt4d_layout and choice.inner_dims_order == (0, 1, 2)
    assert choice.padded_sizes_next_multiple_of is None
    assert choice.reason.startswith(f"{strategy}: ")


@pytest.mark.parametrize(
    "strategy, shape, types, expected, note",
    [
        (
            "avx512",
            (4, 1024, 1024),
            "f32",
            (4, 32, 1),
            "narrow M=4: m0=4 instead of 14",
        ),
        ("avx512", (1, 512, 512), "f32", (1, 32, 1), "narrow M=1"),
        ("avx512", (1024, 3, 64), "f32", (14, 4, 1), "narrow N=3: n0=4 instead of 32"),
        ("avx512", (5, 7, 3), "i8", (5, 8, 2), "narrow N=7: n0=8"),
        ("avx2", (4, 64, 64), "f32", (4, 16, 1), "narrow M=4: m0=4 instead of 6"),
        ("amx", (4, 256, 256), "bf16", (4, 16, 32), "narrow M=4: m0=4 instead of 16"),
        ("amx", (64, 64, 3), "i8", (16, 16, 64), "K=3 is padded to k0=64"),
        ("generic", (2, 2, 2), "f32", (2, 2, 1), "narrow M=2"),
    ],
)
def test_narrow_regimes_shrink_instead_of_padding(
    strategy, shape, types, expected, note
):
    target = "avx512" if strategy == "avx512" else strategy
    choice = choose(matmul(*shape, types), strategy, target)
    assert choice is not None
    assert choice.packed_sizes == expected
    assert note in choice.reason


@pytest.mark.parametrize(
    "shape, expected",
    [
        ((4, 1024, 256), (8, 32, 16)),
        ((1024, 8, 256), (32, 8, 16)),
        ((5, 7, 64), (16, 16, 16)),
        ((None, 4, 64), (32, 8, 16)),
    ],
)
def test_wmma_narrow_problems_pick_the_fragment_that_pads_least(shape, expected):
    choice = choose(matmul(*shape, "f16"), "wmma", "cuda-wmma")
    assert choice is not None and choice.packed_sizes == expected


@pytest.mark.parametrize("strategy", ["generic", "avx2", "avx512", "amx"])
@pytest.mark.parametrize("types", sorted(SIGNATURES))
def test_cpu_tiles_never_exceed_the_problem(strategy, types):
    for m, n, k in [(1, 1, 1), (3, 5, 7), (6, 17, 2), (9, 31, 33), (100, 2, 100)]:
        choice = choose(matmul(m, n, k, types), strategy, strategy)
        assert choice is not None
        m0, n0, _ = choice.packed_sizes
        assert 1 <= m0 <= m, (m, n, k, choice)
        # n0 is a vector dim: at most the next power of two of N
        assert 1 <= n0 < 2 * n, (m, n, k, choice)


def test_avx512_bf16_without_avx512bf16_uses_k0_1():
    plain = replace(
        TARGETS["avx512"], features=TARGETS["avx512"].features - {"avx512bf16"}
    )
    choice = choose(matmul(256, 256, 256, "bf16"), "avx512", plain)
    assert choice is not None and choice.packed_sizes == (8, 32, 1)
    assert "16-bit shift" in choice.reason


def test_amx_falls_back_to_avx512_for_f32():
    choice = choose(matmul(256, 256, 256, "f32"), "amx", "amx")
    assert choice is not None and choice.packed_sizes == (14, 32, 1)
    assert choice.reason.startswith(
        "amx: no tile for f32 x f32 -> f32; falling back to avx512: 14x32x1"
    )


def test_amx_without_amx_bf16_feature_falls_back():
    no_amx = replace(TARGETS["amx"], features=TARGETS["amx"].features - {"amxbf16"})
    choice = choose(matmul(256, 256, 256, "bf16"), "amx", no_amx)
    assert choice is not None and choice.packed_sizes == (8, 32, 2)


def test_auto_uses_the_target_default_strategy():
    c = matmul(256, 256, 256, "f32")
    for name, target in TARGETS.items():
        auto = choose(c, "auto", name)
        direct = choose(c, target.default_strategy, name)
        assert auto == direct


def test_choose_accepts_host():
    choice = choose(matmul(64, 64, 64), "generic", "host")
    assert choice is not None and choice.packed_sizes == (8, 8, 1)


# ---------------------------------------------------------------------------
# PackingChoice
# ---------------------------------------------------------------------------


def test_packing_choice_normalizes_and_prints_options():
    choice = PackingChoice(
        packed_sizes=[8, 16, 0],  # type: ignore[arg-type]
        padded_sizes_next_multiple_of=(0, 0, 32),
        inner_dims_order=[1, 2, 0],  # type: ignore[arg-type]
        mmt4d_layout=False,
    )
    assert choice.packed_sizes == (8, 16, 0)
    assert choice.inner_dims_order == (1, 2, 0)
    assert choice.as_options() == (
        "packed-sizes=8,16,0 padded-sizes-next-multiple-of=0,0,32 "
        "inner-dims-order=1,2,0 mmt4d-layout=false"
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"packed_sizes": (8, 8)}, "packed_sizes must be 3 non-negative integers"),
        ({"packed_sizes": (8, -1, 1)}, "packed_sizes must be 3 non-negative integers"),
        (
            {"packed_sizes": (8, 8, 1), "inner_dims_order": (0, 0, 1)},
            "inner_dims_order must be a permutation of 0, 1, 2",
        ),
        (
            {"packed_sizes": (8, 8, 1), "padded_sizes_next_multiple_of": (0, 4, 0)},
            "at most one of packed size \\(8\\) and padded size next multiple of "
            "\\(4\\) may be non-zero for n",
        ),
    ],
)
def test_packing_choice_validation(kwargs, message):
    with pytest.raises(StrategyError, match=message):
        PackingChoice(**kwargs)


# ---------------------------------------------------------------------------
# Registry and plugins
# ---------------------------------------------------------------------------


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the strategy registry for tests that register."""
    monkeypatch.setattr(
        strategy_registry, "_REGISTRY", dict(strategy_registry._REGISTRY)
    )


def test_builtins_are_listed():
    listed = available_strategies()
    for name in ("generic", "avx2", "avx512", "amx", "wmma"):
        assert listed[name] == "built-in"


def test_unknown_strategy_error_lists_names():
    with pytest.raises(StrategyError) as info:
        get_strategy("fastest")
    message = str(info.value)
    assert message.startswith("unknown strategy 'fastest'; available: amx (built-in)")
    assert "wmma (built-in)" in message
    assert "module path 'package.module:function'" in message
    assert isinstance(info.value, DiagnosticException)


@pytest.mark.parametrize(
    "name, message",
    [
        (
            "no_such_module_xyz:choose",
            "cannot load strategy 'no_such_module_xyz:choose' (module path): ModuleNotFoundError",
        ),
        ("packdialect.strategies:no_such_function", "AttributeError"),
        ("packdialect.strategies:ENTRY_POINT_GROUP", "is a str, not a callable"),
        ("packdialect.strategies:", "must look like 'package.module:function'"),
        (":choose", "must look like 'package.module:function'"),
    ],
)
def test_module_path_errors(name, message):
    with pytest.raises(
        StrategyError, match=message.replace("(", "\\(").replace(")", "\\)")
    ):
        get_strategy(name)


def test_module_path_resolves_dotted_attribute():
    assert (
        get_strategy("packdialect.strategies.builtin:avx2_strategy")
        is strategies.avx2_strategy
    )


def test_register_strategy(registry):
    @register_strategy("tiny")
    def tiny(contraction, target):
        return PackingChoice((2, 2, 2), reason="tiny")

    assert get_strategy("tiny") is tiny
    assert available_strategies()["tiny"] == "registered"
    assert choose(matmul(8, 8, 8), "tiny", "generic").packed_sizes == (2, 2, 2)
    with pytest.raises(StrategyError, match="strategy 'tiny' is already registered"):
        register_strategy("tiny")(tiny)
    register_strategy("tiny", override=True)(strategies.generic_strategy)
    assert get_strategy("tiny") is strategies.generic_strategy


def test_misbehaving_strategies(registry):
    register_strategy("wrong-type")(lambda c, t: (8, 8, 8))
    register_strategy("crashes")(lambda c, t: 1 // 0)
    register_strategy("declines")(lambda c, t: None)
    c = matmul(8, 8, 8)
    with pytest.raises(StrategyError, match="strategy 'wrong-type' returned a tuple"):
        choose(c, "wrong-type", "generic")
    with pytest.raises(
        StrategyError,
        match="strategy 'crashes' failed on linalg.matmul: ZeroDivisionError",
    ):
        choose(c, "crashes", "generic")
    assert choose(c, "declines", "generic") is None


@pytest.fixture
def plugin_path(monkeypatch):
    """examples/plugins on sys.path, with `my_strategy` imported fresh."""
    monkeypatch.syspath_prepend(str(PLUGINS))
    monkeypatch.delitem(sys.modules, "my_strategy", raising=False)
    yield
    sys.modules.pop("my_strategy", None)


def test_example_plugin_by_module_path(plugin_path):
    strategy = get_strategy("my_strategy:choose")
    assert strategy.__module__ == "my_strategy"
    choice = choose(matmul(100, 100, 100), "my_strategy:choose", "avx512")
    assert choice is not None
    assert choice.packed_sizes == (4, 4, 4)
    assert choice.reason == "my_strategy: 4x4x4 for f32 x f32 -> f32 on avx512"
    assert choose(matmul(100, 100, 100, "f64"), "my_strategy:choose", "avx512") is None


def _install_entry_points(root: Path, entries: dict[str, str]) -> None:
    """Write a minimal installed distribution declaring strategy entry points."""
    dist = root / "packdialect_test_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: packdialect-test-plugin\nVersion: 1.0\n"
    )
    lines = [f"{name} = {value}" for name, value in entries.items()]
    (dist / "entry_points.txt").write_text(
        "[packdialect.strategies]\n" + "\n".join(lines) + "\n"
    )


def test_entry_point_strategy(tmp_path, monkeypatch):
    (tmp_path / "tiny_plugin_ep.py").write_text(
        "from packdialect.strategies import PackingChoice\n\n"
        "def choose(contraction, target):\n"
        "    return PackingChoice((2, 4, 8), reason='tiny entry point')\n"
    )
    _install_entry_points(
        tmp_path,
        {"tiny-ep": "tiny_plugin_ep:choose", "broken-ep": "no_such_module_xyz:choose"},
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "tiny_plugin_ep", raising=False)
    listed = available_strategies()
    assert listed["tiny-ep"] == "entry point tiny_plugin_ep:choose"
    choice = choose(matmul(64, 64, 64), "tiny-ep", "generic")
    assert choice is not None and choice.packed_sizes == (2, 4, 8)
    with pytest.raises(
        StrategyError,
        match=r"cannot load strategy 'broken-ep' \(entry point no_such_module_xyz:choose\)",
    ):
        get_strategy("broken-ep")
    sys.modules.pop("tiny_plugin_ep", None)


def test_entry_point_does_not_shadow_a_builtin(tmp_path, monkeypatch):
    _install_entry_points(tmp_path, {"avx2": "no_such_module_xyz:choose"})
    monkeypatch.syspath_prepend(str(tmp_path))
    assert get_strategy("avx2") is strategies.avx2_strategy
