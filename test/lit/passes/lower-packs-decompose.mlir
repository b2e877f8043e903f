// RUN: pack-opt %s --split-input-file -p 'lower-packs{to-tensor-ops=true}' | filecheck %s
// test/lit/with-mlir/decompose-packs.mlir checks upstream's decompose_pack_unpack
// against these CHECK lines too.

// Outer dims of 1: upstream's decomposition. The source is padded to one
// whole tile (the high padding an affine.apply of its dynamic sizes), then
// inserted into the dest.

// CHECK-DAG:   #[[$HIGH0:map[0-9]*]] = affine_map<()[s0] -> (-s0 + 8)>
// CHECK-DAG:   #[[$HIGH1:map[0-9]*]] = affine_map<()[s0] -> (-s0 + 1)>
// CHECK-LABEL: func.func @pack_one_tile_dynamic_source
// CHECK-SAME:    (%[[A:.+]]: tensor<?x?xi32>, %[[D:.+]]: tensor<1x1x8x1xi32>)
// CHECK:         %[[V:.+]] = arith.constant 7 : i32
// CHECK:         %[[D0:.+]] = tensor.dim %[[A]], %{{.+}} : tensor<?x?xi32>
// CHECK:         %[[H0:.+]] = affine.apply #[[$HIGH0]]()[%[[D0]]]
// CHECK:         %[[D1:.+]] = tensor.dim %[[A]], %{{.+}} : tensor<?x?xi32>
// CHECK:         %[[H1:.+]] = affine.apply #[[$HIGH1]]()[%[[D1]]]
// CHECK:         %[[PAD:.+]] = tensor.pad %[[A]] low[0, 0] high[%[[H0]], %[[H1]]] {
// CHECK:           tensor.yield %[[V]] : i32
// CHECK:         } : tensor<?x?xi32> to tensor<8x1xi32>
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[R:.+]] = tensor.insert_slice %[[PAD]] into %[[D]][0, 0, 0, 0] [1, 1, 8, 1] [1, 1, 1, 1] : tensor<8x1xi32> into tensor<1x1x8x1xi32>
// CHECK:         return %[[R]]
func.func @pack_one_tile_dynamic_source(%a: tensor<?x?xi32>, %d: tensor<1x1x8x1xi32>) -> tensor<1x1x8x1xi32> {
  %c7 = arith.constant 7 : i32
  %p = linalg.pack %a padding_value(%c7 : i32) inner_dims_pos = [0, 1] inner_tiles = [8, 1] into %d : tensor<?x?xi32> -> tensor<1x1x8x1xi32>
  return %p : tensor<1x1x8x1xi32>
}

// -----

// An SSA tile: the pad's high is `tile - size`; the tiled dims move to the
// back in inner_dims_pos order through a transpose into a tensor.empty.

// CHECK-DAG:   #[[$HIGH:map[0-9]*]] = affine_map<()[s0] -> (s0 - 6)>
// CHECK-LABEL: func.func @pack_ssa_tile
// CHECK-SAME:    (%[[A:.+]]: tensor<6x1xf32>, %[[D:.+]]: tensor<1x1x2x?xf32>, %[[V:.+]]: f32, %[[T:.+]]: index)
// CHECK:         %[[H:.+]] = affine.apply #[[$HIGH]]()[%[[T]]]
// CHECK:         %[[PAD:.+]] = tensor.pad %[[A]] low[0, 0] high[%[[H]], 1] {
// CHECK:         } : tensor<6x1xf32> to tensor<?x2xf32>
// CHECK:         %[[E:.+]] = tensor.empty(%[[T]]) : tensor<2x?xf32>
// CHECK:         %[[TR:.+]] = linalg.transpose ins(%[[PAD]] : tensor<?x2xf32>) outs(%[[E]] : tensor<2x?xf32>) permutation = [1, 0]
// CHECK:         %[[R:.+]] = tensor.insert_slice %[[TR]] into %[[D]][0, 0, 0, 0] [1, 1, 2, %[[T]]] [1, 1, 1, 1] : tensor<2x?xf32> into tensor<1x1x2x?xf32>
// CHECK:         return %[[R]]
func.func @pack_ssa_tile(%a: tensor<6x1xf32>, %d: tensor<1x1x2x?xf32>, %v: f32, %t: index) -> tensor<1x1x2x?xf32> {
  %p = linalg.pack %a padding_value(%v : f32) inner_dims_pos = [1, 0] inner_tiles = [2, %t] into %d : tensor<6x1xf32> -> tensor<1x1x2x?xf32>
  return %p : tensor<1x1x2x?xf32>
}

// -----

// A constant SSA tile folds: the padded tile is static.

