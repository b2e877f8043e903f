"""The ops packdialect adds to the `linalg` (and legacy `tensor`) namespaces."""

from packdialect.ir.elementwise_ops import (
    ELEMENTWISE_OPS,
    ElementwiseKindAttr,
    ElementwiseOp,
    MapOp,
)
from packdialect.ir.generic_syntax import GenericOpSyntax
from packdialect.ir.named_ops import (
    NAMED_CONTRACTIONS,
    BatchMatmulOp,
    BatchMatvecOp,
    BatchMmt4dOp,
    ContractionNamedOp,
    DotOp,
    MatmulOp,
    MatvecOp,
    Mmt4dOp,
    VecmatOp,
)
from packdialect.ir.relayout import (
    PackOp,
    RelayoutOp,
    TensorPackOp,
    TensorUnpackOp,
    UnpackOp,
    infer_packed_shape,
)
from packdialect.ir.tensor_ops import TENSOR_REPLACED_OPS, PadOp
from packdialect.ir.window_ops import WINDOW_OPS

LINALG_OPS = (
    PackOp,
    UnpackOp,
    GenericOpSyntax,
    *ELEMENTWISE_OPS,
    *NAMED_CONTRACTIONS,
    *WINDOW_OPS,
)
LINALG_ATTRIBUTES = (ElementwiseKindAttr,)
"""Attributes added to the `linalg` namespace."""
"""Ops added to (or replacing xDSL's in) the `linalg` namespace."""

TENSOR_OPS = (TensorPackOp, TensorUnpackOp, *TENSOR_REPLACED_OPS)
"""Legacy spellings accepted in the `tensor` namespace, and `tensor` ops
verified as upstream does."""

__all__ = [
    "LINALG_OPS",
    "NAMED_CONTRACTIONS",
    "TENSOR_OPS",
    "BatchMatmulOp",
    "BatchMatvecOp",
    "BatchMmt4dOp",
    "ContractionNamedOp",
    "DotOp",
    "ElementwiseOp",
    "LINALG_ATTRIBUTES",
    "MapOp",
    "MatmulOp",
    "MatvecOp",
    "Mmt4dOp",
    "PackOp",
    "PadOp",
    "RelayoutOp",
    "TensorPackOp",
    "TensorUnpackOp",
    "UnpackOp",
    "VecmatOp",
    "infer_packed_shape",
]
