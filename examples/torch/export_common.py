"""Shared by the export scripts: export a torch model with torch-mlir's
defaults and save the MLIR text plus an input/reference npz.

Needs the optional `torch` extra: `pip install -e '.[torch]'`.
"""

from __future__ import annotations

import pathlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent


def export(name: str, model, *args) -> pathlib.Path:
    """Write `NAME.mlir` (linalg on tensors, torch-mlir's default options),
    `NAME.inputs.npz` (`arg0`, ...: pack-run's `--inputs`) and `NAME.torch.npz`
    (`result0`, ...: torch's outputs, the reference)."""
    import torch
    from torch_mlir import fx

    torch.manual_seed(0)
    model = model.eval()
    with torch.no_grad():
        outs = model(*args)
    if not isinstance(outs, tuple | list):
        outs = (outs,)
    module = fx.export_and_import(
        model, *args, output_type="linalg-on-tensors", func_name=name
    )
    path = HERE / f"{name}.mlir"
    path.write_text(str(module))
    inputs = {f"arg{i}": a.detach().numpy() for i, a in enumerate(args)}
    np.savez_compressed(HERE / f"{name}.inputs.npz", **inputs)
    results = {f"result{i}": o.detach().numpy() for i, o in enumerate(outs)}
    np.savez_compressed(HERE / f"{name}.torch.npz", **results)
    print(f"wrote {path} ({path.stat().st_size} bytes) and its npz files")
    return path


def randomize_batchnorm(model):
    """Give every BatchNorm random running statistics and affine parameters,
    so that the exported constants are not the identity."""
    import torch

    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n) * 0.1)
            m.running_var.copy_(torch.rand(n) + 0.5)
            m.weight.data.copy_(torch.rand(n) + 0.5)
            m.bias.data.copy_(torch.randn(n) * 0.1)
    return model
