// REQUIRES: iree-opt
// The demo input examples/matmul.mlir, before and after generalization.
// Our printed output, custom and generic form, parses in upstream MLIR
// (iree-opt) and prints the same there; upstream's printed output of the same
// input, custom and generic form, parses here and prints the same.
// RUN: pack-opt %examples/matmul.mlir | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %examples/matmul.mlir --print-op-generic | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: iree-opt %examples/matmul.mlir | pack-opt --mlir-print-local-scope | filecheck %s
// RUN: iree-opt %examples/matmul.mlir --mlir-print-op-generic | pack-opt --mlir-print-local-scope | filecheck %s

// CHECK-LABEL: func.func @matmul(
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: tensor.empty() : tensor<64x32xf32>
// CHECK: linalg.fill ins(%{{[a-z0-9_]+}} : f32) outs(%{{[a-z0-9_]+}} : tensor<64x32xf32>) -> tensor<64x32xf32>
// CHECK: linalg.matmul ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<64x48xf32>, tensor<48x32xf32>) outs(%{{[a-z0-9_]+}} : tensor<64x32xf32>) -> tensor<64x32xf32>
