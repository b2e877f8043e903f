// linalg.pack / linalg.unpack: custom -> generic -> custom round trip of every
// example on the reference page, and the generic form upstream MLIR writes.
// RUN: pack-opt %s | pack-opt --print-op-generic | pack-opt | filecheck %s
// RUN: pack-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// The syntax block of the reference page: every clause, an SSA tile.
// CHECK-LABEL: func.func @pack_all_clauses(
// CHECK-SAME:    %[[SRC:[^:]+]]: tensor<128x256xf32>, %[[DEST:[^:]+]]: tensor<32x16x8x?xf32>, %[[PAD:[^:]+]]: f32, %[[T:[^:]+]]: index)
// CHECK:         %{{.+}} = linalg.pack %[[SRC]]
// CHECK-SAME:      padding_value(%[[PAD]] : f32)
// CHECK-SAME:      outer_dims_perm = [1, 0]
// CHECK-SAME:      inner_dims_pos = [0, 1]
// CHECK-SAME:      inner_tiles = [8, %[[T]]]
// CHECK-SAME:      into %[[DEST]] : tensor<128x256xf32> -> tensor<32x16x8x?xf32>
// GENERIC-LABEL: sym_name = "pack_all_clauses"
// GENERIC:       "linalg.pack"(%{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %{{[^)]+}})
// GENERIC-SAME:    inner_dims_pos = array<i64: 0, 1>
// GENERIC-SAME:    static_inner_tiles = array<i64: 8, -9223372036854775808>
// GENERIC-SAME:    outer_dims_perm = array<i64: 1, 0>
// GENERIC-SAME:    operandSegmentSizes = array<i32: 1, 1, 1, 1>
// GENERIC-SAME:    : (tensor<128x256xf32>, tensor<32x16x8x?xf32>, f32, index) -> tensor<32x16x8x?xf32>
func.func @pack_all_clauses(%src: tensor<128x256xf32>, %dest: tensor<32x16x8x?xf32>, %pad: f32, %t: index) -> tensor<32x16x8x?xf32> {
  %0 = linalg.pack %src padding_value(%pad : f32) outer_dims_perm = [1, 0]
         inner_dims_pos = [0, 1] inner_tiles = [8, %t] into %dest
         : tensor<128x256xf32> -> tensor<32x16x8x?xf32>
  return %0 : tensor<32x16x8x?xf32>
}

// padding_value on a non-divisible static shape (129 = 16 * 8 + 1, 47 = 5 * 8 + 7).
// CHECK-LABEL: func.func @pack_padding_value(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      padding_value(%{{[^ ]+}} : f32)
// CHECK-NOT:       outer_dims_perm
// CHECK-SAME:      inner_dims_pos = [0, 1]
// CHECK-SAME:      inner_tiles = [8, 8]
// CHECK-SAME:      : tensor<129x47xf32> -> tensor<17x6x8x8xf32>
// GENERIC-LABEL: sym_name = "pack_padding_value"
// GENERIC:       operandSegmentSizes = array<i32: 1, 1, 1, 0>
func.func @pack_padding_value(%src: tensor<129x47xf32>, %dest: tensor<17x6x8x8xf32>) -> tensor<17x6x8x8xf32> {
  %pad = arith.constant 0.0 : f32
  %0 = linalg.pack %src padding_value(%pad : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 8] into %dest
         : tensor<129x47xf32> -> tensor<17x6x8x8xf32>
  return %0 : tensor<17x6x8x8xf32>
}

// An identity outer_dims_perm is kept and printed.
// CHECK-LABEL: func.func @pack_outer_dims_perm_identity(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      outer_dims_perm = [0, 1]
// CHECK-SAME:      inner_dims_pos = [0, 1]
// CHECK-SAME:      inner_tiles = [8, 32]
// CHECK-SAME:      : tensor<128x256xf32> -> tensor<16x8x8x32xf32>
// GENERIC-LABEL: sym_name = "pack_outer_dims_perm_identity"
// GENERIC:       outer_dims_perm = array<i64: 0, 1>
func.func @pack_outer_dims_perm_identity(%src: tensor<128x256xf32>, %dest: tensor<16x8x8x32xf32>) -> tensor<16x8x8x32xf32> {
  %0 = linalg.pack %src outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %dest
         : tensor<128x256xf32> -> tensor<16x8x8x32xf32>
  return %0 : tensor<16x8x8x32xf32>
}

