"""Applying pattern sets."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import ModuleOp
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriteWalker,
    RewritePattern,
)


def apply_patterns(module: ModuleOp, patterns: Sequence[RewritePattern]) -> None:
    """Apply `patterns` greedily to a fixed point (dead pure ops are erased)."""
    PatternRewriteWalker(GreedyRewritePatternApplier(list(patterns))).rewrite_module(
        module
    )
