// The first failing chunk ends the run (non-zero exit, absolute line); with
// --verify-diagnostics every chunk is reported and valid chunks are printed.
// RUN: not pack-opt %s --split-input-file 2>&1 | filecheck %s --check-prefix=FIRST
// RUN: pack-opt %s --split-input-file --verify-diagnostics
// RUN: pack-opt %s --split-input-file --print-diagnostics | filecheck %s

// CHECK-LABEL: func.func @valid(
// CHECK: linalg.matmul
func.func @valid(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// An xDSL op's verifier message gets the op name and the location too.
func.func @xdsl_op(%a: tensor<4xf32>) -> tensor<4x2xf32> {
  // FIRST: verify_failure_split.mlir:[[# @LINE + 4]]:8: error: 'tensor.cast'
  // FIRST-NOT: error:
  // expected-error @+2 {{'tensor.cast'}}
  // CHECK: verify_failure_split.mlir:[[# @LINE + 1]]:8: error: 'tensor.cast'
  %0 = tensor.cast %a : tensor<4xf32> to tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @matmul_shapes(%a: tensor<4x8xf32>, %b: tensor<7x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+2 {{'linalg.matmul' op inferred input/output operand #1 has shape's dimension #0 to be 8, but found 7}}
  // CHECK: verify_failure_split.mlir:[[# @LINE + 1]]:8: error: 'linalg.matmul' op inferred input/output operand #1 has shape's dimension #0 to be 8, but found 7
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<7x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// A check line whose pattern is the split marker does not split the file.
// CHECK: // -----
// CHECK-LABEL: func.func @after_marker_in_check_line(
func.func @after_marker_in_check_line() {
  return
}
// CHECK-NOT: Traceback
