"""Export torch.bmm with torch-mlir: batch_matmul.mlir/.npz."""

import torch
from export_common import export


class BatchMatmul(torch.nn.Module):
    """torch.bmm(a, b)."""

    def forward(self, a, b):
        return torch.bmm(a, b)


def build():
    """The model (seeded as exported) and its example inputs."""
    torch.manual_seed(0)
    model = BatchMatmul()
    return model, (
        torch.randn(4, 32, 16),
        torch.randn(4, 16, 24),
    )


if __name__ == "__main__":
    model, args = build()
    export("batch_matmul", model, *args)
