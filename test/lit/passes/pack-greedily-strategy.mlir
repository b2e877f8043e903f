// Without packed-sizes a strategy picks the tiles per op (default: the
// `generic` target and its default strategy).
// RUN: pack-opt %s -p 'pack-greedily{report=true}' -o %t.generic.mlir 2>&1 | filecheck %s --check-prefix=GENERIC-REPORT
// RUN: filecheck %s --check-prefix=GENERIC < %t.generic.mlir
// RUN: pack-opt %s -p 'pack-greedily{target=avx512 report=true}' -o %t.avx512.mlir 2>&1 | filecheck %s --check-prefix=AVX512-REPORT
// RUN: filecheck %s --check-prefix=AVX512 < %t.avx512.mlir
// RUN: pack-opt %s -p 'pack-greedily{strategy=avx2 mmt4d-layout=false inner-dims-order=1,2,0}' | filecheck %s --check-prefix=OVERRIDE
// RUN: pack-opt %s -p 'pack-greedily{target=avx512},specialize-mmt4d' | filecheck %s --check-prefix=NAMED

// GENERIC-REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @matmul: linalg.matmul: packed matmul m=d0 (64) n=d1 (96) k=d2 (32) f32 x f32 -> f32 with packed-sizes=8,8,1 inner-dims-order=0,1,2 mmt4d-layout=true (generic: 8x8x1
// GENERIC-REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @narrow_m: linalg.matmul: packed matmul m=d0 (4) {{.*}} with packed-sizes=4,8,1 {{.*}}narrow M=4: m0=4 instead of 8
// AVX512-REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @matmul: linalg.matmul: packed {{.*}} with packed-sizes=14,32,1 inner-dims-order=0,1,2 mmt4d-layout=true (avx512: 14x32x1
// AVX512-REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @narrow_m: linalg.matmul: packed {{.*}} with packed-sizes=4,32,1

// GENERIC-LABEL: func.func @matmul(
//       GENERIC:   linalg.pack %{{.+}} outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [8, 1] {{.*}} : tensor<64x32xf32> -> tensor<8x32x8x1xf32>
//       GENERIC:   linalg.pack %{{.+}} outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [8, 1] {{.*}} : tensor<32x96xf32> -> tensor<12x32x8x1xf32>
//  AVX512-LABEL: func.func @matmul(
//        AVX512:   linalg.pack %{{.+}} outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [32, 1] {{.*}} : tensor<32x96xf32> -> tensor<3x32x32x1xf32>
// OVERRIDE-LABEL: func.func @matmul(
//       OVERRIDE:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [1, 6] {{.*}} : tensor<64x32xf32> -> tensor<11x32x1x6xf32>
//  NAMED-LABEL: func.func @matmul(
//        NAMED:   linalg.mmt4d
func.func @matmul(%A : tensor<64x32xf32>, %B : tensor<32x96xf32>, %C : tensor<64x96xf32>) -> tensor<64x96xf32> {
  %0 = linalg.matmul ins(%A, %B : tensor<64x32xf32>, tensor<32x96xf32>) outs(%C : tensor<64x96xf32>) -> tensor<64x96xf32>
  return %0 : tensor<64x96xf32>
}

// GENERIC-LABEL: func.func @narrow_m(
//       GENERIC:   linalg.pack %{{.+}} outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [4, 1] {{.*}} : tensor<4x32xf32> -> tensor<1x32x4x1xf32>
func.func @narrow_m(%A : tensor<4x32xf32>, %B : tensor<32x96xf32>, %C : tensor<4x96xf32>) -> tensor<4x96xf32> {
  %0 = linalg.matmul ins(%A, %B : tensor<4x32xf32>, tensor<32x96xf32>) outs(%C : tensor<4x96xf32>) -> tensor<4x96xf32>
  return %0 : tensor<4x96xf32>
}
