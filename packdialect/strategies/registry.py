"""Finding strategies by name, and asking one for a choice.

A name resolves, in this order, to:

1. built-ins and anything registered with `@register_strategy("name")`;
2. the Python entry point group `packdialect.strategies`
   (`my-strategy = "my_package.module:choose"` in a plugin's pyproject.toml);
3. a module path `package.module:function` (importable from sys.path).
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable
from functools import reduce

from xdsl.utils.exceptions import DiagnosticException

from packdialect.analysis.contraction import Contraction
from packdialect.strategies.builtin import BUILTINS
from packdialect.strategies.choice import PackingChoice, Strategy, StrategyError
from packdialect.targets import TargetInfo, get_target

ENTRY_POINT_GROUP = "packdialect.strategies"
AUTO = "auto"


def _constant(strategy: Strategy) -> Callable[[], Strategy]:
    return lambda: strategy


_REGISTRY: dict[str, Callable[[], Strategy]] = {
    name: _constant(strategy) for name, strategy in BUILTINS.items()
}
"""Name -> zero-argument factory returning the strategy."""


def register_strategy(
    name: str, *, override: bool = False
) -> Callable[[Strategy], Strategy]:
    """Decorator registering a strategy under `name` (in-process plugins, tests);
    an existing name is an error unless `override`."""

    def decorate(strategy: Strategy) -> Strategy:
        if name in _REGISTRY and not override:
            raise StrategyError(f"strategy '{name}' is already registered")
        _REGISTRY[name] = _constant(strategy)
        return strategy

    return decorate


def _entry_points() -> dict[str, importlib.metadata.EntryPoint]:
    """Installed entry points of the strategy group, by name (first wins)."""
    found: dict[str, importlib.metadata.EntryPoint] = {}
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry)
    return found


def available_strategies() -> dict[str, str]:
    """Every strategy name that resolves without a module path, with its origin."""
    names = {
        name: "built-in" if BUILTINS.get(name) is factory() else "registered"
        for name, factory in _REGISTRY.items()
    }
    for name, entry in _entry_points().items():
        names.setdefault(name, f"entry point {entry.value}")
    return dict(sorted(names.items()))


def _load(name: str, what: str, loader: Callable[[], object]) -> Strategy:
    """Run `loader`, turning any failure or a non-callable into a StrategyError."""
    try:
        strategy = loader()
    except Exception as exc:  # a plugin can fail in any way; report, don't crash
        raise StrategyError(
            f"cannot load strategy '{name}' ({what}): {type(exc).__name__}: {exc}"
        ) from exc
    if not callable(strategy):
        raise StrategyError(
            f"strategy '{name}' ({what}) is a {type(strategy).__name__}, not a callable"
        )
    return strategy  # type: ignore[return-value]


def _load_module_path(path: str) -> Strategy:
    """Import `package.module:function` (the function may be dotted: `Cls.method`)."""
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise StrategyError(
            f"strategy module path must look like 'package.module:function', got '{path}'"
        )

    def load() -> object:
        module = importlib.import_module(module_name)
        return reduce(getattr, attribute.split("."), module)

    return _load(path, "module path", load)


def _unknown(name: str) -> StrategyError:
    """The error for a name that is neither registered nor an entry point."""
    listing = ", ".join(
        f"{n} ({origin})" for n, origin in available_strategies().items()
    )
    return StrategyError(
        f"unknown strategy '{name}'; available: {listing}; or '{AUTO}' (the "
        "target's default), or a module path 'package.module:function'"
    )


def get_strategy(name: str) -> Strategy:
    """Resolve a strategy name: registered, entry point, then module path."""
    factory = _REGISTRY.get(name)
    if factory is not None:
        return factory()
    entry = _entry_points().get(name)
    if entry is not None:
        return _load(name, f"entry point {entry.value}", entry.load)
    if ":" in name:
        return _load_module_path(name)
    raise _unknown(name)


def choose(
    contraction: Contraction,
    strategy: str = AUTO,
    target: str | TargetInfo = "host",
) -> PackingChoice | None:
    """Ask `strategy` (a name; "auto" = the target's default) how to pack
    `contraction` on `target` (a name, "host", or a TargetInfo). None means the
    strategy declines: leave the op alone."""
    info = target if isinstance(target, TargetInfo) else get_target(target)
    name = info.default_strategy if strategy == AUTO else strategy
    strategy_fn = get_strategy(name)
    try:
        choice = strategy_fn(contraction, info)
    except DiagnosticException:
        raise
    except Exception as exc:  # plugin code: report it as a diagnostic
        raise StrategyError(
            f"strategy '{name}' failed on {contraction.op_name}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if choice is not None and not isinstance(choice, PackingChoice):
        raise StrategyError(
            f"strategy '{name}' returned a {type(choice).__name__}; expected a "
            "PackingChoice or None"
        )
    return choice
