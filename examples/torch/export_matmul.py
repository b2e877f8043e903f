"""Export torch.matmul with torch-mlir: matmul.mlir/.npz."""

import torch
from export_common import export


class Matmul(torch.nn.Module):
    """a @ b."""

    def forward(self, a, b):
        return a @ b


def build():
    """The model (seeded as exported) and its example inputs."""
    torch.manual_seed(0)
    model = Matmul()
    return model, (
        torch.randn(32, 64),
        torch.randn(64, 48),
    )


if __name__ == "__main__":
    model, args = build()
    export("matmul", model, *args)
