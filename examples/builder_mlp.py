"""A 12-layer MLP written in Python with `packdialect.builder`.

A `@pd.macro` builds one dense layer (matmul, broadcasting bias add, relu);
a Python loop over numpy weights (`pd.constant`) unrolls the network at
build time; the result is the linalg-on-tensors MLIR a user would write by
hand, which every packdialect pass takes.

    .venv/bin/python examples/builder_mlp.py           # build, compile (C), check against numpy
    .venv/bin/python examples/builder_mlp.py --print   # print the module
    .venv/bin/python examples/builder_mlp.py --print | .venv/bin/pack-opt -o /dev/null \\
        -p 'pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d,pack-stats'

The last one reports one pack (of the input) and one unpack (of the
result): every weight and bias is packed at compile time.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import packdialect
import packdialect.builder as pd

LAYERS, BATCH, WIDTH = 12, 16, 64

rng = np.random.default_rng(0)
WEIGHTS = (rng.normal(0, 0.2, (LAYERS, WIDTH, WIDTH))).astype(np.float32)
BIASES = (rng.normal(0, 0.5, (LAYERS, WIDTH))).astype(np.float32)


@pd.macro
def dense(x, w, b):
    """relu(x @ w + b): linalg.matmul into a fill, then two linalg.generic."""
    return pd.relu(x @ w + b)


@pd.func
def mlp(x: pd.Tensor[(BATCH, WIDTH), pd.f32]):
    """The network: the loop runs in Python, so the IR holds LAYERS layers."""
    for w, b in zip(WEIGHTS, BIASES, strict=True):
        x = dense(x, pd.constant(w), pd.constant(b))
    return x


def reference(x: np.ndarray) -> np.ndarray:
    """The same network in numpy."""
    for w, b in zip(WEIGHTS, BIASES, strict=True):
        x = np.maximum(x @ w + b, 0)
    return x


def main(argv: list[str] | None = None) -> int:
    """Print the module, or compile it and compare it with numpy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the MLIR module")
    args = parser.parse_args(argv)
    if args.print:
        print(mlp.module)
        return 0
    x = np.random.default_rng(1).uniform(-1, 1, (BATCH, WIDTH)).astype(np.float32)
    compiled = packdialect.compile(mlp)  # cpu-pipeline: packs, then C
    y = compiled.mlp(x)
    want = reference(x)
    error = float(np.abs(y - want).max() / np.abs(want).max())
    print(
        f"{LAYERS}-layer MLP {BATCH}x{WIDTH}: max relative error vs numpy {error:.2e}"
    )
    return 0 if error < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
