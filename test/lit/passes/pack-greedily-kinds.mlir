// RUN: pack-opt %s --split-input-file -p 'pack-greedily{packed-sizes=4,8,2 conv=none}' | filecheck %s

// Every input kind pack-greedily handles, packed with m0=4, n0=8, k0=2 and
// the default inner-dims-order=0,1,2: loops (..., m, n, k)(mm, nn, kk).


// CHECK-DAG: #[[MAP1:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
// CHECK-DAG: #[[MAP2:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d1, d4, d5)>
// CHECK-DAG: #[[MAP3:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>
// CHECK-LABEL: func.func @generic_nn(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [0, 1] inner_tiles = [4, 2] {{.*}} : tensor<10x6xf32> -> tensor<3x3x4x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [8, 2] {{.*}} : tensor<6x12xf32> -> tensor<3x2x8x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [0, 1] inner_tiles = [4, 8] {{.*}} : tensor<10x12xf32> -> tensor<3x2x4x8xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP1]], #[[MAP2]], #[[MAP3]]]
//  CHECK-SAME:     iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]
//       CHECK:   linalg.unpack %{{.+}} inner_dims_pos = [0, 1] inner_tiles = [4, 8]
#NN = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
func.func @generic_nn(%A : tensor<10x6xf32>, %B : tensor<6x12xf32>, %C : tensor<10x12xf32>) -> tensor<10x12xf32> {
  %0 = linalg.generic {indexing_maps = #NN, iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<10x6xf32>, tensor<6x12xf32>) outs(%C : tensor<10x12xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<10x12xf32>
  return %0 : tensor<10x12xf32>
}

// -----

// CHECK-DAG: #[[MAP4:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
// CHECK-DAG: #[[MAP5:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG: #[[MAP6:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>
// CHECK-LABEL: func.func @generic_nt(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [0, 1] inner_tiles = [4, 2] {{.*}} : tensor<10x6xf32> -> tensor<3x3x4x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [0, 1] inner_tiles = [8, 2] {{.*}} : tensor<12x6xf32> -> tensor<2x3x8x2xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP4]], #[[MAP5]], #[[MAP6]]]
#NT = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
func.func @generic_nt(%A : tensor<10x6xf32>, %B : tensor<12x6xf32>, %C : tensor<10x12xf32>) -> tensor<10x12xf32> {
  %0 = linalg.generic {indexing_maps = #NT, iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<10x6xf32>, tensor<12x6xf32>) outs(%C : tensor<10x12xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %d, %c : f32
    linalg.yield %e : f32
  } -> tensor<10x12xf32>
  return %0 : tensor<10x12xf32>
}

// -----

// CHECK-DAG: #[[MAP7:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d0, d3, d5)>
// CHECK-DAG: #[[MAP8:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d1, d4, d5)>
// CHECK-DAG: #[[MAP9:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>
// CHECK-LABEL: func.func @generic_tn(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [4, 2] {{.*}} : tensor<6x10xf32> -> tensor<3x3x4x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [8, 2] {{.*}} : tensor<6x12xf32> -> tensor<3x2x8x2xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP7]], #[[MAP8]], #[[MAP9]]]
#TN = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
func.func @generic_tn(%A : tensor<6x10xf32>, %B : tensor<6x12xf32>, %C : tensor<10x12xf32>) -> tensor<10x12xf32> {
  %0 = linalg.generic {indexing_maps = #TN, iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<6x10xf32>, tensor<6x12xf32>) outs(%C : tensor<10x12xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<10x12xf32>
  return %0 : tensor<10x12xf32>
}

// -----

// CHECK-DAG: #[[MAP10:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d0, d3, d5)>
// CHECK-DAG: #[[MAP11:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG: #[[MAP12:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>
// CHECK-LABEL: func.func @generic_tt(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [4, 2] {{.*}} : tensor<6x10xf32> -> tensor<3x3x4x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [0, 1] inner_tiles = [8, 2] {{.*}} : tensor<12x6xf32> -> tensor<2x3x8x2xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP10]], #[[MAP11]], #[[MAP12]]]
#TT = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
func.func @generic_tt(%A : tensor<6x10xf32>, %B : tensor<12x6xf32>, %C : tensor<10x12xf32>) -> tensor<10x12xf32> {
  %0 = linalg.generic {indexing_maps = #TT, iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<6x10xf32>, tensor<12x6xf32>) outs(%C : tensor<10x12xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<10x12xf32>
  return %0 : tensor<10x12xf32>
}

// -----

// linalg.matmul with transposed operands through indexing_maps.
// CHECK-DAG: #[[MAP13:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d0, d3, d5)>
// CHECK-DAG: #[[MAP14:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG: #[[MAP15:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>
// CHECK-LABEL: func.func @matmul_transpose_a_b(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [4, 2] {{.*}} : tensor<6x10xf32> -> tensor<3x3x4x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [0, 1] inner_tiles = [8, 2] {{.*}} : tensor<12x6xf32> -> tensor<2x3x8x2xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP13]], #[[MAP14]], #[[MAP15]]]
//   CHECK-NOT:   linalg.matmul
func.func @matmul_transpose_a_b(%A : tensor<6x10xf32>, %B : tensor<12x6xf32>, %C : tensor<10x12xf32>) -> tensor<10x12xf32> {
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%A, %B : tensor<6x10xf32>, tensor<12x6xf32>) outs(%C : tensor<10x12xf32>) -> tensor<10x12xf32>
  return %0 : tensor<10x12xf32>
}

// -----

// i8 x i8 -> i32: the sign extensions of the named op's body are kept.
// CHECK-LABEL: func.func @matmul_i8_i32(
//       CHECK:   linalg.pack %{{.+}} padding_value(%{{.+}} : i8) inner_dims_pos = [0, 1] inner_tiles = [4, 2] {{.*}} : tensor<10x7xi8> -> tensor<3x4x4x2xi8>
//       CHECK:   linalg.pack %{{.+}} padding_value(%{{.+}} : i8) inner_dims_pos = [1, 0] inner_tiles = [8, 2] {{.*}} : tensor<7x12xi8> -> tensor<4x2x8x2xi8>
//       CHECK:   linalg.pack %{{.+}} padding_value(%{{.+}} : i32) inner_dims_pos = [0, 1] inner_tiles = [4, 8] {{.*}} : tensor<10x12xi32> -> tensor<3x2x4x8xi32>
//       CHECK:   linalg.generic
//       CHECK:     arith.extsi %{{.+}} : i8 to i32
//       CHECK:     arith.extsi %{{.+}} : i8 to i32
//       CHECK:     arith.muli
//       CHECK:     arith.addi
func.func @matmul_i8_i32(%A : tensor<10x7xi8>, %B : tensor<7x12xi8>, %C : tensor<10x12xi32>) -> tensor<10x12xi32> {
  %0 = linalg.matmul ins(%A, %B : tensor<10x7xi8>, tensor<7x12xi8>) outs(%C : tensor<10x12xi32>) -> tensor<10x12xi32>
  return %0 : tensor<10x12xi32>
}

// -----

// A generic i8 x u8 -> i32 (extsi on one side, extui on the other).
// CHECK-LABEL: func.func @generic_i8_u8_i32(
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%{{.+}} : tensor<3x3x4x2xi8>, tensor<3x2x8x2xi8>)
//       CHECK:     arith.extsi %{{.+}} : i8 to i32
//       CHECK:     arith.extui %{{.+}} : i8 to i32
#NN = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
func.func @generic_i8_u8_i32(%A : tensor<10x6xi8>, %B : tensor<6x12xi8>, %C : tensor<10x12xi32>) -> tensor<10x12xi32> {
  %0 = linalg.generic {indexing_maps = #NN, iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<10x6xi8>, tensor<6x12xi8>) outs(%C : tensor<10x12xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %a32 = arith.extsi %a : i8 to i32
    %b32 = arith.extui %b : i8 to i32
    %d = arith.muli %a32, %b32 : i32
    %e = arith.addi %c, %d : i32
    linalg.yield %e : i32
  } -> tensor<10x12xi32>
  return %0 : tensor<10x12xi32>
}

// -----

// f16 x f16 -> f32 and bf16 x bf16 -> f32: float extensions are kept.
// CHECK-LABEL: func.func @matmul_f16_f32(
//       CHECK:   linalg.pack %{{.+}} padding_value(%{{.+}} : f16) {{.*}} : tensor<10x6xf16> -> tensor<3x3x4x2xf16>
//       CHECK:   linalg.generic
//       CHECK:     arith.extf %{{.+}} : f16 to f32
//       CHECK:     arith.extf %{{.+}} : f16 to f32
#NN = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
func.func @matmul_f16_f32(%A : tensor<10x6xf16>, %B : tensor<6x12xf16>, %C : tensor<10x12xf32>) -> tensor<10x12xf32> {
  %0 = linalg.matmul ins(%A, %B : tensor<10x6xf16>, tensor<6x12xf16>) outs(%C : tensor<10x12xf32>) -> tensor<10x12xf32>
  return %0 : tensor<10x12xf32>
}

// CHECK-LABEL: func.func @generic_bf16_f32(
//       CHECK:   linalg.pack %{{.+}} padding_value(%{{.+}} : bf16) {{.*}} : tensor<10x6xbf16> -> tensor<3x3x4x2xbf16>
//       CHECK:   linalg.generic
//       CHECK:     arith.extf %{{.+}} : bf16 to f32
//       CHECK:     arith.extf %{{.+}} : bf16 to f32
func.func @generic_bf16_f32(%A : tensor<10x6xbf16>, %B : tensor<6x12xbf16>, %C : tensor<10x12xf32>) -> tensor<10x12xf32> {
  %0 = linalg.generic {indexing_maps = #NN, iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<10x6xbf16>, tensor<6x12xbf16>) outs(%C : tensor<10x12xf32>) {
  ^bb0(%a: bf16, %b: bf16, %c: f32):
    %a32 = arith.extf %a : bf16 to f32
    %b32 = arith.extf %b : bf16 to f32
    %d = arith.mulf %a32, %b32 : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<10x12xf32>
  return %0 : tensor<10x12xf32>
}

// -----

// batch_matmul: the batch loop stays outermost and unpacked.
// CHECK-DAG: #[[MAP16:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3, d4, d6)>
// CHECK-DAG: #[[MAP17:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3, d2, d5, d6)>
// CHECK-DAG: #[[MAP18:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d4, d5)>
// CHECK-LABEL: func.func @batch_matmul(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 2] inner_tiles = [4, 2] {{.*}} : tensor<3x10x6xf32> -> tensor<3x3x3x4x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [2, 1] inner_tiles = [8, 2] {{.*}} : tensor<3x6x12xf32> -> tensor<3x3x2x8x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 2] inner_tiles = [4, 8] {{.*}} : tensor<3x10x12xf32> -> tensor<3x3x2x4x8xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP16]], #[[MAP17]], #[[MAP18]]]
//  CHECK-SAME:     iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]
func.func @batch_matmul(%A : tensor<3x10x6xf32>, %B : tensor<3x6x12xf32>, %C : tensor<3x10x12xf32>) -> tensor<3x10x12xf32> {
  %0 = linalg.batch_matmul ins(%A, %B : tensor<3x10x6xf32>, tensor<3x6x12xf32>) outs(%C : tensor<3x10x12xf32>) -> tensor<3x10x12xf32>
  return %0 : tensor<3x10x12xf32>
}

// -----

// An extra parallel loop in one operand: b indexes the LHS and the result but
// not the RHS, so m = {b, m} and the innermost one (m) is packed.
// CHECK-LABEL: func.func @extra_parallel_in_lhs(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 2] inner_tiles = [4, 2] {{.*}} : tensor<3x10x6xf32> -> tensor<3x3x3x4x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [8, 2] {{.*}} : tensor<6x12xf32> -> tensor<3x2x8x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [1, 2] inner_tiles = [4, 8] {{.*}} : tensor<3x10x12xf32> -> tensor<3x3x2x4x8xf32>
func.func @extra_parallel_in_lhs(%A : tensor<3x10x6xf32>, %B : tensor<6x12xf32>, %C : tensor<3x10x12xf32>) -> tensor<3x10x12xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%A, %B : tensor<3x10x6xf32>, tensor<6x12xf32>) outs(%C : tensor<3x10x12xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<3x10x12xf32>
  return %0 : tensor<3x10x12xf32>
}

// -----

// A 1x1 convolution: n (the batch of images) is m, f is n, c is k.
// CHECK-LABEL: func.func @conv_1x1(
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [0, 3] inner_tiles = [4, 2] {{.*}} : tensor<6x5x5x6xf32> -> tensor<2x5x5x3x4x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [3, 2] inner_tiles = [8, 2] {{.*}} : tensor<1x1x6x16xf32> -> tensor<1x1x3x2x8x2xf32>
//       CHECK:   linalg.pack %{{.+}} inner_dims_pos = [0, 3] inner_tiles = [4, 8] {{.*}} : tensor<6x5x5x16xf32> -> tensor<2x5x5x2x4x8xf32>
//       CHECK:   linalg.generic
//  CHECK-SAME:     iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]
func.func @conv_1x1(%I : tensor<6x5x5x6xf32>, %F : tensor<1x1x6x16xf32>, %O : tensor<6x5x5x16xf32>) -> tensor<6x5x5x16xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %F : tensor<6x5x5x6xf32>, tensor<1x1x6x16xf32>) outs(%O : tensor<6x5x5x16xf32>) -> tensor<6x5x5x16xf32>
  return %0 : tensor<6x5x5x16xf32>
}
