"""Sliding-window named ops torch-mlir emits that xDSL lacks (or gets wrong):
depthwise convolutions and pooling, with upstream's syntax and semantics.

- `linalg.depthwise_conv_2d_nchw_chw`, `linalg.depthwise_conv_2d_nhwc_hwc`,
  `linalg.depthwise_conv_2d_nhwc_hwcm`
  (https://mlir.llvm.org/docs/Dialects/Linalg/#linalgdepthwise_conv_2d_nchw_chw-linalgdepthwiseconv2dnchwchwop):
  one filter per channel, a multiply-accumulate over the window.
- `linalg.pooling_nchw_max` / `_sum`, `linalg.pooling_nhwc_max` / `_sum` /
  `_min` (https://mlir.llvm.org/docs/Dialects/Linalg/#linalgpooling_nchw_max-linalgpoolingnchwmaxop):
  the second input only gives the window's shape; the body combines the
  accumulator with the input element (`arith.maximumf %out, %in`). xDSL's
  `pooling_nchw_max` combines the input with the window operand instead;
  this one replaces it.

Each op is a `NamedOperation` (xDSL's printing and parsing,
`{dilations = ..., strides = ...}` in front) whose indexing maps, iterator
types and body are upstream's generalization, so the interpreter,
`linalg-generalize-named-ops` and every pass built on generics take them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import AnyFloat, ArrayAttr
from xdsl.dialects.linalg.abstract_ops import ConvOperation, PoolingOperation
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import YieldOp
from xdsl.ir import Attribute, BlockArgument, Operation, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap
from xdsl.irdl import irdl_op_definition

from packdialect.ir.named_ops import cast_to, mac_region


def _window(
    op: ConvOperation | PoolingOperation, out: AffineExpr, k: AffineExpr, axis: int
) -> AffineExpr:
    """`out * stride + k * dilation` along spatial axis 0 (H) or 1 (W)."""
    stride = op.strides.get_values()[axis]
    dilation = op.dilations.get_values()[axis]
    return out * stride + k * dilation


def _dims(count: int) -> list[AffineDimExpr]:
    return [AffineDimExpr(d) for d in range(count)]


def _iterators(parallel: int, reduction: int) -> ArrayAttr[IteratorTypeAttr]:
    return ArrayAttr(
        (IteratorTypeAttr.parallel(),) * parallel
        + (IteratorTypeAttr.reduction(),) * reduction
    )


class DepthwiseConvOperation(ConvOperation):
    """A depthwise convolution: two reduction loops (the window), the rest
    parallel; the body is upstream's `out + in * filter` (signed casts)."""

    @classmethod
    def get_hidden_region(
        cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]
    ) -> Region:
        return mac_region(cls.body_arg_types((*inputs, *outputs)))

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return _iterators(self.get_num_loops() - 2, 2)


@irdl_op_definition
class DepthwiseConv2DNchwChwOp(DepthwiseConvOperation):
    """`linalg.depthwise_conv_2d_nchw_chw`: loops (n, oh, ow, c, kh, kw)."""

    name = "linalg.depthwise_conv_2d_nchw_chw"

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        n, oh, ow, c, kh, kw = _dims(6)
        h, w = _window(self, oh, kh, 0), _window(self, ow, kw, 1)
        return (
            AffineMap(6, 0, (n, c, h, w)),
            AffineMap(6, 0, (c, kh, kw)),
            AffineMap(6, 0, (n, c, oh, ow)),
        )


@irdl_op_definition
class DepthwiseConv2DNhwcHwcOp(DepthwiseConvOperation):
    """`linalg.depthwise_conv_2d_nhwc_hwc`: loops (n, oh, ow, c, kh, kw)."""

    name = "linalg.depthwise_conv_2d_nhwc_hwc"

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        n, oh, ow, c, kh, kw = _dims(6)
        h, w = _window(self, oh, kh, 0), _window(self, ow, kw, 1)
        return (
            AffineMap(6, 0, (n, h, w, c)),
            AffineMap(6, 0, (kh, kw, c)),
            AffineMap(6, 0, (n, oh, ow, c)),
        )


@irdl_op_definition
class DepthwiseConv2DNhwcHwcmOp(DepthwiseConvOperation):
    """`linalg.depthwise_conv_2d_nhwc_hwcm`: loops (n, oh, ow, c, m, kh, kw),
    `m` filters per channel."""

    name = "linalg.depthwise_conv_2d_nhwc_hwcm"

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        n, oh, ow, c, m, kh, kw = _dims(7)
        h, w = _window(self, oh, kh, 0), _window(self, ow, kw, 1)
        return (
            AffineMap(7, 0, (n, h, w, c)),
            AffineMap(7, 0, (kh, kw, c, m)),
            AffineMap(7, 0, (n, oh, ow, c, m)),
        )


