"""Convolutions as matmuls, so that `pack-greedily` packs them into mmt4d.

The references are upstream's `transform.structured.convert_conv2d_to_img2col`
(mlir/lib/Dialect/Linalg/Transforms/ConvertConv2DToImg2Col.cpp) and IREE's
img2col preprocessing. For a 2-D convolution on static shapes:

- NHWC (`linalg.conv_2d_nhwc_hwcf` / `_fhwc`): the result is the matmul
  (N*OH*OW) x K times K x F with K = KH*KW*C (loops kh, kw, c), the filter
  collapsed to K x F (hwcf) or read as F x K (fhwc);
- NCHW (`linalg.conv_2d_nchw_fchw`) with one image: the filter F x K
  (K = C*KH*KW, loops c, kh, kw) times the columns K x (OH*OW), the weights
  on the left as PyTorch lays them out.

The columns are the input itself, collapsed, for a 1x1 convolution with
stride 1 (no copy); a strided 1x1 (ResNet's downsample) first takes a
strided `tensor.extract_slice`; a k x k convolution gathers its windows with
an im2col `linalg.generic` (a copy of KH*KW times the input). The matmul is
a `linalg.generic` with a multiply-accumulate body into the collapsed init,
expanded back to the convolution's result.

`mode` is pack-greedily's `conv` option: `im2col` rewrites both kinds,
`direct` only the copy-free ones (1x1; a k x k convolution is then packed as
it is, a conv-shaped packed generic), `none` neither (every convolution
packed as it is, as upstream's `pack_greedily`). Dynamic shapes, NCHW with
several images and other convolutions are refused with a reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.dialects import func, tensor
from xdsl.dialects.builtin import AffineMapAttr, TensorType
from xdsl.dialects.linalg.abstract_ops import ConvOperation
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import (
    Conv2DNchwFchwOp,
    Conv2DNhwc_FhwcOp,
    Conv2DNhwc_HwcfOp,
    GenericOp,
    YieldOp,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from packdialect.diagnostics import Refused, location_of
from packdialect.ir.named_ops import mac_region
from packdialect.ir.relayout_utils import Inserter, collapse_shape, expand_shape

CONV_MODES = ("im2col", "direct", "none")
"""The values of pack-greedily's `conv` option."""

ReportFn = Callable[[str, str], None]
"""Receives a location and one line saying what happened there."""


def function_prefix(op: Operation) -> str:
    """`pack-greedily: @<function>: ` for a report line about `op`."""
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, func.FuncOp):
        parent = parent.parent_op()
    where = f"@{parent.sym_name.data}: " if isinstance(parent, func.FuncOp) else ""
    return f"pack-greedily: {where}"


@dataclass(frozen=True)
class ConvShape:
    """A 2-D convolution's sizes, strides and dilations, layout-free."""

    n: int
    c: int
    h: int
    w: int
    f: int
    kh: int
    kw: int
    oh: int
    ow: int
    strides: tuple[int, int]
    dilations: tuple[int, int]

    @property
    def is_1x1(self) -> bool:
        return self.kh == self.kw == 1

    @property
    def copy_free(self) -> bool:
        """A 1x1 whose input is the columns, after a slice when strided."""
        return self.is_1x1


def _static_shape(value: SSAValue) -> tuple[int, ...] | None:
    t = value.type
    if not isinstance(t, TensorType) or not t.has_static_shape():
        return None
    return tuple(t.get_shape())


def conv_shape(op: ConvOperation) -> ConvShape | Refused:
    """The sizes of a supported convolution, or why it is not supported."""
    shapes = [_static_shape(v) for v in (*op.inputs, *op.outputs)]
    if len(shapes) != 3 or any(s is None for s in shapes):
        return Refused("im2col needs static tensor shapes")
    (x, k, o) = shapes
    assert x is not None and k is not None and o is not None
    strides = tuple(op.strides.get_values())
    dilations = tuple(op.dilations.get_values())
    if isinstance(op, Conv2DNchwFchwOp):
        (n, c, h, w), (f, _, kh, kw), (_, _, oh, ow) = x, k, o
    elif isinstance(op, Conv2DNhwc_HwcfOp):
        (n, h, w, c), (kh, kw, _, f), (_, oh, ow, _) = x, k, o
    elif isinstance(op, Conv2DNhwc_FhwcOp):
        (n, h, w, c), (f, kh, kw, _), (_, oh, ow, _) = x, k, o
    else:
        return Refused(f"no matmul form for '{op.name}'")
    return ConvShape(n, c, h, w, f, kh, kw, oh, ow, strides, dilations)  # type: ignore[arg-type]


