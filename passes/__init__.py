"""packdialect's passes, by pipeline name.

`PASS_CLASSES` maps a pipeline name to "module:Class"; `PASSES` turns each into
a zero-argument factory, so importing this module imports no pass.
"""

from collections.abc import Callable
from importlib import import_module

from xdsl.passes import ModulePass

PASS_CLASSES: dict[str, str] = {
    "pack-stats": "passes.pack_stats:PackStatsPass",
    "pack-greedily": "passes.pack_greedily:PackGreedilyPass",
    "specialize-mmt4d": "passes.specialize_mmt4d:SpecializeMmt4dPass",
    "propagate-packs": "passes.propagate_packs:PropagatePacksPass",
    "fold-into-pack-unpack": "passes.pack_folds:FoldIntoPackUnpackPass",
    "simplify-pack-unpack": "passes.pack_folds:SimplifyPackUnpackPass",
    "fold-pack-unpack-into-empty": "passes.pack_folds:FoldPackUnpackIntoEmptyPass",
    "bufferize": "passes.bufferize:BufferizePass",
    "lower-packs": "passes.lower_packs:LowerPacksPass",
    "linalg-to-loops": "passes.linalg_to_loops:LinalgToLoopsPass",
    "vectorize-mmt4d": "passes.vectorize_mmt4d:VectorizeMmt4dPass",
    "parallelize": "passes.parallelize:ParallelizePass",
    "cpu-pipeline": "passes.pipelines:CpuPipelinePass",
}
"""Pipeline name -> "module:Class". Add one entry per pass."""


def _loader(path: str) -> Callable[[], type[ModulePass]]:
    module, cls = path.split(":")
    return lambda: getattr(import_module(module), cls)


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    name: _loader(path) for name, path in PASS_CLASSES.items()
}
"""Pass name -> lazy factory returning the pass class."""


def all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """xDSL's passes plus ours (ours win on a name clash)."""
    from xdsl.universe import Universe

    return {**Universe.get_multiverse().all_passes, **PASSES}
