// Verifier messages of the named contractions (matmul ... batch_mmt4d), in
// upstream's wording and order. The `expected-error` lines are for upstream:
// test/lit/with-mlir/contractions_invalid.mlir runs this file through
// `iree-opt --verify-diagnostics`.
// RUN: pack-opt %s --split-input-file --verify-diagnostics
// RUN: pack-opt %s --split-input-file --print-diagnostics | filecheck %s

// Shape mismatch on the reduction dim.
func.func @matmul_k_mismatch(%a: tensor<4x8xf32>, %b: tensor<7x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+2 {{inferred input/output operand #1 has shape's dimension #0 to be 8, but found 7}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.matmul' op inferred input/output operand #1 has shape's dimension #0 to be 8, but found 7
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<7x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// The transposed maps decide which dims must agree.
func.func @matmul_transpose_a_mismatch(%a: tensor<5x3xf32>, %b: tensor<6x7xf32>, %c: tensor<3x7xf32>) -> tensor<3x7xf32> {
  // expected-error @+2 {{inferred input/output operand #1 has shape's dimension #0 to be 5, but found 6}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.matmul' op inferred input/output operand #1 has shape's dimension #0 to be 5, but found 6
  %0 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
         ins(%a, %b : tensor<5x3xf32>, tensor<6x7xf32>) outs(%c : tensor<3x7xf32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

// Output shape mismatch.
func.func @batch_matmul_mismatch(%a: tensor<2x4x8xf32>, %b: tensor<2x8x16xf32>, %c: tensor<2x5x16xf32>) -> tensor<2x5x16xf32> {
  // expected-error @+2 {{inferred input/output operand #2 has shape's dimension #1 to be 4, but found 5}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.batch_matmul' op inferred input/output operand #2 has shape's dimension #1 to be 4, but found 5
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x4x8xf32>, tensor<2x8x16xf32>) outs(%c : tensor<2x5x16xf32>) -> tensor<2x5x16xf32>
  return %0 : tensor<2x5x16xf32>
}

// -----

func.func @matvec_mismatch(%a: tensor<4x8xf32>, %x: tensor<9xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{inferred input/output operand #1 has shape's dimension #0 to be 8, but found 9}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.matvec' op inferred input/output operand #1 has shape's dimension #0 to be 8, but found 9
  %0 = linalg.matvec ins(%a, %x : tensor<4x8xf32>, tensor<9xf32>) outs(%y : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @vecmat_mismatch(%x: tensor<4xf32>, %a: tensor<5x8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+2 {{inferred input/output operand #1 has shape's dimension #0 to be 4, but found 5}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.vecmat' op inferred input/output operand #1 has shape's dimension #0 to be 4, but found 5
  %0 = linalg.vecmat ins(%x, %a : tensor<4xf32>, tensor<5x8xf32>) outs(%y : tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @batch_matvec_mismatch(%a: tensor<2x4x8xf32>, %x: tensor<2x8xf32>, %y: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{inferred input/output operand #2 has shape's dimension #0 to be 2, but found 3}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.batch_matvec' op inferred input/output operand #2 has shape's dimension #0 to be 2, but found 3
  %0 = linalg.batch_matvec ins(%a, %x : tensor<2x4x8xf32>, tensor<2x8xf32>) outs(%y : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @dot_mismatch(%a: tensor<8xf32>, %b: tensor<9xf32>, %c: tensor<f32>) -> tensor<f32> {
  // expected-error @+2 {{inferred input/output operand #1 has shape's dimension #0 to be 8, but found 9}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.dot' op inferred input/output operand #1 has shape's dimension #0 to be 8, but found 9
  %0 = linalg.dot ins(%a, %b : tensor<8xf32>, tensor<9xf32>) outs(%c : tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// mmt4d: K0 of LHS (1) vs RHS (2).
func.func @mmt4d_mismatch(%lhs: tensor<10x32x8x1xf32>, %rhs: tensor<80x32x4x2xf32>, %acc: tensor<10x80x8x4xf32>) -> tensor<10x80x8x4xf32> {
  // expected-error @+2 {{inferred input/output operand #1 has shape's dimension #3 to be 1, but found 2}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.mmt4d' op inferred input/output operand #1 has shape's dimension #3 to be 1, but found 2
  %0 = linalg.mmt4d ins(%lhs, %rhs : tensor<10x32x8x1xf32>, tensor<80x32x4x2xf32>) outs(%acc : tensor<10x80x8x4xf32>) -> tensor<10x80x8x4xf32>
  return %0 : tensor<10x80x8x4xf32>
}

// -----

// mmt4d: the accumulator's N0 must be the RHS's.
func.func @mmt4d_acc_mismatch(%lhs: tensor<10x32x8x1xf32>, %rhs: tensor<80x32x4x1xf32>, %acc: tensor<10x80x8x8xf32>) -> tensor<10x80x8x8xf32> {
  // expected-error @+2 {{inferred input/output operand #2 has shape's dimension #3 to be 4, but found 8}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.mmt4d' op inferred input/output operand #2 has shape's dimension #3 to be 4, but found 8
  %0 = linalg.mmt4d ins(%lhs, %rhs : tensor<10x32x8x1xf32>, tensor<80x32x4x1xf32>) outs(%acc : tensor<10x80x8x8xf32>) -> tensor<10x80x8x8xf32>
  return %0 : tensor<10x80x8x8xf32>
}

// -----

func.func @mmt4d_rank(%lhs: tensor<10x32x8xf32>, %rhs: tensor<80x32x4x1xf32>, %acc: tensor<10x80x8x4xf32>) -> tensor<10x80x8x4xf32> {
  // expected-error @+2 {{expected operand #0 rank (3) to match the result rank of indexing_map (4)}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.mmt4d' op expected operand #0 rank (3) to match the result rank of indexing_map (4)
  %0 = linalg.mmt4d ins(%lhs, %rhs : tensor<10x32x8xf32>, tensor<80x32x4x1xf32>) outs(%acc : tensor<10x80x8x4xf32>) -> tensor<10x80x8x4xf32>
  return %0 : tensor<10x80x8x4xf32>
}

// -----

// batch_mmt4d: the batch dims must agree.
func.func @batch_mmt4d_mismatch(%lhs: tensor<2x10x32x8x1xf32>, %rhs: tensor<3x80x32x4x1xf32>, %acc: tensor<2x10x80x8x4xf32>) -> tensor<2x10x80x8x4xf32> {
  // expected-error @+2 {{inferred input/output operand #1 has shape's dimension #0 to be 2, but found 3}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.batch_mmt4d' op inferred input/output operand #1 has shape's dimension #0 to be 2, but found 3
  %0 = linalg.batch_mmt4d ins(%lhs, %rhs : tensor<2x10x32x8x1xf32>, tensor<3x80x32x4x1xf32>) outs(%acc : tensor<2x10x80x8x4xf32>) -> tensor<2x10x80x8x4xf32>
  return %0 : tensor<2x10x80x8x4xf32>
}

// -----

func.func @matmul_rank(%a: tensor<4x8x1xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+2 {{expected operand #0 rank (3) to match the result rank of indexing_map (2)}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.matmul' op expected operand #0 rank (3) to match the result rank of indexing_map (2)
  %0 = linalg.matmul ins(%a, %b : tensor<4x8x1xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

func.func @matmul_two_maps(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+2 {{expected the number of indexing_map (2) to be equal to the number of input/output operands (3)}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.matmul' op expected the number of indexing_map (2) to be equal to the number of input/output operands (3)
  %0 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>]
         ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// A loop (d3) that no operand indexes.
func.func @matmul_non_invertible(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+2 {{invalid indexing maps are non-invertible: ((d0, d1, d2, d3) -> (d0, d2, d2, d1, d0, d1))}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.matmul' op invalid indexing maps are non-invertible: ((d0, d1, d2, d3) -> (d0, d2, d2, d1, d0, d1))
  %0 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d2)>, affine_map<(d0, d1, d2, d3) -> (d2, d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1)>]
         ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

func.func @matmul_result_type(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{expected type of operand #2 ('tensor<4x16xf32>') to match type of corresponding result ('tensor<4x8xf32>')}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.matmul' op expected type of operand #2 ('tensor<4x16xf32>') to match type of corresponding result ('tensor<4x8xf32>')
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @mmt4d_memref_with_result(%lhs: memref<2x3x8x1xf32>, %rhs: memref<4x3x4x1xf32>, %acc: memref<2x4x8x4xf32>) {
  // expected-error @+2 {{expected the number of tensor results (1) to be equal to the number of output tensors (0)}}
  // CHECK: contractions_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.mmt4d' op expected the number of tensor results (1) to be equal to the number of output tensors (0)
  %0 = linalg.mmt4d ins(%lhs, %rhs : memref<2x3x8x1xf32>, memref<4x3x4x1xf32>) outs(%acc : memref<2x4x8x4xf32>) -> tensor<2x4x8x4xf32>
  return
}

// -----

// Dynamic and zero-sized dims are not checked; broadcast operands are fine.
// CHECK-LABEL: func.func @valid_neighbours(
// CHECK-COUNT-3: linalg.matmul
func.func @valid_neighbours(%a: tensor<?x8xf32>, %b: tensor<8x?xf32>, %c: tensor<?x?xf32>, %v: tensor<8xf32>, %d: tensor<4x?xf32>)
    -> (tensor<?x?xf32>, tensor<4x?xf32>, tensor<?x?xf32>) {
  %0 = linalg.matmul ins(%a, %b : tensor<?x8xf32>, tensor<8x?xf32>) outs(%c : tensor<?x?xf32>) -> tensor<?x?xf32>
  %1 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
         ins(%v, %b : tensor<8xf32>, tensor<8x?xf32>) outs(%d : tensor<4x?xf32>) -> tensor<4x?xf32>
  %2 = linalg.matmul ins(%a, %b : tensor<?x8xf32>, tensor<8x?xf32>) outs(%c : tensor<?x?xf32>) -> tensor<?x?xf32>
  return %0, %1, %2 : tensor<?x?xf32>, tensor<4x?xf32>, tensor<?x?xf32>
}
