"""`pack-run --check`: compare results with the interpreter's, missing nothing.

Results must agree in count, shape and dtype. Floats: NaN where (and only
where) the reference has NaN, the same infinities at the same places, and
the finite values within a relative tolerance of the element type
(`tolerance`). Integers and booleans: exactly equal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.ir import Attribute

from packdialect.diagnostics import ToolError
from packdialect.ir.dtypes import element_type

_TOLERANCES = {"f64": 1e-7, "f32": 1e-4, "f16": 1e-2, "bf16": 1e-2}


def tolerance(t: Attribute) -> float:
    """The --check tolerance for results of MLIR type `t` (relative for floats)."""
    return _TOLERANCES.get(str(element_type(t)), 0.0)


def _first(mask: np.ndarray) -> tuple[int, ...]:
    """The index of the first true element of `mask`."""
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _special_values(i: int, got: np.ndarray, want: np.ndarray) -> None:
    """NaNs and infinities must be where the reference has them."""
    nan_differs = np.isnan(got) != np.isnan(want)
    inf_differs = (np.isinf(got) | np.isinf(want)) & (got != want)
    for differs in (nan_differs, inf_differs):
        if differs.any():
            at = _first(differs)
            raise ToolError(
                f"--check failed: result{i}{list(at)} is {float(got[at]):.7g}, "
                f"expected {float(want[at]):.7g}"
            )


def _float_error(got: np.ndarray, want: np.ndarray) -> float:
    """Max error of the finite values, relative to the largest finite reference."""
    finite = np.isfinite(want)
    if not finite.any():
        return 0.0
    g, w = got[finite].astype(np.float64), want[finite].astype(np.float64)
    scale = max(float(np.abs(w).max()), 1e-30)
    return float(np.abs(g - w).max()) / scale


def compare(
    got: Sequence[np.ndarray], want: Sequence[np.ndarray], types: Sequence[Attribute]
) -> float:
    """Max relative error (floats) / max abs error (ints); ToolError on mismatch."""
    if len(got) != len(want):
        raise ToolError(f"--check failed: {len(got)} results, expected {len(want)}")
    worst = 0.0
    for i, (g, w, t) in enumerate(zip(got, want, types, strict=True)):
        g, w = np.asarray(g), np.asarray(w)
        if g.shape != w.shape:
            raise ToolError(
                f"--check failed: result{i} has shape {g.shape}, expected {w.shape}"
            )
        if g.dtype != w.dtype:
            raise ToolError(
                f"--check failed: result{i} has dtype {g.dtype}, expected {w.dtype}"
            )
        if not w.size:
            continue
        if np.issubdtype(w.dtype, np.floating):
            _special_values(i, g, w)
            err, tol = _float_error(g, w), tolerance(t)
        else:
            err = float(np.abs(g.astype(np.int64) - w.astype(np.int64)).max())
            tol = 0.0
        worst = max(worst, err)
        if err > tol:
            raise ToolError(
                f"--check failed: result{i} differs by {err:.3g} (tolerance {tol})"
            )
    return worst
