// RUN: pack-opt %s --split-input-file -p 'vectorize-mmt4d{target=avx512}' | filecheck %s

// The inner 2x32x1 tile of an mmt4d becomes register-resident accumulators
// (2 rows x 2 vectors of 16 f32) carried through the k loop; RHS rows are
// loaded as vectors, LHS scalars broadcast, vector.fma accumulates.

// CHECK-LABEL: func.func @mmt4d
// CHECK-SAME:    (%[[LHS:.+]]: memref<3x8x2x1xf32>, %[[RHS:.+]]: memref<5x8x32x1xf32>, %[[ACC:.+]]: memref<3x5x2x32xf32>)
// CHECK:         %[[ROWS:.+]] = memref.collapse_shape %[[RHS]] {{\[}}[0], [1], [2, 3]] : memref<5x8x32x1xf32> into memref<5x8x32xf32>
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C16:.+]] = arith.constant 16 : index
// CHECK:         scf.for %[[N:.+]] = %[[C0]] to %{{.+}} step %[[C1]] {
// CHECK-NEXT:      scf.for %[[M:.+]] = %[[C0]] to %{{.+}} step %[[C1]] {
// CHECK-NEXT:        %[[A00:.+]] = vector.load %[[ACC]][%[[M]], %[[N]], %[[C0]], %[[C0]]] : memref<3x5x2x32xf32>, vector<16xf32>
// CHECK-NEXT:        %[[A01:.+]] = vector.load %[[ACC]][%[[M]], %[[N]], %[[C0]], %[[C16]]] : memref<3x5x2x32xf32>, vector<16xf32>
// CHECK-NEXT:        %[[A10:.+]] = vector.load %[[ACC]][%[[M]], %[[N]], %[[C1]], %[[C0]]] : memref<3x5x2x32xf32>, vector<16xf32>
// CHECK-NEXT:        %[[A11:.+]] = vector.load %[[ACC]][%[[M]], %[[N]], %[[C1]], %[[C16]]] : memref<3x5x2x32xf32>, vector<16xf32>
// CHECK-NEXT:        %[[R0:[^ ,]+]], %[[R1:[^ ,]+]], %[[R2:[^ ,]+]], %[[R3:[^ ,]+]] = scf.for %[[K:[^ ]+]] = %[[C0]] to %{{.+}} step %[[C1]] iter_args(%[[X00:[^ ]+]] = %[[A00]], %[[X01:[^ ]+]] = %[[A01]], %[[X10:[^ ]+]] = %[[A10]], %[[X11:[^ ]+]] = %[[A11]]) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-NEXT:          %[[B0:.+]] = vector.load %[[ROWS]][%[[N]], %[[K]], %[[C0]]] : memref<5x8x32xf32>, vector<16xf32>
// CHECK-NEXT:          %[[B1:.+]] = vector.load %[[ROWS]][%[[N]], %[[K]], %[[C16]]] : memref<5x8x32xf32>, vector<16xf32>
// CHECK-NEXT:          %[[L0:.+]] = memref.load %[[LHS]][%[[M]], %[[K]], %[[C0]], %[[C0]]] : memref<3x8x2x1xf32>
// CHECK-NEXT:          %[[S0:.+]] = vector.broadcast %[[L0]] : f32 to vector<16xf32>
// CHECK-NEXT:          %[[Y00:.+]] = vector.fma %[[S0]], %[[B0]], %[[X00]] : vector<16xf32>
// CHECK-NEXT:          %[[Y01:.+]] = vector.fma %[[S0]], %[[B1]], %[[X01]] : vector<16xf32>
// CHECK-NEXT:          %[[L1:.+]] = memref.load %[[LHS]][%[[M]], %[[K]], %[[C1]], %[[C0]]] : memref<3x8x2x1xf32>
// CHECK-NEXT:          %[[S1:.+]] = vector.broadcast %[[L1]] : f32 to vector<16xf32>
// CHECK-NEXT:          %[[Y10:.+]] = vector.fma %[[S1]], %[[B0]], %[[X10]] : vector<16xf32>
// CHECK-NEXT:          %[[Y11:.+]] = vector.fma %[[S1]], %[[B1]], %[[X11]] : vector<16xf32>
// CHECK-NEXT:          scf.yield %[[Y00]], %[[Y01]], %[[Y10]], %[[Y11]] : vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>
// CHECK-NEXT:        }
// CHECK-NEXT:        vector.store %[[R0]], %[[ACC]][%[[M]], %[[N]], %[[C0]], %[[C0]]] : memref<3x5x2x32xf32>, vector<16xf32>
// CHECK-NEXT:        vector.store %[[R1]], %[[ACC]][%[[M]], %[[N]], %[[C0]], %[[C16]]] : memref<3x5x2x32xf32>, vector<16xf32>
// CHECK-NEXT:        vector.store %[[R2]], %[[ACC]][%[[M]], %[[N]], %[[C1]], %[[C0]]] : memref<3x5x2x32xf32>, vector<16xf32>
// CHECK-NEXT:        vector.store %[[R3]], %[[ACC]][%[[M]], %[[N]], %[[C1]], %[[C16]]] : memref<3x5x2x32xf32>, vector<16xf32>
// CHECK-NEXT:      } {packdialect.parallel}
// CHECK-NEXT:    } {packdialect.parallel}
// CHECK-NOT:     linalg.mmt4d
func.func @mmt4d(%lhs: memref<3x8x2x1xf32>, %rhs: memref<5x8x32x1xf32>, %acc: memref<3x5x2x32xf32>) {
  linalg.mmt4d ins(%lhs, %rhs : memref<3x8x2x1xf32>, memref<5x8x32x1xf32>) outs(%acc : memref<3x5x2x32xf32>)
  return
}

