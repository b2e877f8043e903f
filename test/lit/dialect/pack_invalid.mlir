// One case per linalg.pack / linalg.unpack verifier message, in upstream's
// wording, location (the op name) and order. The `expected-error` lines are
// for upstream MLIR: test/lit/with-mlir/pack_invalid.mlir runs this file
// through `iree-opt --verify-diagnostics`, so both tools must agree.
// RUN: pack-opt %s --split-input-file --verify-diagnostics
// RUN: pack-opt %s --split-input-file --print-diagnostics | filecheck %s

// 1. invalid zero tile factor
func.func @zero_tile(%src: tensor<8x8xf32>, %dest: tensor<?x8x0x1xf32>) -> tensor<?x8x0x1xf32> {
  // expected-error @+2 {{invalid zero tile factor}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: invalid zero tile factor
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [0, 1] into %dest : tensor<8x8xf32> -> tensor<?x8x0x1xf32>
  return %0 : tensor<?x8x0x1xf32>
}

// -----

// 1. (checked before the invalid inner_dims_pos)
func.func @zero_tile_first(%src: tensor<8x8xf32>, %dest: tensor<4x4x0x2xf32>) -> tensor<4x4x0x2xf32> {
  // expected-error @+2 {{invalid zero tile factor}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: invalid zero tile factor
  %0 = linalg.pack %src inner_dims_pos = [0, 0] inner_tiles = [0, 2] into %dest : tensor<8x8xf32> -> tensor<4x4x0x2xf32>
  return %0 : tensor<4x4x0x2xf32>
}

// -----

