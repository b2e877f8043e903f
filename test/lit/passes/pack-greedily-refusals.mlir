// RUN: pack-opt %s -p 'pack-greedily{packed-sizes=8,16,32 inner-dims-order=1,2,0 report=true}' -o %t.mlir 2>&1 | filecheck %s --check-prefix=REPORT
// RUN: filecheck %s < %t.mlir

// Ops pack-greedily leaves alone, unchanged, and the one line per op that
// report=true prints on stderr saying why.

// REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @matvec: linalg.matvec: not packed: need 3 or more loops to find a matmul to pack, found 2
// CHECK-DAG: #[[MAP1:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[MAP2:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[MAP3:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d2, d1, d0 + d3)>
// CHECK-DAG: #[[MAP4:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @matvec(
//  CHECK-NEXT:   %{{.+}} = linalg.matvec ins(%{{.+}}, %{{.+}} : tensor<1023x255xf32>, tensor<255xf32>) outs(%{{.+}} : tensor<1023xf32>) -> tensor<1023xf32>
//  CHECK-NEXT:   return
func.func @matvec(%A : tensor<1023x255xf32>, %x : tensor<255xf32>, %y : tensor<1023xf32>) -> tensor<1023xf32> {
  %0 = linalg.matvec ins(%A, %x : tensor<1023x255xf32>, tensor<255xf32>) outs(%y : tensor<1023xf32>) -> tensor<1023xf32>
  return %0 : tensor<1023xf32>
}

// REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @batch_matvec_no_n: linalg.batch_matvec: not packed: no n loop
// CHECK-LABEL: func.func @batch_matvec_no_n(
//  CHECK-NEXT:   linalg.batch_matvec
//  CHECK-NEXT:   return
func.func @batch_matvec_no_n(%A : tensor<42x1023x255xf32>, %x : tensor<42x255xf32>, %y : tensor<42x1023xf32>) -> tensor<42x1023xf32> {
  %0 = linalg.batch_matvec ins(%A, %x : tensor<42x1023x255xf32>, tensor<42x255xf32>) outs(%y : tensor<42x1023xf32>) -> tensor<42x1023xf32>
  return %0 : tensor<42x1023xf32>
}

// REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @elementwise_no_mnk: linalg.generic: not packed: no m loop
// CHECK-LABEL: func.func @elementwise_no_mnk(
//   CHECK-NOT:   linalg.pack
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP1]]
//   CHECK-NOT:   linalg.unpack
//       CHECK:   return
func.func @elementwise_no_mnk(%A : tensor<4x8x16xf32>, %B : tensor<4x8x16xf32>, %C : tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%A, %B : tensor<4x8x16xf32>, tensor<4x8x16xf32>) outs(%C : tensor<4x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.addf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<4x8x16xf32>
  return %0 : tensor<4x8x16xf32>
}

// REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @lhs_only_reduction_no_k: linalg.generic: not packed: no k loop
// CHECK-LABEL: func.func @lhs_only_reduction_no_k(
//   CHECK-NOT:   linalg.pack
//       CHECK:   linalg.generic
//  CHECK-SAME:     iterator_types = ["parallel", "parallel", "reduction"]
func.func @lhs_only_reduction_no_k(%A : tensor<1023x255xf32>, %B : tensor<127xf32>, %C : tensor<1023x127xf32>) -> tensor<1023x127xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n, r) -> (m, r)>, affine_map<(m, n, r) -> (n)>, affine_map<(m, n, r) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<1023x255xf32>, tensor<127xf32>) outs(%C : tensor<1023x127xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<1023x127xf32>
  return %0 : tensor<1023x127xf32>
}

// The chosen m loop also feeds the compound expression m + r of the RHS:
// packing it would need `(mm + r) floordiv 8`, which no indexing map can say.
// REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @compound_expression_on_m: linalg.generic: not packed: loop d0 appears in the compound expression (d0 + d3) in the RHS indexing map
// CHECK-LABEL: func.func @compound_expression_on_m(
//   CHECK-NOT:   linalg.pack
//       CHECK:   linalg.generic {indexing_maps = [#[[MAP2]], #[[MAP3]], #[[MAP4]]]
func.func @compound_expression_on_m(%A : tensor<16x32x5xf32>, %B : tensor<32x16x20xf32>, %C : tensor<16x16xf32>) -> tensor<16x16xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n, k, r) -> (m, k, r)>, affine_map<(m, n, k, r) -> (k, n, m + r)>, affine_map<(m, n, k, r) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%A, %B : tensor<16x32x5xf32>, tensor<32x16x20xf32>) outs(%C : tensor<16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<16x16xf32>
  return %0 : tensor<16x16xf32>
}

// A max-plus "matmul": same maps, but padding k with zeros would add
// max(acc, 0 + 0) terms. Refused when k needs padding (255 % 32 != 0)...
// REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @max_plus_k_padded: linalg.generic: not packed: the k loop d2 would be padded with zeros, which is only neutral for a multiply-accumulate body
// CHECK-LABEL: func.func @max_plus_k_padded(
//   CHECK-NOT:   linalg.pack
//       CHECK:   linalg.generic
//       CHECK:     arith.maximumf
func.func @max_plus_k_padded(%A : tensor<64x255xf32>, %B : tensor<255x64xf32>, %C : tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<64x255xf32>, tensor<255x64xf32>) outs(%C : tensor<64x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.addf %a, %b : f32
    %e = arith.maximumf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// ... and packed, like upstream, when no k padding is needed.
// REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @max_plus_k_divisible: linalg.generic: packed matmul m=d0 (64) n=d1 (64) k=d2 (256) f32 x f32 -> f32 with packed-sizes=8,16,32 inner-dims-order=1,2,0 mmt4d-layout=false
// CHECK-LABEL: func.func @max_plus_k_divisible(
//       CHECK:   linalg.pack
//       CHECK:   linalg.generic
//       CHECK:     arith.maximumf
//       CHECK:   linalg.unpack
func.func @max_plus_k_divisible(%A : tensor<64x256xf32>, %B : tensor<256x64xf32>, %C : tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<64x256xf32>, tensor<256x64xf32>) outs(%C : tensor<64x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.addf %a, %b : f32
    %e = arith.maximumf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// Buffers: packing needs tensors.
// REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @matmul_on_memrefs: linalg.matmul: not packed: operand of type memref<16x16xf32> is not a tensor; packing needs tensors
// CHECK-LABEL: func.func @matmul_on_memrefs(
//  CHECK-NEXT:   linalg.matmul ins(%{{.+}}, %{{.+}} : memref<16x16xf32>, memref<16x16xf32>) outs(%{{.+}} : memref<16x16xf32>)
func.func @matmul_on_memrefs(%A : memref<16x16xf32>, %B : memref<16x16xf32>, %C : memref<16x16xf32>) {
  linalg.matmul ins(%A, %B : memref<16x16xf32>, memref<16x16xf32>) outs(%C : memref<16x16xf32>)
  return
}

// Not a contraction at all: one line per linalg op all the same.
// REPORT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-greedily: @fill: linalg.fill: not packed: expected 2 inputs and 1 init, found 1 input(s) and 1 init(s)
// CHECK-LABEL: func.func @fill(
//  CHECK-NEXT:   %{{.+}} = arith.constant
//  CHECK-NEXT:   linalg.fill
//  CHECK-NEXT:   return
func.func @fill(%C : tensor<16x16xf32>) -> tensor<16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %0 = linalg.fill ins(%zero : f32) outs(%C : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %0 : tensor<16x16xf32>
}
