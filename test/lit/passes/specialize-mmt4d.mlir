// RUN: pack-opt %s -p specialize-mmt4d | filecheck %s

// A generic whose maps are exactly linalg.mmt4d's (or linalg.batch_mmt4d's)
// and whose body is what the named op computes becomes the named op.

#mmt4d = [
  affine_map<(m, n, k, m0, n0, k0) -> (m, k, m0, k0)>,
  affine_map<(m, n, k, m0, n0, k0) -> (n, k, n0, k0)>,
  affine_map<(m, n, k, m0, n0, k0) -> (m, n, m0, n0)>
]
#mmt4d_iters = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]

// CHECK-LABEL: func.func @mmt4d_f32(
//  CHECK-SAME:     %[[L:.+]]: tensor<4x8x8x1xf32>, %[[R:.+]]: tensor<2x8x16x1xf32>, %[[A:.+]]: tensor<4x2x8x16xf32>)
//  CHECK-NEXT:   %[[RES:.+]] = linalg.mmt4d ins(%[[L]], %[[R]] : tensor<4x8x8x1xf32>, tensor<2x8x16x1xf32>) outs(%[[A]] : tensor<4x2x8x16xf32>) -> tensor<4x2x8x16xf32>
//  CHECK-NEXT:   return %[[RES]]
func.func @mmt4d_f32(%L : tensor<4x8x8x1xf32>, %R : tensor<2x8x16x1xf32>, %A : tensor<4x2x8x16xf32>) -> tensor<4x2x8x16xf32> {
  %0 = linalg.generic {indexing_maps = #mmt4d, iterator_types = #mmt4d_iters} ins(%L, %R : tensor<4x8x8x1xf32>, tensor<2x8x16x1xf32>) outs(%A : tensor<4x2x8x16xf32>) {
  ^bb0(%l: f32, %r: f32, %a: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2x8x16xf32>
  return %0 : tensor<4x2x8x16xf32>
}

// Sign extensions (and the accumulator on the left of the add) are the
// named op's semantics for i8 x i8 -> i32.
// CHECK-LABEL: func.func @mmt4d_i8_i32(
//  CHECK-NEXT:   linalg.mmt4d ins(%{{.+}}, %{{.+}} : tensor<4x8x8x2xi8>, tensor<2x8x16x2xi8>) outs(%{{.+}} : tensor<4x2x8x16xi32>)
func.func @mmt4d_i8_i32(%L : tensor<4x8x8x2xi8>, %R : tensor<2x8x16x2xi8>, %A : tensor<4x2x8x16xi32>) -> tensor<4x2x8x16xi32> {
  %0 = linalg.generic {indexing_maps = #mmt4d, iterator_types = #mmt4d_iters} ins(%L, %R : tensor<4x8x8x2xi8>, tensor<2x8x16x2xi8>) outs(%A : tensor<4x2x8x16xi32>) {
  ^bb0(%l: i8, %r: i8, %a: i32):
    %l32 = arith.extsi %l : i8 to i32
    %r32 = arith.extsi %r : i8 to i32
    %p = arith.muli %r32, %l32 : i32
    %s = arith.addi %p, %a : i32
    linalg.yield %s : i32
  } -> tensor<4x2x8x16xi32>
  return %0 : tensor<4x2x8x16xi32>
}

// CHECK-LABEL: func.func @mmt4d_f16_f32(
//  CHECK-NEXT:   linalg.mmt4d ins(%{{.+}}, %{{.+}} : tensor<4x8x8x1xf16>, tensor<2x8x16x1xf16>) outs(%{{.+}} : tensor<4x2x8x16xf32>)
func.func @mmt4d_f16_f32(%L : tensor<4x8x8x1xf16>, %R : tensor<2x8x16x1xf16>, %A : tensor<4x2x8x16xf32>) -> tensor<4x2x8x16xf32> {
  %0 = linalg.generic {indexing_maps = #mmt4d, iterator_types = #mmt4d_iters} ins(%L, %R : tensor<4x8x8x1xf16>, tensor<2x8x16x1xf16>) outs(%A : tensor<4x2x8x16xf32>) {
  ^bb0(%l: f16, %r: f16, %a: f32):
    %l32 = arith.extf %l : f16 to f32
    %r32 = arith.extf %r : f16 to f32
    %p = arith.mulf %l32, %r32 : f32
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2x8x16xf32>
  return %0 : tensor<4x2x8x16xf32>
}

// CHECK-LABEL: func.func @batch_mmt4d_bf16_f32(
//  CHECK-NEXT:   linalg.batch_mmt4d ins(%{{.+}}, %{{.+}} : tensor<3x4x8x8x1xbf16>, tensor<3x2x8x16x1xbf16>) outs(%{{.+}} : tensor<3x4x2x8x16xf32>)
func.func @batch_mmt4d_bf16_f32(%L : tensor<3x4x8x8x1xbf16>, %R : tensor<3x2x8x16x1xbf16>, %A : tensor<3x4x2x8x16xf32>) -> tensor<3x4x2x8x16xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(b, m, n, k, m0, n0, k0) -> (b, m, k, m0, k0)>, affine_map<(b, m, n, k, m0, n0, k0) -> (b, n, k, n0, k0)>, affine_map<(b, m, n, k, m0, n0, k0) -> (b, m, n, m0, n0)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%L, %R : tensor<3x4x8x8x1xbf16>, tensor<3x2x8x16x1xbf16>) outs(%A : tensor<3x4x2x8x16xf32>) {
  ^bb0(%l: bf16, %r: bf16, %a: f32):
    %l32 = arith.extf %l : bf16 to f32
    %r32 = arith.extf %r : bf16 to f32
    %p = arith.mulf %l32, %r32 : f32
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x4x2x8x16xf32>
  return %0 : tensor<3x4x2x8x16xf32>
}

// Left alone: the RHS inner tile is [k0][n0], not mmt4d's [n0][k0].
// CHECK-LABEL: func.func @not_mmt4d_maps(
//   CHECK-NOT:   linalg.mmt4d
//       CHECK:   linalg.generic
func.func @not_mmt4d_maps(%L : tensor<4x8x8x1xf32>, %R : tensor<2x8x1x16xf32>, %A : tensor<4x2x8x16xf32>) -> tensor<4x2x8x16xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n, k, m0, n0, k0) -> (m, k, m0, k0)>, affine_map<(m, n, k, m0, n0, k0) -> (n, k, k0, n0)>, affine_map<(m, n, k, m0, n0, k0) -> (m, n, m0, n0)>], iterator_types = #mmt4d_iters} ins(%L, %R : tensor<4x8x8x1xf32>, tensor<2x8x1x16xf32>) outs(%A : tensor<4x2x8x16xf32>) {
  ^bb0(%l: f32, %r: f32, %a: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2x8x16xf32>
  return %0 : tensor<4x2x8x16xf32>
}

