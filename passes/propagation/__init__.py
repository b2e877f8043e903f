"""The rewrites of `propagate-packs`, by the op a pack or unpack moves through.

`generic.py`: bubble a pack up / push an unpack down through a
`linalg.generic` (with the packing information of the iteration domain);
`pad_reshape.py`: the same through `tensor.pad`, `tensor.collapse_shape` and
`tensor.expand_shape`. Each rewrite is a core function returning the
replacement or a `Refused` reason, and a thin pattern around it; the pass and
its pattern list are in `passes/propagate_packs.py`.
"""
