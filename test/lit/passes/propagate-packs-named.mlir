// RUN: pack-opt %s -p propagate-packs | filecheck %s

// Named elementwise ops (xDSL's linalg.add, ...) next to a pack or unpack are
// generalized to linalg.generic first, as upstream expects generics. Others
// are left named.

// A named elementwise op next to an unpack is generalized, then pushed through.
// CHECK-LABEL: func.func @push_named_add(
// CHECK-SAME:      %[[X:[a-z0-9]+]]: tensor<2x4x8x16xf32>, %[[Y:[a-z0-9]+]]: tensor<16x64xf32>
// CHECK-NOT:     linalg.add
// CHECK:         %[[YP:.+]] = linalg.pack %[[Y]] inner_dims_pos = [0, 1] inner_tiles = [8, 16]
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[X]], %[[YP]] : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>)
// CHECK:         arith.addf
// CHECK:         linalg.unpack %[[G]]
func.func @push_named_add(%x: tensor<2x4x8x16xf32>, %y: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16x64xf32>
  %s = linalg.add ins(%u, %y : tensor<16x64xf32>, tensor<16x64xf32>) outs(%e2 : tensor<16x64xf32>) -> tensor<16x64xf32>
  func.return %s : tensor<16x64xf32>
}

// Left named: no pack or unpack next to it.
// CHECK-LABEL: func.func @named_add_alone(
// CHECK:         linalg.add
func.func @named_add_alone(%x: tensor<16x64xf32>, %y: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %s = linalg.add ins(%x, %y : tensor<16x64xf32>, tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  func.return %s : tensor<16x64xf32>
}

// A named op feeding a pack is generalized and the pack bubbles through.
// CHECK-LABEL: func.func @bubble_named_mul(
// CHECK-SAME:      %[[X:[a-z0-9]+]]: tensor<16x64xf32>, %[[Y:[a-z0-9]+]]: tensor<16x64xf32>
// CHECK-NOT:     linalg.mul
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]]
// CHECK:         %[[YP:.+]] = linalg.pack %[[Y]]
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[XP]], %[[YP]] : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>)
// CHECK:         arith.mulf
// CHECK:         return %[[G]]
func.func @bubble_named_mul(%x: tensor<16x64xf32>, %y: tensor<16x64xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %m = linalg.mul ins(%x, %y : tensor<16x64xf32>, tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %m inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}