// 1. unpack
func.func @unpack_zero_tile(%src: tensor<4x0xf32>, %dest: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{invalid zero tile factor}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: invalid zero tile factor
  %0 = linalg.unpack %src inner_dims_pos = [0] inner_tiles = [0] into %dest : tensor<4x0xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// 2. inner_dims_pos with a duplicate
func.func @inner_dims_pos_duplicate(%src: tensor<8x8xf32>, %dest: tensor<4x4x2x2xf32>) -> tensor<4x4x2x2xf32> {
  // expected-error @+2 {{invalid inner_dims_pos vector}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: invalid inner_dims_pos vector
  %0 = linalg.pack %src inner_dims_pos = [0, 0] inner_tiles = [2, 2] into %dest : tensor<8x8xf32> -> tensor<4x4x2x2xf32>
  return %0 : tensor<4x4x2x2xf32>
}

// -----

// 2. inner_dims_pos out of range
func.func @inner_dims_pos_out_of_range(%src: tensor<8x8xf32>, %dest: tensor<8x8x2xf32>) -> tensor<8x8x2xf32> {
  // expected-error @+2 {{invalid inner_dims_pos vector}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: invalid inner_dims_pos vector
  %0 = linalg.pack %src inner_dims_pos = [2] inner_tiles = [2] into %dest : tensor<8x8xf32> -> tensor<8x8x2xf32>
  return %0 : tensor<8x8x2xf32>
}

// -----

// 2. inner_dims_pos negative
func.func @inner_dims_pos_negative(%src: tensor<8x8xf32>, %dest: tensor<8x4x2xf32>) -> tensor<8x4x2xf32> {
  // expected-error @+2 {{invalid inner_dims_pos vector}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: invalid inner_dims_pos vector
  %0 = linalg.pack %src inner_dims_pos = [-1] inner_tiles = [2] into %dest : tensor<8x8xf32> -> tensor<8x4x2xf32>
  return %0 : tensor<8x4x2xf32>
}

// -----

// 2. inner_dims_pos longer than the rank (checked before the tile count)
func.func @inner_dims_pos_too_long(%src: tensor<8x8xf32>, %dest: tensor<2x4x2x2x2xf32>) -> tensor<2x4x2x2x2xf32> {
  // expected-error @+2 {{invalid inner_dims_pos vector}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: invalid inner_dims_pos vector
  %0 = linalg.pack %src inner_dims_pos = [0, 1, 0] inner_tiles = [2, 2, 2] into %dest : tensor<8x8xf32> -> tensor<2x4x2x2x2xf32>
  return %0 : tensor<2x4x2x2x2xf32>
}

// -----

// 2. unpack
func.func @unpack_inner_dims_pos(%src: tensor<4x8x2xf32>, %dest: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+2 {{invalid inner_dims_pos vector}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: invalid inner_dims_pos vector
  %0 = linalg.unpack %src inner_dims_pos = [3] inner_tiles = [2] into %dest : tensor<4x8x2xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

// 3. outer_dims_perm with a duplicate
func.func @outer_dims_perm_duplicate(%src: tensor<8x8xf32>, %dest: tensor<4x8x2xf32>) -> tensor<4x8x2xf32> {
  // expected-error @+2 {{invalid outer_dims_perm vector}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: invalid outer_dims_perm vector
  %0 = linalg.pack %src outer_dims_perm = [1, 1] inner_dims_pos = [0] inner_tiles = [2] into %dest : tensor<8x8xf32> -> tensor<4x8x2xf32>
  return %0 : tensor<4x8x2xf32>
}

// -----

// 3. outer_dims_perm out of range (unpack)
func.func @unpack_outer_dims_perm_out_of_range(%src: tensor<8x2x2xf32>, %dest: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{invalid outer_dims_perm vector}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: invalid outer_dims_perm vector
  %0 = linalg.unpack %src outer_dims_perm = [0, 2] inner_dims_pos = [0] inner_tiles = [2] into %dest : tensor<8x2x2xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// 4. outer_dims_perm of the wrong size
func.func @outer_dims_perm_size(%src: tensor<8x8xf32>, %dest: tensor<4x8x2xf32>) -> tensor<4x8x2xf32> {
  // expected-error @+2 {{outer_dims_perm must be a permutation or empty}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: outer_dims_perm must be a permutation or empty
  %0 = linalg.pack %src outer_dims_perm = [1] inner_dims_pos = [0] inner_tiles = [2] into %dest : tensor<8x8xf32> -> tensor<4x8x2xf32>
  return %0 : tensor<4x8x2xf32>
}

// -----

// 5. more tiles than the input rank (pack)
func.func @too_many_tiles(%src: tensor<8xf32>, %dest: tensor<4x2x2xf32>) -> tensor<4x2x2xf32> {
  // expected-error @+2 {{tiling factors must be less than or equal to the input rank for pack or output rank for unpack}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: tiling factors must be less than or equal to the input rank for pack or output rank for unpack
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [2, 2] into %dest : tensor<8xf32> -> tensor<4x2x2xf32>
  return %0 : tensor<4x2x2xf32>
}

// -----

// 5. more tiles than the output rank (unpack)
func.func @unpack_too_many_tiles(%src: tensor<4x2x2xf32>, %dest: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+2 {{tiling factors must be less than or equal to the input rank for pack or output rank for unpack}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: tiling factors must be less than or equal to the input rank for pack or output rank for unpack
  %0 = linalg.unpack %src inner_dims_pos = [0] inner_tiles = [2, 2] into %dest : tensor<4x2x2xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// 6. #tiles != #inner_dims_pos
func.func @tiles_vs_inner_dims_pos(%src: tensor<8x8xf32>, %dest: tensor<4x4x2x2xf32>) -> tensor<4x4x2x2xf32> {
  // expected-error @+2 {{tiling factors must equal the number of dimensions to tile}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: tiling factors must equal the number of dimensions to tile
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [2, 2] into %dest : tensor<8x8xf32> -> tensor<4x4x2x2xf32>
  return %0 : tensor<4x4x2x2xf32>
}

// -----

// 7. packed rank != unpacked rank + #tiles (pack)
func.func @packed_rank(%src: tensor<8x8xf32>, %dest: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{packed rank != (unpacked rank + num tiling factors), got 2 != 3}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: packed rank != (unpacked rank + num tiling factors), got 2 != 3
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [2] into %dest : tensor<8x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// 7. unpack
func.func @unpack_packed_rank(%src: tensor<2x8x8x1xf32>, %dest: tensor<16x8xf32>) -> tensor<16x8xf32> {
  // expected-error @+2 {{packed rank != (unpacked rank + num tiling factors), got 4 != 3}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: packed rank != (unpacked rank + num tiling factors), got 4 != 3
  %0 = linalg.unpack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<2x8x8x1xf32> -> tensor<16x8xf32>
  return %0 : tensor<16x8xf32>
}

// -----

// 8. a static tile vs the trailing packed dim
func.func @tile_vs_packed_dim(%src: tensor<16x16xf32>, %dest: tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32> {
  // expected-error @+2 {{mismatch in inner tile sizes specified and shaped of tiled dimension in the packed type at index 1: got 4 != 8}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: mismatch in inner tile sizes specified and shaped of tiled dimension in the packed type at index 1: got 4 != 8
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [8, 8] into %dest : tensor<16x16xf32> -> tensor<2x2x8x4xf32>
  return %0 : tensor<2x2x8x4xf32>
}

// -----

// 8. a static tile vs a dynamic trailing dim (upstream prints the raw sentinel)
func.func @tile_vs_dynamic_packed_dim(%src: tensor<16x8xf32>, %dest: tensor<2x8x?xf32>) -> tensor<2x8x?xf32> {
  // expected-error @+2 {{mismatch in inner tile sizes specified and shaped of tiled dimension in the packed type at index 0: got -9223372036854775808 != 8}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: mismatch in inner tile sizes specified and shaped of tiled dimension in the packed type at index 0: got -9223372036854775808 != 8
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<16x8xf32> -> tensor<2x8x?xf32>
  return %0 : tensor<2x8x?xf32>
}

// -----

// 8. an SSA tile (even a constant) vs a static trailing dim
func.func @ssa_tile_vs_static_packed_dim(%src: tensor<16x16xf32>, %dest: tensor<2x?x8x4xf32>) -> tensor<2x?x8x4xf32> {
  %c4 = arith.constant 4 : index
  // expected-error @+2 {{mismatch in inner tile sizes specified at index 1: got static shape 4 but dynamic tile size}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: mismatch in inner tile sizes specified at index 1: got static shape 4 but dynamic tile size
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [8, %c4] into %dest : tensor<16x16xf32> -> tensor<2x?x8x4xf32>
  return %0 : tensor<2x?x8x4xf32>
}

// -----

// 8. unpack
func.func @unpack_tile_vs_packed_dim(%src: tensor<2x8x4xf32>, %dest: tensor<16x8xf32>) -> tensor<16x8xf32> {
  // expected-error @+2 {{mismatch in inner tile sizes specified and shaped of tiled dimension in the packed type at index 0: got 4 != 8}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: mismatch in inner tile sizes specified and shaped of tiled dimension in the packed type at index 0: got 4 != 8
  %0 = linalg.unpack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<2x8x4xf32> -> tensor<16x8xf32>
  return %0 : tensor<16x8xf32>
}

// -----

// 9. the packed type vs the inferred one
func.func @packed_type(%src: tensor<16x8xf32>, %dest: tensor<3x8x8xf32>) -> tensor<3x8x8xf32> {
  // expected-error @+2 {{expected 'tensor<2x8x8xf32>' for the packed domain value, got 'tensor<3x8x8xf32>'}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: expected 'tensor<2x8x8xf32>' for the packed domain value, got 'tensor<3x8x8xf32>'
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<16x8xf32> -> tensor<3x8x8xf32>
  return %0 : tensor<3x8x8xf32>
}

// -----

// 9. no artificial padding: a larger packed type is rejected even with padding_value
func.func @packed_type_artificial_padding(%src: tensor<16x8xf32>, %dest: tensor<4x8x8xf32>, %pad: f32) -> tensor<4x8x8xf32> {
  // expected-error @+2 {{expected 'tensor<2x8x8xf32>' for the packed domain value, got 'tensor<4x8x8xf32>'}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: expected 'tensor<2x8x8xf32>' for the packed domain value, got 'tensor<4x8x8xf32>'
  %0 = linalg.pack %src padding_value(%pad : f32) inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<16x8xf32> -> tensor<4x8x8xf32>
  return %0 : tensor<4x8x8xf32>
}

// -----

// 9. outer_dims_perm applies to the outer dims
func.func @packed_type_outer_dims_perm(%src: tensor<16x8xf32>, %dest: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  // expected-error @+2 {{expected 'tensor<8x2x8xf32>' for the packed domain value, got 'tensor<2x8x8xf32>'}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: expected 'tensor<8x2x8xf32>' for the packed domain value, got 'tensor<2x8x8xf32>'
  %0 = linalg.pack %src outer_dims_perm = [1, 0] inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<16x8xf32> -> tensor<2x8x8xf32>
  return %0 : tensor<2x8x8xf32>
}

// -----

// 9. unpack: the packed outer dims must equal ceildiv(dest dim, tile)
func.func @unpack_packed_type(%src: tensor<3x8x8xf32>, %dest: tensor<16x8xf32>) -> tensor<16x8xf32> {
  // expected-error @+2 {{expected 'tensor<2x8x8xf32>' for the packed domain value, got 'tensor<3x8x8xf32>'}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: expected 'tensor<2x8x8xf32>' for the packed domain value, got 'tensor<3x8x8xf32>'
  %0 = linalg.unpack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<3x8x8xf32> -> tensor<16x8xf32>
  return %0 : tensor<16x8xf32>
}

// -----

// 10. padding_value of the wrong type (emitOpError: with the op name)
func.func @padding_value_type(%src: tensor<13x8xf32>, %dest: tensor<2x8x8xf32>, %pad: i32) -> tensor<2x8x8xf32> {
  // expected-error @+2 {{expected padding_value has 'f32' but got: 'i32'}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.pack' op expected padding_value has 'f32' but got: 'i32'
  %0 = linalg.pack %src padding_value(%pad : i32) inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<13x8xf32> -> tensor<2x8x8xf32>
  return %0 : tensor<2x8x8xf32>
}

// -----

// 11. padding needed but absent: a static tile that does not divide
func.func @padding_required(%src: tensor<13x8xf32>, %dest: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  // expected-error @+2 {{invalid tile factor or output size provided. Only full tiles are supported when padding_value is not set}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.pack' op invalid tile factor or output size provided. Only full tiles are supported when padding_value is not set
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<13x8xf32> -> tensor<2x8x8xf32>
  return %0 : tensor<2x8x8xf32>
}

// -----

// 11. an SSA tile defined by a constant that does not divide
func.func @padding_required_constant_tile(%src: tensor<13x8xf32>, %dest: tensor<?x8x?xf32>) -> tensor<?x8x?xf32> {
  %c8 = arith.constant 8 : index
  // expected-error @+2 {{invalid tile factor or output size provided. Only full tiles are supported when padding_value is not set}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.pack' op invalid tile factor or output size provided. Only full tiles are supported when padding_value is not set
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [%c8] into %dest : tensor<13x8xf32> -> tensor<?x8x?xf32>
  return %0 : tensor<?x8x?xf32>
}

// -----

// 11. an unknown tile, but a static outer size (after outer_dims_perm) that does not divide
func.func @padding_required_output_size(%src: tensor<8x13xf32>, %dest: tensor<2x8x?xf32>, %t: index) -> tensor<2x8x?xf32> {
  // expected-error @+2 {{invalid tile factor or output size provided. Only full tiles are supported when padding_value is not set}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.pack' op invalid tile factor or output size provided. Only full tiles are supported when padding_value is not set
  %0 = linalg.pack %src outer_dims_perm = [1, 0] inner_dims_pos = [1] inner_tiles = [%t] into %dest : tensor<8x13xf32> -> tensor<2x8x?xf32>
  return %0 : tensor<2x8x?xf32>
}

// -----

// The result type must be the dest type (upstream's AllTypesMatch trait).
func.func @result_type(%src: tensor<16x8xf32>, %dest: tensor<2x8x8xf32>) -> tensor<?x8x8xf32> {
  // expected-error @+2 {{failed to verify that result type matches type of dest}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.pack' op failed to verify that result type matches type of dest
  %0 = "linalg.pack"(%src, %dest) <{inner_dims_pos = array<i64: 0>, static_inner_tiles = array<i64: 8>, operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<16x8xf32>, tensor<2x8x8xf32>) -> tensor<?x8x8xf32>
  return %0 : tensor<?x8x8xf32>
}

// -----

func.func @unpack_result_type(%src: tensor<2x8x8xf32>, %dest: tensor<16x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+2 {{failed to verify that result type matches type of dest}}
  // CHECK: pack_invalid.mlir:[[# @LINE + 1]]:8: error: 'linalg.unpack' op failed to verify that result type matches type of dest
  %0 = "linalg.unpack"(%src, %dest) <{inner_dims_pos = array<i64: 0>, static_inner_tiles = array<i64: 8>}> : (tensor<2x8x8xf32>, tensor<16x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Valid neighbours of the cases above are accepted.
// CHECK-LABEL: func.func @valid_neighbours(
// CHECK-COUNT-4: linalg.pack
func.func @valid_neighbours(%a: tensor<16x8xf32>, %b: tensor<13x8xf32>, %t: index, %pad: f32)
    -> (tensor<2x8x8xf32>, tensor<?x8x8xf32>, tensor<2x8x?xf32>, tensor<2x8x8xf32>) {
  %d0 = tensor.empty() : tensor<2x8x8xf32>
  // padding_value where none is needed
  %0 = linalg.pack %a padding_value(%pad : f32) inner_dims_pos = [0] inner_tiles = [8] into %d0 : tensor<16x8xf32> -> tensor<2x8x8xf32>
  // a dynamic outer dim is compatible with the inferred static one
  %d1 = tensor.empty(%t) : tensor<?x8x8xf32>
  %1 = linalg.pack %a inner_dims_pos = [0] inner_tiles = [8] into %d1 : tensor<16x8xf32> -> tensor<?x8x8xf32>
  // an unknown tile whose static outer size divides the dim
  %d2 = tensor.empty(%t) : tensor<2x8x?xf32>
  %2 = linalg.pack %a inner_dims_pos = [0] inner_tiles = [%t] into %d2 : tensor<16x8xf32> -> tensor<2x8x?xf32>
  // 13 = 8 + 5: padded
  %3 = linalg.pack %b padding_value(%pad : f32) inner_dims_pos = [0] inner_tiles = [8] into %d0 : tensor<13x8xf32> -> tensor<2x8x8xf32>
  return %0, %1, %2, %3 : tensor<2x8x8xf32>, tensor<?x8x8xf32>, tensor<2x8x?xf32>, tensor<2x8x8xf32>
}
