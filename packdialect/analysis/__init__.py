"""Analyses that read IR and change nothing: contraction inference
(contraction.py: the m, n, k and batch loops from the indexing maps, and the
multiply-accumulate body) and layout facts (layout.py: memref strides, the
static shape of a pack or unpack)."""
