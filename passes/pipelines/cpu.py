"""Named pipelines: `cpu-pipeline`, from linalg on tensors to emittable IR.

`cpu-pipeline{target=host|avx512|avx2|generic threads=N}` runs, in order:

0. `linalg-generalize-named-ops{map-and-elementwise-only=true}`: `linalg.map`
   and `linalg.elementwise` become generics (the passes below know those);
1. `pack-greedily{strategy=S target=T}`: every contraction packed with the
   target's strategy (on a host whose family is `amx`, the `avx512`
   strategy: the C backend emits no AMX tiles);
2. `propagate-packs` + `canonicalize` (packs of constants fold, unpack/pack
   pairs cancel);
3. `specialize-mmt4d`: packed generics with mmt4d maps -> `linalg.mmt4d`;
4. `bufferize`: tensors -> memrefs, results -> out-parameters;
5. `vectorize-mmt4d{target=T}`: packed contractions -> vector kernels, which
   absorb the unpack of their result (the last k block stores into its
   destination) and read an operand unpacked where that beats packing it;
6. `lower-packs`: the remaining pack/unpack -> loops;
7. `linalg-to-loops`: every other linalg op -> scalar loops;
8. `parallelize{threads=N}`: outermost parallel loops -> scf.parallel;
9. `canonicalize`, `cse`.

Steps 1-3 are skipped when their pass is not registered (or `pack=false`).
Options: `target` (default host), `threads` (default 0: OpenMP's default;
1: sequential), `pack` (default true), `tile-k` (vectorize-mmt4d's k blocking,
0 = automatic), `order` (vectorize-mmt4d's loop order, default its own),
`fuse` (vectorize-mmt4d's pack/unpack absorption: auto, never, always),
`tile-m` (vectorize-mmt4d's m blocking in row tiles, 0 = automatic),
`min-work` (parallelize's threshold, default 32768).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import PassFailedException

CPU_TARGETS = ("host", "avx512", "avx2", "generic")


def packing_strategy(target: str) -> str:
    """The pack-greedily strategy for a CPU target ("auto" = the target's own)."""
    if target != "host":
        return "auto"
    from packdialect.targets import get_target

    return "avx512" if get_target("host").default_strategy == "amx" else "auto"


def _make(name: str, **options) -> ModulePass | None:
    """An instance of a registered pass, or None when it is not registered."""
    from passes import all_passes

    factory = all_passes().get(name)
    if factory is None:
        return None
    return factory()(**options)


def cpu_passes(
    target: str = "host",
    threads: int = 0,
    pack: bool = True,
    tile_k: int = 0,
    min_work: int = 32768,
    order: str = "",
    fuse: str = "auto",
    tile_m: int = 0,
) -> list[ModulePass]:
    """The passes of `cpu-pipeline` for these options, in order."""
    if target not in CPU_TARGETS:
        raise PassFailedException(
            f"cpu-pipeline: unknown target '{target}'; expected one of "
            f"{', '.join(CPU_TARGETS)}"
        )
    stages: list[tuple[str, dict]] = [
        ("linalg-generalize-named-ops", {"map_and_elementwise_only": True}),
    ]
    if pack:
        stages += [
            ("pack-greedily", {"strategy": packing_strategy(target), "target": target}),
            ("propagate-packs", {}),
            ("canonicalize", {}),
            ("specialize-mmt4d", {}),
        ]
    stages += [
        ("bufferize", {}),
        (
            "vectorize-mmt4d",
            {
                "target": target,
                "tile_k": tile_k,
                "tile_m": tile_m,
                "fuse": fuse,
                **_order(order),
            },
        ),
        ("lower-packs", {}),
        ("linalg-to-loops", {}),
        ("parallelize", {"threads": threads, "min_work": min_work}),
        ("canonicalize", {}),
        ("cse", {}),
    ]
    made = [_make(name, **options) for name, options in stages]
    return [p for p in made if p is not None]


def _order(order: str) -> dict[str, str]:
    """vectorize-mmt4d's `order` option when one is given."""
    return {"order": order} if order else {}


@dataclass(frozen=True)
class CpuPipelinePass(ModulePass):
    """linalg on tensors -> func/scf/arith/math/memref/vector for the C emitter."""

    name = "cpu-pipeline"

    target: str = "host"
    threads: int = 0
    pack: bool = True
    tile_k: int = 0
    min_work: int = 32768
    order: str = ""
    fuse: str = "auto"
    tile_m: int = 0

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        stages = cpu_passes(
            self.target,
            self.threads,
            self.pack,
            self.tile_k,
            self.min_work,
            self.order,
            self.fuse,
            self.tile_m,
        )
        for stage in stages:
            stage.apply(ctx, op)


__all__ = ["CPU_TARGETS", "CpuPipelinePass", "cpu_passes", "packing_strategy"]
