"""The pieces of `pack-greedily` (the core function, pattern and pass stay in
`passes/pack_greedily.py`): `loops.py`, the loop bookkeeping on indexing
maps; `build.py`, building the tiles, packs and their destinations."""
