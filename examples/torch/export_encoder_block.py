"""Export a transformer encoder block (nn.MultiheadAttention, residual,
LayerNorm, GELU FFN, residual, LayerNorm) with torch-mlir:
encoder_block.mlir/.npz."""

import torch
from export_common import export
from torch import nn


class EncoderBlock(nn.Module):
    """Post-norm encoder block, batch first."""

    def __init__(self, d=32, heads=4, ffn=64):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm1 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, ffn)
        self.ff2 = nn.Linear(ffn, d)
        self.norm2 = nn.LayerNorm(d)

    def forward(self, x):
        a, _ = self.attn(x, x, x, need_weights=False)
        x = self.norm1(x + a)
        return self.norm2(x + self.ff2(nn.functional.gelu(self.ff1(x))))


def build():
    """The model (seeded as exported) and its example inputs."""
    torch.manual_seed(0)
    model = EncoderBlock()
    return model, (torch.randn(2, 16, 32),)


if __name__ == "__main__":
    model, args = build()
    export("encoder_block", model, *args)
