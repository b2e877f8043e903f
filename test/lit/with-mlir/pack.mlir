// REQUIRES: iree-opt
// linalg.pack / linalg.unpack: every example of the reference page
// (test/lit/dialect/pack.mlir).
// Our printed output, custom and generic form, parses in upstream MLIR
// (iree-opt) and prints the same there; upstream's printed output of the same
// input, custom and generic form, parses here and prints the same.
// RUN: pack-opt %S/../dialect/pack.mlir | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: pack-opt %S/../dialect/pack.mlir --print-op-generic | iree-opt --mlir-print-local-scope | filecheck %s
// RUN: iree-opt %S/../dialect/pack.mlir | pack-opt --mlir-print-local-scope | filecheck %s
// RUN: iree-opt %S/../dialect/pack.mlir --mlir-print-op-generic | pack-opt --mlir-print-local-scope | filecheck %s

// CHECK-LABEL: func.func @pack_all_clauses(
// CHECK: linalg.pack %{{[a-z0-9_]+}} padding_value(%{{[a-z0-9_]+}} : f32) outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, %{{[a-z0-9_]+}}] into %{{[a-z0-9_]+}} : tensor<128x256xf32> -> tensor<32x16x8x?xf32>
// CHECK-LABEL: func.func @pack_padding_value(
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: linalg.pack %{{[a-z0-9_]+}} padding_value(%{{[a-z0-9_]+}} : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 8] into %{{[a-z0-9_]+}} : tensor<129x47xf32> -> tensor<17x6x8x8xf32>
// CHECK-LABEL: func.func @pack_outer_dims_perm_identity(
// CHECK: linalg.pack %{{[a-z0-9_]+}} outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %{{[a-z0-9_]+}} : tensor<128x256xf32> -> tensor<16x8x8x32xf32>
// CHECK-LABEL: func.func @pack_no_outer_dims_perm(
// CHECK: linalg.pack %{{[a-z0-9_]+}} inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %{{[a-z0-9_]+}} : tensor<128x256xf32> -> tensor<16x8x8x32xf32>
// CHECK-LABEL: func.func @pack_empty_inner_dims_pos(
// CHECK: linalg.pack %{{[a-z0-9_]+}} outer_dims_perm = [1, 0] inner_dims_pos = [] inner_tiles = [] into %{{[a-z0-9_]+}} : tensor<3x5xf32> -> tensor<5x3xf32>
// CHECK-LABEL: func.func @pack_ssa_tiles(
// CHECK: arith.constant 8 : index
// CHECK: linalg.pack %{{[a-z0-9_]+}} inner_dims_pos = [0, 1, 2] inner_tiles = [%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}] into %{{[a-z0-9_]+}} : tensor<64x?x32xf32> -> tensor<?x?x?x?x?x?xf32>
// CHECK-LABEL: func.func @pack_unsorted_inner_dims_pos(
// CHECK: linalg.pack %{{[a-z0-9_]+}} inner_dims_pos = [1, 0] inner_tiles = [16, 32] into %{{[a-z0-9_]+}} : tensor<128x256xf32> -> tensor<4x16x16x32xf32>
// CHECK-LABEL: func.func @pack_dynamic_source(
// CHECK: linalg.pack %{{[a-z0-9_]+}} inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %{{[a-z0-9_]+}} : tensor<?x?xf32> -> tensor<?x?x8x32xf32>
// CHECK-LABEL: func.func @pack_lowering_example(
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: tensor.empty() : tensor<17x2x16x16x32x8xf32>
// CHECK: linalg.pack %{{[a-z0-9_]+}} padding_value(%{{[a-z0-9_]+}} : f32) inner_dims_pos = [1, 0] inner_tiles = [32, 8] into %{{[a-z0-9_]+}} : tensor<129x47x16x16xf32> -> tensor<17x2x16x16x32x8xf32>
// CHECK-LABEL: func.func @pack_mmt4d_layout(
// CHECK: tensor.empty() : tensor<8x8x8x4xf32>
// CHECK: linalg.pack %{{[a-z0-9_]+}} inner_dims_pos = [0, 1] inner_tiles = [8, 4] into %{{[a-z0-9_]+}} : tensor<64x32xf32> -> tensor<8x8x8x4xf32>
// CHECK: tensor.empty() : tensor<8x8x16x4xf32>
// CHECK: linalg.pack %{{[a-z0-9_]+}} outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [16, 4] into %{{[a-z0-9_]+}} : tensor<32x128xf32> -> tensor<8x8x16x4xf32>
// CHECK: tensor.empty() : tensor<8x8x8x16xf32>
// CHECK: linalg.pack %{{[a-z0-9_]+}} inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{[a-z0-9_]+}} : tensor<64x128xf32> -> tensor<8x8x8x16xf32>
// CHECK: linalg.unpack %{{[a-z0-9_]+}} inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{[a-z0-9_]+}} : tensor<8x8x8x16xf32> -> tensor<64x128xf32>
// CHECK-LABEL: func.func @pack_greedy_example(
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: tensor.empty() : tensor<128x8x32x8xf32>
// CHECK: linalg.pack %{{[a-z0-9_]+}} padding_value(%{{[a-z0-9_]+}} : f32) inner_dims_pos = [1, 0] inner_tiles = [32, 8] into %{{[a-z0-9_]+}} : tensor<1023x255xf32> -> tensor<128x8x32x8xf32>
// CHECK: tensor.empty() : tensor<8x8x32x16xf32>
// CHECK: linalg.pack %{{[a-z0-9_]+}} padding_value(%{{[a-z0-9_]+}} : f32) inner_dims_pos = [0, 1] inner_tiles = [32, 16] into %{{[a-z0-9_]+}} : tensor<255x127xf32> -> tensor<8x8x32x16xf32>
// CHECK: tensor.empty() : tensor<128x8x8x16xf32>
// CHECK: linalg.pack %{{[a-z0-9_]+}} padding_value(%{{[a-z0-9_]+}} : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{[a-z0-9_]+}} : tensor<1023x127xf32> -> tensor<128x8x8x16xf32>
// CHECK-LABEL: func.func @pack_3d_outer_dims_perm(
// CHECK: linalg.pack %{{[a-z0-9_]+}} outer_dims_perm = [2, 0, 1] inner_dims_pos = [2, 1] inner_tiles = [4, 2] into %{{[a-z0-9_]+}} : tensor<3x10x16xi8> -> tensor<4x3x5x4x2xi8>
// CHECK-LABEL: func.func @pack_attr_dict(
// CHECK: linalg.pack %{{[a-z0-9_]+}} inner_dims_pos = [0] inner_tiles = [4] into %{{[a-z0-9_]+}} {my.tag = 7 : i64} : tensor<8xf32> -> tensor<2x4xf32>
// CHECK-LABEL: func.func @unpack_all_clauses(
// CHECK: linalg.unpack %{{[a-z0-9_]+}} outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, %{{[a-z0-9_]+}}] into %{{[a-z0-9_]+}} : tensor<32x16x8x?xf32> -> tensor<128x256xf32>
// CHECK-LABEL: func.func @unpack_drops_padding(
// CHECK: linalg.unpack %{{[a-z0-9_]+}} inner_dims_pos = [0] inner_tiles = [8] into %{{[a-z0-9_]+}} : tensor<2x8x8xf32> -> tensor<13x8xf32>
// CHECK-LABEL: func.func @unpack_unsorted_and_transpose(
// CHECK: linalg.unpack %{{[a-z0-9_]+}} inner_dims_pos = [1, 0] inner_tiles = [16, 32] into %{{[a-z0-9_]+}} : tensor<4x16x16x32xf32> -> tensor<128x256xf32>
// CHECK: linalg.unpack %{{[a-z0-9_]+}} outer_dims_perm = [1, 0] inner_dims_pos = [] inner_tiles = [] into %{{[a-z0-9_]+}} : tensor<5x3xf32> -> tensor<3x5xf32>
