// RUN: pack-opt %s --split-input-file -p 'pack-greedily{packed-sizes=8,16,32 inner-dims-order=1,2,0 conv=none}' | filecheck %s

// The cases of upstream's transform-pack-greedily.mlir, written for the pass
// (conv=none: upstream packs convolutions as they are; pack-greedily-conv.mlir
// has the rewrites into matmuls):
// same sizes (m=8, n=16, k=32), loops normalized to (..., k, m, n)(kk, mm, nn).

// CHECK-DAG: #[[MAP1:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d0, d3, d4)>
// CHECK-DAG: #[[MAP2:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
// CHECK-DAG: #[[MAP3:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-LABEL: func.func @matmul_mk_kn_mn(
//  CHECK-SAME:     %[[A:.+]]: tensor<1023x255xf32>, %[[B:.+]]: tensor<255x127xf32>, %[[C:.+]]: tensor<1023x127xf32>)
//       CHECK:   %[[A_DEST:.+]] = tensor.empty() : tensor<128x8x32x8xf32>
//       CHECK:   %[[A_PAD:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[A_PACK:.+]] = linalg.pack %[[A]] padding_value(%[[A_PAD]] : f32)
//  CHECK-SAME:     inner_dims_pos = [1, 0] inner_tiles = [32, 8] into %[[A_DEST]]
//  CHECK-SAME:     : tensor<1023x255xf32> -> tensor<128x8x32x8xf32>
//       CHECK:   %[[B_PACK:.+]] = linalg.pack %[[B]] padding_value(%{{.+}} : f32)
//  CHECK-SAME:     inner_dims_pos = [0, 1] inner_tiles = [32, 16]
//  CHECK-SAME:     : tensor<255x127xf32> -> tensor<8x8x32x16xf32>
//       CHECK:   %[[C_PACK:.+]] = linalg.pack %[[C]] padding_value(%{{.+}} : f32)
//  CHECK-SAME:     inner_dims_pos = [0, 1] inner_tiles = [8, 16]
//  CHECK-SAME:     : tensor<1023x127xf32> -> tensor<128x8x8x16xf32>
//       CHECK:   %[[RES:.+]] = linalg.generic
//  CHECK-SAME:     indexing_maps = [#[[MAP1]],
//  CHECK-SAME:                      #[[MAP2]],
//  CHECK-SAME:                      #[[MAP3]]]
//  CHECK-SAME:     iterator_types = ["reduction", "parallel", "parallel", "reduction", "parallel", "parallel"]
//  CHECK-SAME:     ins(%[[A_PACK]], %[[B_PACK]] : tensor<128x8x32x8xf32>, tensor<8x8x32x16xf32>)
//  CHECK-SAME:     outs(%[[C_PACK]] : tensor<128x8x8x16xf32>)
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:   %[[UNPACK:.+]] = linalg.unpack %[[RES]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %[[C]]
//  CHECK-SAME:     : tensor<128x8x8x16xf32> -> tensor<1023x127xf32>
//       CHECK:   return %[[UNPACK]]
func.func @matmul_mk_kn_mn(%A : tensor<1023x255xf32>, %B : tensor<255x127xf32>, %C : tensor<1023x127xf32>) -> tensor<1023x127xf32> {
  %0 = linalg.matmul ins(%A, %B : tensor<1023x255xf32>, tensor<255x127xf32>) outs(%C : tensor<1023x127xf32>) -> tensor<1023x127xf32>
  return %0 : tensor<1023x127xf32>
}

// -----

// CHECK-DAG: #[[MAP4:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d0, d3, d4)>
// CHECK-DAG: #[[MAP5:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d0, d3, d5)>
// CHECK-DAG: #[[MAP6:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d1, d4, d5)>
// CHECK-LABEL: func.func @matmul_mk_nk_nm(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [32, 8]
//  CHECK-SAME:     : tensor<1023x255xf32> -> tensor<128x8x32x8xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [32, 16]
//  CHECK-SAME:     : tensor<127x255xf32> -> tensor<8x8x32x16xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [8, 16]
//  CHECK-SAME:     : tensor<127x1023xf32> -> tensor<8x128x8x16xf32>
//       CHECK:   linalg.generic
//  CHECK-SAME:     indexing_maps = [#[[MAP4]],
//  CHECK-SAME:                      #[[MAP5]],
//  CHECK-SAME:                      #[[MAP6]]]
//  CHECK-SAME:     iterator_types = ["reduction", "parallel", "parallel", "reduction", "parallel", "parallel"]
//  CHECK-SAME:     ins(%{{.+}} : tensor<128x8x32x8xf32>, tensor<8x8x32x16xf32>)
//  CHECK-SAME:     outs(%{{.+}} : tensor<8x128x8x16xf32>)
//       CHECK:   linalg.unpack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [8, 16]
//  CHECK-SAME:     : tensor<8x128x8x16xf32> -> tensor<127x1023xf32>
func.func @matmul_mk_nk_nm(%A : tensor<1023x255xf32>, %B : tensor<127x255xf32>, %C : tensor<127x1023xf32>) -> tensor<127x1023xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, m)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<1023x255xf32>, tensor<127x255xf32>) outs(%C : tensor<127x1023xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<127x1023xf32>
  return %0 : tensor<127x1023xf32>
}

// -----

