// RUN: pack-opt %s --split-input-file -p 'lower-packs{to-tensor-ops=true}' | filecheck %s

// With to-tensor-ops, packs lower on tensors as upstream's `lowerPack` does
// (the example of the reference: 129x47x16x16, inner [1, 0], tiles [32, 8]).

// CHECK-LABEL: func.func @pack
// CHECK-SAME:    (%[[A:.+]]: tensor<129x47x16x16xf32>)
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<17x2x16x16x32x8xf32>
// CHECK:         %[[P:.+]] = tensor.pad %[[A]] low[0, 0, 0, 0] high[7, 17, 0, 0]
// CHECK:         } : tensor<129x47x16x16xf32> to tensor<136x64x16x16xf32>
// CHECK-NEXT:    %[[X:.+]] = tensor.expand_shape %[[P]] {{.*}} output_shape [17, 8, 2, 32, 16, 16] : tensor<136x64x16x16xf32> into tensor<17x8x2x32x16x16xf32>
// CHECK-NEXT:    %[[T:.+]] = linalg.transpose ins(%[[X]] : tensor<17x8x2x32x16x16xf32>) outs(%[[E]] : tensor<17x2x16x16x32x8xf32>) permutation = [0, 2, 4, 5, 3, 1]
// CHECK-NEXT:    return %[[T]]
func.func @pack(%a: tensor<129x47x16x16xf32>) -> tensor<17x2x16x16x32x8xf32> {
  %pad = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<17x2x16x16x32x8xf32>
  %p = linalg.pack %a padding_value(%pad : f32) inner_dims_pos = [1, 0] inner_tiles = [32, 8] into %e : tensor<129x47x16x16xf32> -> tensor<17x2x16x16x32x8xf32>
  return %p : tensor<17x2x16x16x32x8xf32>
}

// -----

// An unpack: transpose back, collapse, drop the padding, copy into the dest.

// CHECK-LABEL: func.func @unpack
// CHECK-SAME:    (%[[P:.+]]: tensor<4x2x2x3xf32>, %[[D:.+]]: tensor<5x7xf32>)
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<2x3x4x2xf32>
// CHECK-NEXT:    %[[T:.+]] = linalg.transpose ins(%[[P]] : tensor<4x2x2x3xf32>) outs(%[[E]] : tensor<2x3x4x2xf32>) permutation = [1, 3, 0, 2]
// CHECK-NEXT:    %[[C:.+]] = tensor.collapse_shape %[[T]] {{.*}} : tensor<2x3x4x2xf32> into tensor<6x8xf32>
// CHECK-NEXT:    %[[S:.+]] = tensor.extract_slice %[[C]][0, 0] [5, 7] [1, 1] : tensor<6x8xf32> to tensor<5x7xf32>
// CHECK-NEXT:    %[[R:.+]] = linalg.copy ins(%[[S]] : tensor<5x7xf32>) outs(%[[D]] : tensor<5x7xf32>) -> tensor<5x7xf32>
// CHECK-NEXT:    return %[[R]]
func.func @unpack(%p: tensor<4x2x2x3xf32>, %d: tensor<5x7xf32>) -> tensor<5x7xf32> {
  %u = linalg.unpack %p outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [2, 3] into %d : tensor<4x2x2x3xf32> -> tensor<5x7xf32>
  return %u : tensor<5x7xf32>
}
