// Checks packdialect makes beyond upstream's linalg.pack / linalg.unpack
// verifier (upstream crashes on the first, accepts the others), after all of
// upstream's checks. Not fed to iree-opt.
// RUN: pack-opt %s --split-input-file --verify-diagnostics
// RUN: pack-opt %s --split-input-file --print-diagnostics | filecheck %s

// An SSA tile defined by a zero constant (upstream divides by it and crashes).
func.func @zero_constant_tile(%src: tensor<8x8xf32>, %dest: tensor<?x8x?x1xf32>) -> tensor<?x8x?x1xf32> {
  %c0 = arith.constant 0 : index
  // expected-error @+2 {{invalid zero tile factor}}
  // CHECK: pack_invalid_extra.mlir:[[# @LINE + 1]]:8: error: invalid zero tile factor
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [%c0, 1] into %dest : tensor<8x8xf32> -> tensor<?x8x?x1xf32>
  return %0 : tensor<?x8x?x1xf32>
}

// -----

func.func @unpack_zero_constant_tile(%src: tensor<2x8x?xf32>, %dest: tensor<16x8xf32>) -> tensor<16x8xf32> {
  %c0 = arith.constant 0 : index
  // expected-error @+2 {{invalid zero tile factor}}
  // CHECK: pack_invalid_extra.mlir:[[# @LINE + 1]]:8: error: invalid zero tile factor
  %0 = linalg.unpack %src inner_dims_pos = [0] inner_tiles = [%c0] into %dest : tensor<2x8x?xf32> -> tensor<16x8xf32>
  return %0 : tensor<16x8xf32>
}

// -----

// pack / unpack never convert elements.
func.func @element_types(%src: tensor<16x8xf32>, %dest: tensor<2x8x8xf16>) -> tensor<2x8x8xf16> {
  // expected-error @+2 {{'linalg.pack' op the packed and unpacked element types must match, got 'f16' and 'f32'}}
  // CHECK: pack_invalid_extra.mlir:[[# @LINE + 1]]:8: error: 'linalg.pack' op the packed and unpacked element types must match, got 'f16' and 'f32'
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<16x8xf32> -> tensor<2x8x8xf16>
  return %0 : tensor<2x8x8xf16>
}

// -----

func.func @unpack_element_types(%src: tensor<2x8x8xf32>, %dest: tensor<16x8xf16>) -> tensor<16x8xf16> {
  // expected-error @+2 {{'linalg.unpack' op the packed and unpacked element types must match, got 'f32' and 'f16'}}
  // CHECK: pack_invalid_extra.mlir:[[# @LINE + 1]]:8: error: 'linalg.unpack' op the packed and unpacked element types must match, got 'f32' and 'f16'
  %0 = linalg.unpack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<2x8x8xf32> -> tensor<16x8xf16>
  return %0 : tensor<16x8xf16>
}

// -----

// The old spelling is verified as linalg.pack, at its own location.
func.func @legacy_spelling(%src: tensor<13x8xf32>, %dest: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  // expected-error @+2 {{'linalg.pack' op invalid tile factor or output size provided. Only full tiles are supported when padding_value is not set}}
  // CHECK: pack_invalid_extra.mlir:[[# @LINE + 1]]:8: error: 'linalg.pack' op invalid tile factor or output size provided. Only full tiles are supported when padding_value is not set
  %0 = tensor.pack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<13x8xf32> -> tensor<2x8x8xf32>
  return %0 : tensor<2x8x8xf32>
}

// -----

// Generic form whose dynamic entries of static_inner_tiles have no SSA tile.
func.func @missing_ssa_tile(%a: tensor<4xf32>, %d: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+2 {{'linalg.pack' op expected 1 dynamic inner tile values (one per dynamic entry of static_inner_tiles), got 0}}
  // CHECK: pack_invalid_extra.mlir:[[# @LINE + 1]]:8: error: 'linalg.pack' op expected 1 dynamic inner tile values (one per dynamic entry of static_inner_tiles), got 0
  %0 = "linalg.pack"(%a, %d) <{inner_dims_pos = array<i64: 0>, static_inner_tiles = array<i64: -9223372036854775808>, operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
