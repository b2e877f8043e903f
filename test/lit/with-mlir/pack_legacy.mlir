// REQUIRES: iree-opt
// tensor.pack / tensor.unpack read here are written as linalg.* that upstream reads.
// Our printed output, custom and generic form, parses in upstream MLIR
// (iree-opt) and reads back the same; upstream's printed output, custom and
// generic form, parses here and prints the same.
// RUN: pack-opt %S/../dialect/pack_legacy.mlir | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %S/../dialect/pack_legacy.mlir --print-op-generic | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %S/../dialect/pack_legacy.mlir | iree-opt | pack-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %S/../dialect/pack_legacy.mlir | iree-opt --mlir-print-op-generic | pack-opt --mlir-print-local-scope | filecheck %s

// CHECK-LABEL: func.func @legacy_custom(
// CHECK: linalg.pack %{{[a-z0-9_]+}} padding_value(%{{[a-z0-9_]+}} : f32) outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, 8] into %{{[a-z0-9_]+}} : tensor<129x47xf32> -> tensor<6x17x8x8xf32>
// CHECK: linalg.unpack %{{[a-z0-9_]+}} outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, 8] into %{{[a-z0-9_]+}} : tensor<6x17x8x8xf32> -> tensor<129x47xf32>
// CHECK-LABEL: func.func @legacy_ssa_tile(
// CHECK: linalg.pack %{{[a-z0-9_]+}} inner_dims_pos = [1] inner_tiles = [%{{[a-z0-9_]+}}] into %{{[a-z0-9_]+}} : tensor<16x?xf32> -> tensor<16x?x?xf32>
// CHECK-LABEL: func.func @legacy_generic(
// CHECK: linalg.pack %{{[a-z0-9_]+}} inner_dims_pos = [0] inner_tiles = [4] into %{{[a-z0-9_]+}} : tensor<8xf32> -> tensor<2x4xf32>
// CHECK: linalg.unpack %{{[a-z0-9_]+}} inner_dims_pos = [0] inner_tiles = [4] into %{{[a-z0-9_]+}} : tensor<2x4xf32> -> tensor<8xf32>