// -----

// The propagation-friendly layout: the RHS inner tile is [k0][n0]
// (contiguous along n0), here with n0 = k0 = 16; the k0 steps are unrolled.

// CHECK-LABEL: func.func @k0_n0_layout
// CHECK-SAME:    (%[[LHS:.+]]: memref<1x2x2x16xf32>, %[[RHS:.+]]: memref<1x2x16x16xf32>, %[[ACC:.+]]: memref<1x1x2x16xf32>)
// CHECK:         scf.for %[[K:.+]] = {{.*}} iter_args
// CHECK-NEXT:      %[[B0:.+]] = vector.load %[[RHS]][%{{.+}}, %[[K]], %[[C0:.+]], %[[C0]]] : memref<1x2x16x16xf32>, vector<16xf32>
// CHECK-NEXT:      memref.load %[[LHS]][%{{.+}}, %[[K]], %[[C0]], %[[C0]]]
// CHECK:           %[[B1:.+]] = vector.load %[[RHS]][%{{.+}}, %[[K]], %[[C1:.+]], %[[C0]]] : memref<1x2x16x16xf32>, vector<16xf32>
// CHECK-NEXT:      memref.load %[[LHS]][%{{.+}}, %[[K]], %[[C0]], %[[C1]]]
// CHECK-COUNT-28:  vector.fma
// CHECK:           scf.yield
#kn = [
  affine_map<(m, n, k, m0, n0, k0) -> (m, k, m0, k0)>,
  affine_map<(m, n, k, m0, n0, k0) -> (n, k, k0, n0)>,
  affine_map<(m, n, k, m0, n0, k0) -> (m, n, m0, n0)>
]
func.func @k0_n0_layout(%lhs: memref<1x2x2x16xf32>, %rhs: memref<1x2x16x16xf32>, %acc: memref<1x1x2x16xf32>) {
  linalg.generic {indexing_maps = #kn, iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%lhs, %rhs : memref<1x2x2x16xf32>, memref<1x2x16x16xf32>) outs(%acc : memref<1x1x2x16xf32>) {
  ^bb0(%x: f32, %y: f32, %a: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A [n0][k0] RHS tile with k0 = 2 (bf16 pairs): the whole tile row is loaded
// once and deinterleaved with shuffles; bf16 is widened to f32 on vectors.

// CHECK-LABEL: func.func @interleaved_bf16
// CHECK:         %[[ROWS:.+]] = memref.collapse_shape %{{.+}} {{.*}} : memref<1x4x16x2xbf16> into memref<1x4x32xbf16>
// CHECK:         scf.for %[[K:.+]] = {{.*}} iter_args
// CHECK-NEXT:      %[[T:.+]] = vector.load %[[ROWS]][%{{.+}}, %[[K]], %{{.+}}] : memref<1x4x32xbf16>, vector<32xbf16>
// CHECK-NEXT:      %[[E:.+]] = vector.shuffle %[[T]], %[[T]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xbf16>, vector<32xbf16>
// CHECK-NEXT:      %[[EF:.+]] = arith.extf %[[E]] : vector<16xbf16> to vector<16xf32>
// CHECK-NEXT:      %[[L:.+]] = memref.load
// CHECK-NEXT:      %[[LF:.+]] = arith.extf %[[L]] : bf16 to f32
// CHECK-NEXT:      %[[S:.+]] = vector.broadcast %[[LF]] : f32 to vector<16xf32>
// CHECK-NEXT:      vector.fma %[[S]], %[[EF]], %{{.+}} : vector<16xf32>
// CHECK:           %[[O:.+]] = vector.shuffle %[[T]], %[[T]] [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31] : vector<32xbf16>, vector<32xbf16>
// CHECK-NEXT:      arith.extf %[[O]] : vector<16xbf16> to vector<16xf32>
func.func @interleaved_bf16(%lhs: memref<1x4x2x2xbf16>, %rhs: memref<1x4x16x2xbf16>, %acc: memref<1x1x2x16xf32>) {
  linalg.mmt4d ins(%lhs, %rhs : memref<1x4x2x2xbf16>, memref<1x4x16x2xbf16>) outs(%acc : memref<1x1x2x16xf32>)
  return
}

// -----

// f16 inputs, f32 accumulator: the RHS vectors are widened with arith.extf.

// CHECK-LABEL: func.func @f16_to_f32
// CHECK:         %[[B:.+]] = vector.load %{{.+}} : memref<1x4x16xf16>, vector<16xf16>
// CHECK-NEXT:    %[[BF:.+]] = arith.extf %[[B]] : vector<16xf16> to vector<16xf32>
// CHECK-NEXT:    %[[L:.+]] = memref.load %{{.+}} : memref<1x4x4x1xf16>
// CHECK-NEXT:    %[[LF:.+]] = arith.extf %[[L]] : f16 to f32
// CHECK-NEXT:    %[[S:.+]] = vector.broadcast %[[LF]] : f32 to vector<16xf32>
// CHECK-NEXT:    vector.fma %[[S]], %[[BF]], %{{.+}} : vector<16xf32>
func.func @f16_to_f32(%lhs: memref<1x4x4x1xf16>, %rhs: memref<1x4x16x1xf16>, %acc: memref<1x1x4x16xf32>) {
  linalg.mmt4d ins(%lhs, %rhs : memref<1x4x4x1xf16>, memref<1x4x16x1xf16>) outs(%acc : memref<1x1x4x16xf32>)
  return
}

// -----

// Mirrored layout: contiguous along m0 in the accumulator and the LHS, so
// the LHS is loaded as vectors and the RHS broadcast.

// CHECK-LABEL: func.func @m0_contiguous
// CHECK-SAME:    (%[[LHS:.+]]: memref<1x4x1x16xf32>, %[[RHS:.+]]: memref<1x4x1x2xf32>, %[[ACC:.+]]: memref<1x1x2x16xf32>)
// CHECK:         scf.for %[[K:.+]] = {{.*}} iter_args
// CHECK-NEXT:      %[[A:.+]] = vector.load %[[LHS]][%{{.+}}, %[[K]], %{{.+}}, %{{.+}}] : memref<1x4x1x16xf32>, vector<16xf32>
// CHECK-NEXT:      %[[B:.+]] = memref.load %[[RHS]][%{{.+}}, %[[K]], %{{.+}}, %{{.+}}] : memref<1x4x1x2xf32>
// CHECK-NEXT:      %[[S:.+]] = vector.broadcast %[[B]] : f32 to vector<16xf32>
// CHECK-NEXT:      vector.fma %[[S]], %[[A]], %{{.+}} : vector<16xf32>
func.func @m0_contiguous(%lhs: memref<1x4x1x16xf32>, %rhs: memref<1x4x1x2xf32>, %acc: memref<1x1x2x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k, m0, n0, k0) -> (m, k, k0, m0)>, affine_map<(m, n, k, m0, n0, k0) -> (n, k, k0, n0)>, affine_map<(m, n, k, m0, n0, k0) -> (m, n, n0, m0)>], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%lhs, %rhs : memref<1x4x1x16xf32>, memref<1x4x1x2xf32>) outs(%acc : memref<1x1x2x16xf32>) {
  ^bb0(%x: f32, %y: f32, %a: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: neither n0 nor m0 is contiguous in the accumulator.

// CHECK-LABEL: func.func @no_contiguous_tile
// CHECK:         linalg.generic
#strided = [
  affine_map<(m, n, k, m0, n0, k0) -> (m, k, m0, k0)>,
  affine_map<(m, n, k, m0, n0, k0) -> (n, k, n0, k0)>,
  affine_map<(m, n, k, m0, n0, k0) -> (m0, n0, m, n)>
]
func.func @no_contiguous_tile(%lhs: memref<2x4x4x1xf32>, %rhs: memref<2x4x16x1xf32>, %acc: memref<4x16x2x2xf32>) {
  linalg.generic {indexing_maps = #strided, iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%lhs, %rhs : memref<2x4x4x1xf32>, memref<2x4x16x1xf32>) outs(%acc : memref<4x16x2x2xf32>) {
  ^bb0(%x: f32, %y: f32, %a: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: on tensors (bufferize first).

// CHECK-LABEL: func.func @on_tensors
// CHECK:         linalg.mmt4d
func.func @on_tensors(%lhs: tensor<1x4x4x1xf32>, %rhs: tensor<1x4x16x1xf32>, %acc: tensor<1x1x4x16xf32>) -> tensor<1x1x4x16xf32> {
  %r = linalg.mmt4d ins(%lhs, %rhs : tensor<1x4x4x1xf32>, tensor<1x4x16x1xf32>) outs(%acc : tensor<1x1x4x16xf32>) -> tensor<1x1x4x16xf32>
  return %r : tensor<1x1x4x16xf32>
}
