// RUN: pack-opt %s -p 'cpu-pipeline{target=avx512 threads=2}' | filecheck %s
// RUN: pack-opt %s -p 'cpu-pipeline{target=generic threads=1}' | filecheck %s --check-prefix=GENERIC
// RUN: not pack-opt %s -p 'cpu-pipeline{target=riscv}' 2>&1 | filecheck %s --check-prefix=TARGET

// From linalg on tensors to func/scf/arith/memref/vector: the matmul is
// packed (8x32x1 on avx512), the packs are loops, the mmt4d is a vector
// kernel whose outer (n, m) loops run in parallel, and the unpack writes
// straight into the out-parameter.

// CHECK-LABEL: func.func @matmul
// CHECK-SAME:    (%[[A:.+]]: memref<64x48xf32>, %[[B:.+]]: memref<48x64xf32>, %[[OUT:.+]]: memref<64x64xf32>)
// CHECK-SAME:    attributes {packdialect.outputs = 1 : i64}
// CHECK:         %[[PA:.+]] = memref.alloc() {alignment = 64 : i64} : memref<8x48x8x1xf32>
// CHECK:         memref.load %[[A]]
// CHECK:         %[[PB:.+]] = memref.alloc() {alignment = 64 : i64} : memref<2x48x32x1xf32>
// CHECK:         memref.load %[[B]]
// CHECK:         %[[PC:.+]] = memref.alloc() {alignment = 64 : i64} : memref<8x2x8x32xf32>
// CHECK:         %[[PBF:.+]] = memref.collapse_shape %[[PB]] {{.*}} into memref<2x48x32xf32>
// CHECK:         "scf.parallel"
// CHECK-NEXT:    ^{{.*}}(%[[N:.+]]: index, %[[M:.+]]: index):
// CHECK:           scf.for %{{.+}} iter_args
// CHECK:             vector.load %[[PBF]][%[[N]],
// CHECK:             memref.load %[[PA]][%[[M]],
// CHECK:             vector.fma
// CHECK:         }) {packdialect.num_threads = 2 : i64}
// CHECK:         memref.load %[[PC]]
// CHECK:         memref.store %{{.+}}, %[[OUT]]
// CHECK:         memref.dealloc %[[PA]]
// CHECK-NOT:     tensor
// CHECK-NOT:     linalg.
// CHECK-NOT:     bufferization.

// GENERIC-LABEL: func.func @matmul
// GENERIC:         vector.fma {{.*}} : vector<4xf32>
// GENERIC-NOT:     scf.parallel

// TARGET: error: cpu-pipeline: unknown target 'riscv'; expected one of host, avx512, avx2, generic

func.func @matmul(%a: tensor<64x48xf32>, %b: tensor<48x64xf32>) -> tensor<64x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %r = linalg.matmul ins(%a, %b : tensor<64x48xf32>, tensor<48x64xf32>) outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}
