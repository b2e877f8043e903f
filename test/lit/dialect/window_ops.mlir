// RUN: pack-opt %s | filecheck %s
// RUN: pack-opt %s | pack-opt | filecheck %s
// RUN: pack-opt %s -p linalg-generalize-named-ops | filecheck %s --check-prefix=GEN

// Depthwise convolutions and pooling print as upstream writes them and
// generalize to upstream's maps and bodies (test/lit/with-mlir/window_ops.mlir
// compares with iree-opt).

// CHECK-LABEL: func.func @p(
// CHECK:         linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(
// CHECK:         linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(
// CHECK:         linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(
// CHECK:         linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(
// CHECK:         linalg.pooling_nhwc_min {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(
// CHECK:         linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(
// CHECK:         linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(
// CHECK:         linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(
// GEN-DAG:     #[[NCHW_IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
// GEN-DAG:     #[[WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// GEN-DAG:     #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// GEN-DAG:     #[[DW_IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 + d4, d2 + d5)>
// GEN-DAG:     #[[DW_K:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
// GEN-DAG:     #[[DW_OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1, d2)>
// GEN-LABEL: func.func @p(
// GEN:         linalg.generic {indexing_maps = [#[[NCHW_IN]], #[[WIN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// GEN-NEXT:    ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32, %[[ACC:.+]]: f32):
// GEN-NEXT:      %[[M:.+]] = arith.maximumf %[[ACC]], %[[IN]] : f32
// GEN-NEXT:      linalg.yield %[[M]] : f32
// GEN:         linalg.generic {indexing_maps = [#[[DW_IN]], #[[DW_K]], #[[DW_OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// GEN-NEXT:    ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %[[C:.+]]: f32):
// GEN-NEXT:      %[[P:.+]] = arith.mulf %[[A]], %[[B]] : f32
// GEN-NEXT:      %[[S:.+]] = arith.addf %[[C]], %[[P]] : f32
// GEN-NEXT:      linalg.yield %[[S]] : f32
func.func @p(%x: tensor<1x4x8x8xf32>, %w: tensor<2x2xf32>, %o: tensor<1x4x7x7xf32>, %xh: tensor<1x8x8x4xf32>, %oh: tensor<1x7x7x4xf32>, %k: tensor<4x3x3xf32>, %kh: tensor<3x3x4xf32>, %km: tensor<3x3x4x2xf32>, %om: tensor<1x6x6x4x2xf32>, %o3: tensor<1x4x6x6xf32>, %o3h: tensor<1x6x6x4xf32>) -> (tensor<1x4x7x7xf32>, tensor<1x4x7x7xf32>, tensor<1x7x7x4xf32>, tensor<1x7x7x4xf32>, tensor<1x7x7x4xf32>, tensor<1x4x6x6xf32>, tensor<1x6x6x4xf32>, tensor<1x6x6x4x2xf32>) {
  %0 = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%o : tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %1 = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%o : tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %2 = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%xh, %w : tensor<1x8x8x4xf32>, tensor<2x2xf32>) outs(%oh : tensor<1x7x7x4xf32>) -> tensor<1x7x7x4xf32>
  %3 = linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%xh, %w : tensor<1x8x8x4xf32>, tensor<2x2xf32>) outs(%oh : tensor<1x7x7x4xf32>) -> tensor<1x7x7x4xf32>
  %4 = linalg.pooling_nhwc_min {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%xh, %w : tensor<1x8x8x4xf32>, tensor<2x2xf32>) outs(%oh : tensor<1x7x7x4xf32>) -> tensor<1x7x7x4xf32>
  %5 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %k : tensor<1x4x8x8xf32>, tensor<4x3x3xf32>) outs(%o3 : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %6 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%xh, %kh : tensor<1x8x8x4xf32>, tensor<3x3x4xf32>) outs(%o3h : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %7 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%xh, %km : tensor<1x8x8x4xf32>, tensor<3x3x4x2xf32>) outs(%om : tensor<1x6x6x4x2xf32>) -> tensor<1x6x6x4x2xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<1x4x7x7xf32>, tensor<1x4x7x7xf32>, tensor<1x7x7x4xf32>, tensor<1x7x7x4xf32>, tensor<1x7x7x4xf32>, tensor<1x4x6x6xf32>, tensor<1x6x6x4xf32>, tensor<1x6x6x4x2xf32>
}
