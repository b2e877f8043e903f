"""The names of the discardable attributes packdialect puts on ops, in one place.

Each is part of a contract between stages (see ARCHITECTURE.md): a pass
writes it, a later pass, an emitter or the runtime reads it.
"""

OUTPUTS_ATTR = "packdialect.outputs"
"""On a `func.func` (bufferize -> emitters, runtime): its last N memref
arguments are the bufferized results, in result order (an i64)."""

PARALLEL_ATTR = "packdialect.parallel"
"""Unit attribute on an `scf.for` whose iterations are independent
(linalg-to-loops, vectorize-mmt4d -> parallelize)."""

NUM_THREADS_ATTR = "packdialect.num_threads"
"""On an `scf.parallel` (parallelize -> C emitter): the OpenMP thread count."""

__all__ = ["NUM_THREADS_ATTR", "OUTPUTS_ATTR", "PARALLEL_ATTR"]
