"""A tiny third-party packing strategy for packdialect.

A strategy is any callable `(contraction, target) -> PackingChoice | None`;
it needs no change to packdialect. Use it by module path, with this folder on
the Python path:

    PYTHONPATH=examples/plugins pack-opt f.mlir \
        -p 'pack-greedily{strategy=my_strategy:choose}'

or publish it under a name from your package's pyproject.toml:

    [project.entry-points."packdialect.strategies"]
    my-strategy = "my_strategy:choose"

and select it with `strategy=my-strategy`.
"""

from packdialect.analysis.contraction import Contraction
from packdialect.strategies import PackingChoice, TargetInfo


def choose(contraction: Contraction, target: TargetInfo) -> PackingChoice | None:
    """Always 4x4x4 in the mmt4d layout; leave f64 contractions alone."""
    if contraction.element_types[2] == "f64":
        return None
    return PackingChoice(
        packed_sizes=(4, 4, 4),
        reason=f"my_strategy: 4x4x4 for {contraction.signature} on {target.name}",
    )
