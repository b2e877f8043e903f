"""Export a MobileNet-v1 block (1x1 conv, BatchNorm, ReLU6, depthwise 3x3,
BatchNorm, ReLU6, 1x1 conv) with torch-mlir: mobilenet_block.mlir/.npz."""

import torch
from export_common import export, randomize_batchnorm
from torch import nn


def mobilenet_block(cin=16, mid=32, cout=32):
    """The block, NCHW as torch writes it."""
    return nn.Sequential(
        nn.Conv2d(cin, mid, 1, bias=False),
        nn.BatchNorm2d(mid),
        nn.ReLU6(),
        nn.Conv2d(mid, mid, 3, padding=1, groups=mid, bias=False),
        nn.BatchNorm2d(mid),
        nn.ReLU6(),
        nn.Conv2d(mid, cout, 1, bias=False),
    )


def build():
    """The model (seeded as exported) and its example inputs."""
    torch.manual_seed(0)
    model = randomize_batchnorm(mobilenet_block())
    return model, (torch.randn(1, 16, 12, 12),)


if __name__ == "__main__":
    model, args = build()
    export("mobilenet_block", model, *args)
