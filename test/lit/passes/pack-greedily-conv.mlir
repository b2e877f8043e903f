// RUN: pack-opt %s --split-input-file -p 'pack-greedily{packed-sizes=0,0,0}' | filecheck %s
// RUN: pack-opt %s --split-input-file -p 'pack-greedily{mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | filecheck %s --check-prefix=MMT4D
// RUN: pack-opt %s --split-input-file -p 'pack-greedily{packed-sizes=0,0,0 conv=direct}' | filecheck %s --check-prefix=DIRECT
// RUN: pack-opt %s --split-input-file -p 'pack-greedily{report=true}' -o /dev/null 2>&1 | filecheck %s --check-prefix=REPORT
// RUN: not pack-opt %s -p 'pack-greedily{conv=winograd}' 2>&1 | filecheck %s --check-prefix=ERROR

// pack-greedily's conv option (default im2col): convolutions become matmuls
// (packed-sizes=0,0,0 shows the rewrite alone), then mmt4d. The execution
// checks are in test/unit/test_conv_packing.py.
// ERROR: error: pack-greedily: conv must be one of im2col, direct, none, got 'winograd'

// A strided 1x1 (ResNet's downsample): a strided slice, then the weights
// (F x C) times the columns (C x OH*OW) of the image, no copy.
// CHECK-LABEL: func.func @conv_1x1_strided(
//       CHECK:   %[[S:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0, 0] [1, 16, 5, 5] [1, 1, 2, 2]
//       CHECK:   %[[X:.+]] = tensor.collapse_shape %[[S]] {{\[}}[0, 1], [2, 3]] : tensor<1x16x5x5xf32> into tensor<16x25xf32>
//       CHECK:   %[[W:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2, 3]] : tensor<24x16x1x1xf32> into tensor<24x16xf32>
//       CHECK:   %[[O:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2, 3]] : tensor<1x24x5x5xf32> into tensor<24x25xf32>
//       CHECK:   %[[M:.+]] = linalg.generic {{.+}} ins(%[[W]], %[[X]] : tensor<24x16xf32>, tensor<16x25xf32>) outs(%[[O]] : tensor<24x25xf32>)
//       CHECK:   tensor.expand_shape %[[M]] {{\[}}[0, 1], [2, 3]] output_shape [1, 24, 5, 5]
// MMT4D-LABEL: func.func @conv_1x1_strided(
//       MMT4D:   linalg.mmt4d
//  DIRECT-LABEL: func.func @conv_1x1_strided(
//       DIRECT:   tensor.extract_slice
//   REPORT: remark: pack-greedily: @conv_1x1_strided: linalg.conv_2d_nchw_fchw: rewritten as a matmul (conv=im2col)
func.func @conv_1x1_strided(%x: tensor<1x16x9x9xf32>, %w: tensor<24x16x1x1xf32>, %o: tensor<1x24x5x5xf32>) -> tensor<1x24x5x5xf32> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%x, %w : tensor<1x16x9x9xf32>, tensor<24x16x1x1xf32>) outs(%o : tensor<1x24x5x5xf32>) -> tensor<1x24x5x5xf32>
  return %r : tensor<1x24x5x5xf32>
}

// -----

// A 3x3: im2col gathers the columns (C*KH*KW x OH*OW) with a copy generic.
// CHECK-LABEL: func.func @conv_3x3(
//       CHECK:   %[[I:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]] : tensor<1x8x10x10xf32> into tensor<8x10x10xf32>
//       CHECK:   %[[G:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[I]] : tensor<8x10x10xf32>) outs(%{{.+}} : tensor<8x3x3x8x8xf32>)
//       CHECK:   %[[C:.+]] = tensor.collapse_shape %[[G]] {{\[}}[0, 1, 2], [3, 4]] : tensor<8x3x3x8x8xf32> into tensor<72x64xf32>
//       CHECK:   %[[W:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2, 3]] : tensor<16x8x3x3xf32> into tensor<16x72xf32>
//       CHECK:   linalg.generic {{.+}} ins(%[[W]], %[[C]] : tensor<16x72xf32>, tensor<72x64xf32>)
// MMT4D-LABEL: func.func @conv_3x3(
//       MMT4D:   linalg.mmt4d
// Packed as it is under conv=direct:
//  DIRECT-LABEL: func.func @conv_3x3(
//   DIRECT-NOT:   tensor.collapse_shape
//       DIRECT:   linalg.conv_2d_nchw_fchw
func.func @conv_3x3(%x: tensor<1x8x10x10xf32>, %w: tensor<16x8x3x3xf32>, %o: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %r : tensor<1x16x8x8xf32>
}

// -----

// Left alone: two NCHW images (the weights sit left of each image's product).
// CHECK-LABEL: func.func @two_images(
//       CHECK:   linalg.conv_2d_nchw_fchw
//   REPORT: remark: pack-greedily: @two_images: linalg.conv_2d_nchw_fchw: not rewritten as a matmul: an NCHW convolution of 2 images has no single matmul form
func.func @two_images(%x: tensor<2x4x5x5xf32>, %w: tensor<8x4x1x1xf32>, %o: tensor<2x8x5x5xf32>) -> tensor<2x8x5x5xf32> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<2x4x5x5xf32>, tensor<8x4x1x1xf32>) outs(%o : tensor<2x8x5x5xf32>) -> tensor<2x8x5x5xf32>
  return %r : tensor<2x8x5x5xf32>
}
