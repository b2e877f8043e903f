"""Named pipelines: one module per backend (`cpu-pipeline` in cpu.py)."""
