// The 2022-2024 spellings tensor.pack / tensor.unpack are accepted on input
// (custom and generic form) and printed as linalg.pack / linalg.unpack.
// RUN: pack-opt %s | pack-opt --print-op-generic | pack-opt | filecheck %s
// RUN: pack-opt %s | filecheck %s --check-prefix=NOLEGACY
// NOLEGACY-NOT: tensor.pack
// NOLEGACY-NOT: tensor.unpack

// CHECK-LABEL: func.func @legacy_custom(
// CHECK-SAME:    %[[SRC:[^:]+]]: tensor<129x47xf32>, %[[DEST:[^:]+]]: tensor<6x17x8x8xf32>, %[[OUT:[^:]+]]: tensor<129x47xf32>, %[[PAD:[^:]+]]: f32)
// CHECK:         %[[P:.+]] = linalg.pack %[[SRC]]
// CHECK-SAME:      padding_value(%[[PAD]] : f32)
// CHECK-SAME:      outer_dims_perm = [1, 0]
// CHECK-SAME:      inner_dims_pos = [0, 1]
// CHECK-SAME:      inner_tiles = [8, 8]
// CHECK-SAME:      into %[[DEST]] : tensor<129x47xf32> -> tensor<6x17x8x8xf32>
// CHECK:         %[[U:.+]] = linalg.unpack %[[P]]
// CHECK-SAME:      outer_dims_perm = [1, 0]
// CHECK-SAME:      inner_dims_pos = [0, 1]
// CHECK-SAME:      inner_tiles = [8, 8]
// CHECK-SAME:      into %[[OUT]] : tensor<6x17x8x8xf32> -> tensor<129x47xf32>
// CHECK:         return %[[U]]
func.func @legacy_custom(%src: tensor<129x47xf32>, %dest: tensor<6x17x8x8xf32>, %out: tensor<129x47xf32>, %pad: f32) -> tensor<129x47xf32> {
  %p = tensor.pack %src padding_value(%pad : f32) outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, 8] into %dest
         : tensor<129x47xf32> -> tensor<6x17x8x8xf32>
  %u = tensor.unpack %p outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, 8] into %out
         : tensor<6x17x8x8xf32> -> tensor<129x47xf32>
  return %u : tensor<129x47xf32>
}

// CHECK-LABEL: func.func @legacy_ssa_tile(
// CHECK-SAME:    %[[T:[^:]+]]: index)
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [1]
// CHECK-SAME:      inner_tiles = [%[[T]]]
// CHECK-SAME:      : tensor<16x?xf32> -> tensor<16x?x?xf32>
func.func @legacy_ssa_tile(%src: tensor<16x?xf32>, %dest: tensor<16x?x?xf32>, %t: index) -> tensor<16x?x?xf32> {
  %p = tensor.pack %src inner_dims_pos = [1] inner_tiles = [%t] into %dest : tensor<16x?xf32> -> tensor<16x?x?xf32>
  return %p : tensor<16x?x?xf32>
}

// The generic form of the old spelling is upgraded too.
// CHECK-LABEL: func.func @legacy_generic(
// CHECK:         linalg.pack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [0]
// CHECK-SAME:      inner_tiles = [4]
// CHECK-SAME:      : tensor<8xf32> -> tensor<2x4xf32>
// CHECK:         linalg.unpack %{{[^ ]+}}
// CHECK-SAME:      inner_dims_pos = [0]
// CHECK-SAME:      inner_tiles = [4]
// CHECK-SAME:      : tensor<2x4xf32> -> tensor<8xf32>
func.func @legacy_generic(%src: tensor<8xf32>, %dest: tensor<2x4xf32>, %out: tensor<8xf32>) -> tensor<8xf32> {
  %p = "tensor.pack"(%src, %dest) <{inner_dims_pos = array<i64: 0>, static_inner_tiles = array<i64: 4>, operandSegmentSizes = array<i32: 1, 1, 0, 0>}>
         : (tensor<8xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %u = "tensor.unpack"(%p, %out) <{inner_dims_pos = array<i64: 0>, static_inner_tiles = array<i64: 4>}>
         : (tensor<2x4xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %u : tensor<8xf32>
}
