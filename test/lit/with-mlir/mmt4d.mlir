// REQUIRES: iree-opt
// linalg.mmt4d / linalg.batch_mmt4d (test/lit/dialect/mmt4d.mlir).
// Our printed output, custom and generic form, parses in upstream MLIR
// (iree-opt) and prints the same there; upstream's printed output of the same
// input, custom and generic form, parses here and prints the same.
// RUN: pack-opt %S/../dialect/mmt4d.mlir | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %S/../dialect/mmt4d.mlir --print-op-generic | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: iree-opt %S/../dialect/mmt4d.mlir | pack-opt --mlir-print-local-scope | filecheck %s
// RUN: iree-opt %S/../dialect/mmt4d.mlir --mlir-print-op-generic | pack-opt --mlir-print-local-scope | filecheck %s

// CHECK-LABEL: func.func @mmt4d_f32(
// CHECK: linalg.mmt4d ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<10x32x8x1xf32>, tensor<80x32x4x1xf32>) outs(%{{[a-z0-9_]+}} : tensor<10x80x8x4xf32>) -> tensor<10x80x8x4xf32>
// CHECK-LABEL: func.func @mmt4d_i8_i32(
// CHECK: linalg.mmt4d ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4x16x8x2xi8>, tensor<6x16x4x2xi8>) outs(%{{[a-z0-9_]+}} : tensor<4x6x8x4xi32>) -> tensor<4x6x8x4xi32>
// CHECK-LABEL: func.func @mmt4d_dynamic(
// CHECK: linalg.mmt4d ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<?x?x8x1xf32>, tensor<?x?x4x1xf32>) outs(%{{[a-z0-9_]+}} : tensor<?x?x8x4xf32>) -> tensor<?x?x8x4xf32>
// CHECK-LABEL: func.func @batch_mmt4d_f32(
// CHECK: linalg.batch_mmt4d ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<3x10x32x8x1xf32>, tensor<3x80x32x4x1xf32>) outs(%{{[a-z0-9_]+}} : tensor<3x10x80x8x4xf32>) -> tensor<3x10x80x8x4xf32>
// CHECK-LABEL: func.func @batch_mmt4d_f16_f32(
// CHECK: linalg.batch_mmt4d ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<2x4x8x16x2xf16>, tensor<2x5x8x16x2xf16>) outs(%{{[a-z0-9_]+}} : tensor<2x4x5x16x16xf32>) -> tensor<2x4x5x16x16xf32>
// CHECK-LABEL: func.func @mmt4d_memref(
// CHECK: linalg.mmt4d ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : memref<2x3x8x1xf32>, memref<4x3x4x1xf32>) outs(%{{[a-z0-9_]+}} : memref<2x4x8x4xf32>)
