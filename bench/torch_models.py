"""The PyTorch models of examples/torch/: packdialect's compiled function
(`cpu-pipeline{target=host threads=1}` on torch-mlir's export) against
torch's own CPU time, single-threaded, measured in turns in one process.

    .venv/bin/python bench/torch_models.py [--target host|avx512|avx2|generic]

The torch column needs the optional `torch` extra (`pip install -e
'.[torch]'`); without it the table shows packdialect alone and says so.
Times are medians in microseconds; the ratio is torch / packdialect (above 1:
packdialect is faster).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TORCH_DIR = ROOT / "examples" / "torch"
MODELS = [
    "mlp",
    "mobilenet_block",
    "encoder_block",
    "resnet_block",
    "batch_matmul",
    "matmul",
]

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(ROOT))

from bench.matmul import interleaved_seconds  # noqa: E402


def torch_model(name: str):
    """torch's callable for `name` (the export script's model, seeded as
    exported), or None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    sys.path.insert(0, str(TORCH_DIR))
    model, args = importlib.import_module(f"export_{name}").build()
    model = model.eval()

    def run():
        with torch.no_grad():
            return model(*args)

    return run


def bench(name: str, target: str) -> dict:
    """Median times of packdialect and (when installed) torch for one model."""
    import numpy as np

    import packdialect

    data = np.load(TORCH_DIR / f"{name}.inputs.npz")
    inputs = [data[f"arg{i}"] for i in range(len(data.files))]
    want = np.load(TORCH_DIR / f"{name}.torch.npz")["result0"]
    compiled = packdialect.compile(
        TORCH_DIR / f"{name}.mlir",
        pipeline=f"cpu-pipeline{{target={target} threads=1}}",
    )
    fn = getattr(compiled, name)
    got = fn(*inputs)
    error = float(np.abs(got - want).max() / np.abs(want).max())
    fns = {"packdialect": fn.prepare(*inputs)}
    reference = torch_model(name)
    if reference is not None:
        fns["torch"] = reference
    times = interleaved_seconds(fns)
    return {"model": name, "error": error, **{k: v * 1e6 for k, v in times.items()}}


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="host")
    args = parser.parse_args()
    rows = [bench(name, args.target) for name in MODELS]
    has_torch = all("torch" in row for row in rows)
    print(f"PyTorch models, 1 thread, cpu-pipeline{{target={args.target}}}")
    if not has_torch:
        print("(torch is not installed: `pip install -e '.[torch]'` adds its column)")
    head = "| model | packdialect (us) | max rel. error vs torch |"
    rule = "|---|---|---|"
    if has_torch:
        head += " torch 1T (us) | torch / packdialect |"
        rule += "---|---|"
    print(head)
    print(rule)
    for row in rows:
        line = f"| {row['model']} | {row['packdialect']:.1f} | {row['error']:.1e} |"
        if has_torch:
            ratio = row["torch"] / row["packdialect"]
            line += f" {row['torch']:.1f} | {ratio:.2f}x |"
        print(line)


if __name__ == "__main__":
    main()
