"""packdialect's passes, by pipeline name.

`PASSES` maps a pass name to a zero-argument factory returning the pass class,
so that importing this module imports no pass.
"""

from collections.abc import Callable

from xdsl.passes import ModulePass


def _pack_stats() -> type[ModulePass]:
    from passes.pack_stats import PackStatsPass

    return PackStatsPass


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "pack-stats": _pack_stats,
}
"""Pass name -> lazy factory. Add one entry per pass."""


def all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """xDSL's passes plus ours (ours win on a name clash)."""
    from xdsl.universe import Universe

    return {**Universe.get_multiverse().all_passes, **PASSES}
