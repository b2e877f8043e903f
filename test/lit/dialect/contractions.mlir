// Named contractions: matmul (with transposed indexing_maps), batch_matmul,
// matvec, vecmat, batch_matvec, dot: custom -> generic -> custom round trip.
// RUN: pack-opt %s | pack-opt --print-op-generic | pack-opt | filecheck %s

// CHECK-DAG: #[[MAP1:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[MAP2:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[MAP3:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[MAP4:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[MAP5:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MAP6:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[MAP7:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[MAP8:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @matmul_f32(
// CHECK-SAME:    %[[A:[^:]+]]: tensor<64x48xf32>, %[[B:[^:]+]]: tensor<48x32xf32>, %[[C:[^:]+]]: tensor<64x32xf32>)
// CHECK:         %[[R:.+]] = linalg.matmul
// CHECK-NOT:       indexing_maps
// CHECK-SAME:      ins(%[[A]], %[[B]] : tensor<64x48xf32>, tensor<48x32xf32>)
// CHECK-SAME:      outs(%[[C]] : tensor<64x32xf32>)
// CHECK-SAME:      -> tensor<64x32xf32>
// CHECK:         return %[[R]]
func.func @matmul_f32(%a: tensor<64x48xf32>, %b: tensor<48x32xf32>, %c: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<64x48xf32>, tensor<48x32xf32>) outs(%c : tensor<64x32xf32>) -> tensor<64x32xf32>
  return %0 : tensor<64x32xf32>
}

// Explicit default maps are elided when printed, as upstream does.
// CHECK-LABEL: func.func @matmul_default_maps_elided(
// CHECK:         linalg.matmul
// CHECK-NOT:       indexing_maps
// CHECK-SAME:      ins(
func.func @matmul_default_maps_elided(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// Transposed A (A is KxM): the maps are kept and printed back.
// CHECK-LABEL: func.func @matmul_transpose_a(
// CHECK:         linalg.matmul
// CHECK-SAME:      indexing_maps = [#[[MAP1]], #[[MAP2]], #[[MAP3]]]
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<5x3xf32>, tensor<5x7xf32>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<3x7xf32>)
// CHECK-SAME:      -> tensor<3x7xf32>
func.func @matmul_transpose_a(%a: tensor<5x3xf32>, %b: tensor<5x7xf32>, %c: tensor<3x7xf32>) -> tensor<3x7xf32> {
  %0 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
         ins(%a, %b : tensor<5x3xf32>, tensor<5x7xf32>) outs(%c : tensor<3x7xf32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// Transposed B (B is NxK), maps through aliases.
#map_a = affine_map<(d0, d1, d2) -> (d0, d2)>
#map_bt = affine_map<(d0, d1, d2) -> (d1, d2)>
#map_c = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_transpose_b(
// CHECK:         linalg.matmul
// CHECK-SAME:      indexing_maps = [#[[MAP4]], #[[MAP5]], #[[MAP3]]]
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<3x5xf32>, tensor<7x5xf32>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<3x7xf32>)
func.func @matmul_transpose_b(%a: tensor<3x5xf32>, %b: tensor<7x5xf32>, %c: tensor<3x7xf32>) -> tensor<3x7xf32> {
  %0 = linalg.matmul indexing_maps = [#map_a, #map_bt, #map_c]
         ins(%a, %b : tensor<3x5xf32>, tensor<7x5xf32>) outs(%c : tensor<3x7xf32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// i8 x i8 -> i32.
// CHECK-LABEL: func.func @matmul_i8_i32(
// CHECK:         linalg.matmul
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<4x8xi8>, tensor<8x16xi8>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<4x16xi32>)
// CHECK-SAME:      -> tensor<4x16xi32>
func.func @matmul_i8_i32(%a: tensor<4x8xi8>, %b: tensor<8x16xi8>, %c: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xi8>, tensor<8x16xi8>) outs(%c : tensor<4x16xi32>) -> tensor<4x16xi32>
  return %0 : tensor<4x16xi32>
}

// Discardable attributes are printed before ins, where upstream's parser reads them.
// CHECK-LABEL: func.func @matmul_attr_dict(
// CHECK:         linalg.matmul {my.tag = "x"} ins(
func.func @matmul_attr_dict(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = linalg.matmul {my.tag = "x"} ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// CHECK-LABEL: func.func @batch_matmul(
// CHECK:         linalg.batch_matmul
// CHECK-NOT:       indexing_maps
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<2x4x8xf32>, tensor<2x8x16xf32>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<2x4x16xf32>)
// CHECK-SAME:      -> tensor<2x4x16xf32>
func.func @batch_matmul(%a: tensor<2x4x8xf32>, %b: tensor<2x8x16xf32>, %c: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x4x8xf32>, tensor<2x8x16xf32>) outs(%c : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  return %0 : tensor<2x4x16xf32>
}

// CHECK-LABEL: func.func @batch_matmul_transpose_b(
// CHECK:         linalg.batch_matmul
// CHECK-SAME:      indexing_maps = [#[[MAP6]], #[[MAP7]], #[[MAP8]]]
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<2x4x8xi8>, tensor<2x16x8xi8>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<2x4x16xi32>)
func.func @batch_matmul_transpose_b(%a: tensor<2x4x8xi8>, %b: tensor<2x16x8xi8>, %c: tensor<2x4x16xi32>) -> tensor<2x4x16xi32> {
  %0 = linalg.batch_matmul
         indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>]
         ins(%a, %b : tensor<2x4x8xi8>, tensor<2x16x8xi8>) outs(%c : tensor<2x4x16xi32>) -> tensor<2x4x16xi32>
  return %0 : tensor<2x4x16xi32>
}

