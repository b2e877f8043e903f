// RUN: pack-opt %s -p simplify-pack-unpack | filecheck %s

// Upstream's populateSimplifyPackAndUnpackPatterns (not part of canonicalize):
// packs / unpacks that only reshape become expand_shape / collapse_shape.

// A pack that only splits the innermost dim is an expand_shape.
// CHECK-LABEL: func.func @pack_innermost(
// CHECK-SAME:      %[[X:.+]]: tensor<5x256xf32>
// CHECK-NEXT:    %[[E:.+]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2]] output_shape [5, 8, 32] : tensor<5x256xf32> into tensor<5x8x32xf32>
// CHECK-NEXT:    return %[[E]]
func.func @pack_innermost(%x: tensor<5x256xf32>) -> tensor<5x8x32xf32> {
  %e = tensor.empty() : tensor<5x8x32xf32>
  %p = linalg.pack %x inner_dims_pos = [1] inner_tiles = [32] into %e : tensor<5x256xf32> -> tensor<5x8x32xf32>
  func.return %p : tensor<5x8x32xf32>
}

// A pack of a tensor with one non-unit dim is a reshape even with two tiles.
// CHECK-LABEL: func.func @pack_1d(
// CHECK-SAME:      %[[X:.+]]: tensor<1x64xf32>
// CHECK-NEXT:    %[[E:.+]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2, 3]] output_shape [1, 4, 1, 16]
// CHECK-NEXT:    return %[[E]]
func.func @pack_1d(%x: tensor<1x64xf32>) -> tensor<1x4x1x16xf32> {
  %e = tensor.empty() : tensor<1x4x1x16xf32>
  %p = linalg.pack %x inner_dims_pos = [0, 1] inner_tiles = [1, 16] into %e : tensor<1x64xf32> -> tensor<1x4x1x16xf32>
  func.return %p : tensor<1x4x1x16xf32>
}

// Not simplified: the outer permutation moves a unit dim, no reassociation.
// CHECK-LABEL: func.func @no_pack_unit_perm(
// CHECK-NOT:     tensor.expand_shape
// CHECK:         linalg.pack
func.func @no_pack_unit_perm(%x: tensor<1x64xf32>) -> tensor<4x1x16xf32> {
  %e = tensor.empty() : tensor<4x1x16xf32>
  %p = linalg.pack %x outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [16] into %e : tensor<1x64xf32> -> tensor<4x1x16xf32>
  func.return %p : tensor<4x1x16xf32>
}

// Not simplified: the pack pads.
// CHECK-LABEL: func.func @no_pack_padding(
// CHECK-NOT:     tensor.expand_shape
// CHECK:         linalg.pack %{{.+}} padding_value(
func.func @no_pack_padding(%x: tensor<255xf32>) -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %p = linalg.pack %x padding_value(%zero : f32) inner_dims_pos = [0] inner_tiles = [32] into %e : tensor<255xf32> -> tensor<8x32xf32>
  func.return %p : tensor<8x32xf32>
}

// Not simplified: tiling two non-unit dims moves data.
// CHECK-LABEL: func.func @no_pack_2d(
// CHECK-NOT:     tensor.expand_shape
// CHECK:         linalg.pack %{{.+}} inner_dims_pos = [0, 1]
func.func @no_pack_2d(%x: tensor<16x64xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// The mirror: an unpack that only merges the innermost dim is a collapse_shape.
// CHECK-LABEL: func.func @unpack_innermost(
// CHECK-SAME:      %[[X:.+]]: tensor<5x8x32xf32>
// CHECK-NEXT:    %[[C:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1, 2]] : tensor<5x8x32xf32> into tensor<5x256xf32>
// CHECK-NEXT:    return %[[C]]
func.func @unpack_innermost(%x: tensor<5x8x32xf32>) -> tensor<5x256xf32> {
  %e = tensor.empty() : tensor<5x256xf32>
  %u = linalg.unpack %x inner_dims_pos = [1] inner_tiles = [32] into %e : tensor<5x8x32xf32> -> tensor<5x256xf32>
  func.return %u : tensor<5x256xf32>
}

// Not simplified: the unpack drops padding.
// CHECK-LABEL: func.func @no_unpack_padding(
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         linalg.unpack %{{.+}} -> tensor<255xf32>
func.func @no_unpack_padding(%x: tensor<8x32xf32>) -> tensor<255xf32> {
  %e = tensor.empty() : tensor<255xf32>
  %u = linalg.unpack %x inner_dims_pos = [0] inner_tiles = [32] into %e : tensor<8x32xf32> -> tensor<255xf32>
  func.return %u : tensor<255xf32>
}

// Not simplified: 32x1 packed with the tiles swapped reshapes 32 elements
// into 16x1x1x2, but no reassociation maps it (the unit dim would get an
// empty group, which upstream's verifier rejects); upstream keeps the pack.
// CHECK-LABEL: func.func @no_pack_empty_group(
// CHECK-NOT:     tensor.expand_shape
// CHECK:         linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [1, 2]
func.func @no_pack_empty_group(%x: tensor<32x1xf32>) -> tensor<16x1x1x2xf32> {
  %e = tensor.empty() : tensor<16x1x1x2xf32>
  %p = linalg.pack %x inner_dims_pos = [1, 0] inner_tiles = [1, 2] into %e : tensor<32x1xf32> -> tensor<16x1x1x2xf32>
  func.return %p : tensor<16x1x1x2xf32>
}

// The mirror unpack is kept too.
// CHECK-LABEL: func.func @no_unpack_empty_group(
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         linalg.unpack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [1, 2]
func.func @no_unpack_empty_group(%x: tensor<16x1x1x2xf32>) -> tensor<32x1xf32> {
  %e = tensor.empty() : tensor<32x1xf32>
  %u = linalg.unpack %x inner_dims_pos = [1, 0] inner_tiles = [1, 2] into %e : tensor<16x1x1x2xf32> -> tensor<32x1xf32>
  func.return %u : tensor<32x1xf32>
}
