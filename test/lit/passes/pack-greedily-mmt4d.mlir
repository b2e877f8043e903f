// RUN: pack-opt %s --split-input-file -p 'pack-greedily{packed-sizes=8,16,4 mmt4d-layout=true}' | filecheck %s
// RUN: pack-opt %s --split-input-file -p 'pack-greedily{packed-sizes=8,16,4 mmt4d-layout=true},specialize-mmt4d' | filecheck %s --check-prefix=NAMED

// mmt4d-layout=true: loops (..., m, n, k)(mm, nn, kk) and every operand's
// outer dims in loop order: LHS [M][K][m0][k0], RHS [N][K][n0][k0],
// ACC [M][N][m0][n0], batch dims outermost. That is upstream's
// linalg-block-pack-matmul default layout, and linalg.mmt4d's maps.

// CHECK-DAG: #[[MAP1:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
// CHECK-DAG: #[[MAP2:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG: #[[MAP3:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>
// CHECK-LABEL: func.func @matmul_mk_kn(
//       CHECK:   linalg.pack %{{.+}} padding_value(%{{.+}} : f32) outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [8, 4]
//  CHECK-SAME:     : tensor<1023x255xf32> -> tensor<128x64x8x4xf32>
//       CHECK:   linalg.pack %{{.+}} padding_value(%{{.+}} : f32) outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [16, 4]
//  CHECK-SAME:     : tensor<255x127xf32> -> tensor<8x64x16x4xf32>
//       CHECK:   linalg.pack %{{.+}} padding_value(%{{.+}} : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16]
//  CHECK-SAME:     : tensor<1023x127xf32> -> tensor<128x8x8x16xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP1]], #[[MAP2]], #[[MAP3]]]
//  CHECK-SAME:     iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]
//       CHECK:   linalg.unpack %{{.+}} inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{.+}} : tensor<128x8x8x16xf32> -> tensor<1023x127xf32>

// NAMED-LABEL: func.func @matmul_mk_kn(
//       NAMED:   %[[LHS:.+]] = linalg.pack
//       NAMED:   %[[RHS:.+]] = linalg.pack
//       NAMED:   %[[ACC:.+]] = linalg.pack
//       NAMED:   %[[RES:.+]] = linalg.mmt4d ins(%[[LHS]], %[[RHS]] : tensor<128x64x8x4xf32>, tensor<8x64x16x4xf32>) outs(%[[ACC]] : tensor<128x8x8x16xf32>) -> tensor<128x8x8x16xf32>
//       NAMED:   linalg.unpack %[[RES]]
func.func @matmul_mk_kn(%A : tensor<1023x255xf32>, %B : tensor<255x127xf32>, %C : tensor<1023x127xf32>) -> tensor<1023x127xf32> {
  %0 = linalg.matmul ins(%A, %B : tensor<1023x255xf32>, tensor<255x127xf32>) outs(%C : tensor<1023x127xf32>) -> tensor<1023x127xf32>
  return %0 : tensor<1023x127xf32>
}

// -----

// B already [N][K]: no transposition needed, the perms are the identity.
// CHECK-DAG: #[[MAP4:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
// CHECK-DAG: #[[MAP5:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG: #[[MAP6:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>
// CHECK-LABEL: func.func @matmul_transpose_b(
//       CHECK:   linalg.pack %{{.+}} outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [16, 4]
//  CHECK-SAME:     : tensor<32x16xi8> -> tensor<2x4x16x4xi8>
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP4]], #[[MAP5]], #[[MAP6]]]

// NAMED-LABEL: func.func @matmul_transpose_b(
//       NAMED:   linalg.mmt4d ins(%{{.+}}, %{{.+}} : tensor<3x4x8x4xi8>, tensor<2x4x16x4xi8>) outs(%{{.+}} : tensor<3x2x8x16xi32>)
func.func @matmul_transpose_b(%A : tensor<24x16xi8>, %B : tensor<32x16xi8>, %C : tensor<24x32xi32>) -> tensor<24x32xi32> {
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%A, %B : tensor<24x16xi8>, tensor<32x16xi8>) outs(%C : tensor<24x32xi32>) -> tensor<24x32xi32>
  return %0 : tensor<24x32xi32>
}

// -----

// A transposed LHS [K][M] and a transposed result [N][M]: both are permuted too.
// CHECK-DAG: #[[MAP7:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
// CHECK-DAG: #[[MAP8:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG: #[[MAP9:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>
// CHECK-LABEL: func.func @generic_km_kn_nm(
//       CHECK:   linalg.pack %{{.+}} outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [8, 4]
//  CHECK-SAME:     : tensor<16x24xf16> -> tensor<3x4x8x4xf16>
//       CHECK:   linalg.pack %{{.+}} outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [16, 4]
//  CHECK-SAME:     : tensor<16x32xf16> -> tensor<2x4x16x4xf16>
//       CHECK:   linalg.pack %{{.+}} outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [8, 16]
//  CHECK-SAME:     : tensor<32x24xf32> -> tensor<3x2x8x16xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP7]], #[[MAP8]], #[[MAP9]]]
//       CHECK:   linalg.unpack %{{.+}} outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [8, 16] into %{{.+}} : tensor<3x2x8x16xf32> -> tensor<32x24xf32>

