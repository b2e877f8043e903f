"""Pluggable packing strategies: registry, tile tables, built-ins.

A *strategy* is any callable

    strategy(contraction: Contraction, target: TargetInfo) -> PackingChoice | None

that picks the tile sizes (m0, n0, k0), padding, inner order and layout with
which `pack-greedily` packs one contraction; None means "leave this op alone".
`choose(contraction, strategy, target)` resolves the names and asks it.

- `choice.py`: `PackingChoice` (the options of `pack-greedily`), `Strategy`;
- `registry.py`: names -> strategies (built-ins, `@register_strategy`,
  entry points of the group `packdialect.strategies`, `module:function`);
- `tables.py`: the built-ins' tile tables; `builtin.py`: their choice logic.

The machine is described by `packdialect.targets.TargetInfo` (re-exported
here, since every strategy takes one).
"""

from packdialect.strategies.choice import PackingChoice, Strategy, StrategyError
from packdialect.strategies.registry import (
    AUTO,
    ENTRY_POINT_GROUP,
    available_strategies,
    choose,
    get_strategy,
    register_strategy,
)
from packdialect.targets import TargetInfo

__all__ = [
    "AUTO",
    "ENTRY_POINT_GROUP",
    "PackingChoice",
    "Strategy",
    "StrategyError",
    "TargetInfo",
    "available_strategies",
    "choose",
    "get_strategy",
    "register_strategy",
]
