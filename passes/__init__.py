"""packdialect's passes, by pipeline name, and the pipeline-string parser.

`PASS_CLASSES` maps a pipeline name to "module:Class"; `PASSES` turns each into
a zero-argument factory, so importing this package imports no pass.
`parse_pipeline` is the one place a pipeline string becomes passes (for the
tools and for `packdialect.compile`).
"""

import re
from collections.abc import Callable
from importlib import import_module

from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException

PASS_CLASSES: dict[str, str] = {
    "pack-stats": "passes.pack_stats:PackStatsPass",
    "linalg-generalize-named-ops": "passes.generalize:LinalgGeneralizeNamedOpsPass",
    "pack-greedily": "passes.pack_greedily:PackGreedilyPass",
    "specialize-mmt4d": "passes.specialize_mmt4d:SpecializeMmt4dPass",
    "propagate-packs": "passes.propagate_packs:PropagatePacksPass",
    "fold-into-pack-unpack": "passes.pack_folds:FoldIntoPackUnpackPass",
    "simplify-pack-unpack": "passes.pack_folds:SimplifyPackUnpackPass",
    "fold-pack-unpack-into-empty": "passes.pack_folds:FoldPackUnpackIntoEmptyPass",
    "bufferize": "passes.bufferize:BufferizePass",
    "lower-packs": "passes.lower_packs:LowerPacksPass",
    "linalg-to-loops": "passes.linalg_to_loops:LinalgToLoopsPass",
    "vectorize-mmt4d": "passes.cpu.vectorize_mmt4d:VectorizeMmt4dPass",
    "parallelize": "passes.cpu.parallelize:ParallelizePass",
    "cpu-pipeline": "passes.pipelines.cpu:CpuPipelinePass",
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


class PipelineError(DiagnosticException):
    """A pass-pipeline string that is malformed or names an unknown pass/option."""


def parse_pipeline(spec: str) -> PassPipeline:
    """A PassPipeline from an MLIR-style pipeline string; PipelineError if bad.

    Like mlir-opt, a pipeline has no empty elements: `a,`, `,a` and `a,,b`
    are malformed (xDSL alone accepts a trailing comma). Messages are one
    line: what is wrong and at which column.
    """
    try:
        pipeline = PassPipeline.parse_spec(all_passes(), spec)
    except ArgSpecParseError as err:  # a BaseException in xDSL
        raise PipelineError(
            f"malformed pass pipeline '{spec}': {_spec_error(err)}"
        ) from None
    except (ValueError, KeyError, TypeError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise PipelineError(
            f"invalid pass pipeline '{spec}': {reason or type(err).__name__}"
        ) from None
    if spec.rstrip().endswith(","):
        column = len(spec.rstrip()) + 1
        raise PipelineError(
            f"malformed pass pipeline '{spec}': expected a pass name after ',' "
            f"(column {column})"
        )
    return pipeline


def _spec_error(err: ArgSpecParseError) -> str:
    """xDSL's multi-line pipeline error as `message (column N)`."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    column = next(
        (
            m.group(1)
            for line in lines
            if (m := re.match(r"pass-pipeline:\d+:(\d+)", line))
        ),
        None,
    )
    message = lines[-1] if lines else "syntax error"
    return f"{message} (column {column})" if column else message
