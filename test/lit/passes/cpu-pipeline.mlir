// RUN: pack-opt %s -p 'cpu-pipeline{target=avx512 threads=2}' | filecheck %s
// RUN: pack-opt %s -p 'cpu-pipeline{target=generic threads=1}' | filecheck %s --check-prefix=GENERIC
// RUN: not pack-opt %s -p 'cpu-pipeline{target=riscv}' 2>&1 | filecheck %s --check-prefix=TARGET

// From linalg on tensors to func/scf/arith/memref/vector: the matmul is
// packed (14x32x1 on avx512); the kernel reads the LHS straight from %A (its
// rows are reused by only 2 column tiles, so packing them would not pay),
// the RHS pack is loops over the source's rows, the kernel's (n) loop runs
// in parallel, and the last k block stores straight into the out-parameter
// (the unpack is absorbed). 64 = 4 x 14 + 8: the last row tile is a kernel
// with 8 rows, after the full tiles of each column tile.

// CHECK-LABEL: func.func @matmul
// CHECK-SAME:    (%[[A:.+]]: memref<64x48xf32>, %[[B:.+]]: memref<48x64xf32>, %[[OUT:.+]]: memref<64x64xf32>)
// CHECK-SAME:    attributes {packdialect.outputs = 1 : i64}
// CHECK:         %[[PB:.+]] = memref.alloc() {alignment = 64 : i64} : memref<2x48x32x1xf32>
// CHECK:         memref.load %[[B]]
// CHECK:         %[[PBF:.+]] = memref.collapse_shape %[[PB]] {{.*}} into memref<2x48x32xf32>
// CHECK:         "scf.parallel"
// CHECK-NEXT:    ^{{.*}}(%[[N:.+]]: index):
// CHECK-NEXT:      scf.for %[[M:.+]] = %{{.+}} to %{{.+}} step
// CHECK:             scf.for %{{.+}} iter_args
// CHECK:               vector.load %[[PBF]][%[[N]],
// CHECK:               memref.load %[[A]][
// CHECK-COUNT-28:      vector.fma
// CHECK:             vector.store %{{.+}}, %[[OUT]][
// CHECK:           } {packdialect.parallel}
// CHECK:           scf.for %{{.+}} iter_args
// CHECK-COUNT-16:    vector.fma
// CHECK:           vector.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}] : memref<64x64xf32>, vector<16xf32>
// CHECK:         }) {packdialect.num_threads = 2 : i64}
// CHECK-NEXT:    memref.dealloc %[[PB]]
// CHECK-NOT:     memref.alloc
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