// CHECK-LABEL: func.func @pack_constant_tile
// CHECK:         tensor.pad %{{.+}} low[0, 0] high[3, 1]
// CHECK:         } : tensor<5x1xf32> to tensor<8x2xf32>
// CHECK:         tensor.insert_slice %{{.+}}[0, 0, 0, 0] [1, 1, 8, 2] [1, 1, 1, 1] : tensor<8x2xf32> into tensor<1x1x?x2xf32>
func.func @pack_constant_tile(%a: tensor<5x1xf32>, %d: tensor<1x1x?x2xf32>, %v: f32) -> tensor<1x1x?x2xf32> {
  %c8 = arith.constant 8 : index
  %p = linalg.pack %a padding_value(%v : f32) inner_dims_pos = [0, 1] inner_tiles = [%c8, 2] into %d : tensor<5x1xf32> -> tensor<1x1x?x2xf32>
  return %p : tensor<1x1x?x2xf32>
}

// -----

// Unpack of one tile: extract it (dropping the unit outer dims), transpose it
// into the dest's order, drop the padding; the slice is the dest's type, so
// no insert_slice.

// CHECK-LABEL: func.func @unpack_ssa_tile
// CHECK-SAME:    (%[[S:.+]]: tensor<1x1x2x?xf32>, %[[D:.+]]: tensor<5x1xf32>, %[[T:.+]]: index)
// CHECK:         %[[TILE:.+]] = tensor.extract_slice %[[S]][0, 0, 0, 0] [1, 1, 2, %[[T]]] [1, 1, 1, 1] : tensor<1x1x2x?xf32> to tensor<2x?xf32>
// CHECK:         %[[E:.+]] = tensor.empty(%[[T]]) : tensor<?x2xf32>
// CHECK:         %[[TR:.+]] = linalg.transpose ins(%[[TILE]] : tensor<2x?xf32>) outs(%[[E]] : tensor<?x2xf32>) permutation = [1, 0]
// CHECK:         %[[R:.+]] = tensor.extract_slice %[[TR]][0, 0] [5, 1] [1, 1] : tensor<?x2xf32> to tensor<5x1xf32>
// CHECK-NOT:     tensor.insert_slice
// CHECK:         return %[[R]]
func.func @unpack_ssa_tile(%s: tensor<1x1x2x?xf32>, %d: tensor<5x1xf32>, %t: index) -> tensor<5x1xf32> {
  %u = linalg.unpack %s inner_dims_pos = [1, 0] inner_tiles = [2, %t] into %d : tensor<1x1x2x?xf32> -> tensor<5x1xf32>
  return %u : tensor<5x1xf32>
}

// -----

// Untiled outer dims may be anything (here dynamic): they stay in the slice.

// CHECK-LABEL: func.func @unpack_dynamic_batch
// CHECK-SAME:    (%[[S:.+]]: tensor<?x1x1x1x8x32xf32>, %[[D:.+]]: tensor<?x1x32x8xf32>)
// CHECK:         %[[N:.+]] = tensor.dim %[[S]], %{{.+}} : tensor<?x1x1x1x8x32xf32>
// CHECK:         %[[TILE:.+]] = tensor.extract_slice %[[S]][0, 0, 0, 0, 0, 0] [%[[N]], 1, 1, 1, 8, 32] [1, 1, 1, 1, 1, 1] : tensor<?x1x1x1x8x32xf32> to tensor<?x8x32xf32>
// CHECK:         %[[E:.+]] = tensor.empty(%[[N]]) : tensor<?x32x8xf32>
// CHECK:         %[[TR:.+]] = linalg.transpose ins(%[[TILE]] : tensor<?x8x32xf32>) outs(%[[E]] : tensor<?x32x8xf32>) permutation = [0, 2, 1]
// CHECK:         %[[M:.+]] = tensor.dim %[[D]], %{{.+}} : tensor<?x1x32x8xf32>
// CHECK:         %[[PART:.+]] = tensor.extract_slice %[[TR]][0, 0, 0] [%[[M]], 32, 8] [1, 1, 1] : tensor<?x32x8xf32> to tensor<?x32x8xf32>
// CHECK:         %[[R:.+]] = tensor.insert_slice %[[PART]] into %[[D]][0, 0, 0, 0] [%[[M]], 1, 32, 8] [1, 1, 1, 1] : tensor<?x32x8xf32> into tensor<?x1x32x8xf32>
// CHECK:         return %[[R]]
func.func @unpack_dynamic_batch(%s: tensor<?x1x1x1x8x32xf32>, %d: tensor<?x1x32x8xf32>) -> tensor<?x1x32x8xf32> {
  %u = linalg.unpack %s inner_dims_pos = [3, 2] inner_tiles = [8, 32] into %d : tensor<?x1x1x1x8x32xf32> -> tensor<?x1x32x8xf32>
  return %u : tensor<?x1x32x8xf32>
}