class WindowPoolingOperation(PoolingOperation):
    """A pooling op: `out = combine(out, cast(in))` over the window; the
    window operand is read for its shape only."""

    FLOAT_COMBINER: ClassVar[type[Operation]]
    INT_COMBINER: ClassVar[type[Operation]]
    NCHW: ClassVar[bool]

    @classmethod
    def get_hidden_region(
        cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]
    ) -> Region:
        arg_types: Sequence[Attribute] = cls.body_arg_types((*inputs, *outputs))
        out_type = arg_types[-1]
        combiner = (
            cls.FLOAT_COMBINER if isinstance(out_type, AnyFloat) else cls.INT_COMBINER
        )

        @Builder.implicit_region(arg_types)
        def body(args: tuple[BlockArgument, ...]) -> None:
            value = cast_to(args[0], out_type)
            result = combiner(args[-1], value)  # pyright: ignore[reportCallIssue]
            YieldOp(result.results[0])

        return body

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        a, b, c, d, kh, kw = _dims(6)
        if self.NCHW:  # loops (n, c, oh, ow, kh, kw)
            n, ch, oh, ow = a, b, c, d
            source = (n, ch, _window(self, oh, kh, 0), _window(self, ow, kw, 1))
            result = (n, ch, oh, ow)
        else:  # loops (n, oh, ow, c, kh, kw)
            n, oh, ow, ch = a, b, c, d
            source = (n, _window(self, oh, kh, 0), _window(self, ow, kw, 1), ch)
            result = (n, oh, ow, ch)
        return (
            AffineMap(6, 0, source),
            AffineMap(6, 0, (kh, kw)),
            AffineMap(6, 0, result),
        )


@irdl_op_definition
class PoolingNchwMaxOp(WindowPoolingOperation):
    """`linalg.pooling_nchw_max` (upstream's body; replaces xDSL's)."""

    name = "linalg.pooling_nchw_max"
    FLOAT_COMBINER: ClassVar[type[Operation]] = arith.MaximumfOp
    INT_COMBINER: ClassVar[type[Operation]] = arith.MaxSIOp
    NCHW: ClassVar[bool] = True


@irdl_op_definition
class PoolingNchwSumOp(WindowPoolingOperation):
    """`linalg.pooling_nchw_sum`."""

    name = "linalg.pooling_nchw_sum"
    FLOAT_COMBINER: ClassVar[type[Operation]] = arith.AddfOp
    INT_COMBINER: ClassVar[type[Operation]] = arith.AddiOp
    NCHW: ClassVar[bool] = True


@irdl_op_definition
class PoolingNhwcMaxOp(WindowPoolingOperation):
    """`linalg.pooling_nhwc_max`."""

    name = "linalg.pooling_nhwc_max"
    FLOAT_COMBINER: ClassVar[type[Operation]] = arith.MaximumfOp
    INT_COMBINER: ClassVar[type[Operation]] = arith.MaxSIOp
    NCHW: ClassVar[bool] = False


@irdl_op_definition
class PoolingNhwcSumOp(WindowPoolingOperation):
    """`linalg.pooling_nhwc_sum`."""

    name = "linalg.pooling_nhwc_sum"
    FLOAT_COMBINER: ClassVar[type[Operation]] = arith.AddfOp
    INT_COMBINER: ClassVar[type[Operation]] = arith.AddiOp
    NCHW: ClassVar[bool] = False


@irdl_op_definition
class PoolingNhwcMinOp(WindowPoolingOperation):
    """`linalg.pooling_nhwc_min`."""

    name = "linalg.pooling_nhwc_min"
    FLOAT_COMBINER: ClassVar[type[Operation]] = arith.MinimumfOp
    INT_COMBINER: ClassVar[type[Operation]] = arith.MinSIOp
    NCHW: ClassVar[bool] = False


WINDOW_OPS = (
    DepthwiseConv2DNchwChwOp,
    DepthwiseConv2DNhwcHwcOp,
    DepthwiseConv2DNhwcHwcmOp,
    PoolingNchwMaxOp,
    PoolingNchwSumOp,
    PoolingNhwcMaxOp,
    PoolingNhwcSumOp,
    PoolingNhwcMinOp,
)
"""The ops of this module, for the `linalg` namespace."""