// The loops already come as (k, m, n): same result.
// CHECK-DAG: #[[MAP7:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d0, d3, d4)>
// CHECK-DAG: #[[MAP8:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d0, d3, d5)>
// CHECK-DAG: #[[MAP9:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d1, d4, d5)>
// CHECK-LABEL: func.func @matmul_mk_nk_nm_transposed(
//       CHECK:   linalg.generic
//  CHECK-SAME:     indexing_maps = [#[[MAP7]],
//  CHECK-SAME:                      #[[MAP8]],
//  CHECK-SAME:                      #[[MAP9]]]
//  CHECK-SAME:     ins(%{{.+}} : tensor<128x8x32x8xf32>, tensor<8x8x32x16xf32>)
//  CHECK-SAME:     outs(%{{.+}} : tensor<8x128x8x16xf32>)
func.func @matmul_mk_nk_nm_transposed(%A : tensor<1023x255xf32>, %B : tensor<127x255xf32>, %C : tensor<127x1023xf32>) -> tensor<127x1023xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(k, m, n) -> (m, k)>, affine_map<(k, m, n) -> (n, k)>, affine_map<(k, m, n) -> (n, m)>], iterator_types = ["reduction", "parallel", "parallel"]} ins(%A, %B : tensor<1023x255xf32>, tensor<127x255xf32>) outs(%C : tensor<127x1023xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<127x1023xf32>
  return %0 : tensor<127x1023xf32>
}

// -----

// A batch contraction with permuted maps and an extra parallel loop (m2) that
// only the LHS indexes: loops become (b, m2, k, m, n)(kk, mm, nn).
// CHECK-DAG: #[[MAP10:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d3, d2, d1, d5, d6)>
// CHECK-DAG: #[[MAP11:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d4, d2, d0, d5, d7)>
// CHECK-DAG: #[[MAP12:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d4, d0, d3, d6, d7)>
// CHECK-LABEL: func.func @contraction_bmkm2_nkb_nbm(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [2, 1] inner_tiles = [32, 8]
//  CHECK-SAME:     : tensor<6x33x40x5xf32> -> tensor<6x5x2x5x32x8xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [32, 16]
//  CHECK-SAME:     : tensor<17x40x6xf32> -> tensor<2x2x6x32x16xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [2, 0] inner_tiles = [8, 16]
//  CHECK-SAME:     : tensor<17x6x33xf32> -> tensor<2x6x5x8x16xf32>
//       CHECK:   linalg.generic
//  CHECK-SAME:     indexing_maps = [#[[MAP10]],
//  CHECK-SAME:                      #[[MAP11]],
//  CHECK-SAME:                      #[[MAP12]]]
//  CHECK-SAME:     iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction", "parallel", "parallel"]
//  CHECK-SAME:     ins(%{{.+}} : tensor<6x5x2x5x32x8xf32>, tensor<2x2x6x32x16xf32>)
//  CHECK-SAME:     outs(%{{.+}} : tensor<2x6x5x8x16xf32>)
func.func @contraction_bmkm2_nkb_nbm(%A : tensor<6x33x40x5xf32>, %B : tensor<17x40x6xf32>, %C : tensor<17x6x33xf32>) -> tensor<17x6x33xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(k, m, n, b, m2) -> (b, m, k, m2)>, affine_map<(k, m, n, b, m2) -> (n, k, b)>, affine_map<(k, m, n, b, m2) -> (n, b, m)>], iterator_types = ["reduction", "parallel", "parallel", "parallel", "parallel"]} ins(%A, %B : tensor<6x33x40x5xf32>, tensor<17x40x6xf32>) outs(%C : tensor<17x6x33xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<17x6x33xf32>
  return %0 : tensor<17x6x33xf32>
}

// -----

// Convolution: only the bare dims are packed (n as m, f as n, c as k); the
// window loops stay in front. Loops (oh, ow, kh, kw, c, n, f)(cc, nn, ff).
// CHECK-DAG: #[[MAP13:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d5, d0 + d2, d1 + d3, d4, d7, d8)>
// CHECK-DAG: #[[MAP14:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d2, d3, d4, d6, d7, d9)>
// CHECK-DAG: #[[MAP15:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d5, d0, d1, d6, d8, d9)>
// CHECK-LABEL: func.func @conv_2d_nhwc_hwcf(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [3, 0] inner_tiles = [32, 8]
//  CHECK-SAME:     : tensor<1x18x18x64xf32> -> tensor<1x18x18x2x32x8xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [2, 3] inner_tiles = [32, 16]
//  CHECK-SAME:     : tensor<3x3x64x48xf32> -> tensor<3x3x2x3x32x16xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [0, 3] inner_tiles = [8, 16]
//  CHECK-SAME:     : tensor<1x16x16x48xf32> -> tensor<1x16x16x3x8x16xf32>
//       CHECK:   linalg.generic
//  CHECK-SAME:     indexing_maps = [#[[MAP13]],
//  CHECK-SAME:                      #[[MAP14]],
//  CHECK-SAME:                      #[[MAP15]]]
//  CHECK-SAME:     iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel", "reduction", "parallel", "parallel"]
func.func @conv_2d_nhwc_hwcf(%I : tensor<1x18x18x64xf32>, %F : tensor<3x3x64x48xf32>, %O : tensor<1x16x16x48xf32>) -> tensor<1x16x16x48xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %F : tensor<1x18x18x64xf32>, tensor<3x3x64x48xf32>) outs(%O : tensor<1x16x16x48xf32>) -> tensor<1x16x16x48xf32>
  return %0 : tensor<1x16x16x48xf32>
}