// CHECK-LABEL: func.func @matvec(
// CHECK:         linalg.matvec
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<4x8xf32>, tensor<8xf32>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<4xf32>)
// CHECK-SAME:      -> tensor<4xf32>
func.func @matvec(%a: tensor<4x8xf32>, %x: tensor<8xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = linalg.matvec ins(%a, %x : tensor<4x8xf32>, tensor<8xf32>) outs(%y : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @vecmat(
// CHECK:         linalg.vecmat
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<4xf32>, tensor<4x8xf32>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<8xf32>)
// CHECK-SAME:      -> tensor<8xf32>
func.func @vecmat(%x: tensor<4xf32>, %a: tensor<4x8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  %0 = linalg.vecmat ins(%x, %a : tensor<4xf32>, tensor<4x8xf32>) outs(%y : tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// CHECK-LABEL: func.func @batch_matvec(
// CHECK:         linalg.batch_matvec
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<2x4x8xf32>, tensor<2x8xf32>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<2x4xf32>)
// CHECK-SAME:      -> tensor<2x4xf32>
func.func @batch_matvec(%a: tensor<2x4x8xf32>, %x: tensor<2x8xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = linalg.batch_matvec ins(%a, %x : tensor<2x4x8xf32>, tensor<2x8xf32>) outs(%y : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @dot(
// CHECK:         linalg.dot
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<8xf16>, tensor<8xf16>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<f32>)
// CHECK-SAME:      -> tensor<f32>
func.func @dot(%a: tensor<8xf16>, %b: tensor<8xf16>, %c: tensor<f32>) -> tensor<f32> {
  %0 = linalg.dot ins(%a, %b : tensor<8xf16>, tensor<8xf16>) outs(%c : tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// Upstream's generic form (what `mlir-opt --mlir-print-op-generic` writes):
// a default indexing_maps property and a linalg.memoized_indexing_maps
// attribute, both elided from the custom form.
// CHECK-LABEL: func.func @from_upstream_generic(
// CHECK-NOT:     memoized
// CHECK:         linalg.matmul ins(
// CHECK-SAME:      : tensor<4x8xf32>, tensor<8x16xf32>)
// CHECK-NOT:     memoized
// CHECK:         linalg.matvec ins(
func.func @from_upstream_generic(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>, %x: tensor<8xf32>, %y: tensor<4xf32>) -> (tensor<4x16xf32>, tensor<4xf32>) {
  %0 = "linalg.matmul"(%a, %b, %c) <{indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], operandSegmentSizes = array<i32: 2, 1>}> ({
  ^bb0(%i0: f32, %i1: f32, %o: f32):
    %m = arith.mulf %i0, %i1 : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }) : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %1 = "linalg.matvec"(%a, %x, %y) <{operandSegmentSizes = array<i32: 2, 1>}> ({
  ^bb0(%i0: f32, %i1: f32, %o: f32):
    %m = arith.mulf %i0, %i1 : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }) {linalg.memoized_indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>]} : (tensor<4x8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4x16xf32>, tensor<4xf32>
}
