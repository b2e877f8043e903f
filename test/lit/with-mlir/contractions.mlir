// REQUIRES: iree-opt
// Named contractions, transposed indexing_maps included (test/lit/dialect/contractions.mlir).
// Our printed output, custom and generic form, parses in upstream MLIR
// (iree-opt) and prints the same there; upstream's printed output of the same
// input, custom and generic form, parses here and prints the same.
// RUN: pack-opt %S/../dialect/contractions.mlir | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %S/../dialect/contractions.mlir --print-op-generic | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: iree-opt %S/../dialect/contractions.mlir | pack-opt --mlir-print-local-scope | filecheck %s
// RUN: iree-opt %S/../dialect/contractions.mlir --mlir-print-op-generic | pack-opt --mlir-print-local-scope | filecheck %s

// CHECK-LABEL: func.func @matmul_f32(
// CHECK: linalg.matmul ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<64x48xf32>, tensor<48x32xf32>) outs(%{{[a-z0-9_]+}} : tensor<64x32xf32>) -> tensor<64x32xf32>
// CHECK-LABEL: func.func @matmul_default_maps_elided(
// CHECK: linalg.matmul ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4x8xf32>, tensor<8x16xf32>) outs(%{{[a-z0-9_]+}} : tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK-LABEL: func.func @matmul_transpose_a(
// CHECK: linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<5x3xf32>, tensor<5x7xf32>) outs(%{{[a-z0-9_]+}} : tensor<3x7xf32>) -> tensor<3x7xf32>
// CHECK-LABEL: func.func @matmul_transpose_b(
// CHECK: linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<3x5xf32>, tensor<7x5xf32>) outs(%{{[a-z0-9_]+}} : tensor<3x7xf32>) -> tensor<3x7xf32>
// CHECK-LABEL: func.func @matmul_i8_i32(
// CHECK: linalg.matmul ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4x8xi8>, tensor<8x16xi8>) outs(%{{[a-z0-9_]+}} : tensor<4x16xi32>) -> tensor<4x16xi32>
// CHECK-LABEL: func.func @matmul_attr_dict(
// CHECK: linalg.matmul {my.tag = "x"} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4x8xf32>, tensor<8x16xf32>) outs(%{{[a-z0-9_]+}} : tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK-LABEL: func.func @batch_matmul(
// CHECK: linalg.batch_matmul ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<2x4x8xf32>, tensor<2x8x16xf32>) outs(%{{[a-z0-9_]+}} : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
// CHECK-LABEL: func.func @batch_matmul_transpose_b(
// CHECK: linalg.batch_matmul indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>] ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<2x4x8xi8>, tensor<2x16x8xi8>) outs(%{{[a-z0-9_]+}} : tensor<2x4x16xi32>) -> tensor<2x4x16xi32>
// CHECK-LABEL: func.func @matvec(
// CHECK: linalg.matvec ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4x8xf32>, tensor<8xf32>) outs(%{{[a-z0-9_]+}} : tensor<4xf32>) -> tensor<4xf32>
// CHECK-LABEL: func.func @vecmat(
// CHECK: linalg.vecmat ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4xf32>, tensor<4x8xf32>) outs(%{{[a-z0-9_]+}} : tensor<8xf32>) -> tensor<8xf32>
// CHECK-LABEL: func.func @batch_matvec(
// CHECK: linalg.batch_matvec ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<2x4x8xf32>, tensor<2x8xf32>) outs(%{{[a-z0-9_]+}} : tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-LABEL: func.func @dot(
// CHECK: linalg.dot ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<8xf16>, tensor<8xf16>) outs(%{{[a-z0-9_]+}} : tensor<f32>) -> tensor<f32>
// CHECK-LABEL: func.func @from_upstream_generic(
// CHECK: linalg.matmul ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4x8xf32>, tensor<8x16xf32>) outs(%{{[a-z0-9_]+}} : tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK: linalg.matvec ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4x8xf32>, tensor<8xf32>) outs(%{{[a-z0-9_]+}} : tensor<4xf32>) -> tensor<4xf32>
