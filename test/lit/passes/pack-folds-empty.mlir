// RUN: pack-opt %s -p fold-pack-unpack-into-empty | filecheck %s
// RUN: pack-opt %s -p canonicalize | filecheck %s
// Upstream's populateFoldPackUnpackIntoTensorEmptyPatterns (a separate
// pattern set upstream; our canonicalize applies it too): a pack / unpack of tensor.empty is its dest.

// undefined either way; the fills make the results comparable.)
// CHECK-LABEL: func.func @pack_empty(
// CHECK-NEXT:    %[[D:.+]] = tensor.empty() : tensor<2x4x8x16xf32>
// CHECK-NOT:     linalg.pack
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%[[D]] : tensor<2x4x8x16xf32>)
func.func @pack_empty() -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %e inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  %one = arith.constant 1.0 : f32
  %f = linalg.fill ins(%one : f32) outs(%p : tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  func.return %f : tensor<2x4x8x16xf32>
}

// Kept: a padded pack defines its padding elements.
// CHECK-LABEL: func.func @no_pack_empty_padding(
// CHECK:         %[[P:.+]] = linalg.pack %{{.+}} padding_value(
// CHECK:         return %[[P]]
func.func @no_pack_empty_padding() -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<15x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %e padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<15x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// An unpack of tensor.empty is its dest.
// CHECK-LABEL: func.func @unpack_empty(
// CHECK-SAME:      %[[D:.+]]: tensor<16x64xf32>
// CHECK-NOT:     linalg.unpack
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%[[D]] : tensor<16x64xf32>)
func.func @unpack_empty(%d: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %u = linalg.unpack %e inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %one = arith.constant 1.0 : f32
  %f = linalg.fill ins(%one : f32) outs(%u : tensor<16x64xf32>) -> tensor<16x64xf32>
  func.return %f : tensor<16x64xf32>
}

// Kept: the source holds data.
// CHECK-LABEL: func.func @no_unpack_arg(
// CHECK-SAME:      %[[X:.+]]: tensor<2x4x8x16xf32>
// CHECK:         %[[U:.+]] = linalg.unpack %[[X]]
// CHECK:         return %[[U]]
func.func @no_unpack_arg(%x: tensor<2x4x8x16xf32>) -> tensor<16x64xf32> {
  %d = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  func.return %u : tensor<16x64xf32>
}