def _tensor(shape: Sequence[int], element: Attribute) -> TensorType[Attribute]:
    return TensorType(element, list(shape))


def _element(value: SSAValue) -> Attribute:
    t = value.type
    assert isinstance(t, TensorType)
    return t.get_element_type()


def _copy_body(element: Attribute) -> Region:
    block = Block(arg_types=[element, element])
    block.add_op(YieldOp(block.args[0]))
    return Region(block)


def _window_exprs(s: ConvShape, oh, ow, kh, kw) -> tuple[AffineExpr, AffineExpr]:
    (sh, sw), (dh, dw) = s.strides, s.dilations
    return oh * sh + kh * dh, ow * sw + kw * dw


def _gather(
    build: Inserter,
    source: SSAValue,
    source_map: AffineMap,
    shape: Sequence[int],
) -> SSAValue:
    """A generic copying `source` (read through `source_map`) into a new
    tensor of `shape` indexed by the loops (the im2col columns)."""
    element = _element(source)
    result_type = _tensor(shape, element)
    empty = build(tensor.EmptyOp([], result_type)).results[0]
    identity = AffineMap.identity(len(shape))
    generic = GenericOp(
        [source],
        [empty],
        _copy_body(element),
        [AffineMapAttr(source_map), AffineMapAttr(identity)],
        [IteratorTypeAttr.parallel()] * len(shape),
        [result_type],
    )
    return build(generic).results[0]


def _strided_1x1(build: Inserter, x: SSAValue, s: ConvShape, nchw: bool) -> SSAValue:
    """The input positions a strided 1x1 convolution reads (a strided slice)."""
    if s.strides == (1, 1) and (s.oh, s.ow) == (s.h, s.w):
        return x
    sh, sw = s.strides
    if nchw:
        sizes, strides = [s.n, s.c, s.oh, s.ow], [1, 1, sh, sw]
    else:
        sizes, strides = [s.n, s.oh, s.ow, s.c], [1, sh, sw, 1]
    op = tensor.ExtractSliceOp.from_static_parameters(x, [0] * 4, sizes, strides)
    return build(op).results[0]


def _matmul(
    build: Inserter,
    lhs: SSAValue,
    rhs: SSAValue,
    acc: SSAValue,
    rhs_transposed: bool,
) -> SSAValue:
    """acc[m, n] += lhs[m, k] * rhs[k, n] (rhs[n, k] when transposed)."""
    m, n, k = (AffineDimExpr(d) for d in range(3))
    maps = [
        AffineMap(3, 0, (m, k)),
        AffineMap(3, 0, (n, k) if rhs_transposed else (k, n)),
        AffineMap(3, 0, (m, n)),
    ]
    types = [v.type for v in (lhs, rhs, acc)]
    generic = GenericOp(
        [lhs, rhs],
        [acc],
        mac_region([t.get_element_type() for t in types]),  # type: ignore[union-attr]
        [AffineMapAttr(a) for a in maps],
        [
            IteratorTypeAttr.parallel(),
            IteratorTypeAttr.parallel(),
            IteratorTypeAttr.reduction(),
        ],
        [acc.type],
    )
    return build(generic).results[0]


def _nhwc(build: Inserter, op: ConvOperation, s: ConvShape) -> SSAValue:
    x, weights = op.inputs
    init = op.outputs[0]
    rows, depth = s.n * s.oh * s.ow, s.kh * s.kw * s.c
    if s.is_1x1:
        columns4 = _strided_1x1(build, x, s, nchw=False)
        columns = build(
            collapse_shape(
                columns4, [[0, 1, 2], [3]], _tensor([rows, depth], _element(x))
            )
        ).results[0]
    else:
        n, oh, ow, kh, kw, c = (AffineDimExpr(d) for d in range(6))
        h, w = _window_exprs(s, oh, ow, kh, kw)
        gathered = _gather(
            build,
            x,
            AffineMap(6, 0, (n, h, w, c)),
            [s.n, s.oh, s.ow, s.kh, s.kw, s.c],
        )
        columns = build(
            collapse_shape(
                gathered, [[0, 1, 2], [3, 4, 5]], _tensor([rows, depth], _element(x))
            )
        ).results[0]
    transposed = isinstance(op, Conv2DNhwc_FhwcOp)
    groups = [[0], [1, 2, 3]] if transposed else [[0, 1, 2], [3]]
    filter_shape = [s.f, depth] if transposed else [depth, s.f]
    filt = build(
        collapse_shape(weights, groups, _tensor(filter_shape, _element(weights)))
    ).results[0]
    acc_type = _tensor([rows, s.f], _element(init))
    acc = build(collapse_shape(init, [[0, 1, 2], [3]], acc_type)).results[0]
    product = _matmul(build, columns, filt, acc, rhs_transposed=transposed)
    result_type = init.type
    assert isinstance(result_type, TensorType)
    return build(expand_shape(product, [[0, 1, 2], [3]], result_type)).results[0]