// Without outer_dims_perm nothing is printed for it.
// CHECK-LABEL: func.func @pack_no_outer_dims_perm(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-NOT:       outer_dims_perm
// CHECK-SAME:      inner_dims_pos = [0, 1]
// GENERIC-LABEL: sym_name = "pack_no_outer_dims_perm"
// GENERIC-NOT:   outer_dims_perm
// GENERIC:       return
func.func @pack_no_outer_dims_perm(%src: tensor<128x256xf32>, %dest: tensor<16x8x8x32xf32>) -> tensor<16x8x8x32xf32> {
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %dest
         : tensor<128x256xf32> -> tensor<16x8x8x32xf32>
  return %0 : tensor<16x8x8x32xf32>
}

// Empty inner_dims_pos and inner_tiles: a pure outer transpose.
// CHECK-LABEL: func.func @pack_empty_inner_dims_pos(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      outer_dims_perm = [1, 0]
// CHECK-SAME:      inner_dims_pos = []
// CHECK-SAME:      inner_tiles = []
// CHECK-SAME:      : tensor<3x5xf32> -> tensor<5x3xf32>
// GENERIC-LABEL: sym_name = "pack_empty_inner_dims_pos"
// GENERIC:       inner_dims_pos = array<i64>, static_inner_tiles = array<i64>
func.func @pack_empty_inner_dims_pos(%src: tensor<3x5xf32>, %dest: tensor<5x3xf32>) -> tensor<5x3xf32> {
  %0 = linalg.pack %src outer_dims_perm = [1, 0] inner_dims_pos = [] inner_tiles = [] into %dest
         : tensor<3x5xf32> -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// SSA tiles need `?` inner dims, even for a constant.
// CHECK-LABEL: func.func @pack_ssa_tiles(
// CHECK-SAME:    %[[T0:[^:]+]]: index, %[[T1:[^:]+]]: index)
// CHECK:         %[[C8:.+]] = arith.constant 8 : index
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [0, 1, 2]
// CHECK-SAME:      inner_tiles = [%[[T0]], %[[C8]], %[[T1]]]
// CHECK-SAME:      : tensor<64x?x32xf32> -> tensor<?x?x?x?x?x?xf32>
// GENERIC-LABEL: sym_name = "pack_ssa_tiles"
// GENERIC:       static_inner_tiles = array<i64: -9223372036854775808, -9223372036854775808, -9223372036854775808>
// GENERIC-SAME:  operandSegmentSizes = array<i32: 1, 1, 0, 3>
func.func @pack_ssa_tiles(%src: tensor<64x?x32xf32>, %dest: tensor<?x?x?x?x?x?xf32>, %t0: index, %t1: index) -> tensor<?x?x?x?x?x?xf32> {
  %c8 = arith.constant 8 : index
  %0 = linalg.pack %src inner_dims_pos = [0, 1, 2] inner_tiles = [%t0, %c8, %t1] into %dest
         : tensor<64x?x32xf32> -> tensor<?x?x?x?x?x?xf32>
  return %0 : tensor<?x?x?x?x?x?xf32>
}

// inner_dims_pos need not be sorted: tiles follow its order.
// CHECK-LABEL: func.func @pack_unsorted_inner_dims_pos(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [1, 0]
// CHECK-SAME:      inner_tiles = [16, 32]
// CHECK-SAME:      : tensor<128x256xf32> -> tensor<4x16x16x32xf32>
func.func @pack_unsorted_inner_dims_pos(%src: tensor<128x256xf32>, %dest: tensor<4x16x16x32xf32>) -> tensor<4x16x16x32xf32> {
  %0 = linalg.pack %src inner_dims_pos = [1, 0] inner_tiles = [16, 32] into %dest
         : tensor<128x256xf32> -> tensor<4x16x16x32xf32>
  return %0 : tensor<4x16x16x32xf32>
}

// Dynamic source dims: the packed outer dims are dynamic too.
// CHECK-LABEL: func.func @pack_dynamic_source(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [0, 1]
// CHECK-SAME:      inner_tiles = [8, 32]
// CHECK-SAME:      : tensor<?x?xf32> -> tensor<?x?x8x32xf32>
func.func @pack_dynamic_source(%src: tensor<?x?xf32>, %dest: tensor<?x?x8x32xf32>) -> tensor<?x?x8x32xf32> {
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [8, 32] into %dest
         : tensor<?x?xf32> -> tensor<?x?x8x32xf32>
  return %0 : tensor<?x?x8x32xf32>
}

// The lowering example: 129x47x16x16, inner [1, 0] tiles [32, 8] -> 17x2x16x16x32x8.
// CHECK-LABEL: func.func @pack_lowering_example(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      padding_value(%{{[^ ]+}} : f32)
// CHECK-SAME:      inner_dims_pos = [1, 0]
// CHECK-SAME:      inner_tiles = [32, 8]
// CHECK-SAME:      : tensor<129x47x16x16xf32> -> tensor<17x2x16x16x32x8xf32>
func.func @pack_lowering_example(%src: tensor<129x47x16x16xf32>) -> tensor<17x2x16x16x32x8xf32> {
  %pad = arith.constant 0.0 : f32
  %dest = tensor.empty() : tensor<17x2x16x16x32x8xf32>
  %0 = linalg.pack %src padding_value(%pad : f32) inner_dims_pos = [1, 0] inner_tiles = [32, 8] into %dest
         : tensor<129x47x16x16xf32> -> tensor<17x2x16x16x32x8xf32>
  return %0 : tensor<17x2x16x16x32x8xf32>
}

// Packing a matmul into the mmt4d layout (A, B transposed outer and inner, C)
// and unpacking the result.
// CHECK-LABEL: func.func @pack_mmt4d_layout(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [0, 1]
// CHECK-SAME:      inner_tiles = [8, 4]
// CHECK-SAME:      : tensor<64x32xf32> -> tensor<8x8x8x4xf32>
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      outer_dims_perm = [1, 0]
// CHECK-SAME:      inner_dims_pos = [1, 0]
// CHECK-SAME:      inner_tiles = [16, 4]
// CHECK-SAME:      : tensor<32x128xf32> -> tensor<8x8x16x4xf32>
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [0, 1]
// CHECK-SAME:      inner_tiles = [8, 16]
// CHECK-SAME:      : tensor<64x128xf32> -> tensor<8x8x8x16xf32>
// CHECK:         linalg.unpack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [0, 1]
// CHECK-SAME:      inner_tiles = [8, 16]
// CHECK-SAME:      : tensor<8x8x8x16xf32> -> tensor<64x128xf32>
func.func @pack_mmt4d_layout(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>, %c: tensor<64x128xf32>)
    -> (tensor<8x8x8x4xf32>, tensor<8x8x16x4xf32>, tensor<64x128xf32>) {
  %ea = tensor.empty() : tensor<8x8x8x4xf32>
  %pa = linalg.pack %a inner_dims_pos = [0, 1] inner_tiles = [8, 4] into %ea
          : tensor<64x32xf32> -> tensor<8x8x8x4xf32>
  %eb = tensor.empty() : tensor<8x8x16x4xf32>
  %pb = linalg.pack %b outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [16, 4] into %eb
          : tensor<32x128xf32> -> tensor<8x8x16x4xf32>
  %ec = tensor.empty() : tensor<8x8x8x16xf32>
  %pc = linalg.pack %c inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %ec
          : tensor<64x128xf32> -> tensor<8x8x8x16xf32>
  %uc = linalg.unpack %pc inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %c
          : tensor<8x8x8x16xf32> -> tensor<64x128xf32>
  return %pa, %pb, %uc : tensor<8x8x8x4xf32>, tensor<8x8x16x4xf32>, tensor<64x128xf32>
}

// The pack_greedily worked example: A 1023x255, B 255x127, C 1023x127, sizes
// [8, 16, 32], zero padding 1023 -> 1024, 255 -> 256.
// CHECK-LABEL: func.func @pack_greedy_example(
// CHECK:         linalg.pack %{{[^ ]+}} padding_value(%{{[^ ]+}} : f32)
// CHECK-SAME:      inner_dims_pos = [1, 0] inner_tiles = [32, 8]
// CHECK-SAME:      : tensor<1023x255xf32> -> tensor<128x8x32x8xf32>
// CHECK:         linalg.pack %{{[^ ]+}} padding_value(%{{[^ ]+}} : f32)
// CHECK-SAME:      inner_dims_pos = [0, 1] inner_tiles = [32, 16]
// CHECK-SAME:      : tensor<255x127xf32> -> tensor<8x8x32x16xf32>
// CHECK:         linalg.pack %{{[^ ]+}} padding_value(%{{[^ ]+}} : f32)
// CHECK-SAME:      inner_dims_pos = [0, 1] inner_tiles = [8, 16]
// CHECK-SAME:      : tensor<1023x127xf32> -> tensor<128x8x8x16xf32>
func.func @pack_greedy_example(%a: tensor<1023x255xf32>, %b: tensor<255x127xf32>, %c: tensor<1023x127xf32>)
    -> (tensor<128x8x32x8xf32>, tensor<8x8x32x16xf32>, tensor<128x8x8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %ea = tensor.empty() : tensor<128x8x32x8xf32>
  %pa = linalg.pack %a padding_value(%zero : f32) inner_dims_pos = [1, 0] inner_tiles = [32, 8] into %ea
          : tensor<1023x255xf32> -> tensor<128x8x32x8xf32>
  %eb = tensor.empty() : tensor<8x8x32x16xf32>
  %pb = linalg.pack %b padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [32, 16] into %eb
          : tensor<255x127xf32> -> tensor<8x8x32x16xf32>
  %ec = tensor.empty() : tensor<128x8x8x16xf32>
  %pc = linalg.pack %c padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %ec
          : tensor<1023x127xf32> -> tensor<128x8x8x16xf32>
  return %pa, %pb, %pc : tensor<128x8x32x8xf32>, tensor<8x8x32x16xf32>, tensor<128x8x8x16xf32>
}

// A 3-d pack with an outer permutation and integer elements.
// CHECK-LABEL: func.func @pack_3d_outer_dims_perm(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      outer_dims_perm = [2, 0, 1]
// CHECK-SAME:      inner_dims_pos = [2, 1]
// CHECK-SAME:      inner_tiles = [4, 2]
// CHECK-SAME:      : tensor<3x10x16xi8> -> tensor<4x3x5x4x2xi8>
func.func @pack_3d_outer_dims_perm(%src: tensor<3x10x16xi8>, %dest: tensor<4x3x5x4x2xi8>) -> tensor<4x3x5x4x2xi8> {
  %0 = linalg.pack %src outer_dims_perm = [2, 0, 1] inner_dims_pos = [2, 1] inner_tiles = [4, 2] into %dest
         : tensor<3x10x16xi8> -> tensor<4x3x5x4x2xi8>
  return %0 : tensor<4x3x5x4x2xi8>
}

// Discardable attributes go after `into %dest`, as upstream prints them.
// CHECK-LABEL: func.func @pack_attr_dict(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [0] inner_tiles = [4]
// CHECK-SAME:      into %{{[^ ]+}} {my.tag = 7 : i64} : tensor<8xf32> -> tensor<2x4xf32>
func.func @pack_attr_dict(%src: tensor<8xf32>, %dest: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [4] into %dest {my.tag = 7 : i64}
         : tensor<8xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// unpack: the inverse, with every clause it has.
// CHECK-LABEL: func.func @unpack_all_clauses(
// CHECK-SAME:    %[[SRC:[^:]+]]: tensor<32x16x8x?xf32>, %[[DEST:[^:]+]]: tensor<128x256xf32>, %[[T:[^:]+]]: index)
// CHECK:         %{{.+}} = linalg.unpack %[[SRC]]
// CHECK-NOT:       padding_value
// CHECK-SAME:      outer_dims_perm = [1, 0]
// CHECK-SAME:      inner_dims_pos = [0, 1]
// CHECK-SAME:      inner_tiles = [8, %[[T]]]
// CHECK-SAME:      into %[[DEST]] : tensor<32x16x8x?xf32> -> tensor<128x256xf32>
// Upstream's unpack has a single variadic operand group: no operandSegmentSizes.
// GENERIC-LABEL: sym_name = "unpack_all_clauses"
// GENERIC:       "linalg.unpack"(%{{[^,]+}}, %{{[^,]+}}, %{{[^)]+}})
// GENERIC-SAME:    <{inner_dims_pos = array<i64: 0, 1>, static_inner_tiles = array<i64: 8, -9223372036854775808>, outer_dims_perm = array<i64: 1, 0>}>
// GENERIC-SAME:    : (tensor<32x16x8x?xf32>, tensor<128x256xf32>, index) -> tensor<128x256xf32>
func.func @unpack_all_clauses(%src: tensor<32x16x8x?xf32>, %dest: tensor<128x256xf32>, %t: index) -> tensor<128x256xf32> {
  %0 = linalg.unpack %src outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, %t] into %dest
         : tensor<32x16x8x?xf32> -> tensor<128x256xf32>
  return %0 : tensor<128x256xf32>
}

// unpack drops the trailing padding: 2x8x8 -> 13x8.
// CHECK-LABEL: func.func @unpack_drops_padding(
// CHECK:         linalg.unpack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [0]
// CHECK-SAME:      inner_tiles = [8]
// CHECK-SAME:      : tensor<2x8x8xf32> -> tensor<13x8xf32>
func.func @unpack_drops_padding(%src: tensor<2x8x8xf32>, %dest: tensor<13x8xf32>) -> tensor<13x8xf32> {
  %0 = linalg.unpack %src inner_dims_pos = [0] inner_tiles = [8] into %dest
         : tensor<2x8x8xf32> -> tensor<13x8xf32>
  return %0 : tensor<13x8xf32>
}

// unpack with unsorted inner_dims_pos and an empty-tile transpose.
// CHECK-LABEL: func.func @unpack_unsorted_and_transpose(
// CHECK:         linalg.unpack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [1, 0]
// CHECK-SAME:      inner_tiles = [16, 32]
// CHECK-SAME:      : tensor<4x16x16x32xf32> -> tensor<128x256xf32>
// CHECK:         linalg.unpack %{{[^ ]+}}
// CHECK-SAME:      outer_dims_perm = [1, 0]
// CHECK-SAME:      inner_dims_pos = []
// CHECK-SAME:      inner_tiles = []
// CHECK-SAME:      : tensor<5x3xf32> -> tensor<3x5xf32>
func.func @unpack_unsorted_and_transpose(%p: tensor<4x16x16x32xf32>, %d: tensor<128x256xf32>,
                                         %q: tensor<5x3xf32>, %e: tensor<3x5xf32>) -> (tensor<128x256xf32>, tensor<3x5xf32>) {
  %0 = linalg.unpack %p inner_dims_pos = [1, 0] inner_tiles = [16, 32] into %d
         : tensor<4x16x16x32xf32> -> tensor<128x256xf32>
  %1 = linalg.unpack %q outer_dims_perm = [1, 0] inner_dims_pos = [] inner_tiles = [] into %e
         : tensor<5x3xf32> -> tensor<3x5xf32>
  return %0, %1 : tensor<128x256xf32>, tensor<3x5xf32>
}
