// Input from stdin (no file, or `-`), --print-op-generic, and
// --print-between-passes between two passes.
// RUN: pack-opt < %s | filecheck %s
// RUN: pack-opt - < %s | filecheck %s
// RUN: pack-opt %s -p linalg-generalize-named-ops,canonicalize --print-between-passes | filecheck %s --check-prefix=BETWEEN

// CHECK-LABEL: func.func @matmul(
// CHECK: linalg.matmul ins(
// BETWEEN: IR after linalg-generalize-named-ops:
// BETWEEN: linalg.generic
// BETWEEN-NOT: linalg.matmul
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
