// REQUIRES: iree-opt
// Our generalization of every named contraction (test/lit/dialect/generalize.mlir)
// parses upstream, and upstream's own --linalg-generalize-named-ops gives the
// same generics: same maps, iterator types and body (last RUN line).
// Our printed output, custom and generic form, parses in upstream MLIR
// (iree-opt) and reads back the same; upstream's printed output, custom and
// generic form, parses here and prints the same.
// RUN: pack-opt %S/../dialect/generalize.mlir -p linalg-generalize-named-ops | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %S/../dialect/generalize.mlir -p linalg-generalize-named-ops --print-op-generic | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %S/../dialect/generalize.mlir -p linalg-generalize-named-ops | iree-opt | pack-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %S/../dialect/generalize.mlir -p linalg-generalize-named-ops | iree-opt --mlir-print-op-generic | pack-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %S/../dialect/generalize.mlir | iree-opt --linalg-generalize-named-ops --mlir-print-local-scope | filecheck %s

// CHECK-LABEL: func.func @matmul_i8_i32(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4x8xi8>, tensor<8x16xi8>) outs(%{{[a-z0-9_]+}} : tensor<4x16xi32>)
// CHECK: ^{{.*}}(%{{[a-z0-9_]+}}: i8, %{{[a-z0-9_]+}}: i8, %{{[a-z0-9_]+}}: i32):
// CHECK: arith.extsi %{{[a-z0-9_]+}} : i8 to i32
// CHECK: arith.extsi %{{[a-z0-9_]+}} : i8 to i32
// CHECK: arith.muli %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : i32
// CHECK: arith.addi %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : i32
// CHECK: linalg.yield %{{[a-z0-9_]+}} : i32
// CHECK: } -> tensor<4x16xi32>
// CHECK-LABEL: func.func @matmul_transpose_a_f32(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<5x3xf32>, tensor<5x7xf32>) outs(%{{[a-z0-9_]+}} : tensor<3x7xf32>)
// CHECK: ^{{.*}}(%{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32):
// CHECK: arith.mulf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: arith.addf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: linalg.yield %{{[a-z0-9_]+}} : f32
// CHECK: } -> tensor<3x7xf32>
// CHECK-LABEL: func.func @batch_matmul_bf16_f32(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<2x4x8xbf16>, tensor<2x8x16xbf16>) outs(%{{[a-z0-9_]+}} : tensor<2x4x16xf32>)
// CHECK: ^{{.*}}(%{{[a-z0-9_]+}}: bf16, %{{[a-z0-9_]+}}: bf16, %{{[a-z0-9_]+}}: f32):
// CHECK: arith.extf %{{[a-z0-9_]+}} : bf16 to f32
// CHECK: arith.extf %{{[a-z0-9_]+}} : bf16 to f32
// CHECK: arith.mulf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: arith.addf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: linalg.yield %{{[a-z0-9_]+}} : f32
// CHECK: } -> tensor<2x4x16xf32>
// CHECK-LABEL: func.func @matvec(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4x8xf32>, tensor<8xf32>) outs(%{{[a-z0-9_]+}} : tensor<4xf32>)
// CHECK: ^{{.*}}(%{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32):
// CHECK: arith.mulf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: arith.addf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: linalg.yield %{{[a-z0-9_]+}} : f32
// CHECK: } -> tensor<4xf32>
// CHECK-LABEL: func.func @vecmat(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4xf32>, tensor<4x8xf32>) outs(%{{[a-z0-9_]+}} : tensor<8xf32>)
// CHECK: ^{{.*}}(%{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32):
// CHECK: arith.mulf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: arith.addf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: linalg.yield %{{[a-z0-9_]+}} : f32
// CHECK: } -> tensor<8xf32>
// CHECK-LABEL: func.func @batch_matvec(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<2x4x8xf32>, tensor<2x8xf32>) outs(%{{[a-z0-9_]+}} : tensor<2x4xf32>)
// CHECK: ^{{.*}}(%{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32):
// CHECK: arith.mulf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: arith.addf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: linalg.yield %{{[a-z0-9_]+}} : f32
// CHECK: } -> tensor<2x4xf32>
// CHECK-LABEL: func.func @dot_f16_f32(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<8xf16>, tensor<8xf16>) outs(%{{[a-z0-9_]+}} : tensor<f32>)
// CHECK: ^{{.*}}(%{{[a-z0-9_]+}}: f16, %{{[a-z0-9_]+}}: f16, %{{[a-z0-9_]+}}: f32):
// CHECK: arith.extf %{{[a-z0-9_]+}} : f16 to f32
// CHECK: arith.extf %{{[a-z0-9_]+}} : f16 to f32
// CHECK: arith.mulf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: arith.addf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: linalg.yield %{{[a-z0-9_]+}} : f32
// CHECK: } -> tensor<f32>
// CHECK-LABEL: func.func @mmt4d_i8_i32(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<4x16x8x2xi8>, tensor<6x16x4x2xi8>) outs(%{{[a-z0-9_]+}} : tensor<4x6x8x4xi32>)
// CHECK: ^{{.*}}(%{{[a-z0-9_]+}}: i8, %{{[a-z0-9_]+}}: i8, %{{[a-z0-9_]+}}: i32):
// CHECK: arith.extsi %{{[a-z0-9_]+}} : i8 to i32
// CHECK: arith.extsi %{{[a-z0-9_]+}} : i8 to i32
// CHECK: arith.muli %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : i32
// CHECK: arith.addi %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : i32
// CHECK: linalg.yield %{{[a-z0-9_]+}} : i32
// CHECK: } -> tensor<4x6x8x4xi32>
// CHECK-LABEL: func.func @batch_mmt4d(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3, d4, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2, d3, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : tensor<3x10x32x8x1xf32>, tensor<3x80x32x4x1xf32>) outs(%{{[a-z0-9_]+}} : tensor<3x10x80x8x4xf32>)
// CHECK: ^{{.*}}(%{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32):
// CHECK: arith.mulf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: arith.addf %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} : f32
// CHECK: linalg.yield %{{[a-z0-9_]+}} : f32
// CHECK: } -> tensor<3x10x80x8x4xf32>
// CHECK-LABEL: func.func @pack_left_alone(
// CHECK: linalg.pack %{{[a-z0-9_]+}} inner_dims_pos = [0] inner_tiles = [8] into %{{[a-z0-9_]+}} : tensor<16xf32> -> tensor<2x8xf32>