// NAMED-LABEL: func.func @generic_km_kn_nm(
//       NAMED:   linalg.mmt4d ins(%{{.+}}, %{{.+}} : tensor<3x4x8x4xf16>, tensor<2x4x16x4xf16>) outs(%{{.+}} : tensor<3x2x8x16xf32>)
func.func @generic_km_kn_nm(%A : tensor<16x24xf16>, %B : tensor<16x32xf16>, %C : tensor<32x24xf32>) -> tensor<32x24xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (n, m)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<16x24xf16>, tensor<16x32xf16>) outs(%C : tensor<32x24xf32>) {
  ^bb0(%a: f16, %b: f16, %c: f32):
    %a32 = arith.extf %a : f16 to f32
    %b32 = arith.extf %b : f16 to f32
    %d = arith.mulf %a32, %b32 : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<32x24xf32>
  return %0 : tensor<32x24xf32>
}

// -----

// Batch dims stay outermost, in every operand, whatever their place in the maps.
// CHECK-DAG: #[[MAP10:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3, d4, d6)>
// CHECK-DAG: #[[MAP11:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2, d3, d5, d6)>
// CHECK-DAG: #[[MAP12:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d4, d5)>
// CHECK-LABEL: func.func @batch_matmul(
//       CHECK:   linalg.pack %{{.+}} outer_dims_perm = [0, 1, 2] inner_dims_pos = [1, 2] inner_tiles = [8, 4]
//  CHECK-SAME:     : tensor<3x24x16xbf16> -> tensor<3x3x4x8x4xbf16>
//       CHECK:   linalg.pack %{{.+}} outer_dims_perm = [0, 2, 1] inner_dims_pos = [2, 1] inner_tiles = [16, 4]
//  CHECK-SAME:     : tensor<3x16x32xbf16> -> tensor<3x2x4x16x4xbf16>
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP10]], #[[MAP11]], #[[MAP12]]]

// NAMED-LABEL: func.func @batch_matmul(
//       NAMED:   linalg.batch_mmt4d ins(%{{.+}}, %{{.+}} : tensor<3x3x4x8x4xbf16>, tensor<3x2x4x16x4xbf16>) outs(%{{.+}} : tensor<3x3x2x8x16xf32>)
func.func @batch_matmul(%A : tensor<3x24x16xbf16>, %B : tensor<3x16x32xbf16>, %C : tensor<3x24x32xf32>) -> tensor<3x24x32xf32> {
  %0 = linalg.batch_matmul ins(%A, %B : tensor<3x24x16xbf16>, tensor<3x16x32xbf16>) outs(%C : tensor<3x24x32xf32>) -> tensor<3x24x32xf32>
  return %0 : tensor<3x24x32xf32>
}

// -----

// The batch last in every map: moved to the front.
// CHECK-LABEL: func.func @batch_last(
//       CHECK:   linalg.pack %{{.+}} outer_dims_perm = [2, 0, 1] inner_dims_pos = [0, 1] inner_tiles = [8, 4]
//  CHECK-SAME:     : tensor<24x16x3xf32> -> tensor<3x3x4x8x4xf32>
//       CHECK:   linalg.pack %{{.+}} outer_dims_perm = [2, 0, 1] inner_dims_pos = [0, 1] inner_tiles = [16, 4]
//  CHECK-SAME:     : tensor<32x16x3xf32> -> tensor<3x2x4x16x4xf32>
//       CHECK:   linalg.pack %{{.+}} outer_dims_perm = [2, 0, 1] inner_dims_pos = [0, 1] inner_tiles = [8, 16]
//  CHECK-SAME:     : tensor<24x32x3xf32> -> tensor<3x3x2x8x16xf32>
//       CHECK:   linalg.unpack %{{.+}} outer_dims_perm = [2, 0, 1] inner_dims_pos = [0, 1] inner_tiles = [8, 16]

// NAMED-LABEL: func.func @batch_last(
//       NAMED:   linalg.batch_mmt4d
func.func @batch_last(%A : tensor<24x16x3xf32>, %B : tensor<32x16x3xf32>, %C : tensor<24x32x3xf32>) -> tensor<24x32x3xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n, k, b) -> (m, k, b)>, affine_map<(m, n, k, b) -> (n, k, b)>, affine_map<(m, n, k, b) -> (m, n, b)>], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%A, %B : tensor<24x16x3xf32>, tensor<32x16x3xf32>) outs(%C : tensor<24x32x3xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<24x32x3xf32>
  return %0 : tensor<24x32x3xf32>
}
