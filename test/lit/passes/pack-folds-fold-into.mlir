// RUN: pack-opt %s -p fold-into-pack-unpack | filecheck %s

// Upstream's populateFoldIntoPackAndUnpackPatterns (not part of canonicalize
// upstream; ours applies the folds rooted on a pack / unpack, see
// pack-folds-canonicalize-fold-into.mlir):
// pads, transposes and slices folded into neighbouring packs / unpacks.

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

// Not folded: the pad pads an untiled dim, which a pack cannot.
// CHECK-LABEL: func.func @no_fold_pad_pack_untiled(
// CHECK:         %[[PAD:.+]] = tensor.pad
// CHECK:         linalg.pack %[[PAD]]
func.func @no_fold_pad_pack_untiled(%x: tensor<16x60xf32>) -> tensor<2x64x8xf32> {
  %zero = arith.constant 0.0 : f32
  %pd = tensor.pad %x low[0, 0] high[0, 4] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<16x60xf32> to tensor<16x64xf32>
  %e = tensor.empty() : tensor<2x64x8xf32>
  %p = linalg.pack %pd inner_dims_pos = [0] inner_tiles = [8] into %e : tensor<16x64xf32> -> tensor<2x64x8xf32>
  func.return %p : tensor<2x64x8xf32>
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

// A linalg.generic that only transposes counts as a transpose.
// CHECK-LABEL: func.func @fold_generic_transpose_pack(
// CHECK-SAME:      %[[X:.+]]: tensor<64x16xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         %[[P:.+]] = linalg.pack %[[X]] outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [8, 16]
// CHECK:         return %[[P]]
func.func @fold_generic_transpose_pack(%x: tensor<64x16xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<64x16xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %t inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Not folded: the generic computes, it does not only transpose.
// CHECK-LABEL: func.func @no_fold_generic_not_transpose(
// CHECK:         %[[T:.+]] = linalg.generic
// CHECK:         linalg.pack %[[T]] inner_dims_pos = [0, 1]
func.func @no_fold_generic_not_transpose(%x: tensor<64x16xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<64x16xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %t inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// pack -> transpose folds when the transpose keeps the tile dims innermost.
// CHECK-LABEL: func.func @fold_pack_transpose(
// CHECK-SAME:      %[[X:.+]]: tensor<16x64xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[P:.+]] = linalg.pack %[[X]] outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [16, 8] into %{{.+}} : tensor<16x64xf32> -> tensor<4x2x16x8xf32>
// CHECK:         return %[[P]]
func.func @fold_pack_transpose(%x: tensor<16x64xf32>) -> tensor<4x2x16x8xf32> {
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  %e2 = tensor.empty() : tensor<4x2x16x8xf32>
  %t = linalg.transpose ins(%p : tensor<2x4x8x16xf32>) outs(%e2 : tensor<4x2x16x8xf32>) permutation = [1, 0, 3, 2]
  func.return %t : tensor<4x2x16x8xf32>
}

// Not folded: the transpose swaps a tile dim with an outer dim.
// CHECK-LABEL: func.func @no_fold_pack_transpose(
// CHECK:         %[[P:.+]] = linalg.pack
// CHECK:         linalg.transpose ins(%[[P]]
func.func @no_fold_pack_transpose(%x: tensor<16x64xf32>) -> tensor<8x4x2x16xf32> {
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  %e2 = tensor.empty() : tensor<8x4x2x16xf32>
  %t = linalg.transpose ins(%p : tensor<2x4x8x16xf32>) outs(%e2 : tensor<8x4x2x16xf32>) permutation = [2, 1, 0, 3]
  func.return %t : tensor<8x4x2x16xf32>
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

// Not folded: the transpose mixes a tile dim into the outer dims.
// CHECK-LABEL: func.func @no_fold_transpose_unpack(
// CHECK:         %[[T:.+]] = linalg.transpose
// CHECK:         linalg.unpack %[[T]]
func.func @no_fold_transpose_unpack(%x: tensor<8x4x2x16xf32>) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %t = linalg.transpose ins(%x : tensor<8x4x2x16xf32>) outs(%e : tensor<2x4x8x16xf32>) permutation = [2, 1, 0, 3]
  %e2 = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %t inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  func.return %u : tensor<16x64xf32>
}

// unpack -> transpose folds into an unpack writing the transpose's init.
// CHECK-LABEL: func.func @fold_unpack_transpose(
// CHECK-SAME:      %[[X:.+]]: tensor<2x4x8x16xf32>
// CHECK:         %[[INIT:.+]] = tensor.empty() : tensor<64x16xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[U:.+]] = linalg.unpack %[[X]] outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [8, 16] into %[[INIT]] : tensor<2x4x8x16xf32> -> tensor<64x16xf32>
// CHECK:         return %[[U]]
func.func @fold_unpack_transpose(%x: tensor<2x4x8x16xf32>) -> tensor<64x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<64x16xf32>
  %t = linalg.transpose ins(%u : tensor<16x64xf32>) outs(%e2 : tensor<64x16xf32>) permutation = [1, 0]
  func.return %t : tensor<64x16xf32>
}

// Not folded: a generic with identity maps that computes is not a transpose.
// CHECK-LABEL: func.func @no_fold_unpack_not_transpose(
// CHECK:         %[[U:.+]] = linalg.unpack
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[U]] : tensor<16x64xf32>)
func.func @no_fold_unpack_not_transpose(%x: tensor<2x4x8x16xf32>) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16x64xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%u : tensor<16x64xf32>) outs(%e2 : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<16x64xf32>
  func.return %t : tensor<16x64xf32>
}

// unpack -> extract_slice at offset 0 folds into an unpack dropping padding.
// CHECK-LABEL: func.func @fold_unpack_slice(
// CHECK-SAME:      %[[X:.+]]: tensor<2x4x8x16xf32>
// CHECK-NOT:     tensor.extract_slice
// CHECK:         %[[U:.+]] = linalg.unpack %[[X]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{.+}} : tensor<2x4x8x16xf32> -> tensor<15x60xf32>
// CHECK:         return %[[U]]
func.func @fold_unpack_slice(%x: tensor<2x4x8x16xf32>) -> tensor<15x60xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %s = tensor.extract_slice %u[0, 0] [15, 60] [1, 1] : tensor<16x64xf32> to tensor<15x60xf32>
  func.return %s : tensor<15x60xf32>
}

// Not folded: the slice drops a whole tile.
// CHECK-LABEL: func.func @no_fold_unpack_slice(
// CHECK:         %[[U:.+]] = linalg.unpack
// CHECK:         tensor.extract_slice %[[U]][0, 0] [8, 64] [1, 1]
func.func @no_fold_unpack_slice(%x: tensor<2x4x8x16xf32>) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %s = tensor.extract_slice %u[0, 0] [8, 64] [1, 1] : tensor<16x64xf32> to tensor<8x64xf32>
  func.return %s : tensor<8x64xf32>
}
