// RUN: pack-opt %s -p canonicalize | filecheck %s

// The folds of a pad or a transpose into the pack / unpack that consumes it
// run in `canonicalize` too (upstream keeps them in a separate pattern set;
// pack-folds-fold-into.mlir checks the same cases and more).

// pad -> pack folds into a pack with the pad value as padding.
// CHECK-LABEL: func.func @fold_pad_pack(
// CHECK-SAME:      %[[X:.+]]: tensor<15x60xf32>
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NOT:     tensor.pad
// CHECK:         %[[P:.+]] = linalg.pack %[[X]] padding_value(%[[ZERO]] : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{.+}} : tensor<15x60xf32> -> tensor<2x4x8x16xf32>
// CHECK:         return %[[P]]
func.func @fold_pad_pack(%x: tensor<15x60xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %pd = tensor.pad %x low[0, 0] high[1, 4] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<15x60xf32> to tensor<16x64xf32>
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %pd inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Not folded: low padding.
// CHECK-LABEL: func.func @no_fold_pad_pack_low(
// CHECK:         %[[PAD:.+]] = tensor.pad %{{.+}} low[1, 0]
// CHECK:         linalg.pack %[[PAD]]
func.func @no_fold_pad_pack_low(%x: tensor<15x64xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %pd = tensor.pad %x low[1, 0] high[0, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<15x64xf32> to tensor<16x64xf32>
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %pd inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// transpose -> pack folds into the pack's positions and outer permutation.
// CHECK-LABEL: func.func @fold_transpose_pack(
// CHECK-SAME:      %[[X:.+]]: tensor<64x16xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[P:.+]] = linalg.pack %[[X]] outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [8, 16] into %{{.+}} : tensor<64x16xf32> -> tensor<2x4x8x16xf32>
// CHECK:         return %[[P]]
func.func @fold_transpose_pack(%x: tensor<64x16xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %t = linalg.transpose ins(%x : tensor<64x16xf32>) outs(%e : tensor<16x64xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %t inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// transpose -> unpack folds into the unpack.
// CHECK-LABEL: func.func @fold_transpose_unpack(
// CHECK-SAME:      %[[X:.+]]: tensor<4x2x16x8xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[U:.+]] = linalg.unpack %[[X]] outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [16, 8] into %{{.+}} : tensor<4x2x16x8xf32> -> tensor<16x64xf32>
// CHECK:         return %[[U]]
func.func @fold_transpose_unpack(%x: tensor<4x2x16x8xf32>) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %t = linalg.transpose ins(%x : tensor<4x2x16x8xf32>) outs(%e : tensor<2x4x8x16xf32>) permutation = [1, 0, 3, 2]
  %e2 = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %t inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  func.return %u : tensor<16x64xf32>
}