def _nchw(build: Inserter, op: ConvOperation, s: ConvShape) -> SSAValue:
    x, weights = op.inputs
    init = op.outputs[0]
    pixels, depth = s.oh * s.ow, s.c * s.kh * s.kw
    if s.is_1x1:
        columns4 = _strided_1x1(build, x, s, nchw=True)
        columns = build(
            collapse_shape(
                columns4, [[0, 1], [2, 3]], _tensor([depth, pixels], _element(x))
            )
        ).results[0]
    else:
        image = build(
            collapse_shape(x, [[0, 1], [2], [3]], _tensor([s.c, s.h, s.w], _element(x)))
        ).results[0]
        c, kh, kw, oh, ow = (AffineDimExpr(d) for d in range(5))
        h, w = _window_exprs(s, oh, ow, kh, kw)
        gathered = _gather(
            build, image, AffineMap(5, 0, (c, h, w)), [s.c, s.kh, s.kw, s.oh, s.ow]
        )
        columns = build(
            collapse_shape(
                gathered, [[0, 1, 2], [3, 4]], _tensor([depth, pixels], _element(x))
            )
        ).results[0]
    filt = build(
        collapse_shape(
            weights, [[0], [1, 2, 3]], _tensor([s.f, depth], _element(weights))
        )
    ).results[0]
    acc_type = _tensor([s.f, pixels], _element(init))
    acc = build(collapse_shape(init, [[0, 1], [2, 3]], acc_type)).results[0]
    product = _matmul(build, filt, columns, acc, rhs_transposed=False)
    result_type = init.type
    assert isinstance(result_type, TensorType)
    return build(expand_shape(product, [[0, 1], [2, 3]], result_type)).results[0]


def conv_as_matmul(
    rewriter: PatternRewriter, op: Operation, mode: str
) -> SSAValue | Refused:
    """Rewrite the convolution `op` into a matmul (see the module docstring);
    the new result, or why `op` was left alone (then nothing changed)."""
    if not isinstance(op, ConvOperation):
        return Refused("not a convolution")
    if mode == "none":
        return Refused("conv=none: convolutions are not rewritten")
    shape = conv_shape(op)
    if isinstance(shape, Refused):
        return shape
    if mode == "direct" and not shape.copy_free:
        return Refused(
            f"conv=direct: a {shape.kh}x{shape.kw} convolution is packed as it is"
        )
    nchw = isinstance(op, Conv2DNchwFchwOp)
    if nchw and shape.n != 1:
        return Refused(
            f"an NCHW convolution of {shape.n} images has no single matmul form "
            "(the weights are on the left of each image's product)"
        )
    build = Inserter(rewriter, op)
    result = _nchw(build, op, shape) if nchw else _nhwc(build, op, shape)
    build.name_after(op)
    rewriter.replace(op, [], [result])
    return result


class ConvAsMatmulPattern(RewritePattern):
    """Rewrites each convolution into a matmul (`conv_as_matmul`); with a
    `report` callback, says per convolution what it did."""

    def __init__(self, mode: str, report: ReportFn | None = None):
        self.mode = mode
        self.report = report

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, ConvOperation) or "conv_2d" not in op.name:
            return
        location = location_of(op)
        prefix = f"{function_prefix(op)}{op.name}: "
        result = conv_as_matmul(rewriter, op, self.mode)
        if self.report is None:
            return
        if isinstance(result, Refused):
            self.report(location, f"{prefix}not rewritten as a matmul: {result}")
            return
        self.report(location, f"{prefix}rewritten as a matmul (conv={self.mode})")