// Left alone: mmt4d maps, but a max-plus body.
// CHECK-LABEL: func.func @not_mac_body(
//   CHECK-NOT:   linalg.mmt4d
//       CHECK:   linalg.generic
//       CHECK:     arith.maximumf
func.func @not_mac_body(%L : tensor<4x8x8x1xf32>, %R : tensor<2x8x16x1xf32>, %A : tensor<4x2x8x16xf32>) -> tensor<4x2x8x16xf32> {
  %0 = linalg.generic {indexing_maps = #mmt4d, iterator_types = #mmt4d_iters} ins(%L, %R : tensor<4x8x8x1xf32>, tensor<2x8x16x1xf32>) outs(%A : tensor<4x2x8x16xf32>) {
  ^bb0(%l: f32, %r: f32, %a: f32):
    %p = arith.addf %l, %r : f32
    %s = arith.maximumf %a, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2x8x16xf32>
  return %0 : tensor<4x2x8x16xf32>
}

// Left alone: a zero extension (u8) is not linalg.mmt4d's sign extension.
// CHECK-LABEL: func.func @zero_extension(
//   CHECK-NOT:   linalg.mmt4d
//       CHECK:   linalg.generic
//       CHECK:     arith.extui
func.func @zero_extension(%L : tensor<4x8x8x2xi8>, %R : tensor<2x8x16x2xi8>, %A : tensor<4x2x8x16xi32>) -> tensor<4x2x8x16xi32> {
  %0 = linalg.generic {indexing_maps = #mmt4d, iterator_types = #mmt4d_iters} ins(%L, %R : tensor<4x8x8x2xi8>, tensor<2x8x16x2xi8>) outs(%A : tensor<4x2x8x16xi32>) {
  ^bb0(%l: i8, %r: i8, %a: i32):
    %l32 = arith.extsi %l : i8 to i32
    %r32 = arith.extui %r : i8 to i32
    %p = arith.muli %l32, %r32 : i32
    %s = arith.addi %a, %p : i32
    linalg.yield %s : i32
  } -> tensor<4x2x8x16xi32>
  return %0 : tensor<4x2x8x16xi32>
}

// Left alone: the packed generic of pack-greedily's default (non-mmt4d) layout.
// CHECK-LABEL: func.func @pack_greedily_layout(
//   CHECK-NOT:   linalg.mmt4d
//       CHECK:   linalg.generic
func.func @pack_greedily_layout(%L : tensor<128x8x32x8xf32>, %R : tensor<8x8x32x16xf32>, %A : tensor<128x8x8x16xf32>) -> tensor<128x8x8x16xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d0, d3, d4)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>], iterator_types = ["reduction", "parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%L, %R : tensor<128x8x32x8xf32>, tensor<8x8x32x16xf32>) outs(%A : tensor<128x8x8x16xf32>) {
  ^bb0(%l: f32, %r: f32, %a: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  } -> tensor<128x8x8x16xf32>
  return %0 : tensor<128x8x8x16xf32>
}
