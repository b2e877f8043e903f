"""Export a 3-layer MLP (Linear + ReLU) with torch-mlir: mlp.mlir, mlp.npz."""

import torch
from export_common import export


class MLP(torch.nn.Module):
    """Linear(64, 64), ReLU, Linear(64, 64), ReLU, Linear(64, 32)."""

    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.Linear(64, 64)
        self.l2 = torch.nn.Linear(64, 64)
        self.l3 = torch.nn.Linear(64, 32)

    def forward(self, x):
        return self.l3(torch.relu(self.l2(torch.relu(self.l1(x)))))


def build():
    """The model (seeded as exported) and its example inputs."""
    torch.manual_seed(0)
    model = MLP()
    return model, (torch.randn(16, 64),)


if __name__ == "__main__":
    model, args = build()
    export("mlp", model, *args)
