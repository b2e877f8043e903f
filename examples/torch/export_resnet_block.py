"""Export a ResNet basic block with a strided 1x1 downsample (3x3 conv
stride 2, BatchNorm, ReLU, 3x3 conv, BatchNorm, + downsample, ReLU) with
torch-mlir: resnet_block.mlir/.npz."""

import torch
from export_common import export, randomize_batchnorm
from torch import nn


class BasicBlock(nn.Module):
    """torchvision's BasicBlock with stride 2 and a 1x1 conv downsample."""

    def __init__(self, cin=16, cout=32, stride=2):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
        )

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + self.down(x))


def build():
    """The model (seeded as exported) and its example inputs."""
    torch.manual_seed(0)
    model = randomize_batchnorm(BasicBlock())
    return model, (torch.randn(1, 16, 16, 16),)


if __name__ == "__main__":
    model, args = build()
    export("resnet_block", model, *args)
