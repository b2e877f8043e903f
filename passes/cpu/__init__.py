"""CPU-specific lowering: vectorize-mmt4d (kernel planning, pack fusion, the
kernel builder, the pass) and parallelize (OpenMP loops)."""
